"""The registry: every attribution method by its name in the literature, with short aliases.

A :class:`Method` says its family, whether its maps are signed, which options it
takes (:mod:`interpret.attributions.options`), and the function that computes it
(:mod:`.gradients`, :mod:`.cam`, :mod:`.perturbation`). A new method is a function
``(run, images) -> Maps`` and one entry here.

Example:
    >>> method("ig").name, method("gradcam++").title
    ('integrated-gradients', 'Grad-CAM++')
    >>> method("lime")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    interpret.core.errors.UserError: unknown method 'lime'; methods: saliency, gradient-x-input, ...
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from interpret.attributions import cam, gradients, perturbation
from interpret.core.errors import UserError


@dataclass(frozen=True)
class Method:
    """One attribution method."""

    name: str
    title: str  # as papers print it
    family: str  # "gradient", "cam" or "perturbation"
    signed: bool  # maps take both signs (diverging colours) or are >= 0 (sequential)
    compute: Callable[[Any, Any], Any]
    options: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def needs_layer(self) -> bool:
        """CAM methods need a layer with a spatial output.

        Example:
            >>> method("gradcam").needs_layer, method("rise").needs_layer
            (True, False)
        """
        return self.family == "cam"


SMOOTH = ("samples", "noise")
_ALL = (
    Method(
        "saliency",
        "Saliency",
        "gradient",
        False,
        gradients.saliency,
        (),
        ("vanilla-gradient", "gradient"),
    ),
    Method(
        "gradient-x-input",
        "Gradient x Input",
        "gradient",
        True,
        gradients.gradient_x_input,
        (),
        ("gxi", "input-x-gradient", "gradient-input"),
    ),
    Method(
        "smoothgrad", "SmoothGrad", "gradient", True, gradients.smoothgrad, SMOOTH, ("smooth-grad",)
    ),
    Method(
        "squaregrad",
        "SquareGrad",
        "gradient",
        False,
        gradients.squaregrad,
        SMOOTH,
        ("square-grad",),
    ),
    Method("vargrad", "VarGrad", "gradient", False, gradients.vargrad, SMOOTH, ("var-grad",)),
    Method(
        "integrated-gradients",
        "Integrated Gradients",
        "gradient",
        True,
        gradients.integrated_gradients,
        ("steps", "baseline", "rule", "tolerance"),
        ("ig", "integrated-gradient"),
    ),
    Method(
        "guided-backprop",
        "Guided Backprop",
        "gradient",
        True,
        gradients.guided_backprop,
        (),
        ("guided-backpropagation", "gbp"),
    ),
    Method("gradcam", "Grad-CAM", "cam", False, cam.GradCAM(), (), ("grad-cam",)),
    Method(
        "gradcam-plus-plus",
        "Grad-CAM++",
        "cam",
        False,
        cam.GradCAMPlusPlus(),
        (),
        ("gradcam++", "grad-cam++", "gradcampp"),
    ),
    Method("scorecam", "Score-CAM", "cam", False, cam.scorecam, ("top",), ("score-cam",)),
    Method("layercam", "LayerCAM", "cam", False, cam.LayerCAM(), (), ("layer-cam",)),
    Method(
        "occlusion",
        "Occlusion",
        "perturbation",
        True,
        perturbation.occlusion,
        ("patch", "stride", "fill"),
        ("occlusion-sensitivity",),
    ),
    Method(
        "rise", "RISE", "perturbation", True, perturbation.rise, ("masks", "cell", "keep", "fill")
    ),
)
METHODS: dict[str, Method] = {m.name: m for m in _ALL}
ALIASES: dict[str, str] = {a: m.name for m in _ALL for a in m.aliases}


def method(name: Any) -> Method:
    """Look a method up by name or alias (case and ``_``/space insensitive).

    Example: see the module docstring.
    """
    key = str(name).strip().lower().replace("_", "-").replace(" ", "-")
    key = ALIASES.get(key, key)
    if key not in METHODS:
        aliases = ", ".join(
            f"{a}={n}" for a, n in ALIASES.items() if a in ("ig", "gradcam++", "gxi")
        )
        raise UserError(
            f"unknown method {name!r}; methods: {', '.join(METHODS)} (aliases such as {aliases})",
            "method",
        )
    return METHODS[key]


def methods(spec: Any) -> list[Method]:
    """``"gradcam,ig"``, a list of names, or ``"all"`` -> the methods, in order, once each.

    Example:
        >>> [m.name for m in methods("gradcam, ig,gradcam")]
        ['gradcam', 'integrated-gradients']
    """
    if isinstance(spec, str):
        if spec.strip().lower() == "all":
            return list(_ALL)
        names: Sequence[Any] = [part for part in spec.split(",") if part.strip()]
    else:
        names = list(spec)
    if not names:
        raise UserError("no method given in {method}; methods: " + ", ".join(METHODS), "method")
    found = [method(n) for n in names]
    return list({m.name: m for m in found}.values())


def applicable(probe: Any) -> list[Method]:
    """The methods that work on ``probe``'s model (CAMs need a layer with a spatial output).

    Example:
        >>> from interpret.core.models import resolve
        >>> "gradcam" in [m.name for m in applicable(resolve("mnist-mlp").probe)]
        False
    """
    spatial = bool(cam.spatial_layers(probe))
    return [m for m in _ALL if spatial or not m.needs_layer]
