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

import functools
from typing import Any

import numpy as np

from interpret._fast.fixed_matmul import fixed_matmul
from interpret.core.errors import UserError

KINDS = ("fourier", "pixel", "maco")

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
        seed: int = 0,
        *,
        sd: float = 0.01,
        decorrelate: bool = True,
        decay_power: float = 1.0,
    ):
        from interpret._tf import tf

        self.kind, self.seed = kind, seed
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
            self.freq = freq.astype("float32")  # (Kx, Ky), cycles per pixel
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

    def coefficients(self) -> Any:
        """What the synthesis reads: the pixels, or the (C, Kx, Ky, B) spectrum."""
        return self.var

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
            t = self.coefficients()
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
        u = fixed_matmul(left, self.coefficients(), transpose_x=True)  # (C, Kx, B, H)
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


class SharedFourier(Param):
    """A Fourier batch whose neighbours share their coarse structure: for a row that morphs.

    Each image has its own spectrum, plus low-frequency spectra shared along the
    batch: a level ``(n, cutoff)`` holds ``n`` spectra limited to frequencies up to
    ``cutoff`` cycles per pixel, blended linearly from the first image to the last.
    So neighbouring images start and stay alike in their layout, and a row of
    renders morphing from one objective to another lines up (lucid's shared
    low-resolution parameters of its channel-interpolation figure). The moves fold
    into the synthesis exactly as for ``"fourier"``.

    Example:
        >>> p = SharedFourier(4, (8, 8), 3, seed=0)
        >>> len(p.variables), p.image().shape
        (2, TensorShape([4, 8, 8, 3]))
    """

    LEVELS = ((1, 1 / 4), (1, 1 / 8), (2, 1 / 8), (1, 1 / 16), (2, 1 / 16))

    def __init__(self, *shape: Any, levels: tuple[tuple[int, float], ...] = LEVELS, **fourier: Any):
        """``shape`` and ``fourier``: a ``"fourier"`` :class:`Param`'s arguments after its kind
        (``batch, size, channels, seed``; ``sd``, ``decorrelate``, ``decay_power``)."""
        from interpret._tf import tf

        super().__init__("fourier", *shape, **fourier)
        sd, seed = self.sd, self.seed
        rng = np.random.default_rng([seed, 1])
        spectrum = tuple(self.var.shape[:3])
        self.levels = tuple((int(n), float(cut)) for n, cut in levels)
        inits, blends, masks = [], [], []
        t = np.linspace(0.0, 1.0, self.batch)
        for n, cut in self.levels:
            mask = (self.freq <= cut)[None, :, :, None]
            inits.append(rng.standard_normal((*spectrum, n)) * sd * mask)
            # (n, B): anchor weights, a linear blend across the batch (1 anchor: constant)
            anchors = np.linspace(0.0, 1.0, n) if n > 1 else np.zeros(1)
            blends.append(np.maximum(0.0, 1.0 - np.abs(t[None] - anchors[:, None]) * max(1, n - 1)))
            masks.append(np.repeat(mask, n, axis=-1))
        # every level's spectra side by side in one variable (C, Kx, Ky, all anchors): one
        # product per step blends them all (Adam is elementwise: as one variable per level)
        self.shared = tf.Variable(np.concatenate(inits, -1).astype("float32"), name="shared")
        self._blend = tf.constant(np.concatenate(blends).astype("float32"))  # (anchors, B)
        self._mask = tf.constant(np.concatenate(masks, -1).astype("float32"))  # (1, Kx, Ky, n)

    @property
    def variables(self) -> list[Any]:
        return [self.var, self.shared]

    def coefficients(self) -> Any:
        from interpret._tf import tf

        return self.var + tf.einsum("ckyn,nb->ckyb", self.shared * self._mask, self._blend)

    def describe(self) -> dict:
        return {**super().describe(), "shared_levels": [list(v) for v in self.levels]}


