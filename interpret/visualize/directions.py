"""Directions in activation space, and how neurons combine (lucid's directions and interactions).

Three renders on the shared loop, each one batch:

* :func:`direction`: images that push a layer's activations along given vectors
  (:func:`interpret.core.objectives.direction`, with lucid's cosine-similarity power);
  a neuron is the special case of a one-hot vector.
* :func:`interpolate`: a row of images morphing from one neuron to another; frame k
  climbs ``(1 - w_k) * channel(a) + w_k * channel(b)`` with w from 0 to 1, on a
  parameterization whose coarse structure is shared between neighbours
  (:class:`interpret.visualize.param.SharedFourier`), so the frames line up.
* :func:`interact`: the neuron-interaction grid: ``channel(a) + channel(b)`` for
  every pair of the given neurons, the neurons alone on the diagonal.

Example:
    >>> import interpret
    >>> res = interpret.direction("mnist-cnn", "conv2d_1", np.eye(64)[:2], steps=8)
    >>> res.images.shape, res.values.shape
    ((2, 28, 28, 1), (2,))
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpret.core import checks
from interpret.core import objectives as obj
from interpret.core.errors import UserError
from interpret.core.objectives import Objective
from interpret.core.progress import ProgressSpec, advance
from interpret.core.specs import parse_indices
from interpret.gallery.inline import ShowsInline
from interpret.visualize import param as param_lib
from interpret.visualize.render import RenderSettings, evaluate, render


@dataclass
class CanonResult(ShowsInline):
    """A batch of renders of one kind, with the numbers measured on them (float32).

    ``kind`` is ``"direction"``, ``"interpolation"`` or ``"interaction"``; ``labels``
    caption each image; ``figures`` hold per-image measurements (lists) and
    ``grid`` the (rows, cols) layout of the figure ``save`` draws (None in a cell:
    blank).
    """

    model: str
    kind: str
    layer: str
    images: np.ndarray
    labels: list[str]
    values: np.ndarray  # the objective each image climbed, on the final image
    figures: dict
    grid: list[list[int | None]]
    seconds: float
    parameters: dict
    settings: dict
    model_info: dict = field(default_factory=dict)

    def save(self, gallery: Any = None) -> list:
        """Every image as PNG + sidecar, and the figure (a row, a grid).

        Example:
            >>> arts = res.save("/tmp/demo-gallery")  # doctest: +SKIP
        """
        return _save(self, gallery)

    def inline_view(self) -> Any:
        """In a notebook: the figure ``save`` draws (a row or a grid of the renders)."""
        return grid_figure(self)


def load_vectors(vector: Any, channels: int, layer: str) -> np.ndarray:
    """Direction(s) as an (N, channels) array: an array or list, a ``.npy``/``.txt``/``.csv``
    file, or a comma list of numbers; checked against the layer's channels.

    Example:
        >>> load_vectors("1,0,0.5", 3, "c").tolist()
        [[1.0, 0.0, 0.5]]
        >>> load_vectors([1, 2], 3, "c")
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: vector= has 2 values; layer c has 3 channels
    """
    if isinstance(vector, (str, os.PathLike)) and os.path.isfile(vector):
        path = str(vector)
        try:
            raw = (
                np.load(path)
                if path.endswith(".npy")
                else np.loadtxt(path, delimiter=None if path.endswith(".txt") else ",")
            )
        except (OSError, ValueError) as e:
            raise UserError(
                f"{{vector}} file {path} could not be read as numbers: {e}", "vector"
            ) from e
    elif isinstance(vector, str):
        try:
            raw = np.asarray([float(v) for v in vector.replace(" ", "").split(",") if v], "float64")
        except ValueError as e:
            raise UserError(
                f"{{vector}} must be a file or a comma list of numbers, got {vector!r}", "vector"
            ) from e
    else:
        raw = np.asarray(vector, "float64")
    vec = np.atleast_2d(np.asarray(raw, "float32"))
    if vec.ndim != 2 or vec.shape[-1] != channels:
        n = vec.shape[-1] if vec.ndim == 2 else vec.size
        raise UserError(
            f"{{vector}} has {n} values; layer {layer} has {channels} channels", "vector"
        )
    if not np.all(np.isfinite(vec)) or np.any(np.abs(vec).sum(axis=1) == 0):
        raise UserError("{vector} must hold finite numbers, not all zero", "vector")
    return vec


def _layer(probe: Any, layer: str) -> Any:
    info = probe.layer(layer)
    if info.kind == "other":
        raise UserError(
            f"layer {layer} has output shape {info.output_shape}: no channel axis", "layer"
        )
    return info


def direction(
    model: Any,
    layer: str,
    vector: Any,
    *,
    cossim_pow: float = 0.0,
    seed: int = 0,
    progress: ProgressSpec = None,
    **settings: Any,
) -> CanonResult:
    """Render the images that push ``layer``'s activations along each direction in ``vector``.

    ``vector``: one direction (channels,), several (N, channels), a file or a comma
    list (:func:`load_vectors`); ``cossim_pow``: lucid's cosine-similarity power.
    ``figures["cosine"]`` is each image's cosine similarity between its mean
    activation vector and its direction.

    Example:
        >>> direction("mnist-cnn", "conv2d_1", "1," * 63 + "1", steps=4).labels
        ['direction 0']
    """
    from interpret.core.models import resolve

    handle = resolve(model)
    probe = handle.probe
    s = RenderSettings.from_options(settings)
    info = _layer(probe, layer)
    vec = load_vectors(vector, info.size, layer)
    pow_ = checks.non_negative(cossim_pow, "cossim_pow")
    target = obj.direction(layer, vec, pow_)
    with advance(progress, s.steps, "rendering") as step:
        out = render(probe, target, batch=len(vec), settings=s, seed=seed, advance=step)
    acts = np.asarray(probe.extractor([layer])(out.images)[0], "float64")
    mean = acts.reshape(len(vec), -1, info.size).mean(axis=1)
    cos = (mean * vec).sum(1) / (np.linalg.norm(mean, axis=1) * np.linalg.norm(vec, axis=1) + 1e-12)
    return CanonResult(
        model=handle.name,
        kind="direction",
        layer=layer,
        images=out.images,
        labels=[f"direction {i}" for i in range(len(vec))],
        values=out.values,
        figures={"cosine": [float(c) for c in cos]},
        grid=[list(range(len(vec)))],
        seconds=out.seconds,
        parameters={"layer": layer, "vectors": vec.tolist(), "cossim_pow": pow_, "seed": seed},
        settings=out.settings,
        model_info=handle.describe(),
    )


def parse_unit(probe: Any, spec: Any, layer: str | None, param: str) -> tuple[str, int]:
    """A neuron as ``(layer, channel)``: an index of ``layer``, or ``"layer:index"``.

    Example:
        >>> from interpret.core.models import resolve
        >>> probe = resolve("cifar10-cnn").probe
        >>> parse_unit(probe, 5, "conv2d_2", "a"), parse_unit(probe, "conv2d_1:3", None, "b")
        (('conv2d_2', 5), ('conv2d_1', 3))
    """
    name, index = layer, spec
    if isinstance(spec, str) and ":" in spec:
        name, index = spec.rsplit(":", 1)
    if name is None:
        raise UserError(f"{{{param}}} needs a layer: give {{layer}} or write layer:index", param)
    info = _layer(probe, name)
    return name, parse_indices(str(index), info.size, "channel", where=name, param=param)[0]


def _blend(a: Objective, b: Objective, weights: np.ndarray) -> Objective:
    """Per image k: ``(1 - weights[k]) * a + weights[k] * b``."""
    w = np.asarray(weights, "float32")

    def fn(ctx: obj.Context) -> Any:
        return (1.0 - w) * a(ctx) + w * b(ctx)

    return Objective(fn, f"(1 - w) * {a.name} + w * {b.name}", a.layers | b.layers, a.logits)


def interpolate(
    model: Any,
    layer: str | None,
    a: Any,
    b: Any,
    *,
    frames: int = 6,
    seed: int = 0,
    progress: ProgressSpec = None,
    **settings: Any,
) -> CanonResult:
    """A row of ``frames`` images morphing from neuron ``a`` to neuron ``b``.

    ``a`` and ``b``: channel indices of ``layer``, or ``"layer:index"`` (two layers may
    differ). Neighbouring frames share their coarse structure (the Fourier
    parameterization's low frequencies, blended along the row); with ``param`` other
    than ``"fourier"`` the frames are independent. ``figures`` hold each frame's
    activation of ``a`` and of ``b``.

    Example:
        >>> r = interpolate("mnist-cnn", "conv2d_1", 0, 5, frames=3, steps=4)
        >>> r.labels, r.figures["weight"]
        (['conv2d_1:0', 'w=0.5', 'conv2d_1:5'], [0.0, 0.5, 1.0])
    """
    from interpret.core.models import resolve

    handle = resolve(model)
    probe = handle.probe
    s = RenderSettings.from_options(settings)
    ua, ub = parse_unit(probe, a, layer, "a"), parse_unit(probe, b, layer, "b")
    n = checks.positive_int(frames, "frames", minimum=2)
    w = np.linspace(0.0, 1.0, n).astype("float32")
    first, second = obj.channel(ua[0], [ua[1]] * n), obj.channel(ub[0], [ub[1]] * n)
    h, wd, c = (int(v) for v in probe.input_shape)
    shared = None
    if s.param == "fourier":
        shared = param_lib.SharedFourier(n, (h, wd), c, seed, decorrelate=s.decorrelate)
    with advance(progress, s.steps, "rendering") as step:
        out = render(
            probe, _blend(first, second, w), batch=n, settings=s, seed=seed, advance=step,
            param=shared,
        )  # fmt: skip
    va, vb = evaluate(probe, first, out.images), evaluate(probe, second, out.images)
    names = [f"{ua[0]}:{ua[1]}", f"{ub[0]}:{ub[1]}"]
    return CanonResult(
        model=handle.name,
        kind="interpolation",
        layer=ua[0],
        images=out.images,
        labels=[names[0]] + [f"w={v:.2g}" for v in w[1:-1]] + [names[1]],
        values=out.values,
        figures={
            "weight": [float(v) for v in w],
            "activation_a": va.tolist(),
            "activation_b": vb.tolist(),
        },
        grid=[list(range(n))],
        seconds=out.seconds,
        parameters={
            "a": names[0],
            "b": names[1],
            "frames": n,
            "seed": seed,
            "shared": shared is not None,
        },
        settings=out.settings,
        model_info=handle.describe(),
    )


def interact(
    model: Any,
    layer: str,
    filters: Any = "0-3",
    *,
    seed: int = 0,
    progress: ProgressSpec = None,
    **settings: Any,
) -> CanonResult:
    """The neuron-interaction grid: ``channel(a) + channel(b)`` for every pair of ``filters``.

    Cell (i, j), i < j, climbs the sum of the two neurons; the diagonal climbs one
    neuron alone. All n (n + 1) / 2 images are one batch. ``figures`` hold each
    image's activation of its first and second neuron.

    Example:
        >>> r = interact("mnist-cnn", "conv2d_1", "0-1", steps=4)
        >>> r.labels, r.grid
        (['f0', 'f0+f1', 'f1'], [[0, 1], [None, 2]])
    """
    from interpret.core.models import resolve

    handle = resolve(model)
    probe = handle.probe
    s = RenderSettings.from_options(settings)
    info = _layer(probe, layer)
    picked = parse_indices(filters, info.size, "filter", where=layer, param="filters")
    if len(picked) < 2:
        raise UserError("{filters} must name at least 2 neurons to pair", "filters")
    pairs = [(i, j) for i in range(len(picked)) for j in range(i, len(picked))]
    first = [picked[i] for i, _ in pairs]
    second = [picked[j] for _, j in pairs]
    ca, cb = obj.channel(layer, first), obj.channel(layer, second)
    alone = np.asarray([i == j for i, j in pairs], "float32")
    # the diagonal climbs its neuron once, the rest the sum of two
    target = _blend(ca + cb, ca, alone) if alone.any() else ca + cb
    with advance(progress, s.steps, "rendering") as step:
        out = render(probe, target, batch=len(pairs), settings=s, seed=seed, advance=step)
    grid: list[list[int | None]] = [[None] * len(picked) for _ in picked]
    for k, (i, j) in enumerate(pairs):
        grid[i][j] = k
    labels = [f"f{a}" if a == b else f"f{a}+f{b}" for a, b in zip(first, second)]
    return CanonResult(
        model=handle.name,
        kind="interaction",
        layer=layer,
        images=out.images,
        labels=labels,
        values=out.values,
        figures={
            "activation_a": evaluate(probe, ca, out.images).tolist(),
            "activation_b": evaluate(probe, cb, out.images).tolist(),
        },
        grid=grid,
        seconds=out.seconds,
        parameters={"layer": layer, "filters": picked, "seed": seed},
        settings=out.settings,
        model_info=handle.describe(),
    )


def _caption(result: CanonResult, k: int) -> str:
    f = result.figures
    if result.kind == "direction":
        return f"{result.labels[k]}\ncos {f['cosine'][k]:.2f}"
    return f"{result.labels[k]}\n{f['activation_a'][k]:.2f} | {f['activation_b'][k]:.2f}"


def sidecar_base(result: Any) -> dict:
    """What every sidecar of a canon result records: model, seed, parameters, settings, layer.

    Example:
        >>> from types import SimpleNamespace
        >>> r = SimpleNamespace(model_info={"model": "m"}, parameters={"seed": 3}, settings={}, layer="c")
        >>> sidecar_base(r)["seed"], sidecar_base(r)["model"]
        (3, 'm')
    """
    return {
        **result.model_info,
        "seed": result.parameters["seed"],
        "parameters": result.parameters,
        "settings": result.settings,
        "layer": result.layer,
    }


def grid_figure(result: CanonResult) -> Any:
    """The renders laid out as ``result.grid`` says, each captioned with its measurements."""
    from interpret.gallery.style import image_grid

    cells = [result.images[k] if k is not None else None for row in result.grid for k in row]
    blank = np.ones_like(result.images[0])
    titles = [_caption(result, k) if k is not None else "" for row in result.grid for k in row]
    what = {
        "direction": "activation along each direction (cosine to it)",
        "interpolation": "a morph between two neurons (activation of a | b)",
        "interaction": "pairs of neurons (activation of first | second)",
    }[result.kind]
    fig, _ = image_grid(
        [blank if c is None else c for c in cells], titles=titles, cols=len(result.grid[0]), cell=1.2,
        suptitle=f"{result.model} {result.layer}: {what}",
    )  # fmt: skip
    return fig


def _save(result: CanonResult, gallery: Any) -> list:
    from interpret.gallery.store import Gallery

    g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
    base = sidecar_base(result)
    stem = {
        "direction": f"{result.layer}-direction",
        "interpolation": f"{result.parameters.get('a')}-to-{result.parameters.get('b')}",
        "interaction": f"{result.layer}-pairs",
    }[result.kind]
    arts = []
    for k, label in enumerate(result.labels):
        figures = {name: values[k] for name, values in result.figures.items()}
        meta = {**base, "label": label, "value": float(result.values[k]), "figures": figures}
        arts.append(
            g.save_image(
                result.images[k],
                model=result.model,
                technique=result.kind,
                name=f"{stem}-{k}",
                meta=meta,
            )
        )
    fig = grid_figure(result)
    meta = {**base, "labels": result.labels, "figures": result.figures}
    arts.append(
        g.save_figure(
            fig, model=result.model, technique=result.kind, name=f"grid-{stem}", meta=meta
        )
    )
    return arts
