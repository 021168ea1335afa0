"""What :func:`interpret.explain` returns: the maps with everything needed to read them.

An :class:`Explanation` is one method on N images: the maps (N, H, W) at the input's
resolution, the class (or objective) explained and the model's score for it on each
image, the method's parameters, and the numbers behind the map (a CAM at its
layer's resolution, Integrated Gradients' completeness). It saves itself into the
gallery (PNG + sidecar) and shows itself in a notebook. :class:`Explanations` is
several methods on the same images, with the images x methods sheet.

Example:
    >>> from interpret.attributions import explain
    >>> e = explain("mnist-cnn", np.ones((1, 28, 28, 1), "float32"), method="saliency")
    >>> e.method, e.maps.dtype, e.parameters["target"]
    ('saliency', dtype('float32'), 'predicted class')
    >>> e._repr_png_()[:4]
    b'\\x89PNG'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpret.gallery.sheet import label_slug
from interpret.gallery.store import Artifact, Gallery, figure_png_bytes

TECHNIQUE = "explain"


@dataclass
class Explanation:
    """One attribution method on N images."""

    method: str  # the registry's name
    title: str  # as papers print it
    maps: np.ndarray  # (N, H, W) float32, input resolution
    signed: bool  # diverging (both signs) or sequential (>= 0) colours
    images: np.ndarray = field(repr=False)  # (N, H, W, C) float32 [0, 1]
    target: str  # what is explained, e.g. "predicted class", "channel(conv2d_2, 5)"
    targets: np.ndarray | None  # (N,) class per image; None for an objective
    scores: np.ndarray  # (N,) the model's score for the target (logit or objective value)
    parameters: dict  # the method's options, target, layer, memory budget
    layer: str | None = None
    raw: np.ndarray | None = field(default=None, repr=False)  # a CAM at its layer's resolution
    figures: dict = field(default_factory=dict)
    seed: int = 0
    seconds: float = 0.0
    model: str = "model"
    model_info: dict = field(default_factory=dict)
    labels: list = field(default_factory=list)  # a name per image
    class_names: tuple = ()
    notes: list = field(default_factory=list)  # what was done to the images (conversions)
    data_info: dict = field(default_factory=dict)  # where the images came from (sidecars)

    def sheet(self, max_images: int = 8) -> Any:
        """The figure: input, heatmap, overlay per image (:mod:`.sheets`).

        Example:
            >>> fig = e.sheet()  # doctest: +SKIP
        """
        from interpret.attributions.sheets import explanation_sheet

        return explanation_sheet(self, max_images)

    def meta(self) -> dict:
        """The sidecar: seed, parameters, what each image was and the figures behind the map.

        Example:
            >>> sorted(e.meta())[:3]  # doctest: +SKIP
            ['figures', 'layer', 'notes']
        """
        from interpret.attributions.sheets import SCALE_NOTE

        per_image = {
            "images": list(self.labels),
            "scores": self.scores.tolist(),
            "map_min": self.maps.min(axis=(1, 2)).tolist(),
            "map_max": self.maps.max(axis=(1, 2)).tolist(),
        }
        if self.targets is not None:
            per_image["targets"] = [self.class_names[int(t)] for t in self.targets]
        return {
            "seed": self.seed,
            "method": self.method,
            "layer": self.layer,
            "parameters": self.parameters,
            "figures": {**per_image, **self.figures, "seconds": round(self.seconds, 3)},
            "colour_scale": SCALE_NOTE,
            "notes": list(self.notes),
            **self.data_info,
            **self.model_info,
        }

    def save(self, gallery: str | Gallery | None = None) -> list[Artifact]:
        """The sheet as PNG + sidecar under ``<gallery>/<model>/explain/``.

        Example:
            >>> arts = e.save("/tmp/demo-gallery")  # doctest: +SKIP
        """
        g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
        name = f"{self.method}-{images_slug(self.labels, len(self.maps))}"
        return [
            g.save_figure(
                self.sheet(), model=self.model, technique=TECHNIQUE, name=name, meta=self.meta()
            )
        ]

    def _repr_png_(self) -> bytes:
        return _png(self.sheet())


@dataclass
class Explanations:
    """Several methods on the same images, in the order asked; indexable by position or name."""

    items: list[Explanation]

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def describe_images(self, notes: list, info: dict) -> None:
        """Record, for every sidecar, what was done to the images and where they came from.

        Example:
            >>> es.describe_images(["resized 40x30 to 28x28"], {"images": ["a.png"]})  # doctest: +SKIP
        """
        for e in self.items:
            e.notes, e.data_info = list(notes), dict(info)

    def __getitem__(self, key: int | str) -> Explanation:
        if isinstance(key, str):
            from interpret.attributions.methods import method

            name = method(key).name
            return next(e for e in self.items if e.method == name)
        return self.items[key]

    def sheet(self, max_images: int = 8) -> Any:
        """Images x methods (:func:`~interpret.attributions.sheets.comparison_sheet`).

        Example:
            >>> fig = es.sheet()  # doctest: +SKIP
        """
        from interpret.attributions.sheets import comparison_sheet

        return comparison_sheet(self.items, max_images)

    def save(self, gallery: str | Gallery | None = None) -> list[Artifact]:
        """Each method's sheet, then the images x methods sheet, with sidecars.

        Example:
            >>> arts = es.save("/tmp/demo-gallery")  # doctest: +SKIP
        """
        g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
        arts = [a for e in self.items for a in e.save(g)]
        first = self.items[0]
        meta = {
            "seed": first.seed,
            "methods": [e.method for e in self.items],
            "parameters": {e.method: e.parameters for e in self.items},
            "figures": {e.method: e.meta()["figures"] for e in self.items},
            "notes": list(first.notes),
            **first.data_info,
            **first.model_info,
        }
        name = f"compare-{images_slug(first.labels, len(first.maps))}"
        arts.append(
            g.save_figure(
                self.sheet(), model=first.model, technique=TECHNIQUE, name=name, meta=meta
            )
        )
        return arts

    def _repr_png_(self) -> bytes:
        return _png(self.sheet())


def images_slug(labels: list, n: int) -> str:
    """A file-name part for the images explained.

    Example:
        >>> images_slug(["cifar10 test #0 (cat)", "cifar10 test #1 (ship)"], 2)
        'cifar10-test-0-and-1-more'
    """
    first = label_slug(labels[0]) if labels else "image-0"
    return first if n <= 1 else f"{first}-and-{n - 1}-more"


def _png(fig: Any) -> bytes:
    import matplotlib.pyplot as plt

    try:
        return figure_png_bytes(fig)
    finally:
        plt.close(fig)
