"""The images to explain: picture files, or test images of a data set by index.

Every file is read and every index checked before anything is computed, so a bad
one stops the command with one line and nothing written. Pictures that do not
match the model are converted (RGB <-> grayscale) and resized; the notes say so.

Example:
    >>> x, y, names, notes = pick_images("mnist-cnn", index="0-2")
    >>> x.shape, y.shape, names[0].startswith("mnist test #0")
    ((3, 28, 28, 1), (3,), True)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from interpret.core.errors import UserError


def pick_images(
    model: Any,
    files: Sequence[str | os.PathLike] = (),
    *,
    index: Any = None,
    dataset: str | None = None,
) -> tuple[np.ndarray, np.ndarray | None, list[str], list[str]]:
    """``(images, labels or None, a name per image, notes)`` for ``model``.

    ``files`` are pictures; ``index`` picks test images of ``dataset`` (default: the
    model's) with the one index grammar (``0-7``, ``1,5,9``).

    Example: see the module docstring.
    """
    from interpret.core.models import resolve
    from interpret.data.images import fit_image, load_image

    handle = resolve(model)
    shape = handle.probe.input_shape
    if bool(files) == (index is not None):
        raise UserError(
            "give the images to explain: picture files ({images}) or data-set indices "
            "({index}), one of the two",
            "images",
            "index",
        )
    notes: list[str] = []
    if files:
        arrays = []
        for path in files:
            arr, changed = load_image(path, shape)
            arrays.append(arr)
            notes += [f"{os.path.basename(str(path))}: {n}" for n in changed]
        return np.stack(arrays), None, [os.path.basename(str(p)) for p in files], notes
    return _dataset_images(handle, shape, index, dataset, notes, fit_image)


def _dataset_images(handle: Any, shape: tuple, index: Any, dataset: Any, notes: list, fit: Any):
    from interpret.core.specs import parse_indices
    from interpret.data import datasets as data

    name = dataset or handle.dataset
    if not name:
        raise UserError(
            f"model {handle.name} has no known data set; give {{dataset}} "
            f"({', '.join(data.names())}) or picture files",
            "dataset",
        )
    ds = data.load_test_images(name)
    xs, ys = ds.split("test")
    picked = parse_indices(index, len(xs), "index", where=f"the {name} test images", param="index")
    if ds.source.startswith("bundled"):
        notes.append(
            f"{name} images from the package's {ds.source}; the full set was not available"
        )
    images, changed = zip(*(fit(xs[i], shape) for i in picked))
    notes += sorted({n for c in changed for n in c})
    names = [f"{name} test #{i} ({ds.class_names[int(ys[i])]})" for i in picked]
    labels = np.asarray(ys, np.int64).reshape(-1)[picked]
    return np.stack(images), labels, names, notes
