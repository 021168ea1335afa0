"""A person's own images: ``data=FILE.npz`` or ``data=DIR`` (one subfolder per class).

The one loader behind every ``data=`` parameter (``--data`` on the command line):

- **an .npz file** with keys ``x`` and ``y``, or ``x_test`` and ``y_test`` (``x`` wins
  when both are there); ``y`` may be absent where labels are not needed. Images are
  uint8 0..255 or float ([0, 1], or 0..255, which is scaled with a note), (N, H, W) or
  (N, H, W, C), channels-first (N, C, H, W) and flattened (N, H*W*C) are recognised with
  a note. Labels are class indices or one-hot rows. An optional ``class_names`` key
  (an array of strings) names the classes.
- **a folder** laid out as ``keras.utils.image_dataset_from_directory`` reads it:
  ``DIR/<class name>/**/*.{png,jpg,jpeg,bmp,gif}``, class names from the subfolder
  names in sorted order. When every folder name is one of the model's class names,
  labels follow the model's numbering by name (``cat/`` is class 3 of cifar10-cnn),
  otherwise the sorted position (as Keras does). Images are taken round-robin over the
  classes (the first of each class, then the second of each, ...), so the first ``n``
  cover every class. Other files (a README, ``.DS_Store``) are ignored, as Keras does.

  An image file inside a class folder that does not decode is an **error naming the
  file**, not a skip: a silently shorter class changes which images are "the first n"
  and what an accuracy is counted on, a broken file is usually a broken copy its owner
  wants to know about, and Keras' own loader fails on it too (later, mid-epoch). Only
  the images actually read (the first ``n``) are decoded, so a broken file further on is
  found when it is reached.

Every image comes out float32 [0, 1] NHWC at the model's input shape: channels
converted (RGB -> grayscale by luminance, grayscale -> RGB by repeating, alpha
dropped) and sizes resized, with ``notes`` saying what was changed, for the sidecar.
Every problem is one :class:`~interpret.core.errors.UserError` naming the parameter
(``{data}``: ``data=`` in Python, ``--data`` on the command line).

Example:
    >>> import os, tempfile
    >>> from interpret.data.user import load_user_data
    >>> path = os.path.join(tempfile.mkdtemp(), "mine.npz")
    >>> np.savez(path, x=np.zeros((6, 28, 28), "uint8"), y=np.arange(6) % 3)
    >>> d = load_user_data(path, (32, 32, 3), n=4)
    >>> d.x.shape, d.y.tolist(), d.total
    ((4, 32, 32, 3), [0, 1, 2, 0], 6)
    >>> d.notes
    ['converted grayscale to RGB (channel repeated)', 'resized 28x28 to 32x32']
    >>> d.label(1)
    'mine.npz #1 (1)'
"""

from __future__ import annotations

import dataclasses
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from interpret.core.errors import UserError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")  # what Keras' folder loader reads
NPZ_KEYS = (("x", "y"), ("x_test", "y_test"))
LAYOUT = (
    "an .npz file (keys x, y or x_test, y_test) or a folder with one subfolder of images per class"
)


