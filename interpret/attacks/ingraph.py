"""The in-graph attack of adversarial training: FGSM with random start, PGD, TRADES' KL attack.

Why this is not :mod:`interpret.attacks.gradient`: that module runs the shared
:class:`~interpret.core.ascent.Ascent` loop, one compiled step per Python call, on
variables that hold one batch and fixed weights; it is right for attacking a trained
model. Adversarial training needs an attack on *every* batch *inside* the compiled
training step, in the same graph as the weight update: no Python round trip per
attack step, no variables assigned per batch, and the attack's input gradient kept
out of the weight gradient. :func:`ball_steps` is that attack, written as plain
traceable tensor code, and it is the only such implementation in the package
(training, its per-epoch robust accuracy and the guard against catastrophic
overfitting all use it).

Its arithmetic is that of ``gradient.projected_steps``: each Linf step is
``x <- clip(clip(x + a * sign(grad), x0 - eps, x0 + eps), 0, 1)`` and each L2 step
``x <- project(x + a * grad / ||grad||_2)`` (:func:`interpret.core.updates.project`, the
shared loop's projection) on the cross-entropy of the label (the negated
``class_logprob`` the shared loop descends), so for fixed weights and the same start
both give the same images (``tests/attacks/test_ingraph.py`` checks it). ``loss="kl"`` climbs
``KL(p(x0) || p(x))`` instead: the inner maximisation of TRADES (Zhang et al. 2019).

Example:
    >>> from interpret._tf import tf
    >>> from interpret.core.models import resolve
    >>> from interpret.data import datasets
    >>> probe = resolve("mnist-cnn").probe
    >>> x, y = datasets.load_test_images("mnist").split("test")
    >>> x, y = tf.constant(x[:4] / 255, tf.float32), tf.constant(y[:4], tf.int32)
    >>> adv = ball_steps(probe.logits, x, y, x, eps=0.1, step_size=0.1, steps=1)
    >>> float(tf.reduce_max(tf.abs(adv - x))) <= 0.1 + 1e-6
    True
    >>> adv = ball_steps(probe.logits, x, y, x, eps=1.5, step_size=0.5, steps=4, norm="l2")
    >>> float(tf.reduce_max(tf.norm(tf.reshape(adv - x, (4, -1)), axis=1))) <= 1.5 + 1e-5
    True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

LOSSES = ("ce", "kl")


def score(logits: Any, y: Any, loss: str, p_clean: Any = None) -> Any:
    """The summed quantity an untargeted step climbs: cross-entropy of ``y``, or KL from ``p_clean``.

    Example:
        >>> from interpret._tf import tf
        >>> float(score(tf.zeros((2, 4)), tf.constant([0, 1]), "ce"))  # 2 * log(4)
        2.772588...
    """
    from interpret._tf import tf

    logp = tf.nn.log_softmax(logits, axis=-1)
    if loss == "ce":
        return -tf.reduce_sum(tf.gather(logp, y, axis=-1, batch_dims=1))
    return tf.reduce_sum(p_clean * (tf.math.log(tf.maximum(p_clean, 1e-12)) - logp))


def ball_steps(
    logits_fn: Callable[[Any], Any],
    x0: Any,
    y: Any,
    start: Any,
    *,
    eps: Any,
    step_size: Any,
    steps: int,
    norm: str = "linf",
    loss: str = "ce",
    p_clean: Any = None,
) -> Any:
    """``steps`` steps of ``step_size`` from ``start``, projected onto the eps-ball at ``x0``.

    ``norm`` is ``"linf"`` (signed steps) or ``"l2"`` (steps along the gradient scaled to
    L2 length ``step_size``); ``logits_fn`` maps [0, 1] images to logits (a probe's
    ``logits`` or the model in its input range); ``loss`` is ``"ce"`` (FGSM, PGD) or
    ``"kl"`` (TRADES, which needs ``p_clean``, the softmax at ``x0``). ``steps`` is a
    Python int: the loop is unrolled for up to 10 steps and a ``tf.while_loop`` beyond.
    The result carries no gradient. Traceable inside ``tf.function``; also runs eagerly.

    Example: see the module docstring.
    """
    from interpret._tf import tf
    from interpret.core.updates import l2_normalised, project

    direction = tf.sign if norm == "linf" else l2_normalised

    def body(x: Any) -> Any:
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = score(logits_fn(x), y, loss, p_clean)
        g = tape.gradient(value, x)
        return tf.stop_gradient(project(x + step_size * direction(g), x0, eps, norm))

    x = tf.stop_gradient(tf.convert_to_tensor(start))
    if steps <= 10:
        for _ in range(int(steps)):
            x = body(x)
        return x
    _, x = tf.while_loop(lambda i, _: i < steps, lambda i, x: (i + 1, body(x)), (tf.constant(0), x))
    return x


def uniform_start(generator: Any, x0: Any, eps: Any, norm: str = "linf") -> Any:
    """A uniformly random point of the eps-ball around ``x0`` (Linf box or L2 ball), clipped to [0, 1].

    The same start as ``gradient.random_start``, drawn in-graph from a
    ``tf.random.Generator`` so training is reproducible from its seed.

    Example:
        >>> from interpret._tf import tf
        >>> s = uniform_start(tf.random.Generator.from_seed(0), tf.fill((2, 3), 0.5), 0.1)
        >>> bool(tf.reduce_all(tf.abs(s - 0.5) <= 0.1))
        True
        >>> s = uniform_start(tf.random.Generator.from_seed(0), tf.fill((2, 3), 0.5), 0.1, "l2")
        >>> bool(tf.reduce_all(tf.norm(s - 0.5, axis=1) <= 0.1 + 1e-6))
        True
    """
    from interpret._tf import tf
    from interpret.core.updates import l2_normalised

    if norm == "linf":
        noise = generator.uniform(tf.shape(x0), -1.0, 1.0) * eps
    else:
        axes = list(range(1, len(x0.shape)))
        direction = l2_normalised(generator.normal(tf.shape(x0)))
        d = tf.cast(tf.reduce_prod(tf.shape(x0)[1:]), tf.float32)
        radius = eps * generator.uniform(tf.shape(x0)[:1]) ** (1.0 / d)
        noise = direction * tf.reshape(radius, [-1] + [1] * len(axes))
    return tf.clip_by_value(x0 + noise, 0.0, 1.0)


def normal_start(generator: Any, x0: Any, scale: float = 0.001) -> Any:
    """``x0`` plus small Gaussian noise, clipped to [0, 1]: the start of TRADES' inner attack.

    Example:
        >>> from interpret._tf import tf
        >>> s = normal_start(tf.random.Generator.from_seed(0), tf.fill((2, 3), 0.5))
        >>> bool(tf.reduce_all(tf.abs(s - 0.5) < 0.01))
        True
    """
    from interpret._tf import tf

    return tf.clip_by_value(x0 + scale * generator.normal(tf.shape(x0)), 0.0, 1.0)
