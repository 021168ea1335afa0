"""``interpret direction | interpolate | interact``: directions in activation space, and pairs.

Example:
    $ interpret direction --layer conv2d_2 --vector v.npy --cossim-pow 1
    $ interpret interpolate --layer conv2d_2 --from 5 --to 17 --frames 6
    $ interpret interact --layer conv2d_2 --filter 0-4
"""

from __future__ import annotations

import click

from interpret.cli import common
from interpret.visualize import directions as api
from interpret.visualize.render import RenderSettings

layer_option = click.option("--layer", "-l", "layer", required=True, help="Layer to read.")


def _write(result, gallery_dir: str | None) -> None:
    from interpret.gallery.store import Gallery

    for art in result.save(Gallery(gallery_dir)):
        common.echo_artifact(art.png)
    click.echo(f"{len(result.images)} image(s) in {result.seconds:.1f}s")


@click.command()
@common.model_option
@layer_option
@click.option(
    "--vector",
    "vector",
    required=True,
    metavar="V",
    help="Direction: a .npy/.txt/.csv file (one row per direction) or a comma list of numbers, "
    "one per channel of the layer.",
)
@common.api_option(api.direction, "cossim_pow", help="Weight by cosine similarity to this power.")
@common.settings_options(RenderSettings)
@common.seed_option
@common.gallery_option
def direction(model: str, gallery_dir: str | None, **options) -> None:
    """Render the images that push a layer's activations along a direction."""
    result = api.direction(model, progress=True, **options)
    _write(result, gallery_dir)


@click.command()
@common.model_option
@click.option("--layer", "-l", "layer", default=None, help="Layer of --from and --to.")
@click.option("--from", "a", required=True, metavar="A", help="First neuron: index or layer:index.")
@click.option("--to", "b", required=True, metavar="B", help="Last neuron: index or layer:index.")
@common.api_option(api.interpolate, "frames", help="Images in the row.")
@common.settings_options(RenderSettings)
@common.seed_option
@common.gallery_option
def interpolate(model: str, gallery_dir: str | None, **options) -> None:
    """A row of images morphing from one neuron to another (neighbours share structure)."""
    result = api.interpolate(model, progress=True, **options)
    _write(result, gallery_dir)


@click.command()
@common.model_option
@layer_option
@common.api_option(api.interact, "filters", "--filter", "-f", metavar="F", help="Neurons to pair.")
@common.settings_options(RenderSettings)
@common.seed_option
@common.gallery_option
def interact(model: str, gallery_dir: str | None, **options) -> None:
    """The neuron-interaction grid: two neurons climbed together, every pair."""
    result = api.interact(model, progress=True, **options)
    _write(result, gallery_dir)


COMMANDS = [direction, interpolate, interact]
