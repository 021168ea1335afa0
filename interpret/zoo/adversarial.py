"""Adversarial training: the settings, the compiled training step, and robust accuracy.

Three methods, each a min-max over perturbations of [0, 1] images within ``eps`` in the Linf
norm (the default, as the papers below) or the L2 norm (``norm="l2"``: every step below
then moves along the gradient scaled to L2 length ``step_size`` instead of its sign):

* ``fgsm-rs`` (Wong et al. 2020, "fast is better than free"): one signed step of
  ``step_size`` (default 1.25 eps) from a uniformly random start in the eps-box,
  then the weight update on the perturbed batch. About twice the cost of a
  standard step. Its failure mode, catastrophic overfitting (robustness to
  multi-step attacks collapses within an epoch), is watched by the guard of
  :mod:`interpret.zoo.fit`;
* ``pgd`` (Madry et al. 2018): ``attack_steps`` signed steps (default 10, of 2.5 eps /
  attack_steps) from a random start; ``attack_steps + 1`` times the cost of a standard step;
* ``trades`` (Zhang et al. 2019): the clean cross-entropy plus ``beta`` times
  ``KL(p(x) || p(x'))``, with ``x'`` found by ``attack_steps`` signed steps that climb that KL
  from ``x`` plus small Gaussian noise.

The attack inside the step is :func:`interpret.attacks.ingraph.ball_steps` (its
docstring says why it is separate from the shared attack loop). The attack runs on
the model as interpret sees it (the probe: [0, 1] images, logits, inference mode);
the weight update calls the model itself in training mode, so Dropout and
BatchNorm train as usual.

Example:
    >>> adv = Adversarial("fgsm-rs", eps=0.3).checked()
    >>> adv.step_size, adv.attack_steps
    (0.375, 1)
    >>> Adversarial("pgd", eps=2.0, attack_steps=5, norm="l2").checked().step_size
    1.0
    >>> Adversarial("trades", eps=8 / 255, beta=0).checked()
    Traceback (most recent call last):
    ...
    interpret.core.errors.UserError: beta= must be greater than 0, got 0
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from interpret.core import checks
from interpret.core.errors import UserError
from interpret.core.updates import NORMS

METHODS = ("fgsm-rs", "pgd", "trades")
DEFAULT_STEPS = {"fgsm-rs": 1, "pgd": 10, "trades": 10}


@dataclass(frozen=True)
class Adversarial:
    """How a model is trained adversarially (see the module docstring).

    Args:
        method: ``fgsm-rs``, ``pgd`` or ``trades``.
        eps: the budget in [0, 1] pixel units: in (0, 1] for Linf, > 0 for L2.
        step_size: the attack's step; default 1.25 eps (fgsm-rs), 2.5 eps / attack_steps
            (pgd, trades).
        attack_steps: the attack's steps; default 1 (fgsm-rs), 10 (pgd, trades).
        beta: TRADES' weight of the robustness term (> 0; default 6).
        eps_warmup: epochs over which eps (and the step) ramps up linearly from 0.
        guard: stop when the PGD accuracy of a fixed batch of training images falls
            by more than this fraction in one epoch, and keep the weights from before
            the fall (Wong et al.'s guard against catastrophic overfitting); None: off.
        norm: ``linf`` or ``l2``, the ball the attack stays in.
    """

    method: str
    eps: float
    step_size: float | None = None
    attack_steps: int | None = None
    beta: float | None = None
    eps_warmup: float = 0.0
    guard: float | None = 0.2
    norm: str = "linf"

    def checked(self) -> Adversarial:
        """The settings validated, with every default filled in.

        Example:
            >>> Adversarial("pgd", eps=0.3, attack_steps=40).checked().step_size
            0.01875
            >>> Adversarial("pgd", eps=1.5).checked()
            Traceback (most recent call last):
            ...
            interpret.core.errors.UserError: eps= must lie in (0, 1], got 1.5
        """
        method = checks.choice(self.method, METHODS, "adversarial", "adversarial training method")
        norm = checks.choice(self.norm, NORMS, "norm", "norm")
        eps = (
            checks.fraction(self.eps, "eps") if norm == "linf" else checks.positive(self.eps, "eps")
        )
        if self.beta is not None and method != "trades":
            raise UserError(f"{{beta}} applies to trades only, not {method}", "beta")
        beta = checks.positive(6.0 if self.beta is None else self.beta, "beta")
        if method == "fgsm-rs" and self.attack_steps not in (None, 1):
            raise UserError(
                "fgsm-rs takes one step; use pgd for {attack_steps} > 1", "attack_steps"
            )
        steps = checks.positive_int(
            DEFAULT_STEPS[method] if self.attack_steps is None else self.attack_steps,
            "attack_steps",
        )
        default_step = 1.25 * eps if method == "fgsm-rs" else 2.5 * eps / steps
        step_size = checks.positive(
            default_step if self.step_size is None else self.step_size, "step_size"
        )
        warmup = checks.non_negative(self.eps_warmup, "eps_warmup")
        guard = None if self.guard is None else checks.fraction(self.guard, "guard")
        return replace(
            self, method=method, eps=eps, beta=beta if method == "trades" else None, attack_steps=steps,
            step_size=step_size, eps_warmup=warmup, guard=guard, norm=norm,
        )  # fmt: skip

    def eps_at(self, epoch: float) -> float:
        """The eps used at a (fractional) epoch: ramped over ``eps_warmup`` epochs, then ``eps``.

        Example:
            >>> Adversarial("fgsm-rs", 0.3, eps_warmup=2).eps_at(0.5)
            0.075
        """
        if self.eps_warmup <= 0:
            return float(self.eps)
        return float(self.eps) * min(1.0, max(0.0, epoch) / self.eps_warmup)

    def to_dict(self) -> dict:
        """Plain dict for cards.

        Example:
            >>> Adversarial("pgd", 0.3).checked().to_dict()["attack_steps"]
            10
        """
        return asdict(self)


def perturb(adv: Adversarial, logits_fn: Any, x: Any, y: Any, eps: Any, generator: Any) -> Any:
    """The adversarial batch for one training step (traceable): ``adv``'s attack at budget ``eps``.

    The step size scales with ``eps`` (so an eps warm-up keeps the ratio).

    Example:
        >>> from interpret._tf import tf
        >>> x = tf.fill((2, 4, 4, 1), 0.5)
        >>> f = lambda im: tf.reshape(im, (2, -1))[:, :3]
        >>> a = perturb(Adversarial("fgsm-rs", 0.1).checked(), f, x, tf.constant([0, 1]), 0.1,
        ...             tf.random.Generator.from_seed(0))
        >>> float(tf.reduce_max(tf.abs(a - x))) <= 0.1 + 1e-6
        True
    """
    import interpret.attacks.ingraph as ingraph
    from interpret._tf import tf

    step = eps * (adv.step_size / adv.eps)
    if adv.method == "trades":
        p_clean = tf.stop_gradient(tf.nn.softmax(logits_fn(x)))
        start = ingraph.normal_start(generator, x)
        kw = {"loss": "kl", "p_clean": p_clean}
    else:
        start, kw = ingraph.uniform_start(generator, x, eps, adv.norm), {}
    return ingraph.ball_steps(
        logits_fn, x, y, start, eps=eps, step_size=step, steps=adv.attack_steps, norm=adv.norm, **kw
    )


def training_loss(adv: Adversarial | None, logits_fn: Any, x: Any, x_adv: Any, y: Any) -> Any:
    """The mean loss the weights descend: CE on ``x_adv``, or TRADES' CE(x) + beta KL(p(x) || p(x_adv)).

    ``adv=None`` is standard training (CE on ``x``).

    Example:
        >>> from interpret._tf import tf
        >>> f = lambda im: tf.reshape(im, (1, -1))
        >>> x = tf.constant([[0.0, 0.0]])
        >>> round(float(training_loss(None, f, x, x, tf.constant([0]))), 4)  # log 2
        0.6931
    """
    from interpret._tf import tf

    def ce(logits: Any) -> Any:
        return tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
        )

    if adv is None:
        return ce(logits_fn(x))
    if adv.method != "trades":
        return ce(logits_fn(x_adv))
    clean = logits_fn(x)
    p = tf.nn.softmax(clean)
    kl = tf.reduce_sum(p * (tf.nn.log_softmax(clean) - tf.nn.log_softmax(logits_fn(x_adv))), -1)
    return ce(clean) + adv.beta * tf.reduce_mean(kl)


def model_logits(probe: Any, training: bool = True) -> Any:
    """``[0, 1] images -> logits`` through the model itself (training mode), mapped to its range.

    A softmax head gives log-probabilities, which differ from the logits by a
    constant per image, so the losses and their gradients are the same.

    Example:
        >>> f = model_logits(resolve("mnist-cnn").probe)  # doctest: +SKIP
    """
    from interpret._tf import tf

    lo, hi = probe.input_range
    model, soft = probe.model, probe.softmax_head

    def logits(x: Any) -> Any:
        out = model(x * (hi - lo) + lo, training=training)
        return tf.math.log(tf.maximum(out, 1e-30)) if soft else out

    return logits


class TrainStep:
    """One compiled step of (adversarial) training: attack the batch, then update the weights.

    ``step(x, y, eps)`` takes a float [0, 1] batch, int labels and the eps of this
    step (a scalar, so an eps warm-up does not retrace); returns (loss, accuracy on
    the batch the weights saw).

    Example:
        >>> step = TrainStep(probe, optimizer, Adversarial("fgsm-rs", 0.3).checked(), seed=0)  # doctest: +SKIP
        >>> loss, acc = step(x, y, 0.3)  # doctest: +SKIP
    """

    def __init__(self, probe: Any, optimizer: Any, adv: Adversarial | None, seed: int = 0):
        from interpret._tf import tf

        self.probe, self.optimizer, self.adv = probe, optimizer, adv
        self.generator = tf.random.Generator.from_seed(seed)
        self._train_logits = model_logits(probe)
        self._compiled = tf.function(self._step, autograph=False, reduce_retracing=True)

    def _step(self, x: Any, y: Any, eps: Any) -> Any:
        from interpret._tf import tf

        x_adv = (
            x
            if self.adv is None
            else perturb(self.adv, self.probe.logits, x, y, eps, self.generator)
        )
        variables = self.probe.model.trainable_variables
        with tf.GradientTape() as tape:
            loss = training_loss(self.adv, self._train_logits, x, x_adv, y)
            if self.probe.model.losses:
                loss += tf.add_n(self.probe.model.losses)
        grads = tape.gradient(loss, variables)
        self.optimizer.apply_gradients(zip(grads, variables))
        seen = x if self.adv is not None and self.adv.method == "trades" else x_adv
        acc = tf.reduce_mean(
            tf.cast(tf.argmax(self.probe.logits(seen), -1, tf.int32) == y, tf.float32)
        )
        return loss, acc

    def __call__(self, x: Any, y: Any, eps: float) -> tuple[float, float]:
        from interpret._tf import tf

        loss, acc = self._compiled(x, y, tf.constant(eps, tf.float32))
        return loss, acc


def robust_accuracy(
    probe: Any,
    x: np.ndarray,
    y: np.ndarray,
    *,
    eps: float,
    steps: int,
    step_size: float,
    seed: int = 0,
    batch_size: int = 500,
    norm: str = "linf",
) -> tuple[float, float]:
    """(clean, robust) accuracy of ``probe`` on all of ``x``: PGD with a random start in ``norm``.

    Robust accuracy is over every image (an image the model gets wrong clean counts
    as broken), as papers report it. ``steps`` steps of ``step_size`` from a uniform
    start in the eps-ball (the attack of :func:`interpret.attacks.run.attack` with
    ``method="pgd"``, run in-graph).

    Example:
        >>> from interpret.core.models import resolve
        >>> from interpret.data import datasets
        >>> x, y = datasets.load_test_images("mnist").split("test")
        >>> clean, robust = robust_accuracy(resolve("mnist-cnn").probe, x[:50] / 255, y[:50],
        ...                                 eps=0.1, steps=5, step_size=0.03)
        >>> clean >= robust
        True
    """
    import interpret.attacks.ingraph as ingraph
    from interpret._tf import tf

    key = ("robust-accuracy", int(steps), norm)

    def build() -> Any:
        gen = tf.random.Generator.from_seed(seed)

        def run(xb: Any, yb: Any, eps: Any, step: Any) -> Any:
            start = ingraph.uniform_start(gen, xb, eps, norm)
            adv = ingraph.ball_steps(
                probe.logits, xb, yb, start, eps=eps, step_size=step, steps=int(steps), norm=norm
            )
            hits = [tf.argmax(probe.logits(im), -1, tf.int32) == yb for im in (xb, adv)]
            return [tf.reduce_sum(tf.cast(h, tf.int32)) for h in (hits[0], hits[0] & hits[1])]

        return gen, tf.function(run, autograph=False, reduce_retracing=True)

    gen, run = probe.memo(key, build)
    gen.reset_from_seed(seed)
    x = np.asarray(x, np.float32)
    y = np.asarray(y, np.int32).reshape(-1)
    clean = robust = 0
    for i in range(0, len(x), batch_size):
        c, r = run(x[i : i + batch_size], y[i : i + batch_size], tf.constant(eps, tf.float32),
                   tf.constant(step_size, tf.float32))  # fmt: skip
        clean, robust = clean + int(c), robust + int(r)
    return clean / len(x), robust / len(x)
