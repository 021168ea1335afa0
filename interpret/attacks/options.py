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
from interpret.core.updates import NORM_NAMES, NORMS

ROBUST = ("apgd-ce", "apgd-dlr", "apgd-t", "fab", "fab-t", "square", "autoattack")
METHODS = ("fgsm", "pgd", "cw", "deepfool", *ROBUST)
ALIASES = {
    "cw-l2": "cw",
    "cw_l2": "cw",
    "carlini-wagner": "cw",
    "fgm": "fgsm",
    "pgd-linf": "pgd",
    "apgd": "apgd-ce",
    "apgd_ce": "apgd-ce",
    "apgd_dlr": "apgd-dlr",
    "apgd_t": "apgd-t",
    "fab_t": "fab-t",
    "square-attack": "square",
    "aa": "autoattack",
    "auto-attack": "autoattack",
}
MINIMAL = ("cw", "deepfool")  # attacks that search for the smallest L2 perturbation
EPS_OPTIONAL = (*MINIMAL, "fab", "fab-t")  # fab: eps only decides which images count as fooled
# AutoAttack (Croce and Hein 2020): its versions run these stages in order on the images
# still robust; "custom" runs the stages given in ``attacks``.
VERSIONS = {
    "standard": ("apgd-ce", "apgd-t", "fab-t", "square"),
    "plus": ("apgd-ce", "apgd-dlr", "fab", "square", "apgd-t", "fab-t"),
    "custom": (),
}
STAGES = ("apgd-ce", "apgd-dlr", "apgd-t", "fab", "fab-t", "square")
DEVICES = ("auto", "one")

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
    "apgd-ce": {"norm": "linf", "steps": 100, "restarts": 1, "devices": "auto"},
    "apgd-dlr": {"norm": "linf", "steps": 100, "restarts": 1, "devices": "auto"},
    "apgd-t": {"norm": "linf", "steps": 100, "restarts": 1, "targets": 9, "devices": "auto"},
    "fab": {"norm": "linf", "steps": 100, "restarts": 1, "devices": "auto"},
    "fab-t": {"norm": "linf", "steps": 100, "restarts": 1, "targets": 9, "devices": "auto"},
    "square": {
        "norm": "linf",
        "queries": 5000,
        "p_init": 0.8,
        "restarts": 1,
        "rescale": False,
        "devices": "auto",
    },
    "autoattack": {"norm": "linf", "version": "standard", "attacks": None, "devices": "auto"},
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
        interpret.core.errors.UserError: eps= 2 is beyond the input range: images lie in [0, 1], so an Linf perturbation is at most 1; use eps in [0, 1]
    """
    if eps is None:
        if method in EPS_OPTIONAL:
            return None
        raise UserError(f"{method} needs {{eps}} (the perturbation budget)", "eps")
    eps = checks.non_negative(eps, "eps")
    norm = "l2" if method in MINIMAL else norm
    top = 1.0 if norm == "linf" else math.sqrt(float(np.prod(shape)))
    if eps > top:
        raise UserError(
            f"{{eps}} {eps:g} is beyond the input range: images lie in [0, 1], so an {NORM_NAMES[norm]} "
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
    for k in ("steps", "binary_search_steps", "candidates", "restarts", "queries", "targets"):
        if k in params:
            params[k] = checks.positive_int(params[k], k, minimum=2 if k == "candidates" else 1)
    if "step_size" in params:
        checks.positive(params["step_size"], "step_size")
    if method in ROBUST:
        return _robust_params(method, params, given)
    if method in MINIMAL:  # their tiny margins and distances need float32
        if str(params["precision"]).lower() not in ("auto", "float32"):
            raise UserError(f"{method} runs in float32 only; drop {{precision}}", "precision")
        params["precision"] = "float32"
    else:
        params["precision"] = precision_lib.resolve(params["precision"])
    return params


def _robust_params(method: str, params: dict, given: dict) -> dict:
    """The checks of the robustness attacks' own options (float32 only: no precision)."""
    if isinstance(params["devices"], str):
        params["devices"] = checks.choice(params["devices"], DEVICES, "devices", "devices")
    elif not hasattr(params["devices"], "num_replicas_in_sync"):
        raise UserError("give {devices} as 'auto', 'one' or a tf.distribute.Strategy", "devices")
    if "p_init" in params:
        params["p_init"] = checks.fraction(params["p_init"], "p_init")
    if "rescale" in params:
        params["rescale"] = bool(params["rescale"])
    if method == "autoattack":
        params.update(autoattack_stages(given.get("version"), params.get("attacks")))
    return params


def autoattack_stages(version: str | None, attacks: Any) -> dict:
    """AutoAttack's ``version`` and stage list, checked; ``attacks`` alone means ``custom``.

    Example:
        >>> autoattack_stages(None, "apgd-ce,square")
        {'version': 'custom', 'attacks': ['apgd-ce', 'square']}
        >>> autoattack_stages("plus", None)["attacks"][:2]
        ['apgd-ce', 'apgd-dlr']
        >>> autoattack_stages("standard", "square")
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: attacks= lists the stages of version= custom only; drop version= or attacks=
    """
    if attacks is not None and version not in (None, "custom"):
        raise UserError(
            "{attacks} lists the stages of {version} custom only; drop {version} or {attacks}",
            "attacks",
            "version",
        )
    version = checks.choice(
        version or ("custom" if attacks is not None else "standard"),
        tuple(VERSIONS),
        "version",
        "AutoAttack version",
    )
    if version != "custom":
        return {"version": version, "attacks": list(VERSIONS[version])}
    if attacks is None:
        raise UserError("version custom needs {attacks}: a list of " + ", ".join(STAGES), "attacks")
    names = attacks.split(",") if isinstance(attacks, str) else list(attacks)
    stages = [
        ALIASES.get(str(a).strip().lower(), str(a).strip().lower()) for a in names if str(a).strip()
    ]
    for a in stages:
        checks.choice(a, STAGES, "attacks", "AutoAttack stage")
    if not stages:
        raise UserError("give at least one stage in {attacks}: " + ", ".join(STAGES), "attacks")
    return {"version": "custom", "attacks": stages}
