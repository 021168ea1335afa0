"""The attack methods, their defaults and the checks of their options: said once.

Example:
    >>> method_name("CW-L2")
    'cw'
    >>> method_params("pgd", {"steps": 10})["steps"]
    10
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from interpret._fast import precision as precision_lib
from interpret.core import checks
from interpret.core.errors import UserError
from interpret.core.specs import parse_indices

METHODS = ("fgsm", "pgd", "cw", "deepfool")
ALIASES = {"cw-l2": "cw", "cw_l2": "cw", "carlini-wagner": "cw", "fgm": "fgsm", "pgd-linf": "pgd"}
NORMS = ("linf", "l2")
MINIMAL = ("cw", "deepfool")  # attacks that search for the smallest perturbation

DEFAULTS: dict[str, dict[str, Any]] = {
    "fgsm": {"norm": "linf", "precision": "float32"},
    "pgd": {
        "norm": "linf",
        "steps": 40,
        "step_size": 0.01,
        "random_start": True,
        "precision": "float32",
    },
    "cw": {
        "steps": 200,
        "step_size": 0.05,  # Adam learning rate (the paper: 0.01 for 10,000 steps)
        "binary_search_steps": 9,
        "initial_const": 0.1,
        "confidence": 0.0,
        "precision": "float32",
    },
    "deepfool": {"steps": 50, "overshoot": 0.02, "candidates": 10, "precision": "float32"},
}


def method_name(method: str) -> str:
    """Canonical attack name; unknown names raise a UserError listing the methods.

    Example:
        >>> method_name("fgm")
        'fgsm'
    """
    m = str(method).strip().lower()
    return checks.choice(ALIASES.get(m, m), METHODS, "method", "attack method")


def check_eps(eps: float | None, method: str, norm: str, shape: Sequence[int]) -> float | None:
    """Validate eps for a method and norm: 0 <= eps <= the largest distance in [0, 1] images.

    Example:
        >>> check_eps(0.3, "pgd", "linf", (28, 28, 1))
        0.3
        >>> check_eps(2.0, "pgd", "linf", (28, 28, 1))
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: eps= 2 is beyond the input range: images lie in [0, 1], so an linf perturbation is at most 1; use eps in [0, 1]
    """
    if eps is None:
        if method in MINIMAL:
            return None
        raise UserError(f"{method} needs {{eps}} (the perturbation budget)", "eps")
    eps = checks.non_negative(eps, "eps")
    norm = "l2" if method in MINIMAL else norm
    top = 1.0 if norm == "linf" else math.sqrt(float(np.prod(shape)))
    if eps > top:
        raise UserError(
            f"{{eps}} {eps:g} is beyond the input range: images lie in [0, 1], so an {norm} "
            f"perturbation is at most {top:g}; use eps in [0, {top:g}]",
            "eps",
        )
    return eps


def target_labels(probe: Any, target: Any, n: int) -> np.ndarray | None:
    """One target class per image from a class (index or name) or one per image; None stays None.

    Example:
        >>> from interpret.core.models import resolve
        >>> target_labels(resolve("mnist-cnn").probe, "3", 2).tolist()
        [3, 3]
    """
    if target is None:
        return None
    if isinstance(target, (str, int, np.integer)):
        (t,) = probe.class_indices(str(target), param="target")
        return np.full(n, t, np.int32)
    t = np.asarray(target).reshape(-1)
    if len(t) != n:
        raise UserError(f"give one {{target}} class or one per image ({n}), not {len(t)}", "target")
    parse_indices([int(v) for v in t], probe.n_classes, "class", where=probe.name, param="target")
    return t.astype(np.int32)


def method_params(method: str, given: dict) -> dict:
    """A method's full options: its defaults updated by ``given``, each one checked.

    Example:
        >>> method_params("pgd", {"steps": 10})["steps"]
        10
        >>> method_params("fgsm", {"steps": 10})
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: fgsm does not take steps=; it takes: norm, precision
    """
    params = dict(DEFAULTS[method])
    unknown = sorted(set(given) - set(params) - {"norm"})
    if unknown:
        raise UserError(
            f"{method} does not take {{{unknown[0]}}}; it takes: {', '.join(sorted(params))}",
            unknown[0],
        )
    params.update({k: v for k, v in given.items() if v is not None})
    if "norm" in params:
        params["norm"] = checks.choice(params["norm"], NORMS, "norm", "norm")
    for k in ("steps", "binary_search_steps", "candidates"):
        if k in params:
            params[k] = checks.positive_int(params[k], k, minimum=2 if k == "candidates" else 1)
    if "step_size" in params:
        checks.positive(params["step_size"], "step_size")
    if method in MINIMAL:  # their tiny margins and distances need float32
        if str(params["precision"]).lower() not in ("auto", "float32"):
            raise UserError(f"{method} runs in float32 only; drop {{precision}}", "precision")
        params["precision"] = "float32"
    else:
        params["precision"] = precision_lib.resolve(params["precision"])
    return params
