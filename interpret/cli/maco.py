"""``interpret maco``: feature visualization under a natural magnitude spectrum, with alpha maps.

Example:
    $ interpret maco --layer conv2d_2 --filter 0-7
    $ interpret maco --model mnist-cnn --class all --spectrum data
"""

from __future__ import annotations

import click

from interpret.cli import common
from interpret.visualize.maco import SPECTRA, MacoSettings
from interpret.visualize.maco import maco as api


@click.command()
@common.model_option
@click.option("--layer", "-l", "layer", default=None, help="Layer whose filters/units to render.")
@click.option(
    "--filter", "-f", "filters", default=None, metavar="F",
    help="Filter/unit index, range 0-11, list 1,5,9, or all.  [default: all]",
)  # fmt: skip
@click.option(
    "--class", "-c", "classes", default=None, metavar="C",
    help="Render output classes instead: index, name (cat), list 3,cat, or all.",
)  # fmt: skip
@common.api_option(api, "size", type=int, help="Canvas side in pixels for conv layers.")
@common.api_option(
    api,
    "spectrum",
    type=click.Choice(SPECTRA),
    help="Magnitude spectrum: natural (photos shipped with the package) or data (the "
    "model's data set).",
)
@common.api_option(api, "contrast", help="Standard deviation of the image before the sigmoid.")
@common.settings_options(MacoSettings, skip=("param",))
@common.api_option(api, "batch_size", help="Targets rendered together.")
@common.seed_option
@common.gallery_option
def maco(model: str, gallery_dir: str | None, **options) -> None:
    """MACO: optimise only the phase of a natural-image spectrum; alpha maps show where
    the gradient went. Give --layer (with --filter) or --class.
    """
    from interpret.gallery.store import Gallery

    result = api(model, progress=True, **options)
    for art in result.save(Gallery(gallery_dir)):
        common.echo_artifact(art.png)
    acts = result.activations
    click.echo(
        f"{len(result.targets)} {result.kind} target(s) in {result.seconds:.1f}s; "
        f"activation mean {float(acts.mean()):.3f} (min {float(acts.min()):.3f}, "
        f"max {float(acts.max()):.3f})"
    )


COMMANDS = [maco]
