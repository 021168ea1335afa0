"""Time per step of every new objective against the bare compiled loop of the same batch.

Each technique runs its API call on cifar10-cnn with a batch of about 64 images. The
floor is the bare loop of ``maximize_speed`` (Adam on raw pixels, the channel-mean
objective of conv2d_2, one compiled step called from Python) on the same batch size
and in the same precision. On this shared machine load swings by 2x and more within a
minute, so the two are interleaved finely: the technique is given a progress bar
whose every update (after each chunk of 32 of its steps) runs as many steps of the
bare loop. Each loop's first chunk (its tracing) is left out. Every chunk gives a
ratio, the technique's time over the bare loop's right after it (a burst of load
elsewhere hits one chunk pair, not a run's sum); the figure is their median over every
chunk of every run, with the range of the runs' own medians.

* diversity: ``maximize(conv2d_2, 16 filters, diverse=4)`` (64 images);
* direction: ``direction(conv2d_2, 64 random directions, cossim_pow=1)``;
* interpolation: ``interpolate(conv2d_2:1 -> conv2d_2:7, frames=64)`` (shared parameterization);
* interaction: ``interact(conv2d_2, filters 0-9)`` (55 images);
* inversion: ``invert`` of 21 images at the 3 conv layers (a loop of 21 per layer, against
  the bare loop of 63: the same images, each through the whole model);
* caricature: the same with caricatures (a second loop per layer, with moves);
* MACO: ``maco(conv2d_2, 64 filters)``;
* for reference, not new: ``maximize(conv2d_2, 64 filters)`` at its defaults (the
  Fourier prior and moves every technique but inversion builds on), in the same harness.

Run:
    nice python benchmarks/canon_speed.py [--steps 256] [--runs 3] [--precision auto]
        [--only maco,inversion]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from maximize_speed import bare_step  # noqa: E402

CHUNK = 32  # the render's progress chunk


class Interleave:
    """A progress factory that runs ``n`` bare steps after each ``n`` technique steps.

    ``pairs`` holds (technique seconds, bare seconds) per chunk, tracing chunks left out.
    """

    def __init__(self, step, steps_per_loop: int):
        self.step, self.per_loop = step, steps_per_loop
        self.pairs: list[tuple[float, float]] = []
        self.done = 0

    def __call__(self, total: int, label: str) -> Interleave:
        return self

    def __enter__(self) -> Interleave:
        self.last = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        pass

    def update(self, n: int) -> None:
        now = time.perf_counter()
        first = self.done % self.per_loop == 0  # this chunk started a loop: it traced
        tech = now - self.last
        start = time.perf_counter()
        for _ in range(n):
            self.step()
        if not first:
            self.pairs.append((tech, time.perf_counter() - start))
        self.done += n
        self.last = time.perf_counter()

    @property
    def ratios(self) -> np.ndarray:
        """Each chunk's technique time over the bare time of the chunk right after it."""
        return np.asarray([t / b for t, b in self.pairs])


def techniques(handle, steps: int, precision: str) -> dict:
    """name -> (bare batch size, call(progress))."""
    from interpret.visualize.directions import direction, interact, interpolate
    from interpret.visualize.inversion import invert
    from interpret.visualize.maco import maco
    from interpret.visualize.maximize import maximize

    vectors = np.random.default_rng(0).standard_normal((64, 64)).astype("float32")
    images = np.random.default_rng(1).random((21, 32, 32, 3)).astype("float32")
    kw = {"steps": steps, "precision": precision}
    return {
        "maximize": (64, lambda p: maximize(handle, "conv2d_2", "all", progress=p, **kw)),
        "diversity": (
            64,
            lambda p: maximize(handle, "conv2d_2", "0-15", diverse=4, progress=p, **kw),
        ),
        "direction": (
            64,
            lambda p: direction(handle, "conv2d_2", vectors, cossim_pow=1, progress=p, **kw),
        ),
        "interpolation": (
            64,
            lambda p: interpolate(handle, "conv2d_2", 1, 7, frames=64, progress=p, **kw),
        ),
        "interaction": (55, lambda p: interact(handle, "conv2d_2", "0-9", progress=p, **kw)),
        "inversion": (
            63,
            lambda p: invert(handle, images, "all", caricature=False, progress=p, **kw),
        ),
        "caricature": (63, lambda p: invert(handle, images, "all", progress=p, **kw)),
        "maco": (64, lambda p: maco(handle, "conv2d_2", "all", progress=p, **kw)),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=256)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--precision", default="auto")
    ap.add_argument("--only", default=None)
    args = ap.parse_args()

    from interpret._fast import precision as precision_lib
    from interpret._tf import tf
    from interpret.core.models import resolve
    from interpret.visualize.render import RenderSettings

    handle = resolve("cifar10-cnn")
    used = precision_lib.resolve(args.precision)
    chosen = techniques(handle, args.steps, used)
    if args.only:
        chosen = {k: v for k, v in chosen.items() if k in args.only.split(",")}
    steps = {}
    with precision_lib.compute(used):  # the bare steps are traced in the techniques' precision
        for n in sorted({n for n, _ in chosen.values()}):
            steps[n] = tf.function(
                bare_step(handle.probe, "conv2d_2", n, RenderSettings().lr)[0], autograph=False
            )
            steps[n]()
    chunks: dict[str, list[np.ndarray]] = {k: [] for k in chosen}  # per run, per chunk
    per_step: dict[str, list[float]] = {k: [] for k in chosen}
    for r in range(args.runs):
        for name, (n, call) in chosen.items():
            bar = Interleave(steps[n], args.steps)
            call(bar)
            chunks[name].append(bar.ratios)
            per_step[name].append(1000 * sum(t for t, _ in bar.pairs) / (CHUNK * len(bar.pairs)))
        print(
            f"  run {r + 1}: "
            + ", ".join(f"{k} {np.median(v[-1]):.2f}x" for k, v in chunks.items()),
            flush=True,
        )
    print(
        f"cifar10-cnn, {args.steps} steps, {used}: each technique's time per step over the bare "
        f"loop's of the same batch, interleaved every {CHUNK} steps, tracing left out; the "
        f"ratio of each chunk to the bare chunk right after it, median over all chunks of "
        f"{args.runs} runs, and the range of the runs' medians"
    )
    print(
        f"{'technique':<15}{'bare batch':>11}{'ms/step':>9}{'chunks':>8}{'x bare: median':>16}"
        f"{'run medians':>14}"
    )
    for name, (n, _) in chosen.items():
        runs = [float(np.median(c)) for c in chunks[name]]
        every = np.concatenate(chunks[name])
        print(
            f"{name:<15}{n:>11}{np.median(per_step[name]):>9.1f}{every.size:>8}"
            f"{np.median(every):>16.2f}{min(runs):>9.2f}-{max(runs):.2f}"
        )


if __name__ == "__main__":
    main()
