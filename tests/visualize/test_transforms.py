import numpy as np
import pytest

from interpret._tf import tf
from interpret.visualize import transforms as T


def images():
    return tf.constant(np.random.default_rng(0).random((4, 10, 10, 3), "float32"))


def test_same_seed_same_result_and_size_kept():
    x = images()
    pipe = T.compose([T.jitter(2), T.scale(0.1), T.rotate(10), T.jitter(1)])
    a, b = pipe(x, [1, 2]).numpy(), pipe(x, [1, 2]).numpy()
    c = pipe(x, [1, 3]).numpy()
    assert a.shape == x.shape
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_zero_sized_moves_are_identity():
    x = images()
    out = T.compose([T.jitter(0), T.scale(0.0), T.rotate(0)])(x, [0, 0])
    np.testing.assert_allclose(out.numpy(), x.numpy(), atol=1e-5)


def test_jitter_moves_whole_pixels_per_image():
    x = images()
    out = T.jitter(3).apply(x, tf.constant([5, 6])).numpy()
    inner = x.numpy()[:, 3:7, 3:7]
    for b in range(4):  # each image is an integer shift of the input
        found = any(
            np.allclose(out[b, 3 + dy : 7 + dy, 3 + dx : 7 + dx], inner[b], atol=1e-5)
            for dy in range(-3, 4)
            for dx in range(-3, 4)
        )
        assert found


def test_pad_then_crop_and_gradients_flow():
    x = tf.Variable(images())
    pipe = T.compose([T.pad(3), T.jitter(2), T.rotate(5)])
    with tf.GradientTape() as tape:
        y = pipe(x, [0, 1])
        assert y.shape == (4, 16, 16, 3)
        y = T.center_crop(y, 10, 10)
        loss = tf.reduce_sum(y)
    g = tape.gradient(loss, x)
    assert y.shape == (4, 10, 10, 3)
    assert float(tf.reduce_sum(tf.abs(g))) > 0


def test_default_prior_grows_with_canvas():
    assert T.default(32).name == "jitter(2), scale(0.05), jitter(1)"
    assert T.default(32, rotate_degrees=5).name == "jitter(2), scale(0.05), rotate(5), jitter(1)"
    assert T.default(128).name.startswith("jitter(8)")
    assert T.default(28, jitter_px=0, scale_amount=0, rotate_degrees=0).name == "none"


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
    assert T.to_planes(x).shape == (3, 10, 10, 4)
    # the axis reversal is its own inverse: planes back to NHWC is to_planes again
    np.testing.assert_array_equal(T.to_planes(T.to_planes(x)).numpy(), x.numpy())


def test_shared_warp_is_bilinear_for_axis_aligned_maps():
    x = images()
    pipe = T.compose([T.jitter(2), T.scale(0.2), T.jitter(1)])
    for stage in (pipe.plan(6, 10, 10, [3, 4])[0].at(k) for k in range(6)):
        np.testing.assert_allclose(pipe(x, [0, 0], [stage]).numpy(), reference(x, stage), atol=1e-5)


def test_shared_warp_rotation_close_to_bilinear():
    x = smooth_images()
    pipe = T.compose([T.rotate(5), T.scale(0.05), T.jitter(2)])
    for stage in (pipe.plan(6, 12, 10, [5, 6])[0].at(k) for k in range(6)):
        got, want = pipe(x, [0, 0], [stage]).numpy(), reference(x, stage)
        diff = np.abs(got - want)
        # inside, the two passes and bilinear agree to well under one 8-bit grey level;
        # at the reflected border they read the mirror image along slightly different
        # lines, and on this small image the border is half the pixels
        assert diff[:, 3:-3, 3:-3].max() < 0.25 / 255 and diff.mean() < 1 / 255
        assert np.abs(got - x.numpy()).max() > 0.02  # while the move itself is visible


def test_separable_only_without_rotation_or_pad():
    assert T.default(32).separable
    assert not T.default(32, rotate_degrees=5).separable
    assert not T.compose([T.pad(2), T.jitter(1)]).separable
    with pytest.raises(ValueError, match="use plan"):
        T.default(32, rotate_degrees=5).axis_plan(2, 32, 32, [0, 0])


def test_axis_plan_is_the_plans_bilinear_warp():
    x = images()
    pipe = T.compose([T.jitter(2), T.scale(0.2), T.jitter(1)])
    stages = pipe.plan(6, 10, 10, [3, 4])[0]
    moves = pipe.axis_plan(6, 10, 10, [3, 4])  # the same seed draws the same moves
    for k in range(6):
        hy, hx = moves.at(tf.constant(k))
        got = tf.einsum("yY,bYXc,xX->byxc", hy, x, hx).numpy()
        np.testing.assert_allclose(got, reference(x, stages.at(k)), atol=1e-5)


def test_precomputed_coordinates_equal_the_in_graph_ones(monkeypatch):
    x = images()
    pipe = T.default(10, rotate_degrees=5)
    stored = pipe.plan(4, 10, 10, [7, 8])[0]
    monkeypatch.setattr(T, "COORDS_BUDGET", 0)  # over budget: each step computes its own
    computed = pipe.plan(4, 10, 10, [7, 8])[0]
    assert stored.ys is not None and computed.ys is None
    for k in range(4):
        a = pipe(x, [0, 0], [stored.at(k)]).numpy()
        np.testing.assert_allclose(a, pipe(x, [0, 0], [computed.at(k)]).numpy(), atol=1e-6)


def test_shared_warp_gradient_is_the_adjoint():
    x = smooth_images()
    stage = T.default(12).plan(3, 12, 10, [1, 1])[0].at(2)
    y = tf.constant(np.random.default_rng(2).random(x.shape).astype("float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(T._warp_shared(x, stage) * y)
    g = tape.gradient(loss, x).numpy()
    # <warp(x), y> is linear in x: its gradient at any x gives the same inner products
    e = np.zeros(x.shape, "float32")
    e[1, 4, 5, 0] = 1.0
    direct = float(tf.reduce_sum(T._warp_shared(tf.constant(e), stage) * y))
    assert abs(direct - g[1, 4, 5, 0]) < 1e-5