@dataclass
class UserData:
    """A person's images fitted to a model: ``x`` float32 [0, 1] NHWC, labels ``y`` or None.

    ``source`` says where they came from, ``notes`` what was converted, ``total`` how
    many images the source holds (``x`` may be its first ``n``), ``files`` the image
    files of a folder (relative to it), ``spec`` the path as given.
    """

    x: np.ndarray
    y: np.ndarray | None
    class_names: tuple[str, ...]
    source: str
    notes: list[str] = field(default_factory=list)
    total: int = 0
    files: list[str] | None = None
    spec: str = ""

    def __len__(self) -> int:
        return len(self.x)

    @property
    def name(self) -> str:
        """A short name: the file or folder name.

        Example:
            >>> UserData(np.zeros((1, 2, 2, 1)), None, (), "a", spec="/data/pets").name
            'pets'
        """
        return Path(self.spec).name or self.spec or "image"

    def label(self, i: int) -> str:
        """How image ``i`` is named in titles: its file, or ``name #i``, with its class.

        Example:
            >>> UserData(np.zeros((1, 2, 2, 1)), np.array([0]), ("cat",), "a", spec="m.npz").label(0)
            'm.npz #0 (cat)'
        """
        where = self.files[i] if self.files else f"{self.name} #{i}"
        if self.y is None:
            return where
        return f"{where} ({self.class_names[int(self.y[i])]})"

    def describe(self) -> dict:
        """What a sidecar records about the data: the path, the source, the notes.

        Example:
            >>> UserData(np.zeros((1, 2, 2, 1)), None, (), "m.npz: x (1 images)", spec="m.npz").describe()
            {'data': 'm.npz', 'data_source': 'm.npz: x (1 images)', 'data_notes': []}
        """
        return {"data": self.spec, "data_source": self.source, "data_notes": list(self.notes)}


def load_user_data(
    spec: Any,
    target: Any,
    n: int | None = None,
    *,
    labels: bool = False,
    param: str = "data",
) -> UserData:
    """Read ``spec`` (an .npz path, a folder path, ``(x, y)`` arrays or a :class:`UserData`).

    Args:
        spec: what the person gave for ``data=``.
        target: the model's input shape ``(H, W, C)``, or a probe / model handle (then
            its class names and class count are used for labels too).
        n: read at most the first ``n`` images (``None``: all).
        labels: the caller needs labels; a source without them is an error.
        param: the parameter the errors name.

    Example:
        >>> d = load_user_data((np.zeros((3, 8, 8, 1), "uint8"), [0, 1, 1]), (8, 8, 1))
        >>> d.source, d.class_names
        ('arrays (3 images)', ('0', '1'))
    """
    shape, names, n_classes = _target(target)
    if n is not None and (isinstance(n, bool) or int(n) < 1):
        raise UserError(f"{{n}} must be at least 1, got {n!r}", "n")
    if isinstance(spec, UserData):
        data = dataclasses.replace(spec, notes=list(spec.notes))  # never change the caller's
        if tuple(data.x.shape[1:]) != shape:
            refit = _from_arrays(data.x, data.y, data.class_names, shape, data.source, param)
            refit.notes, refit.files, refit.spec = data.notes + refit.notes, data.files, data.spec
            data = refit
    elif isinstance(spec, (tuple, list)) and len(spec) == 2 and not isinstance(spec[0], str):
        data = _from_arrays(spec[0], spec[1], None, shape, f"arrays ({len(spec[0])} images)", param)
    elif isinstance(spec, np.ndarray):
        data = _from_arrays(spec, None, None, shape, f"array ({len(spec)} images)", param)
    else:
        data = _from_path(spec, shape, n, param)
    if n is not None and len(data) > n:
        data = _head(data, int(n))
    _check_labels(data, names, n_classes, labels, param)
    return data


def pick_user_images(
    spec: Any, target: Any, index: Any, *, what: str = "index", clip: bool = False
) -> tuple[UserData, list[int]]:
    """A person's images ``index`` (the one index grammar: ``3``, ``"0-7"``, ``[1, 5]``),
    reading no further than the last one; ``clip`` drops indices past the end instead
    of refusing them (a default range on a small data set).

    Example:
        >>> x = np.zeros((5, 8, 8, 1), "uint8")
        >>> own, picked = pick_user_images((x, [0, 1, 0, 1, 0]), (8, 8, 1), "0-7", clip=True)
        >>> picked
        [0, 1, 2, 3, 4]
    """
    from interpret.core.specs import parse_indices

    wanted = parse_indices(index, 10**9, what, param="index")
    own = load_user_data(spec, target, n=max(wanted) + 1)
    if clip:
        wanted = [i for i in wanted if i < len(own)]
    return own, parse_indices(wanted, len(own), what, where=own.name, param="index")


