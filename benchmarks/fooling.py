"""Fooling images: how many classes each zoo model calls >= 0.9999 (gradient) / >= 0.99 (evolve).

No data needed: everything starts from uniform noise. Usage:

    python benchmarks/fooling.py [--generations 2000] [--population 256] [--models ...]

Prints, per zoo model, the classes reached by gradient ascent from noise (threshold
0.9999, at most 1000 signed steps of 0.01, log-softmax objective), and for mnist-cnn
the gradient-free MAP-Elites evolution (Nguyen et al. 2015, direct encoding) against
0.99 within ``generations`` x ``population`` predictions. Acceptance: 10/10 for every
model with the gradient method; >= 8/10 for evolve on mnist-cnn.
"""

from __future__ import annotations

import argparse

import numpy as np

from interpret import zoo
from interpret.attacks.fooling import fool
from interpret.core.models import resolve


def show(label: str, res) -> None:
    conf = " ".join(f"{c:.5f}" for c in res.confidence)
    print(
        f"{label}: {int(res.reached.sum())}/{len(res.classes)} classes >= {res.threshold:g}; "
        f"min confidence {res.confidence.min():.6f}; {res.iterations} "
        f"{'steps' if res.method == 'gradient' else 'generations'}, {res.evaluations} image "
        f"evaluations, {res.seconds:.1f}s\n    per class: {conf}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", nargs="*", default=list(zoo.names()))
    ap.add_argument("--generations", type=int, default=2000)
    ap.add_argument("--population", type=int, default=256)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    ok = True
    for name in args.models:
        try:
            probe = resolve(name).probe
        except Exception as e:
            print(f"{name}: cannot load ({e})")
            ok = False
            continue
        res = fool(probe, "all", method="gradient", seed=args.seed)
        show(f"{name} gradient", res)
        ok &= bool(res.reached.all())
        if name == "mnist-cnn":
            res = fool(
                probe,
                "all",
                method="evolve",
                threshold=0.99,
                seed=args.seed,
                generations=args.generations,
                population=args.population,
            )
            show(f"{name} evolve (budget {args.generations} x {args.population} predictions)", res)
            print(
                f"    classes >= 0.9999 too: {int((res.confidence >= 0.9999).sum())}; "
                f"top class = requested: {np.array_equal(res.top_class, res.classes)}"
            )
            ok &= int(res.reached.sum()) >= 8
    print("PASS" if ok else "MISS")


if __name__ == "__main__":
    main()
