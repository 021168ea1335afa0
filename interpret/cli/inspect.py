"""Seeing inside a model: kernels, feature maps, convolution by hand, the structure.

Example:
    $ interpret filters --model cifar10-cnn --layer conv2d
    $ interpret featuremaps --model mnist-cnn --layer all --index 0
    $ interpret convolve --kernel vertical
    $ interpret convolve --digits
    $ interpret summary cifar10-cnn
"""

from __future__ import annotations

from typing import Any

import click

from interpret.cli.common import (
    data_option,
    echo_artifact,
    gallery_option,
    model_argument,
    model_option,
)

MANY_LAYERS = 30  # --layer all on more layers than this says how many before it starts


def _say_how_many(handle: Any) -> None:
    """One line on stderr when ``--layer all`` would draw more than MANY_LAYERS sheets."""
    from interpret.inspect.featuremaps import map_layers

    count = len(map_layers(handle.probe))
    if count > MANY_LAYERS:
        click.echo(
            f"note: --layer all draws {count} layers of {handle.name}, a sheet each, which "
            "can take minutes; name one with --layer (interpret layers lists them)",
            err=True,
        )


def _save(sheet, gallery_dir):
    for note in sheet.notes:
        click.echo(f"note: {note}", err=True)
    for art in sheet.save(gallery_dir):
        echo_artifact(art.png)


@click.command("filters")
@model_option
@click.option(
    "--layer", "-l", required=True, help="A layer with kernels (conv, or dense on the image)."
)
@click.option(
    "--filters",
    "filters",
    default=None,
    metavar="LIST",
    help="Filters to draw: 0-15, 1,5,9 or all [default: all; first 64 units of a dense layer].",
)
@gallery_option
def filters_command(model: str, layer: str, filters: str | None, gallery_dir: str | None) -> None:
    """Draw the learned kernels of --layer and their biases.

    First-layer RGB kernels are small colour images; deeper kernels a mosaic of
    per-input-channel weights (blue negative, red positive, white zero).
    """
    from interpret.inspect.kernels import plot_filters

    _save(plot_filters(model, layer, filters=filters), gallery_dir)


@click.command()
@model_option
@click.option(
    "--layer",
    "-l",
    required=True,
    help="A conv/pool layer, or 'all' for one sheet per conv/pool layer.",
)
@click.option(
    "--image", "image", default=None, metavar="FILE", help="A picture file to feed the model."
)
@click.option(
    "--index", type=int, default=None, help="Index of a data-set image instead of --image."
)
@click.option(
    "--dataset",
    type=click.Choice(["mnist", "cifar10"]),
    default=None,
    help="Data set of --index [default: the model's].",
)
@click.option("--split", type=click.Choice(["test", "train"]), default="test", show_default=True)
@data_option("Take --index from these instead of a data set.")
@gallery_option
def featuremaps(
    model: str,
    layer: str,
    image: str | None,
    index: int | None,
    dataset: str | None,
    split: str,
    data: str | None,
    gallery_dir: str | None,
) -> None:
    """Every channel's feature map of --layer for one input, beside the input.

    Pictures that do not match the model are converted (RGB <-> grayscale) and
    resized to its input size; the sidecar's notes say so.
    """
    from interpret.core.models import resolve
    from interpret.inspect.featuremaps import iter_featuremaps, plot_featuremaps

    handle = resolve(model)
    where = {"index": index, "dataset": dataset, "split": split, "data": data}
    if layer == "all":
        _say_how_many(handle)
        sheets = iter_featuremaps(handle, image, progress=True, **where)  # one figure open
    else:
        sheets = [plot_featuremaps(handle, layer, image, **where)]
    for i, sheet in enumerate(sheets):
        if i:
            sheet.notes = []  # say it once
        _save(sheet, gallery_dir)


@click.command()
@click.option(
    "--kernel",
    "-k",
    default="vertical",
    show_default=True,
    help='vertical, horizontal, sharpen, blur, or your own as text: "1,0,-1;1,0,-1;1,0,-1".',
)
@click.option(
    "--image",
    "image",
    default=None,
    metavar="FILE",
    help="A picture to convolve (as grayscale) [default: the 8x8 example].",
)
@click.option(
    "--index", type=int, default=None, help="Index of a data-set image instead of --image."
)
@click.option(
    "--dataset", type=click.Choice(["mnist", "cifar10"]), default=None, help="Data set of --index."
)
@click.option(
    "--digits",
    is_flag=True,
    help="Instead: the shifted-1-vs-7 distances, raw and after the kernel.",
)
@click.option(
    "--source",
    type=click.Choice(["synthetic", "mnist"]),
    default="synthetic",
    show_default=True,
    help="Digits for --digits.",
)
@click.option(
    "--shift", type=int, default=4, show_default=True, help="Pixels the 1 is moved for --digits."
)
@gallery_option
def convolve(
    kernel: str,
    image: str | None,
    index: int | None,
    dataset: str | None,
    digits: bool,
    source: str,
    shift: int,
    gallery_dir: str | None,
) -> None:
    """Convolution by hand: input, kernel with its numbers, output clipped and raw.

    With --digits (kernel default: horizontal): a shifted "1" is nearer a "7" in raw
    pixels but nearer the other "1" after the horizontal-edge kernel; both distances
    are printed and saved.
    """
    from interpret.inspect.convolution import digit_shift_demo, plot_convolution

    if digits:
        if image is not None or index is not None:
            raise click.UsageError("--digits makes its own digits; drop --image/--index")
        ctx = click.get_current_context()
        src = ctx.get_parameter_source("kernel")
        sheet = digit_shift_demo(
            source, shift=shift, kernel="horizontal" if src.name == "DEFAULT" else kernel
        )
        f = sheet.figures
        for what in ("raw", "filtered"):
            d = f[what]
            click.echo(
                f"{what:>8}: shifted 1 -> 1 = {d['shifted_one_to_one']:.1f}, shifted 1 -> 7 = "
                f"{d['shifted_one_to_seven']:.1f} (closer to the {f[what + '_closer_to']})"
            )
    else:
        sheet = plot_convolution(image, kernel, index=index, dataset=dataset)
        if sheet.data["output"].size <= 144:
            click.echo(f"output ({sheet.data['output'].shape[0]}x{sheet.data['output'].shape[1]}):")
            for row in sheet.data["output"]:
                click.echo("  " + " ".join(f"{v:7.4g}" for v in row))
    _save(sheet, gallery_dir)


@click.command()
@model_argument
@gallery_option
def summary(model_spec: str, gallery_dir: str | None) -> None:
    """MODEL's structure as a figure: layers, output shapes, parameters and where they are."""
    from interpret.core.models import resolve
    from interpret.inspect.summary import plot_summary, summary_table

    handle = resolve(model_spec)
    sheet = plot_summary(handle)
    click.echo(summary_table(handle))
    _save(sheet, gallery_dir)


COMMANDS = [filters_command, featuremaps, convolve, summary]
