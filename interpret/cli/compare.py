"""``interpret compare``: two models side by side (a standard model and its robust twin).

Example:
    $ interpret compare mnist-cnn mnist-cnn-robust
    $ interpret compare cifar10-cnn --parts classes,saliency
    $ interpret compare mine.keras mine-robust.keras --data my_images/
"""

from __future__ import annotations

import click

from interpret.cli.common import (
    api_option,
    data_option,
    echo_artifact,
    gallery_option,
    seed_option,
)
from interpret.model_compare import PARTS
from interpret.model_compare import compare as run


@click.command()
@click.argument("model_a", metavar="MODEL_A")
@click.argument("model_b", metavar="[MODEL_B]", required=False)
@click.option(
    "--parts",
    default="all",
    show_default=True,
    help=f"Comma-separated subset of: {','.join(PARTS)}.",
)
@click.option(
    "--class", "classes", default="all", show_default=True, help="Classes rendered and fooled."
)
@api_option(run, "steps", help="Render steps of each class visualization.")
@api_option(run, "init_sd", help="Spread of each render's random start around grey.")
@api_option(run, "images", help="Test images of the saliency sheet.")
@api_option(run, "fool_steps", help="Most signed steps of each fooling image.")
@api_option(run, "attack_images", help="Test images of the robustness curve.")
@api_option(
    run,
    "dataset",
    type=click.Choice(["mnist", "cifar10"]),
    help="Test set of the saliency sheet and the curve [default: MODEL_A's card's].",
)
@data_option("Or take those images from your own labelled images.")
@seed_option
@gallery_option
def compare(model_a: str, model_b: str | None, gallery_dir: str | None, **options: object) -> None:
    """MODEL_A beside MODEL_B (default: MODEL_A's standard or robust zoo twin): class
    visualizations, first-layer kernels, saliency maps of the same test images, fooling
    images and PGD accuracy against eps, one sheet each, into the gallery. Prints how
    often each model's class renders are read as their class by the other model.
    """
    result = run(model_a, model_b, progress=True, **options)
    a, b = result.models
    classes = result.figures.get("classes")
    if classes:
        click.echo(
            f"class renders read as their class by the other model: {a}'s by {b} "
            f"{classes['a_renders_by_b']:.0%}, {b}'s by {a} {classes['b_renders_by_a']:.0%}"
        )
    for artifact in result.save(gallery_dir):
        echo_artifact(artifact.png)


COMMANDS = [compare]
