"""How one step of the ascent moves the variables: the pluggable part of :mod:`interpret.core.ascent`.

An update gets the variables and the gradients of the *loss* (minus the summed
score, so descending it climbs the score) and changes the variables in place,
inside the compiled step:

* :class:`Adam`: renders (activation maximization, later inversion and friends);
* :class:`SignedStep`: ``x -= size * sign(g)``, the Linf step of FGSM, PGD and the
  fooling images;
* :class:`L2Step`: ``x -= size * g / ||g||``, the L2 step of FGM and PGD-L2;
* :class:`NormalisedStep`: ``x -= size * g / std(g)``, DeepDream's step.

The two attack steps end with a :class:`Ball`: the projection onto the eps-ball
around the original images (Linf box or L2 ball) and the [0, 1] box.

Example:
    >>> from interpret._tf import tf
    >>> x = tf.Variable([[0.5, 0.5]])
    >>> step = SignedStep(0.1, Ball("linf", x0=[[0.5, 0.5]], eps=0.05))
    >>> step.build([x])
    >>> step.apply([x], [tf.constant([[-1.0, 2.0]])], tf.constant(1, tf.int64))
    >>> x.numpy().round(3)
    array([[0.55, 0.45]], dtype=float32)
"""

from __future__ import annotations

from typing import Any

from interpret._fast.adam import apply_adam

NORMS = ("linf", "l2")  # the balls a projected step can stay in
NORM_NAMES = {"linf": "Linf", "l2": "L2"}  # as the papers write them


def _batch_axes(x: Any) -> list[int]:
    return list(range(1, len(x.shape)))


class Update:
    """The interface: ``build`` makes any slot variables, ``apply`` takes one step.

    Example:
        >>> Update().describe()
        {'update': 'update'}
    """

    name = "update"

    def build(self, variables: list[Any]) -> None:
        """Create slot variables (moments, ...) for ``variables``; called once."""

    def reset(self) -> None:
        """Forget any state (moments), so a new run starts fresh."""

    def apply(self, variables: list[Any], grads: list[Any], t: Any) -> None:  # pragma: no cover
        """Change ``variables`` in place given the loss gradients at step ``t`` (1-based)."""
        raise NotImplementedError

    def describe(self) -> dict:
        """The update's settings, for sidecars."""
        return {"update": self.name}


class Adam(Update):
    """Adam on every variable (the raw fused kernel of :mod:`interpret._fast.adam`).

    Example:
        >>> Adam(0.05).describe()
        {'update': 'adam', 'lr': 0.05}
    """

    name = "adam"

    def __init__(self, lr: float):
        self.lr = float(lr)
        self._slots: list[tuple[Any, Any]] = []

    def build(self, variables: list[Any]) -> None:
        from interpret._tf import tf

        self._lr = tf.constant(self.lr, tf.float32)
        self._slots = [
            (
                tf.Variable(tf.zeros_like(v), trainable=False),
                tf.Variable(tf.zeros_like(v), trainable=False),
            )
            for v in variables
        ]

    def reset(self) -> None:
        for m, v in self._slots:
            m.assign(tf_zeros(m))
            v.assign(tf_zeros(v))

    def apply(self, variables: list[Any], grads: list[Any], t: Any) -> None:
        for var, g, (m, v) in zip(variables, grads, self._slots):
            apply_adam(var, m, v, g, t, self._lr)

    def describe(self) -> dict:
        return {"update": self.name, "lr": self.lr}


def tf_zeros(v: Any) -> Any:
    """Zeros shaped like variable ``v`` (whatever its batch size is now)."""
    from interpret._tf import tf

    return tf.zeros_like(v)


class Ball:
    """The eps-ball (Linf box or L2 ball) around ``x0``, intersected with [0, 1].

    ``x0`` and ``eps`` are held in variables, so one compiled step serves every
    batch and every eps: :meth:`set` changes them between runs.

    Example:
        >>> b = Ball("l2", x0=[[0.0, 0.0]], eps=1.0)
        >>> b.project(tf.constant([[3.0, 4.0]])).numpy().round(2)
        array([[0.6, 0.8]], dtype=float32)
    """

    def __init__(self, norm: str, x0: Any = None, eps: float = 0.0):
        from interpret._tf import tf

        self.norm = norm
        self.x0 = tf.Variable(x0, shape=tf.TensorShape(None), trainable=False, dtype=tf.float32)
        self.eps = tf.Variable(float(eps), trainable=False, dtype=tf.float32)

    def set(self, x0: Any, eps: float) -> None:
        """Centre the ball on new images with a new radius."""
        self.x0.assign(x0)
        self.eps.assign(float(eps))

    def project(self, x: Any) -> Any:
        """``x`` moved to the nearest point of the ball, then clipped to [0, 1]."""
        return project(x, self.x0, self.eps, self.norm)