def make(
    kind: str,
    batch: int,
    size: tuple[int, int],
    channels: int,
    seed: int = 0,
    **options: Any,
) -> Any:
    """Build a ``"fourier"``, ``"pixel"`` or ``"maco"`` parameterization of ``batch`` images.

    ``options`` are the keyword options of the parameterization's class: for
    ``"fourier"`` and ``"pixel"`` :class:`Param`'s ``sd`` (the spread of the random
    start, a seeded, nearly grey image; default 0.01), ``decorrelate`` and
    ``decay_power``; for ``"maco"`` :class:`Maco`'s, which starts from a random phase
    under the natural-image magnitude spectrum (the Fourier-only ``sd`` and
    ``decay_power`` do not apply to it and are ignored).

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
    if kind == "maco":
        fourier_only = ("sd", "decay_power")
        return Maco(
            batch, size, channels, seed, **{k: options[k] for k in options if k not in fourier_only}
        )
    return Param(kind, batch, size, channels, seed, **options)


def _decorrelated(images: np.ndarray, decorrelate: bool) -> np.ndarray:
    """[0, 1] NHWC images, centred, in the colour space a parameterization synthesises."""
    x = np.asarray(images, "float32")
    x = x - x.mean(axis=(1, 2, 3), keepdims=True)
    if decorrelate and x.shape[-1] == 3:
        x = x @ np.linalg.inv(COLOR_CORRELATION).T  # rgb = CC @ d  ->  d = CC^-1 @ rgb
    return x


def spectrum(images: Any, size: tuple[int, int], decorrelate: bool = True) -> np.ndarray:
    """The mean Fourier magnitude of ``images`` (NHWC, [0, 1] or uint8), (C, H, W//2+1).

    Taken in the colour space a parameterization synthesises (decorrelated RGB,
    unless ``decorrelate`` is off), then resized to the ``size`` canvas's
    spectrum (the shape of a natural spectrum, 1/f-like, carries over across scales).

    Example:
        >>> spectrum(np.random.default_rng(0).random((4, 8, 8, 3)), (8, 8)).shape
        (3, 8, 5)
    """
    from interpret._tf import tf

    x = np.asarray(images)
    x = x.astype("float32") / 255.0 if x.dtype == np.uint8 else x.astype("float32")
    planes = np.moveaxis(_decorrelated(x, decorrelate), -1, 1)  # (N, C, H, W)
    mag = np.abs(np.fft.rfft2(planes)).mean(axis=0)  # (C, H, W//2+1)
    h, w = int(size[0]), int(size[1])
    if mag.shape[1:] != (h, w // 2 + 1):
        mag = tf.image.resize(np.moveaxis(mag, 0, -1), (h, w // 2 + 1)).numpy()
        mag = np.moveaxis(mag, -1, 0)
    return mag.astype("float32")


@functools.lru_cache(maxsize=8)
def natural_spectrum(channels: int, size: tuple[int, int], decorrelate: bool = True) -> np.ndarray:
    """The magnitude spectrum of natural images: the mean over the CIFAR-10 sample shipped
    with the package (500 photos; their luminance for one channel), resized to ``size``.

    Example:
        >>> natural_spectrum(1, (28, 28)).shape
        (1, 28, 15)
    """
    from interpret.data.datasets import sample

    x = sample("cifar10").x_test.astype("float32") / 255.0
    if channels == 1:
        x = x @ np.asarray([0.299, 0.587, 0.114], "float32")[:, None]
    return spectrum(x, size, decorrelate)


def _inverse_rfft2_factors(h: int, w: int, mix: np.ndarray) -> tuple[np.ndarray, ...]:
    """The four matrices of :meth:`Maco.logits`: ``irfft2d`` of a half spectrum as products.

    With the spectrum's real and imaginary parts ``a`` and ``b`` (Ky x Kx), the image is
    ``sum c_kx (a cos(ty + tx) - b sin(ty + tx)) / (H W)`` (``c_kx`` = 2 but for the
    constant and Nyquist columns, whose imaginary parts irfft2d ignores). ``left_p`` and
    ``left_q`` (2 Ky, H) take [a; b] along y to P = a cos ty - b sin ty and Q = a sin ty +
    b cos ty; ``right_p`` and ``right_q`` (C Kx, W C) take P and Q along x to
    ``P cos tx - Q sin tx``, mixing the colours. Four products and a sum, so that no
    slice or concatenation of the intermediate terms (and none of their gradients) runs.

    Example:
        >>> lp, lq, rp, rq = _inverse_rfft2_factors(4, 6, np.eye(1, dtype="float32"))
        >>> lp.shape, lq.shape, rp.shape, rq.shape
        ((8, 4), (8, 4), (4, 6), (4, 6))
    """
    ty = 2 * np.pi * np.outer(np.arange(h), np.arange(h)) / h  # (Ky, H)
    cy, sy = np.cos(ty), np.sin(ty)
    left_p, left_q = np.concatenate([cy, -sy]), np.concatenate([sy, cy])  # rows: a then b
    kx = w // 2 + 1
    weight = np.full(kx, 2.0)
    weight[0] = 1.0
    if w % 2 == 0:
        weight[-1] = 1.0
    tx = 2 * np.pi * np.outer(np.arange(kx), np.arange(w)) / w  # (Kx, W)
    c = mix.shape[0]

    def along_x(rows: np.ndarray) -> np.ndarray:  # (Kx, W) -> (C Kx, W C), colours mixed
        full = mix[:, None, None, :] * (rows / (h * w))[None, :, :, None]
        return full.reshape(c * kx, w * c).astype("float32")

    right_p, right_q = along_x(weight[:, None] * np.cos(tx)), along_x(-weight[:, None] * np.sin(tx))
    return left_p.astype("float32"), left_q.astype("float32"), right_p, right_q


def _polar(magnitude: Any, phase: Any) -> tuple[Any, Any]:
    """``magnitude * cos(phase)`` and ``magnitude * sin(phase)``, whose gradient reuses them
    (no sine or cosine computed again backward).

    Example:
        >>> a, b = _polar(np.float32(2.0), np.float32(0.0))
        >>> float(a), float(b)
        (2.0, 0.0)
    """
    from interpret._tf import tf

    @tf.custom_gradient
    def polar(angle: Any) -> Any:
        real, imag = magnitude * tf.cos(angle), magnitude * tf.sin(angle)

        def grad(d_real: Any, d_imag: Any) -> Any:
            return real * d_imag - imag * d_real

        return (real, imag), grad

    return polar(phase)


class Maco:
    """MACO (Fel et al. 2023): a fixed natural magnitude spectrum, only the phase is optimised.

    The image is the inverse real FFT of ``magnitude * exp(i * phase)`` in the
    decorrelated colour space, mixed to RGB, standardised per image so its logits
    have standard deviation ``contrast``, and squashed by a sigmoid. Every image
    therefore keeps the spectrum of natural images whatever the objective does,
    which is what keeps renders of deep layers readable. The phase is stored
    divided by ``PHASE_SCALE`` so the render's Adam learning rate means the same
    for every parameterization.

    While a render climbs, :meth:`image` records the absolute gradient that reaches
    each pixel; :meth:`alpha` is its sum over the steps, normalised per image: the
    transparency map of where the objective looks (Xplique's ``maco`` returns the
    same sum). Differences from Xplique 2.0.2: batched (one image per target); the
    phase is not re-standardised every step; the moves are the render's (none by
    default in :func:`interpret.visualize.maco.maco`) instead of 32 random crops and
    noise a step, which suit Xplique's 512-pixel canvases, not a 32-pixel input; the
    logits' spread (``contrast``) is a setting, about 1 in Xplique (whose images are
    standardised before the colour mix), 3 here (``benchmarks/canon_maco.py``).

    Example:
        >>> p = Maco(2, (8, 8), 3, seed=0)
        >>> p.image().shape, p.alpha().shape
        (TensorShape([2, 8, 8, 3]), (2, 8, 8))
    """

    kind = "maco"
    PHASE_SCALE = 4.0
    CONTRAST = 3.0  # benchmarks/canon_maco.py

    def __init__(
        self,
        batch: int,
        size: tuple[int, int],
        channels: int,
        seed: int = 0,
        *,
        magnitude: Any = None,
        decorrelate: bool = True,
        contrast: float = CONTRAST,
    ):
        from interpret._tf import tf

        self.batch, self.size, self.channels = int(batch), (int(size[0]), int(size[1])), channels
        self.decorrelate = bool(decorrelate and channels == 3)
        self.contrast = float(contrast)
        h, w = self.size
        mag = (
            natural_spectrum(channels, self.size, self.decorrelate)
            if magnitude is None
            else np.asarray(magnitude, "float32")
        )
        if mag.shape != (channels, h, w // 2 + 1):
            raise ValueError(f"magnitude must be {(channels, h, w // 2 + 1)}, got {mag.shape}")
        # stored as (Ky, C, Kx, B): the synthesis along y is then one plain matrix product
        # over all the (C, Kx, B) columns, not a batch of 51 small ones
        self.magnitude = tf.constant(mag.transpose(1, 0, 2)[..., None].copy())
        rng = np.random.default_rng(seed)
        phase = rng.uniform(-np.pi, np.pi, (self.batch, channels, h, w // 2 + 1))
        phase = (phase / self.PHASE_SCALE).transpose(2, 1, 3, 0).astype("float32")
        self.var = tf.Variable(phase, name="maco_phase")
        mix = COLOR_CORRELATION.T if self.decorrelate else np.eye(channels)
        # the image's mean over pixels and colours is the constant terms' (the DC column's
        # first row), mixed: it can move only if their mixed sum can be nonzero. Not so for
        # the natural RGB spectrum (no constant luminance; the colour-opponent channels
        # sum to 0 over RGB), so there the logits are standardised by their spread alone
        reach = np.abs(mix.sum(axis=1) * mag[:, 0, 0]).sum()
        self._centre = bool(reach > 1e-6 * np.sqrt(np.square(mag).sum()))
        factors = _inverse_rfft2_factors(h, w, mix.astype("float32"))
        self._left_p, self._left_q, self._right_p, self._right_q = map(tf.constant, factors)
        self._alpha = tf.Variable(tf.zeros((self.batch, h, w, channels)), trainable=False)

    @property
    def variables(self) -> list[Any]:
        """The phase: the only thing the optimiser changes."""
        return [self.var]

    def logits(self) -> Any:
        """The images before the sigmoid: standardised per image to std ``contrast``."""
        from interpret._tf import tf

        _, c, kx, b = self.var.shape
        h, w = self.size
        parts = tf.concat(_polar(self.magnitude, self.var * self.PHASE_SCALE), 0)
        parts = tf.reshape(parts, (2 * h, c * kx * b))  # [real; imaginary] parts, by Ky
        # the inverse real FFT as products (tf.signal.irfft2d's result, faster here): along
        # y, the real and imaginary parts to the cos and sin terms P and Q, (C Kx B, H) ...
        p = fixed_matmul(self._left_p, parts, transpose_x=True)
        q = fixed_matmul(self._left_q, parts, transpose_x=True)
        # ... then along x with the colour mix, landing in NHWC order
        out = fixed_matmul(self._right_p, tf.reshape(p, (c * kx, b * h)), transpose_x=True)
        out += fixed_matmul(self._right_q, tf.reshape(q, (c * kx, b * h)), transpose_x=True)
        x = tf.reshape(out, (b, h, w, c))
        if self._centre:
            x = x - tf.reduce_mean(x, axis=(1, 2, 3), keepdims=True)
        var = tf.reduce_mean(tf.square(x), axis=(1, 2, 3), keepdims=True)
        return x * (self.contrast * tf.math.rsqrt(var + 1e-12))

    def image(self) -> Any:
        """The current images, float32 [0, 1]; under a gradient tape, records the alpha map."""
        from interpret._tf import tf

        @tf.custom_gradient
        def record(x: Any) -> Any:
            def grad(dy: Any) -> Any:
                with tf.control_dependencies([self._alpha.assign_add(tf.abs(dy))]):
                    return tf.identity(dy)

            return tf.identity(x), grad

        return record(tf.sigmoid(self.logits()))

    def alpha(self) -> np.ndarray:
        """(B, H, W) in [0, 1]: the gradient each pixel received over the render, per image
        summed over channels and divided by its 99th percentile (then clipped).

        Example: see the class.
        """
        a = self._alpha.numpy().sum(axis=-1)
        top = np.percentile(a.reshape(len(a), -1), 99, axis=1)[:, None, None]
        return np.clip(a / np.maximum(top, 1e-12), 0.0, 1.0).astype("float32")

    def describe(self) -> dict:
        """The parameterization's settings for the sidecar."""
        return {"param": self.kind, "decorrelate": self.decorrelate, "contrast": self.contrast}
