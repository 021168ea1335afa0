"""AutoAttack (Croce and Hein 2020): the ensemble robustness is measured with, run in order.

Each stage attacks only the images every stage before it failed to fool, and reports the
robust accuracy left after it. The versions:

* ``standard``: APGD-CE (100 iterations, 1 restart), APGD-T (targeted DLR, 9 target
  classes), FAB-T (9 targets), Square (5,000 queries): what RobustBench and reviewers
  expect;
* ``plus``: APGD-CE and APGD-DLR with 5 restarts, untargeted FAB with 5 restarts,
  Square, APGD-T and FAB-T;
* ``custom``: the stages listed in ``attacks`` with the standard settings.

Before the run the gradient-masking checks of :mod:`interpret.attacks.masking` look at
the model; after it, Square fooling images the gradient stages missed is flagged. A
fooled image is re-checked (prediction and distance) before it counts.

This module also dispatches every robustness attack (``apgd-ce``, ``apgd-dlr``,
``apgd-t``, ``fab``, ``fab-t``, ``square``, ``autoattack``) for
:func:`interpret.attacks.run.attack` through :func:`run_method`.

Example:
    >>> from interpret.core.models import resolve
    >>> from interpret.data import datasets
    >>> probe = resolve("mnist-cnn").probe
    >>> x, y = datasets.first_test_images("mnist", 8)
    >>> run = autoattack(probe, x, y, eps=0.3, attacks=["apgd-ce", "square"], version="custom")
    >>> [name for name, _ in run.table()]
    ['clean', 'apgd-ce', 'square']
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpret.attacks import masking
from interpret.attacks.apgd import apgd, apgd_targeted
from interpret.attacks.distributed import Runner, make_runner
from interpret.attacks.fab import fab
from interpret.attacks.options import autoattack_stages
from interpret.attacks.square import square
from interpret.core.errors import UserError

STANDARD = {"steps": 100, "restarts": 1, "targets": 9, "queries": 5000, "p_init": 0.8}
PLUS_RESTARTS = {"apgd-ce": 5, "apgd-dlr": 5, "fab": 5}
MISCLASSIFIED, ROBUST = -2, -1  # per-image stage codes besides a stage's index


def stage_settings(version: str, stage: str, n_classes: int) -> dict:
    """The settings a stage runs with in ``version`` (targets capped at the other classes).

    Example:
        >>> stage_settings("plus", "apgd-ce", 10)["restarts"], stage_settings("standard", "fab-t", 5)["targets"]
        (5, 4)
    """
    out = dict(STANDARD, targets=min(STANDARD["targets"], n_classes - 1))
    if version == "plus":
        out["restarts"] = PLUS_RESTARTS.get(stage, 1)
    return out


def run_stage(
    name: str,
    probe: Any,
    x: np.ndarray,
    y: np.ndarray,
    *,
    eps: float | None,
    norm: str,
    settings: dict,
    target: np.ndarray | None = None,
    seed: int = 0,
    ids: np.ndarray | None = None,
    runner: Runner,
) -> tuple[np.ndarray, np.ndarray, dict]:
    """One robustness attack by name; returns (adversarial or original image, fooled, details).

    Example:
        >>> from interpret.core.models import resolve
        >>> from interpret.data import datasets
        >>> probe = resolve("mnist-cnn").probe
        >>> x, y = datasets.first_test_images("mnist", 8)
        >>> adv, fooled, det = run_stage("square", probe, x, y, eps=0.3, norm="linf",
        ...                              settings={"queries": 50}, runner=make_runner("one"))
        >>> sorted(det)
        ['queries']
    """
    common = {"norm": norm, "seed": seed, "ids": ids, "devices": runner}
    steps, restarts = settings.get("steps", 100), settings.get("restarts", 1)
    if name in ("apgd-ce", "apgd-dlr"):
        loss = name.split("-")[1]
        adv, fooled = apgd(
            probe, x, y, eps=eps, loss=loss, steps=steps, restarts=restarts, target=target, **common
        )
        return adv, fooled, {}
    if name == "apgd-t":
        adv, fooled = apgd_targeted(
            probe,
            x,
            y,
            eps=eps,
            steps=steps,
            restarts=restarts,
            targets=settings["targets"],
            **common,
        )
        return adv, fooled, {}
    if name in ("fab", "fab-t"):
        extra = {"targets": settings["targets"]} if name == "fab-t" else {"target": target}
        adv, fooled, dist = fab(
            probe, x, y, eps=eps, steps=steps, restarts=restarts, **extra, **common
        )
        return np.where(fooled[:, None, None, None], adv, x), fooled, {"distance": dist}
    adv, fooled, queries = square(
        probe,
        x,
        y,
        eps=eps,
        queries=settings.get("queries", 5000),
        p_init=settings.get("p_init", 0.8),
        restarts=restarts,
        rescale=settings.get("rescale", False),
        target=target,
        **common,
    )
    return adv, fooled, {"queries": queries}


CLASSES_NEEDED = {"apgd-dlr": 3, "apgd-t": 4}  # every other attack: 2


def check_classes(probe: Any, method: str, param: str, stages: Sequence[str] = ()) -> None:
    """The DLR losses need 3 classes (targeted: 4), targeted runs another class to aim at.

    ``stages`` (AutoAttack's line-up) lets the message suggest the ones that do apply.

    Example:
        >>> from interpret.core.models import resolve
        >>> check_classes(resolve("mnist-cnn").probe, "apgd-t", "method")  # 10 classes: fine
    """
    n = probe.n_classes
    need = CLASSES_NEEDED.get(method, 2)
    if n < need:
        usable = [s for s in stages if n >= CLASSES_NEEDED.get(s, 2)]
        hint = f" (here: {','.join(usable)})" if usable else ""
        raise UserError(
            f"{method} needs at least {need} classes and {probe.name} has {n}; "
            f"choose another attack for {{{param}}}{hint}",
            param,
        )


@dataclass
class AutoAttackRun:
    """The outcome of :func:`autoattack` on a batch of images."""

    adversarial: np.ndarray  # the stage's adversarial where an image was fooled, else the image
    stage: np.ndarray  # per image: index into ``stages`` of the stage that fooled it, -1, or -2
    stages: list[str]
    seconds: list[float]  # per stage
    version: str
    masking: masking.MaskingReport = field(default_factory=masking.MaskingReport)

    def table(self) -> list[tuple[str, int]]:
        """(stage, images still robust after it), from 'clean' (correctly classified) on.

        Example: see the module docstring.
        """
        left = int((self.stage != MISCLASSIFIED).sum())
        rows = [("clean", left)]
        for j, name in enumerate(self.stages):
            left -= int((self.stage == j).sum())
            rows.append((name, left))
        return rows


def _verified(
    probe: Any, adv: np.ndarray, x: np.ndarray, y: np.ndarray, eps: float, norm: str
) -> np.ndarray:
    """Misclassified and within eps (plus float rounding), measured again."""
    pred = probe.predict(adv).argmax(1) if len(adv) else np.zeros(0, int)
    d = (adv - x).reshape(len(x), -1).astype(np.float64)
    dist = np.abs(d).max(1) if norm == "linf" else np.sqrt((d**2).sum(1))
    return (pred != y) & (dist <= eps + 1e-5)


def autoattack(
    probe: Any,
    x: np.ndarray,
    y: np.ndarray,
    *,
    eps: float,
    norm: str = "linf",
    version: str | None = None,
    attacks: Sequence[str] | str | None = None,
    seed: int = 0,
    ids: np.ndarray | None = None,
    devices: Any = "auto",
    tick: Callable[[int], None] | None = None,
    overrides: dict[str, dict] | None = None,
) -> AutoAttackRun:
    """AutoAttack on images ``x`` with labels ``y``; see the module docstring.

    ``tick(n)`` is told how many images each finished stage accounts for (progress).
    ``overrides`` changes a stage's settings by name (``{"square": {"rescale": True}}``
    stretches Square's schedule over its budget as ART does; benchmarks only).

    Example: see the module docstring.
    """
    chosen = autoattack_stages(version, attacks)
    stages = chosen["attacks"]
    for name in stages:
        check_classes(probe, name, "attacks", stages)
    runner = devices if isinstance(devices, Runner) else make_runner(devices)
    ids = np.arange(len(x)) if ids is None else np.asarray(ids)
    report = masking.check_model(probe, x, y)
    correct = probe.predict(x).argmax(1) == y if len(x) else np.zeros(0, bool)
    stage = np.where(correct, ROBUST, MISCLASSIFIED)
    adv, seconds = x.copy(), []
    share = np.diff(np.linspace(0, len(x), len(stages) + 1).astype(int))
    for j, name in enumerate(stages):
        started = time.perf_counter()
        todo = np.flatnonzero(stage == ROBUST)
        if len(todo):
            settings = stage_settings(chosen["version"], name, probe.n_classes)
            settings.update((overrides or {}).get(name, {}))
            a, f, _ = run_stage(
                name,
                probe,
                x[todo],
                y[todo],
                eps=eps,
                norm=norm,
                settings=settings,
                seed=seed,
                ids=ids[todo],
                runner=runner,
            )
            f &= _verified(probe, a, x[todo], y[todo], eps, norm)
            adv[todo[f]], stage[todo[f]] = a[f], j
        seconds.append(time.perf_counter() - started)
        if tick is not None:
            tick(int(share[j]))
    run = AutoAttackRun(adv, stage, list(stages), seconds, chosen["version"], report)
    masking.black_box_check(run.table(), len(x), report)
    return run


def run_method(
    probe: Any,
    method: str,
    x: np.ndarray,
    y: np.ndarray,
    target: np.ndarray | None,
    eps: float | None,
    params: dict,
    seed: int,
    ids: np.ndarray,
    tick: Callable[[int], None],
) -> tuple[np.ndarray, dict]:
    """A robustness method on one batch for :func:`interpret.attacks.run.attack`: (images, details)."""
    runner = make_runner(params["devices"])
    norm = params["norm"]
    if method == "autoattack":
        run = autoattack(
            probe,
            x,
            y,
            eps=eps,
            norm=norm,
            version=params["version"],
            attacks=params["attacks"] if params["version"] == "custom" else None,
            seed=seed,
            ids=ids,
            devices=runner,
            tick=tick,
        )
        details = {
            "stage": run.stage,
            "stages": run.stages,
            "stage_seconds": run.seconds,
            "warnings": run.masking.warnings,
            "notes": run.masking.notes,
        }
        return run.adversarial, details
    if method in ("apgd-t", "fab-t") and target is not None:
        raise UserError(
            f"{method} picks its own targets; drop {{target}} or use {method[:-2]}", "target"
        )
    check_classes(probe, method, "method")
    if method in ("apgd-t", "fab-t") and params["targets"] > probe.n_classes - 1:
        raise UserError(
            f"{{targets}} {params['targets']} is more than the {probe.n_classes - 1} other classes "
            f"of {probe.name}",
            "targets",
        )
    adv, _, details = run_stage(
        method,
        probe,
        x,
        y,
        eps=eps,
        norm=norm,
        settings=params,
        target=target,
        seed=seed,
        ids=ids,
        runner=runner,
    )
    tick(len(x))
    return adv, details