def _target(target: Any) -> tuple[tuple[int, int, int], tuple[str, ...] | None, int | None]:
    """(input shape, class names, class count) of a shape tuple, a probe or a model handle."""
    probe = getattr(target, "probe", target)
    if hasattr(probe, "input_shape") and hasattr(probe, "n_classes"):
        return tuple(int(v) for v in probe.input_shape), tuple(probe.class_names), probe.n_classes
    shape = tuple(int(v) for v in target)
    if len(shape) != 3:
        raise ValueError(f"an input shape is (H, W, C); got {target!r}")
    return shape, None, None  # type: ignore[return-value]


def _head(data: UserData, n: int) -> UserData:
    y = None if data.y is None else data.y[:n]
    files = None if data.files is None else data.files[:n]
    return UserData(
        data.x[:n], y, data.class_names, data.source, data.notes, data.total, files, data.spec
    )


def _from_path(spec: Any, shape: tuple, n: int | None, param: str) -> UserData:
    if spec is None or (isinstance(spec, str) and not spec.strip()):
        raise UserError(f"{{{param}}} is empty; give {LAYOUT}", param)
    path = Path(os.fspath(spec)).expanduser()
    if not path.exists():
        raise UserError(f"{{{param}}} {spec} does not exist; give {LAYOUT}", param)
    if path.is_dir():
        return _from_folder(path, shape, n, param, str(spec))
    x, y, names, keys = _read_npz(path, param)
    data = _from_arrays(x, y, names, shape, f"{path.name}: {keys} ({len(x)} images)", param)
    data.spec = str(spec)
    return data


def _read_npz(path: Path, param: str) -> tuple[Any, Any, Any, str]:
    """(x, y or None, class names or None, the keys used) from an npz file."""
    try:
        f = np.load(path, allow_pickle=False)
        if not hasattr(f, "files"):  # a .npy file: one bare array
            raise ValueError("it holds one bare array; save with np.savez(path, x=..., y=...)")
        with f:
            found = list(f.files)
            for kx, ky in NPZ_KEYS:
                if kx in found:
                    y = f[ky] if ky in found else None
                    names = f["class_names"] if "class_names" in found else None
                    return f[kx], y, names, kx if y is None else f"{kx}, {ky}"
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as e:
        raise UserError(
            f"{{{param}}} {path} cannot be read as an .npz file ({e}); give {LAYOUT}", param
        ) from None
    raise UserError(
        f"{{{param}}} {path} has key(s) {', '.join(found) or 'none'}; it needs x (and y) or "
        "x_test (and y_test)",
        param,
    )


def _from_arrays(x: Any, y: Any, names: Any, shape: tuple, source: str, param: str) -> UserData:
    """Arrays of any accepted layout and range -> a :class:`UserData` at ``shape``."""
    arr, notes = _nhwc(np.asarray(x), shape, param)
    if len(arr) == 0:
        raise UserError(f"{{{param}}} holds no images", param)
    arr, scale_note = _unit_range(arr, param)
    fitted, fit_notes = fit_batch(arr, shape)
    labels = None if y is None else _labels(y, len(arr), param)
    if labels is not None and labels.ndim == 2:  # one-hot rows
        labels, notes = labels.argmax(1), [*notes, "one-hot labels turned into class indices"]
    count = 0 if labels is None or not len(labels) else int(labels.max()) + 1
    class_names = tuple(str(v) for v in np.asarray(names).reshape(-1)) if names is not None else ()
    if len(class_names) < count:
        class_names = tuple(str(i) for i in range(count))
    return UserData(
        fitted, labels, class_names, source, notes + scale_note + fit_notes, len(fitted)
    )


