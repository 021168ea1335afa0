"""APGD (Croce and Hein 2020): PGD whose step size adapts per image, with momentum and restarts.

One run, per image, from a random point on the eps-ball's surface (Linf or L2):

* the step starts at ``2 * eps``; each iteration takes a signed (Linf) or normalised (L2)
  gradient step, projects, and mixes in momentum ``0.75`` (the first step has none);
* at checkpoints (after 22, 41, 57, 70, 80, 87, 93 and 99 of 100 iterations: intervals
  shrinking from 22% to 6% of the budget) an image halves its step and jumps back to its
  best point so far if its loss rose in at most 75% of the interval's iterations, or if
  neither its step size nor its best loss changed since the last checkpoint;
* the loss is cross-entropy (``ce``) or the scale-invariant DLR (``dlr``); targeted runs
  climb ``-ce`` to the target or the targeted DLR (:mod:`interpret.attacks.losses`);
* an image counts as fooled as soon as any iterate is misclassified (or reaches the
  target), and that iterate is returned; restarts attack only the images still robust.

APGD-T (:func:`apgd_targeted`) runs the targeted DLR once per target class: the classes
ranked 2nd, 3rd, ... by the clean image's logits (9 targets in AutoAttack), each on the
images still robust; it counts any misclassification.

Why not :class:`~interpret.core.ascent.Ascent` with an ``Update``: every iteration needs
the loss and the prediction at the new point, per image, besides the gradient (to track
the best point, the best adversarial and the checkpoint counts), and a checkpoint moves
an image back to its best point *and* its gradient. The shared loop hands an update only
gradients, so the loss would travel through variables written from inside the score, and
the loop could not be distributed. Here the state is a dict of tensors advanced by pure
compiled steps (one call per iteration; a checkpoint is one more cheap call), which runs
on one device or data-parallel on many (:mod:`interpret.attacks.distributed`); images
found adversarial are dropped from the batch every few iterations, which changes no other
image's trajectory (only which misclassified iterate a dropped image returns). Measured in
``benchmarks/autoattack_compare.py`` against the bare compiled gradient loop with the same
number of gradients.

Example:
    >>> from interpret.core.models import resolve
    >>> from interpret.data import datasets
    >>> probe = resolve("mnist-cnn").probe
    >>> x, y = datasets.first_test_images("mnist", 16)
    >>> adv, fooled = apgd(probe, x, y, eps=0.3, steps=20)
    >>> bool(np.abs(adv - x).max() <= 0.3 + 1e-6), bool(fooled.mean() > 0.5)
    (True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from interpret.attacks import losses, noise
from interpret.attacks.distributed import Runner
from interpret.attacks.plan import Plan
from interpret.core.reader import Reader
from interpret.core.updates import project

MOMENTUM = 0.75
RHO = 0.75  # a checkpoint halves the step when the loss rose in <= 75% of the interval
DROP_AT = 0.1  # drop fooled images from the batch once they are this share of it
HARVEST_EVERY = 5  # iterations between looks at which images are fooled


def checkpoints(steps: int) -> dict[int, int]:
    """0-based iteration -> the length of the interval it closes, as the paper schedules them.

    Example:
        >>> list(checkpoints(100))
        [21, 40, 56, 69, 79, 86, 92, 98]
    """
    k, shrink, least = (
        max(int(0.22 * steps), 1),
        max(int(0.03 * steps), 1),
        max(int(0.06 * steps), 1),
    )
    out, count = {}, 0
    for i in range(steps):
        count += 1
        if count == k:
            out[i] = k
            k, count = max(k - shrink, least), 0
    return out


def _rows(v: Any, like: Any) -> Any:
    """A per-image vector shaped to broadcast against images ``like``."""
    from interpret._tf import tf

    return tf.reshape(v, [-1] + [1] * (len(like.shape) - 1))


def _unit(v: Any, norm: str) -> Any:
    """``v`` divided, per image, by its Linf or L2 norm."""
    from interpret._tf import tf

    axes = list(range(1, len(v.shape)))
    if norm == "linf":
        size = tf.reduce_max(tf.abs(v), axis=axes, keepdims=True)
    else:
        size = tf.sqrt(tf.reduce_sum(tf.square(v), axis=axes, keepdims=True))
    return v / (size + 1e-12)


@dataclass(frozen=True)
class Loss:
    """What a run climbs and what counts as fooled: ``name`` in ce, dlr, ce-targeted, dlr-targeted."""

    name: str
    reach_target: bool  # success = predicted as the target (else: anything but the label)

    def __call__(self, z: Any, y: Any, t: Any) -> Any:
        if self.name == "ce":
            return losses.ce(z, y)
        if self.name == "dlr":
            return losses.dlr(z, y)
        if self.name == "ce-targeted":
            return -losses.ce(z, t)
        return losses.dlr_targeted(z, y, t)


class _Steps:
    """The compiled init, step and checkpoint of one (model, norm, loss, runner)."""

    def __init__(self, probe: Any, norm: str, loss: Loss, runner: Runner):
        self.norm, self.loss = norm, loss
        self.reader = Reader(probe, logits=True)
        self.init = runner.compile(self._init)
        self.step = runner.compile(self._step)
        self.check = runner.compile(self._check)

    def _value_grad(self, x: Any, s: dict) -> tuple[Any, Any, Any]:
        from interpret._tf import tf

        with tf.GradientTape() as tape:
            tape.watch(x)
            z = self.reader(x).logits
            v = self.loss(z, s["y"], s["t"])
            total = tf.reduce_sum(v)
        g = tape.gradient(total, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)
        pred = tf.argmax(z, axis=1, output_type=tf.int32)
        hit = tf.equal(pred, s["t"]) if self.loss.reach_target else tf.not_equal(pred, s["y"])
        return v, g, hit

    def _box(self, x0: Any, eps: Any) -> dict:
        """Linf: the per-pixel bounds of the eps-ball within [0, 1], computed once per run."""
        from interpret._tf import tf

        if self.norm != "linf":
            return {}
        return {"lo": tf.maximum(x0 - eps, 0.0), "hi": tf.minimum(x0 + eps, 1.0)}

    def _project(self, x: Any, s: dict, eps: Any) -> Any:
        """:func:`~interpret.core.updates.project`; Linf as one clip to the precomputed box.

        Clipping to [x0 - eps, x0 + eps] and then to [0, 1] is clipping to their
        intersection (min and max are exact): the same bits, 2 element-wise passes, not 6.
        """
        from interpret._tf import tf

        if self.norm != "linf":
            return project(x, s["x0"], eps, self.norm)
        return tf.clip_by_value(x, s["lo"], s["hi"])

    def _init(self, s: dict, eps: Any) -> dict:
        from interpret._tf import tf

        x = s["x"]
        v, g, hit = self._value_grad(x, s)
        n = tf.shape(v)[0]
        return {
            **s,
            **self._box(s["x0"], eps),
            "x_prev": x,
            "g": g,
            "loss": v,
            "x_best": x,
            "g_best": g,
            "loss_best": v,
            "x_adv": tf.where(_rows(hit, x), x, s["x0"]),
            "fooled": hit,
            "eta": tf.fill([n], 2.0 * eps),
            "count": tf.zeros([n]),
            "best_at_check": v,
            "reduced": tf.ones([n], tf.bool),
        }

    def _step(self, s: dict, eps: Any, a: Any) -> dict:
        from interpret._tf import tf

        x = s["x"]
        direction = tf.sign(s["g"]) if self.norm == "linf" else _unit(s["g"], "l2")
        z1 = self._project(x + _rows(s["eta"], x) * direction, s, eps)
        x1 = self._project(x + a * (z1 - x) + (1.0 - a) * (x - s["x_prev"]), s, eps)
        v, g, hit = self._value_grad(x1, s)
        better = v > s["loss_best"]
        b = _rows(better, x)
        return {
            **s,
            "x": x1,
            "x_prev": x,
            "g": g,
            "loss": v,
            "x_best": tf.where(b, x1, s["x_best"]),
            "g_best": tf.where(b, g, s["g_best"]),
            "loss_best": tf.where(better, v, s["loss_best"]),
            "x_adv": tf.where(_rows(hit, x), x1, s["x_adv"]),
            "fooled": tf.logical_or(s["fooled"], hit),
            "count": s["count"] + tf.cast(v > s["loss"], tf.float32),
        }

    def _check(self, s: dict, threshold: Any) -> dict:
        from interpret._tf import tf

        stuck = tf.logical_and(tf.logical_not(s["reduced"]), s["best_at_check"] >= s["loss_best"])
        halve = tf.logical_or(s["count"] <= threshold, stuck)
        h = _rows(halve, s["x"])
        return {
            **s,
            "eta": tf.where(halve, s["eta"] / 2.0, s["eta"]),
            "x": tf.where(h, s["x_best"], s["x"]),
            "g": tf.where(h, s["g_best"], s["g"]),
            "reduced": halve,
            "best_at_check": s["loss_best"],
            "count": tf.zeros_like(s["count"]),
        }


class _Collect:
    """The adversarial images found so far, by row of the whole input."""

    def __init__(self, x: np.ndarray):
        self.adv = x.copy()
        self.fooled = np.zeros(len(x), bool)

    def harvest(self, runner: Runner, state: Any, drop: bool) -> tuple[Any, int]:
        """Record the fooled rows; with ``drop``, remove them from the state when worth it."""
        parts = runner.parts(state, ["row", "fooled", "x_adv"])
        left = 0
        for p in parts:
            rows = p["row"][p["fooled"]]
            self.adv[rows] = p["x_adv"][p["fooled"]]
            self.fooled[rows] = True
            left += int((~p["fooled"]).sum())
        total = sum(len(p["row"]) for p in parts)
        if drop and left and total - left >= DROP_AT * total:
            state = runner.select(state, [~p["fooled"] for p in parts])
        return state, left


def run_once(
    probe: Any,
    x0: np.ndarray,
    y: np.ndarray,
    t: np.ndarray,
    start: np.ndarray,
    *,
    eps: float,
    norm: str,
    loss: Loss,
    steps: int,
    runner: Runner,
    drop: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """One APGD run from ``start``; returns (adversarial or original image, fooled) per image.

    ``drop=False`` keeps fooled images in the batch and runs every step even when all are
    fooled (the speed benchmark's like-for-like setting); the same images come out fooled.

    Example:
        >>> from interpret.attacks.distributed import make_runner
        >>> from interpret.core.models import resolve
        >>> from interpret.data import datasets
        >>> probe = resolve("mnist-cnn").probe
        >>> x, y = datasets.first_test_images("mnist", 16)
        >>> z = np.zeros(16, "int32")
        >>> adv, fooled = run_once(probe, x, y, z, x, eps=0.3, norm="linf",
        ...                        loss=Loss("ce", False), steps=10, runner=make_runner("one"))
        >>> fooled.shape
        (16,)
    """
    from interpret._tf import tf

    key = ("apgd", norm, loss, id(runner.strategy))
    fns = probe.memo(key, lambda: _Steps(probe, norm, loss, runner))
    out = _Collect(x0)
    parts = [
        {"x0": x0[p], "y": y[p], "t": t[p], "x": start[p], "row": p.astype(np.int32)}
        for p in runner.split(len(x0))
    ]
    e = tf.constant(float(eps), tf.float32)
    state = fns.init(runner.put(parts), e)
    marks = checkpoints(steps)
    first, momentum = tf.constant(1.0), tf.constant(MOMENTUM)
    thresholds = {i: tf.constant(k * RHO) for i, k in marks.items()}
    for i in range(steps):
        state = fns.step(state, e, first if i == 0 else momentum)
        if i in marks:
            state = fns.check(state, thresholds[i])
        if i in marks or (i + 1) % HARVEST_EVERY == 0:
            state, left = out.harvest(runner, state, drop)
            if drop and not left:  # without drop every step runs (like for like, in benchmarks)
                return out.adv, out.fooled
    out.harvest(runner, state, False)
    return out.adv, out.fooled


def apgd(
    probe: Any,
    x: np.ndarray,
    y: np.ndarray,
    *,
    eps: float,
    norm: str = "linf",
    loss: str = "ce",
    steps: int = 100,
    restarts: int = 1,
    target: np.ndarray | None = None,
    seed: int = 0,
    ids: np.ndarray | None = None,
    devices: Any = "auto",
) -> tuple[np.ndarray, np.ndarray]:
    """APGD with ``restarts`` random starts; returns (adversarial or original image, fooled).

    ``target`` (one class per image) makes it targeted: ``-ce`` or the targeted DLR to the
    target, success = reaching it. ``ids`` are the images' places in the whole evaluation
    (their random streams); default ``0..n-1``.

    Example: see the module docstring.
    """
    plan = Plan.of(
        len(x), norm=norm, steps=steps, restarts=restarts, seed=seed, ids=ids, devices=devices
    )
    if target is None:
        spec, t = Loss(loss, False), np.zeros(len(x), np.int32)
    else:
        spec, t = Loss(f"{loss}-targeted", True), np.asarray(target, np.int32)
    tags = lambda j, r: f"apgd-{r}"  # noqa: E731 (the random stream of each restart)
    return _restarts(probe, x, y, [t], spec, tags, eps, plan)


def _restarts(
    probe: Any,
    x: np.ndarray,
    y: np.ndarray,
    targets: list[np.ndarray],
    spec: Loss,
    tags: Any,
    eps: float,
    plan: Plan,
) -> tuple[np.ndarray, np.ndarray]:
    """APGD per target array and restart, each on the images no earlier run fooled."""
    adv, fooled = x.copy(), np.zeros(len(x), bool)
    for j, t in enumerate(targets):
        for r in range(plan.restarts):
            todo = np.flatnonzero(~fooled)
            if not len(todo):
                return adv, fooled
            gens = noise.streams(plan.seed, tags(j, r), plan.ids[todo])
            start = noise.ball_start(x[todo], eps, plan.norm, gens)
            a, f = run_once(
                probe,
                x[todo],
                y[todo],
                t[todo],
                start,
                eps=eps,
                norm=plan.norm,
                loss=spec,
                steps=plan.steps,
                runner=plan.runner,
            )
            adv[todo[f]], fooled[todo[f]] = a[f], True
    return adv, fooled


def ranked_targets(probe: Any, x: np.ndarray, targets: int) -> list[np.ndarray]:
    """The classes ranked 2nd .. (targets + 1)th by each clean image's logits, one array each.

    Example:
        >>> from interpret.core.models import resolve
        >>> probe = resolve("mnist-cnn").probe
        >>> [t.shape for t in ranked_targets(probe, np.zeros((3, 28, 28, 1), "float32"), 2)]
        [(3,), (3,)]
    """
    z = probe.logits(x).numpy() if len(x) else np.zeros((0, probe.n_classes), np.float32)
    order = np.argsort(-z, axis=1, kind="stable").astype(np.int32)
    return [order[:, rank - 1] for rank in range(2, targets + 2)]


def apgd_targeted(
    probe: Any,
    x: np.ndarray,
    y: np.ndarray,
    *,
    eps: float,
    norm: str = "linf",
    steps: int = 100,
    restarts: int = 1,
    targets: int = 9,
    seed: int = 0,
    ids: np.ndarray | None = None,
    devices: Any = "auto",
) -> tuple[np.ndarray, np.ndarray]:
    """APGD-T: the targeted DLR towards the classes ranked 2 .. targets+1 on the clean image.

    Each target runs on the images still robust; any misclassification counts.

    Example:
        >>> from interpret.core.models import resolve
        >>> from interpret.data import datasets
        >>> probe = resolve("mnist-cnn").probe
        >>> x, y = datasets.first_test_images("mnist", 4)
        >>> adv, fooled = apgd_targeted(probe, x[:4], y[:4], eps=0.3, steps=10, targets=2)
        >>> fooled.shape
        (4,)
    """
    plan = Plan.of(
        len(x), norm=norm, steps=steps, restarts=restarts, seed=seed, ids=ids, devices=devices
    )
    tags = lambda j, r: f"apgd-t{j + 2}-{r}"  # noqa: E731 (each target and restart: its own stream)
    spec = Loss("dlr-targeted", False)
    return _restarts(probe, x, y, ranked_targets(probe, x, targets), spec, tags, eps, plan)
