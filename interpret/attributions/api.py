"""``interpret.explain``: attribution maps for any Keras model, batched, checked first.

:func:`explain` checks everything (images, methods, options, target, layer) before any
work, runs each method, and returns an
:class:`~interpret.attributions.explanation.Explanation` (one method) or
:class:`~interpret.attributions.explanation.Explanations` (several: ``"gradcam,ig"``
or a list). :func:`attribute` is the same computation straight from a
:class:`~interpret.core.probe.Probe`, returning the bare
:class:`~interpret.attributions.base.Maps`: what a caller that explains many
variants of one model (weight-randomised copies, say) wants.

Batching follows a memory budget (``memory`` MB of activations per compiled call):
a thousand images, or 8,000 RISE masks, never sit in memory all at once.

Example:
    >>> import interpret
    >>> from interpret.data import datasets
    >>> x, y = datasets.load_test_images("cifar10").split("test")
    >>> e = interpret.explain("cifar10-cnn", x[:4], method="gradcam", target="label", y=y[:4])
    >>> e.maps.shape, e.layer, e.targets.tolist() == y[:4].tolist()
    ((4, 32, 32), 'conv2d_2', True)
    >>> es = interpret.explain("cifar10-cnn", x[:2], method="saliency,ig", steps=16)
    >>> [m.method for m in es]
    ['saliency', 'integrated-gradients']
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from interpret.attributions.base import Maps, Run
from interpret.attributions.cam import cam_layer
from interpret.attributions.explanation import Explanation, Explanations
from interpret.attributions.methods import Method, applicable, methods
from interpret.attributions.options import check_options, settle
from interpret.attributions.targets import Target, resolve_target
from interpret.core import checks
from interpret.core.progress import ProgressSpec, Step, advance

MEMORY_MB = 256.0


def _probe_and_info(model: Any) -> tuple[Any, dict]:
    from interpret.core.models import resolve
    from interpret.core.probe import Probe

    if isinstance(model, Probe):
        info = {
            "model": model.name,
            "model_source": "probe",
            "input_range": list(model.input_range),
        }
        return model, info
    handle = resolve(model)
    return handle.probe, handle.describe()


def _picture_files(images: Any) -> list[str]:
    """``images`` as picture file names when it is a path or a list of paths, else []."""
    import os

    items = [images] if isinstance(images, (str, os.PathLike)) else images
    if (
        isinstance(items, (list, tuple))
        and items
        and all(isinstance(i, (str, os.PathLike)) for i in items)
    ):
        return [os.fspath(i) for i in items]
    return []


def _chosen(spec: Any, probe: Any) -> list[Method]:
    if isinstance(spec, str) and spec.strip().lower() == "all":
        return applicable(probe)
    return methods(spec)


def _plan(
    chosen: list[Method],
    probe: Any,
    options: dict,
    layer: str | None,
    size: tuple,
    target: Target | None = None,
) -> list[tuple[Method, dict, str | None]]:
    """Each method with its settled options and layer: every check, before any work."""
    checked = check_options(options, [m.name for m in chosen])
    others = ", ".join(m.name for m in applicable(probe) if not m.needs_layer)
    reads = sorted(target.objective.layers) if target and target.objective else []
    plans = []
    for m in chosen:
        lay = cam_layer(probe, layer, m.name, others, reads) if m.needs_layer else None
        plans.append((m, settle(m.name, checked, probe, size, lay), lay))
    if layer is not None and not any(m.needs_layer for m in chosen):
        from interpret.core.errors import UserError

        raise UserError(
            "{layer} applies to the CAM methods (gradcam, gradcam-plus-plus, scorecam, "
            f"layercam); {', '.join(m.name for m in chosen)} take none",
            "layer",
        )
    return plans


def _compute(
    m: Method,
    probe: Any,
    x: np.ndarray,
    target: Target,
    layer: Any,
    o: dict,
    seed: int,
    memory: float,
    step: Step,
) -> Maps:
    out = m.compute(Run(probe, target, layer, o, seed, memory, step), x)
    out.maps = np.asarray(out.maps, np.float32)
    out.scores = np.asarray(out.scores, np.float32)
    return out


def attribute(
    probe: Any,
    images: Any,
    method: str = "saliency",
    target: Any = None,
    *,
    y: Any = None,
    layer: str | None = None,
    seed: int = 0,
    memory: float = MEMORY_MB,
    progress: ProgressSpec = None,
    **options: Any,
) -> Maps:
    """One method's maps straight from a Probe (or any model spec): no Explanation around them.

    Takes the same arguments as :func:`explain` (``target`` may also be an array of
    class indices, ``-1`` meaning the predicted class). Compiled functions are cached
    on the probe; weights changed in place (``set_weights``) are seen by them.

    Example:
        >>> from interpret.core.models import resolve
        >>> probe = resolve("mnist-cnn").probe
        >>> out = attribute(probe, np.ones((3, 28, 28, 1), "float32"), "gradcam", [1, 2, -1])
        >>> out.maps.shape, out.targets[:2].tolist()
        ((3, 28, 28), [1, 2])
    """
    probe, _ = _probe_and_info(probe)
    x, y = checks.images(probe, images, y)
    tgt = resolve_target(probe, target, len(x), y)
    ((m, o, lay),) = _plan(methods([method]), probe, options, layer, x.shape[1:3], tgt)
    with advance(progress, len(x), f"{m.name} on {probe.name}") as step:
        return _compute(m, probe, x, tgt, lay, o, int(seed), memory, step)


def explain(
    model: Any,
    images: Any,
    method: Any = "gradcam",
    *,
    target: Any = None,
    y: Any = None,
    layer: str | None = None,
    names: Any = None,
    seed: int = 0,
    memory: float = MEMORY_MB,
    progress: ProgressSpec = None,
    **options: Any,
) -> Explanation | Explanations:
    """Attribution maps of ``images`` for ``model``: which pixels made it score ``target``.

    Args:
        model: zoo name, .keras/.h5 path, Keras model, ModelHandle or Probe.
        images: float32 [0, 1] NHWC (uint8 is divided by 255; one HWC image is a batch of
            one), or picture file(s), read and fitted to the model's input.
        method: a name (``"gradcam"``, ``"integrated-gradients"``, alias ``"ig"``...),
            several (``"gradcam,ig"`` or a list: an :class:`Explanations`), or ``"all"``
            (every method that applies to the model).
        target: ``None`` (the predicted class), a class index or name, one per image,
            ``"label"`` (needs ``y``), or an objective such as
            ``objectives.channel("conv2d_2", 5)`` (:mod:`.targets`).
        y: true labels, for ``target="label"`` and the sheets.
        layer: the CAM methods' layer (default: the last one with a spatial output).
        names: a name per image for the sheets (default ``image 0``, ...).
        seed: seeds SmoothGrad's noise, RISE's masks and the noise baseline.
        memory: MB of activations per compiled call (sets the batch sizes).
        progress: ``True`` for a bar on stderr, or a factory (:mod:`interpret.core.progress`).
        **options: the methods' options (:class:`~interpret.attributions.options.ExplainOptions`):
            ``samples``, ``noise`` (SmoothGrad family); ``steps``, ``baseline``, ``rule``
            (Integrated Gradients); ``top`` (Score-CAM); ``patch``, ``stride``, ``fill``
            (Occlusion); ``masks``, ``cell``, ``keep``, ``fill`` (RISE).

    Example: see the module docstring.
    """
    probe, info = _probe_and_info(model)
    files = _picture_files(images)
    if files:  # picture files, read and fitted to the model's input as the CLI does
        from interpret.attributions.inputs import read_pictures

        picked = read_pictures(probe.input_shape, files)
        images, names = picked.x, picked.names if names is None else names
    x, y = checks.images(probe, images, y)
    chosen = _chosen(method, probe)
    tgt = resolve_target(probe, target, len(x), y)
    plans = _plan(chosen, probe, options, layer, x.shape[1:3], tgt)
    seed = checks.positive_int(seed, "seed", minimum=0)
    memory = checks.positive(memory, "memory")
    if names is None:
        names = [f"image {i}" for i in range(len(x))]
    names = [str(v) for v in names]
    out = []
    with advance(progress, len(x) * len(plans), f"explaining {probe.name}") as step:
        for m, o, lay in plans:
            start = time.perf_counter()
            maps = _compute(m, probe, x, tgt, lay, o, seed, memory, step)
            params = {**o, "target": tgt.text, "layer": lay, "memory_mb": memory}
            out.append(
                Explanation(
                    method=m.name,
                    title=m.title,
                    maps=maps.maps,
                    signed=m.signed,
                    images=x,
                    target=tgt.text,
                    targets=maps.targets,
                    scores=maps.scores,
                    parameters=params,
                    layer=lay,
                    raw=maps.raw,
                    figures=maps.figures,
                    seed=seed,
                    seconds=time.perf_counter() - start,
                    model=probe.name,
                    model_info=info,
                    labels=names,
                    class_names=probe.class_names,
                )
            )
    for e in out if files else ():  # the sidecars say which files and what was resized
        e.notes, e.data_info = list(picked.notes), dict(picked.info)
    single = isinstance(method, str) and "," not in method and method.strip().lower() != "all"
    return out[0] if single else Explanations(out)
