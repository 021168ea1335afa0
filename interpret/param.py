"""How the image is stored while it is optimised: pixels or a decorrelated Fourier spectrum.

A parameterization owns trainable variables and maps them to a batch of float32
images in [0, 1] (NHWC). Both kinds squash through a sigmoid, so the image never
leaves the valid range and the optimiser never fights a clip. RGB images can be
*colour-decorrelated*: the variables live in a whitened colour space (lucid's
ImageNet colour-correlation square root), so one step moves luminance and
colour independently. Grayscale images (one channel) skip that.

The Fourier parameterization stores the spectrum scaled by 1/frequency, so
every frequency learns at the same rate; this is what turns high-frequency
noise into readable patterns (Olah et al., "Feature Visualization", 2017).

Example:
    >>> from interpret.param import make
    >>> p = make("fourier", batch=4, size=(32, 32), channels=3, seed=0)  # doctest: +SKIP
    >>> p.image().shape  # doctest: +SKIP
    TensorShape([4, 32, 32, 3])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from interpret.errors import UserError

KINDS = ("fourier", "pixel")

# lucid's colour correlation square root (ImageNet statistics), normalised
COLOR_CORRELATION_SVD_SQRT = np.asarray(
    [[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]], "float32"
)
COLOR_CORRELATION = COLOR_CORRELATION_SVD_SQRT / np.max(
    np.linalg.norm(COLOR_CORRELATION_SVD_SQRT, axis=0)
)


def irfft2d_matrices(h: int, w: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Real matrices that compute ``irfft2d`` of an h x (w//2+1) spectrum as matmuls.

    ``x = (Cy @ A - Sy @ B) @ Cx + (Sy @ A + Cy @ B) @ Sx`` for a spectrum ``A + iB``
    equals ``numpy.fft.irfft2(A + iB, (h, w))``: the inverse DFT along y, then the
    real inverse DFT along x. For small images this is much faster on a CPU than
    the FFT kernels (a few tiny batched matmuls instead of many short FFTs).

    Example:
        >>> cy, sy, cx, sx = irfft2d_matrices(4, 4)
        >>> cy.shape, cx.shape
        ((4, 4), (3, 4))
    """
    ky = np.arange(h)
    ay = 2 * np.pi * np.outer(ky, ky) / h  # (y, ky)
    cy, sy = np.cos(ay) / h, np.sin(ay) / h
    wf = w // 2 + 1
    kx = np.arange(wf)
    weight = np.full(wf, 2.0)
    weight[0] = 1.0
    if w % 2 == 0:
        weight[-1] = 1.0
    ax = 2 * np.pi * np.outer(kx, np.arange(w)) / w  # (kx, x)
    cx = weight[:, None] * np.cos(ax) / w
    sx = -weight[:, None] * np.sin(ax) / w
    return tuple(m.astype("float32") for m in (cy, sy, cx, sx))  # type: ignore[return-value]


def rfft2d_freqs(h: int, w: int) -> np.ndarray:
    """Frequency magnitude of each coefficient of a real 2-D FFT of an h x w image.

    Example:
        >>> rfft2d_freqs(4, 4).shape
        (4, 3)
    """
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.rfftfreq(w)
    return np.sqrt(fx * fx + fy * fy)


