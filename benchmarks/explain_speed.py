"""Speed of ``interpret.explain`` against the bare compiled loops it needs and the peers.

On cifar10-cnn and its first N (64) test images, in this one process, for each method:

* floor: the bare compiled loop the method needs, the faster of its variants --
  gradient methods: one ``tf.function`` gradient step (tape, predicted-class logit)
  called once per sample (saliency, gradient x input, Guided Backprop and the CAMs:
  once; SmoothGrad/SquareGrad/VarGrad 50 samples: 50 times; Integrated Gradients 64
  steps: 64 times) on the batch of N images, on the plain Keras model and on
  interpret's own graph of it; Occlusion and RISE: the masked forward passes, one
  compiled call per mask (N images) or per chunk of masks (as many images per call
  as interpret's memory budget allows);
* interpret: ``explain()`` the whole call (checks, target resolution, batching, maps);
* peers on the methods they share: Xplique 2.0.2 (Integrated Gradients, SmoothGrad,
  Occlusion, RISE) and tf-keras-vis 0.8.7 (SmoothGrad, Score-CAM; given a functional
  twin, as its Gradcam gets no gradient through a Keras 3 Sequential), each at its
  default batch size and at interpret's batch size ("tuned").

Everything is traced once before timing (a warm-up call each), then the contenders of
a method run interleaved, round after round, so that load from other processes hits
them alike; medians and ranges over the rounds, and each ratio taken within a round.

    INTERPRET_DATA_DIR=/path/to/data nice python benchmarks/explain_speed.py [--n 64]
        [--rounds 3] [--methods saliency,smoothgrad,...] [--no-peers]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

SAMPLES, STEPS, MASKS = 50, 64, 2000


def grad_step(f, wrt_layer: bool = False):
    """The bare compiled gradient: d logit[top] / d input (or layer), top from the same pass."""
    from interpret._tf import tf

    def step(x, t):
        with tf.GradientTape() as tape:
            tape.watch(x)
            out = f(x)
            acts, logits = (out[0], out[1]) if wrt_layer else (x, out)
            top = tf.where(t < 0, tf.argmax(logits, -1, output_type=tf.int32), t)
            score = tf.reduce_sum(tf.one_hot(top, logits.shape[-1]) * logits)
        return tape.gradient(score, acts), acts

    return tf.function(step)


def forward_scores(f):
    """The bare compiled masked forward: logit[t] of x * m + fill * (1 - m), masks (k, H, W)."""
    from interpret._tf import tf

    @tf.function
    def run(x, t, m, fill):
        b, k = tf.shape(x)[0], tf.shape(m)[0]
        xs = x[:, None] * m[None, ..., None] + fill * (1.0 - m[None, ..., None])
        logits = f(tf.reshape(xs, (-1, *x.shape[1:])))
        return tf.reshape(tf.gather(logits, tf.repeat(t, k), batch_dims=1), (b, k))

    return run


def bare_gradient_loops(model, probe, x, top, layer):
    """Every gradient method's bare loop, on the Keras model and on the probe's graph."""
    from interpret._tf import keras, tf
    from interpret.attributions.gradients import path_points, smoothgrad_noise

    noise = smoothgrad_noise(x.shape[1:], SAMPLES, 0.2, 0)
    alphas, weights = path_points(STEPS, "trapezoid")
    from explain_agreement import functional_twin  # this directory is on sys.path

    # (a Keras 3 Sequential's own layer.output gives no gradient: see explain_agreement)
    ft = functional_twin(model)
    twin = keras.Model(ft.inputs, [ft.get_layer(layer).output, ft.outputs[0]])
    fixed = tf.constant(top)
    neg = tf.constant(np.full(len(x), -1, np.int32))
    fns = {}
    for where, f, g in (
        ("keras", lambda v: model(v, training=False), lambda v: twin(v, training=False)),
        ("probe", lambda v: probe.logits(v), probe.extractor([layer], logits=True)),
    ):
        step, cam = grad_step(f), grad_step(g, wrt_layer=True)

        def one(step=step):
            return np.abs(step(x, neg)[0].numpy()).max(-1)

        def smooth(step=step):
            total = sum(step(x + noise[s], fixed)[0].numpy() for s in range(SAMPLES))
            return (total / SAMPLES).sum(-1)

        def ig(step=step):
            total = sum(w * step(a * x, fixed)[0].numpy() for a, w in zip(alphas, weights))
            return (x * total).sum(-1)

        def gradcam(cam=cam):
            g, a = (v.numpy() for v in cam(x, neg))
            return np.maximum(np.einsum("nhwk,nk->nhw", a, g.mean((1, 2))), 0)

        fns[where] = {"one": one, "smooth": smooth, "ig": ig, "gradcam": gradcam}
    return fns


def bare_forward_loops(probe, x, top, masks: np.ndarray, per_call: int):
    """Masked forward passes: one call per mask, or chunks of masks within the budget."""
    run = forward_scores(probe.logits)
    flat = masks.reshape(len(masks), -1)

    def per_mask():
        return sum(
            run(x, top, masks[k : k + 1], 0.0).numpy() @ flat[k : k + 1] for k in range(len(masks))
        )

    def chunked():
        k = max(1, per_call // len(x))
        return sum(
            run(x, top, masks[i : i + k], 0.0).numpy() @ flat[i : i + k]
            for i in range(0, len(masks), k)
        )

    return {"per mask": per_mask, "chunked": chunked}


def peers(model, x, top, layer, batch: int) -> dict[str, dict[str, Callable]]:
    """The peers' calls per method, at their default batch size and at ours."""
    out: dict[str, dict[str, Callable]] = {}
    try:
        import xplique.attributions as xa

        from interpret._tf import tf

        onehot = tf.one_hot(top, 10).numpy()
        for tag, bs in (("default", {}), ("tuned", {"batch_size": batch})):
            made = {
                "integrated-gradients": xa.IntegratedGradients(model, steps=STEPS, **bs),
                "smoothgrad": xa.SmoothGrad(model, nb_samples=SAMPLES, noise=0.2, **bs),
                "occlusion": xa.Occlusion(model, patch_size=4, patch_stride=4, **bs),
                "rise": xa.Rise(model, nb_samples=MASKS, **bs),
            }
            for method, explainer in made.items():
                out.setdefault(method, {})[f"xplique {tag}"] = lambda e=explainer: e.explain(
                    x, onehot
                ).numpy()
    except ImportError as e:
        print(f"note: Xplique not available ({e})")
    try:
        from explain_agreement import functional_twin  # this directory is on sys.path
        from tf_keras_vis.saliency import Saliency
        from tf_keras_vis.scorecam import Scorecam
        from tf_keras_vis.utils.scores import CategoricalScore

        twin = functional_twin(model)
        score = CategoricalScore(top.tolist())
        sal, sc = Saliency(twin), Scorecam(twin)
        out.setdefault("smoothgrad", {})["tf-keras-vis"] = lambda: sal(
            score, x, smooth_samples=SAMPLES, smooth_noise=0.2
        )
        for tag, bs in (("default", 32), ("tuned", batch)):
            out.setdefault("scorecam", {})[f"tf-keras-vis {tag}"] = lambda bs=bs: sc(
                score, x, penultimate_layer=layer, batch_size=bs
            )
    except ImportError as e:
        print(f"note: tf-keras-vis not available ({e})")
    return out


