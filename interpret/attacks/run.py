"""Adversarial examples on a model's logits: the API that runs any attack and scores it.

All attacks work in this toolkit's one image space, float32 [0, 1] NHWC; the
:class:`~interpret.core.probe.Probe` maps images to the model's own range, and a model
that ends in softmax is attacked through its logits. Every attack is batched and
compiled once per model and configuration.

* ``fgsm``, ``pgd``: signed (Linf) or normalised (L2) projected steps on the shared
  loop (:mod:`interpret.attacks.gradient`);
* ``cw``: Carlini-Wagner L2 (:mod:`interpret.attacks.cw`);
* ``deepfool``: DeepFool L2 (:mod:`interpret.attacks.deepfool`);
* ``apgd-ce``, ``apgd-dlr``, ``apgd-t`` (:mod:`interpret.attacks.apgd`), ``fab``,
  ``fab-t`` (:mod:`interpret.attacks.fab`), ``square`` (:mod:`interpret.attacks.square`)
  and ``autoattack`` (:mod:`interpret.attacks.autoattack`): the robustness evaluation the
  field uses, Linf or L2, data-parallel over every visible device
  (:mod:`interpret.attacks.distributed`). Their results carry ``details``: the stage
  that fooled each image (autoattack), queries per image (square), the distance found (fab).

Untargeted attacks push away from the label ``y``; ``target=`` (a class or one per
image) makes ``fgsm``/``pgd``/``cw`` targeted. ``fgsm`` and ``pgd`` take
``precision`` (default ``"float32"``; see :mod:`interpret._fast.precision`):
``"bfloat16"`` runs PGD about 1.8x faster on CPUs with bfloat16 hardware but is a
slightly weaker attack (on mnist-cnn at eps 0.1, robust accuracy 0.625 against 0.617
in float32, mean of 5 seeds), so robustness figures default to float32. Success,
predictions and distances are always re-measured in float32 on the returned images.

Example:
    >>> import interpret
    >>> from interpret.data import datasets
    >>> x, y = datasets.load_test_images("mnist").split("test")
    >>> res = interpret.attack("mnist-cnn", x[:16], y[:16], method="pgd", eps=0.3, steps=10)
    >>> bool(res.linf.max() <= 0.3 + 1e-6), res.adversarial.shape
    (True, (16, 28, 28, 1))
    >>> ev = interpret.evaluate_attack("mnist-cnn", x[:16], y[:16], method="fgsm", eps=[0.0, 0.3])
    >>> ev.rows[0].robust_accuracy
    1.0
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from interpret.attacks import gradient
from interpret.attacks.cw import carlini_wagner
from interpret.attacks.deepfool import deepfool
from interpret.attacks.options import (
    MINIMAL,
    ROBUST,
    check_eps,
    method_name,
    method_params,
    target_labels,
)
from interpret.attacks.results import AttackResult, EvalRow, Evaluation
from interpret.core import checks
from interpret.core.errors import UserError
from interpret.core.models import as_probe
from interpret.core.progress import ProgressSpec, Step, advance


def attack(
    model: Any,
    x: Any,
    y: Any,
    *,
    method: str = "pgd",
    eps: float | None = None,
    target: Any = None,
    seed: int = 0,
    batch_size: int = 1000,
    progress: ProgressSpec = None,
    **options: Any,
) -> AttackResult:
    """Attack images ``x`` with true labels ``y``; returns adversarial images and per-image figures.

    Args:
        model: zoo name, .keras path, Keras model, ModelHandle or Probe.
        x: images, float32 [0, 1] NHWC (uint8 is divided by 255).
        y: true class per image.
        method: ``fgsm``, ``pgd``, ``cw`` or ``deepfool``.
        eps: perturbation budget in [0, 1] pixel units (Linf or L2 per ``norm``);
            optional for ``cw``/``deepfool``, where it caps the L2 distance that counts.
        target: a class (index or name) or one per image: a targeted attack
            (fgsm, pgd, cw).
        seed: seeds PGD's random start.
        batch_size: images per compiled call.
        progress: ``True`` for a bar on stderr, or a factory (:mod:`interpret.core.progress`).
        **options: method options (defaults in :data:`interpret.attacks.options.DEFAULTS`):
            ``norm`` ("linf"/"l2"), ``steps``, ``step_size``, ``random_start`` (pgd);
            ``steps``, ``step_size``, ``binary_search_steps``, ``initial_const``,
            ``confidence`` (cw); ``steps``, ``overshoot``, ``candidates`` (deepfool).

    Example: see the module docstring.
    """
    method = method_name(method)
    probe = as_probe(model)
    params = method_params(method, options)
    eps = check_eps(eps, method, params.get("norm", "l2"), probe.input_shape)
    x, y = checks.images(probe, x, y)
    targets = target_labels(probe, target, len(x))
    _check_target(method, targets)
    batch_size = checks.positive_int(batch_size, "batch_size")
    with advance(progress, len(x), f"{method} on {probe.name}") as step:
        return _attack(probe, method, x, y, targets, eps, params, seed, batch_size, step)


def _attack(
    probe: Any,
    method: str,
    x: np.ndarray,
    y: np.ndarray,
    targets: np.ndarray | None,
    eps: float | None,
    params: dict,
    seed: int,
    batch_size: int,
    step: Step,
) -> AttackResult:
    """The checked attack, batch by batch, then every figure re-measured in float32."""
    rng = np.random.default_rng(seed)
    goal = y if targets is None else targets
    targeted = targets is not None
    started = time.perf_counter()
    advs, details = [], []
    for i in range(0, len(x), batch_size):
        xb, gb = x[i : i + batch_size], goal[i : i + batch_size]
        if method in ROBUST:  # they report their own progress
            from interpret.attacks.autoattack import run_method

            tb = None if targets is None else targets[i : i + batch_size]
            ids = np.arange(i, i + len(xb))
            adv, det = run_method(
                probe, method, xb, y[i : i + batch_size], tb, eps, params, seed, ids, step
            )
            advs.append(adv)
            details.append(det)
            continue
        if method == "fgsm":
            adv = gradient.fgsm(probe, xb, gb, eps, params, targeted)
        elif method == "pgd":
            adv = gradient.pgd(probe, xb, gb, eps, params, targeted, rng)
        elif method == "cw":
            cw_options = (
                "steps",
                "step_size",
                "binary_search_steps",
                "initial_const",
                "confidence",
            )
            adv = carlini_wagner(
                probe, xb, gb, targeted=targeted, **{k: params[k] for k in cw_options}
            )
        else:
            df_options = ("steps", "overshoot", "candidates")
            adv = deepfool(probe, xb, gb, **{k: params[k] for k in df_options})
        advs.append(adv)
        step(len(xb))
    adv = np.concatenate(advs)
    seconds = time.perf_counter() - started
    res = _result(probe, method, x, y, targets, adv, eps, params, seed, seconds, batch_size)
    res.details = _merge(details)
    return res


def _check_target(method: str, targets: np.ndarray | None) -> None:
    if targets is not None and method == "deepfool":
        raise UserError("deepfool is untargeted; drop {target} or use pgd/cw", "target")
    if targets is not None and method in ("autoattack", "apgd-t", "fab-t"):
        raise UserError(
            f"{method} chooses its own targets; drop {{target}} or use apgd-ce, apgd-dlr, fab "
            "or square",
            "target",
        )


def _merge(details: list[dict]) -> dict:
    """Per-batch details of the robustness attacks as one: arrays joined, seconds summed."""
    if not details:
        return {}
    out: dict = {}
    for key, first in details[0].items():
        values = [d[key] for d in details]
        if isinstance(first, np.ndarray):
            out[key] = np.concatenate(values)
        elif key == "stage_seconds":
            out[key] = [float(sum(v)) for v in zip(*values)]
        elif key in ("warnings", "notes"):
            out[key] = list(dict.fromkeys(m for v in values for m in v))
        else:
            out[key] = first
    return out


def _recordable(params: dict) -> dict:
    """Parameters as a sidecar can hold them (a tf.distribute.Strategy by its name)."""
    ok = (str, int, float, bool, list, tuple, type(None))
    return {k: v if isinstance(v, ok) else type(v).__name__ for k, v in params.items()}


def _result(
    probe: Any,
    method: str,
    x: np.ndarray,
    y: np.ndarray,
    target: np.ndarray | None,
    adv: np.ndarray,
    eps: float | None,
    params: dict,
    seed: int,
    seconds: float,
    batch_size: int,
) -> AttackResult:
    p_clean = probe.predict(x, batch_size=batch_size)
    p_adv = probe.predict(adv, batch_size=batch_size)
    pred = p_adv.argmax(1)
    delta = (adv - x).reshape(len(x), -1)
    l2 = np.sqrt((delta.astype(np.float64) ** 2).sum(1)).astype(np.float32)
    linf = np.abs(delta).max(1)
    success = pred != y if target is None else pred == target
    if method in MINIMAL and eps is not None:
        success &= l2 <= eps + 1e-6
    return AttackResult(
        method=method,
        adversarial=adv,
        success=success,
        l2=l2,
        linf=linf,
        pred=pred,
        confidence=p_adv.max(1),
        labels=y,
        clean_pred=p_clean.argmax(1),
        clean_confidence=p_clean.max(1),
        target=target,
        parameters={
            "method": method,
            "eps": eps,
            "seed": seed,
            "targeted": target is not None,
            "batch_size": batch_size,
            **_recordable(params),
        },
        seconds=seconds,
    )


def evaluate_attack(
    model: Any,
    x: Any,
    y: Any,
    *,
    method: str = "pgd",
    eps: Sequence[float] | float | None = (0.05, 0.1, 0.2, 0.3),
    target: Any = None,
    seed: int = 0,
    batch_size: int = 1000,
    progress: ProgressSpec = None,
    **options: Any,
) -> Evaluation:
    """Robust accuracy per eps, counted on the images the model classifies right to begin with.

    Only initially-correct images are attacked. For ``fgsm``/``pgd`` each eps is a
    separate attack; ``cw``/``deepfool`` run once and each eps counts the images
    fooled within that L2 distance (``eps=None``: any distance).

    Example: see the module docstring.
    """
    method = method_name(method)
    probe = as_probe(model)
    params = method_params(method, options)
    eps_list = [eps] if eps is None or isinstance(eps, (int, float)) else list(eps)
    if not eps_list:
        raise UserError("give at least one {eps}", "eps")
    eps_list = [check_eps(e, method, params.get("norm", "l2"), probe.input_shape) for e in eps_list]
    x, y = checks.images(probe, x, y)
    tgt = target_labels(probe, target, len(x))
    _check_target(method, tgt)
    batch_size = checks.positive_int(batch_size, "batch_size")
    correct = probe.predict(x, batch_size=batch_size).argmax(1) == y
    xs, ys = x[correct], y[correct]
    tgt = None if tgt is None else tgt[correct]
    if tgt is not None:  # an image already of the target class says nothing about the attack
        keep = tgt != ys
        xs, ys, tgt = xs[keep], ys[keep], tgt[keep]
    if len(xs) == 0:
        why = (
            f"gets none of these {len(x)} images right"
            if not correct.any()
            else "gets no image right that is not already of its target class"
        )
        raise UserError(
            f"{probe.name} {why}; nothing to attack: check that the labels are the model's "
            "classes and that the images are what it was trained on"
        )
    runs = [None] if method in MINIMAL else eps_list
    rows: list[EvalRow] = []
    with advance(progress, len(runs) * len(xs), f"{method} on {probe.name}") as step:
        for e in runs:
            res = _attack(probe, method, xs, ys, tgt, e, params, seed, batch_size, step)
            for counted in eps_list if method in MINIMAL else [e]:
                ok = res.success
                if method in MINIMAL and counted is not None:
                    ok = ok & (res.l2 <= counted + 1e-6)
                rows.append(_row(counted, res, ok, res.seconds))
    return Evaluation(
        model=probe.name,
        method=method,
        n=len(x),
        clean_correct=int(correct.sum()),
        rows=rows,
        parameters={
            "method": method,
            "eps": eps_list,
            "seed": seed,
            "batch_size": batch_size,
            "targeted": target is not None,
            "target": None if target is None else str(target),
            **_recordable(params),
        },
        images=xs,
        labels=ys,
        class_names=tuple(probe.class_names),
        model_info={"model": probe.name},
    )


def _row(eps: float | None, res: AttackResult, ok: np.ndarray, seconds: float) -> EvalRow:
    n = len(ok)
    return EvalRow(
        eps=eps,
        n_attacked=n,
        robust=int(n - ok.sum()),
        robust_accuracy=float(1 - ok.mean()) if n else float("nan"),
        mean_l2=float(res.l2[ok].mean()) if ok.any() else float("nan"),
        mean_linf=float(res.linf[ok].mean()) if ok.any() else float("nan"),
        seconds=seconds,
        result=res,
    )
