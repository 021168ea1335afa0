"""What activation maximization climbs: small objective values with arithmetic.

An :class:`Objective` maps a :class:`Context` (the batch of images and the layer
activations the model produced for them) to **one number per image**, so a batch
of 64 images can chase 64 different filters in one pass. Objectives compose with
``+``, ``-`` and scalar ``*`` / ``/`` and keep a readable name for the sidecar;
each one declares the layers (and whether the logits) it needs, so the engine
builds one extractor for the whole sum.

Regularisers (:func:`total_variation`, :func:`lp`, :func:`blur`) are objectives
too. They measure a *penalty*, so you subtract them.

Example:
    >>> from interpret.core import objectives as obj
    >>> o = obj.channel("conv2d_2", 5) - 1e-3 * obj.total_variation()
    >>> o.name
    'channel(conv2d_2, 5) - 0.001 * total_variation()'
    >>> sorted(o.layers)
    ['conv2d_2']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

Indices = int | Sequence[int]


@dataclass(frozen=True)
class Context:
    """What an objective sees at one optimisation step.

    ``acts`` maps layer names to their (post-nonlinearity) outputs for the images
    the model saw, ``logits`` are pre-softmax class scores (or ``None``),
    ``images`` is the batch fed to the model (after transforms) and ``raw`` the
    images as parameterized (before transforms) -- what the user is shown.
    """

    acts: Mapping[str, Any]
    logits: Any
    images: Any
    raw: Any


def _fmt(x: float) -> str:
    return f"{x:g}"


class Objective:
    """A function of a :class:`Context` returning one value per image, with algebra.

    Args:
        fn: ``Context -> Tensor[batch]``.
        name: readable name, e.g. ``"channel(conv2d_2, 5)"``.
        layers: layer names whose activations ``fn`` reads.
        logits: whether ``fn`` reads the logits.

    Example:
        >>> a = Objective(lambda c: c.raw, "a")
        >>> (2 * a - a / 4).name
        '2 * a - 0.25 * a'
    """

    def __init__(
        self,
        fn: Callable[[Context], Any],
        name: str,
        layers: Sequence[str] = (),
        logits: bool = False,
        _sum: bool = False,
    ):
        self.fn = fn
        self.name = name
        self.layers = frozenset(layers)
        self.logits = bool(logits)
        self._sum = _sum  # name is a sum: parenthesise it when scaled

    def __call__(self, ctx: Context) -> Any:
        return self.fn(ctx)

    def __repr__(self) -> str:
        return f"Objective({self.name})"

    def _join(self, other: Objective, sign: str) -> Objective:
        def fn(ctx: Context) -> Any:
            a, b = self(ctx), other(ctx)
            return a + b if sign == "+" else a - b

        right = f"({other.name})" if (sign == "-" and other._sum) else other.name
        return Objective(
            fn,
            f"{self.name} {sign} {right}",
            self.layers | other.layers,
            self.logits or other.logits,
            _sum=True,
        )

    def __add__(self, other: Any) -> Objective:
        if isinstance(other, (int, float)) and other == 0:
            return self
        return self._join(_as_objective(other), "+")

    def __radd__(self, other: Any) -> Objective:
        if isinstance(other, (int, float)) and other == 0:
            return self  # lets sum([...]) work
        return _as_objective(other)._join(self, "+")

    def __sub__(self, other: Any) -> Objective:
        return self._join(_as_objective(other), "-")

    def __rsub__(self, other: Any) -> Objective:
        return _as_objective(other)._join(self, "-")

    def __mul__(self, k: Any) -> Objective:
        if not isinstance(k, (int, float)):
            return NotImplemented
        k = float(k)
        inner = f"({self.name})" if self._sum else self.name
        return Objective(
            lambda ctx: k * self(ctx), f"{_fmt(k)} * {inner}", self.layers, self.logits
        )

    __rmul__ = __mul__

    def __truediv__(self, k: Any) -> Objective:
        if not isinstance(k, (int, float)):
            return NotImplemented
        return self * (1.0 / float(k))

    def __neg__(self) -> Objective:
        return self * -1.0


def _as_objective(x: Any) -> Objective:
    if isinstance(x, Objective):
        return x
    if isinstance(x, (int, float)):
        v = float(x)
        return Objective(lambda ctx: v + 0.0 * ctx.raw[:, 0, 0, 0], _fmt(v))
    raise TypeError(f"cannot combine an objective with {type(x).__name__}")


def _index_text(i: Indices) -> str:
    if type(i).__module__.startswith("tensorflow"):
        return "target"  # per-image indices given at run time
    if isinstance(i, (int,)) or hasattr(i, "__index__"):
        return str(int(i))
    items = [int(v) for v in i]
    if len(items) > 1 and items == list(range(items[0], items[0] + len(items))):
        return f"{items[0]}-{items[-1]}"
    return "[" + ",".join(str(v) for v in items) + "]"


def _pick(values: Any, i: Indices) -> Any:
    """values (B, C) -> (B,): column i for every row, or column i[b] for row b.

    ``i`` may be a tensor (or variable) of per-image indices known only at run time,
    such as the labels of the batch an attack is on.
    """
    from interpret._tf import tf

    if isinstance(i, (tf.Tensor, tf.Variable)):
        return tf.reduce_sum(tf.one_hot(i, values.shape[-1]) * values, axis=1)
    if isinstance(i, int) or hasattr(i, "__index__"):
        return values[:, int(i)]
    cols = [int(v) for v in i]
    message = "one index per image: the batch size must match the indices"
    rows, width = values.shape[0], values.shape[1]
    if rows is not None and rows != len(cols):  # known when traced: no op in the graph
        raise ValueError(f"{message} ({rows} images, {len(cols)} indices)")
    if rows is None or width is None:
        idx = tf.constant(cols, tf.int32)
        check = tf.debugging.assert_equal(tf.shape(values)[0], tf.size(idx), message=message)
        # before the gather, whose own error is less clear (None when eager: already checked)
        with tf.control_dependencies([check] if check is not None else []):
            return tf.gather(values, idx[:, None], axis=1, batch_dims=1)[:, 0]
    # a fixed one-hot select: the same values, and a gradient that traces in a
    # fraction of the time of a batched gather's
    chosen = tf.constant(np.arange(width)[None, :] == np.asarray(cols)[:, None])
    return tf.reduce_sum(tf.where(chosen, values, tf.zeros_like(values)), axis=1)


def channel(layer: str, i: Indices) -> Objective:
    """Mean activation of channel ``i`` of a conv layer (or unit ``i`` of a dense one).

    ``i`` may be a list with one index per image of the batch.

    Example:
        >>> channel("conv2d_1", [0, 1, 2]).name
        'channel(conv2d_1, 0-2)'
    """

    def fn(ctx: Context) -> Any:
        from interpret._tf import tf

        a = ctx.acts[layer]
        if len(a.shape) == 4:
            a = tf.reduce_mean(a, axis=(1, 2))
        elif len(a.shape) != 2:
            a = tf.reshape(a, (tf.shape(a)[0], -1))
        return _pick(a, i)

    return Objective(fn, f"channel({layer}, {_index_text(i)})", [layer])


def neuron(layer: str, i: Indices, y: int | None = None, x: int | None = None) -> Objective:
    """One unit: unit ``i`` of a dense layer, or channel ``i`` at position (y, x) of a conv layer.

    The position defaults to the centre of the feature map.

    Example:
        >>> neuron("conv2d", 3, 4, 5).name
        'neuron(conv2d, 3, y=4, x=5)'
    """

    def fn(ctx: Context) -> Any:
        a = ctx.acts[layer]
        if len(a.shape) == 4:
            h, w = a.shape[1], a.shape[2]
            yy = (h // 2 if h is not None else 0) if y is None else y
            xx = (w // 2 if w is not None else 0) if x is None else x
            a = a[:, yy, xx, :]
        return _pick(a, i)

    where = "" if y is None and x is None else f", y={y}, x={x}"
    return Objective(fn, f"neuron({layer}, {_index_text(i)}{where})", [layer])


def class_logit(i: Indices) -> Objective:
    """The pre-softmax score of class ``i`` (softmax is never differentiated through).

    Example:
        >>> class_logit(3).name
        'class_logit(3)'
    """
    return Objective(
        lambda ctx: _pick(ctx.logits, i), f"class_logit({_index_text(i)})", logits=True
    )


def class_logprob(i: Indices) -> Objective:
    """log softmax of class ``i``: pushes the other classes down as well as this one up.

    Example:
        >>> class_logprob(7).name
        'class_logprob(7)'
    """

    def fn(ctx: Context) -> Any:
        from interpret._tf import tf

        return _pick(tf.nn.log_softmax(ctx.logits, axis=-1), i)

    return Objective(fn, f"class_logprob({_index_text(i)})", logits=True)


def dream(
    layers: Mapping[str, float] | Sequence[tuple[str, int | None, float]],
    channel: int | None = None,
) -> Objective:
    """DeepDream's objective: the weighted sum of the layers' mean activations.

    ``layers`` maps layer names to weights, or lists ``(layer, channel, weight)``
    terms where a channel (or None for all) is picked per layer; ``channel`` picks
    one channel of every layer of a mapping.

    Example:
        >>> dream({"conv2d": 1.0, "conv2d_1": 0.5}).name
        'dream(conv2d=1, conv2d_1=0.5)'
        >>> dream([("conv2d_1", None, 1.0), ("conv2d_2", 17, 1.5)]).name
        'dream(conv2d_1=1, conv2d_2:17=1.5)'
    """
    if isinstance(layers, Mapping):
        terms = [(str(k), channel, float(v)) for k, v in layers.items()]
    else:
        terms = [(str(name), c, float(w)) for name, c, w in layers]
    if not terms:
        raise ValueError("dream needs at least one layer")

    def fn(ctx: Context) -> Any:
        from interpret._tf import tf

        total = 0.0
        for name, c, w in terms:
            a = ctx.acts[name]
            if c is not None:
                a = a[..., c]
            axes = list(range(1, len(a.shape)))
            total = total + w * tf.reduce_mean(a, axis=axes)
        return total

    parts = ", ".join(f"{name}{'' if c is None else f':{c}'}={_fmt(w)}" for name, c, w in terms)
    return Objective(fn, f"dream({parts})", [name for name, _, _ in terms])


def total_variation() -> Objective:
    """Penalty: mean absolute difference between neighbouring pixels (subtract it).

    Example:
        >>> (-0.1 * total_variation()).name
        '-0.1 * total_variation()'
    """

    def fn(ctx: Context) -> Any:
        from interpret._tf import tf

        x = ctx.raw
        dy = tf.reduce_mean(tf.abs(x[:, 1:] - x[:, :-1]), axis=(1, 2, 3))
        dx = tf.reduce_mean(tf.abs(x[:, :, 1:] - x[:, :, :-1]), axis=(1, 2, 3))
        return dx + dy

    return Objective(fn, "total_variation()")


def lp(p: float = 2.0, constant: float = 0.5) -> Objective:
    """Penalty: the Lp norm of (image - constant), averaged per pixel (subtract it).

    Example:
        >>> lp(1).name
        'lp(p=1)'
    """
    p = float(p)

    def fn(ctx: Context) -> Any:
        from interpret._tf import tf

        d = tf.abs(ctx.raw - constant) + 1e-8
        return tf.reduce_mean(d**p, axis=(1, 2, 3)) ** (1.0 / p)

    return Objective(fn, f"lp(p={_fmt(p)})")


def blur(sigma: float = 0.5) -> Objective:
    """Penalty: squared distance from a (constant) blurred copy of the image.

    Subtracting it pulls each image toward its own blur, lucid's
    ``blur_input_each_step``.

    Example:
        >>> blur().name
        'blur(sigma=0.5)'
    """
    import numpy as np

    r = max(1, int(np.ceil(2 * sigma)))
    t = np.arange(-r, r + 1, dtype="float32")
    k1 = np.exp(-0.5 * (t / max(sigma, 1e-3)) ** 2)
    k1 /= k1.sum()

    def fn(ctx: Context) -> Any:
        from interpret._tf import tf

        x = ctx.raw
        c = x.shape[-1]
        ky = tf.constant(np.tile(k1[:, None, None, None], (1, 1, c, 1)))
        kx = tf.constant(np.tile(k1[None, :, None, None], (1, 1, c, 1)))
        xp = tf.pad(x, [[0, 0], [r, r], [r, r], [0, 0]], mode="SYMMETRIC")
        b = tf.nn.depthwise_conv2d(xp, ky, [1, 1, 1, 1], "VALID")
        b = tf.nn.depthwise_conv2d(b, kx, [1, 1, 1, 1], "VALID")
        return tf.reduce_mean((x - tf.stop_gradient(b)) ** 2, axis=(1, 2, 3))

    return Objective(fn, f"blur(sigma={_fmt(sigma)})")


def _vectors(vector: Any) -> np.ndarray:
    """One direction (C,) or one per image (B, C), as float32; anything else is an error."""
    vec = np.asarray(vector, "float32")
    if vec.ndim not in (1, 2) or vec.shape[-1] == 0 or not np.all(np.isfinite(vec)):
        raise ValueError(
            f"a direction is a finite (channels,) vector or (batch, channels) array, "
            f"got shape {vec.shape}"
        )
    return vec


def direction(layer: str, vector: Any, cossim_pow: float = 0.0) -> Objective:
    """How far the activations at ``layer`` point along ``vector`` (lucid's ``direction``).

    At every position of a conv layer (or once for a dense one) the activation
    vector's dot product with ``vector`` (one (C,) direction, or one per image as
    (B, C)), averaged over the positions. With ``cossim_pow`` > 0 each dot product
    is weighted by its cosine similarity (floored at 0.1) to that power, lucid's
    caricature trick: the image must point *along* the direction, not just far.

    Example:
        >>> direction("conv2d_2", np.ones(64), cossim_pow=1).name
        'direction(conv2d_2, 64 channels, cossim_pow=1)'
    """
    vec = _vectors(vector)
    pow_ = float(cossim_pow)

    def fn(ctx: Context) -> Any:
        from interpret._tf import tf

        a = ctx.acts[layer]
        if a.shape[-1] != vec.shape[-1]:
            raise ValueError(
                f"direction of {vec.shape[-1]} values for {layer}, which has {a.shape[-1]} channels"
            )
        v = tf.constant(
            vec if vec.ndim == 1 else vec.reshape((len(vec),) + (1,) * (len(a.shape) - 2) + (-1,))
        )
        dot = tf.reduce_sum(a * v, axis=-1)
        if pow_:
            norms = (1e-4 + tf.norm(a, axis=-1)) * (1e-4 + tf.norm(v, axis=-1))
            dot = dot * tf.maximum(0.1, dot / norms) ** pow_
        return tf.reduce_mean(tf.reshape(dot, (tf.shape(a)[0], -1)), axis=1)

    what = f"{vec.shape[-1]} channels" if vec.ndim == 1 else f"{len(vec)} directions"
    where = f", cossim_pow={_fmt(pow_)}" if pow_ else ""
    return Objective(fn, f"direction({layer}, {what}{where})", [layer])


def gram(acts: Any) -> Any:
    """Each image's Gram matrix of channels (B, C, C), from (B, H, W, C) or (B, C) activations.

    Example:
        >>> gram(tf.ones((2, 3, 3, 4))).shape
        TensorShape([2, 4, 4])
    """
    from interpret._tf import tf

    c = acts.shape[-1]

    @tf.custom_gradient
    def product(flat: Any) -> Any:
        # G = F^T F, so dF = F (dG + dG^T): one product backward instead of two
        def grad(dg: Any) -> Any:
            return tf.matmul(flat, dg + tf.linalg.matrix_transpose(dg))

        return tf.matmul(flat, flat, transpose_a=True), grad

    return product(tf.reshape(acts, (tf.shape(acts)[0], -1, c)))


def diversity(layer: str, group: int) -> Objective:
    """Penalty: how alike the images of each group are at ``layer`` (subtract it).

    The batch is read as consecutive groups of ``group`` images (the K renders of
    one target). Each image's value is the mean cosine similarity of its Gram
    matrix (channel co-activations, blind to where things are) to those of the
    other images in its group: lucid's ``diversity`` objective, batched.

    Example:
        >>> (-100 * diversity("conv2d_1", 4)).name
        '-100 * diversity(conv2d_1, group=4)'
    """
    k = int(group)
    if k < 2:
        raise ValueError(f"diversity needs groups of at least 2 images, got {group}")

    def fn(ctx: Context) -> Any:
        from interpret._tf import tf

        g = gram(ctx.acts[layer])
        c = g.shape[-1]
        flat = tf.reshape(g, (-1, k, c * c))
        # every dot product of a group's Gram matrices in one product, (groups, k, k),
        # normalised by their norms (the diagonal): no pass over the C*C entries per image
        dots = tf.matmul(flat, flat, transpose_b=True)
        inv = tf.math.rsqrt(tf.maximum(tf.linalg.diag_part(dots), 1e-10))
        sims = dots * inv[..., :, None] * inv[..., None, :]
        others = tf.reduce_sum(sims, axis=-1) - tf.linalg.diag_part(sims)
        return tf.reshape(others, [-1]) / (k - 1)

    return Objective(fn, f"diversity({layer}, group={k})", [layer])
