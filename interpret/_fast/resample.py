"""Moving every image of a render the fast way: one move per step, drawn ahead, shared by the batch.

The plain idea (:meth:`interpret.visualize.transforms.Pipeline.__call__`): every
step, every image gets its own random jitter and zoom, resampled bilinearly by
TensorFlow's projective-transform kernel. That kernel, and the forty small random,
matrix and index ops that draw the moves, cost more than the model on a 32x32 canvas.
So a render does the same thing differently:

* the moves of *all* steps are drawn once, before the loop (:func:`plan`); one move
  per step is shared by the whole batch (the images never interact, so each still
  sees an independent random move every step);
* a shared move resamples as two batched matmuls with (H, H) and (W, W)
  interpolation matrices, first down every column, then along every row
  (:func:`warp_planes`); for moves and zooms that is exactly bilinear resampling,
  with a rotation a fraction of a pixel off at the few degrees a prior uses;
* when the image is a Fourier spectrum and the moves keep the axes apart (jitter and
  zoom, the default prior), those two matrices fold into the synthesis itself
  (:func:`axis_plan`, :meth:`interpret.visualize.param.Param.logits`), so moving the
  images costs two tiny matrix products.

:class:`Moves` picks the route; the tests hold each route to the plain kernel.

Example:
    >>> from interpret.visualize import param, transforms as T
    >>> p = param.make("fourier", batch=2, size=(12, 12), channels=3, seed=0)
    >>> moved = Moves(T.default(12), p, steps=4, size=(12, 12), seed=[0, 0])
    >>> moved.folded, moved(tf.constant(0, tf.int64), p.image()).shape
    (True, TensorShape([2, 12, 12, 3]))
"""

from __future__ import annotations

from typing import Any, NamedTuple

from interpret._fast.fixed_matmul import fixed_matmul

# plans precompute every step's sampling coordinates up to this many floats
COORDS_BUDGET = 1 << 23


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
        >>> from interpret.visualize import transforms as T
        >>> stage = plan(T.default(32), 4, 32, 32, [0, 0])[0]
        >>> stage.at(0).flat.shape
        TensorShape([8])
    """

    flat: Any
    ys: Any = None
    xs: Any = None

    def at(self, k: Any) -> Stage:
        """This stage at step ``k`` (a scalar tensor).

        Example:
            >>> from interpret._tf import tf
            >>> from interpret.visualize import transforms as T
            >>> stage = plan(T.default(32), 4, 32, 32, [0, 0])[0]
            >>> stage.at(tf.constant(3)).flat.shape
            TensorShape([8])
        """
        from interpret._tf import tf

        return Stage(*(None if t is None else tf.gather(t, k) for t in self))

    def coords(self, h: int, w: int) -> tuple[Any, Any]:
        """One step's two-pass coordinates for an h x w image (see :func:`_pass_coords`).

        Example:
            >>> from interpret.visualize import transforms as T
            >>> stage = plan(T.default(32, rotate_degrees=5), 4, 32, 32, [0, 0])[0]
            >>> ys, xs = stage.at(0).coords(32, 32)
            >>> ys.shape, xs.shape
            (TensorShape([32, 32]), TensorShape([32, 32]))
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
        >>> from interpret.visualize import transforms as T
        >>> hy, hx = axis_plan(T.default(32), 4, 32, 32, [0, 0]).at(0)
        >>> hy.shape, hx.numpy().sum(axis=1).round(4).min()
        (TensorShape([32, 32]), np.float32(1.0))
    """

    ys: Any
    xs: Any

    def at(self, k: Any) -> tuple[Any, Any]:
        """Step ``k``'s (H, H) and (W, W) linear-interpolation matrices, rows summing to 1.

        Example:
            >>> from interpret.visualize import transforms as T
            >>> hy, hx = axis_plan(T.default(16), 4, 16, 24, [0, 0]).at(3)
            >>> hy.shape, hx.shape
            (TensorShape([16, 16]), TensorShape([24, 24]))
        """
        from interpret._tf import tf

        ys, xs = tf.gather(self.ys, k), tf.gather(self.xs, k)
        return _hat(ys, int(self.ys.shape[-1])), _hat(xs, int(self.xs.shape[-1]))


def to_planes(images: Any) -> Any:
    """NHWC images -> the channel-major layout (C, W, H, B) the resampling works in.

    The axis reversal is its own inverse: applied to planes it gives NHWC back.

    Example:
        >>> from interpret._tf import tf
        >>> to_planes(tf.zeros((2, 4, 5, 3))).shape
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
        >>> from interpret._tf import tf
        >>> images = tf.random.uniform((2, 6, 6, 3), seed=0)
        >>> identity = tf.constant([1.0, 0, 0, 0, 1.0, 0, 0, 0])
        >>> out = warp_planes(to_planes(images), identity)
        >>> out.shape, bool(tf.reduce_max(tf.abs(out - images)) < 1e-6)
        (TensorShape([2, 6, 6, 3]), True)
    """
    from interpret._tf import tf

    _, w, h, _ = planes.shape
    stage = m if isinstance(m, Stage) else Stage(m)
    ys, xs = stage.coords(h, w)
    mid = fixed_matmul(_hat(ys, h), planes)  # down each column x: (C, W, H, B)
    out = fixed_matmul(_hat(xs, w), tf.transpose(mid, (0, 2, 1, 3)))  # along each row y
    return tf.transpose(out, (3, 1, 2, 0))


def warp_shared(images: Any, m: Any) -> Any:
    """Resample every image of an NHWC batch (of known size) with one map (see :func:`warp_planes`).

    Example:
        >>> warp_shared(tf.zeros((2, 6, 6, 1)), tf.constant([1.0, 0, 0, 0, 1.0, 0, 0, 0])).shape
        TensorShape([2, 6, 6, 1])
    """
    return warp_planes(to_planes(images), m)


def plan(pipeline: Any, steps: int, h: int, w: int, seed: Any) -> list[Stage]:
    """Draw the affine maps of ``steps`` steps at once, before the loop.

    Returns one :class:`Stage` per resampling; pass ``[s.at(k) for s in plan]``
    as ``maps`` at step ``k``. One map per step is shared by the whole batch: the
    images never interact, so each still sees an independent random move every
    step, and one shared map lets the resampling run as two batched matmuls over
    all images at once (see :func:`warp_planes`). Drawing them all in one go, and with them the
    sampling coordinates while they fit in :data:`COORDS_BUDGET`, keeps some forty
    small random, matrix and index ops out of every step of the render loop.

    Example:
        >>> from interpret.visualize import transforms as T
        >>> [s.flat.shape for s in plan(T.default(32, rotate_degrees=5), 4, 32, 32, [0, 0])]
        [TensorShape([4, 8])]
    """
    return [_stage(flat, h, w) for flat, h, w in pipeline.draw(steps, h, w, seed)]


def axis_plan(pipeline: Any, steps: int, h: int, w: int, seed: Any) -> AxisPlan:
    """A :attr:`separable` pipeline's moves for ``steps`` steps, as per-axis coordinates.

    The same draws as :meth:`plan` (same seed, same moves), kept as one row of
    source coordinates per axis and step.

    Example:
        >>> from interpret.visualize import transforms as T
        >>> axis_plan(T.default(32), 4, 32, 32, [0, 0]).ys.shape
        TensorShape([4, 32])
    """
    from interpret._tf import tf

    if not pipeline.separable:
        raise ValueError(f"{pipeline.name} moves the axes together; use plan()")
    ((flat, h, w),) = pipeline.draw(steps, h, w, seed)
    a = tf.unstack(flat[:, :, None], 8, axis=1)  # x_in = a0 x + a2, y_in = a4 y + a5
    ys = _reflect(a[4] * tf.range(float(h)) + a[5], h)
    xs = _reflect(a[0] * tf.range(float(w)) + a[2], w)
    return AxisPlan(ys, xs)


def _stage(flat: Any, h: int, w: int) -> Stage:
    """A plan's stage: the (steps, 8) maps, with their coordinates when they fit the budget."""
    if int(flat.shape[0]) * 2 * int(h) * int(w) > COORDS_BUDGET:
        return Stage(flat)
    return Stage(flat, *_pass_coords(flat, int(h), int(w)))


