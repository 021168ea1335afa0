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
    >>> from interpret.visualize.param import make
    >>> p = make("fourier", batch=4, size=(32, 32), channels=3, seed=0)
    >>> p.image().shape
    TensorShape([4, 32, 32, 3])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from interpret._fast.fixed_matmul import fixed_matmul
from interpret.core.errors import UserError

KINDS = ("fourier", "pixel")

# lucid's colour correlation square root (ImageNet statistics), normalised
COLOR_CORRELATION_SVD_SQRT = np.asarray(
    [[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]], "float32"
)
COLOR_CORRELATION = COLOR_CORRELATION_SVD_SQRT / np.max(
    np.linalg.norm(COLOR_CORRELATION_SVD_SQRT, axis=0)
)


def real_basis(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The real Fourier basis of length-``n`` signals: (n, n) columns and their frequencies.

    Columns are the constant, then ``cos`` and ``sin`` of each frequency 1, 2, ...
    up to n/2 (the Nyquist frequency of an even ``n`` has a cosine only), each
    scaled to unit root-mean-square, so the columns are orthogonal with squared
    norm ``n``. ``freqs`` is each column's frequency in cycles per pixel.

    Example:
        >>> basis, freqs = real_basis(4)
        >>> np.allclose(basis.T @ basis, 4 * np.eye(4)), freqs.tolist()
        (True, [0.0, 0.25, 0.25, 0.5])
    """
    k = np.arange(n)
    columns, freqs = [np.ones(n)], [0.0]
    for f in range(1, n // 2 + 1):
        wave = 2 * np.pi * f * k / n
        if 2 * f == n:
            columns.append(np.cos(wave))
            freqs.append(f / n)
        else:
            columns += [np.sqrt(2) * np.cos(wave), np.sqrt(2) * np.sin(wave)]
            freqs += [f / n, f / n]
    return np.stack(columns, axis=1).astype("float32"), np.asarray(freqs, "float32")


class Param:
    """Trainable variables plus the map to [0, 1] images; build with :func:`make`.

    Example:
        >>> p = make("pixel", batch=2, size=(8, 8), channels=1, seed=0)
        >>> float(p.image().numpy().min()) >= 0.0
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
            basis_y, fy = real_basis(h)
            basis_x, fx = real_basis(w)
            freq = np.sqrt(fx[:, None] ** 2 + fy[None, :] ** 2)  # (Kx, Ky)
            # each coefficient's amplitude: 1/frequency (floored at the lowest one), and
            # the size a coefficient of numpy's irfft2 spectrum has on these
            # unit-RMS waves (lucid's recipe, which divides the image by 4)
            amp = 1.0 / np.maximum(freq, 1.0 / max(h, w)) ** self.decay_power
            amp = amp / (2 * np.sqrt(2) * np.sqrt(h * w))
            self._amp = tf.constant(amp[:, :, None].astype("float32"))  # (Kx, Ky, 1)
            self._basis_y_t = tf.constant(basis_y.T.copy())  # (Ky, H)
            self._basis_x = tf.constant(basis_x)  # (W, Kx)
            mix = COLOR_CORRELATION.T if self.decorrelate else np.eye(channels)
            self._mix = tf.constant(mix.astype("float32"))  # (C, C): colour in, colour out
            self._left = self._left_factor(self._basis_y_t)
            self._right = self._right_factor(self._basis_x)
            # stored as (C, Kx, Ky, B): every product below reads it in place
            init = (rng.standard_normal((channels, w, h, batch)) * sd).astype("float32")
        else:
            init = (rng.standard_normal((batch, h, w, channels)) * sd).astype("float32")
        self.var = tf.Variable(init, trainable=True, name=f"{kind}_param")

    @property
    def variables(self) -> list[Any]:
        """The tensors the optimiser updates.

        Example:
            >>> len(make("pixel", 1, (4, 4), 3, 0).variables)
            1
        """
        return [self.var]

    def _left_factor(self, basis_y_t: Any) -> Any:
        """(Kx, Ky, H): the synthesis along y with each coefficient's amplitude."""
        return basis_y_t[None] * self._amp

    def _right_factor(self, basis_x: Any) -> Any:
        """(C*Kx, W*C): the synthesis along x with the colour mix, NHWC-ordered columns."""
        from interpret._tf import tf

        c, kx = self.channels, int(basis_x.shape[1])
        w = int(basis_x.shape[0])
        r = self._mix[:, None, None, :] * tf.transpose(basis_x)[None, :, :, None]
        return tf.reshape(r, (c * kx, w * c))

    def logits(self, resample_y: Any = None, resample_x: Any = None) -> Any:
        """The images before the sigmoid, (batch, H, W, C); optionally resampled.

        ``resample_y`` (H, H) and ``resample_x`` (W, W) are interpolation matrices
        (rows: output pixels, columns: the pixels they read) applied along each
        axis, folded into the Fourier synthesis so that moving the images costs
        two tiny matrix products instead of a pass over the batch.

        Example:
            >>> make("fourier", 2, (8, 6), 3, 0).logits().shape
            TensorShape([2, 8, 6, 3])
        """
        from interpret._tf import tf

        if self.kind != "fourier":
            t = self.var
            if resample_y is not None or resample_x is not None:
                raise ValueError("only the Fourier parameterization folds in resampling")
            return tf.einsum("bhwc,cd->bhwd", t, self._color) if self.decorrelate else t
        h, w = self.size
        c, b = self.channels, self.batch
        left, right = self._left, self._right
        if resample_y is not None:
            left = self._left_factor(tf.matmul(self._basis_y_t, resample_y, transpose_b=True))
        if resample_x is not None:
            right = self._right_factor(tf.matmul(resample_x, self._basis_x))
        # along y: per colour and x-frequency, (B, Ky) @ (Ky, H); then along x, colour
        # mixed in, one (B*H, C*Kx) @ (C*Kx, W*C) product that lands in NHWC order
        u = fixed_matmul(left, self.var, transpose_x=True)  # (C, Kx, B, H)
        out = fixed_matmul(right, tf.reshape(u, (c * w, b * h)), transpose_x=True)
        return tf.reshape(out, (b, h, w, c))

    def image(self) -> Any:
        """The current images, float32 [0, 1], shape (batch, H, W, C).

        Example:
            >>> make("fourier", 1, (8, 8), 3, 0).image().shape
            TensorShape([1, 8, 8, 3])
        """
        from interpret._tf import tf

        return tf.sigmoid(self.logits())

    def describe(self) -> dict:
        """The parameterization's settings for the sidecar.

        Example:
            >>> make("pixel", 1, (4, 4), 1, 0).describe()["param"]
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
        >>> p = make("fourier", batch=64, size=(32, 32), channels=3, seed=1)
        >>> p.image().shape, [tuple(v.shape) for v in p.variables]
        (TensorShape([64, 32, 32, 3]), [(3, 32, 32, 64)])
    """
    if kind not in KINDS:
        raise UserError(f"unknown parameterization {kind!r}; choose one of: {', '.join(KINDS)}")
    if channels not in (1, 3):
        raise UserError(
            f"images with {channels} channels are not supported; need 1 (grey) or 3 (RGB)"
        )
    return Param(kind, batch, size, channels, seed, sd, decorrelate, decay_power)
