"""Is a robust model's PGD-40 figure the whole story? Stronger and indirect attacks, side by side.

For each model (a zoo name or a ``.keras`` file with its card), on the first N MNIST test
images at eps 0.3: clean accuracy; PGD-40 (step 0.01, one random start: the figure the
cards report); PGD-100 (step 0.01) from 3 random starts, an image counting as robust only
if it survives all three; and a transfer attack (PGD-40 adversarials made on the
standard ``mnist-cnn``). A model whose PGD-40 figure falls far under the stronger attack
was scored too kindly by PGD-40; one that resists its own gradients better than another
model's adversarials (transfer below white-box) would be masking its gradients.

Run:
    INTERPRET_DATA_DIR=/work/data nice python benchmarks/robust_strength.py \
        [--models mnist-cnn-robust other.keras ...] [--n 1000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="+", default=["mnist-cnn-robust"])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--restarts", type=int, default=3)
    args = ap.parse_args()

    from interpret.attacks.run import attack
    from interpret.core.models import resolve
    from interpret.data import datasets
    from interpret.zoo.adversarial import robust_accuracy

    ds = datasets.load("mnist")
    x, y = ds.x_test[: args.n].astype(np.float32) / 255, ds.y_test[: args.n].astype(np.int32)
    pgd = {"method": "pgd", "eps": 0.3, "step_size": 0.01}
    transferred = np.asarray(attack("mnist-cnn", x, y, steps=40, **pgd).adversarial)
    for spec in args.models:
        handle, t0 = resolve(spec), time.perf_counter()
        clean, pgd40 = robust_accuracy(handle.probe, x, y, eps=0.3, steps=40, step_size=0.01)
        survives = np.ones(len(x), bool)
        for seed in range(args.restarts):
            survives &= attack(handle, x, y, steps=100, seed=seed, **pgd).pred == y
        transfer = float(np.mean(handle.probe.predict(transferred).argmax(1) == y))
        recipe = (handle.card.get("adversarial") or {}).get("method", "standard")
        print(
            f"{spec} ({recipe}), {len(x)} images, eps 0.3: clean {clean:.4f}, PGD-40 {pgd40:.4f}, "
            f"PGD-100 x {args.restarts} restarts {survives.mean():.4f}, "
            f"transfer from mnist-cnn PGD-40 {transfer:.4f} ({time.perf_counter() - t0:.0f}s)",
            flush=True,
        )


if __name__ == "__main__":
    main()
