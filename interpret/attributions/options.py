"""The methods' options, each declared once: default, help, check, and the methods using it.

``explain(..., steps=128)`` and ``interpret explain --steps 128`` both end here. An
option that no chosen method uses is refused (it would silently do nothing), and
every value is checked before any work starts.

Example:
    >>> check_options({"steps": 8}, ["integrated-gradients"])["steps"]
    8
    >>> check_options({"steps": 0}, ["integrated-gradients"])
    Traceback (most recent call last):
    ...
    interpret.core.errors.UserError: steps= must be a whole number of at least 1, got 0
    >>> check_options({"steps": 8}, ["gradcam"])
    Traceback (most recent call last):
    ...
    interpret.core.errors.UserError: steps= is not an option of gradcam; it sets integrated-gradients
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from interpret.core import checks
from interpret.core.errors import UserError

BASELINES = ("black", "white", "blurred", "noise")
RULES = ("riemann", "trapezoid", "adaptive")


def _opt(default: Any, help: str, check: Callable[[Any, str], Any], **extra: Any) -> Any:
    return field(default=default, metadata={"help": help, "check": check, **extra})


def _unit(value: Any, param: str) -> float:
    return checks.non_negative(value, param, maximum=1.0)


def _open_fraction(value: Any, param: str) -> float:
    return checks.fraction(value, param, open_high=True)


def _choice(choices: tuple[str, ...], what: str) -> Callable[[Any, str], str]:
    return lambda value, param: checks.choice(value, choices, param, what)


@dataclass(frozen=True)
class ExplainOptions:
    """Every method option with its default (``None``: chosen from the image size)."""

    samples: int = _opt(
        50, "SmoothGrad/SquareGrad/VarGrad: noisy copies per image.", checks.positive_int
    )
    noise: float = _opt(
        0.2, "SmoothGrad family: noise std, as a fraction of the [0, 1] range.", checks.positive
    )
    steps: int = _opt(
        64, "Integrated Gradients: gradient evaluations along the path.", checks.positive_int
    )
    baseline: str = _opt(
        "black",
        "Integrated Gradients: the path's start.",
        _choice(BASELINES, "baseline"),
        choices=BASELINES,
    )
    rule: str = _opt(
        "riemann",
        "Integrated Gradients: riemann (midpoints; closer to completeness at equal steps on "
        "the zoo), trapezoid (the ends included, as Xplique) or adaptive (the same steps, "
        "bisecting where the trapezoid rule's error is largest; tighter on ReLU networks).",
        _choice(RULES, "rule"),
        choices=RULES,
    )
    tolerance: float | None = _opt(
        None,
        "Integrated Gradients: double an image's steps (up to 64 times steps) until the map's "
        "sum is within this fraction of f(x) - f(baseline) [default: off].",
        _open_fraction,
    )
    top: int | None = _opt(
        None,
        "Score-CAM: keep the N channels of largest spread (Faster Score-CAM) [default: all].",
        checks.positive_int,
    )
    patch: int | None = _opt(
        None, "Occlusion: patch side in pixels [default: 1/8 of the image].", checks.positive_int
    )
    stride: int | None = _opt(
        None, "Occlusion: step between patches [default: the patch side].", checks.positive_int
    )
    fill: float = _opt(0.0, "Occlusion/RISE: value of hidden pixels, in [0, 1].", _unit)
    masks: int = _opt(2000, "RISE: random masks.", checks.positive_int)
    cell: int | None = _opt(
        None, "RISE: mask cell side in pixels [default: 1/7 of the image].", checks.positive_int
    )
    keep: float = _opt(0.5, "RISE: probability that a cell is kept.", _open_fraction)


DEFAULTS = {f.name: f.default for f in fields(ExplainOptions)}


def check_options(
    options: dict, methods: Sequence[str], uses: dict[str, tuple[str, ...]] | None = None
) -> dict:
    """Check ``options`` for ``methods``: known, used by one of them, valid. Returns the checked values.

    ``uses`` maps each method to its option names (default: the registry's).

    Example:
        >>> check_options({"keep": 0.3}, ["rise"])
        {'keep': 0.3}
    """
    if uses is None:
        from interpret.attributions.methods import METHODS

        uses = {name: m.options for name, m in METHODS.items()}
    checked = {}
    by_name = {f.name: f for f in fields(ExplainOptions)}
    for name, value in options.items():
        if name not in by_name:
            raise UserError(
                f"unknown option {name!r}; options: {', '.join(by_name)}",
            )
        owners = [m for m, names in uses.items() if name in names]
        if not any(name in uses.get(m, ()) for m in methods):
            raise UserError(
                f"{{{name}}} is not an option of {', '.join(methods)}; it sets {', '.join(owners)}",
                name,
            )
        checked[name] = value if value is None else by_name[name].metadata["check"](value, name)
    return checked


def for_method(method_options: tuple[str, ...], given: dict) -> dict:
    """The values one method runs with: the given ones, else the defaults.

    Example:
        >>> for_method(("steps", "rule"), {"steps": 8})
        {'steps': 8, 'rule': 'riemann'}
    """
    return {name: given.get(name, DEFAULTS[name]) for name in method_options}


def settle(
    method: str, options: dict, probe: Any, size: tuple[int, int], layer: str | None
) -> dict:
    """One method's options with the size-dependent defaults chosen and the checks that need
    the model or the image size done (all before any work).

    Example:
        >>> from interpret.core.models import resolve
        >>> settle("occlusion", {"patch": 4}, resolve("mnist-cnn").probe, (28, 28), None)
        {'patch': 4, 'stride': 4, 'fill': 0.0}
        >>> settle("rise", {}, resolve("mnist-cnn").probe, (28, 28), None)["cell"]
        4
    """
    from interpret.attributions.methods import METHODS

    o = for_method(METHODS[method].options, options)
    side = min(size)
    if "patch" in o:
        o["patch"] = o["patch"] or max(1, round(side / 8))
        o["stride"] = o["stride"] or o["patch"]
    if "cell" in o:
        o["cell"] = o["cell"] or max(1, math.ceil(side / 7))
    for name in ("patch", "cell"):
        if name in o and o[name] > side:
            raise UserError(
                f"{{{name}}} {o[name]} is larger than the {size[0]}x{size[1]} image", name
            )
    if "stride" in o and o["stride"] > o["patch"]:
        raise UserError(
            f"{{stride}} {o['stride']} is more than the patch side {o['patch']}: some pixels "
            "would never be hidden",
            "stride",
            "patch",
        )
    if o.get("rule") in ("trapezoid", "adaptive") and o["steps"] < 2:
        raise UserError(
            f"{{steps}} must be at least 2 for the {o['rule']} rule (or use riemann)", "steps"
        )
    if o.get("top") is not None and layer is not None and o["top"] > probe.layer(layer).size:
        raise UserError(
            f"{{top}} {o['top']} is more than the {probe.layer(layer).size} channels of {layer}",
            "top",
        )
    return o
