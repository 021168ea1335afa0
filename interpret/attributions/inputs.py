"""The images to explain: picture files, test images of a data set, or a person's own data.

Every file is read and every index checked before anything is computed, so a bad
one stops the command with one line and nothing written. Pictures that do not
match the model are converted (RGB <-> grayscale) and resized; the notes say so.

Example:
    >>> picked = pick_images("mnist-cnn", index="0-2")
    >>> picked.x.shape, picked.y.shape, picked.names[0].startswith("mnist test #0")
    ((3, 28, 28, 1), (3,), True)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpret.core.errors import UserError

OWN_DEFAULT = "0-7"  # the images of a person's own data explained when no index is given


@dataclass
class Picked:
    """Images fitted to the model, with what a sheet and its sidecar say about them."""

    x: np.ndarray  # float32 [0, 1] NHWC at the model's input shape
    y: np.ndarray | None  # true labels, when known
    names: list[str]  # one per image, for the sheets
    notes: list[str] = field(default_factory=list)  # what was converted
    info: dict = field(default_factory=dict)  # where the images came from (sidecars)


def pick_images(
    model: Any,
    files: Sequence[str | os.PathLike] = (),
    *,
    index: Any = None,
    dataset: str | None = None,
    data: Any = None,
) -> Picked:
    """The images to explain for ``model``, checked and fitted.

    ``files`` are pictures; ``index`` picks test images of ``dataset`` (default: the
    model's) with the one index grammar (``0-7``, ``1,5,9``), or images of ``data``, a
    person's own (an .npz file or a folder of class subfolders:
    :func:`interpret.data.user.load_user_data`; default: its first 8).

    Example: see the module docstring.
    """
    from interpret.core.models import resolve

    handle = resolve(model)
    if data is not None:
        if files or dataset is not None:
            raise UserError("give {data} or {dataset} / picture files, not both", "data", "dataset")
        return _user_images(handle, data, index)
    if bool(files) == (index is not None):
        raise UserError(
            "give the images to explain: picture files ({images}) or data-set indices "
            "({index}), one of the two",
            "images",
            "index",
        )
    if files:
        return read_pictures(handle.probe.input_shape, files)
    return _dataset_images(handle, index, dataset)


def read_pictures(shape: tuple, files: Sequence[Any]) -> Picked:
    """Picture files fitted to a model input ``shape`` (H, W, C), named by their file names.

    Example:
        >>> from interpret.data.images import sample_photo
        >>> read_pictures((32, 32, 3), [sample_photo()]).x.shape
        (1, 32, 32, 3)
    """
    from interpret.data.images import load_image

    arrays, notes = [], []
    for path in files:
        arr, changed = load_image(path, shape)
        arrays.append(arr)
        notes += [f"{os.path.basename(str(path))}: {n}" for n in changed]
    names = [os.path.basename(str(p)) for p in files]
    return Picked(np.stack(arrays), None, names, notes, {"images": [str(p) for p in files]})


def _user_images(handle: Any, data: Any, index: Any) -> Picked:
    """Images ``index`` of a person's own data, reading no further than the last one."""
    from interpret.data.user import pick_user_images

    spec = OWN_DEFAULT if index is None else index
    own, picked = pick_user_images(data, handle, spec, clip=index is None)
    y = None if own.y is None else np.asarray(own.y)[picked]
    info = {**own.describe(), "indices": picked}
    return Picked(own.x[picked], y, [own.label(i) for i in picked], list(own.notes), info)


def _dataset_images(handle: Any, index: Any, dataset: Any) -> Picked:
    from interpret.core.specs import parse_indices
    from interpret.data import datasets as data
    from interpret.data.images import fit_image

    name = dataset or handle.dataset
    if not name:
        raise UserError(
            f"model {handle.name} has no known data set; give {{dataset}} "
            f"({', '.join(data.names())}), {{data}} or picture files",
            "dataset",
            "data",
        )
    ds = data.load_test_images(name)
    xs, ys = ds.split("test")
    try:
        picked = parse_indices(
            index, len(xs), "index", where=f"the {name} test images", param="index"
        )
    except UserError as e:  # beyond the bundled sample: say how to get the rest
        raise UserError(e.template + data.sample_hint(ds), *e.params) from None
    notes = []
    if ds.source.startswith("bundled"):
        notes.append(
            f"{name} images from the package's {ds.source}; the full set was not available"
        )
    images, changed = zip(*(fit_image(xs[i], handle.probe.input_shape) for i in picked))
    notes += sorted({n for c in changed for n in c})
    names = [f"{name} test #{i} ({ds.class_names[int(ys[i])]})" for i in picked]
    labels = np.asarray(ys, np.int64).reshape(-1)[picked]
    info = {"dataset": name, "split": "test", "indices": picked}
    return Picked(np.stack(images), labels, names, notes, info)
