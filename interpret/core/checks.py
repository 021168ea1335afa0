"""Checks of the numbers and images a person passes in: each rule written once.

Every check raises :class:`~interpret.core.errors.UserError` naming the parameter,
so the API shows ``steps=`` and the CLI ``--steps``.

Example:
    >>> positive_int(3, "steps")
    3
    >>> positive_int(0, "steps")
    Traceback (most recent call last):
    ...
    interpret.core.errors.UserError: steps= must be a whole number of at least 1, got 0
    >>> non_negative(0.0, "tv")
    0.0
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from interpret.core.errors import UserError


def positive_int(value: Any, param: str, minimum: int = 1) -> int:
    """``value`` as an int, checked to be a whole number >= ``minimum``.

    Example:
        >>> positive_int(2.0, "steps")
        2
        >>> positive_int(1, "diverse", minimum=2)
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: diverse= must be a whole number of at least 2, got 1
    """
    ok = not isinstance(value, bool)
    try:
        number = float(value)
        ok = ok and math.isfinite(number) and number == int(number) and number >= minimum
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise UserError(
            f"{{{param}}} must be a whole number of at least {minimum}, got {value!r}", param
        )
    return int(number)


def positive(value: Any, param: str) -> float:
    """``value`` as a float, checked to be finite and > 0.

    Example:
        >>> positive(0.05, "lr")
        0.05
        >>> positive(-1, "lr")
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: lr= must be greater than 0, got -1
    """
    number = _number(value, param)
    if not number > 0:
        raise UserError(f"{{{param}}} must be greater than 0, got {value!r}", param)
    return number


def non_negative(value: Any, param: str, maximum: float | None = None) -> float:
    """``value`` as a float, checked to be finite, >= 0 and (optionally) <= ``maximum``.

    Example:
        >>> non_negative(0.5, "scale", maximum=0.5)
        0.5
        >>> non_negative(0.6, "scale", maximum=0.5)
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: scale= must lie in [0, 0.5], got 0.6
    """
    number = _number(value, param)
    if number < 0 or (maximum is not None and number > maximum):
        if maximum is None:
            raise UserError(f"{{{param}}} must be 0 or more, got {value!r}", param)
        raise UserError(f"{{{param}}} must lie in [0, {maximum:g}], got {value!r}", param)
    return number


def fraction(value: Any, param: str, *, open_low: bool = True, open_high: bool = False) -> float:
    """``value`` as a float in (0, 1] (which ends are open is configurable).

    Example:
        >>> fraction(0.5, "keep")
        0.5
        >>> fraction(1.0, "threshold", open_high=True)
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: threshold= must lie in (0, 1), got 1.0
    """
    number = _number(value, param)
    low_ok = number > 0 if open_low else number >= 0
    high_ok = number < 1 if open_high else number <= 1
    if not (low_ok and high_ok):
        span = f"{'(' if open_low else '['}0, 1{')' if open_high else ']'}"
        raise UserError(f"{{{param}}} must lie in {span}, got {value!r}", param)
    return number


def choice(value: Any, choices: Sequence[str], param: str, what: str | None = None) -> str:
    """``value`` lower-cased, checked to be one of ``choices`` (the error lists them).

    Example:
        >>> choice("Fourier", ("fourier", "pixel"), "param")
        'fourier'
        >>> choice("dct", ("fourier", "pixel"), "param", "parameterization")
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: unknown parameterization 'dct' for param=; choose one of: fourier, pixel
    """
    text = str(value).strip().lower()
    if text not in choices:
        raise UserError(
            f"unknown {what or 'value'} {value!r} for {{{param}}}; choose one of: "
            f"{', '.join(choices)}",
            param,
        )
    return text


def _number(value: Any, param: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UserError(f"{{{param}}} must be a number, got {value!r}", param) from None
    if isinstance(value, bool) or not math.isfinite(number):
        raise UserError(f"{{{param}}} must be a finite number, got {value!r}", param)
    return number


def images(probe: Any, x: Any, y: Any | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """A batch of images (and labels) checked for ``probe``: float32 [0, 1] NHWC, int32 labels.

    uint8 images are divided by 255; float images must already lie in [0, 1];
    (N, H, W) is accepted for one-channel models, and one image of exactly the model's
    input shape (or (H, W) for a one-channel model) as a batch of one; one-hot labels are turned into class indices.

    Example:
        >>> from interpret.core.models import resolve
        >>> probe = resolve("mnist-cnn").probe
        >>> x, y = images(probe, np.zeros((2, 28, 28), "uint8"), [3, 4])
        >>> x.shape, x.dtype, y.tolist()
        ((2, 28, 28, 1), dtype('float32'), [3, 4])
    """
    if isinstance(x, (str, os.PathLike)) or (
        isinstance(x, (list, tuple)) and x and isinstance(x[0], (str, os.PathLike))
    ):
        raise UserError(
            "{x} holds file names; pass image arrays (interpret.data.images.load_image(path, "
            "shape) reads a picture fitted to a model)",
            "x",
        )
    arr = np.asarray(x)
    if arr.dtype == np.uint8:
        arr = arr.astype(np.float32) / 255.0
    arr = arr.astype(np.float32, copy=False)
    want = tuple(probe.input_shape)
    if arr.shape == want:  # one image
        arr = arr[None]
    elif want[-1] == 1 and arr.shape == want[:-1]:  # one image without its channel axis
        arr = arr[None, ..., None]
    elif arr.ndim == len(want) and want[-1] == 1:
        arr = arr[..., None]
    if arr.ndim != len(want) + 1 or tuple(arr.shape[1:]) != want:
        raise UserError(
            f"{{x}} has shape {tuple(np.shape(x))}; {probe.name} takes (N, {', '.join(map(str, want))})",
            "x",
        )
    if len(arr) == 0:
        raise UserError("no images given in {x}; pass at least one image", "x")
    if not np.all(np.isfinite(arr)) or arr.min() < 0.0 or arr.max() > 1.0:
        raise UserError(
            "{x} must be float32 in [0, 1] (or uint8 0..255); divide pixel values by 255", "x"
        )
    if y is None:
        return arr, None
    return arr, labels(probe, y, len(arr))


def labels(probe: Any, y: Any, n: int, param: str = "y") -> np.ndarray:
    """Class labels for ``n`` images checked against ``probe``'s classes, as int32.

    Example:
        >>> from interpret.core.models import resolve
        >>> labels(resolve("mnist-cnn").probe, [[0, 1] + [0] * 8], 1).tolist()
        [1]
    """
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == probe.n_classes and len(arr) == n:
        arr = arr.argmax(axis=1)  # one-hot
    if arr.ndim == 2 and arr.shape[1] == 1 and len(arr) == n:
        arr = arr[:, 0]  # a column, as keras.datasets.cifar10 gives them
    arr = arr.reshape(-1) if arr.ndim <= 1 else arr
    if arr.ndim != 1 or len(arr) != n:
        raise UserError(
            f"labels do not match images: {n} images but {{{param}}} of shape {np.shape(y)}; "
            "give one class index per image",
            param,
        )
    if not np.issubdtype(arr.dtype, np.integer):
        if not np.all(np.equal(np.mod(arr, 1), 0)):
            raise UserError(f"{{{param}}} must be integer class indices", param)
        arr = arr.astype(np.int64)
    if len(arr) and (arr.min() < 0 or arr.max() >= probe.n_classes):
        bad = int(arr.min() if arr.min() < 0 else arr.max())
        raise UserError(
            f"label {bad} in {{{param}}} is out of range: {probe.name} has {probe.n_classes} "
            f"classes (0-{probe.n_classes - 1})",
            param,
        )
    return arr.astype(np.int32)
