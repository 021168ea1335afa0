"""``interpret invert``: what each layer keeps of a real image (feature inversion, caricature).

Example:
    $ interpret invert --image photo.png --layers all
    $ interpret invert --index 0-3 --layers conv2d,conv2d_2 --no-caricature
    $ interpret invert --model my_model.keras --data my_images/ --index 5
"""

from __future__ import annotations

import click

from interpret.cli import common
from interpret.visualize.inversion import InversionSettings
from interpret.visualize.inversion import invert as api


@click.command()
@common.model_option
@common.api_option(api, "image", metavar="FILE", help="Picture to invert (kept at its own size).")
@common.api_option(
    api, "index", metavar="I", help="Or data-set test image(s): 3, 0-7, 1,5 [default: 0]."
)
@common.api_option(api, "dataset", help="Data set for --index [default: the model card's].")
@common.data_option("Or invert image --index (default 0) of your own images.")
@common.api_option(api, "layers", metavar="L", help="all (every conv layer) or names a,b.")
@common.api_option(api, "size", type=int, help="Resize the picture to this side first.")
@click.option(
    "--caricature/--no-caricature",
    default=True,
    show_default=True,
    help="Also render caricatures (exaggerate what the layer sees).",
)
@common.api_option(api, "cossim_pow", help="Caricature: cosine-similarity power.")
@common.settings_options(InversionSettings)
@common.seed_option
@common.gallery_option
def invert(model: str, gallery_dir: str | None, **options) -> None:
    """Feature inversion: images whose activations at each layer match a real image's.

    A row per layer shows what the network keeps as depth grows; with --caricature,
    beside each inversion an image that exaggerates what the layer sees. Writes each
    render with a sidecar (relative activation error, pixel error), the rows figure
    and the errors against depth.
    """
    from interpret.gallery.store import Gallery

    if options["image"] is None and options["index"] is None:
        options["index"] = 0
    result = api(model, progress=True, **options)
    for art in result.save(Gallery(gallery_dir)):
        common.echo_artifact(art.png)
    for name, err, pix in zip(result.layers, result.errors, result.pixel_errors):
        click.echo(
            f"{name}: relative activation error {float(err.mean()):.3f} "
            f"(max {float(err.max()):.3f}), pixel RMSE {float(pix.mean()):.3f}"
        )


COMMANDS = [invert]
