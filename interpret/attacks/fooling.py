"""Fooling images: noise that a network calls "7" with 99.99% confidence.

Two ways to make, for each class, an image the model assigns to that class with
softmax probability >= ``threshold`` (default 0.9999):

* ``method="gradient"``: start from uniform noise and climb the class's
  log-softmax (``objective="log_softmax"``, the default: the class logit minus the
  log-sum-exp of all logits, so raising it cannot be done by raising every logit)
  or its raw logit (``objective="logit"``) with signed-gradient steps inside the
  [0, 1] box. This is the attacks' own loop on the shared core
  (:func:`interpret.attacks.gradient.projected_steps`, targeted, eps = the whole box),
  run for all classes as one batch; an image stops once it reaches the threshold.
* ``method="evolve"``: the gradient-free evolutionary search of Nguyen, Yosinski
  and Clune (CVPR 2015, "Deep Neural Networks are Easily Fooled"), direct
  encoding, for models whose gradients you cannot take: it only calls the model's
  predictions. MAP-Elites keeps one elite image per class; each generation picks
  ``population`` random elites, mutates them, predicts the whole batch at once,
  and every offspring replaces the elite of any class it scores higher on. Genes
  are the pixels, initialised uniform in [0, 1]; each pixel mutates with
  probability ``mutation_rate`` (0.1, halved every ``halve_every`` generations, as
  in the paper) by Deb's polynomial mutation with strength ``eta`` = 15 (the
  paper's operator and strength). The budget is ``generations`` x ``population``
  predictions; the search stops early once every requested class has reached the
  threshold.

Example:
    >>> import interpret
    >>> res = interpret.fool("mnist-cnn", classes="all")
    >>> bool(res.reached.all()), float(res.confidence.min()) >= 0.9999
    (True, True)
    >>> res = interpret.fool("mnist-mlp", "0-2", method="evolve", generations=200, population=64)
    >>> res.class_names, bool(res.reached.all())
    (['0', '1', '2'], True)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpret.attacks.gradient import projected_steps
from interpret.core import checks
from interpret.core.models import as_probe
from interpret.core.progress import ProgressSpec, Step, advance
from interpret.gallery.inline import ShowsInline

FOOL_METHODS = ("gradient", "evolve")
OBJECTIVES = ("log_softmax", "logit")


@dataclass
class FoolResult(ShowsInline):
    """One fooling image per requested class, with the model's confidence in that class.

    Jupyter shows the labelled grid.
    """

    method: str
    images: np.ndarray  # (K, H, W, C) float32 [0, 1]
    classes: list[int]
    class_names: list[str]
    confidence: np.ndarray  # softmax probability of the requested class
    top_class: np.ndarray  # the model's arg-max class of each image
    reached: np.ndarray  # confidence >= threshold
    threshold: float
    iterations: int  # gradient steps (longest image) or generations run
    evaluations: int  # model calls x images (predictions, or forward+backward passes)
    parameters: dict
    seconds: float
    model: str = ""
    model_info: dict = field(default_factory=dict)  # how the model was resolved (sidecars)

    def save(self, gallery: Any = None) -> list:
        """The labelled grid and one PNG per class, into ``gallery`` with sidecars.

        Example:
            >>> arts = fool("mnist-cnn", "7", steps=50).save("/tmp/demo-gallery")
            >>> len(arts)
            2
        """
        from interpret.attacks.report import save_fooling

        return save_fooling(self, gallery)

    def inline_view(self) -> Any:
        """The labelled grid with each class's confidence (what Jupyter shows)."""
        from interpret.attacks.report import fooling_figure

        return fooling_figure(self)


def fool(
    model: Any,
    classes: Any = "all",
    *,
    method: str = "gradient",
    threshold: float = 0.9999,
    seed: int = 0,
    steps: int = 1000,
    step_size: float = 0.01,
    objective: str = "log_softmax",
    generations: int = 2000,
    population: int = 256,
    mutation_rate: float = 0.1,
    halve_every: int = 1000,
    eta: float = 15.0,
    progress: ProgressSpec = None,
) -> FoolResult:
    """Make one image per class that the model assigns to it with confidence >= ``threshold``.

    Args:
        model: zoo name, .keras path, Keras model, ModelHandle or Probe.
        classes: ``"all"``, an index, a name, ``"1,7"`` or a list of them.
        method: ``"gradient"`` (ascent from uniform noise) or ``"evolve"``
            (gradient-free MAP-Elites, Nguyen et al. 2015).
        threshold: the softmax probability to reach, in (0, 1).
        seed: seeds the starting noise and the evolution.
        steps, step_size, objective: gradient method: the most signed-gradient
            steps, their size in [0, 1] pixel units, and what is climbed.
        generations, population, mutation_rate, halve_every, eta: evolve method
            budget (``generations`` x ``population`` predictions) and operators.
        progress: ``True`` for a bar on stderr, or a factory (:mod:`interpret.core.progress`).

    Example:
        >>> res = fool("mnist-cnn", "7", steps=200)
        >>> res.class_names, bool(res.reached[0])
        (['7'], True)
    """
    method = checks.choice(method, FOOL_METHODS, "method", "fooling method")
    checks.fraction(threshold, "threshold", open_high=True)
    checks.choice(objective, OBJECTIVES, "objective", "objective")
    for name, value in (
        ("steps", steps),
        ("generations", generations),
        ("population", population),
        ("halve_every", halve_every),
    ):
        checks.positive_int(value, name)
    checks.positive(step_size, "step_size")
    checks.positive(eta, "eta")
    checks.fraction(mutation_rate, "mutation_rate")
    if method == "gradient":
        run, total = _gradient, int(steps)
        params = {
            "steps": int(steps),
            "step_size": float(step_size),
            "objective": objective,
            "start": "uniform noise [0, 1]",
        }
    else:
        run, total = _evolve, int(generations)
        params = {
            "generations": int(generations),
            "population": int(population),
            "mutation_rate": float(mutation_rate),
            "halve_every": int(halve_every),
            "eta": float(eta),
            "encoding": "direct (pixels)",
            "algorithm": "MAP-Elites",
            "budget_predictions": int(generations) * int(population),
        }
    probe = as_probe(model)
    cls = probe.class_indices(classes)
    started = time.perf_counter()
    with advance(progress, total, f"fooling {probe.name} ({method})") as step:
        images, iterations, evaluations = run(probe, cls, float(threshold), seed, params, step)
    probs = probe.predict(images)
    conf = probs[np.arange(len(cls)), cls]
    return FoolResult(
        method=method,
        images=images,
        classes=cls,
        class_names=[probe.class_names[c] for c in cls],
        confidence=conf,
        top_class=probs.argmax(1),
        reached=conf >= threshold,
        threshold=float(threshold),
        iterations=iterations,
        evaluations=evaluations,
        parameters={"method": method, "threshold": float(threshold), "seed": seed, "classes": cls}
        | params,
        seconds=time.perf_counter() - started,
        model=probe.name,
        model_info={"model": probe.name},
    )