def contenders(args) -> dict[str, dict[str, Callable]]:
    import interpret
    from interpret.attributions.base import budget
    from interpret.attributions.perturbation import occlusion_masks, rise_grids, rise_masks
    from interpret.core.models import resolve
    from interpret.data import datasets

    handle = resolve("cifar10-cnn")
    probe, model = handle.probe, handle.model
    xs, _ = datasets.load_test_images("cifar10").split("test")
    x = xs[: args.n].astype("float32") / 255.0
    top = np.asarray(probe.logits(x)).argmax(1).astype(np.int32)
    layer = "conv2d_2"
    grads = bare_gradient_loops(model, probe, x, top, layer)
    fb = budget(probe, 256, False)
    occ = bare_forward_loops(probe, x, top, occlusion_masks((32, 32), 4, 4), fb)
    grids, shifts = rise_grids(MASKS, (32, 32), 5, 0.5, 0)
    rise = bare_forward_loops(probe, x, top, rise_masks(grids, shifts, (32, 32), 5), fb)

    def ours(method, **o):
        return lambda: interpret.explain(probe, x, method=method, **o).maps

    floors = {
        "saliency": "one", "gradient-x-input": "one", "guided-backprop": "one",
        "smoothgrad": "smooth", "squaregrad": "smooth", "vargrad": "smooth",
        "integrated-gradients": "ig", "gradcam": "gradcam", "gradcam-plus-plus": "gradcam",
        "layercam": "gradcam",
    }  # fmt: skip
    table: dict[str, dict[str, Callable]] = {}
    for method, kind in floors.items():
        table[method] = {f"bare {w}": grads[w][kind] for w in grads}
    table["occlusion"] = {f"bare {k}": v for k, v in occ.items()}
    table["rise"] = {f"bare {k}": v for k, v in rise.items()}
    table["scorecam"] = {}
    options = {"smoothgrad": {"samples": SAMPLES}, "integrated-gradients": {"steps": STEPS}}
    options.update({"squaregrad": options["smoothgrad"], "vargrad": options["smoothgrad"]})
    options.update({"occlusion": {"patch": 4}, "rise": {"masks": MASKS}})
    for method in table:
        table[method]["interpret"] = ours(method, **options.get(method, {}))
    if not args.no_peers:
        for method, calls in peers(model, x, top, layer, fb).items():
            table[method].update(calls)
    chosen = args.methods.split(",") if args.methods else list(table)
    return {m: table[m] for m in chosen}


def timed(fn: Callable) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def report(method: str, times: dict[str, list[float]]) -> None:
    bare = {k: np.median(v) for k, v in times.items() if k.startswith("bare")}
    floor_name = min(bare, key=bare.get) if bare else None
    print(f"{method}:")
    for name, ts in times.items():
        line = f"  {name:<22} median {np.median(ts):8.3f}s  range {min(ts):.3f}-{max(ts):.3f}"
        if floor_name and name != floor_name:
            r = np.asarray(ts) / np.asarray(times[floor_name])
            line += f"  x floor ({floor_name}) {np.median(r):.2f} [{r.min():.2f}-{r.max():.2f}]"
        if name != "interpret" and not name.startswith("bare"):
            r = np.asarray(ts) / np.asarray(times["interpret"])
            line += f"  interpret faster {np.median(r):.1f}x [{r.min():.1f}-{r.max():.1f}]"
        print(line, flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=64)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--methods", default=None, help="comma separated (default: all timed)")
    p.add_argument("--no-peers", action="store_true")
    args = p.parse_args()
    table = contenders(args)
    for method, calls in table.items():
        for fn in calls.values():
            fn()  # trace and warm up
        times: dict[str, list[float]] = {name: [] for name in calls}
        for _ in range(args.rounds):
            for name, fn in calls.items():
                times[name].append(timed(fn))
        report(method, times)


if __name__ == "__main__":
    main()
