"""Cost of an adversarial training epoch against a standard epoch of the same model, in one process.

For MODEL's architecture (a fresh, untrained copy per method) one epoch over the
first IMAGES training images is timed for each of

* ``keras-fit``: standard training as the zoo's standard models are trained
  (``model.fit``, Adam, the same batch size and ``tf.data`` pipeline): the baseline;
* ``loop``: standard training through the adversarial loop's compiled step
  (:class:`interpret.zoo.adversarial.TrainStep` with no attack);
* ``fgsm-rs`` (and with ``--all`` also ``pgd`` with 10 steps and ``trades``): the
  adversarial step at MODEL's recipe eps (whatever method MODEL's own recipe uses).

Each method is compiled and warmed on a few batches first (tracing is not an epoch's
cost); then the methods run interleaved, round after round (A B C A B C ...), so load
from other processes hits them alike; the figures are medians over the rounds, with
the range. Per-epoch evaluation (test accuracy, PGD accuracy) is not included.

Run:
    INTERPRET_DATA_DIR=/work/data nice python benchmarks/robust_cost.py \
        [--model mnist-cnn-robust] [--images 60000] [--rounds 3] [--precision float32] [--all]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def build(name: str):
    from interpret._tf import keras
    from interpret.core.probe import Probe
    from interpret.zoo.architectures import build as build_arch

    keras.utils.set_random_seed(0)
    return Probe(build_arch(name))


def keras_fit_epoch(name, recipe, x, y, warm: bool):
    """Standard training with ``model.fit``; returns a function that runs one epoch."""
    from interpret._tf import keras
    from interpret.zoo.train import make_dataset

    model = build(name).model
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    if warm:
        model.fit(make_dataset(x[: recipe.batch_size * 3], y[: recipe.batch_size * 3], recipe, 0, True),
                  epochs=1, verbose=0)  # fmt: skip

    def epoch(seed: int) -> None:
        model.fit(make_dataset(x, y, recipe, seed, True), epochs=1, verbose=0)

    return epoch


def loop_epoch(name, recipe, x, y, adv):
    """One epoch of the adversarial loop's compiled step (``adv=None``: no attack)."""
    from interpret._tf import keras
    from interpret.zoo.adversarial import TrainStep
    from interpret.zoo.train import make_dataset

    probe = build(name)
    step = TrainStep(probe, keras.optimizers.Adam(1e-3), adv, seed=0)
    eps = adv.eps if adv else 0.0
    xb, yb = x[: recipe.batch_size] / 255.0, y[: recipe.batch_size].astype("int32")
    for _ in range(3):
        step(xb.astype("float32"), yb, eps)

    def epoch(seed: int) -> None:
        for xs, ys in make_dataset(x, y, recipe, seed, True):
            step(xs, ys, eps)

    return epoch


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="mnist-cnn-robust")
    ap.add_argument("--images", type=int, default=None, help="training images per epoch [all]")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--precision", default="float32")
    ap.add_argument("--all", action="store_true", help="also pgd (10 steps) and trades")
    args = ap.parse_args()

    from interpret._fast import precision as precision_lib
    from interpret.data import datasets
    from interpret.zoo.adversarial import Adversarial
    from interpret.zoo.recipes import RECIPES

    recipe = RECIPES[args.model]
    adv = recipe.adversarial.checked()
    ds = datasets.load(recipe.dataset)
    x, y = ds.x_train[: args.images], ds.y_train[: args.images]
    methods = {
        "keras-fit": keras_fit_epoch(args.model, recipe, x, y, warm=True),
        "loop": loop_epoch(args.model, recipe, x, y, None),
        "fgsm-rs": loop_epoch(args.model, recipe, x, y, Adversarial("fgsm-rs", adv.eps).checked()),
    }
    if args.all:
        methods["pgd-10"] = loop_epoch(
            args.model, recipe, x, y, Adversarial("pgd", adv.eps, attack_steps=10).checked()
        )
        methods["trades-10"] = loop_epoch(
            args.model, recipe, x, y, Adversarial("trades", adv.eps).checked()
        )
    times = {k: [] for k in methods}
    with precision_lib.compute(args.precision):
        for r in range(args.rounds):
            for name, run in methods.items():
                t0 = time.perf_counter()
                run(seed=r)
                times[name].append(time.perf_counter() - t0)
                print(f"round {r + 1} {name}: {times[name][-1]:.1f}s", flush=True)
    base = np.median(times["keras-fit"])
    print(f"\n{args.model}: one epoch of {len(x)} images, batch {recipe.batch_size}, "
          f"{args.precision}, {args.rounds} interleaved rounds (median, range)")  # fmt: skip
    for name, ts in times.items():
        print(f"  {name:<10} {np.median(ts):7.1f}s  [{min(ts):.1f}-{max(ts):.1f}]  "
              f"x{np.median(ts) / base:.2f} of keras-fit (range x{min(ts) / base:.2f}-x{max(ts) / base:.2f})")  # fmt: skip
    ratio = np.median(times["fgsm-rs"]) / base
    print(
        f"fgsm-rs epoch / standard epoch: {ratio:.2f} ({'PASS' if ratio <= 2.5 else 'MISS'} <= 2.5)"
    )


if __name__ == "__main__":
    main()
