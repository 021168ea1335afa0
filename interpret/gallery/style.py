"""One plotting style for every figure the toolkit makes, and image-grid helpers.

Example:
    >>> from interpret.gallery.style import new_figure, image_grid
    >>> fig, axes = image_grid([np.zeros((8, 8))] * 4, titles=list("abcd"))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

RC = {
    "figure.facecolor": "white",
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 9,
    "axes.titlesize": 9,
    "image.interpolation": "nearest",
}


def _pyplot():
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(RC)
    return plt


def new_figure(width: float = 6.0, height: float = 4.0, **kwargs: Any) -> tuple[Any, Any]:
    """A figure and axes in the house style.

    Example:
        >>> fig, ax = new_figure(4, 3)
    """
    plt = _pyplot()
    return plt.subplots(figsize=(width, height), **kwargs)


def show_image(ax: Any, image: np.ndarray, title: str | None = None, **kwargs: Any) -> None:
    """Draw an [0, 1] or uint8 image (grey if one channel) without ticks.

    Example:
        >>> fig, ax = new_figure(); show_image(ax, np.zeros((4, 4, 1)), "zero")
    """
    img = np.asarray(image)
    if img.ndim == 3 and img.shape[-1] == 1:
        img = img[..., 0]
    if img.ndim == 2:
        kwargs.setdefault("cmap", "gray")
        if img.dtype != np.uint8:
            kwargs.setdefault("vmin", 0.0)
            kwargs.setdefault("vmax", 1.0)
    elif img.dtype != np.uint8:
        img = np.clip(img, 0.0, 1.0)
    ax.imshow(img, **kwargs)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title is not None:
        ax.set_title(title, fontsize=8)


def image_grid(
    images: Sequence[np.ndarray],
    titles: Sequence[str] | None = None,
    cols: int | None = None,
    cell: float = 1.4,
    suptitle: str | None = None,
    **imshow: Any,
) -> tuple[Any, np.ndarray]:
    """A labelled grid of images, one per cell.

    Example:
        >>> fig, axes = image_grid([np.ones((4, 4))] * 6, cols=3)
        >>> axes.shape
        (2, 3)
    """
    plt = _pyplot()
    n = max(1, len(images))
    cols = cols or int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(
        rows, cols, figsize=(cols * cell, rows * cell + (0.4 if suptitle else 0)), squeeze=False
    )
    for i, ax in enumerate(axes.flat):
        if i < len(images):
            show_image(ax, images[i], titles[i] if titles else None, **imshow)
        else:
            ax.axis("off")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig, axes