def apply_planned(pipeline: Any, images: Any, seed: Any, maps: list) -> Any:
    """Run ``pipeline`` on ``images`` with one step's planned ``maps`` (one per resampling).

    The non-affine transforms (a pad) run as they are; each run of affine ones is
    the step's shared map, resampled by :func:`warp_shared`.

    Example:
        >>> from interpret.visualize import transforms as T
        >>> pipe = T.compose([T.pad(1), T.jitter(1)])
        >>> maps = [s.at(tf.constant(0)) for s in plan(pipe, 2, 6, 6, [0, 0])]
        >>> apply_planned(pipe, tf.zeros((1, 6, 6, 1)), [0, 0], maps).shape
        TensorShape([1, 8, 8, 1])
    """
    from interpret._tf import tf

    seed = tf.cast(tf.convert_to_tensor(seed), tf.int32)
    pending, stage = False, 0
    for k, t in enumerate(pipeline.transforms):
        if t.affine:
            pending = True
            continue
        if pending:
            images, pending, stage = warp_shared(images, maps[stage]), False, stage + 1
        images = t.apply(images, tf.random.experimental.stateless_fold_in(seed, k))
    if pending:
        images = warp_shared(images, maps[stage])
    return images


class Moves:
    """``moves(step)``: the batch as the model sees it at ``step``, by the fastest route.

    A Fourier image under separable moves folds them into its synthesis; anything
    else (pixels, rotation, a pad) resamples the images with the step's planned maps.

    Example: see the module docstring.
    """

    def __init__(self, pipeline: Any, param: Any, steps: int, size: tuple[int, int], seed: Any):
        from interpret._tf import tf

        self.pipeline, self.param = pipeline, param
        self.seed = tf.cast(tf.convert_to_tensor(seed), tf.int32)
        self.folded = param.kind == "fourier" and pipeline.separable
        if self.folded:
            self.axes = axis_plan(pipeline, steps, *size, self.seed)
        else:
            self.stages = plan(pipeline, steps, *size, self.seed)

    def __call__(self, step: Any, images: Any) -> Any:
        """The moved batch at ``step`` (``images``: the parameterization's, when not folded)."""
        from interpret._tf import tf

        if self.folded:
            return tf.sigmoid(self.param.logits(*self.axes.at(step)))
        maps = [stage.at(step) for stage in self.stages]
        seed = self.seed + tf.stack([0, tf.cast(step, tf.int32)])
        return apply_planned(self.pipeline, images, seed, maps)
