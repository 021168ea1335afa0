"""``interpret maximize``: render what filters, units or classes respond to most.

Example:
    $ interpret maximize --layer conv2d_2 --filter 0-11
    $ interpret maximize --model mnist-cnn --class all
    $ interpret maximize --layer conv2d_1 --filter 1,5,9 --size 128 --examples 9
"""

from __future__ import annotations

import click

from interpret.cli.common import (
    echo_artifact,
    gallery_option,
    model_option,
    precision_option,
    seed_option,
)


@click.command()
@model_option
@click.option("--layer", "-l", default=None, help="Layer whose filters/units to render.")
@click.option(
    "--filter",
    "-f",
    "filter_spec",
    default=None,
    metavar="F",
    help="Filter/unit index, range 0-11, list 1,5,9, or all.  [default: all]",
)
@click.option(
    "--class",
    "-c",
    "class_spec",
    default=None,
    metavar="C",
    help="Render output classes instead: index, name (cat), list 3,cat, or all.",
)
@click.option("--size", type=int, default=None, help="Canvas side in pixels for conv layers.")
@click.option(
    "--examples",
    type=int,
    default=0,
    show_default=True,
    help="Also show the N test images that excite each target most.",
)
@click.option(
    "--dataset", default=None, help="Data set for --examples (default: the model card's)."
)
@click.option("--steps", type=int, default=256, show_default=True, help="Optimisation steps.")
@click.option("--lr", type=float, default=0.05, show_default=True, help="Adam learning rate.")
@click.option(
    "--param",
    type=click.Choice(["fourier", "pixel"]),
    default="fourier",
    show_default=True,
    help="Image parameterization.",
)
@click.option(
    "--decorrelate/--no-decorrelate",
    default=True,
    show_default=True,
    help="Colour-decorrelate RGB images.",
)
@click.option("--jitter", type=int, default=None, help="Jitter in pixels [default: size/16].")
@click.option(
    "--scale", type=float, default=0.05, show_default=True, help="Random zoom +-, at most 0.5."
)
@click.option(
    "--rotate",
    type=float,
    default=0.0,
    show_default=True,
    help="Random rotation, degrees (at most 45). Off by default: without it the moves "
    "fold into the Fourier synthesis, which is faster.",
)
@click.option("--tv", type=float, default=0.0, show_default=True, help="Total-variation penalty.")
@click.option("--l2", type=float, default=0.0, show_default=True, help="L2 penalty.")
@click.option("--blur", type=float, default=0.0, show_default=True, help="Blur penalty.")
@click.option(
    "--leak", type=float, default=0.1, show_default=True, help="Dead-ReLU fix: starting leak."
)
@click.option(
    "--batch-size", type=int, default=64, show_default=True, help="Targets rendered together."
)
@precision_option()
@seed_option
@gallery_option
def maximize(
    model: str,
    layer: str | None,
    filter_spec: str | None,
    class_spec: str | None,
    size: int | None,
    examples: int,
    dataset: str | None,
    steps: int,
    lr: float,
    param: str,
    decorrelate: bool,
    jitter: int | None,
    scale: float,
    rotate: float,
    tv: float,
    l2: float,
    blur: float,
    leak: float,
    batch_size: int,
    precision: str | None,
    seed: int,
    gallery_dir: str | None,
) -> None:
    """Activation maximization: the images a filter, unit or class responds to most.

    Give --layer (with --filter) or --class. Writes one PNG + sidecar per target and
    one labelled grid per run (with --examples, each render beside its top test images).
    """
    from interpret.cli.common import progress, require_positive
    from interpret.core.errors import UserError
    from interpret.core.models import resolve
    from interpret.gallery.store import Gallery
    from interpret.visualize.maximize import maximize as run
    from interpret.visualize.maximize import save

    require_positive(steps, "--steps")
    require_positive(lr, "--lr")
    if size is not None:
        require_positive(size, "--size")
    if class_spec is None and layer is None:
        raise UserError("give --layer L (with --filter F) or --class C")
    if class_spec is not None and (layer is not None or filter_spec is not None):
        raise UserError("give either --layer/--filter or --class, not both")
    handle = resolve(model)
    probe = handle.probe
    if layer is not None:
        probe.check_filter(layer, 0)
    n_targets = probe.n_classes if class_spec is not None else probe.layer(layer).size
    batches = -(-n_targets // max(1, batch_size))
    bar_cm = progress(steps * batches, "rendering")
    bar = []  # opened on the first step, so validation errors print nothing else

    def tick(n: int) -> None:
        if not bar:
            bar.append(bar_cm.__enter__())
        bar[0].update(n)

    try:
        result = run(
            handle,
            layer,
            None if class_spec is not None else (filter_spec or "all"),
            classes=class_spec,
            steps=steps,
            lr=lr,
            seed=seed,
            size=size,
            param=param,
            decorrelate=decorrelate,
            jitter=jitter,
            scale=scale,
            rotate=rotate,
            tv=tv,
            l2=l2,
            blur=blur,
            leak=leak,
            examples=examples,
            dataset=dataset,
            batch_size=batch_size,
            precision=precision or "auto",
            progress=tick,
        )
    finally:
        if bar:
            bar_cm.__exit__(None, None, None)
    for art in save(result, Gallery(gallery_dir), handle.describe()):
        echo_artifact(art.png)
    figs = result.activations
    click.echo(
        f"{len(result.targets)} {result.kind} target(s) in {result.seconds:.1f}s; "
        f"activation mean {float(figs.mean()):.3f} (min {float(figs.min()):.3f}, max {float(figs.max()):.3f})"
        + (
            f"; softmax of target min {float(result.probabilities.min()):.4f}"
            if result.probabilities is not None
            else ""
        )
    )


COMMANDS = [maximize]
