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
from interpret.fixed_matmul import fixed_matmul
from interpret.transforms import from_planes, to_planes

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
            self._scale = np.concatenate([scale, scale])  # (2H, Wf), for spectrum()
            # stored as (C, Wf, 2H, B): the inverse DFT along y is one batched matmul
            # over the colours and x-frequencies, with the 1/f scale folded into it
            init = init.transpose(1, 3, 2, 0)
            cy, sy, cx, sx = irfft2d_matrices(h, w)
            my = np.block([[cy, -sy], [sy, cy]])  # rows (re|im, y), cols (re|im, ky)
            self._my = tf.constant(my[None] * self._scale.T[:, None, :])  # (Wf, 2H, 2H)
            # along x: one (C*W, C*2*Wf) matrix, columns (colour, kx, re|im), with the
            # colour mix and the /4 folded in
            kx = np.stack([cx.T, sx.T], axis=2).reshape(w, 2 * wf) / 4.0
            color = COLOR_CORRELATION if self.decorrelate else np.eye(channels, dtype="float32")
            self._kx = tf.constant(np.kron(color, kx).astype("float32"))
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

    def planes(self) -> Any:
        """The current images channel-major: shape (C, W, H, batch), float32 in [0, 1].

        This is the layout the Fourier kind computes natively and the one the
        shared-map resampling works in (:func:`interpret.transforms.warp_planes`);
        :func:`interpret.transforms.from_planes` turns it into NHWC.

        Example:
            >>> make("fourier", 2, (8, 8), 3, 0).planes().shape  # doctest: +SKIP
            TensorShape([3, 8, 8, 2])
        """
        from interpret._tf import tf

        h, w = self.size
        c, b = self.channels, self.batch
        if self.kind != "fourier":
            return to_planes(self.image())
        # irfft2d of the scaled spectrum as matmuls (see irfft2d_matrices): along y a
        # batched (2H, 2H) @ (2H, B) product per colour and x-frequency giving real
        # and imaginary rows, then along x (colour mix included) one
        # (C*W, C*2*Wf) @ (C*2*Wf, H*B) product
        ri = tf.reshape(fixed_matmul(self._my, self.var), (-1, h * b))  # rows (c, kx, re|im)
        return tf.sigmoid(tf.reshape(fixed_matmul(self._kx, ri), (c, w, h, b)))

    def image(self) -> Any:
        """The current images, float32 [0, 1], shape (batch, H, W, C).

        Example:
            >>> make("fourier", 1, (8, 8), 3, 0).image().shape  # doctest: +SKIP
            TensorShape([1, 8, 8, 3])
        """
        from interpret._tf import tf

        if self.kind == "fourier":
            return from_planes(self.planes())
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

        v = self.var * tf.constant(self._scale.T[None, :, :, None])  # (C, Wf, 2H, B)
        return tf.transpose(v, (3, 0, 2, 1))

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
