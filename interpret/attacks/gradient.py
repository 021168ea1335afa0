"""FGSM, PGD and the fooling images: signed (Linf) or normalised (L2) steps on the shared loop.

Each is :class:`~interpret.core.ascent.Ascent` climbing a class score of the logits:
untargeted attacks descend the log-probability of the label (``loss="ce"``) or its
logit (``loss="logit"``), targeted ones (and the fooling images) ascend it. The
update is a :class:`~interpret.core.updates.SignedStep` (Linf) or
:class:`~interpret.core.updates.L2Step` (L2) followed by the projection onto the
eps-ball and the [0, 1] box. With a stop confidence an image freezes once its
softmax probability of the class reaches it, and the loop ends when all have.

The loop is built once per model and configuration and reused for every batch and
eps (the images, labels, eps and step size live in variables).

* FGSM (Goodfellow et al. 2015): one step of size eps from the image (FGM with L2);
* PGD (Madry et al. 2018): ``steps`` steps of ``step_size`` from a random start in
  the ball; the final iterate is returned, as foolbox and ART do.

Example:
    >>> import numpy as np
    >>> from interpret.core.models import resolve
    >>> from interpret.data.datasets import load_test_images
    >>> probe = resolve("mnist-cnn").probe
    >>> x, y = load_test_images("mnist").split("test")
    >>> x, y = x[:8] / 255, y[:8]
    >>> adv, ran = projected_steps(probe, x, x, y, eps=0.1, step_size=0.1, steps=1)
    >>> ran, bool(np.abs(adv - x).max() <= 0.1 + 1e-6)
    (1, True)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from interpret._fast import precision as precision_lib
from interpret.core import objectives as obj
from interpret.core.ascent import Ascent
from interpret.core.reader import Reader
from interpret.core.updates import Ball, L2Step, SignedStep


class _Loop:
    """The compiled loop of one configuration: variables for the batch, the ball, the step."""

    def __init__(self, probe: Any, norm: str, targeted: bool, loss: str, stops: bool):
        from interpret._tf import tf

        shape = tf.TensorShape([None, *probe.input_shape])
        self.x = tf.Variable(tf.zeros([0, *probe.input_shape]), shape=shape, trainable=True)
        self.y = tf.Variable(tf.zeros([0], tf.int32), shape=tf.TensorShape([None]))
        self.stop_logp = tf.Variable(0.0, trainable=False)
        self.ball = Ball(norm, tf.zeros([0, *probe.input_shape]))
        step = (SignedStep if norm == "linf" else L2Step)(0.0, self.ball)
        self.step = step
        score = obj.class_logit(self.y) if loss == "logit" else obj.class_logprob(self.y)
        objective = score if targeted else -score
        confidence = obj.class_logprob(self.y)
        reader = Reader(probe, objective)

        def values(k: Any) -> Any:
            ctx = reader(self.x)
            if not stops:
                return objective(ctx)
            return objective(ctx), confidence(ctx) >= self.stop_logp

        self.ascent = Ascent(values, [self.x], step, stops=stops)


def projected_steps(
    probe: Any,
    x: np.ndarray,
    x0: np.ndarray,
    y: np.ndarray,
    *,
    eps: float,
    step_size: float,
    steps: int,
    norm: str = "linf",
    targeted: bool = False,
    loss: str = "ce",
    stop_confidence: float | None = None,
    precision: str = "float32",
    advance: Any = None,
    chunk: int = 50,
) -> tuple[np.ndarray, int]:
    """Run ``steps`` projected gradient steps from ``x`` in the eps-ball around ``x0``.

    Untargeted steps descend the log-probability of ``y`` (``loss="ce"``) or its
    logit (``loss="logit"``); targeted ones ascend it. With ``stop_confidence`` an
    image freezes once its softmax probability of ``y`` reaches it, and the loop
    ends when every image has. ``precision`` is the loop's arithmetic (see
    :mod:`interpret._fast.precision`). Returns the images and the steps run.

    Example: see the module docstring.
    """
    stops = stop_confidence is not None
    used = precision_lib.resolve(precision)
    # one loop per precision: the one-channel conv gradient picks its kernel when traced
    key = ("projected-steps", norm, bool(targeted), loss, stops, used)
    loop = probe.memo(key, lambda: _Loop(probe, norm, bool(targeted), loss, stops))
    loop.x.assign(np.asarray(x, np.float32))
    loop.y.assign(np.asarray(y, np.int32))
    loop.ball.set(np.asarray(x0, np.float32), eps)
    loop.step.size.assign(float(step_size))
    loop.stop_logp.assign(math.log(stop_confidence) if stops else 0.0)
    loop.ascent.restart()
    ran = loop.ascent.run(int(steps), chunk=chunk, advance=advance, precision=used)
    return loop.x.numpy(), ran


def random_start(x: np.ndarray, eps: float, norm: str, rng: np.random.Generator) -> np.ndarray:
    """A uniformly random point of the eps-ball (Linf box or L2 ball) around x, clipped to [0, 1].

    Example:
        >>> import numpy as np
        >>> s = random_start(np.full((2, 4, 4, 1), .5, "float32"), .1, "linf", np.random.default_rng(0))
        >>> bool(np.abs(s - .5).max() <= .1)
        True
    """
    if norm == "linf":
        noise = rng.uniform(-eps, eps, size=x.shape)
    else:
        d = int(np.prod(x.shape[1:]))
        direction = rng.standard_normal(size=x.shape)
        direction /= np.sqrt((direction**2).reshape(len(x), -1).sum(1)).reshape(
            -1, *[1] * (x.ndim - 1)
        )
        radius = eps * rng.uniform(size=len(x)) ** (1.0 / d)
        noise = direction * radius.reshape(-1, *[1] * (x.ndim - 1))
    return np.clip(x + noise, 0.0, 1.0).astype(np.float32)


def fgsm(
    probe: Any, x: np.ndarray, goal: np.ndarray, eps: float, params: dict, targeted: bool
) -> np.ndarray:
    """One step of size eps (signed for Linf, normalised for L2) from the images.

    Example:
        >>> import numpy as np
        >>> from interpret.core.models import resolve
        >>> from interpret.data.datasets import load_test_images
        >>> x, y = load_test_images("mnist").split("test")
        >>> x, y = x[:8] / 255, y[:8]
        >>> adv = fgsm(resolve("mnist-cnn").probe, x, y, 0.1, {"norm": "linf", "precision": "float32"}, False)
        >>> adv.shape, float(np.abs(adv - x).max().round(4))
        ((8, 28, 28, 1), 0.1)
    """
    if eps == 0:
        return x.copy()
    return projected_steps(
        probe,
        x,
        x,
        goal,
        eps=eps,
        step_size=eps,
        steps=1,
        norm=params["norm"],
        targeted=targeted,
        precision=params["precision"],
    )[0]


def pgd(
    probe: Any,
    x: np.ndarray,
    goal: np.ndarray,
    eps: float,
    params: dict,
    targeted: bool,
    rng: np.random.Generator,
) -> np.ndarray:
    """``steps`` projected steps of ``step_size`` from a random start in the ball (or the image).

    Example:
        >>> import numpy as np
        >>> from interpret.attacks.options import DEFAULTS
        >>> from interpret.core.models import resolve
        >>> from interpret.data.datasets import load_test_images
        >>> x, y = load_test_images("mnist").split("test")
        >>> x, y = x[:8] / 255, y[:8]
        >>> params = {**DEFAULTS["pgd"], "steps": 10}
        >>> adv = pgd(resolve("mnist-cnn").probe, x, y, 0.1, params, False, np.random.default_rng(0))
        >>> adv.shape, bool(np.abs(adv - x).max() <= 0.1 + 1e-6)
        ((8, 28, 28, 1), True)
    """
    start = random_start(x, eps, params["norm"], rng) if params["random_start"] else x
    return projected_steps(
        probe,
        start,
        x,
        goal,
        eps=eps,
        step_size=params["step_size"],
        steps=int(params["steps"]),
        norm=params["norm"],
        targeted=targeted,
        precision=params["precision"],
    )[0]
