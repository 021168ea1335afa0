"""Diversity: K different images per filter, against K renders from different seeds.

On cifar10-cnn conv2d_2, FILTERS filters x K images:

* baseline: K separate ``maximize`` runs of the filters, seeds 0..K-1, no penalty;
* diverse: one ``maximize(..., diverse=K)`` run (seed 0);
* single: the seed-0 render of each filter (the baseline's first run).

Similarity is measured at the diversity layer (default: conv2d_1, the conv layer before
the target's; ``--also-at`` adds layers) on the final images in float32: the mean pairwise cosine similarity of the K images' Gram matrices
(what the penalty sees) and of their raw activations. Acceptance: the diverse images'
mean similarity at least 30% lower than the baseline's, and every image at least 70%
of its filter's single-render activation. Filters that are dead (0 on the single
render and on every test image) cannot lose activation; they are listed apart.

Run:
    nice python benchmarks/canon_diversity.py [--filters 0-15] [--k 4] [--weight 0.3]
        [--also-at max_pooling2d_1] [--figure docs/img/diversity-conv2d_2.png]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="cifar10-cnn")
    ap.add_argument("--layer", default="conv2d_2")
    ap.add_argument("--filters", default="0-15")
    ap.add_argument("--k", type=int, default=4)
    ap.add_argument("--weight", type=float, default=None)
    ap.add_argument("--diversity-layer", default=None)
    ap.add_argument("--also-at", default="", help="more layers to measure the similarity at")
    ap.add_argument("--steps", type=int, default=256)
    ap.add_argument("--figure", default=None, help="write the diversity grid of 8 filters here")
    args = ap.parse_args()

    from interpret.core.models import resolve
    from interpret.visualize import diversity as div
    from interpret.visualize.maximize import maximize

    handle = resolve(args.model)
    probe = handle.probe
    weight = div.DEFAULT_WEIGHT if args.weight is None else args.weight
    k = args.k
    t0 = time.perf_counter()
    runs = [maximize(handle, args.layer, args.filters, steps=args.steps, seed=s) for s in range(k)]
    t_base = time.perf_counter() - t0
    filters = runs[0].targets
    single = runs[0].activations
    base_images = np.stack([r.images for r in runs], axis=1).reshape(-1, *runs[0].images.shape[1:])
    t0 = time.perf_counter()
    diverse = maximize(
        handle,
        args.layer,
        args.filters,
        steps=args.steps,
        diverse=k,
        diversity_weight=weight,
        diversity_layer=args.diversity_layer,
    )
    t_div = time.perf_counter() - t0
    layer = diverse.parameters["diversity_layer"]
    before = div.similarity(probe, base_images, layer, k)
    after = diverse.similarity
    live = single > 1e-3
    ratio = diverse.activations.reshape(-1, k) / np.maximum(single[:, None], 1e-12)
    print(
        f"{args.model} {args.layer}: {len(filters)} filters x {k} images, {args.steps} steps, "
        f"weight {weight:g}, similarity at {layer}; baseline {t_base:.1f}s ({k} runs), "
        f"diverse {t_div:.1f}s (one run)"
    )
    for where in [layer] + [x for x in args.also_at.split(",") if x]:
        sb, sa = before, after
        if where != layer:
            sb = div.similarity(probe, base_images, where, k)
            sa = div.similarity(probe, diverse.images, where, k)
        for name in ("gram", "cosine"):
            b, a = float(sb[name].mean()), float(sa[name].mean())
            bl, al = float(sb[name][live].mean()), float(sa[name][live].mean())
            print(
                f"at {where}, mean pairwise {name} similarity: baseline {b:.3f}, diverse {a:.3f} "
                f"({1 - a / b:.0%} lower; live filters only {bl:.3f} -> {al:.3f}, "
                f"{1 - al / bl:.0%} lower)"
            )
    r = ratio[live]
    print(
        f"activation / single render, {int(live.sum())} live filters x {k}: min {r.min():.3f}, "
        f"median {np.median(r):.3f}, mean {r.mean():.3f}; below 0.7: {int((r < 0.7).sum())} "
        f"of {r.size}; baseline seeds min {(np.stack([x.activations for x in runs], 1)[live] / single[live, None]).min():.3f}"
    )
    dead = [f for f, ok in zip(filters, live) if not ok]
    if dead:
        print(f"dead filters (single render activation <= 1e-3): {dead}")
    for f, row, gb, ga in zip(filters, ratio, before["gram"], after["gram"]):
        print(
            f"  f{f}: single {single[filters.index(f)]:.2f}, ratios {' '.join(f'{v:.2f}' for v in row)}, gram {gb:.3f} -> {ga:.3f}"
        )
    if args.figure:
        _figure(diverse, runs, k, args.figure)


def _figure(diverse, runs, k: int, path: str) -> None:
    """Rows: 8 filters; left K seeds without the penalty, right the K diverse images."""
    from interpret.gallery.style import image_grid

    cells, titles = [], []
    for row in range(min(8, len(runs[0].targets))):
        for s in range(k):
            cells.append(runs[s].images[row])
            titles.append(f"f{runs[0].targets[row]} seed {s}" if s == 0 else f"seed {s}")
        for j in range(k):
            i = row * k + j
            cells.append(diverse.images[i])
            titles.append(f"diverse {j}\n{diverse.activations[i]:.2f}")
    fig, _ = image_grid(
        cells,
        titles=titles,
        cols=2 * k,
        cell=1.0,
        suptitle=f"{diverse.model} {diverse.layer}: {k} seeds (left) vs {k} diverse images (right)",
    )
    fig.savefig(path, dpi=80)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
