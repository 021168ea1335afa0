"""The two data sets the zoo is trained on, from an npz directory or keras.datasets.

Source order: ``$INTERPRET_DATA_DIR/<name>.npz`` (keys ``x_train``, ``y_train``,
``x_test``, ``y_test``, uint8), else ``keras.datasets.<name>.load_data()``.
Images come back as uint8 NHWC (MNIST gets a channel axis), labels as 1-D uint8.

Example:
    >>> from interpret.data import datasets as data
    >>> ds = data.load("mnist")  # the full set: INTERPRET_DATA_DIR or a download  # doctest: +SKIP
    >>> ds.x_train.shape, ds.class_names[7]  # doctest: +SKIP
    ((60000, 28, 28, 1), '7')
    >>> data.sample("mnist").x_test.shape  # offline: the 500 test images shipped with the package
    (500, 28, 28, 1)
"""

from __future__ import annotations

import functools
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interpret.core.errors import UserError

ENV_VAR = "INTERPRET_DATA_DIR"
KEYS = ("x_train", "y_train", "x_test", "y_test")

CLASS_NAMES: dict[str, tuple[str, ...]] = {
    "mnist": tuple(str(i) for i in range(10)),
    "cifar10": (
        "airplane",
        "automobile",
        "bird",
        "cat",
        "deer",
        "dog",
        "frog",
        "horse",
        "ship",
        "truck",
    ),
}
IMAGE_SHAPES: dict[str, tuple[int, int, int]] = {
    "mnist": (28, 28, 1),
    "cifar10": (32, 32, 3),
}


@dataclass(frozen=True)
class Dataset:
    """A data set split into train and test, uint8 images in NHWC and 1-D labels."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    source: str

    def split(self, which: str) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(x, y)`` of ``"train"`` or ``"test"``.

        Example:
            >>> from interpret.data.datasets import sample
            >>> x, y = sample("cifar10").split("test")
            >>> x.shape, y[:3].tolist()
            ((500, 32, 32, 3), [1, 5, 2])
        """
        if which not in ("train", "test"):
            raise UserError(f"unknown split {which!r}; use 'train' or 'test'")
        return getattr(self, f"x_{which}"), getattr(self, f"y_{which}")


def names() -> tuple[str, ...]:
    """The data sets :func:`load` knows.

    Example:
        >>> names()
        ('mnist', 'cifar10')
    """
    return tuple(CLASS_NAMES)


def _check_name(name: str) -> None:
    if name not in CLASS_NAMES:
        raise UserError(f"unknown data set {name!r}; choose one of: {', '.join(CLASS_NAMES)}")


def _normalise(name: str, arrays: dict[str, np.ndarray], source: str) -> Dataset:
    """Give every source the same layout, or say exactly what is wrong with it."""
    want = IMAGE_SHAPES[name]
    out: dict[str, np.ndarray] = {}
    for split in ("train", "test"):
        x = np.asarray(arrays[f"x_{split}"])
        y = np.asarray(arrays[f"y_{split}"]).reshape(-1)
        if x.ndim == 3 and want[2] == 1:
            x = x[..., None]
        if x.shape[1:] != want:
            raise UserError(
                f"{source}: x_{split} has shape {x.shape}, expected (N, {want[0]}, {want[1]}, {want[2]}) "
                f"images for {name}; re-export the file with that layout"
            )
        if len(y) != len(x):
            raise UserError(
                f"{source}: x_{split} has {len(x)} images but y_{split} has {len(y)} labels; "
                "they must match"
            )
        if x.dtype != np.uint8:
            if x.size and (x.min() < 0 or x.max() > 255):
                raise UserError(f"{source}: x_{split} values must lie in 0..255 (uint8 pixels)")
            x = x.astype(np.uint8)
        n_classes = len(CLASS_NAMES[name])
        if y.size and (y.min() < 0 or y.max() >= n_classes):
            raise UserError(f"{source}: y_{split} labels must lie in 0..{n_classes - 1}")
        out[f"x_{split}"] = x
        out[f"y_{split}"] = y.astype(np.uint8)
    return Dataset(name=name, class_names=CLASS_NAMES[name], source=source, **out)


def _load_npz(name: str, path: Path) -> Dataset:
    try:
        with np.load(path, allow_pickle=False) as f:
            missing = [k for k in KEYS if k not in f.files]
            if missing:
                raise UserError(
                    f"{path}: missing key(s) {', '.join(missing)}; the file needs {', '.join(KEYS)}"
                )
            arrays = {k: f[k] for k in KEYS}
    except UserError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as e:
        raise UserError(f"{path}: cannot read it as an npz file ({e}); replace the file") from e
    return _normalise(name, arrays, f"{ENV_VAR}/{path.name}")


def _load_keras(name: str) -> Dataset:
    import contextlib
    import io

    from interpret._tf import keras

    module = getattr(keras.datasets, name)
    with contextlib.redirect_stdout(io.StringIO()):  # Keras prints "Downloading data from ..."
        (x_train, y_train), (x_test, y_test) = module.load_data()
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    return _normalise(name, arrays, f"keras.datasets.{name}")


