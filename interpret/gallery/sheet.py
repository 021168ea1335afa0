"""A figure together with the numbers it shows: what every plotting API function returns.

Tests read ``data`` (the arrays drawn) and ``figures`` (the measured numbers); the CLI
calls :meth:`Sheet.save` to write the PNG and its sidecar into the gallery.

Example:
    >>> from interpret.gallery.style import new_figure
    >>> fig, ax = new_figure()
    >>> sheet = Sheet(fig, technique="demo", name="empty", figures={"n": 0})
    >>> sheet.figures["n"]
    0
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpret.gallery.inline import ShowsInline
from interpret.gallery.store import Artifact, Gallery, slug


def label_slug(label: str) -> str:
    """A file-name part for an input label: drop the class in brackets, '#' and an image suffix.

    Example:
        >>> label_slug("mnist test #3 (0)"), label_slug("my cat.jpg")
        ('mnist-test-3', 'my-cat')
    """
    text = label.split(" (")[0].replace("#", "")
    text = re.sub(r"\.(png|jpe?g|bmp|gif|tiff?|webp)$", "", text, flags=re.IGNORECASE)
    return slug(text)


@dataclass
class Sheet(ShowsInline):
    """One figure, the arrays it draws, and what its sidecar should say (Jupyter shows the figure).

    Attributes:
        figure: the matplotlib figure.
        technique: gallery folder (``filters``, ``featuremaps``, ``convolve``, ``summary``).
        name: file name inside that folder.
        layer: the layer shown, if any.
        parameters: every option that made the sheet.
        figures: measured numbers shown on the sheet (JSON-able).
        notes: things a reader should know (e.g. "converted RGB to grayscale").
        data: the arrays drawn, by name (not written to the sidecar).
    """

    figure: Any
    technique: str
    name: str
    layer: str | None = None
    parameters: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    data: dict[str, np.ndarray] = field(default_factory=dict)
    model: str = "teaching"  # the gallery folder it lands in
    model_info: dict = field(default_factory=dict)  # how the model was resolved (sidecars)

    @classmethod
    def of(cls, handle: Any, figure: Any, technique: str, name: str, **fields: Any) -> Sheet:
        """A sheet about the resolved model ``handle``: its gallery folder and sidecar model info.

        Example:
            >>> from types import SimpleNamespace
            >>> handle = SimpleNamespace(name="m", describe=lambda: {"model": "m"})
            >>> sheet = Sheet.of(handle, None, "summary", "summary", figures={"n": 1})
            >>> sheet.model, sheet.model_info, sheet.figures
            ('m', {'model': 'm'}, {'n': 1})
        """
        return cls(
            figure, technique, name, model=handle.name, model_info=handle.describe(), **fields
        )

    def meta(self) -> dict:
        """The sidecar fields of this sheet.

        Example:
            >>> sorted(Sheet(None, "t", "n").meta())
            ['figures', 'layer', 'notes', 'parameters', 'seed']
        """
        return {
            "seed": None,  # nothing random goes into these sheets
            "layer": self.layer,
            "parameters": self.parameters,
            "figures": self.figures,
            "notes": self.notes,
        }

    def save(self, gallery: str | Gallery | None = None) -> list[Artifact]:
        """Write the figure and its sidecar to ``gallery`` (closes the figure).

        Example:
            >>> from interpret.gallery.style import new_figure
            >>> sheet = Sheet(new_figure()[0], technique="demo", name="empty", model="demo")
            >>> [a.png.name for a in sheet.save("/tmp/demo-gallery")]
            ['empty.png']
        """
        g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
        meta = {**self.meta(), **self.model_info}
        return [
            g.save_figure(
                self.figure, model=self.model, technique=self.technique, name=self.name, meta=meta
            )
        ]
