"""Speed of `interpret.maximize` against the bare compiled gradient step and tf-keras-vis.

All methods optimise the same batch (one image per filter of LAYER, the channel-mean
objective) for the same number of steps on the same model, in this one process.
Each run is timed wall-clock *including* its one-off tracing, and the methods run
interleaved (A B C A B C ...) so that load from other processes hits them alike;
the figures are medians over the rounds, as ratios to the bare loop:

* bare: the floor -- raw pixels, one ``tf.function`` step (gradient of the summed
  channel means, the same fused Adam kernel as the engine, clip to [0, 1]; traced
  without autograph, as the engine's step is), called STEPS times from Python; no
  prior at all;
* bare-inloop: the same step looped inside one ``tf.function`` (``tf.range``);
  the faster of the two float32 bare loops is the floor of the "x bare" column;
* on CPUs with bfloat16 hardware, the bare Python loop again in bfloat16 (see
  ``interpret._fast.precision``): the floor for ``maximize``'s default there;
* interpret: ``maximize()`` with its default prior (Fourier + decorrelation,
  jitter/scale/rotate, dead-ReLU leak) -- the whole call, validation included --
  at its default precision, and (where that is bfloat16) in float32 too;
* tf-keras-vis 0.8.7 ``ActivationMaximization`` at its defaults (input range
  [0, 1], the same channel-mean score), when installed (optional dependency).

Run:
    nice python benchmarks/maximize_speed.py [--model cifar10-cnn] [--layer conv2d_2]
        [--steps 256] [--rounds 3] [--tkv-rounds 2]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def channel_means(out, idx):
    from interpret._tf import tf

    m = tf.reduce_mean(out, axis=(1, 2))
    return tf.gather(m, idx[:, None], axis=1, batch_dims=1)[:, 0]


def bare_step(probe, layer, n, lr):
    """One bare gradient-ascent step (Adam on raw pixels, clipped), plain Python, and its images."""
    from interpret._fast.adam import apply_adam
    from interpret._tf import tf

    f = probe.extractor([layer])
    idx = tf.range(n)
    rng = np.random.default_rng(0)
    x = tf.Variable(0.5 + 0.01 * rng.standard_normal((n, *probe.input_shape)).astype("float32"))
    m, v = tf.Variable(tf.zeros_like(x)), tf.Variable(tf.zeros_like(x))
    t = tf.Variable(0.0)

    def one():
        with tf.GradientTape() as tape:
            loss = -tf.reduce_sum(channel_means(f(x)[0], idx))
        g = tape.gradient(loss, x)
        t.assign_add(1.0)
        apply_adam(x, m, v, g, t, lr)  # the engine's own Adam step
        x.assign(tf.clip_by_value(x, 0.0, 1.0))

    return one, x


def bare(probe, layer, n, steps, lr, inloop: bool, precision: str = "float32"):
    """The bare compiled gradient-ascent loop (Adam on raw pixels); seconds and images."""
    from interpret._fast import precision as precision_lib
    from interpret._tf import tf

    one, x = bare_step(probe, layer, n, lr)
    start = time.perf_counter()
    with precision_lib.compute(precision):
        if inloop:

            @tf.function
            def run(k):
                for _ in tf.range(k):
                    one()

            run(tf.constant(steps))
        else:
            step = tf.function(one, autograph=False)  # as the engine's step
            for _ in range(steps):
                step()
    out = x.numpy()
    return time.perf_counter() - start, out


def run_tkv(probe, model, layer, n, steps):
    from tf_keras_vis.activation_maximization import ActivationMaximization

    from interpret._tf import keras, tf

    sub = keras.Model(model.inputs, model.get_layer(layer).output)
    idx = tf.range(n)
    start = time.perf_counter()
    am = ActivationMaximization(sub, clone=True)
    seed = tf.random.uniform((n, *probe.input_shape), 0.0, 1.0, seed=0)
    out = am(lambda o: channel_means(o, idx), seed_input=seed, input_range=(0.0, 1.0), steps=steps)
    seconds = time.perf_counter() - start
    return seconds, np.clip(np.asarray(out, "float32"), 0.0, 1.0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="cifar10-cnn")
    ap.add_argument("--layer", default="conv2d_2")
    ap.add_argument("--steps", type=int, default=256)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--tkv-rounds", type=int, default=2)
    args = ap.parse_args()

    from interpret._fast import precision
    from interpret._tf import tf
    from interpret.core import objectives as obj
    from interpret.core.models import resolve
    from interpret.visualize.maximize import maximize as run_maximize
    from interpret.visualize.render import RenderSettings, evaluate

    handle = resolve(args.model)
    probe = handle.probe
    n = probe.layer(args.layer).size
    target = obj.channel(args.layer, list(range(n)))
    lr = RenderSettings().lr
    try:
        import tf_keras_vis  # noqa: F401

        have_tkv = args.tkv_rounds > 0
    except ImportError:
        print("tf-keras-vis not installed (optional): pip install tf-keras-vis==0.8.7")
        have_tkv = False

    bf16 = precision.bfloat16_supported()
    BARE, INLOOP, BARE16 = (
        "bare float32 (compiled step, python loop)",
        "bare float32 (tf.range loop in one tf.function)",
        "bare bfloat16 (compiled step, python loop)",
    )
    OURS, OURS32 = (
        f"interpret.maximize, default ({precision.resolve('auto')})",
        "interpret.maximize, float32",
    )
    TKV = "tf-keras-vis 0.8.7 ActivationMaximization"

    def m_ours(prec):
        def run():
            start = time.perf_counter()
            res = run_maximize(handle, args.layer, "all", steps=args.steps, seed=0, precision=prec)
            return time.perf_counter() - start, res.images

        return run

    methods = {
        BARE: lambda: bare(probe, args.layer, n, args.steps, lr, inloop=False),
        INLOOP: lambda: bare(probe, args.layer, n, args.steps, lr, inloop=True),
        OURS: m_ours("auto"),
    }
    if bf16:
        methods[BARE16] = lambda: bare(
            probe, args.layer, n, args.steps, lr, inloop=False, precision="bfloat16"
        )
        methods[OURS32] = m_ours("float32")
    methods[TKV] = lambda: run_tkv(probe, handle.model, args.layer, n, args.steps)
    times: dict[str, list[float]] = {k: [] for k in methods}
    acts: dict[str, np.ndarray] = {}
    for r in range(args.rounds):
        for name, fn in methods.items():
            if name == TKV and (not have_tkv or r >= args.tkv_rounds):
                continue
            t, x = fn()
            times[name].append(t)
            acts[name] = evaluate(probe, target, x)
            print(f"  round {r + 1} {name}: {t:.2f}s", flush=True)
    print(
        f"{args.model} {args.layer}: {n} filters x {args.steps} steps, batch {n}, "
        f"TF {tf.__version__}, wall clock incl. tracing, median of interleaved rounds; "
        "activations measured in float32"
    )
    med = {name: float(np.median(ts)) for name, ts in times.items() if ts}
    floor = min(med[BARE], med[INLOOP])
    print(f"{'method':<48}{'rounds':>7}{'median s':>10}{'x bare':>8}{'mean act':>10}{'min act':>9}")
    for name, ts in times.items():
        if ts:
            a = acts[name]
            print(
                f"{name:<48}{len(ts):>7}{med[name]:>10.2f}{med[name] / floor:>8.2f}"
                f"{float(np.mean(a)):>10.3f}{float(np.min(a)):>9.3f}"
            )
    ours = med[OURS]
    print(f"x bare: against the faster float32 bare loop ({floor:.2f}s)")

    def per_round(num: str, den: list[str]) -> str:
        """The ratio within each round (methods ran side by side), as median and range."""
        r = [a / min(times[d][i] for d in den) for i, a in enumerate(times[num])]
        return f"per round: median {np.median(r):.2f}x, range {min(r):.2f}-{max(r):.2f}x"

    if bf16:
        print(
            f"interpret default (bfloat16) / bare bfloat16 loop: {ours / med[BARE16]:.2f}x "
            f"(target <= 1.3; {per_round(OURS, [BARE16])}); "
            f"/ faster float32 bare loop: {ours / floor:.2f}x"
        )
        print(
            f"interpret float32 / faster float32 bare loop: {med[OURS32] / floor:.2f}x "
            f"({per_round(OURS32, [BARE, INLOOP])})"
        )
    else:
        print(
            f"interpret / faster bare loop: {ours / floor:.2f}x "
            f"(target <= 1.3; {per_round(OURS, [BARE, INLOOP])})"
        )
    if TKV in med:
        print(f"tf-keras-vis / interpret default: {med[TKV] / ours:.2f}x faster (target >= 4)")
        if bf16:
            print(f"tf-keras-vis / interpret float32: {med[TKV] / med[OURS32]:.2f}x faster")


if __name__ == "__main__":
    main()