def _nhwc(x: np.ndarray, shape: tuple, param: str) -> tuple[np.ndarray, list[str]]:
    """Give images the layout (N, H, W, C); a note for a recognised other layout."""
    h, w, c = shape
    if x.ndim == 2 and x.shape[1] in (h * w * c, h * w):
        return x.reshape(len(x), h, w, -1), [f"flat rows of {x.shape[1]} reshaped to {h}x{w}"]
    if x.ndim == 3:
        return x[..., None], []
    if x.ndim == 4 and x.shape[-1] in (1, 3, 4):
        return x, []
    if x.ndim == 4 and x.shape[1] in (1, 3, 4):
        return x.transpose(0, 2, 3, 1), ["channels-first images moved to channels-last"]
    raise UserError(
        f"{{{param}}} images have shape {x.shape}; give (N, H, W) or (N, H, W, C) with C 1, 3 or 4",
        param,
    )


def _unit_range(x: np.ndarray, param: str) -> tuple[np.ndarray, list[str]]:
    """uint8 (or integer 0..255) and float 0..255 -> float32 [0, 1]; anything else an error."""
    if x.dtype == np.uint8:
        return x.astype(np.float32) / 255.0, []
    if not (np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)):
        raise UserError(f"{{{param}}} images must be numbers, not {x.dtype}", param)
    lo, hi = (float(x.min()), float(x.max())) if x.size else (0.0, 0.0)
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo < 0 or hi > 255:
        raise UserError(
            f"{{{param}}} pixel values run from {lo:g} to {hi:g}; give uint8 0..255 or floats in [0, 1]",
            param,
        )
    if np.issubdtype(x.dtype, np.integer) or hi > 1.0:
        return x.astype(np.float32) / 255.0, ["pixel values 0..255 divided by 255"]
    return x.astype(np.float32), []


def _labels(y: Any, n: int, param: str) -> np.ndarray:
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim not in (1, 2) or len(arr) != n:
        raise UserError(
            f"{{{param}}} has {n} images but labels of shape {arr.shape}; give one class index per image",
            param,
        )
    if arr.dtype.kind not in "iub" and not np.all(np.mod(arr, 1) == 0):
        raise UserError(f"{{{param}}} labels must be whole class indices", param)
    if arr.size and arr.min() < 0:
        raise UserError(f"{{{param}}} labels must be >= 0, found {arr.min()}", param)
    return arr.astype(np.int64)


def fit_batch(x: np.ndarray, shape: Sequence[int]) -> tuple[np.ndarray, list[str]]:
    """Float [0, 1] images (N, H, W, C) -> exactly ``shape`` per image, with notes.

    Example:
        >>> fit_batch(np.ones((2, 4, 4, 3), "float32"), (2, 2, 1))[1]
        ['converted RGB to grayscale (luminance)', 'resized 4x4 to 2x2']
    """
    from interpret.data.images import fit_image, to_channels

    h, w, c = (int(v) for v in shape)
    if x.shape[-1] == 4:
        x = x[..., :3]
    x, notes = to_channels(x, c)
    if tuple(x.shape[1:3]) == (h, w):
        return np.ascontiguousarray(x, dtype=np.float32), notes
    out = np.stack([fit_image(img, (h, w, c))[0] for img in x])
    return out, [*notes, f"resized {x.shape[2]}x{x.shape[1]} to {w}x{h}"]


# ---- a folder of class subfolders -----------------------------------------------------


def class_folders(root: Path, param: str = "data") -> list[tuple[str, list[Path]]]:
    """``[(class name, [image files])]`` of a folder in the Keras layout, classes sorted.

    Example:
        >>> class_folders(Path("pets"))  # doctest: +SKIP
        [('cat', [PosixPath('pets/cat/1.png')]), ('dog', [PosixPath('pets/dog/7.jpg')])]
    """
    subdirs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not subdirs:
        loose = sum(1 for p in root.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        raise UserError(
            f"{{{param}}} {root} has no class subfolders"
            + (f" ({loose} images lie loose in it)" if loose else "")
            + f"; put each class's images in {root}/<class name>/, the layout of "
            "keras.utils.image_dataset_from_directory",
            param,
        )
    out = []
    for d in subdirs:
        files = sorted(
            p
            for p in d.rglob("*")
            if p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".") and p.is_file()
        )
        out.append((d.name, files))
    if not any(files for _, files in out):
        raise UserError(
            f"{{{param}}} {root}: its class subfolders ({', '.join(d.name for d in subdirs[:5])}"
            f"{', ...' if len(subdirs) > 5 else ''}) hold no images ({' '.join(IMAGE_SUFFIXES)})",
            param,
        )
    return out


