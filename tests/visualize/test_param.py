import numpy as np
import pytest

from interpret.core.errors import UserError
from interpret.visualize import param


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


@pytest.mark.parametrize("n", [1, 4, 7, 12])
def test_real_basis_is_the_fourier_basis(n):
    basis, freqs = param.real_basis(n)
    assert basis.shape == (n, n)
    np.testing.assert_allclose(basis.T @ basis, n * np.eye(n), atol=1e-4)  # orthogonal
    spectrum = np.abs(np.fft.rfft(basis, axis=0))  # each column: one frequency only
    for col, f in enumerate(freqs):
        assert np.argmax(spectrum[:, col]) == round(f * n)
        np.testing.assert_allclose(np.delete(spectrum[:, col], round(f * n)), 0, atol=1e-4)


def one_coefficient(p, c, kx, ky):
    from interpret._tf import tf

    v = np.zeros(p.var.shape, "float32")
    v[c, kx, ky, 0] = 1.0
    p.var.assign(tf.constant(v))
    return p.logits().numpy()[0]


def test_fourier_spectrum_falls_as_one_over_frequency():
    h, w = 12, 16
    p = param.make("fourier", 1, (h, w), 1, seed=0)
    _, fy = param.real_basis(h)
    _, fx = param.real_basis(w)
    norms = {}
    for kx, ky in [(1, 0), (3, 0), (0, 5), (5, 3), (7, 9)]:
        z = one_coefficient(p, 0, kx, ky)[..., 0]
        peak = np.unravel_index(np.argmax(np.abs(np.fft.rfft2(z))), (h, w // 2 + 1))
        assert (min(peak[0], h - peak[0]), peak[1]) == (round(fy[ky] * h), round(fx[kx] * w))
        norms[np.hypot(fy[ky], fx[kx])] = np.sqrt(np.mean(z**2))
    f = np.array(list(norms))
    np.testing.assert_allclose(np.array(list(norms.values())) * f, norms[f[0]] * f[0], rtol=1e-4)


def test_colour_decorrelation_mixes_one_coefficient_into_every_channel():
    p = param.make("fourier", 1, (6, 6), 3, seed=0)
    z = one_coefficient(p, 0, 1, 2)
    z = z.reshape(-1, 3)[np.abs(z[..., 0]).reshape(-1) > 1e-3]  # pixels the wave reaches
    want = param.COLOR_CORRELATION[:, 0] / param.COLOR_CORRELATION[0, 0]
    np.testing.assert_allclose(z / z[:, :1], np.tile(want, (len(z), 1)), rtol=1e-3)


def test_resampling_folds_into_the_synthesis():
    from interpret._fast import resample
    from interpret._tf import tf
    from interpret.visualize import transforms as T

    h, w = 9, 12
    p = param.make("fourier", 2, (h, w), 3, seed=1, sd=0.5)
    pipe = T.compose([T.jitter(2), T.scale(0.2)])
    hy, hx = resample.axis_plan(pipe, 3, h, w, [1, 2]).at(tf.constant(1))
    want = tf.einsum("yY,bYXc,xX->byxc", hy, p.logits(), hx)
    np.testing.assert_allclose(p.logits(hy, hx).numpy(), want.numpy(), atol=1e-5)


@pytest.mark.parametrize(
    "kind, channels, message",
    [("wavelet", 3, "unknown parameterization"), ("pixel", 4, "4 channels")],
)
def test_bad_input(kind, channels, message):
    with pytest.raises(UserError, match=message):
        param.make(kind, 1, (4, 4), channels)


def test_shared_fourier_neighbours_share_their_coarse_structure():
    from interpret._tf import tf

    p = param.SharedFourier(5, (16, 16), 3, seed=0, sd=0.5)
    anchors = sum(n for n, _ in param.SharedFourier.LEVELS)
    assert len(p.variables) == 2 and p.variables[1].shape[-1] == anchors
    p.var.assign(tf.zeros_like(p.var))  # only the shared parts left
    x = p.logits().numpy()
    steps = [np.abs(x[i + 1] - x[i]).mean() for i in range(4)]
    assert max(steps) < np.abs(x[4] - x[0]).mean()  # a smooth morph along the batch
    # the shared parts hold low frequencies only: the image has no energy above the cutoff
    spec = np.abs(np.fft.fft2(x[0, :, :, 0]))
    f = np.fft.fftfreq(16)
    high = np.sqrt(f[:, None] ** 2 + f[None, :] ** 2) > 0.25 + 1e-6
    assert spec[high].max() < 1e-4 * spec.max()
    assert p.describe()["shared_levels"][0] == [1, 0.25]


def test_maco_keeps_its_magnitude_whatever_the_phase():
    mag = param.natural_spectrum(1, (16, 16))
    a = param.Maco(1, (16, 16), 1, seed=0)
    b = param.Maco(1, (16, 16), 1, seed=1)
    spectra = [np.abs(np.fft.rfft2(p.logits().numpy()[0, :, :, 0])) for p in (a, b)]
    inner = (slice(None), slice(1, 8))  # columns whose conjugate twins irfft2 does not fold in
    ratio = [s[inner] / mag[0][inner] for s in spectra]
    for r in ratio:
        np.testing.assert_allclose(r, r.mean(), rtol=1e-3)  # the magnitude, up to the contrast
    assert not np.allclose(a.logits().numpy(), b.logits().numpy())  # only the phase differs
    with pytest.raises(ValueError, match="magnitude must be"):
        param.Maco(1, (16, 16), 1, magnitude=np.ones((1, 16, 16)))


def test_maco_alpha_records_where_the_gradient_went():
    from interpret._tf import tf

    p = param.make("maco", 2, (12, 12), 3, seed=0)
    assert p.describe()["param"] == "maco" and p.alpha().max() == 0
    x = p.image()
    assert (
        x.shape == (2, 12, 12, 3) and 0 <= float(tf.reduce_min(x)) <= float(tf.reduce_max(x)) <= 1
    )
    with tf.GradientTape() as tape:
        value = tf.reduce_sum(p.image()[:, :4, :4])  # only the top-left corner matters
    assert tape.gradient(value, p.variables)[0] is not None
    alpha = p.alpha()
    assert alpha.shape == (2, 12, 12) and alpha.max() <= 1
    assert alpha[:, :4, :4].min() > 0 and alpha[:, 4:, :].max() == 0


def test_spectrum_of_images():
    flat = np.full((3, 8, 8, 3), 0.5, "float32")
    assert np.abs(param.spectrum(flat, (8, 8))).max() < 1e-5  # centred: nothing left
    stripes = np.tile((np.arange(8) % 2).astype("float32")[None, None, :, None], (2, 8, 1, 1))
    s = param.spectrum(stripes, (8, 8), decorrelate=False)
    assert s.shape == (1, 8, 5) and s[0, 0, 4] == s.max()  # all at the Nyquist column
    assert param.spectrum(stripes, (16, 16), decorrelate=False).shape == (1, 16, 9)
