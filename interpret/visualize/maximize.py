"""Activation maximization: the images a filter, a unit or a class responds to most.

:func:`maximize` turns targets (filters of a layer, or classes) into one batched
objective, renders them with :func:`interpret.visualize.render.render`, and measures
the activation each image reached; with ``examples`` it also finds the data-set
images that excite the same targets most (:mod:`interpret.visualize.examples`).

Example:
    >>> import interpret
    >>> res = interpret.maximize("mnist-cnn", "conv2d_1", "0-2", steps=8, precision="float32")
    >>> res.images.shape, res.activations.shape, res.labels
    ((3, 28, 28, 1), (3,), ['f0', 'f1', 'f2'])
    >>> res = interpret.maximize("mnist-cnn", classes=[3, "7"], steps=8)
    >>> res.labels
    ['3', '7']
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from interpret._fast import precision as precision_lib
from interpret.core import checks
from interpret.core import objectives as obj
from interpret.core.errors import UserError
from interpret.core.progress import ProgressSpec, advance
from interpret.core.specs import parse_indices
from interpret.gallery.inline import ShowsInline
from interpret.visualize.examples import Examples, examples_from, load_examples_data
from interpret.visualize.render import Frames, RenderSettings, render


@dataclass
class MaximizeResult(ShowsInline):
    """What :func:`maximize` returns; ``images[i]`` is the render for ``targets[i]``.

    In Jupyter it shows as its labelled grid, or plays as an animation with ``animate``.
    """

    model: str
    kind: str  # "filter", "unit" or "class"
    layer: str | None
    targets: list[int]
    labels: list[str]  # short captions, e.g. "f5" or "cat"
    objectives: list[str]  # readable objective per image
    images: np.ndarray  # (N, H, W, C) float32 [0, 1]
    activations: np.ndarray  # (N,) the target's activation on the final image
    probabilities: np.ndarray | None  # class targets: softmax of the target class
    predicted: list[int] | None
    seconds: float
    parameters: dict
    settings: dict
    examples: Examples | None = None
    model_info: dict = field(default_factory=dict)  # how the model was resolved
    frames: np.ndarray | None = None  # (T, N, H, W, C) with ``animate``: the images over steps
    frame_steps: list[int] | None = None  # the step of each frame (the last is the result)

    def save(self, gallery: Any = None) -> list:
        """Write one PNG + sidecar per target and one labelled grid; return the artifacts.

        Example:
            >>> res = maximize("mnist-cnn", "dense", [0, 5], steps=4)
            >>> [a.png.name for a in res.save("/tmp/demo-gallery")]
            ['dense-u0.png', 'dense-u5.png', 'grid-dense-0-5.png']
        """
        return _save(self, gallery)

    def inline_view(self) -> Any:
        """The labelled grid (what Jupyter shows)."""
        return grid_figure(self)

    def inline_frames(self) -> list[np.ndarray] | None:
        """With ``animate``: every target side by side, one frame per logged step."""
        from interpret.gallery.animation import tile

        return None if self.frames is None else [tile(step) for step in self.frames]


def _size(size: Any) -> tuple[int, int] | None:
    if size is None:
        return None
    pair = (size, size) if isinstance(size, (int, np.integer)) else tuple(size)
    if len(pair) != 2:
        raise UserError(f"{{size}} must be a number of pixels or (H, W), got {size!r}", "size")
    return checks.positive_int(pair[0], "size"), checks.positive_int(pair[1], "size")


def _targets(probe: Any, layer: Any, filters: Any, classes: Any) -> tuple[str, list[int], Any]:
    """(kind, target indices, index -> objective) for a layer's filters/units or for classes."""
    if classes is not None:
        if layer is not None or filters is not None:
            raise UserError(
                "give either {layer} (with {filters}) or {classes}, not both",
                "classes",
                "layer",
                "filters",
            )
        return "class", probe.class_indices(classes), obj.class_logit
    if layer is None:
        raise UserError(
            f"give {{layer}} (one of: {', '.join(probe.layer_names)}) or {{classes}}",
            "layer",
            "classes",
        )
    info = probe.layer(layer)
    if info.kind == "other":
        raise UserError(
            f"layer {layer} has output shape {info.output_shape}: no filter or unit axis to pick from",
            "layer",
        )
    kind = "filter" if info.kind == "spatial" else "unit"
    targets = parse_indices(filters, info.size, kind, where=layer, param="filters")
    if kind == "filter":
        return kind, targets, lambda i: obj.channel(layer, i)
    return kind, targets, lambda i: obj.neuron(layer, i)


def _chunks(targets: list[int], size: int) -> list[list[int]]:
    return [targets[i : i + size] for i in range(0, len(targets), size)]


