import numpy as np
import pytest

from interpret import param
from interpret.errors import UserError


@pytest.mark.parametrize("kind", ["fourier", "pixel"])
@pytest.mark.parametrize("channels", [1, 3])
def test_images_in_range_and_seeded(kind, channels):
    a = param.make(kind, 2, (9, 12), channels, seed=3).image().numpy()
    b = param.make(kind, 2, (9, 12), channels, seed=3).image().numpy()
    c = param.make(kind, 2, (9, 12), channels, seed=4).image().numpy()
    assert a.shape == (2, 9, 12, channels)
    assert a.min() >= 0 and a.max() <= 1
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert abs(a.mean() - 0.5) < 0.05  # a nearly grey start


def test_decorrelation_only_for_rgb():
    assert param.make("fourier", 1, (4, 4), 3).describe()["decorrelate"]
    assert not param.make("fourier", 1, (4, 4), 1).describe()["decorrelate"]
    assert not param.make("pixel", 1, (4, 4), 3, decorrelate=False).describe()["decorrelate"]


def test_fourier_is_differentiable_in_its_variables():
    from interpret._tf import tf

    p = param.make("fourier", 1, (8, 8), 3, seed=0)
    with tf.GradientTape() as tape:
        v = tf.reduce_sum(p.image()[..., 0])
    g = tape.gradient(v, p.variables)[0]
    assert g is not None and float(tf.reduce_max(tf.abs(g))) > 0


@pytest.mark.parametrize("h, w, decorrelate", [(8, 8, False), (9, 12, False), (7, 5, True)])
def test_fourier_matmuls_equal_irfft2d(h, w, decorrelate):
    from interpret._tf import tf

    p = param.make("fourier", 2, (h, w), 3, seed=1, sd=0.5, decorrelate=decorrelate)
    v = p.spectrum()  # real parts over imaginary parts along axis 2
    spectrum = tf.complex(v[:, :, :h], v[:, :, h:])
    want = tf.transpose(tf.signal.irfft2d(spectrum, fft_length=[h, w]), (0, 2, 3, 1)) / 4.0
    if decorrelate:
        want = tf.einsum("bhwc,cd->bhwd", want, param.COLOR_CORRELATION.T)
    got = -tf.math.log(1.0 / p.image() - 1.0)  # undo the sigmoid
    np.testing.assert_allclose(got.numpy(), want.numpy(), atol=2e-4)


@pytest.mark.parametrize(
    "kind, channels, message",
    [("wavelet", 3, "unknown parameterization"), ("pixel", 4, "4 channels")],
)
def test_bad_input(kind, channels, message):
    with pytest.raises(UserError, match=message):
        param.make(kind, 1, (4, 4), channels)
