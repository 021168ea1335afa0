"""Random numbers per image, the same whatever batch or device the image lands in.

The robustness attacks draw their random starts and Square's proposals from one stream
per image, keyed by ``(seed, stream, index)`` where ``index`` is the image's place in the
whole evaluation. So an image's attack does not depend on which other images share its
batch, on images dropped from the batch once fooled, or on how a data-parallel run split
the images over devices: one seed gives one answer.

Example:
    >>> a = streams(0, "apgd", [0, 1, 2])
    >>> b = streams(0, "apgd", [2])
    >>> bool(np.array_equal(uniform(a, (3,))[2], uniform(b, (3,))[0]))
    True
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

Streams = list[np.random.Generator]


def streams(seed: int, stream: str, indices: Sequence[int]) -> Streams:
    """One generator per image index, keyed by ``(seed, stream, index)``.

    Example:
        >>> len(streams(3, "square", range(4)))
        4
    """
    key = zlib.crc32(stream.encode())
    return [np.random.default_rng([int(seed), key, int(i)]) for i in indices]


def uniform(gens: Streams, shape: tuple[int, ...]) -> np.ndarray:
    """Uniform [0, 1) numbers of ``shape`` per image: (B, *shape) float32.

    Example:
        >>> uniform(streams(0, "x", [0, 1]), (2, 3)).shape
        (2, 2, 3)
    """
    if not gens:
        return np.zeros((0, *shape), np.float32)
    return np.stack([g.random(shape, dtype=np.float32) for g in gens])


def normal(gens: Streams, shape: tuple[int, ...]) -> np.ndarray:
    """Standard normal numbers of ``shape`` per image: (B, *shape) float32.

    Example:
        >>> normal(streams(0, "x", [0]), (4,)).shape
        (1, 4)
    """
    if not gens:
        return np.zeros((0, *shape), np.float32)
    return np.stack([g.standard_normal(shape, dtype=np.float32) for g in gens])


def ball_start(
    x: np.ndarray, eps: float, norm: str, gens: Streams, scale: float = 1.0
) -> np.ndarray:
    """A random start on the surface of the eps-ball as APGD and FAB draw it, clipped to [0, 1].

    Linf: ``x + eps * t / max|t|`` with ``t`` uniform in [-1, 1]; L2: ``x + eps * t / ||t||``
    with ``t`` normal; ``scale`` shrinks the radius (FAB's restarts use 0.5).

    Example:
        >>> x = np.full((2, 4, 4, 1), 0.5, "float32")
        >>> s = ball_start(x, 0.1, "linf", streams(0, "t", [0, 1]))
        >>> round(float(np.abs(s - x).max()), 4)
        0.1
    """
    shape = x.shape[1:]
    axes = tuple(range(1, x.ndim))
    if norm == "linf":
        t = 2.0 * uniform(gens, shape) - 1.0
        size = np.abs(t).max(axis=axes, keepdims=True)
    else:
        t = normal(gens, shape)
        size = np.sqrt((t.astype(np.float64) ** 2).sum(axis=axes, keepdims=True))
    step = (eps * scale) * t / (size + 1e-12)
    return np.clip(x + step, 0.0, 1.0).astype(np.float32)
