"""Perceptual alignment, measured: does the *other* model read a model's class images as the class?

For each standard / robust pair of the zoo, every class is rendered by each model
(``interpret.maximize(model, classes="all")`` at its defaults, 256 steps, but starting
from grey plus noise of sd ``--init-sd``, :data:`interpret.model_compare.INIT_SD`) with seeds
0..SEEDS-1, and each render is classified by both models. A robust model's class
images look like the class (Santurkar et al. 2019), so its standard twin should read
them as their class far more often than the robust model reads the standard model's
renders (which are "unreadable noise the network is sure about").

With ``--images DIR`` the seed-0 sheet of each pair (``interpret compare --parts
classes``) is also written there as ``robust-classes-DATASET.png`` (the README's pictures).

Run:
    nice python benchmarks/robust_alignment.py [--pairs mnist-cnn:mnist-cnn-robust ...]
        [--seeds 5] [--steps 256] [--init-sd 0.3] [--images docs/img] [--json out.json]
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
# How the class images are made. "priors": maximize's defaults (Fourier parameterization,
# colour decorrelation, jitter and scale), which already steer a standard model's renders
# toward natural-looking strokes; "plain": gradient ascent on the pixels with none of those
# (Santurkar et al. 2019's setting), where only the model's own gradients shape the image.
PROTOCOLS = {
    "priors": {},
    "plain": {"param": "pixel", "decorrelate": False, "jitter": 0, "scale": 0.0},
}


def measure(
    standard: str, robust: str, seeds: int, steps: int, init_sd: float, protocol: str
) -> dict:
    from interpret.core.models import resolve
    from interpret.model_compare import agreement, class_renders

    a, b = resolve(standard), resolve(robust)
    classes = list(range(a.probe.n_classes))
    hits = {"standard_by_standard": [], "robust_by_robust": [], "robust_by_standard": [],
            "standard_by_robust": []}  # fmt: skip
    t0 = time.perf_counter()
    for seed in range(seeds):
        settings = PROTOCOLS[protocol]
        rs = class_renders(a, classes, steps, seed, init_sd, **settings)
        rr = class_renders(b, classes, steps, seed, init_sd, **settings)
        hits["standard_by_standard"].append(agreement(a.probe, rs, classes))
        hits["robust_by_robust"].append(agreement(b.probe, rr, classes))
        hits["robust_by_standard"].append(agreement(a.probe, rr, classes))
        hits["standard_by_robust"].append(agreement(b.probe, rs, classes))
        print(
            f"  seed {seed}: " + ", ".join(f"{k} {v[-1]:.1f}" for k, v in hits.items()), flush=True
        )
    out = {k: float(np.mean(v)) for k, v in hits.items()}
    out.update(pair=[standard, robust], renders=len(classes) * seeds, steps=steps, init_sd=init_sd, protocol=protocol,
               seconds=round(time.perf_counter() - t0, 1))  # fmt: skip
    return out


def picture(
    standard: str, robust: str, steps: int, init_sd: float, directory: Path, dataset: str
) -> Path:
    """The seed-0 classes sheet of ``interpret compare``, copied to ``directory``."""
    from interpret.model_compare import compare

    tmp = Path(tempfile.mkdtemp())
    (art,) = compare(standard, robust, parts="classes", steps=steps, init_sd=init_sd, seed=0).save(
        tmp
    )
    target = directory / f"robust-classes-{dataset}.png"
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(art.png, target)
    return target


def report(row: dict, standard: str, robust: str) -> None:
    print(
        f"{robust}'s class renders read as their class by {standard}: "
        f"{row['robust_by_standard']:.0%}; {standard}'s by {robust}: {row['standard_by_robust']:.0%} "
        f"(each model on its own renders: {row['standard_by_standard']:.0%}, "
        f"{row['robust_by_robust']:.0%}; {row['renders']} renders each, {row['seconds']:.0f}s)",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", nargs="*", default=list(PAIRS))
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=256)
    ap.add_argument("--init-sd", type=float, default=None, help="default: compare's INIT_SD")
    ap.add_argument("--protocols", nargs="*", default=list(PROTOCOLS), choices=list(PROTOCOLS))
    ap.add_argument("--images", default=None, help="write the seed-0 sheets here")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    from interpret.core.models import resolve
    from interpret.model_compare import INIT_SD

    init_sd = INIT_SD if args.init_sd is None else args.init_sd
    rows = []
    for pair in args.pairs:
        standard, robust = pair.split(":")
        for protocol in args.protocols:
            print(f"{standard} vs {robust}, {protocol}:", flush=True)
            row = measure(standard, robust, args.seeds, args.steps, init_sd, protocol)
            rows.append(row)
            report(row, standard, robust)
        if args.images:
            dataset = resolve(standard).dataset
            print(
                "wrote", picture(standard, robust, args.steps, init_sd, Path(args.images), dataset)
            )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
