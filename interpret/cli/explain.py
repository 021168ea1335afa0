"""``interpret explain``: why this prediction? Attribution maps into the gallery.

Example:
    $ interpret explain --model cifar10-cnn --index 0-7 --method gradcam,integrated-gradients,smoothgrad
    $ interpret explain --model mnist-cnn --image digit.png --method ig --target 3 --steps 256
    $ interpret explain --model my_model.keras --data my_images/ --index 0-3 --method all
"""

from __future__ import annotations

import click

from interpret.attributions.api import explain as explain_api
from interpret.attributions.methods import ALIASES, METHODS
from interpret.attributions.options import ExplainOptions
from interpret.cli import common

SHORT = ", ".join(f"{a}" for a in ALIASES if a in ("ig", "gradcam++", "gxi"))


@click.command()
@common.model_option
@click.option(
    "--image",
    "images",
    multiple=True,
    metavar="FILE",
    help="Picture file(s) to explain; more files may follow: --image a.png b.png.",
)
@click.argument("more_images", nargs=-1, metavar="[FILE]...")
@click.option(
    "--index", default=None, metavar="LIST", help="Test images of the data set: 0-7, 1,5,9."
)
@click.option(
    "--dataset",
    type=click.Choice(["mnist", "cifar10"]),
    default=None,
    help="Data set of --index [default: the model's].",
)
@common.data_option("Explain these images (--index picks some; default: the first 8).")
@common.api_option(
    explain_api,
    "method",
    help=f"Comma separated, or 'all': {', '.join(METHODS)} (aliases {SHORT}).",
)
@click.option(
    "--target",
    default=None,
    help="predicted (default), a class index or name, one per image (cat,dog), 'label' "
    "(the true label; with --index), or LAYER:FILTER (which pixels make filter FILTER of "
    "LAYER fire, e.g. conv2d_2:5).",
)
@click.option(
    "--layer", default=None, help="CAM layer [default: the last layer with a spatial output]."
)
@common.settings_options(ExplainOptions)
@common.api_option(explain_api, "memory", help="MB of activations per compiled call (batch sizes).")
@common.seed_option
@common.gallery_option
def explain(
    model: str,
    images: tuple,
    more_images: tuple,
    index: str | None,
    dataset: str | None,
    data: str | None,
    method: str,
    target: str | None,
    layer: str | None,
    memory: float,
    seed: int,
    gallery_dir: str | None,
    **options,
) -> None:
    """Attribution maps: which pixels made MODEL give its answer (or --target's score).

    Writes, per method, a sheet of input / heatmap / overlay for each image, and with
    several methods the images x methods sheet, each with a JSON sidecar. Slow methods
    (SmoothGrad, Integrated Gradients, Score-CAM, Occlusion, RISE) show a progress bar.
    """
    from interpret.attributions.explanation import Explanations
    from interpret.attributions.inputs import pick_images
    from interpret.core.errors import UserError
    from interpret.core.models import resolve

    ctx = click.get_current_context()
    given = {k: v for k, v in options.items() if ctx.get_parameter_source(k).name != "DEFAULT"}
    handle = resolve(model)
    picked = pick_images(handle, images + more_images, index=index, dataset=dataset, data=data)
    if (
        picked.y is None
        and target is not None
        and target.strip().lower() in ("label", "labels", "true")
    ):
        raise UserError(
            "--target label needs true labels: data-set images (--index) or --data with labels"
        )
    result = explain_api(
        handle, picked.x, method, target=target, y=picked.y, layer=layer, names=picked.names,
        seed=seed, memory=memory, progress=True, **given,
    )  # fmt: skip
    every = result if isinstance(result, Explanations) else Explanations([result])
    every.describe_images(picked.notes, picked.info)
    for note in picked.notes:
        click.echo(f"note: {note}", err=True)
    for e in every:
        _summary(e)
    for art in result.save(gallery_dir):
        common.echo_artifact(art.png)


def _summary(e) -> None:
    where = f" at {e.layer}" if e.layer else ""
    click.echo(f"{e.title}{where}: {len(e.maps)} images in {e.seconds:.2f}s ({e.target})")
    complete = e.figures.get("completeness")
    if complete:
        worst = max(complete["relative_error"])
        click.echo(f"  completeness: map sums within {100 * worst:.2f}% of f(x) - f(baseline)")


COMMANDS = [explain]