class Param:
    """Trainable variables plus the map to [0, 1] images; build with :func:`make`.

    Example:
        >>> p = make("pixel", batch=2, size=(8, 8), channels=1, seed=0)  # doctest: +SKIP
        >>> float(p.image().numpy().min()) >= 0.0  # doctest: +SKIP
        True
    """

    def __init__(
        self,
        kind: str,
        batch: int,
        size: tuple[int, int],
        channels: int,
        seed: int,
        sd: float,
        decorrelate: bool,
        decay_power: float,
    ):
        from interpret._tf import tf

        self.kind = kind
        self.batch, self.size, self.channels = int(batch), (int(size[0]), int(size[1])), channels
        self.decorrelate = bool(decorrelate and channels == 3)
        self.decay_power = float(decay_power)
        self.sd = float(sd)
        rng = np.random.default_rng(seed)
        h, w = self.size
        self._color = tf.constant(COLOR_CORRELATION.T.copy())
        if kind == "fourier":
            freqs = rfft2d_freqs(h, w)
            wf = freqs.shape[1]
            # real parts stacked over imaginary parts along the y-frequency axis
            init = (rng.standard_normal((batch, channels, 2 * h, wf)) * sd).astype("float32")
            scale = 1.0 / np.maximum(freqs, 1.0 / max(h, w)) ** self.decay_power
            scale = (scale * np.sqrt(h * w)).astype("float32")
            # stored as (2H, B*C*Wf) so the inverse DFT along y is one plain matmul
            init = init.transpose(2, 0, 1, 3).reshape(2 * h, -1)
            scale2 = np.concatenate([scale, scale])[:, None, :]  # (2H, 1, Wf)
            self._scale = tf.constant(
                np.broadcast_to(scale2, (2 * h, batch * channels, wf)).reshape(2 * h, -1)
            )
            cy, sy, cx, sx = irfft2d_matrices(h, w)
            self._my_re = tf.constant(np.concatenate([cy, -sy], axis=1))  # (H, 2H)
            self._my_im = tf.constant(np.concatenate([sy, cy], axis=1))  # (H, 2H)
            # along x: real and imaginary rows, with the colour mix and the /4 folded in
            color = COLOR_CORRELATION.T if self.decorrelate else np.eye(channels, dtype="float32")
            self._kx = [
                tf.constant(
                    (np.einsum("kx,cd->ckxd", m, color) / 4.0)
                    .reshape(channels * wf, w * channels)
                    .astype("float32")
                )
                for m in (cx, sx)
            ]
        else:
            init = (rng.standard_normal((batch, h, w, channels)) * sd).astype("float32")
        self.var = tf.Variable(init, trainable=True, name=f"{kind}_param")

    @property
    def variables(self) -> list[Any]:
        """The tensors the optimiser updates.

        Example:
            >>> len(make("pixel", 1, (4, 4), 3, 0).variables)  # doctest: +SKIP
            1
        """
        return [self.var]

    def image(self) -> Any:
        """The current images, float32 [0, 1], shape (batch, H, W, C).

        Example:
            >>> make("fourier", 1, (8, 8), 3, 0).image().shape  # doctest: +SKIP
            TensorShape([1, 8, 8, 3])
        """
        from interpret._tf import tf

        h, w = self.size
        if self.kind == "fourier":
            # irfft2d of the scaled spectrum as matmuls (see irfft2d_matrices): along y
            # one (H, 2H) @ (2H, B*C*Wf) product for the real and one for the
            # imaginary part, then along x (colour mix folded in), ending in NHWC
            b, c = self.batch, self.channels
            v = self.var * self._scale
            re = tf.reshape(self._my_re @ v, (h * b, -1))  # rows (y, b), cols (c, kx)
            im = tf.reshape(self._my_im @ v, (h * b, -1))
            t = re @ self._kx[0] + im @ self._kx[1]  # (H*B, W*C)
            return tf.sigmoid(tf.transpose(tf.reshape(t, (h, b, w, c)), (1, 0, 2, 3)))
        t = self.var
        if self.decorrelate:
            t = tf.einsum("bhwc,cd->bhwd", t, self._color)
        return tf.sigmoid(t)

    def spectrum(self) -> Any:
        """Fourier kind: the scaled spectrum, (B, C, 2H, W//2+1), real parts over imaginary.

        Example:
            >>> make("fourier", 1, (8, 8), 3, 0).spectrum().shape  # doctest: +SKIP
            TensorShape([1, 3, 16, 5])
        """
        from interpret._tf import tf

        h, w = self.size
        v = tf.reshape(self.var * self._scale, (2 * h, self.batch, self.channels, -1))
        return tf.transpose(v, (1, 2, 0, 3))

    def describe(self) -> dict:
        """The parameterization's settings for the sidecar.

        Example:
            >>> make("pixel", 1, (4, 4), 1, 0).describe()["param"]  # doctest: +SKIP
            'pixel'
        """
        out = {"param": self.kind, "decorrelate": self.decorrelate, "init_sd": self.sd}
        if self.kind == "fourier":
            out["decay_power"] = self.decay_power
        return out


def make(
    kind: str,
    batch: int,
    size: tuple[int, int],
    channels: int,
    seed: int = 0,
    *,
    sd: float = 0.01,
    decorrelate: bool = True,
    decay_power: float = 1.0,
) -> Param:
    """Build a ``"fourier"`` or ``"pixel"`` parameterization of ``batch`` images.

    ``sd`` is the spread of the random start (a seeded, nearly grey image).

    Example:
        >>> p = make("fourier", batch=64, size=(32, 32), channels=3, seed=1)  # doctest: +SKIP
    """
    if kind not in KINDS:
        raise UserError(f"unknown parameterization {kind!r}; choose one of: {', '.join(KINDS)}")
    if channels not in (1, 3):
        raise UserError(
            f"images with {channels} channels are not supported; need 1 (grey) or 3 (RGB)"
        )
    return Param(kind, batch, size, channels, seed, sd, decorrelate, decay_power)
