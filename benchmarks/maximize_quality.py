"""Quality of `interpret.maximize` at default settings on the zoo models.

1. Filters: for every filter of LAYER (default cifar10-cnn conv2d_2, all 64, 32x32),
   does the render excite the filter more than the best image of the whole test set
   (same measure: the channel mean)? Prints the fraction and the worst ratios.
2. Classes: every class of each zoo model rendered at defaults; the softmax of the
   target class on the render (target >= 0.99 for every class).

With --gallery DIR it also writes the labelled grids (the README's showcase).

Run:
    INTERPRET_DATA_DIR=... nice python benchmarks/maximize_quality.py [--gallery gallery]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

FILTER_GRIDS = {"cifar10-cnn": "conv2d_2", "mnist-cnn": "conv2d_1", "mnist-mlp": "dense_2"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="cifar10-cnn")
    ap.add_argument("--layer", default="conv2d_2")
    ap.add_argument("--models", default="cifar10-cnn,mnist-cnn,mnist-mlp")
    ap.add_argument("--gallery", default=None)
    ap.add_argument("--skip-filters", action="store_true")
    args = ap.parse_args()

    from interpret.core.models import resolve
    from interpret.gallery.store import Gallery
    from interpret.visualize.examples import dataset_examples
    from interpret.visualize.maximize import maximize

    gallery = Gallery(args.gallery) if args.gallery else None
    if not args.skip_filters:
        handle = resolve(args.model)
        t = time.perf_counter()
        res = maximize(handle, args.layer, "all", seed=0)
        took = time.perf_counter() - t
        ex = dataset_examples(handle, args.layer, res.targets, k=1)
        best = ex.scores[:, 0]
        wins = res.activations > best
        ratio = res.activations / np.maximum(best, 1e-9)
        print(
            f"{args.model} {args.layer}: {len(res.targets)} filters, default settings, {took:.1f}s"
        )
        print(
            f"  render beats best {ex.dataset} test image on {wins.sum()}/{len(wins)} "
            f"filters ({100 * wins.mean():.1f}%)"
        )
        print(
            f"  activation render/best-test: median {np.median(ratio):.2f}x, min {ratio.min():.2f}x"
        )
        dead = [
            (t, float(a), float(b)) for t, a, b in zip(res.targets, res.activations, best) if a <= b
        ]
        if dead:
            print("  filters not beaten (filter, render, best test):", dead)
        if gallery:
            print("  wrote", res.save(gallery)[-1].png)
    for name in args.models.split(","):
        handle = resolve(name)
        t = time.perf_counter()
        res = maximize(handle, classes="all", seed=0)
        took = time.perf_counter() - t
        ok = [
            p >= 0.99 and pr == tg
            for p, pr, tg in zip(res.probabilities, res.predicted, res.targets)
        ]
        print(
            f"{name}: classes, default settings, {took:.1f}s: softmax of target min "
            f"{res.probabilities.min():.5f}, mean {res.probabilities.mean():.5f}; "
            f"{sum(ok)}/{len(ok)} classes >= 0.99"
        )
        if gallery:
            arts = res.save(gallery)
            print("  wrote", arts[-1].png)
            if name != args.model or args.skip_filters:
                layer = FILTER_GRIDS.get(name)
                if layer:
                    r = maximize(handle, layer, "0-15", seed=0)
                    print(
                        f"  {layer} 0-15 mean activation {r.activations.mean():.3f}; wrote",
                        r.save(gallery)[-1].png,
                    )


if __name__ == "__main__":
    main()
