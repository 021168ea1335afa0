"""Diversity: several different images for one target (Olah et al. 2017, lucid's ``diversity``).

Most neurons respond to more than one thing, and one render shows one of them.
:func:`objective` turns a target into a batch objective for ``K`` images per
target that also pushes the images of a group apart: each image's value is its
activation minus ``weight`` times *that activation* (held constant) times its mean
Gram-matrix similarity to the other images of its group at ``layer``::

    value_i = act_i - weight * |act_i| * mean_j sim(Gram_i, Gram_j)

Scaling the penalty by the image's own activation makes ``weight`` the fraction
of activation an image may trade for being unlike the others, the same for a
strong filter and a weak one (lucid's fixed weight starves the weak ones; see
``benchmarks/canon_diversity.py``). :func:`similarity` measures the result.
``maximize(..., diverse=K)`` uses both.

Example:
    >>> from interpret.core import objectives as obj
    >>> objective(obj.channel("conv2d_2", [5, 5]), "conv2d_2", 2, 0.3).name
    'channel(conv2d_2, [5,5]) - 0.3 * |target| * diversity(conv2d_2, group=2)'
"""

from __future__ import annotations

from typing import Any

import numpy as np

from interpret.core import checks
from interpret.core import objectives as obj
from interpret.core.errors import UserError
from interpret.core.objectives import Objective

DEFAULT_WEIGHT = 0.3


def objective(target: Objective, layer: str, group: int, weight: float) -> Objective:
    """``target`` with the images of each group of ``group`` pushed apart at ``layer``.

    Example: see the module docstring.
    """
    apart = obj.diversity(layer, group)
    w = float(weight)

    def fn(ctx: obj.Context) -> Any:
        from interpret._tf import tf

        value = target(ctx)
        return value - w * tf.stop_gradient(tf.abs(value)) * apart(ctx)

    name = f"{target.name} - {w:g} * |target| * {apart.name}"
    return Objective(fn, name, target.layers | apart.layers, target.logits)


def check_group(diverse: Any) -> int:
    """``diverse`` as a group size: a whole number of at least 2 images per target.

    Example:
        >>> check_group(4)
        4
        >>> check_group(1)
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: diverse= must be a whole number of at least 2, got 1
    """
    return checks.positive_int(diverse, "diverse", minimum=2)


def default_layer(probe: Any, layer: str | None) -> str:
    """Where diversity is measured by default: the conv layer before the target's (for a
    dense target or a class, the last conv layer); without conv layers the layer before
    the target; the target's own layer when it is the first.

    One layer down, the Gram matrices hold colours and textures over a larger map, so
    the K images differ where a person sees it (on cifar10-cnn's conv2d_2, whose map is
    4x4, the same similarity drop at its own layer leaves the images looking alike).
    The render reads this layer as the model computes it, without the dead-ReLU leak,
    so it costs no second pass of the layer (``maximize`` passes the target's layers as
    the leaked ones).

    Example:
        >>> from interpret.core.models import resolve
        >>> probe = resolve("cifar10-cnn").probe
        >>> default_layer(probe, "conv2d_2"), default_layer(probe, "conv2d"), default_layer(probe, None)
        ('conv2d_1', 'conv2d', 'conv2d_2')
    """
    names = probe.layer_names
    # layers before the target (for classes: before the output layer)
    before = names[: names.index(layer)] if layer is not None else names[:-1]
    infos = [probe.layer(n) for n in before]
    convs = [i.name for i in infos if i.kind == "spatial" and "Conv" in i.type]
    usable = [i.name for i in infos if i.kind != "other" and "Flatten" not in i.type]
    if convs or usable:
        return (convs or usable)[-1]
    if layer is None:
        raise UserError(
            "no hidden layer to measure diversity at; name one with {diversity_layer}",
            "diversity_layer",
        )
    return layer


def check_layer(probe: Any, layer: str) -> str:
    """A layer diversity can be measured at: one with a filter or unit axis.

    Example:
        >>> from interpret.core.models import resolve
        >>> check_layer(resolve("cifar10-cnn").probe, "flatten")
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: diversity_layer= flatten has no channel axis to compare Gram matrices on; choose a conv or dense layer
    """
    info = probe.layer(layer)
    if info.kind == "other" or "Flatten" in info.type:
        raise UserError(
            f"{{diversity_layer}} {layer} has no channel axis to compare Gram matrices on; "
            "choose a conv or dense layer",
            "diversity_layer",
        )
    return layer


def _mean_offdiagonal(vectors: np.ndarray, group: int) -> np.ndarray:
    """(N, D) rows in groups of ``group`` -> each group's mean cosine similarity between rows."""
    v = vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12)
    v = v.reshape(-1, group, v.shape[-1])
    sims = np.einsum("gkd,gjd->gkj", v, v)
    off = sims.sum(axis=(1, 2)) - np.trace(sims, axis1=1, axis2=2)
    return (off / (group * (group - 1))).astype("float32")


def similarity(
    probe: Any, images: np.ndarray, layer: str, group: int, size: Any = None
) -> dict[str, np.ndarray]:
    """How alike the images of each group are at ``layer``, measured in float32.

    Returns ``{"gram": (G,), "cosine": (G,)}``: per group of ``group`` consecutive
    images, the mean pairwise cosine similarity of their Gram matrices (what the
    penalty sees) and of their raw activations (where things are, too).

    Example:
        >>> from interpret.core.models import resolve
        >>> probe = resolve("mnist-cnn").probe
        >>> x = np.random.default_rng(0).random((4, 28, 28, 1), "float32")
        >>> out = similarity(probe, x, "conv2d", 2)
        >>> out["gram"].shape, bool(np.all(out["gram"] <= 1.0001))
        ((2,), True)
    """
    acts = np.asarray(probe.extractor([layer], size=size)(np.asarray(images, "float32"))[0])
    acts = acts.reshape(len(acts), -1, acts.shape[-1]).astype("float64")
    grams = np.einsum("bpc,bpd->bcd", acts, acts).reshape(len(acts), -1)
    return {
        "gram": _mean_offdiagonal(grams, group),
        "cosine": _mean_offdiagonal(acts.reshape(len(acts), -1), group),
    }
