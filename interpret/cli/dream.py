"""``interpret dream``: DeepDream a photo with a model's conv layers.

Example:
    $ interpret dream --model cifar10-cnn --image photo.jpg --layers conv2d_1=1.0,conv2d_2=1.5
    $ interpret dream --model mnist-cnn --layers conv2d_1:17   # matplotlib's sample photo
"""

from __future__ import annotations

import click

from interpret.cli.common import echo_artifact, gallery_option, model_option, seed_option


@click.command()
@model_option
@click.option(
    "--image",
    default=None,
    metavar="FILE",
    help="Photo to dream on [default: grace_hopper.jpg, shipped with matplotlib].",
)
@click.option(
    "--layers",
    default=None,
    metavar="SPEC",
    help="Layers and weights, e.g. conv2d_1=1.0,conv2d_2=1.5; layer:17 targets one channel "
    "[default: the last two conv layers, weighted 1.0 and 1.5].",
)
@click.option(
    "--octaves", default=4, show_default=True, type=int, help="Number of scales, small to large."
)
@click.option(
    "--octave-scale", default=1.4, show_default=True, type=float, help="Size ratio between octaves."
)
@click.option("--steps", default=20, show_default=True, type=int, help="Ascent steps per octave.")
@click.option(
    "--step-size",
    default=0.02,
    show_default=True,
    type=float,
    help="Step on the normalised gradient.",
)
@click.option(
    "--tile-size",
    default=512,
    show_default=True,
    type=int,
    help="Largest tile side (bounds memory).",
)
@seed_option
@gallery_option
def dream(
    model: str,
    image: str | None,
    layers: str | None,
    octaves: int,
    octave_scale: float,
    steps: int,
    step_size: float,
    tile_size: int,
    seed: int,
    gallery_dir: str | None,
) -> None:
    """DeepDream a photo: amplify what MODEL's layers half-see in it.

    Writes the dreamed image (at the photo's resolution), a before/after sheet and
    their JSON sidecars into the gallery. Grayscale models dream on the photo's
    grayscale version.
    """
    from interpret.gallery.store import Gallery
    from interpret.visualize.dream import dream as run_dream
    from interpret.visualize.dream import ratio_text

    result = run_dream(
        model,
        image,
        layers=layers,
        octaves=octaves,
        octave_scale=octave_scale,
        steps=steps,
        step_size=step_size,
        tile_size=tile_size,
        seed=seed,
        progress=True,
        gallery=Gallery(gallery_dir),
    )
    f = result.figures
    for note in result.notes:
        click.echo(f"note: {note}")
    click.echo(
        f"weighted activation {f['activation_before']:.4g} -> {f['activation_after']:.4g} "
        f"({ratio_text(f['activation_ratio'])}) in {f['seconds']:.1f}s"
    )
    for art in result.artifacts:
        echo_artifact(art.png)


COMMANDS = [dream]