def round_robin(groups: Sequence[Sequence[Any]]) -> list[tuple[int, Any]]:
    """``(group index, item)`` taking the first of each group, then the second of each, ...

    Example:
        >>> round_robin([["a1", "a2", "a3"], [], ["c1"]])
        [(0, 'a1'), (2, 'c1'), (0, 'a2'), (0, 'a3')]
    """
    longest = max((len(g) for g in groups), default=0)
    return [(k, g[i]) for i in range(longest) for k, g in enumerate(groups) if i < len(g)]


def _from_folder(root: Path, shape: tuple, n: int | None, param: str, spec: str) -> UserData:
    from interpret.data.images import fit_image, read_image

    classes = class_folders(root, param)
    order = round_robin([files for _, files in classes])
    picked = order if n is None else order[: int(n)]
    images, changed = [], {"channels": 0, "resized": 0}
    for _, path in picked:
        try:
            raw = read_image(path)
        except UserError as e:
            reason = e.message().replace(f"image file {path} ", "")
            raise UserError(
                f"{{{param}}} {root}: {path.relative_to(root)} {reason}; delete or re-save that file",
                param,
            ) from None
        img, notes = fit_image(raw, shape)
        changed["channels"] += any(note.startswith("converted") for note in notes)
        changed["resized"] += any(note.startswith("resized") for note in notes)
        images.append(img)
    names = [name for name, _ in classes]
    h, w, c = shape
    notes = []
    if changed["channels"]:
        notes.append(f"{changed['channels']} of {len(images)} images converted to {c} channel(s)")
    if changed["resized"]:
        notes.append(f"{changed['resized']} of {len(images)} images resized to {w}x{h}")
    empty = [name for name, files in classes if not files]
    if empty:
        notes.append(f"class folder(s) with no images: {', '.join(empty)}")
    return UserData(
        x=np.stack(images).astype(np.float32),
        y=np.array([k for k, _ in picked], np.int64),
        class_names=tuple(names),
        source=f"folder {root.name}/: {len(names)} classes, {len(order)} images",
        notes=notes,
        total=len(order),
        files=[str(p.relative_to(root)) for _, p in picked],
        spec=spec,
    )


def _check_labels(
    data: UserData, names: tuple | None, n_classes: int | None, required: bool, param: str
) -> None:
    """Map labels onto the model's classes (by name where the names match) and check them."""
    if data.y is None:
        if required:
            raise UserError(
                f"{{{param}}} {data.name} has no labels; add y (or y_test) with one class index "
                "per image, or use a folder with one subfolder per class",
                param,
            )
        return
    if names is None:
        return
    own = data.class_names
    if own and all(c in names for c in own) and tuple(own) != tuple(names[: len(own)]):
        data.y = np.array([names.index(own[int(v)]) for v in data.y], np.int64)
        data.notes.append("class folders matched to the model's classes by name")
    elif data.files is not None and tuple(own) != tuple(names[: len(own)]):
        data.notes.append(
            "class folders matched to the model's classes by sorted position, not by name"
        )
    data.class_names = tuple(names)
    if len(data.y) and int(data.y.max()) >= int(n_classes or 0):
        what = f"{len(own)} classes" if data.files is not None else f"label {int(data.y.max())}"
        problem = f"{data.name} has {what}; the model has {n_classes} (0-{int(n_classes or 1) - 1})"
        if required:
            raise UserError(f"{{{param}}} {problem}", param)
        data.y = None  # labels the model cannot have: not used
        data.notes.append(f"{problem}: labels ignored")
