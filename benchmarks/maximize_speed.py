"""Speed of `interpret.maximize` against the bare compiled gradient loop and tf-keras-vis.

All three optimise the same batch (one image per filter of LAYER) for the same
number of steps on the same model, in this one process, and are timed wall-clock
including their one-off tracing. Figures are ratios to the bare loop:

* bare: a ``tf.function`` gradient step on raw pixels (x += lr * grad of the
  channel means), called STEPS times from Python -- the floor, no prior at all;
* bare-inloop: the same step looped inside one ``tf.function`` (tf.range);
* interpret: ``maximize()`` with its default prior (Fourier + decorrelation +
  jitter/scale/rotate, Adam, dead-ReLU leak);
* tf-keras-vis 0.8.7 ``ActivationMaximization`` at its defaults (input range set to
  [0, 1], the same channel-mean score), when installed.

Run:
    INTERPRET_DATA_DIR=... nice python benchmarks/maximize_speed.py [--model cifar10-cnn]
        [--layer conv2d_2] [--steps 256]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def channel_means(out, idx):
    from interpret._tf import tf

    m = tf.reduce_mean(out, axis=(1, 2))
    return tf.gather(m, idx[:, None], axis=1, batch_dims=1)[:, 0]


def bare(probe, layer, n, steps, lr, inloop: bool):
    from interpret._tf import tf

    f = probe.extractor([layer])
    idx = tf.range(n)
    rng = np.random.default_rng(0)
    x = tf.Variable(0.5 + 0.01 * rng.standard_normal((n, *probe.input_shape)).astype("float32"))

    def one():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(channel_means(f(x)[0], idx))
        g = tape.gradient(loss, x)
        x.assign(tf.clip_by_value(x + lr * g, 0.0, 1.0))

    start = time.perf_counter()
    if inloop:

        @tf.function
        def run(k):
            for _ in tf.range(k):
                one()

        run(tf.constant(steps))
    else:
        step = tf.function(one)
        for _ in range(steps):
            step()
    _ = x.numpy()
    return time.perf_counter() - start, x.numpy()


def run_tkv(probe, model, layer, n, steps):
    from tf_keras_vis.activation_maximization import ActivationMaximization

    from interpret._tf import keras, tf

    sub = keras.Model(model.inputs, model.get_layer(layer).output)
    idx = tf.range(n)
    am = ActivationMaximization(sub, clone=True)
    seed = tf.random.uniform((n, *probe.input_shape), 0.0, 1.0, seed=0)
    start = time.perf_counter()
    out = am(lambda o: channel_means(o, idx), seed_input=seed, input_range=(0.0, 1.0), steps=steps)
    seconds = time.perf_counter() - start
    return seconds, np.clip(np.asarray(out, "float32"), 0.0, 1.0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="cifar10-cnn")
    ap.add_argument("--layer", default="conv2d_2")
    ap.add_argument("--steps", type=int, default=256)
    ap.add_argument("--skip-tkv", action="store_true")
    args = ap.parse_args()

    from interpret import objectives as obj
    from interpret._tf import tf
    from interpret.maximize import maximize as run_maximize
    from interpret.models import resolve
    from interpret.render import evaluate

    handle = resolve(args.model)
    probe = handle.probe
    n = probe.layer(args.layer).size
    target = obj.channel(args.layer, list(range(n)))
    rows = []

    t, x = bare(probe, args.layer, n, args.steps, 0.05, inloop=False)
    rows.append(("bare (python loop of compiled step)", t, evaluate(probe, target, x)))
    t, x = bare(probe, args.layer, n, args.steps, 0.05, inloop=True)
    rows.append(("bare (tf.range loop in one tf.function)", t, evaluate(probe, target, x)))
    start = time.perf_counter()
    res = run_maximize(handle, args.layer, "all", steps=args.steps, seed=0)
    rows.append(
        ("interpret.maximize (default prior)", time.perf_counter() - start, res.activations)
    )
    if not args.skip_tkv:
        try:
            import tf_keras_vis  # noqa: F401

            t, x = run_tkv(probe, handle.model, args.layer, n, args.steps)
            rows.append(
                ("tf-keras-vis 0.8.7 ActivationMaximization", t, evaluate(probe, target, x))
            )
        except ImportError:
            print("tf-keras-vis not installed: pip install tf-keras-vis==0.8.7")
    floor = rows[0][1]
    print(
        f"{args.model} {args.layer}: {n} filters x {args.steps} steps, batch {n}, "
        f"TF {tf.__version__}, wall-clock incl. tracing"
    )
    print(f"{'method':<44}{'seconds':>9}{'x bare':>8}{'mean act':>10}{'min act':>9}")
    for name, t, acts in rows:
        print(
            f"{name:<44}{t:>9.2f}{t / floor:>8.2f}{float(np.mean(acts)):>10.3f}{float(np.min(acts)):>9.3f}"
        )
    eng = rows[2][1]
    print(
        f"interpret vs bare python loop: {eng / rows[0][1]:.2f}x; vs bare in-graph loop: {eng / rows[1][1]:.2f}x"
    )
    if len(rows) > 3:
        print(f"tf-keras-vis / interpret time: {rows[3][1] / eng:.2f}x")


if __name__ == "__main__":
    main()
