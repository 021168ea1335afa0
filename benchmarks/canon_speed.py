"""Speed of every new objective against the bare compiled loop of the same batch.

Each technique runs its whole API call (validation, tracing, the loop, the float32
scoring) for STEPS steps on cifar10-cnn with a batch of about 64 images; the floor is
``maximize_speed.bare`` (Adam on raw pixels, the channel-mean objective of conv2d_2,
one compiled step called from Python) on the same batch size, in float32 and, where
the CPU has it, in bfloat16 (the techniques' default precision there). Methods run
interleaved (A B C ... A B C ...) so that load from other processes hits them alike;
ratios are per round (side by side), reported as median and range.

* diversity: ``maximize(conv2d_2, 16 filters, diverse=4)`` (64 images);
* direction: ``direction(conv2d_2, 64 random directions, cossim_pow=1)``;
* interpolation: ``interpolate(conv2d_2:1 -> conv2d_2:7, frames=64)`` (shared parameterization);
* interaction: ``interact(conv2d_2, filters 0-9)`` (55 images);
* inversion / caricature: ``invert`` of 21 test images at 3 conv layers (63 images), the
  inversion loop and the caricature loop timed apart;
* MACO: ``maco(conv2d_2, 64 filters)``.

Run:
    nice python benchmarks/canon_speed.py [--steps 256] [--rounds 3] [--only maco,inversion]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from maximize_speed import bare  # noqa: E402


def techniques(handle, steps: int) -> dict:
    """name -> (batch size, call)."""
    from interpret.visualize.directions import direction, interact, interpolate
    from interpret.visualize.inversion import invert
    from interpret.visualize.maco import maco
    from interpret.visualize.maximize import maximize

    vectors = np.random.default_rng(0).standard_normal((64, 64)).astype("float32")
    images = np.random.default_rng(1).random((21, 32, 32, 3)).astype("float32")
    return {
        "diversity": (64, lambda: maximize(handle, "conv2d_2", "0-15", diverse=4, steps=steps)),
        "direction": (
            64,
            lambda: direction(handle, "conv2d_2", vectors, cossim_pow=1, steps=steps),
        ),
        "interpolation": (
            64,
            lambda: interpolate(handle, "conv2d_2", 1, 7, frames=64, steps=steps),
        ),
        "interaction": (55, lambda: interact(handle, "conv2d_2", "0-9", steps=steps)),
        "inversion": (63, lambda: invert(handle, images, "all", caricature=False, steps=steps)),
        "caricature": (63, lambda: invert(handle, images, "all", steps=steps)),
        "maco": (64, lambda: maco(handle, "conv2d_2", "all", steps=steps)),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=256)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", default=None)
    args = ap.parse_args()

    from interpret._fast import precision
    from interpret.core.models import resolve
    from interpret.visualize.render import RenderSettings

    handle = resolve("cifar10-cnn")
    probe = handle.probe
    lr = RenderSettings().lr
    chosen = techniques(handle, args.steps)
    if args.only:
        chosen = {k: v for k, v in chosen.items() if k in args.only.split(",")}
    precisions = ["float32"] + (["bfloat16"] if precision.bfloat16_supported() else [])
    sizes = sorted({n for n, _ in chosen.values()})
    times: dict[str, list[float]] = {}

    def timed(name: str, fn) -> None:
        start = time.perf_counter()
        fn()
        times.setdefault(name, []).append(time.perf_counter() - start)

    for r in range(args.rounds):
        for n in sizes:
            for p in precisions:
                timed(
                    f"bare {p} {n}",
                    lambda n=n, p=p: bare(probe, "conv2d_2", n, args.steps, lr, False, p),
                )
        for name, (_, call) in chosen.items():
            timed(name, call)
        print(
            f"  round {r + 1}: " + ", ".join(f"{k} {v[-1]:.1f}s" for k, v in times.items()),
            flush=True,
        )
    # the caricature's own loop: the invert call with caricatures minus the one without
    if "caricature" in times and "inversion" in times:
        times["caricature"] = [c - i for c, i in zip(times["caricature"], times["inversion"])]
    used = precision.resolve("auto")
    print(
        f"cifar10-cnn, {args.steps} steps, the whole API call incl. tracing; techniques at the "
        f"default precision ({used}); ratio per round against the bare loop of the same batch"
    )
    print(
        f"{'technique':<15}{'batch':>6}{'median s':>10}"
        + "".join(f"{'x bare ' + p:>26}" for p in precisions)
    )
    for name, (n, _) in chosen.items():
        cols = ""
        for p in precisions:
            ratios = [t / b for t, b in zip(times[name], times[f"bare {p} {n}"])]
            cols += f"{np.median(ratios):>12.2f} ({min(ratios):.2f}-{max(ratios):.2f})".rjust(26)
        print(f"{name:<15}{n:>6}{np.median(times[name]):>10.2f}{cols}")
    for n in sizes:
        print(
            "bare "
            + ", ".join(f"{p} {n}: {np.median(times[f'bare {p} {n}']):.2f}s" for p in precisions)
        )


if __name__ == "__main__":
    main()