def load(name: str) -> Dataset:
    """Load ``"mnist"`` or ``"cifar10"`` as uint8 arrays with class names.

    Reads ``$INTERPRET_DATA_DIR/<name>.npz`` when the variable is set, otherwise
    downloads through ``keras.datasets``. Raises :class:`UserError` naming the
    variable and the expected layout when neither source works.

    Example:
        >>> ds = load("cifar10")  # the full set: INTERPRET_DATA_DIR or a download  # doctest: +SKIP
        >>> ds.x_test.shape, ds.class_names[3]  # doctest: +SKIP
        ((10000, 32, 32, 3), 'cat')
    """
    _check_name(name)
    return _load_cached(name, os.environ.get(ENV_VAR) or "")


@functools.lru_cache(maxsize=4)
def _load_cached(name: str, directory: str) -> Dataset:
    """One read per process and source; the arrays are made read-only so sharing is safe."""
    ds = _load_uncached(name, directory)
    for arr in (ds.x_train, ds.y_train, ds.x_test, ds.y_test):
        arr.setflags(write=False)
    return ds


def _load_uncached(name: str, directory: str) -> Dataset:
    if directory:
        path = Path(directory) / f"{name}.npz"
        if not path.is_file():
            raise UserError(
                f"{ENV_VAR}={directory} has no {name}.npz; put {name}.npz there with keys "
                f"{', '.join(KEYS)} (uint8), or unset {ENV_VAR} to download"
            )
        return _load_npz(name, path)
    try:
        return _load_keras(name)
    except UserError:
        raise
    except Exception as e:  # network errors come in many types
        raise UserError(
            f"could not download {name} through keras.datasets ({type(e).__name__}); offline, set "
            f"{ENV_VAR} to a directory holding {name}.npz with keys {', '.join(KEYS)} (uint8)"
        ) from e


SAMPLE_DIR = Path(__file__).parent / "assets"


def sample(name: str) -> Dataset:
    """The bundled sample of a data set: its first 500 test images, shipped with the package.

    Enough for offline sample grids, feature maps, dataset examples and attack curves;
    ``x_train``/``y_train`` are empty. (The CIFAR-10 sample went through JPEG once.)

    Example:
        >>> sample("mnist").x_test.shape
        (500, 28, 28, 1)
    """
    _check_name(name)
    ds = _load_npz_keys(name, SAMPLE_DIR / f"{name}-test-sample.npz")
    return ds


def _load_npz_keys(name: str, path: Path) -> Dataset:
    with np.load(path, allow_pickle=False) as f:
        x_test, y_test = f["x_test"], f["y_test"]
    empty_x = np.zeros((0, *IMAGE_SHAPES[name]), np.uint8)
    arrays = {
        "x_train": empty_x,
        "y_train": np.zeros(0, np.uint8),
        "x_test": x_test,
        "y_test": y_test,
    }
    return _normalise(name, arrays, f"bundled sample ({len(x_test)} test images)")


def load_test_images(name: str) -> Dataset:
    """The full data set when it can be had (see :func:`load`), else the bundled sample.

    For commands that only need some test images and must work offline out of the box;
    ``Dataset.source`` says which one was used.

    Example:
        >>> load_test_images("cifar10").source  # offline, with no INTERPRET_DATA_DIR
        'bundled sample (500 test images)'
    """
    key = (name, os.environ.get(ENV_VAR) or "")
    if key not in _UNAVAILABLE:
        try:
            return load(name)
        except UserError:
            _UNAVAILABLE.add(key)  # don't try the download again in this process
    return sample(name)


_UNAVAILABLE: set[tuple[str, str]] = set()


def sample_hint(ds: Dataset) -> str:
    """For a message about too few test images: how to get the full set ('' when it is in use).

    Example:
        >>> sample_hint(sample("mnist"))
        '; the bundled sample holds only the first 500 test images: set INTERPRET_DATA_DIR to a folder with mnist.npz for all of them'
    """
    if not ds.source.startswith("bundled"):
        return ""
    return (
        f"; the bundled sample holds only the first {len(ds.x_test)} test images: set "
        f"{ENV_VAR} to a folder with {ds.name}.npz for all of them"
    )


def first_test_images(name: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``n`` test images of :func:`load_test_images` as the attacks and explainers
    take them: float32 in [0, 1] and int32 labels.

    Example:
        >>> x, y = first_test_images("mnist", 4)
        >>> x.shape, x.dtype.name, float(x.max()) <= 1.0, y.dtype.name
        ((4, 28, 28, 1), 'float32', True, 'int32')
    """
    x, y = load_test_images(name).split("test")
    return x[:n].astype("float32") / 255, y[:n].astype("int32")


def split_sample(name: str, n_train: int = 400) -> Dataset:
    """The bundled sample split into a tiny train and test set, for previews and CI.

    Example:
        >>> ds = split_sample("mnist")
        >>> len(ds.x_train), len(ds.x_test)
        (400, 100)
    """
    s = sample(name)
    return Dataset(
        name=name,
        x_train=s.x_test[:n_train],
        y_train=s.y_test[:n_train],
        x_test=s.x_test[n_train:],
        y_test=s.y_test[n_train:],
        class_names=s.class_names,
        source=f"bundled sample split {n_train}/{len(s.x_test) - n_train}",
    )
