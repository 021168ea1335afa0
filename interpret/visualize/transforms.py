"""Differentiable random transforms applied to the images inside the graph, every step.

Each transform takes a batch of images and a stateless seed (a ``[2]`` int
tensor that the render loop derives from the run's seed and the step number), so
a run is reproducible and nothing is written into the pixels: the parameterized
image stays untouched and only the model sees the moved copy. Robustness to
these small moves is what keeps the optimiser from exploiting single pixels.

Transforms are plain values composed as a list (lucid's style). Consecutive
geometric ones (:func:`jitter`, :func:`scale`, :func:`rotate`) are fused into one
affine resampling per step; :func:`pad` adds a border that the later ones can move
into, and the render loop crops back to the canvas at the end.

Example:
    >>> from interpret.visualize import transforms as T
    >>> pipeline = T.compose([T.pad(2), T.jitter(2), T.scale(0.05), T.rotate(5), T.jitter(1)])
    >>> pipeline.name
    'pad(2), jitter(2), scale(0.05), rotate(5), jitter(1)'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

from interpret._fast.fixed_matmul import fixed_matmul

# plans precompute every step's sampling coordinates up to this many floats
COORDS_BUDGET = 1 << 23


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


def _reflect(c: Any, n: int) -> Any:
    """Continuous coordinates folded into [0, n - 1] the way ``fill_mode="REFLECT"`` does."""
    from interpret._tf import tf

    m = tf.math.floormod(c, 2.0 * n)
    m = tf.where(m >= n, 2.0 * n - m - 1.0, m)
    return tf.clip_by_value(m, 0.0, n - 1.0)


def _pass_coords(flat: Any, h: int, w: int) -> tuple[Any, Any]:
    """Affine maps -> the source coordinates of a two-pass (y, then x) resampling.

    ``flat`` is one (8,) map or a (steps, 8) stack, each an affine output -> input
    map ``x_in = a0 x + a1 y + a2``, ``y_in = a3 x + a4 y + a5`` (:func:`_flat`; the
    projective terms are 0). Returns ``(ys, xs)``: ``ys[..., x, y]`` is the row that
    output pixel (x, y) of the first pass reads in column x, ``xs[..., y, x]`` the
    column that pixel (x, y) of the second pass reads in row y, both reflected into
    the image. Composed, the passes read ``(x_in, y_in)`` (Catmull and Smith's
    two-pass decomposition; well conditioned while ``a0`` stays near 1, that is
    for rotations well under 45 degrees).
    """
    from interpret._tf import tf

    a = tf.unstack(tf.convert_to_tensor(flat)[..., None, None], 8, axis=-3)
    xs, ys = tf.range(float(w)), tf.range(float(h))
    # first pass, down each column x: y_in at the column the second pass will read
    first = (
        (a[3] / a[0]) * xs[:, None]
        + (a[4] - a[3] * a[1] / a[0]) * ys[None, :]
        + (a[5] - a[3] * a[2] / a[0])
    )
    second = a[0] * xs[None, :] + a[1] * ys[:, None] + a[2]  # along each row y: x_in
    return _reflect(first, h), _reflect(second, w)


def _hat(c: Any, n: int) -> Any:
    """Linear-interpolation weights: (..., m) coordinates -> (..., m, n), rows summing to 1."""
    from interpret._tf import tf

    return tf.nn.relu(1.0 - tf.abs(c[..., None] - tf.range(float(n))))


class Stage(NamedTuple):
    """One resampling of a plan: every step's map, and its sampling coordinates.

    ``flat`` is (steps, 8); ``ys`` and ``xs`` are the coordinates of
    :func:`_pass_coords` for every step, or None (over :data:`COORDS_BUDGET`,
    then each step computes its own). :meth:`at` picks one step.

    Example:
        >>> stage = default(32).plan(4, 32, 32, [0, 0])[0]  # doctest: +SKIP
        >>> stage.at(0).flat.shape  # doctest: +SKIP
        TensorShape([8])
    """

    flat: Any
    ys: Any = None
    xs: Any = None

    def at(self, k: Any) -> Stage:
        """This stage at step ``k`` (a scalar tensor).

        Example:
            >>> stage.at(tf.constant(3))  # doctest: +SKIP
        """
        from interpret._tf import tf

        return Stage(*(None if t is None else tf.gather(t, k) for t in self))

    def coords(self, h: int, w: int) -> tuple[Any, Any]:
        """One step's two-pass coordinates for an h x w image (see :func:`_pass_coords`).

        Example:
            >>> ys, xs = stage.at(0).coords(32, 32)  # doctest: +SKIP
        """
        if self.ys is not None:
            return self.ys, self.xs
        return _pass_coords(self.flat, h, w)


class AxisPlan(NamedTuple):
    """Every step's source coordinates along y and x, for a :attr:`Pipeline.separable` prior.

    ``ys`` is (steps, H) and ``xs`` (steps, W): output row y of step k reads row
    ``ys[k, y]``, output column x reads column ``xs[k, x]`` (reflected into the
    image). :meth:`at` turns one step into its two interpolation matrices.

    Example:
        >>> hy, hx = default(32).axis_plan(4, 32, 32, [0, 0]).at(tf.constant(0))  # doctest: +SKIP
        >>> hy.shape  # doctest: +SKIP
        TensorShape([32, 32])
    """

    ys: Any
    xs: Any

    def at(self, k: Any) -> tuple[Any, Any]:
        """Step ``k``'s (H, H) and (W, W) linear-interpolation matrices, rows summing to 1.

        Example:
            >>> hy, hx = plan.at(tf.constant(3))  # doctest: +SKIP
        """
        from interpret._tf import tf

        ys, xs = tf.gather(self.ys, k), tf.gather(self.xs, k)
        return _hat(ys, int(self.ys.shape[-1])), _hat(xs, int(self.xs.shape[-1]))


def to_planes(images: Any) -> Any:
    """NHWC images -> the channel-major layout (C, W, H, B) the resampling works in.

    The axis reversal is its own inverse: applied to planes it gives NHWC back.

    Example:
        >>> to_planes(tf.zeros((2, 4, 5, 3))).shape  # doctest: +SKIP
        TensorShape([3, 5, 4, 2])
    """
    from interpret._tf import tf

    return tf.transpose(images, (3, 2, 1, 0))


def warp_planes(planes: Any, m: Any) -> Any:
    """Resample every image held in (C, W, H, B) ``planes`` with one map; NHWC out.

    ``m`` is an (8,) affine map or one step of a :class:`Stage`. Linear
    interpolation with a reflected border, in two passes: down every column, then
    along every row, each one batched matmul of (H, H) or (W, W) interpolation
    matrices with all images and channels at once. For moves, zooms and other
    axis-aligned maps this equals bilinear resampling (``ImageProjectiveTransformV3``);
    with a rotation the two passes interpolate along slightly different lines, a
    difference of a small fraction of a pixel at the few degrees a prior uses. On
    CPU it is several times faster forward and backward than the projective-transform
    kernel, a gather of bilinear taps or a sparse matmul.

    Example:
        >>> warp_planes(planes, tf.constant([1.0, 0, 0, 0, 1.0, 0, 0, 0]))  # doctest: +SKIP
    """
    from interpret._tf import tf

    _, w, h, _ = planes.shape
    stage = m if isinstance(m, Stage) else Stage(m)
    ys, xs = stage.coords(h, w)
    mid = fixed_matmul(_hat(ys, h), planes)  # down each column x: (C, W, H, B)
    out = fixed_matmul(_hat(xs, w), tf.transpose(mid, (0, 2, 1, 3)))  # along each row y
    return tf.transpose(out, (3, 1, 2, 0))


def _warp_shared(images: Any, m: Any) -> Any:
    """Resample every image of an NHWC batch with one map (see :func:`warp_planes`)."""
    from interpret._tf import tf

    _, h, w, c = images.shape
    if h is None or w is None or c is None:  # dynamic size: the per-image kernel
        flat = m.flat if isinstance(m, Stage) else m
        return _warp(images, None, tf.tile(flat[None], [tf.shape(images)[0], 1]))
    return warp_planes(to_planes(images), m)


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
        one, zero = tf.ones([batch]), tf.zeros([batch])
        rows = [one, zero, t[:, 1], zero, one, t[:, 0], zero, zero, one]
        return tf.reshape(tf.stack(rows, axis=1), (-1, 3, 3))


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
        one, zero = tf.ones([batch]), tf.zeros([batch])
        rows = [1.0 / s, zero, zero, zero, 1.0 / s, zero, zero, zero, one]
        return _about_centre(tf.reshape(tf.stack(rows, axis=1), (-1, 3, 3)), h, w)


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
        one, zero = tf.ones([batch]), tf.zeros([batch])
        rows = [c, -s, zero, s, c, zero, zero, zero, one]
        return _about_centre(tf.reshape(tf.stack(rows, axis=1), (-1, 3, 3)), h, w)


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

    def __call__(self, images: Any, seed: Any, maps: Sequence[Any] | None = None) -> Any:
        """Transform ``images``; ``maps`` (from :meth:`plan`, one step's rows) skips the draws.

        Without ``maps`` every image gets its own random move; with them the whole
        batch shares the step's move.
        """
        from interpret._tf import tf

        seed = tf.cast(tf.convert_to_tensor(seed), tf.int32)
        pending = None
        stage = 0

        def flush(images: Any) -> Any:
            nonlocal pending, stage
            if maps is not None:
                images = _warp_shared(images, maps[stage])
            else:
                images = _warp(images, pending)
            pending, stage = None, stage + 1
            return images

        for k, t in enumerate(self.transforms):
            sub = tf.random.experimental.stateless_fold_in(seed, k)
            if t.affine:
                if maps is None:
                    m = t.matrix(_batch(images), sub, *_hw(images))
                    # output -> input maps compose as earlier @ later
                    pending = m if pending is None else pending @ m
                else:
                    pending = True
                continue
            if pending is not None:
                images = flush(images)
            images = t.apply(images, sub)
        if pending is not None:
            images = flush(images)
        return images

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

    def _maps(self, steps: int, h: int, w: int, seed: Any) -> list[tuple[Any, int, int]]:
        """Every step's composed maps, one (steps, 8) stack per run of affine transforms."""
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

    def plan(self, steps: int, h: int, w: int, seed: Any) -> list[Stage]:
        """Draw the affine maps of ``steps`` steps at once, before the loop.

        Returns one :class:`Stage` per resampling; pass ``[s.at(k) for s in plan]``
        as ``maps`` at step ``k``. One map per step is shared by the whole batch: the
        images never interact, so each still sees an independent random move every
        step, and one shared map lets the resampling run as two batched matmuls over
        all images at once (see :func:`warp_planes`). Drawing them all in one go, and with them the
        sampling coordinates while they fit in :data:`COORDS_BUDGET`, keeps some forty
        small random, matrix and index ops out of every step of the render loop.

        Example:
            >>> [s.flat.shape for s in default(32, rotate_degrees=5).plan(4, 32, 32, [0, 0])]  # doctest: +SKIP
            [TensorShape([4, 8])]
        """
        return [_stage(flat, h, w) for flat, h, w in self._maps(steps, h, w, seed)]

    def axis_plan(self, steps: int, h: int, w: int, seed: Any) -> AxisPlan:
        """A :attr:`separable` pipeline's moves for ``steps`` steps, as per-axis coordinates.

        The same draws as :meth:`plan` (same seed, same moves), kept as one row of
        source coordinates per axis and step.

        Example:
            >>> default(32).axis_plan(4, 32, 32, [0, 0]).ys.shape  # doctest: +SKIP
            TensorShape([4, 32])
        """
        from interpret._tf import tf

        if not self.separable:
            raise ValueError(f"{self.name} moves the axes together; use plan()")
        ((flat, h, w),) = self._maps(steps, h, w, seed)
        a = tf.unstack(flat[:, :, None], 8, axis=1)  # x_in = a0 x + a2, y_in = a4 y + a5
        ys = _reflect(a[4] * tf.range(float(h)) + a[5], h)
        xs = _reflect(a[0] * tf.range(float(w)) + a[2], w)
        return AxisPlan(ys, xs)


def _stage(flat: Any, h: int, w: int) -> Stage:
    """A plan's stage: the (steps, 8) maps, with their coordinates when they fit the budget."""
    if int(flat.shape[0]) * 2 * int(h) * int(w) > COORDS_BUDGET:
        return Stage(flat)
    return Stage(flat, *_pass_coords(flat, int(h), int(w)))


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
        >>> center_crop(tf.zeros((1, 40, 40, 3)), 32, 32).shape  # doctest: +SKIP
        TensorShape([1, 32, 32, 3])
    """
    H, W = images.shape[1], images.shape[2]
    if H == h and W == w:
        return images
    from interpret._tf import tf

    s = tf.shape(images)
    oy, ox = (s[1] - h) // 2, (s[2] - w) // 2
    return images[:, oy : oy + h, ox : ox + w, :]