def _render_batches(
    probe: Any,
    batches: list[tuple[obj.Objective, int]],
    s: RenderSettings,
    canvas: tuple[int, int] | None,
    seed: int,
    progress: ProgressSpec,
    frames: list[Frames] | None = None,
) -> tuple[np.ndarray, np.ndarray, float, dict]:
    """Render each (objective, batch size) with seeds seed, seed + 1, ...; images, values, seconds, settings.

    ``frames``: one :class:`Frames` per batch, filled by the renders (an animation).
    """
    images, values, seconds, described = [], [], 0.0, {}
    with advance(progress, s.steps * len(batches), "rendering") as step:
        for b, (objective, n) in enumerate(batches):
            result = render(
                probe,
                objective,
                batch=n,
                settings=s,
                size=canvas,
                seed=seed + b,
                advance=step,
                frames=frames[b] if frames else None,
            )
            images.append(result.images)
            values.append(result.values)
            seconds += result.seconds
            described = result.settings
    return np.concatenate(images), np.concatenate(values), seconds, described


def maximize(
    model: Any,
    layer: str | None = None,
    filters: Any = None,
    *,
    classes: Any = None,
    size: Any = None,
    examples: int = 0,
    dataset: Any = None,
    data: Any = None,
    animate: bool = False,
    frame_every: int | None = None,
    batch_size: int = 64,
    seed: int = 0,
    progress: ProgressSpec = None,
    **settings: Any,
) -> MaximizeResult:
    """Render the images that maximise filters/units of ``layer``, or output ``classes``.

    Args:
        model: zoo name, .keras path, Keras model or ModelHandle.
        layer: layer name (filters of a conv layer, units of a dense layer).
        filters: index, list, ``"0-11"``, ``"1,5,9"`` or ``"all"``/None (every one).
        classes: instead of a layer: class index/name, list of them, or ``"all"``.
        size: canvas side (or (H, W)) for conv layers; default the model's input.
        examples: also find this many top data-set images per target (0: none).
        dataset: data set for ``examples`` (default: the one on the model's card).
        data: instead of ``dataset``, your own images for ``examples``: an .npz file
            (keys x, y or x_test, y_test) or a folder with one subfolder per class
            (:func:`interpret.data.user.load_user_data`); resized to the model's input.
        animate: also keep the images along the way (``frames``; ``save`` then writes an
            animated GIF beside each PNG, one frame per logged step).
        frame_every: log a frame every this many steps (default: steps / 32, at least 1).
        batch_size: targets optimised together per compiled loop.
        seed: seeds the start images and every step's moves.
        progress: ``True`` for a bar on stderr, or a factory (:mod:`interpret.core.progress`).
        **settings: the render's knobs, :class:`~interpret.visualize.render.RenderSettings`:
            ``steps`` (256), ``lr`` (0.05), ``param`` ("fourier"), ``decorrelate``,
            ``jitter``, ``scale``, ``rotate`` (the moves), ``tv``, ``l2``, ``blur``
            (penalties), ``leak``, ``warmup`` (the dead-ReLU fix), ``precision``
            ("auto"); activations are always measured in float32.

    Returns:
        A :class:`MaximizeResult` with the images and the activation each reached.

    Example:
        >>> r = maximize("mnist-cnn", "dense", [0, 5], steps=4)
        >>> r.kind, r.labels
        ('unit', ['u0', 'u5'])
    """
    from interpret.core.models import resolve

    handle = resolve(model)
    probe = handle.probe
    s = RenderSettings.from_options(settings)  # every knob checked before any work
    batch_size = checks.positive_int(batch_size, "batch_size")
    examples = checks.positive_int(examples, "examples", minimum=0)
    canvas = _size(size)
    kind, targets, make = _targets(probe, layer, filters, classes)
    own = tuple(probe.input_shape[:2])
    if canvas == own:
        canvas = None
    if canvas is not None and kind != "filter":
        raise UserError(
            f"{kind} targets need the model's own {own[0]}x{own[1]} input; {{size}} works "
            "for conv layers only",
            "size",
        )
    if canvas is not None:
        probe.extractor([layer], size=canvas)  # fails early if the layer needs a fixed size
    if data is not None and not examples:
        raise UserError(
            "{data} is searched for dataset examples; add {examples} (e.g. 9)", "data", "examples"
        )
    every = _frame_every(animate, frame_every, s.steps)
    ex_data = load_examples_data(handle, dataset, data=data) if examples else None
    batches = [(make(c), len(c)) for c in _chunks(targets, batch_size)]
    frames = [Frames(every) for _ in batches] if every else None
    images, values, seconds, described = _render_batches(
        probe, batches, s, canvas, seed, progress, frames
    )
    probabilities = predicted = None
    if kind == "class":
        probs = probe.predict(images)
        probabilities = probs[np.arange(len(targets)), targets].astype("float32")
        predicted = [int(v) for v in probs.argmax(axis=1)]
    found = None
    if ex_data is not None:
        found = examples_from(
            probe, kind, layer, targets, ex_data, "test", examples, own=data is not None
        )
    parameters = {
        "targets": kind,
        "layer": layer,
        "seed": int(seed),
        "size": list(canvas or own),
        "batch_size": batch_size,
        "examples": examples,
        **({"data": found.source["data"]} if found is not None and found.source else {}),
        **asdict(s),
        "precision": precision_lib.resolve(s.precision),
    }
    labels = (
        [probe.class_names[i] for i in targets]
        if kind == "class"
        else [f"{kind[0]}{i}" for i in targets]
    )
    return MaximizeResult(
        model=handle.name,
        kind=kind,
        layer=layer,
        targets=targets,
        labels=labels,
        objectives=[s.with_penalties(make(i)).name for i in targets],
        images=images,
        activations=values,
        probabilities=probabilities,
        predicted=predicted,
        seconds=seconds,
        parameters=parameters,
        settings={**described, "seed": int(seed)},
        examples=found,
        model_info=handle.describe(),
        frames=_stack_frames(frames) if frames else None,
        frame_steps=frames[0].steps if frames else None,
    )


