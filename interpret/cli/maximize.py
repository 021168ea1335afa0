"""``interpret maximize``: render what filters, units or classes respond to most.

Example:
    $ interpret maximize --layer conv2d_2 --filter 0-11
    $ interpret maximize --model mnist-cnn --class all
    $ interpret maximize --layer conv2d_1 --filter 1,5,9 --size 128 --examples 9
    $ interpret maximize --layer conv2d_2 --filter 0-15 --diverse 4
"""

from __future__ import annotations

import click

from interpret.cli import common
from interpret.visualize.maximize import maximize as api
from interpret.visualize.render import RenderSettings


@click.command()
@common.model_option
@click.option("--layer", "-l", "layer", default=None, help="Layer whose filters/units to render.")
@click.option(
    "--filter",
    "-f",
    "filters",
    default=None,
    metavar="F",
    help="Filter/unit index, range 0-11, list 1,5,9, or all.  [default: all]",
)
@click.option(
    "--class",
    "-c",
    "classes",
    default=None,
    metavar="C",
    help="Render output classes instead: index, name (cat), list 3,cat, or all.",
)
@common.api_option(api, "size", type=int, help="Canvas side in pixels for conv layers.")
@common.api_option(
    api, "examples", help="Also show the N test images that excite each target most."
)
@common.api_option(api, "dataset", help="Data set for --examples (default: the model card's).")
@common.data_option("Search these for --examples instead of a data set.")
@common.api_option(api, "animate", is_flag=True, help="Also write an animated GIF of each render.")
@common.api_option(api, "frame_every", type=int, help="Steps per GIF frame [default: steps/32].")
@common.api_option(api, "diverse", help="K >= 2 different images per target (diversity penalty).")
@common.api_option(
    api,
    "diversity_layer",
    help="Layer whose Gram matrices --diverse compares [default: the conv layer before the "
    "target's].",
)
@common.api_option(
    api, "diversity_weight", help="Share of its activation an image may trade to be different."
)
@common.settings_options(RenderSettings)
@common.api_option(api, "batch_size", help="Targets rendered together.")
@common.seed_option
@common.gallery_option
def maximize(model: str, gallery_dir: str | None, **options) -> None:
    """Activation maximization: the images a filter, unit or class responds to most.

    Give --layer (with --filter) or --class. Writes one PNG + sidecar per target and
    one labelled grid per run (with --examples, each render beside its top test images;
    with --diverse K, a row of K different images per target).
    """
    from interpret.gallery.store import Gallery

    result = api(model, progress=True, **options)
    for note in result.examples.source.get("data_notes", []) if result.examples else []:
        click.echo(f"note: {note}", err=True)
    for art in result.save(Gallery(gallery_dir)):
        common.echo_artifact(art.png)
        if "animation" in art.meta:
            common.echo_artifact(art.png.with_name(art.meta["animation"]))
    acts = result.activations
    if result.similarity is not None:
        click.echo(
            f"{result.diverse} images per target; mean pairwise Gram similarity at "
            f"{result.parameters['diversity_layer']}: {float(result.similarity['gram'].mean()):.3f}"
        )
    click.echo(
        f"{len(result.targets) // result.diverse} {result.kind} target(s) in {result.seconds:.1f}s; "
        f"activation mean {float(acts.mean()):.3f} (min {float(acts.min()):.3f}, "
        f"max {float(acts.max()):.3f})"
        + (
            f"; softmax of target min {float(result.probabilities.min()):.4f}"
            if result.probabilities is not None
            else ""
        )
    )


COMMANDS = [maximize]
