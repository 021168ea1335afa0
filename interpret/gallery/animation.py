"""Animated GIFs of a run: one frame per logged step (a render) or epoch (training).

Each frame carries a thin progress bar along its bottom edge (how far through the run
it is), which also keeps consecutive frames distinct: GIF writers merge identical
frames, and a filter that stops changing must still give one frame per logged step.
Frames are scaled up by a whole factor (nearest neighbour), so a 28x28 render stays
crisp in a browser.

Example:
    >>> from interpret.gallery.animation import gif_bytes, gif_frame_count
    >>> frames = [np.full((8, 8, 3), v, "float32") for v in (0.0, 0.5, 0.5, 1.0)]
    >>> data = gif_bytes(frames)
    >>> data[:6], gif_frame_count(data)
    (b'GIF89a', 4)
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np

BAR = (47, 109, 181)  # the gallery's accent colour
BAR_HEIGHT = 3
FRAME_MS = 120


def to_uint8(image: np.ndarray) -> np.ndarray:
    """An [0, 1] float or uint8 image (H, W), (H, W, 1) or (H, W, 3) as uint8 RGB.

    Example:
        >>> to_uint8(np.ones((2, 2, 1))).shape
        (2, 2, 3)
    """
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = (np.clip(arr, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    if arr.ndim == 2:
        arr = arr[..., None]
    if arr.shape[-1] == 1:
        arr = np.repeat(arr, 3, axis=-1)
    return arr[..., :3]


def tile(images: Sequence[np.ndarray], cols: int | None = None, gap: int = 1) -> np.ndarray:
    """Images of one size side by side in rows of ``cols`` (white gaps): one frame of many.

    Example:
        >>> tile([np.zeros((4, 4, 3))] * 5, cols=3).shape
        (9, 14, 3)
    """
    cells = [to_uint8(im) for im in images]
    n = len(cells)
    cols = cols or int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    h, w = cells[0].shape[:2]
    out = np.full((rows * h + (rows - 1) * gap, cols * w + (cols - 1) * gap, 3), 255, np.uint8)
    for k, cell in enumerate(cells):
        r, c = divmod(k, cols)
        out[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = cell
    return out


def frames_rgb(frames: Sequence[np.ndarray], min_side: int = 128) -> list[np.ndarray]:
    """Frames padded to one size, scaled up by a whole factor, each with its progress bar.

    Example:
        >>> [f.shape for f in frames_rgb([np.zeros((4, 6)), np.zeros((5, 5))], min_side=10)]
        [(16, 12, 3), (16, 12, 3)]
    """
    cells = [to_uint8(f) for f in frames]
    h = max(c.shape[0] for c in cells)
    w = max(c.shape[1] for c in cells)
    n = len(cells)
    k = max(1, int(np.ceil(min_side / min(h, w))), int(np.ceil(n / w)))  # a bar pixel per frame
    out = []
    for i, cell in enumerate(cells):
        canvas = np.full((h, w, 3), 255, np.uint8)
        canvas[: cell.shape[0], : cell.shape[1]] = cell
        big = canvas.repeat(k, axis=0).repeat(k, axis=1)
        bar = np.full((BAR_HEIGHT * k, w * k, 3), 255, np.uint8)
        bar[:, : max(1, round(w * k * (i + 1) / n))] = BAR
        out.append(np.concatenate([big, bar], axis=0))
    return out


def gif_bytes(frames: Sequence[np.ndarray], duration: int = FRAME_MS, min_side: int = 128) -> bytes:
    """An animated, looping GIF with one frame per array in ``frames`` (see :func:`frames_rgb`).

    Example:
        >>> gif_bytes([np.zeros((4, 4)), np.ones((4, 4))])[:3]
        b'GIF'
    """
    from PIL import Image

    if len(frames) == 0:
        raise ValueError("an animation needs at least one frame")
    pictures = [Image.fromarray(f) for f in frames_rgb(frames, min_side)]
    buf = io.BytesIO()
    pictures[0].save(
        buf,
        format="GIF",
        save_all=True,
        append_images=pictures[1:],
        duration=int(duration),
        loop=0,
        optimize=False,
        disposal=1,
    )
    return buf.getvalue()


def gif_frame_count(data: bytes) -> int:
    """How many frames a GIF holds (as a decoder sees it).

    Example:
        >>> gif_frame_count(gif_bytes([np.zeros((4, 4))] * 3))
        3
    """
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        return int(getattr(im, "n_frames", 1))
