"""``interpret dream``: DeepDream a photo with a model's conv layers.

Example:
    $ interpret dream --model cifar10-cnn --image photo.jpg --layers conv2d_1=1.0,conv2d_2=1.5
    $ interpret dream --model mnist-cnn --layers conv2d_1:17   # matplotlib's sample photo
"""

from __future__ import annotations

import click

from interpret.cli import common
from interpret.visualize.dream import dream as api


@click.command()
@common.model_option
@common.api_option(
    api,
    "image",
    metavar="FILE",
    help="Photo to dream on [default: grace_hopper.jpg, shipped with matplotlib].",
)
@common.api_option(
    api,
    "layers",
    metavar="SPEC",
    help="Layers and weights, e.g. conv2d_1=1.0,conv2d_2=1.5; layer:17 targets one channel "
    "[default: the last two conv layers, weighted 1.0 and 1.5].",
)
@common.api_option(api, "octaves", help="Number of scales, small to large.")
@common.api_option(api, "octave_scale", help="Size ratio between octaves.")
@common.api_option(api, "steps", help="Ascent steps per octave.")
@common.api_option(api, "step_size", help="Step on the normalised gradient.")
@common.api_option(api, "tile_size", help="Largest tile side (bounds memory).")
@common.seed_option
@common.gallery_option
def dream(model: str, gallery_dir: str | None, **options) -> None:
    """DeepDream a photo: amplify what MODEL's layers half-see in it.

    Writes the dreamed image (at the photo's resolution), a before/after sheet and
    their JSON sidecars into the gallery. Grayscale models dream on the photo's
    grayscale version.
    """
    from interpret.gallery.store import Gallery
    from interpret.visualize.dream import ratio_text

    result = api(model, progress=True, **options)
    f = result.figures
    for note in result.notes:
        click.echo(f"note: {note}")
    click.echo(
        f"weighted activation {f['activation_before']:.4g} -> {f['activation_after']:.4g} "
        f"({ratio_text(f['activation_ratio'])}) in {f['seconds']:.1f}s"
    )
    for art in result.save(Gallery(gallery_dir)):
        common.echo_artifact(art.png)


COMMANDS = [dream]
