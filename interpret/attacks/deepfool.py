"""DeepFool (Moosavi-Dezfooli et al. 2016), L2: step to the nearest linearised class boundary.

Each step linearises the ``candidates`` top classes around the current point and
moves to the closest boundary, with ``overshoot``, until the label flips. A
minimal-perturbation attack like C&W.

It keeps its own loop rather than :mod:`interpret.core.ascent`: a step needs one
gradient per candidate class (not the gradient of one score) and the whole attack
runs inside one ``tf.while_loop`` that stops when every image has flipped; the
shared loop climbs a single score, so forcing DeepFool into it would cost a
gradient pass per class and a host round trip per step.

Through the API: ``interpret.attack(model, x, y, method="deepfool")``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def _build(probe: Any, candidates: int) -> Callable:
    from interpret._tf import batch_function, tf

    shape = tuple(probe.input_shape)
    n_classes = probe.n_classes
    k = min(candidates, n_classes)
    axes = list(range(2, 2 + len(shape)))

    def bcast(v):
        return tf.reshape(v, [-1] + [1] * len(shape))

    def run(x0, y, steps, overshoot):
        onehot = tf.one_hot(y, n_classes)
        z0 = probe.logits(x0)
        others = tf.math.top_k(z0 - onehot * 1e9, k=k - 1).indices
        cand = tf.concat([y[:, None], tf.cast(others, tf.int32)], axis=1)  # label first
        r_tot = tf.zeros_like(x0)

        def cond(i, r_tot, active):
            return tf.logical_and(i < steps, tf.reduce_any(active))

        def body(i, r_tot, active):
            xa = tf.clip_by_value(x0 + (1.0 + overshoot) * r_tot, 0.0, 1.0)
            with tf.GradientTape(persistent=True) as tape:
                tape.watch(xa)
                z = probe.logits(xa)
                zc = tf.gather(z, cand, batch_dims=1)  # (B, k)
                cols = [tf.reduce_sum(zc[:, j]) for j in range(k)]
            grads = tf.stack([tape.gradient(c, xa) for c in cols], axis=1)  # (B, k, H, W, C)
            del tape
            active = tf.equal(tf.argmax(z, axis=1, output_type=tf.int32), y)
            f = zc[:, 1:] - zc[:, :1]  # < 0 while the label wins
            wdiff = grads[:, 1:] - grads[:, :1]
            wn = tf.sqrt(tf.reduce_sum(tf.square(wdiff), axis=axes)) + 1e-8
            ratio = tf.abs(f) / wn
            best = tf.argmin(ratio, axis=1, output_type=tf.int32)
            r_len = tf.gather(ratio, best, batch_dims=1) + 1e-4
            direction = tf.gather(wdiff, best, batch_dims=1) / bcast(
                tf.gather(wn, best, batch_dims=1)
            )
            r_i = bcast(r_len * tf.cast(active, tf.float32)) * direction
            return i + 1, r_tot + r_i, active

        active = tf.ones(tf.shape(y), tf.bool)
        _, r_tot, _ = tf.while_loop(cond, body, (tf.constant(0), r_tot, active))
        return tf.clip_by_value(x0 + (1.0 + overshoot) * r_tot, 0.0, 1.0)

    return batch_function(run, shape, scalars=[tf.int32, tf.float32])


def deepfool(
    probe: Any,
    x: np.ndarray,
    y: np.ndarray,
    *,
    steps: int = 50,
    overshoot: float = 0.02,
    candidates: int = 10,
) -> np.ndarray:
    """DeepFool (L2): step to the nearest linearised boundary until the label flips.

    Example:
        >>> from interpret.core.models import resolve
        >>> from interpret.data.datasets import load_test_images
        >>> probe = resolve("mnist-cnn").probe
        >>> x, y = load_test_images("mnist").split("test")
        >>> x, y = x[:4] / 255, y[:4]
        >>> x_adv = deepfool(probe, x, y, candidates=3)
        >>> x_adv.shape, bool((probe.predict(x_adv).argmax(1) != y).all())
        ((4, 28, 28, 1), True)
    """
    fn = probe.memo(("deepfool", int(candidates)), lambda: _build(probe, int(candidates)))
    out = fn(
        np.asarray(x, np.float32),
        np.asarray(y, np.int32),
        np.int32(steps),
        np.float32(overshoot),
    )
    return out.numpy()
