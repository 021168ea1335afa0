"""Differentiable random transforms applied to the images inside the graph, every step.

Each transform takes a batch of images and a stateless seed (a ``[2]`` int
tensor that the render loop derives from the run's seed and the step number), so
a run is reproducible and nothing is written into the pixels: the parameterized
image stays untouched and only the model sees the moved copy. Robustness to
these small moves is what keeps the optimiser from exploiting single pixels.

Transforms are plain values composed as a list (lucid's style). Consecutive
geometric ones (:func:`jitter`, :func:`scale`, :func:`rotate`) are fused into one
affine resampling per step; :func:`pad` adds a border that the later ones can move
into, and the render loop crops back to the canvas at the end. A render moves its
images by the same draws through a faster route (:meth:`Pipeline.mover`,
:mod:`interpret._fast.resample`).

Example:
    >>> from interpret.visualize import transforms as T
    >>> pipeline = T.compose([T.pad(2), T.jitter(2), T.scale(0.05), T.rotate(5), T.jitter(1)])
    >>> pipeline.name
    'pad(2), jitter(2), scale(0.05), rotate(5), jitter(1)'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


class Transform:
    """One transform: either an affine map drawn per image, or a plain function.

    Example:
        >>> jitter(3).name
        'jitter(3)'
    """

    affine = False
    separable = False  # an affine map that moves and scales each axis on its own
    grow = 0  # pixels added on each side

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name

    def matrix(self, batch: Any, seed: Any, h: Any, w: Any) -> Any:  # pragma: no cover
        """(B, 3, 3) map from output to input pixel coordinates (affine transforms)."""
        raise NotImplementedError

    def apply(self, images: Any, seed: Any) -> Any:
        """Transform a batch of images (NHWC)."""
        return _warp(images, self.matrix(_batch(images), seed, *_hw(images)))


def _batch(images: Any) -> Any:
    from interpret._tf import tf

    return tf.shape(images)[0]


def _hw(images: Any) -> tuple[Any, Any]:
    from interpret._tf import tf

    s = tf.shape(images)
    return tf.cast(s[1], tf.float32), tf.cast(s[2], tf.float32)


def _about_centre(m: Any, h: Any, w: Any) -> Any:
    """Conjugate (B,3,3) maps by a shift so they act about the image centre."""
    from interpret._tf import tf

    cy, cx = (h - 1.0) / 2.0, (w - 1.0) / 2.0
    shift = tf.convert_to_tensor([[1.0, 0.0, cx], [0.0, 1.0, cy], [0.0, 0.0, 1.0]])
    back = tf.convert_to_tensor([[1.0, 0.0, -cx], [0.0, 1.0, -cy], [0.0, 0.0, 1.0]])
    return shift[None] @ m @ back[None]


def _flat(m: Any) -> Any:
    """(B, 3, 3) maps -> the (B, 8) rows ImageProjectiveTransformV3 takes."""
    from interpret._tf import tf

    m = m / m[:, 2:3, 2:3]
    return tf.reshape(m, (-1, 9))[:, :8]


def _warp(images: Any, m: Any, flat: Any = None) -> Any:
    from interpret._tf import tf

    flat = _flat(m) if flat is None else flat
    s = tf.shape(images)
    return tf.raw_ops.ImageProjectiveTransformV3(
        images=images,
        transforms=flat,
        output_shape=s[1:3],
        fill_value=0.0,
        interpolation="BILINEAR",
        fill_mode="REFLECT",
    )


def _maps(batch: Any, top_rows: Any) -> Any:
    """(B, 3, 3) affine maps from ``top_rows(ones, zeros)``: their six upper entries, per image."""
    from interpret._tf import tf

    one, zero = tf.ones([batch]), tf.zeros([batch])
    rows = [*top_rows(one, zero), zero, zero, one]
    return tf.reshape(tf.stack(rows, axis=1), (-1, 3, 3))


class _Jitter(Transform):
    affine = True
    separable = True

    def __init__(self, d: int):
        super().__init__(f"jitter({d})")
        self.d = int(d)

    def matrix(self, batch, seed, h, w):
        from interpret._tf import tf

        t = tf.random.stateless_uniform(
            tf.stack([batch, 2]), seed, minval=-self.d, maxval=self.d + 1, dtype=tf.int32
        )
        t = tf.cast(t, tf.float32)
        return _maps(batch, lambda one, zero: [one, zero, t[:, 1], zero, one, t[:, 0]])


class _Scale(Transform):
    affine = True
    separable = True

    def __init__(self, amount: float):
        super().__init__(f"scale({amount:g})")
        self.amount = float(amount)

    def matrix(self, batch, seed, h, w):
        from interpret._tf import tf

        s = tf.random.stateless_uniform(
            tf.reshape(batch, [1]), seed, 1.0 - self.amount, 1.0 + self.amount
        )
        m = _maps(batch, lambda one, zero: [1.0 / s, zero, zero, zero, 1.0 / s, zero])
        return _about_centre(m, h, w)


class _Rotate(Transform):
    affine = True

    def __init__(self, degrees: float):
        super().__init__(f"rotate({degrees:g})")
        self.degrees = float(degrees)

    def matrix(self, batch, seed, h, w):
        from interpret._tf import tf

        a = tf.random.stateless_uniform(
            tf.reshape(batch, [1]), seed, -self.degrees, self.degrees
        ) * (math.pi / 180.0)
        c, s = tf.cos(a), tf.sin(a)
        return _about_centre(_maps(batch, lambda one, zero: [c, -s, zero, s, c, zero]), h, w)


class _Pad(Transform):
    def __init__(self, p: int, value: float):
        super().__init__(f"pad({p})" if value == 0.5 else f"pad({p}, value={value:g})")
        self.p, self.value = int(p), float(value)
        self.grow = self.p

    def apply(self, images, seed):
        from interpret._tf import tf

        p = self.p
        return tf.pad(images, [[0, 0], [p, p], [p, p], [0, 0]], constant_values=self.value)


def jitter(d: int) -> Transform:
    """Move each image by a random whole number of pixels in [-d, d] on both axes.

    Example:
        >>> jitter(2).name
        'jitter(2)'
    """
    return _Jitter(d)


def scale(amount: float) -> Transform:
    """Zoom each image about its centre by a random factor in [1 - amount, 1 + amount].

    Example:
        >>> scale(0.1).name
        'scale(0.1)'
    """
    return _Scale(amount)


def rotate(degrees: float) -> Transform:
    """Rotate each image about its centre by a random angle in [-degrees, degrees].

    Example:
        >>> rotate(10).name
        'rotate(10)'
    """
    return _Rotate(degrees)


def pad(p: int, value: float = 0.5) -> Transform:
    """Surround the images with ``p`` pixels of a constant (grey by default).

    Example:
        >>> pad(4).name
        'pad(4)'
    """
    return _Pad(p, value)


class Pipeline:
    """Transforms applied in order; runs of affine ones become one resampling.

    Example:
        >>> compose([jitter(1)]).name
        'jitter(1)'
    """

    def __init__(self, transforms: Sequence[Transform]):
        self.transforms = list(transforms)
        self.name = ", ".join(t.name for t in self.transforms) or "none"

    def __call__(self, images: Any, seed: Any) -> Any:
        """Transform ``images``: every image gets its own random moves, drawn from ``seed``.

        Example:
            >>> compose([jitter(1), scale(0.1)])(tf.zeros((2, 8, 8, 3)), [0, 1]).shape
            TensorShape([2, 8, 8, 3])
        """
        from interpret._tf import tf

        seed = tf.cast(tf.convert_to_tensor(seed), tf.int32)
        pending = None
        for k, t in enumerate(self.transforms):
            sub = tf.random.experimental.stateless_fold_in(seed, k)
            if t.affine:
                m = t.matrix(_batch(images), sub, *_hw(images))
                pending = m if pending is None else pending @ m  # output -> input maps
                continue
            if pending is not None:
                images, pending = _warp(images, pending), None
            images = t.apply(images, sub)
        if pending is not None:
            images = _warp(images, pending)
        return images

    def mover(self, param: Any, steps: int, size: tuple[int, int], seed: Any) -> Any:
        """``moved(step)``: ``param``'s images moved by this pipeline at each step of a render.

        The same moves as :meth:`__call__` would draw, by the fast route of
        :class:`interpret._fast.resample.Moves` (drawn ahead, shared by the batch,
        folded into a Fourier synthesis where the moves allow).

        Example:
            >>> from interpret.visualize import param
            >>> p = param.make("pixel", batch=1, size=(8, 8), channels=1, seed=0)
            >>> default(8).mover(p, 2, (8, 8), [0, 0])(tf.constant(1), p.image()).shape
            TensorShape([1, 8, 8, 1])
        """
        from interpret._fast.resample import Moves

        return Moves(self, param, steps, size, seed)

    @property
    def separable(self) -> bool:
        """True when the pipeline only moves and scales each axis (no rotation, no pad).

        Such a pipeline's maps resample y and x independently, so a Fourier
        image can fold them into its synthesis (:meth:`Param.logits <interpret.visualize.param.Param.logits>`).

        Example:
            >>> default(32).separable, default(32, rotate_degrees=5).separable
            (True, False)
        """
        return bool(self.transforms) and all(t.separable for t in self.transforms)

    def draw(self, steps: int, h: int, w: int, seed: Any) -> list[tuple[Any, int, int]]:
        """Every step's composed maps, one (steps, 8) stack per run of affine transforms.

        Returns ``(maps, h, w)`` per run: the maps and the size of the images they
        move (a pad before them makes those larger). The renders' fast route
        (:mod:`interpret._fast.resample`) plans its moves from these draws.

        Example:
            >>> [m.shape for m, h, w in default(32).draw(4, 32, 32, [0, 0])]
            [TensorShape([4, 8])]
        """
        from interpret._tf import tf

        seed = tf.cast(tf.convert_to_tensor(seed), tf.int32)
        n = int(steps)
        runs, pending = [], None
        for k, t in enumerate(self.transforms):
            sub = tf.random.experimental.stateless_fold_in(seed, k)
            if t.affine:
                m = t.matrix(n, sub, float(h), float(w))
                pending = m if pending is None else pending @ m
                continue
            if pending is not None:
                runs.append((_flat(pending), h, w))
                pending = None
            h, w = h + 2 * t.grow, w + 2 * t.grow
        if pending is not None:
            runs.append((_flat(pending), h, w))
        return runs


def compose(transforms: Sequence[Transform]) -> Pipeline:
    """Chain transforms into one callable ``pipeline(images, seed)``.

    Example:
        >>> compose([pad(4), jitter(4), rotate(5)]).name
        'pad(4), jitter(4), rotate(5)'
    """
    return Pipeline(transforms)


def default(
    size: int, jitter_px: int | None = None, scale_amount: float = 0.05, rotate_degrees: float = 0.0
) -> Pipeline:
    """The prior used by ``interpret maximize`` for a canvas of ``size`` pixels.

    Jitter grows with the canvas (size / 16, at least 1 pixel), lucid's recipe
    shrunk to small images: jitter, scale, (rotate,) then a finer jitter. Rotation
    is off by default: without it the moves keep the axes apart
    (:attr:`Pipeline.separable`), so a Fourier image folds them into its synthesis,
    and on cifar10-cnn the renders beat the best test image as often without it
    (``benchmarks/maximize_quality.py``).

    Example:
        >>> default(32).name
        'jitter(2), scale(0.05), jitter(1)'
        >>> default(32, rotate_degrees=5).name
        'jitter(2), scale(0.05), rotate(5), jitter(1)'
    """
    j = max(1, round(size / 16)) if jitter_px is None else int(jitter_px)
    steps: list[Transform] = []
    if j > 0:
        steps.append(jitter(j))
    if scale_amount > 0:
        steps.append(scale(scale_amount))
    if rotate_degrees > 0:
        steps.append(rotate(rotate_degrees))
    if j > 1:
        steps.append(jitter(max(1, j // 2)))
    return Pipeline(steps)


def center_crop(images: Any, h: int, w: int) -> Any:
    """Crop the centre ``h`` x ``w`` of a batch (no-op when it already has that size).

    Example:
        >>> from interpret._tf import tf
        >>> center_crop(tf.zeros((1, 40, 40, 3)), 32, 32).shape
        TensorShape([1, 32, 32, 3])
    """
    H, W = images.shape[1], images.shape[2]
    if H == h and W == w:
        return images
    from interpret._tf import tf

    s = tf.shape(images)
    oy, ox = (s[1] - h) // 2, (s[2] - w) // 2
    return images[:, oy : oy + h, ox : ox + w, :]
