"""Feature inversion on the zoo CNNs: how closely each conv layer's activations are matched.

For each model, IMAGES test images (the full test set with INTERPRET_DATA_DIR, else the
bundled sample) are inverted at every conv layer at the default settings, all in one
batch. Per layer: the relative activation error ``||A(x) - A(x0)|| / ||A(x0)||`` at the
matched layer (acceptance: under 0.1 for every image and layer), and the pixel-space
RMSE of the inversion against the original ([0, 1] units), which should grow with depth.
``--holdout`` repeats it on the next IMAGES images (the defaults were tuned on the
first ones).

Run:
    INTERPRET_DATA_DIR=... nice python benchmarks/canon_inversion.py [--images 0-19]
        [--models cifar10-cnn,mnist-cnn] [--holdout 20-39] [--figure DIR]
"""

from __future__ import annotations

import argparse
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="cifar10-cnn,mnist-cnn")
    ap.add_argument("--images", default="0-19")
    ap.add_argument("--holdout", default=None)
    ap.add_argument("--figure", default=None, help="write each model's rows figure (3 images) here")
    args = ap.parse_args()

    from interpret.visualize.inversion import InversionSettings, invert

    print(f"defaults: {InversionSettings()}")
    for model in args.models.split(","):
        for images in [args.images] + ([args.holdout] if args.holdout else []):
            t0 = time.perf_counter()
            r = invert(model, index=images, layers="all", caricature=False)
            seconds = time.perf_counter() - t0
            print(
                f"{model}, test images {images} ({r.parameters['notes'] or 'no changes'}; "
                f"{len(r.labels)} images x {len(r.layers)} layers in one batch): {seconds:.1f}s"
            )
            print(
                f"  {'layer':<10}{'rel. act. error: mean':>23}{'max':>7}{'pixel RMSE: mean':>19}{'max':>7}"
            )
            for name, err, pix in zip(r.layers, r.errors, r.pixel_errors):
                print(
                    f"  {name:<10}{err.mean():>23.4f}{err.max():>7.4f}{pix.mean():>19.4f}{pix.max():>7.4f}"
                )
            worst = float(r.errors.max())
            print(f"  every image and layer under 0.1: {worst < 0.1} (worst {worst:.4f})")
        if args.figure:
            _figure(model, args.figure)


def _figure(model: str, directory: str) -> None:
    """Three test images, a row per conv layer: the inversion and the caricature."""
    from pathlib import Path

    from interpret.visualize.inversion import invert, rows_figure

    r = invert(model, index="0-2", layers="all")
    path = Path(directory) / f"inversion-{model}.png"
    rows_figure(r).savefig(path, dpi=80)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