def l2_normalised(g: Any) -> Any:
    """``g`` divided by its L2 norm, per image (the direction of an L2 step).

    Example:
        >>> l2_normalised(tf.constant([[3.0, 4.0], [0.0, 0.0]])).numpy().round(2)
        array([[0.6, 0.8],
               [0. , 0. ]], dtype=float32)
    """
    from interpret._tf import tf

    gn = tf.sqrt(tf.reduce_sum(tf.square(g), axis=_batch_axes(g), keepdims=True))
    return g / tf.maximum(gn, 1e-12)


def project(x: Any, x0: Any, eps: Any, norm: str) -> Any:
    """``x`` moved to the nearest point of the eps-ball around ``x0``, then clipped to [0, 1].

    ``eps`` is a scalar or one radius per image, shaped to broadcast (B, 1, 1, 1).

    Example:
        >>> project(tf.constant([[3.0, 4.0]]), tf.zeros([1, 2]), 1.0, "l2").numpy().round(2)
        array([[0.6, 0.8]], dtype=float32)
    """
    from interpret._tf import tf

    if norm == "linf":
        x = tf.clip_by_value(x, x0 - eps, x0 + eps)
    else:
        axes = _batch_axes(x)
        d = x - x0
        dn = tf.sqrt(tf.reduce_sum(tf.square(d), axis=axes, keepdims=True))
        x = x0 + d * tf.minimum(1.0, eps / tf.maximum(dn, 1e-12))
    return tf.clip_by_value(x, 0.0, 1.0)


class _ProjectedStep(Update):
    """A step on the one image variable, then the projection onto the ball."""

    def __init__(self, size: float, ball: Ball):
        from interpret._tf import tf

        self.size = tf.Variable(float(size), trainable=False, dtype=tf.float32)
        self.ball = ball

    def direction(self, g: Any) -> Any:  # pragma: no cover
        raise NotImplementedError

    def apply(self, variables: list[Any], grads: list[Any], t: Any) -> None:
        (x,), (g,) = variables, grads
        x.assign(self.ball.project(x - self.size * self.direction(g)))

    def describe(self) -> dict:
        return {"update": self.name, "step_size": float(self.size.numpy()), "norm": self.ball.norm}


class SignedStep(_ProjectedStep):
    """``x -= size * sign(g)``, then project: the Linf steepest-descent step.

    Example:
        >>> SignedStep(0.01, Ball("linf", [[0.0]], 0.1)).describe()["update"]
        'signed'
    """

    name = "signed"

    def direction(self, g: Any) -> Any:
        from interpret._tf import tf

        return tf.sign(g)


class L2Step(_ProjectedStep):
    """``x -= size * g / ||g||_2`` per image, then project: the L2 steepest-descent step.

    Example:
        >>> L2Step(0.1, Ball("l2", [[0.0]], 1.0)).describe()["update"]
        'l2'
    """

    name = "l2"

    def apply(self, variables: list[Any], grads: list[Any], t: Any) -> None:
        (x,), (g,) = variables, grads
        x.assign(self.ball.project(x - self.size * l2_normalised(g)))


class NormalisedStep(Update):
    """``x -= size * g / std(g)``, clipped to [0, 1]: DeepDream's step.

    ``std`` is the standard deviation over every entry of the gradient (all images).
    :meth:`step` is the same rule on NumPy arrays, for gradients assembled tile by tile.

    Example:
        >>> x = tf.Variable([[0.5, 0.5]])
        >>> NormalisedStep(0.1).apply([x], [tf.constant([[-1.0, 1.0]])], 1)
        >>> x.numpy().round(3)
        array([[0.6, 0.4]], dtype=float32)
    """

    name = "normalised"

    def __init__(self, size: float):
        self.size = float(size)

    def apply(self, variables: list[Any], grads: list[Any], t: Any) -> None:
        from interpret._tf import tf

        for x, g in zip(variables, grads):
            x.assign(tf.clip_by_value(x - g * (self.size / (tf.math.reduce_std(g) + 1e-8)), 0, 1))

    def step(self, x: Any, score_grad: Any, std: float) -> Any:
        """The same rule in NumPy, in place, given the gradient of the *score* (not the loss).

        DeepDream assembles that gradient tile by tile and knows its std from the
        tiles' sums, so it takes the step here.

        Example:
            >>> import numpy as np
            >>> x = np.full(2, 0.5, "float32")
            >>> NormalisedStep(0.1).step(x, np.array([1.0, -1.0], "float32"), 1.0).round(3)
            array([0.6, 0.4], dtype=float32)
        """
        import numpy as np

        score_grad *= np.float32(self.size / (std + 1e-8))
        x += score_grad
        return np.clip(x, 0.0, 1.0, out=x)

    def describe(self) -> dict:
        return {"update": self.name, "step_size": self.size}
