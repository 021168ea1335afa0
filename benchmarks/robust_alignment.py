"""Perceptual alignment, measured: does the *other* model read a model's class images as the class?

For each standard / robust pair of the zoo, every class is rendered by each model
(``interpret.maximize(model, classes="all")`` at its defaults, 256 steps) with seeds
0..SEEDS-1, and each render is classified by both models. A robust model's class
images look like the class (Santurkar et al. 2019), so its standard twin should read
them as their class far more often than the robust model reads the standard model's
renders (which are "unreadable noise the network is sure about").

With ``--images DIR`` the seed-0 sheet of each pair (``interpret compare --parts
classes``) is also written there as ``robust-classes-DATASET.png`` (the README's pictures).

Run:
    nice python benchmarks/robust_alignment.py [--pairs mnist-cnn:mnist-cnn-robust ...]
        [--seeds 5] [--steps 256] [--images docs/img] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

PAIRS = ("mnist-cnn:mnist-cnn-robust", "cifar10-cnn:cifar10-cnn-robust")


def measure(standard: str, robust: str, seeds: int, steps: int) -> dict:
    from interpret.compare import agreement, class_renders
    from interpret.core.models import resolve

    a, b = resolve(standard), resolve(robust)
    classes = list(range(a.probe.n_classes))
    hits = {"standard_by_standard": [], "robust_by_robust": [], "robust_by_standard": [],
            "standard_by_robust": []}  # fmt: skip
    t0 = time.perf_counter()
    for seed in range(seeds):
        rs, rr = class_renders(a, classes, steps, seed), class_renders(b, classes, steps, seed)
        hits["standard_by_standard"].append(agreement(a.probe, rs, classes))
        hits["robust_by_robust"].append(agreement(b.probe, rr, classes))
        hits["robust_by_standard"].append(agreement(a.probe, rr, classes))
        hits["standard_by_robust"].append(agreement(b.probe, rs, classes))
        print(
            f"  seed {seed}: " + ", ".join(f"{k} {v[-1]:.1f}" for k, v in hits.items()), flush=True
        )
    out = {k: float(np.mean(v)) for k, v in hits.items()}
    out.update(pair=[standard, robust], renders=len(classes) * seeds, steps=steps,
               seconds=round(time.perf_counter() - t0, 1))  # fmt: skip
    return out


def picture(standard: str, robust: str, steps: int, directory: Path, dataset: str) -> Path:
    """The seed-0 classes sheet of ``interpret compare``, copied to ``directory``."""
    from interpret.compare import compare

    tmp = Path(tempfile.mkdtemp())
    (art,) = compare(standard, robust, parts="classes", steps=steps, seed=0).save(tmp)
    target = directory / f"robust-classes-{dataset}.png"
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(art.png, target)
    return target


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", nargs="*", default=list(PAIRS))
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=256)
    ap.add_argument("--images", default=None, help="write the seed-0 sheets here")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    from interpret.core.models import resolve

    rows = []
    for pair in args.pairs:
        standard, robust = pair.split(":")
        print(f"{standard} vs {robust}:", flush=True)
        row = measure(standard, robust, args.seeds, args.steps)
        rows.append(row)
        print(
            f"{robust}'s class renders read as their class by {standard}: "
            f"{row['robust_by_standard']:.0%}; {standard}'s by {robust}: {row['standard_by_robust']:.0%} "
            f"(each model on its own renders: {row['standard_by_standard']:.0%}, "
            f"{row['robust_by_robust']:.0%}; {row['renders']} renders each, {row['seconds']:.0f}s)",
            flush=True,
        )
        if args.images:
            dataset = resolve(standard).dataset
            print("wrote", picture(standard, robust, args.steps, Path(args.images), dataset))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
