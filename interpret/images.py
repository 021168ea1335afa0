"""Read photos into the toolkit's one image space (float32 [0, 1], H x W x C) and reshape them.

Every problem with an image file (missing, a directory, not an image, truncated)
becomes a one-line :class:`~interpret.errors.UserError` naming the file and why.

Example:
    >>> from interpret.images import load_image, to_channels, sample_photo
    >>> img = load_image(sample_photo())  # doctest: +SKIP
    >>> img.shape, img.dtype  # doctest: +SKIP
    ((600, 512, 3), dtype('float32'))
    >>> to_channels(img, 1).shape  # doctest: +SKIP
    (600, 512, 1)
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from interpret.errors import UserError

SAMPLE_PHOTO = "grace_hopper.jpg"  # ships with matplotlib (a declared dependency)
# ITU-R BT.601 luma weights: how a grayscale model sees a colour photo
LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def sample_photo(name: str = SAMPLE_PHOTO) -> Path:
    """The path of a sample photo shipped with matplotlib, usable offline.

    Example:
        >>> sample_photo().name  # doctest: +SKIP
        'grace_hopper.jpg'
    """
    import matplotlib.cbook

    try:
        path = Path(matplotlib.cbook.get_sample_data(name, asfileobj=False))
    except (OSError, ValueError) as e:
        raise UserError(
            f"matplotlib's sample photo {name!r} is not installed ({e}); pass --image"
        ) from e
    if not path.is_file():
        raise UserError(f"matplotlib's sample photo {path} is missing; pass --image")
    return path


def load_image(path: str | os.PathLike) -> np.ndarray:
    """Read an image file as float32 [0, 1], H x W x 3 (alpha dropped, grey expanded).

    Example:
        >>> load_image("missing.jpg")  # doctest: +SKIP
        UserError: image missing.jpg does not exist
    """
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if not path.exists():
        raise UserError(f"image {path} does not exist")
    if not path.is_file():
        raise UserError(f"image {path} is not a file")
    try:
        with Image.open(path) as im:
            im.load()
            rgb = im.convert("RGB")
    except UnidentifiedImageError:
        raise UserError(
            f"image {path} is not an image file Pillow can read (try a .jpg or .png)"
        ) from None
    except (OSError, ValueError, Image.DecompressionBombError) as e:
        raise UserError(f"image {path} cannot be read: {str(e).splitlines()[0][:200]}") from None
    arr = np.asarray(rgb, dtype=np.float32) / 255.0
    if arr.shape[0] < 1 or arr.shape[1] < 1:
        raise UserError(f"image {path} is empty ({arr.shape[1]}x{arr.shape[0]})")
    return arr


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


def to_channels(image: np.ndarray, channels: int) -> np.ndarray:
    """Convert an H x W x C [0, 1] image to 1 (luma) or 3 (grey repeated) channels.

    Example:
        >>> to_channels(np.ones((2, 2, 3), np.float32), 1)[..., 0]
        array([[1., 1.],
               [1., 1.]], dtype=float32)
    """
    c = image.shape[-1]
    if c == channels:
        return image
    if channels == 1 and c == 3:
        return np.clip(image @ LUMA, 0.0, 1.0)[..., None].astype(np.float32)
    if channels == 3 and c == 1:
        return np.repeat(image, 3, axis=-1)
    raise UserError(f"cannot turn a {c}-channel image into the {channels} channels the model takes")


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
