"""Re-train each zoo model with the shipped defaults and print test accuracy beside its target.

Needs the real data: INTERPRET_DATA_DIR pointing at mnist.npz and cifar10.npz (or internet
for keras.datasets). Usage:

    INTERPRET_DATA_DIR=/path/to/data python benchmarks/accuracy.py [MODEL ...]

Prints one row per model: test accuracy, target, train accuracy, epochs, wall seconds,
and the accuracy recorded in the shipped card for comparison.
"""

from __future__ import annotations

import sys
import time

from interpret import zoo
from interpret.zoo.train import train


def main(names: list[str]) -> int:
    rows = []
    for name in names or list(zoo.names()):
        start = time.perf_counter()
        _, card = train(name, verbose=0)
        wall = time.perf_counter() - start
        shipped = zoo.card(name)
        rows.append((name, card, wall, shipped))
        print(
            f"{name:<12} test {card['test_accuracy']:.4f}  target {card['target_accuracy']:.3f}  "
            f"{'PASS' if card['test_accuracy'] >= card['target_accuracy'] else 'MISS'}  "
            f"train {card['train_accuracy']:.4f}  epochs {card['epochs']}  wall {wall:.0f}s  "
            f"(shipped card: {shipped['test_accuracy']:.4f}, data {card['data_source']})",
            flush=True,
        )
    return 0 if all(c["test_accuracy"] >= c["target_accuracy"] for _, c, _, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
