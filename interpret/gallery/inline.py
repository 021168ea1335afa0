"""Results that show themselves in Jupyter: a mixin giving ``_repr_png_`` and ``_repr_html_``.

A result class inherits :class:`ShowsInline` and says what it looks like in one method,
:meth:`~ShowsInline.inline_view` (a matplotlib figure or an image array; by default its
``figure`` attribute). A result with an animation also defines
:meth:`~ShowsInline.inline_frames`, and the notebook then plays it as a GIF.

Example:
    >>> from dataclasses import dataclass
    >>> from interpret.gallery.inline import ShowsInline
    >>> @dataclass
    ... class Dots(ShowsInline):
    ...     image: np.ndarray
    ...     def inline_view(self):
    ...         return self.image
    >>> Dots(np.zeros((4, 4)))._repr_png_()[:4]
    b'\\x89PNG'
    >>> Dots(np.zeros((4, 4)))._repr_html_() is None  # no animation: the PNG is shown
    True
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np


class ShowsInline:
    """Mixin: Jupyter displays the object as its picture (and plays its animation, if any)."""

    def inline_view(self) -> Any:
        """What the object looks like: a matplotlib figure or an image array.

        Example:
            >>> ShowsInline().inline_view()
            Traceback (most recent call last):
            ...
            NotImplementedError: ShowsInline has nothing to show: define inline_view()
        """
        fig = getattr(self, "figure", None)
        if fig is None or callable(fig):
            raise NotImplementedError(
                f"{type(self).__name__} has nothing to show: define inline_view()"
            )
        return fig

    def inline_frames(self) -> list[np.ndarray] | None:
        """The frames of the object's animation, or None (the default: no animation)."""
        return None

    def _repr_png_(self) -> bytes:
        """PNG bytes of :meth:`inline_view` (the figure is closed, so pyplot shows it once)."""
        from interpret.gallery.store import figure_png_bytes, png_bytes

        view = self.inline_view()
        if isinstance(view, np.ndarray):
            return png_bytes(view)
        try:
            return figure_png_bytes(view)
        finally:
            import matplotlib.pyplot as plt

            plt.close(view)

    def _repr_html_(self) -> str | None:
        """The animation as an inline GIF when there is one; None lets Jupyter use the PNG."""
        frames = self.inline_frames()
        if not frames:
            return None
        from interpret.gallery.animation import gif_bytes

        data = base64.b64encode(gif_bytes(frames)).decode("ascii")
        label = f"{type(self).__name__}: {len(frames)} frames"
        return (
            f'<img src="data:image/gif;base64,{data}" alt="{label}" title="{label}" '
            'style="image-rendering: pixelated; max-width: 100%">'
        )
