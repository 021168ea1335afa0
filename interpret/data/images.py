"""Read a user's picture (or take a data-set sample) as a float32 [0, 1] image a model accepts.

The image is checked first (exists, is a file, decodes), then its channels are
converted to the model's (RGB -> grayscale by luminance, grayscale -> RGB by
repeating) and it is resized to the model's input size. Every change is reported
in ``notes`` so that the sidecar can say so.

Example:
    >>> from interpret.data.images import fit_image
    >>> img, notes = fit_image(np.zeros((32, 32, 3), "uint8"), (28, 28, 1))
    >>> img.shape, notes
    ((28, 28, 1), ['converted RGB to grayscale (luminance)', 'resized 32x32 to 28x28'])
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from interpret.core.errors import UserError

LUMA = np.array([0.299, 0.587, 0.114], "float32")


def read_image(path: str | os.PathLike) -> np.ndarray:
    """Decode an image file to uint8 (H, W, 1) or (H, W, 3); alpha is dropped.

    Raises :class:`UserError` naming the file and the reason when it cannot be used.

    Example:
        >>> read_image(sample_photo()).shape
        (600, 512, 3)
        >>> read_image("cat.png")
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: image file cat.png does not exist
    """
    from PIL import Image, UnidentifiedImageError

    p = Path(path)
    if not p.exists():
        raise UserError(f"image file {p} does not exist")
    if not p.is_file():
        raise UserError(f"image file {p} is not a file (it is a directory or device)")
    try:
        with Image.open(p) as im:
            im.load()
            mode = im.mode
            if mode in ("1", "L"):
                arr = np.asarray(im.convert("L"))[..., None]
            elif mode.startswith(("I", "F")):
                arr = _deep_gray(np.asarray(im), mode)[..., None]
            elif mode == "LA":
                arr = np.asarray(im.convert("L"))[..., None]
            else:
                arr = np.asarray(im.convert("RGB"))
    except UnidentifiedImageError:
        raise UserError(
            f"image file {p} is not an image PIL can read (PNG, JPEG, BMP, GIF, TIFF, WebP)"
        ) from None
    except (OSError, ValueError, SyntaxError) as e:
        raise UserError(f"image file {p} cannot be decoded: {e}") from None
    if arr.shape[0] < 1 or arr.shape[1] < 1:
        raise UserError(f"image file {p} is empty ({arr.shape[1]}x{arr.shape[0]} pixels)")
    return arr


def _deep_gray(arr: np.ndarray, mode: str) -> np.ndarray:
    """A 16/32-bit or float grayscale image as uint8, scaled (PIL's ``convert("L")`` clips).

    16-bit images are divided by 257 (65535 -> 255); 32-bit integers likewise when they go
    above 255; floats in [0, 1] are multiplied by 255, floats up to 255 kept.

    Example:
        >>> _deep_gray(np.array([[0, 32768, 65535]], "uint16"), "I;16").tolist()
        [[0, 128, 255]]
        >>> _deep_gray(np.array([[0.0, 0.5, 1.0]], "float32"), "F").tolist()
        [[0, 128, 255]]
    """
    x = arr.astype(np.float64)
    hi = float(x.max()) if x.size else 0.0
    if mode.startswith("I;16") or hi > 255:
        x = x / 257.0
    elif mode == "F" and hi <= 1.0:
        x = x * 255.0
    return np.clip(np.round(x), 0, 255).astype(np.uint8)


def to_channels(image: np.ndarray, channels: int) -> tuple[np.ndarray, list[str]]:
    """Convert an (H, W, C) image to ``channels`` (1 or 3) channels; notes say what changed.

    Example:
        >>> to_channels(np.ones((2, 2, 1), "float32"), 3)[0].shape
        (2, 2, 3)
    """
    img = np.asarray(image)
    if img.ndim == 2:
        img = img[..., None]
    have = img.shape[-1]
    if channels not in (1, 3):
        raise UserError(
            f"the model takes {channels}-channel images; only 1 (grayscale) or 3 (RGB) channels can be fed from a picture"
        )
    if have == channels:
        return img, []
    if have == 3 and channels == 1:
        gray = (img.astype("float32") * LUMA).sum(-1, keepdims=True)
        if img.dtype == np.uint8:
            gray = np.clip(gray + 0.5, 0, 255).astype(np.uint8)
        return gray, ["converted RGB to grayscale (luminance)"]
    if have == 1 and channels == 3:
        return np.repeat(img, 3, axis=-1), ["converted grayscale to RGB (channel repeated)"]
    raise UserError(f"cannot convert a {have}-channel image to {channels} channels")


def fit_image(image: np.ndarray, shape: tuple[int, int, int]) -> tuple[np.ndarray, list[str]]:
    """An image (uint8 or float [0, 1]) -> float32 [0, 1] of exactly ``shape`` (H, W, C), with notes.

    Example:
        >>> import numpy as np
        >>> img, notes = fit_image(np.full((28, 28, 1), 255, "uint8"), (32, 32, 3))
        >>> img.shape, float(img.max()), notes
        ((32, 32, 3), 1.0, ['converted grayscale to RGB (channel repeated)', 'resized 28x28 to 32x32'])
    """
    from PIL import Image

    h, w, c = (int(v) for v in shape)
    img, notes = to_channels(image, c)
    arr = img.astype("float32") / 255.0 if img.dtype == np.uint8 else img.astype("float32")
    if arr.shape[:2] != (h, w):
        notes.append(f"resized {arr.shape[1]}x{arr.shape[0]} to {w}x{h}")
        chans = [
            np.asarray(
                Image.fromarray(arr[..., k]).resize((w, h), Image.Resampling.BILINEAR), "float32"
            )
            for k in range(arr.shape[-1])
        ]
        arr = np.stack(chans, -1)
    return np.clip(arr, 0.0, 1.0), notes


def load_image(
    path: str | os.PathLike, shape: tuple[int, int, int]
) -> tuple[np.ndarray, list[str]]:
    """Read ``path`` and fit it to a model input ``shape`` (H, W, C): float32 [0, 1] and notes.

    Example:
        >>> img, notes = load_image(sample_photo(), (32, 32, 3))
        >>> img.shape, notes
        ((32, 32, 3), ['resized 512x600 to 32x32'])
    """
    return fit_image(read_image(path), shape)


def dataset_image(
    dataset: str, index: int, split: str = "test"
) -> tuple[np.ndarray, list[str], str]:
    """Image ``index`` of a data set as uint8 (H, W, C), with notes and a label naming it.

    Test images come from the full data set when it can be had, else from the sample
    shipped with the package (a note says so).

    Example:
        >>> img, notes, label = dataset_image("mnist", 0)
        >>> img.shape, label
        ((28, 28, 1), 'mnist test #0 (7)')
    """
    from interpret.data import datasets as data

    ds = data.load_test_images(dataset) if split == "test" else data.load(dataset)
    x, y = ds.split(split)
    if not 0 <= int(index) < len(x):
        raise UserError(
            f"index {index} is out of range: {dataset} {split} has {len(x)} images (0-{len(x) - 1})"
            + data.sample_hint(ds)
        )
    notes = []
    if ds.source.startswith("bundled"):
        notes.append(
            f"{dataset} image from the package's {ds.source}; the full set was not available"
        )
    i = int(index)
    return x[i], notes, f"{dataset} {split} #{i} ({ds.class_names[int(y[i])]})"


SAMPLE_PHOTO = "grace_hopper.jpg"  # ships with matplotlib (a declared dependency)


def sample_photo(name: str = SAMPLE_PHOTO) -> Path:
    """The path of a sample photo shipped with matplotlib, usable offline.

    Example:
        >>> sample_photo().name
        'grace_hopper.jpg'
    """
    import matplotlib.cbook

    try:
        path = Path(matplotlib.cbook.get_sample_data(name, asfileobj=False))
    except (OSError, ValueError) as e:
        raise UserError(
            f"matplotlib's sample photo {name!r} is not installed ({e}); pass {{image}}", "image"
        ) from e
    if not path.is_file():
        raise UserError(f"matplotlib's sample photo {path} is missing; pass {{image}}", "image")
    return path


def as_image(image: np.ndarray) -> np.ndarray:
    """Validate an array as an image: H x W or H x W x {1, 3, 4}, uint8 or float [0, 1] -> float32 HxWxC.

    Example:
        >>> as_image(np.zeros((4, 5), np.uint8)).shape
        (4, 5, 1)
    """
    arr = np.asarray(image)
    if arr.ndim == 2:
        arr = arr[..., None]
    if arr.ndim != 3 or arr.shape[-1] not in (1, 3, 4) or min(arr.shape[:2]) < 1:
        raise UserError(
            f"an image must be H x W or H x W x 1/3/4 channels; got an array of shape {arr.shape}"
        )
    if arr.shape[-1] == 4:
        arr = arr[..., :3]
    if arr.dtype == np.uint8:
        return arr.astype(np.float32) / 255.0
    arr = arr.astype(np.float32)
    if not np.all(np.isfinite(arr)) or arr.min() < 0.0 or arr.max() > 1.0:
        raise UserError(
            "a float image must hold finite values in [0, 1]; divide uint8 pixels by 255"
        )
    return arr


def resize(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize an H x W x C float image to ``size=(height, width)`` (bilinear, antialiased).

    Example:
        >>> resize(np.zeros((10, 10, 3), np.float32), (5, 7)).shape
        (5, 7, 3)
    """
    from interpret._tf import tf

    h, w = int(size[0]), int(size[1])
    out = tf.image.resize(image, (h, w), method="bilinear", antialias=True)
    return out.numpy().astype(np.float32)
