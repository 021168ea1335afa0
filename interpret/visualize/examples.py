"""Dataset examples: the images of a data set that excite a filter, a unit or a class most.

Beside a render, they show what the target responds to in real images. A filter's
activation is its channel mean, a unit's its value, a class's its logit: the same
numbers :func:`interpret.maximize` reports for its renders.

Example:
    >>> from interpret.visualize.examples import dataset_examples
    >>> ex = dataset_examples("mnist-cnn", "conv2d_1", [0, 1], k=3)
    >>> ex.images.shape, ex.scores.shape
    ((2, 3, 28, 28, 1), (2, 3))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from interpret.core import checks
from interpret.core.errors import UserError


@dataclass
class Examples:
    """The data-set images that excite each target most (best first)."""

    images: np.ndarray  # (targets, k, H, W, C) float32 [0, 1]
    scores: np.ndarray  # (targets, k) the target's activation on each
    indices: np.ndarray  # (targets, k) positions in the split
    dataset: str
    split: str


def load_examples_data(handle: Any, dataset: Any, split: str = "test") -> tuple[np.ndarray, str]:
    """The images to search for dataset examples: float32 [0, 1] NHWC, and their name.

    ``dataset`` is a data-set name (``"mnist"``, ``"cifar10"``), an array of images
    (uint8 0-255 or float 0-1), or ``None`` for the data set the model's card names.

    Example:
        >>> from interpret.core.models import resolve
        >>> x, name = load_examples_data(resolve("mnist-cnn"), None)
        >>> name, x.shape  # offline: the 500 bundled test images (the full set has 10,000)
        ('mnist', (500, 28, 28, 1))
    """
    from interpret.data import datasets as data

    if dataset is None:
        dataset = handle.dataset
        if dataset is None:
            raise UserError(
                f"model {handle.name} does not say which data set it was trained on; "
                f"pass {{dataset}} ({', '.join(data.names())})",
                "dataset",
            )
    if isinstance(dataset, str):
        # the full data set when available, else the sample that ships with the package
        ds = data.load_test_images(dataset) if split == "test" else data.load(dataset)
        x, _ = ds.split(split)
        name = dataset
    else:
        x, name = np.asarray(dataset), "array"
    if x.ndim == 3:
        x = x[..., None]
    shape = tuple(handle.probe.input_shape)
    if x.ndim != 4 or tuple(x.shape[1:]) != shape:
        raise UserError(
            f"data set {name} has images of shape {tuple(x.shape[1:])}; {handle.name} takes {shape}",
            "dataset",
        )
    x = x.astype("float32") / 255.0 if x.dtype == np.uint8 else x.astype("float32")
    return x, name


def _scores(
    probe: Any, kind: str, layer: str | None, targets: list[int], x: np.ndarray, batch: int = 500
) -> np.ndarray:
    """(N, targets) activation of each target on each image (same measure as the renders)."""
    from interpret._tf import tf

    f = probe.extractor([] if kind == "class" else [layer], logits=kind == "class")
    idx = np.asarray(targets)
    out = []
    for i in range(0, len(x), batch):
        a = f(x[i : i + batch], training=False)
        a = a[0] if isinstance(a, (list, tuple)) else a
        if len(a.shape) == 4:
            a = tf.reduce_mean(a, axis=(1, 2))
        out.append(np.asarray(a)[:, idx])
    return np.concatenate(out) if out else np.zeros((0, len(targets)), "float32")


def dataset_examples(
    model: Any,
    layer: str | None,
    targets: Sequence[int],
    *,
    k: int = 9,
    dataset: Any = None,
    kind: str | None = None,
    split: str = "test",
) -> Examples:
    """The ``k`` data-set images that excite each target most (filters, units or classes).

    A filter's activation is its channel mean, a unit's its value, a class's its
    logit: the same numbers :func:`maximize` reports for its renders.

    Example:
        >>> ex = dataset_examples("cifar10-cnn", "conv2d_2", [0, 1], k=9)
        >>> ex.images.shape, bool((ex.scores[:, :-1] >= ex.scores[:, 1:]).all())
        ((2, 9, 32, 32, 3), True)
    """
    from interpret.core.models import resolve

    handle = resolve(model)
    probe = handle.probe
    if kind is None:
        kind = "class" if layer is None else probe.layer(layer).kind
        kind = {"spatial": "filter", "units": "unit"}.get(kind, kind)
    k = checks.positive_int(k, "k")
    x, name = load_examples_data(handle, dataset, split)
    return examples_from(probe, kind, layer, list(targets), x, name, split, k)


def examples_from(
    probe: Any,
    kind: str,
    layer: str | None,
    targets: list[int],
    x: np.ndarray,
    name: str,
    split: str,
    k: int,
) -> Examples:
    """The top ``k`` of images ``x`` for each target (``kind``: filter, unit or class).

    Example:
        >>> from interpret.core.models import resolve
        >>> x = np.random.default_rng(0).random((5, 28, 28, 1), "float32")
        >>> examples_from(resolve("mnist-cnn").probe, "class", None, [3], x, "noise", "test", 2).indices.shape
        (1, 2)
    """
    scores = _scores(probe, kind, layer, targets, x)
    k = min(k, len(x))
    order = np.argsort(-scores, axis=0, kind="stable")[:k].T  # (targets, k)
    top = np.take_along_axis(scores.T, order, axis=1)
    return Examples(images=x[order], scores=top, indices=order, dataset=name, split=split)