def _frame_every(animate: bool, frame_every: int | None, steps: int) -> int:
    """Steps between frames, 0 for no animation (``frame_every`` alone implies ``animate``)."""
    if frame_every is not None:
        return checks.positive_int(frame_every, "frame_every")
    return max(1, int(steps) // 32) if animate else 0


def _stack_frames(frames: list[Frames]) -> np.ndarray:
    """(T, N, H, W, C): every batch's frames side by side, in target order."""
    return np.stack([np.concatenate(step) for step in zip(*(f.images for f in frames))])


def _save(result: MaximizeResult, gallery: Any) -> list:
    """One PNG + sidecar per target and one labelled grid (renders beside their examples)."""
    from interpret.gallery.store import Gallery

    gallery = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
    described = result.model_info

    arts = []
    base = {
        **described,
        "seed": result.parameters["seed"],
        "parameters": result.parameters,
        "settings": result.settings,
        "layer": result.layer,
        **(result.examples.source if result.examples is not None else {}),
    }
    for i, target in enumerate(result.targets):
        figures = {"activation": float(result.activations[i])}
        if result.probabilities is not None:
            figures["probability"] = float(result.probabilities[i])
            figures["predicted"] = int(result.predicted[i])
        if result.examples is not None:
            figures["best_example_activation"] = float(result.examples.scores[i, 0])
            figures["example_indices"] = [int(v) for v in result.examples.indices[i]]
        if result.kind == "class":
            name = f"class-{target}-{result.labels[i]}"
        else:
            name = f"{result.layer}-{result.labels[i]}"
        meta = {
            **base,
            "target": int(target),
            "kind": result.kind,
            "objective": result.objectives[i],
            "figures": figures,
        }
        where = {"model": result.model, "technique": "maximize", "name": name, "meta": meta}
        if result.frames is None:
            arts.append(gallery.save_image(result.images[i], **where))
        else:
            frames, steps = result.frames[:, i], result.frame_steps
            arts.append(
                gallery.save_animation(frames, steps=steps, poster=result.images[i], **where)
            )
    fig = grid_figure(result)
    span = _span(result.targets)
    grid_name = f"grid-{'class' if result.kind == 'class' else result.layer}-{span}"
    if result.examples is not None:
        grid_name += "-examples"
    figures = {
        "activation_mean": float(result.activations.mean()),
        "activations": [float(v) for v in result.activations],
        "seconds": float(result.seconds),
    }
    if result.probabilities is not None:
        figures["probability_min"] = float(result.probabilities.min())
    arts.append(
        gallery.save_figure(
            fig,
            model=result.model,
            technique="maximize",
            name=grid_name,
            meta={
                **base,
                "targets": result.targets,
                "kind": result.kind,
                "objectives": result.objectives,
                "figures": figures,
            },
        )
    )
    return arts


def grid_figure(result: MaximizeResult) -> Any:
    """The labelled grid of a run: each render with its activation (beside its examples).

    Example:
        >>> fig = grid_figure(maximize("mnist-cnn", classes="0-3", steps=2))
        >>> len(fig.axes)
        4
    """
    from interpret.gallery.style import image_grid

    captions = [f"{lab}\n{a:.2f}" for lab, a in zip(result.labels, result.activations)]
    what = "classes" if result.kind == "class" else f"{result.layer} {result.kind}s"
    title = f"{result.model}: {what} (activation reached)"
    if result.examples is None:
        images, titles = list(result.images), captions
        cols = None
    else:
        k = result.examples.images.shape[1]
        images, titles = [], []
        for i in range(len(result.targets)):
            images.append(result.images[i])
            titles.append(captions[i])
            for j in range(k):
                images.append(result.examples.images[i, j])
                titles.append(f"{result.examples.scores[i, j]:.2f}")
        cols = k + 1
        title += f"; right: top {k} {result.examples.caption} images"
    fig, _ = image_grid(images, titles=titles, cols=cols, cell=1.1, suptitle=title)
    return fig


def _span(targets: list[int]) -> str:
    if targets == list(range(targets[0], targets[0] + len(targets))):
        return f"{targets[0]}-{targets[-1]}" if len(targets) > 1 else str(targets[0])
    text = ",".join(str(t) for t in targets)
    return text if len(text) <= 40 else f"{len(targets)}-targets"
