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
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpret.core import checks
from interpret.core.errors import UserError
from interpret.data.user import UserData, load_user_data


@dataclass
class Examples:
    """The data-set images that excite each target most (best first)."""

    images: np.ndarray  # (targets, k, H, W, C) float32 [0, 1]
    scores: np.ndarray  # (targets, k) the target's activation on each
    indices: np.ndarray  # (targets, k) positions in the split
    dataset: str
    split: str
    source: dict = field(default_factory=dict)  # a person's own data: what the sidecar says

    @property
    def caption(self) -> str:
        """What the images are, for titles: ``"cifar10 test"`` or a file/folder name.

        Example:
            >>> Examples(np.zeros(0), np.zeros(0), np.zeros(0), "pets", "").caption
            'pets'
        """
        return f"{self.dataset} {self.split}".strip()


def load_examples_data(
    handle: Any, dataset: Any = None, split: str = "test", *, data: Any = None
) -> UserData:
    """The images to search for dataset examples, float32 [0, 1] NHWC with where they came from.

    ``dataset`` is a data-set name (``"mnist"``, ``"cifar10"``), an array of images
    (uint8 0-255 or float 0-1), or ``None`` for the data set the model's card names;
    ``data`` instead is a person's own images (an .npz file or a folder of class
    subfolders, :func:`interpret.data.user.load_user_data`), fitted to the model's input.

    Example:
        >>> from interpret.core.models import resolve
        >>> d = load_examples_data(resolve("mnist-cnn"), None)
        >>> d.name, d.x.shape  # offline: the 500 bundled test images (the full set has 10,000)
        ('mnist', (500, 28, 28, 1))
    """
    from interpret.data import datasets as data_sets

    if data is not None:
        if dataset is not None:
            raise UserError("give {data} or {dataset}, not both", "data", "dataset")
        return load_user_data(data, handle.probe)
    if dataset is None:
        dataset = handle.dataset
        if dataset is None:
            raise UserError(
                f"model {handle.name} does not say which data set it was trained on; "
                f"pass {{dataset}} ({', '.join(data_sets.names())}) or {{data}} (your own images)",
                "dataset",
                "data",
            )
    if isinstance(dataset, str):
        # the full data set when available, else the sample that ships with the package
        ds = data_sets.load_test_images(dataset) if split == "test" else data_sets.load(dataset)
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
    return UserData(x, None, (), name, total=len(x), spec=name)


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
    data: Any = None,
) -> Examples:
    """The ``k`` data-set images that excite each target most (filters, units or classes).

    A filter's activation is its channel mean, a unit's its value, a class's its
    logit: the same numbers :func:`maximize` reports for its renders. The images come
    from ``dataset`` (a name or an array) or from ``data`` (your own: an .npz file or a
    folder of class subfolders).

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
    images = load_examples_data(handle, dataset, split, data=data)
    return examples_from(probe, kind, layer, list(targets), images, split, k, data is not None)


def examples_from(
    probe: Any,
    kind: str,
    layer: str | None,
    targets: list[int],
    images: UserData,
    split: str,
    k: int,
    own: bool = False,
) -> Examples:
    """The top ``k`` of ``images`` for each target (``kind``: filter, unit or class).

    ``own``: the images are a person's own data (their source goes into the sidecar).

    Example:
        >>> from interpret.core.models import resolve
        >>> x = np.random.default_rng(0).random((5, 28, 28, 1), "float32")
        >>> noise = UserData(x, None, (), "noise", spec="noise")
        >>> examples_from(resolve("mnist-cnn").probe, "class", None, [3], noise, "test", 2).indices.shape
        (1, 2)
    """
    x = images.x
    scores = _scores(probe, kind, layer, targets, x)
    k = min(k, len(x))
    order = np.argsort(-scores, axis=0, kind="stable")[:k].T  # (targets, k)
    top = np.take_along_axis(scores.T, order, axis=1)
    return Examples(
        images=x[order],
        scores=top,
        indices=order,
        dataset=images.name,
        split="" if own else split,
        source=images.describe() if own else {},
    )
