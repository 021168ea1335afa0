"""MACO: feature visualization under a fixed natural-image magnitude spectrum (Fel et al. 2023).

"Unlocking Feature Visualization for Deeper Networks with MAgnitude Constrained
Optimization": the image's Fourier magnitude is fixed to that of natural images and
only its phase is optimised (:class:`interpret.visualize.param.Maco`), so a render
cannot drift into the high-frequency patterns a free parameterization finds on deep
layers; the gradient every pixel received over the climb, summed, is the render's
*transparency* (alpha) map: where the objective looks. The method's point is
readability, not the highest activation.

:func:`maco` renders filters, units or classes this way, batched in the one loop
(Xplique's ``maco`` optimises one objective at a time); any other technique can use
the parameterization by name (``param="maco"``, e.g. ``interpret maximize --param
maco``) or build one with its own spectrum and pass it to ``render``.

Example:
    >>> import interpret
    >>> res = interpret.maco("mnist-cnn", "conv2d_1", "0-1", steps=8)
    >>> res.images.shape, res.alpha.shape
    ((2, 28, 28, 1), (2, 28, 28))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpret.core import checks
from interpret.core.errors import UserError
from interpret.core.progress import ProgressSpec, advance
from interpret.gallery.inline import ShowsInline
from interpret.visualize import param as param_lib
from interpret.visualize.directions import sidecar_base
from interpret.visualize.maximize import labels_for, plan_targets
from interpret.visualize.render import RenderSettings, render

SPECTRA = ("natural", "data")


@dataclass(frozen=True)
class MacoSettings(RenderSettings):
    """The render's knobs with MACO's defaults: the ``"maco"`` parameterization and no moves.

    The fixed magnitude already keeps the renders from high-frequency patterns, which is
    what the moves are for; with the default prior's jitter and zoom on top, MACO
    reaches about 0.75 of the default render's activation on cifar10-cnn's conv2d_2,
    without them about 0.9 (``benchmarks/canon_maco.py``).

    Example:
        >>> MacoSettings().pipeline(32).name
        'none'
    """

    param: str = field(
        default="maco", metadata={"help": "Image parameterization.", "choices": param_lib.KINDS}
    )
    jitter: int | None = field(default=0, metadata={"help": "Jitter in pixels."})
    scale: float = field(default=0.0, metadata={"help": "Random zoom +-, at most 0.5."})


@dataclass
class MacoResult(ShowsInline):
    """What :func:`maco` returns: ``images[i]`` and ``alpha[i]`` are for ``targets[i]``."""

    model: str
    kind: str  # "filter", "unit" or "class"
    layer: str | None
    targets: list[int]
    labels: list[str]
    images: np.ndarray  # (N, H, W, C) float32 [0, 1]
    alpha: np.ndarray  # (N, H, W) float32 [0, 1]: where the gradient concentrated
    activations: np.ndarray  # (N,) each target's activation on its image, float32
    seconds: float
    parameters: dict
    settings: dict
    model_info: dict = field(default_factory=dict)

    def transparent(self) -> np.ndarray:
        """The images as RGBA (or grey + alpha), alpha from the gradient map: (N, H, W, C+1).

        Example:
            >>> maco("mnist-cnn", classes=0, steps=2).transparent().shape
            (1, 28, 28, 2)
        """
        return np.concatenate([self.images, self.alpha[..., None]], axis=-1)

    def save(self, gallery: Any = None) -> list:
        """Per target the render and its alpha-blended version (PNG + sidecar); one grid
        with the renders, their alpha maps and the blend.

        Example:
            >>> arts = res.save("/tmp/demo-gallery")  # doctest: +SKIP
        """
        return _save(self, gallery)

    def inline_view(self) -> Any:
        """In a notebook: the grid of renders, alpha maps and blends."""
        return grid_figure(self)


def magnitude_for(handle: Any, spectrum: Any, size: tuple[int, int], decorrelate: bool) -> Any:
    """The fixed magnitude: ``"natural"`` (the shipped photos), ``"data"`` (the test images
    of the model's data set) or images (N, H, W, C) to take it from.

    Example:
        >>> from interpret.core.models import resolve
        >>> magnitude_for(resolve("mnist-cnn"), "data", (28, 28), False).shape
        (1, 28, 15)
    """
    channels = int(handle.probe.input_shape[-1])
    if isinstance(spectrum, str):
        choice = checks.choice(spectrum, SPECTRA, "spectrum")
        if choice == "natural":
            return param_lib.natural_spectrum(channels, size, decorrelate)
        if not handle.dataset:
            raise UserError(
                f"model {handle.name} has no known data set; use {{spectrum}} natural", "spectrum"
            )
        from interpret.data.datasets import load_test_images

        images = load_test_images(handle.dataset).x_test
    else:
        images = np.asarray(spectrum)
    if images.ndim != 4 or images.shape[-1] != channels or len(images) == 0:
        raise UserError(
            f"{{spectrum}} images must be (N, H, W, {channels}), got {images.shape}", "spectrum"
        )
    return param_lib.spectrum(images, size, decorrelate and channels == 3)


def maco(
    model: Any,
    layer: str | None = None,
    filters: Any = None,
    *,
    classes: Any = None,
    size: Any = None,
    spectrum: Any = "natural",
    contrast: float = param_lib.Maco.CONTRAST,
    batch_size: int = 64,
    seed: int = 0,
    progress: ProgressSpec = None,
    **settings: Any,
) -> MacoResult:
    """Render filters/units of ``layer``, or ``classes``, by MACO; with their alpha maps.

    Args:
        model: zoo name, .keras path, Keras model or ModelHandle.
        layer, filters, classes, size: the targets and canvas, as for ``maximize``.
        spectrum: the fixed magnitude spectrum, see :func:`magnitude_for`.
        contrast: standard deviation of the image before the sigmoid.
        batch_size: targets optimised together per compiled loop.
        seed: seeds the start phases and every step's moves.
        progress: ``True`` for a bar on stderr, or a factory.
        **settings: render knobs with MACO's defaults (:class:`MacoSettings`);
            ``param`` is always ``"maco"``.

    Example:
        >>> maco("mnist-cnn", classes=3, steps=4).labels
        ['3']
    """
    from interpret.core.models import resolve

    handle = resolve(model)
    probe = handle.probe
    s = MacoSettings.from_options({**settings, "param": "maco"})
    batch_size = checks.positive_int(batch_size, "batch_size")
    contrast = checks.positive(contrast, "contrast")
    kind, targets, make, canvas = plan_targets(probe, layer, filters, classes, size)
    hw = canvas or tuple(int(v) for v in probe.input_shape[:2])
    channels = int(probe.input_shape[-1])
    magnitude = magnitude_for(handle, spectrum, hw, s.decorrelate)
    chunks = [targets[i : i + batch_size] for i in range(0, len(targets), batch_size)]
    images, alphas, values, seconds, described = [], [], [], 0.0, {}
    with advance(progress, s.steps * len(chunks), "rendering (maco)") as step:
        for b, chunk in enumerate(chunks):
            p = param_lib.Maco(
                len(chunk), hw, channels, seed + b, magnitude=magnitude,
                decorrelate=s.decorrelate, contrast=contrast,
            )  # fmt: skip
            out = render(
                probe, make(chunk), batch=len(chunk), settings=s, size=canvas,
                seed=seed + b, advance=step, param=p,
            )  # fmt: skip
            images.append(out.images)
            alphas.append(p.alpha())
            values.append(out.values)
            seconds += out.seconds
            described = out.settings
    parameters = {
        "targets": kind,
        "layer": layer,
        "seed": int(seed),
        "size": list(hw),
        "spectrum": spectrum if isinstance(spectrum, str) else "images",
        "contrast": contrast,
        "steps": s.steps,
        "lr": s.lr,
    }
    return MacoResult(
        model=handle.name,
        kind=kind,
        layer=layer,
        targets=targets,
        labels=labels_for(probe, kind, targets),
        images=np.concatenate(images),
        alpha=np.concatenate(alphas),
        activations=np.concatenate(values),
        seconds=seconds,
        parameters=parameters,
        settings=described,
        model_info=handle.describe(),
    )


def blend(images: np.ndarray, alpha: np.ndarray, background: float = 1.0) -> np.ndarray:
    """The images over a plain ``background`` with the alpha maps as their opacity.

    Example:
        >>> blend(np.zeros((1, 2, 2, 3)), np.full((1, 2, 2), 0.5))[0, 0, 0].tolist()
        [0.5, 0.5, 0.5]
    """
    a = np.asarray(alpha, "float32")[..., None]
    return (np.asarray(images, "float32") * a + background * (1.0 - a)).astype("float32")


def grid_figure(result: MacoResult, blended: np.ndarray | None = None) -> Any:
    """Rows of up to 8 targets: the renders, their alpha (gradient) maps and the blends."""
    from interpret.gallery.style import image_grid

    blended = blend(result.images, result.alpha) if blended is None else blended
    n = len(result.targets)
    cols = min(n, 8)
    cells, titles = [], []
    for start in range(0, n, cols):
        part = range(start, min(n, start + cols))
        pad = cols - len(part)
        for row in (result.images, result.alpha, blended):
            cells += [row[i] for i in part] + [np.ones_like(row[0])] * pad
        titles += [f"{result.labels[i]}\n{result.activations[i]:.2f}" for i in part] + [""] * pad
        titles += [""] * (2 * cols)
    what = "classes" if result.kind == "class" else f"{result.layer} {result.kind}s"
    title = f"{result.model}: MACO renders of {what}; rows: image, alpha (gradient), blend"
    fig, _ = image_grid(cells, titles=titles, cols=cols, cell=1.1, suptitle=title)
    return fig


def _save(result: MacoResult, gallery: Any) -> list:
    from interpret.gallery.store import Gallery

    g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
    base = {**sidecar_base(result), "kind": result.kind}
    prefix = "class" if result.kind == "class" else result.layer
    blended = blend(result.images, result.alpha)
    arts = []
    for i, target in enumerate(result.targets):
        meta = {
            **base,
            "target": int(target),
            "figures": {"activation": float(result.activations[i])},
        }
        name = f"{prefix}-{result.labels[i]}"
        arts.append(
            g.save_image(
                result.images[i], model=result.model, technique="maco", name=name, meta=meta
            )
        )
        arts.append(
            g.save_image(
                blended[i], model=result.model, technique="maco", name=f"{name}-alpha", meta=meta
            )
        )
    fig = grid_figure(result, blended)
    figures = {"activations": [float(v) for v in result.activations], "seconds": result.seconds}
    meta = {**base, "targets": result.targets, "figures": figures}
    n = len(result.targets)
    span = f"{result.targets[0]}-{result.targets[-1]}" if n > 1 else str(result.targets[0])
    arts.append(
        g.save_figure(
            fig, model=result.model, technique="maco", name=f"grid-{prefix}-{span}", meta=meta
        )
    )
    return arts
