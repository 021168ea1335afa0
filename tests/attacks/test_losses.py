"""The attack losses against their formulas written out in NumPy."""

from __future__ import annotations

import numpy as np


def test_dlr_and_margin_match_the_paper_and_are_scale_invariant():
    from interpret._tf import tf
    from interpret.attacks import losses

    rng = np.random.default_rng(0)
    z = rng.normal(size=(6, 10)).astype("float32")
    y = rng.integers(0, 10, 6).astype("int32")
    srt = np.sort(z, 1)[:, ::-1]
    other = np.where(np.eye(10)[y] > 0, -np.inf, z).max(1)
    want = -(z[np.arange(6), y] - other) / (srt[:, 0] - srt[:, 2])
    got = losses.dlr(tf.constant(z), tf.constant(y)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5)
    np.testing.assert_allclose(
        losses.dlr(tf.constant(7 * z), tf.constant(y)).numpy(), want, rtol=1e-5
    )
    np.testing.assert_allclose(
        losses.margin(tf.constant(z), tf.constant(y)).numpy(), z[np.arange(6), y] - other, rtol=1e-6
    )


def test_targeted_dlr_and_the_ranked_target():
    from interpret._tf import tf
    from interpret.attacks import losses

    rng = np.random.default_rng(1)
    z = rng.normal(size=(5, 10)).astype("float32")
    y = z.argmax(1).astype("int32")
    t = losses.target_at_rank(tf.constant(z), 3).numpy()
    np.testing.assert_array_equal(t, np.argsort(-z, 1)[:, 2])
    srt = np.sort(z, 1)[:, ::-1]
    want = -(z[np.arange(5), y] - z[np.arange(5), t]) / (srt[:, 0] - (srt[:, 2] + srt[:, 3]) / 2)
    got = losses.dlr_targeted(tf.constant(z), tf.constant(y), tf.constant(t.astype("int32")))
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5)