def _gradient(
    probe: Any, cls: list[int], threshold: float, seed: int, params: dict, step: Step
) -> tuple[np.ndarray, int, int]:
    """Signed-gradient ascent from uniform noise; an image stops at the threshold."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 1.0, size=(len(cls), *probe.input_shape)).astype(np.float32)
    # stop a hair above the threshold, so a re-check in another batch still clears it
    stop_at = threshold + 0.1 * (1.0 - threshold)
    x, ran = projected_steps(
        probe,
        x,
        x,
        np.asarray(cls, np.int32),
        eps=1.0,
        step_size=params["step_size"],
        steps=params["steps"],
        targeted=True,
        loss="logit" if params["objective"] == "logit" else "ce",
        stop_confidence=stop_at,
        advance=step,
    )
    return x, ran, ran * len(cls)


def polynomial_mutation(
    x: np.ndarray, rate: float, eta: float, rng: np.random.Generator
) -> np.ndarray:
    """Deb's polynomial mutation on genes in [0, 1]: each gene mutates with probability ``rate``.

    Example:
        >>> x = np.full((2, 4), 0.5)
        >>> y = polynomial_mutation(x, 1.0, 15.0, np.random.default_rng(0))
        >>> bool(((y >= 0) & (y <= 1)).all()), bool((y != x).all())
        (True, True)
    """
    u = rng.uniform(size=x.shape)
    delta = np.where(
        u < 0.5,
        (2.0 * u) ** (1.0 / (eta + 1.0)) - 1.0,
        1.0 - (2.0 * (1.0 - u)) ** (1.0 / (eta + 1.0)),
    )
    mask = rng.uniform(size=x.shape) < rate
    return np.clip(x + mask * delta, 0.0, 1.0).astype(x.dtype)


def _evolve(
    probe: Any, cls: list[int], threshold: float, seed: int, params: dict, step: Step
) -> tuple[np.ndarray, int, int]:
    """MAP-Elites over the requested classes with direct (pixel) encoding and batched predictions."""
    from interpret._tf import tf

    generations, population = params["generations"], params["population"]
    rate0, halve_every, eta = params["mutation_rate"], params["halve_every"], params["eta"]
    rng = np.random.default_rng(seed)
    f = probe.extractor((), logits=True)
    spec = tf.TensorSpec((None, *probe.input_shape), tf.float32)
    predict = tf.function(lambda x: tf.nn.softmax(f(x, training=False)[0]), input_signature=[spec])
    shape = tuple(probe.input_shape)
    cls_arr = np.asarray(cls)
    # generation 0: a random population fills the map
    pop = rng.uniform(0.0, 1.0, size=(population, *shape)).astype(np.float32)
    probs = predict(pop).numpy()[:, cls_arr]
    best = probs.argmax(0)
    elites = pop[best].copy()
    fitness = probs[best, np.arange(len(cls))]
    evaluations = population
    gen = 0
    report = max(1, generations // 100)
    pending = 0
    while gen < generations and fitness.min() < threshold:
        rate = rate0 * 0.5 ** (gen // halve_every)
        parents = rng.integers(0, len(cls), size=population)
        kids = polynomial_mutation(elites[parents], rate, eta, rng)
        probs = predict(kids).numpy()[:, cls_arr]
        evaluations += population
        top = probs.argmax(0)
        top_fit = probs[top, np.arange(len(cls))]
        better = top_fit > fitness
        elites[better] = kids[top[better]]
        fitness[better] = top_fit[better]
        gen += 1
        pending += 1
        if pending >= report:
            step(pending)
            pending = 0
    if pending:
        step(pending)
    return elites, gen, evaluations


def log_confidence_gap(confidence: np.ndarray) -> np.ndarray:
    """``-log10(1 - p)``: 4 means p = 0.9999; a readable scale for confidences near 1.

    Example:
        >>> log_confidence_gap(np.array([0.9, 0.9999])).round(2)
        array([1., 4.])
    """
    p = np.clip(np.asarray(confidence, np.float64), 0.0, 1.0 - 1e-12)
    return -np.log10(1.0 - p) if p.size else p
