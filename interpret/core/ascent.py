"""The one loop: climb a score over variables with a pluggable update, compiled once.

Every iterative technique is this loop with its own score and update:

* activation maximization (and every render): the objective on the transformed
  images, :class:`~interpret.core.updates.Adam` on the parameterization;
* FGSM, PGD and the fooling images: the (negated) class log-probability,
  :class:`~interpret.core.updates.SignedStep` / :class:`~interpret.core.updates.L2Step`
  inside the eps-ball;

The plain version of one step, which :class:`Ascent` compiles::

    with tf.GradientTape() as tape:
        loss = -tf.reduce_sum(score(step))       # one value per image
    grads = tape.gradient(loss, variables)
    update.apply(variables, grads, step + 1)     # Adam, a signed step, ...

The step is one ``tf.function`` (traced once, without autograph) called from a
Python loop: on CPU that runs faster than the same step inside a ``tf.range``
while-loop, and under the bfloat16 rewrite it keeps the variables and the update
in float32 (see :mod:`interpret._fast.precision`). Progress moves between chunks
of steps. A score may also return a per-image *stop* flag: an image that raises it
is frozen (its gradient zeroed) and the loop ends once every image has.

Example:
    >>> from interpret._tf import tf
    >>> from interpret.core.updates import Adam
    >>> x = tf.Variable([[0.0, 0.0]])
    >>> climb = Ascent(lambda step: -tf.reduce_sum((x - 1.0) ** 2, axis=1), [x], Adam(0.1))
    >>> climb.run(200)
    200
    >>> x.numpy().round(2).tolist()
    [[1.0, 1.0]]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from interpret._fast import precision as precision_lib
from interpret.core.updates import Update

Score = Callable[[Any], Any]  # step (int64 tensor, 0-based) -> values (B,) or (values, stop)


class Ascent:
    """Climb ``score`` over ``variables`` with ``update``; the compiled step is built once.

    Args:
        score: ``score(step) -> values`` with one value per image (a tensor of
            shape (B,)), or ``(values, stop)`` where ``stop`` (B,) bool freezes
            images once true. ``step`` is the 0-based step count, a tensor.
        variables: the ``tf.Variable`` s to change (images, a parameterization).
        update: how a step changes them (:mod:`interpret.core.updates`).
        stops: the score returns ``(values, stop)``; the first variable must then
            hold the batch of images, one per value.

    :meth:`run` can be called again (new images assigned to the variables, a new
    eps in the update's ball) without retracing; :meth:`restart` zeroes the step
    count, the stop flags and the update's state.

    Example:
        >>> from interpret.core.updates import SignedStep, Ball
        >>> x = tf.Variable([[0.2, 0.9]], shape=tf.TensorShape([None, 2]))
        >>> ball = Ball("linf", x0=x.numpy(), eps=0.5)
        >>> def score(step):  # climb x[0]; stop once it passes 0.5
        ...     return x[:, 0], x[:, 0] > 0.5
        >>> climb = Ascent(score, [x], SignedStep(0.1, ball), stops=True)
        >>> climb.run(100), x.numpy().round(2)
        (5, array([[0.6, 0.9]], dtype=float32))
        >>> climb.restart(); climb.steps_done
        0
    """

    def __init__(
        self, score: Score, variables: Sequence[Any], update: Update, *, stops: bool = False
    ):
        from interpret._tf import tf

        self.score = score
        self.variables = list(variables)
        self.update = update
        self.stops = stops
        update.build(self.variables)
        self._t = tf.Variable(0, dtype=tf.int64, trainable=False)
        self._done = (
            tf.Variable(self._no_stops(), shape=tf.TensorShape([None]), trainable=False)
            if stops
            else None
        )
        self._compiled = tf.function(self._step, autograph=False)

    @property
    def steps_done(self) -> int:
        """Steps taken since the last :meth:`restart`."""
        return int(self._t.numpy())

    def restart(self) -> None:
        """Start again: step count 0, no image stopped, the update's state cleared."""
        self._t.assign(0)
        if self.stops:
            self._done.assign(self._no_stops())
        self.update.reset()

    def _no_stops(self) -> Any:
        from interpret._tf import tf

        return tf.zeros(tf.shape(self.variables[0])[:1], tf.bool)

    def _step(self) -> Any:
        from interpret._tf import tf

        self._t.assign_add(1)
        k = self._t - 1
        with tf.GradientTape() as tape:
            out = self.score(k)
            values, stop = out if isinstance(out, tuple) else (out, None)
            loss = -tf.reduce_sum(values)
        grads = tape.gradient(loss, self.variables)
        finished = tf.constant(False)
        if self.stops:
            done = self._done.assign(tf.logical_or(self._done, stop))
            keep = 1.0 - tf.cast(done, tf.float32)
            grads = [g * tf.reshape(keep, [-1] + [1] * (len(g.shape) - 1)) for g in grads]
            finished = tf.reduce_all(done)
        self.update.apply(self.variables, grads, self._t)
        return finished

    def run(
        self,
        steps: int,
        *,
        chunk: int = 32,
        advance: Callable[[int], None] | None = None,
        precision: str = "float32",
    ) -> int:
        """Take up to ``steps`` steps; returns how many ran (fewer once every image stopped).

        ``advance(n)`` is called after every ``chunk`` steps (see
        :mod:`interpret.core.progress`); ``precision`` is the arithmetic of the
        compiled step (:mod:`interpret._fast.precision`).

        Example:
            >>> from interpret.core.updates import Adam
            >>> x = tf.Variable([[0.0]])
            >>> Ascent(lambda step: x[:, 0], [x], Adam(0.1)).run(10, chunk=5, advance=print)
            5
            5
            10
        """
        done = 0
        with precision_lib.compute(precision):
            while done < steps:
                n = min(int(chunk), int(steps) - done)
                for i in range(n):
                    finished = self._compiled()
                    if self.stops and bool(finished):
                        if advance is not None:
                            advance(i + 1)
                        return done + i + 1
                done += n
                if advance is not None:
                    advance(n)
        return done
