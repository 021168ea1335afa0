import numpy as np

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


def test_draw_gives_one_map_per_step_for_each_run_of_affine_moves():
    pipe = T.compose([T.jitter(2), T.pad(3), T.scale(0.1), T.rotate(5)])
    runs = pipe.draw(4, 10, 10, [0, 0])
    assert [(tuple(m.shape), h, w) for m, h, w in runs] == [((4, 8), 10, 10), ((4, 8), 16, 16)]


def test_separable_only_without_rotation_or_pad():
    assert T.default(32).separable
    assert not T.default(32, rotate_degrees=5).separable
    assert not T.compose([T.pad(2), T.jitter(1)]).separable
