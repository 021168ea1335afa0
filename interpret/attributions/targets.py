"""What an attribution explains: a class per image, or any objective of the toolkit.

``target=`` takes

* ``None`` or ``"predicted"``: each image's predicted class (its top logit);
* a class index or name (``3``, ``"cat"``), for every image, or one per image
  (``[3, 5]``, ``"cat,dog"``);
* ``"label"``: the true label of each image (``y=`` must be given);
* an :class:`~interpret.core.objectives.Objective`, e.g.
  ``objectives.channel("conv2d_2", 5)``: "which pixels make filter 5 fire", since
  attribution and activation maximization share the objectives; ``"conv2d_2:5"`` is
  the same (filter or unit 5 of that layer: its mean activation), in words a command
  line can take.

Class targets are explained through their pre-softmax logit (a softmax head is
unwrapped by the probe); Score-CAM weighs its masks by the softmax probability, as
its paper does.

Example:
    >>> from interpret.core.models import resolve
    >>> probe = resolve("cifar10-cnn").probe
    >>> t = resolve_target(probe, "cat", 2)
    >>> t.kind, t.classes.tolist(), t.text
    ('class', [3, 3], 'class cat')
    >>> resolve_target(probe, None, 2).classes.tolist()
    [-1, -1]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from interpret.core import objectives as obj
from interpret.core.errors import UserError

PREDICTED = -1  # a per-image target resolved to the image's top class when it is computed
PREDICTED_WORDS = ("predicted", "prediction", "top")
LABEL_WORDS = ("label", "labels", "true")


@dataclass(frozen=True)
class Target:
    """A resolved target: per-image classes (``-1``: the predicted one) or one objective.

    Attributes:
        kind: ``"predicted"``, ``"class"``, ``"label"`` or ``"objective"``.
        classes: (N,) int32 class per image, ``-1`` where it is the predicted class;
            zeros for an objective (unused).
        objective: the objective explained, when ``kind == "objective"``.
        text: how the target is described on sheets and in sidecars.
    """

    kind: str
    classes: np.ndarray
    objective: obj.Objective | None = None
    text: str = ""

    @property
    def key(self) -> str:
        """What compiled functions are cached under: one per objective, one for all classes.

        Example:
            >>> Target("class", np.zeros(1, "int32")).key
            'class'
        """
        return "class" if self.objective is None else f"objective:{self.objective.name}"

    def factory(self) -> obj.Objective | Callable[[Any], Any]:
        """The objective (or ``targets -> objective``) that :class:`~interpret.core.grad.Gradient`
        and the forward scorers take.

        Example:
            >>> Target("class", np.zeros(1, "int32")).factory()(3).name
            'class_logit(3)'
        """
        return self.objective if self.objective is not None else obj.class_logit


def class_probability(i: Any) -> obj.Objective:
    """The softmax probability of class ``i`` (Score-CAM's weights).

    Example:
        >>> class_probability(3).name
        'class_probability(3)'
    """
    logprob = obj.class_logprob(i)

    def fn(ctx: obj.Context) -> Any:
        from interpret._tf import tf

        return tf.exp(logprob(ctx))

    return obj.Objective(fn, logprob.name.replace("logprob", "probability"), logits=True)


def resolve_target(probe: Any, spec: Any, n: int, labels: Any = None) -> Target:
    """Turn ``target=`` into a :class:`Target` for ``n`` images (see the module docstring).

    Example:
        >>> from interpret.core.models import resolve
        >>> probe = resolve("mnist-cnn").probe
        >>> resolve_target(probe, "label", 2, labels=[7, 1]).classes.tolist()
        [7, 1]
        >>> resolve_target(probe, 12, 1)
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: class 12 is out of range for mnist-cnn: it has 10 classes (0-9)
    """
    if isinstance(spec, obj.Objective):
        for name in sorted(spec.layers):
            probe.layer(name)
        return Target("objective", np.zeros(n, np.int32), spec, spec.name)
    if isinstance(spec, str) and spec.rpartition(":")[0].strip() in probe.layer_names:
        return resolve_target(probe, _layer_objective(probe, spec), n)
    word = spec.strip().lower() if isinstance(spec, str) else None
    if spec is None or word in PREDICTED_WORDS:
        return Target("predicted", np.full(n, PREDICTED, np.int32), None, "predicted class")
    if word in LABEL_WORDS:
        if labels is None:
            raise UserError(
                "target 'label' needs the images' true labels; pass {y}, or another {target}",
                "y",
                "target",
            )
        from interpret.core.checks import labels as check_labels

        return Target("label", check_labels(probe, labels, n), None, "true label")
    if isinstance(spec, str):
        items: list[Any] = [part for part in spec.split(",") if part.strip()]
    elif isinstance(spec, (list, tuple, np.ndarray)):
        items = list(spec)
    else:
        items = [spec]
    classes = [PREDICTED if _predicted(item) else _one_class(probe, item) for item in items]
    if not classes:
        raise UserError("no class given in {target}", "target")
    if len(classes) == 1 and classes[0] != PREDICTED:
        text = f"class {probe.class_names[classes[0]]}"
        return Target("class", np.full(n, classes[0], np.int32), None, text)
    if len(classes) != n:
        raise UserError(
            f"{{target}} names {len(classes)} classes for {n} images; give one class for all "
            "images or one per image",
            "target",
        )
    return Target("class", np.asarray(classes, np.int32), None, "classes per image")


def _layer_objective(probe: Any, spec: str) -> obj.Objective:
    """``"LAYER:INDEX"``: the mean activation of filter (or unit) INDEX of LAYER.

    Example:
        >>> from interpret.core.models import resolve
        >>> _layer_objective(resolve("mnist-cnn").probe, "conv2d_1:5").name
        'channel(conv2d_1, 5)'
    """
    name, _, index = spec.rpartition(":")
    info = probe.layer(name.strip())
    if info.kind == "other":
        raise UserError(f"{{target}} {spec!r}: layer {info.name} has no filters or units", "target")
    try:
        i = int(index)
    except ValueError:
        raise UserError(
            f"{{target}} {spec!r}: give LAYER:INDEX, a whole number after the colon", "target"
        ) from None
    if not 0 <= i < info.size:
        raise UserError(
            f"{{target}} {spec!r}: {info.name} has {info.size} {info.unit_word} (0-{info.size - 1})",
            "target",
        )
    return obj.channel(info.name, i)


def _predicted(item: Any) -> bool:
    """``-1`` or a word for "the predicted class" in a per-image list."""
    if isinstance(item, str):
        return item.strip().lower() in PREDICTED_WORDS
    return isinstance(item, (int, np.integer)) and int(item) == PREDICTED


def _one_class(probe: Any, item: Any) -> int:
    """One class from an index or a name (a range names several: refused)."""
    found = probe.class_indices(item, param="target")
    if len(found) != 1:
        raise UserError(
            f"{{target}} {item!r} names {len(found)} classes; give one class, or one per image",
            "target",
        )
    return found[0]
