"""The pictures of attribution maps: input, heatmap and overlay per image; images x methods.

Colour scales, stated on every sheet:

* signed maps (both signs carry meaning: Integrated Gradients, occlusion, ...) on a
  diverging colormap centred on zero, from ``-v`` to ``+v`` with ``v`` the image's
  largest ``|value|``;
* unsigned maps (>= 0: saliency, the CAMs, ...) on a sequential colormap from 0 to
  the image's largest value.

Each map is scaled to its own range (printed above it), since attribution values of
different images and methods are not on one scale.

Example:
    >>> colour_scale(np.array([[-1.0, 2.0]]), signed=True)
    ('RdBu_r', -2.0, 2.0)
    >>> colour_scale(np.array([[0.0, 3.0]]), signed=False)
    ('inferno', 0.0, 3.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from interpret.gallery.style import new_figure, show_image

SIGNED_CMAP = "RdBu_r"
UNSIGNED_CMAP = "inferno"
SCALE_NOTE = (
    f"colour: each map scaled to its own range (above it); signed maps {SIGNED_CMAP} from "
    f"-max|v| to +max|v|, centred on 0; unsigned maps {UNSIGNED_CMAP} from 0 to max"
)


def colour_scale(m: np.ndarray, signed: bool) -> tuple[str, float, float]:
    """(colormap, vmin, vmax) for one map.

    Example: see the module docstring.
    """
    if signed:
        v = float(np.abs(m).max()) or 1.0
        return SIGNED_CMAP, -v, v
    return UNSIGNED_CMAP, 0.0, float(m.max()) or 1.0


def scale_text(m: np.ndarray, signed: bool) -> str:
    """The range a map is drawn over, as printed above it.

    Example:
        >>> scale_text(np.array([0.0, 0.02]), True), scale_text(np.array([0.0, 5.0]), False)
        ('±0.02', '0 to 5')
    """
    _, lo, hi = colour_scale(m, signed)
    return f"±{hi:.3g}" if signed else f"0 to {hi:.3g}"


def draw_map(ax: Any, m: np.ndarray, signed: bool, title: str | None = None) -> None:
    """A heatmap on its colour scale, without ticks.

    Example:
        >>> fig, ax = new_figure(); draw_map(ax, np.eye(3), False, "eye")
    """
    cmap, lo, hi = colour_scale(m, signed)
    show_image(ax, m, title, cmap=cmap, vmin=lo, vmax=hi, interpolation="nearest")


def overlay(
    ax: Any, image: np.ndarray, m: np.ndarray, signed: bool, title: str | None = None
) -> None:
    """The map over a dimmed grey copy of the image, more opaque where the map is stronger.

    Example:
        >>> fig, ax = new_figure(); overlay(ax, np.ones((4, 4, 3)), np.eye(4), True)
    """
    import matplotlib

    grey = np.asarray(image, np.float32).mean(-1)
    show_image(ax, 0.25 + 0.5 * grey, title, cmap="gray", vmin=0.0, vmax=1.0)
    cmap, lo, hi = colour_scale(m, signed)
    rgba = matplotlib.colormaps[cmap]((m - lo) / (hi - lo))
    rgba[..., 3] = np.clip(np.abs(m) / max(abs(lo), abs(hi)), 0.0, 1.0) * 0.85
    ax.imshow(rgba, interpolation="nearest")


def _row_label(e: Any, i: int) -> str:
    text = e.labels[i] if i < len(e.labels) else f"image {i}"
    if e.targets is not None:
        text += f"\ntarget {e.class_names[int(e.targets[i])]}"
    return text + f"\nscore {e.scores[i]:.3g}"


FOOTER_INCHES = 0.8  # room under the images for the colour bars and the note


def _colour_bars(fig: Any, signed: Sequence[bool]) -> None:
    """Colour bars of the scales used, in units of each map's own range, and the note."""
    import matplotlib

    height = fig.get_figheight()
    kinds = [s for s in (True, False) if s in set(signed)]
    for j, s in enumerate(kinds):
        left = 0.5 - 0.2 * len(kinds) + 0.4 * j + 0.05
        ax = fig.add_axes([left, 0.4 / height, 0.3, 0.08 / height])
        lo = -1.0 if s else 0.0
        norm = matplotlib.colors.Normalize(lo, 1.0)
        bar = matplotlib.cm.ScalarMappable(norm=norm, cmap=SIGNED_CMAP if s else UNSIGNED_CMAP)
        cb = fig.colorbar(bar, cax=ax, orientation="horizontal")
        cb.set_ticks([lo, 0.0, 1.0] if s else [0.0, 0.5, 1.0])
        cb.ax.tick_params(labelsize=6)
        cb.ax.set_title(
            "signed: value / max|v|" if s else "unsigned: value / max", fontsize=6, pad=2
        )
    fig.text(0.5, 0.06 / height, SCALE_NOTE, ha="center", fontsize=5.5, wrap=True)


def explanation_sheet(e: Any, max_images: int = 8) -> Any:
    """Per image: the input, the heatmap and the overlay; one row per image.

    Example:
        >>> from interpret.attributions import explain
        >>> e = explain("mnist-cnn", np.ones((2, 28, 28, 1), "float32"), method="gradcam")
        >>> len(explanation_sheet(e).axes) >= 6
        True
    """
    n = min(len(e.maps), max_images)
    fig, axes = new_figure(5.4, 1.75 * n + 0.4 + FOOTER_INCHES, nrows=n, ncols=3, squeeze=False)
    for i in range(n):
        show_image(axes[i, 0], e.images[i], "input" if i == 0 else None)
        axes[i, 0].set_ylabel(_row_label(e, i), fontsize=7)
        draw_map(axes[i, 1], e.maps[i], e.signed, f"{e.title} {scale_text(e.maps[i], e.signed)}")
        overlay(axes[i, 2], e.images[i], e.maps[i], e.signed, "overlay")
    where = f", layer {e.layer}" if e.layer else ""
    fig.suptitle(f"{e.title} on {e.model}{where}: {e.target}", fontsize=9)
    fig.tight_layout(rect=(0, FOOTER_INCHES / fig.get_figheight(), 1, 1))
    _colour_bars(fig, [e.signed])
    return fig


def comparison_sheet(explanations: Sequence[Any], max_images: int = 8) -> Any:
    """Images x methods: the input, then each method's heatmap (the figure papers print).

    Example:
        >>> from interpret.attributions import explain
        >>> es = explain("mnist-cnn", np.ones((2, 28, 28, 1), "float32"), method="saliency,gradcam")
        >>> len(comparison_sheet(es.items).axes) >= 6
        True
    """
    first = explanations[0]
    n, cols = min(len(first.maps), max_images), len(explanations) + 1
    height = 1.55 * n + 0.5 + FOOTER_INCHES
    fig, axes = new_figure(max(4.5, 1.45 * cols + 0.6), height, nrows=n, ncols=cols, squeeze=False)
    for i in range(n):
        show_image(axes[i, 0], first.images[i], "input" if i == 0 else None)
        axes[i, 0].set_ylabel(_row_label(first, i), fontsize=7)
        for j, e in enumerate(explanations, start=1):
            head = f"{e.title}\n" if i == 0 else ""
            draw_map(axes[i, j], e.maps[i], e.signed, head + scale_text(e.maps[i], e.signed))
    fig.suptitle(f"{first.model}: {first.target}", fontsize=9)
    fig.tight_layout(rect=(0, FOOTER_INCHES / height, 1, 1))
    _colour_bars(fig, [e.signed for e in explanations])
    return fig
