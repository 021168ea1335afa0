"""MACO against our default prior and against Xplique 2.0.2's ``maco``, side by side.

On cifar10-cnn conv2d_2, the same filters, the same step count (256):

* ours, default prior: ``maximize`` (Fourier, decorrelated, jitter and zoom);
* ours, MACO: ``maco`` (phase only, natural CIFAR-10 magnitude, no moves), and MACO with
  the default prior's moves (``maximize(param="maco")``) for reference;
* Xplique 2.0.2 ``maco`` (one objective at a time, its defaults: Nadam(1.0), 32 random
  crops and noise per step, box size 50% -> 5%, ImageNet magnitude) on a 32x32 canvas
  with ``values_range=(0, 1)`` (the zoo models take [0, 1] images); and again with
  ``box_size=1.0`` (whole-image crops), which suits a 32x32 canvas better. With
  ``--xplique-512`` also at its default 512x512 canvas, resized to 32x32 to score.

Every image is scored the same way, in float32: the filter's mean activation.
Acceptance: MACO >= 80% of the default prior's activation and >= Xplique's.

Run:
    nice python benchmarks/canon_maco.py [--filters 0-63] [--xplique-filters 0-15]
        [--xplique-512] [--figure docs/img/maco-conv2d_2.png]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def xplique_maco(model, layer: str, filters: list[int], steps: int, **kwargs) -> tuple:
    """Xplique's maco, one filter at a time; (images at 32x32, seconds)."""
    from xplique.features_visualizations import Objective, maco

    from interpret._tf import tf

    start = time.perf_counter()
    out = []
    for f in filters:
        img, _ = maco(
            Objective.channel(model, layer, f), nb_steps=steps, values_range=(0, 1), **kwargs
        )
        img = np.asarray(img, "float32")
        if img.shape[:2] != (32, 32):
            img = tf.image.resize(img, (32, 32), antialias=True).numpy()
        out.append(np.clip(img, 0.0, 1.0))
    return np.stack(out), time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="cifar10-cnn")
    ap.add_argument("--layer", default="conv2d_2")
    ap.add_argument("--filters", default="0-63")
    ap.add_argument("--xplique-filters", default="0-15")
    ap.add_argument("--steps", type=int, default=256)
    ap.add_argument("--xplique-512", action="store_true")
    ap.add_argument("--figure", default=None)
    args = ap.parse_args()

    from interpret.core import objectives as obj
    from interpret.core.models import resolve
    from interpret.core.specs import parse_indices
    from interpret.visualize.maco import maco
    from interpret.visualize.maximize import maximize
    from interpret.visualize.render import evaluate

    handle = resolve(args.model)
    probe = handle.probe
    size = probe.layer(args.layer).size
    filters = parse_indices(args.filters, size, "filter")
    xf = parse_indices(args.xplique_filters, size, "filter")
    steps = args.steps
    t0 = time.perf_counter()
    default = maximize(handle, args.layer, filters, steps=steps).activations
    t_default = time.perf_counter() - t0
    t0 = time.perf_counter()
    ours = maco(handle, args.layer, filters, steps=steps)
    t_maco = time.perf_counter() - t0
    moved = maximize(handle, args.layer, filters, steps=steps, param="maco").activations
    live = default > 1e-3

    def line(name: str, acts: np.ndarray, seconds: float | None = None) -> None:
        ratio = acts[live] / default[live]
        extra = f", {seconds:.1f}s" if seconds is not None else ""
        print(
            f"  {name:<46} mean {acts.mean():.3f}  / default: mean of sums {acts.sum() / default.sum():.3f}, "
            f"median {np.median(ratio):.3f}{extra}"
        )

    print(f"{args.model} {args.layer}, {steps} steps, activation = channel mean, float32")
    print(f"all {len(filters)} filters ({int((~live).sum())} dead on the default render):")
    line("ours, default prior (maximize)", default, t_default)
    line("ours, MACO (maco)", ours.activations, t_maco)
    line("ours, MACO with the default moves", moved)
    idx = [filters.index(f) for f in xf]
    sub = {"default": default[idx], "maco": ours.activations[idx]}
    cases = [
        ("32x32 canvas", {"custom_shape": (32, 32)}),
        ("32x32, box_size 1.0", {"custom_shape": (32, 32), "box_size": 1.0}),
    ]
    if args.xplique_512:
        cases.append(("512x512 canvas (its default), resized", {}))
    target = obj.channel(args.layer, xf)
    print(f"filters {args.xplique_filters} (Xplique optimises one at a time):")
    print(f"  ours default {sub['default'].mean():.3f}, ours MACO {sub['maco'].mean():.3f}")
    for name, kwargs in cases:
        images, seconds = xplique_maco(handle.model, args.layer, xf, steps, **kwargs)
        acts = evaluate(probe, target, images)
        wins = int((sub["maco"] >= acts).sum())
        print(
            f"  Xplique 2.0.2 maco, {name}: mean {acts.mean():.3f} ({seconds:.0f}s); ours MACO / "
            f"Xplique: {sub['maco'].mean() / acts.mean():.2f}x, ours higher on {wins}/{len(xf)} filters"
        )
    if args.figure:
        _figure(ours, args.figure)


def _figure(result, path: str) -> None:
    """Eight MACO renders, their alpha maps, and the two blended."""
    from interpret.gallery.style import image_grid
    from interpret.visualize.maco import blend

    n = min(8, len(result.targets))
    cells = (
        list(result.images[:n])
        + list(result.alpha[:n])
        + list(blend(result.images[:n], result.alpha[:n]))
    )
    titles = [f"{label} {a:.2f}" for label, a in zip(result.labels, result.activations)][:n]
    titles += ["alpha"] + [""] * (n - 1) + ["blend"] + [""] * (n - 1)
    fig, _ = image_grid(
        cells, titles=titles, cols=n, cell=1.1, suptitle=f"{result.model} {result.layer}: MACO"
    )
    fig.savefig(path, dpi=80)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
