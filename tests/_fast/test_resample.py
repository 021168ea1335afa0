"""interpret._fast.resample: the planned, shared, folded moves equal the plain bilinear warp."""

from __future__ import annotations

import numpy as np
import pytest

from interpret._fast import resample as R
from interpret._tf import tf
from interpret.visualize import param
from interpret.visualize import transforms as T


def images():
    return tf.constant(np.random.default_rng(0).random((4, 10, 10, 3), "float32"))


def smooth_images():
    """Images with structure at the scale of a few pixels (what a prior resamples)."""
    rng = np.random.default_rng(1)
    x = np.cumsum(np.cumsum(rng.random((3, 12, 10, 2)), axis=1), axis=2)
    return tf.constant((x / x.max()).astype("float32"))


def reference(images, stage):
    """The per-image bilinear kernel with the same map for every image."""
    return T._warp(images, None, tf.tile(stage.flat[None], [images.shape[0], 1])).numpy()


def test_planes_round_trip():
    x = images()
    assert R.to_planes(x).shape == (3, 10, 10, 4)
    # the axis reversal is its own inverse: planes back to NHWC is to_planes again
    np.testing.assert_array_equal(R.to_planes(R.to_planes(x)).numpy(), x.numpy())


def test_shared_warp_is_bilinear_for_axis_aligned_maps():
    x = images()
    pipe = T.compose([T.jitter(2), T.scale(0.2), T.jitter(1)])
    for stage in (R.plan(pipe, 6, 10, 10, [3, 4])[0].at(k) for k in range(6)):
        np.testing.assert_allclose(
            R.apply_planned(pipe, x, [0, 0], [stage]).numpy(), reference(x, stage), atol=1e-5
        )


def test_shared_warp_rotation_close_to_bilinear():
    x = smooth_images()
    pipe = T.compose([T.rotate(5), T.scale(0.05), T.jitter(2)])
    for stage in (R.plan(pipe, 6, 12, 10, [5, 6])[0].at(k) for k in range(6)):
        got, want = R.apply_planned(pipe, x, [0, 0], [stage]).numpy(), reference(x, stage)
        diff = np.abs(got - want)
        # inside, the two passes and bilinear agree to well under one 8-bit grey level;
        # at the reflected border they read the mirror image along slightly different
        # lines, and on this small image the border is half the pixels
        assert diff[:, 3:-3, 3:-3].max() < 0.25 / 255 and diff.mean() < 1 / 255
        assert np.abs(got - x.numpy()).max() > 0.02  # while the move itself is visible


def test_axis_plan_needs_separable_moves():
    with pytest.raises(ValueError, match="use plan"):
        R.axis_plan(T.default(32, rotate_degrees=5), 2, 32, 32, [0, 0])


def test_axis_plan_is_the_plans_bilinear_warp():
    x = images()
    pipe = T.compose([T.jitter(2), T.scale(0.2), T.jitter(1)])
    stages = R.plan(pipe, 6, 10, 10, [3, 4])[0]
    moves = R.axis_plan(pipe, 6, 10, 10, [3, 4])  # the same seed draws the same moves
    for k in range(6):
        hy, hx = moves.at(tf.constant(k))
        got = tf.einsum("yY,bYXc,xX->byxc", hy, x, hx).numpy()
        np.testing.assert_allclose(got, reference(x, stages.at(k)), atol=1e-5)


def test_precomputed_coordinates_equal_the_in_graph_ones(monkeypatch):
    x = images()
    pipe = T.default(10, rotate_degrees=5)
    stored = R.plan(pipe, 4, 10, 10, [7, 8])[0]
    monkeypatch.setattr(R, "COORDS_BUDGET", 0)  # over budget: each step computes its own
    computed = R.plan(pipe, 4, 10, 10, [7, 8])[0]
    assert stored.ys is not None and computed.ys is None
    for k in range(4):
        a = R.apply_planned(pipe, x, [0, 0], [stored.at(k)]).numpy()
        np.testing.assert_allclose(
            a, R.apply_planned(pipe, x, [0, 0], [computed.at(k)]).numpy(), atol=1e-6
        )


def test_shared_warp_gradient_is_the_adjoint():
    x = smooth_images()
    stage = R.plan(T.default(12), 3, 12, 10, [1, 1])[0].at(2)
    y = tf.constant(np.random.default_rng(2).random(x.shape).astype("float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(R.warp_shared(x, stage) * y)
    g = tape.gradient(loss, x).numpy()
    # <warp(x), y> is linear in x: its gradient at any x gives the same inner products
    e = np.zeros(x.shape, "float32")
    e[1, 4, 5, 0] = 1.0
    direct = float(tf.reduce_sum(R.warp_shared(tf.constant(e), stage) * y))
    assert abs(direct - g[1, 4, 5, 0]) < 1e-5


@pytest.mark.parametrize("kind, rotate", [("fourier", 0.0), ("pixel", 0.0), ("pixel", 4.0)])
def test_moves_equal_the_plain_warp_of_the_same_draws(kind, rotate):
    """The contract of the fast route: each step, the model sees the plain warp of its maps.

    A folded Fourier image is moved before its sigmoid (the synthesis is linear, the
    sigmoid is not): it equals the plain warp of the pre-sigmoid image, squashed.
    """
    p = param.make(kind, 2, (12, 12), 3, seed=3, sd=0.5)
    pipe = T.default(12, rotate_degrees=rotate)
    moves = R.Moves(pipe, p, steps=3, size=(12, 12), seed=[4, 5])
    assert moves.folded == (kind == "fourier" and rotate == 0)
    (stages,) = R.plan(pipe, 3, 12, 12, tf.constant([4, 5]))
    for k in range(3):
        got = moves(tf.constant(k), p.image()).numpy()
        if moves.folded:
            want = tf.sigmoid(reference(p.logits(), stages.at(k))).numpy()
        elif rotate:  # the two-pass warp (its accuracy: test_shared_warp_rotation_...)
            want = R.apply_planned(pipe, p.image(), [4, 5 + k], [stages.at(k)]).numpy()
        else:
            want = reference(p.image(), stages.at(k))
        np.testing.assert_allclose(got, want, atol=1e-5)
