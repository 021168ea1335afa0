"""The faithfulness metrics timed against the bare batched forward passes they need and
against Xplique 2.0.2's implementation of the same metric, side by side in one process.

Needs xplique 2.0.2 for the peer column (``pip install --no-deps xplique==2.0.2`` plus
``einops deprecated "tensorflow-probability[tf]" opencv-python-headless scikit-image
scikit-learn``; see the ``bench`` extra); without it that column is skipped. Usage:

    INTERPRET_DATA_DIR=/path/to/data python benchmarks/trust_speed.py [--model cifar10-cnn] \\
        [--n 500] [--rounds 5]

For each metric, on the first ``--n`` test images and one set of saliency maps (|input
gradient| summed over channels; the metrics' cost does not depend on the maps):

* **interpret**: ``metrics.evaluate(..., metrics=[metric], random=False)`` (default
  settings: 32 deletion/insertion steps, 200 MuFidelity subsets on a 9x9 grid), in
  float32 and, where the CPU has bfloat16 hardware, in bfloat16 (``precision="auto"``,
  the default, picks it there);
* **bare**: the forward passes that metric needs and nothing else -- the compiled
  ``probe.logits`` on ready-made batches of the same size, as many images as the metric
  evaluates (Deletion/Insertion: n x 33; MuFidelity: n x 200 + n; Average Drop and
  Increase in Confidence: 2n), in the same precision;
* **xplique**: the same metric built and evaluated with the same settings and batch size
  (``activation="softmax"``: the class probability, as ours).

Rounds are interleaved (the order of the three rotates), one warm-up round first; the
table gives the median time and, per round, the ratios interpret/bare and
xplique/interpret as median [min, max] (the machine is shared: times swing).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from interpret._fast import precision
from interpret._tf import tf
from interpret.attributions import metrics as M
from interpret.core import objectives as obj
from interpret.core.grad import Gradient
from interpret.core.models import resolve
from interpret.data import datasets

METRICS = M.METRICS


def forwards(metric: str, n: int, s: M.MetricSettings) -> int:
    """How many images the metric sends through the model."""
    return {
        "deletion": n * (s.steps + 1),
        "insertion": n * (s.steps + 1),
        "mufidelity": n * s.subsets + n,
        "average-drop": 2 * n,
        "increase-confidence": 2 * n,
    }[metric]


def bare_runner(probe, per_pass: int, used: str):
    """The floor: the compiled forward pass on one ready batch, called as often as needed."""
    f = probe.extractor((), logits=True)
    h, w, c = probe.input_shape
    fn = tf.function(
        lambda x: tf.nn.softmax(f(x)[0]),
        input_signature=[tf.TensorSpec((None, h, w, c), tf.float32)],
        autograph=False,
    )
    block = np.random.default_rng(0).random((per_pass, h, w, c), dtype=np.float32)

    def run(total: int) -> None:
        full, rest = divmod(total, per_pass)
        with precision.compute(used):
            for _ in range(full):
                fn(block).numpy()
            if rest:
                fn(block[:rest]).numpy()

    return run


def xplique_runner(model, x, t, maps, metric: str, s: M.MetricSettings, batch: int):
    """The same metric in Xplique (None when Xplique is missing)."""
    try:
        import xplique.metrics as xm
    except ImportError:
        return None
    onehot = tf.one_hot(t, model.output_shape[-1]).numpy()
    blur = M.baseline_images(x, "blur")
    common = dict(batch_size=batch, activation="softmax")

    def run() -> float:
        if metric == "deletion":
            m = xm.Deletion(model, x, onehot, steps=s.steps, baseline_mode=0.0, **common)
        elif metric == "insertion":
            m = xm.Insertion(
                model, x, onehot, steps=s.steps, baseline_mode=lambda _: blur, **common
            )
        elif metric == "mufidelity":
            m = xm.MuFidelity(
                model,
                x,
                onehot,
                grid_size=s.grid,
                subset_percent=s.removed,
                nb_samples=s.subsets,
                **common,
            )
        elif metric == "average-drop":
            m = xm.AverageDropMetric(model, x, onehot, **common)
        else:
            m = xm.AverageIncreaseMetric(model, x, onehot, **common)
        return m(maps)

    return run


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def spread(values) -> str:
    v = np.asarray(values)
    return f"{np.median(v):5.2f} [{v.min():.2f}, {v.max():.2f}]"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="cifar10-cnn")
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--metrics", default=",".join(METRICS))
    args = ap.parse_args()
    handle = resolve(args.model)
    probe = handle.probe
    ds = datasets.load_test_images(handle.dataset)
    x = ds.x_test[: args.n].astype("float32") / 255.0
    t = M.predicted(probe, x)
    _, g = Gradient(probe, obj.class_logit)(x, t)
    maps = np.abs(g).sum(-1)
    used = ["float32", *(["bfloat16"] if precision.bfloat16_supported() else [])]
    settings = {p: M.MetricSettings(precision=p) for p in used}
    s = settings["float32"]
    per_pass = M.Scorer.of(probe, s.score).per_pass(s.memory)
    chosen = [m.strip() for m in args.metrics.split(",")]
    print(
        f"{args.model}, {len(x)} images ({ds.source}), forward batch {per_pass}, "
        f"{args.rounds} rounds, precisions {', '.join(used)}"
    )
    runs = {}
    for metric in chosen:
        runs[metric] = {}
        for p in used:
            bare = bare_runner(probe, per_pass, p)
            runs[metric][f"interpret {p}"] = lambda metric=metric, p=p: M.evaluate(
                probe, x, {"m": maps}, t, metrics=[metric], settings=settings[p], random=False
            )
            runs[metric][f"bare {p}"] = lambda metric=metric, bare=bare: bare(
                forwards(metric, len(x), s)
            )
        peer = xplique_runner(handle.model, x, t, maps, metric, s, per_pass)
        if peer is not None:
            runs[metric]["xplique"] = peer
    times = {m: {k: [] for k in r} for m, r in runs.items()}
    for r in range(args.rounds + 1):
        for metric, fns in runs.items():
            names = list(fns)
            names = names[r % len(names) :] + names[: r % len(names)]
            for name in names:
                dt = timed(fns[name])
                if r > 0:  # round 0 warms up (tracing, first allocations)
                    times[metric][name].append(dt)
        print(f"round {r} done", flush=True)
    for p in used:
        print(f"\n{p}: median seconds; per-round ratios median [min, max]")
        print(
            f"{'metric':<21}{'forwards':>10}{'interpret':>11}{'bare':>8}{'xplique':>9}"
            f"   {'interpret/bare':>22}   {'xplique/interpret':>22}"
        )
        for metric, tt in times.items():
            ours, floor = np.array(tt[f"interpret {p}"]), np.array(tt[f"bare {p}"])
            peer = np.array(tt.get("xplique", [np.nan]))
            line = (
                f"{metric:<21}{forwards(metric, len(x), s):>10}{np.median(ours):>11.2f}"
                f"{np.median(floor):>8.2f}{np.median(peer):>9.2f}   {spread(ours / floor):>22}"
            )
            line += f"   {spread(peer / ours):>22}" if "xplique" in tt else "   (xplique missing)"
            print(line)


if __name__ == "__main__":
    main()
