"""Are a robust model's saliency maps more faithful than its standard twin's? Insertion / Deletion.

For each standard / robust pair of the zoo, on the first N test images: each model's
saliency map (``interpret.model_compare.saliency``: |d logit_y / d x| of the true class,
the map of ``interpret compare``'s saliency sheet) is scored on that same model by the
trust metrics (:func:`interpret.attributions.metrics.evaluate`: Deletion AUC, lower is
better; Insertion AUC, higher is better; the softmax probability of the true class, 32
steps, the papers' baselines), beside a random map's scores on the same model (chance).
A robust model is less confident, so its raw AUCs are on another scale than its twin's:
the gap to its own random map is the fairer comparison, and is printed too.

Run:
    INTERPRET_DATA_DIR=/work/data nice python benchmarks/robust_saliency.py [--n 200]
        [--pairs mnist-cnn:mnist-cnn-robust cifar10-cnn:cifar10-cnn-robust] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

PAIRS = (
    "mnist-cnn:mnist-cnn-robust",
    "mnist-cnn:mnist-cnn-robust-l2",
    "cifar10-cnn:cifar10-cnn-robust",
)


def score(spec: str, n: int) -> dict:
    from interpret.attributions.metrics import evaluate
    from interpret.core.models import resolve
    from interpret.data import datasets
    from interpret.model_compare import saliency

    handle = resolve(spec)
    ds = datasets.load(handle.dataset)
    x, y = ds.x_test[:n].astype(np.float32) / 255, ds.y_test[:n].astype(np.int32)
    maps = {"saliency": saliency(handle.probe, x, y)}
    out = evaluate(handle.probe, x, maps, targets=y, metrics=["deletion", "insertion"])
    row = {"model": handle.name, "images": int(len(x))}
    for name in ("saliency", "random"):
        for metric in ("deletion", "insertion"):
            row[f"{name}_{metric}"] = float(np.mean(out.scores[name][metric]))
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", nargs="*", default=list(PAIRS))
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    rows = []
    for pair in args.pairs:
        for spec in pair.split(":"):
            r = score(spec, args.n)
            rows.append(r)
            print(
                f"{r['model']:<20} {r['images']} images: deletion {r['saliency_deletion']:.3f} "
                f"(random {r['random_deletion']:.3f}, gap {r['random_deletion'] - r['saliency_deletion']:+.3f}), "
                f"insertion {r['saliency_insertion']:.3f} (random {r['random_insertion']:.3f}, "
                f"gap {r['saliency_insertion'] - r['random_insertion']:+.3f})",
                flush=True,
            )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
