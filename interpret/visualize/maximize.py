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

With ``diverse=K`` every target gets K images pushed apart at a layer
(:mod:`interpret.visualize.diversity`):

    >>> res = interpret.maximize("mnist-cnn", "conv2d_1", "0-1", diverse=2, steps=8)
    >>> res.targets, res.similarity["gram"].shape
    ([0, 0, 1, 1], (2,))
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from interpret._fast import precision as precision_lib
from interpret.core import checks
from interpret.core import objectives as obj
from interpret.core.errors import AdviceWarning, UserError
from interpret.core.progress import ProgressSpec, advance
from interpret.core.specs import parse_indices
from interpret.gallery.inline import ShowsInline
from interpret.visualize import diversity as div
from interpret.visualize.examples import Examples, examples_from, load_examples_data
from interpret.visualize.render import Frames, RenderSettings, evaluate, render


@dataclass
class MaximizeResult(ShowsInline):
    """What :func:`maximize` returns; ``images[i]`` is the render for ``targets[i]``.

    In Jupyter it shows as its labelled grid, or plays as an animation with ``animate``.
    With ``diverse`` K > 1 each target appears K times in a row (its K images), and
    ``similarity`` holds each target's mean pairwise similarity at the diversity layer.
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
    diverse: int = 1
    similarity: dict | None = None  # diverse: {"gram": (T,), "cosine": (T,)} per target

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


@dataclass
class _Diverse:
    """The diverse path of :func:`maximize`: ``group`` images per target pushed apart
    at ``layer`` with ``weight``; ``group`` 1 (off) leaves every step as it was."""

    group: int = 1
    layer: str | None = None
    weight: float = 0.0

    @classmethod
    def checked(
        cls,
        probe: Any,
        kind: str,
        target_layer: Any,
        canvas: Any,
        diverse: Any,
        layer: Any,
        weight: Any,
    ) -> _Diverse:
        """From ``maximize``'s arguments, every one checked; off when ``diverse`` is None."""
        if diverse is None:
            return cls()
        group = div.check_group(diverse)
        chosen = layer or div.default_layer(probe, target_layer if kind != "class" else None)
        div.check_layer(probe, chosen)
        if canvas is not None:
            probe.extractor([chosen], size=canvas)  # fails early if it needs a fixed size
        return cls(group, chosen, checks.positive(weight, "diversity_weight"))

    def rows(self, targets: list[int]) -> list[int]:
        """Each target ``group`` times in a row: the target of every image."""
        return [t for t in targets for _ in range(self.group)]

    def batches(self, make: Any, targets: list[int], batch_size: int) -> list:
        """(objective, batch size, leaked layers) per chunk of at most ``batch_size`` images.

        The dead-ReLU leak is the target's: the penalty reads its layer as the model
        computes it (leaking it too would run that layer a second time each step).
        """
        out = []
        for chunk in _chunks(targets, max(1, batch_size // self.group)):
            rows = self.rows(chunk)
            target = make(rows)
            leak = None
            if self.group > 1:
                leak = target.layers
                target = div.objective(target, self.layer, self.group, self.weight)
            out.append((target, len(rows), leak))
        return out

    def measure(
        self, probe: Any, make: Any, shown: list[int], images: Any, values: Any, canvas: Any
    ) -> tuple[np.ndarray, dict | None]:
        """(each image's own activation, similarity per target); the render's when off."""
        if self.group == 1:
            return values, None
        # the render's values held the penalty too: measure the target alone
        own = evaluate(probe, make(shown), images, canvas)
        return own, div.similarity(probe, images, self.layer, self.group, canvas)

    def parameters(self) -> dict:
        """The sidecar's diversity settings (none when off)."""
        if self.group == 1:
            return {}
        return {
            "diverse": self.group,
            "diversity_layer": self.layer,
            "diversity_weight": self.weight,
        }


def plan_targets(
    probe: Any, layer: Any, filters: Any, classes: Any, size: Any
) -> tuple[str, list[int], Any, tuple[int, int] | None]:
    """Checked targets: (kind, indices, index -> objective, open canvas or None).

    Example:
        >>> from interpret.core.models import resolve
        >>> kind, targets, make, canvas = plan_targets(
        ...     resolve("mnist-cnn").probe, "conv2d", "0-1", None, 40)
        >>> kind, targets, make(targets).name, canvas
        ('filter', [0, 1], 'channel(conv2d, 0-1)', (40, 40))
    """
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
    return kind, targets, make, canvas


def labels_for(probe: Any, kind: str, targets: list[int]) -> list[str]:
    """Short captions: class names, or ``f5`` / ``u5`` for filters and units.

    Example:
        >>> from interpret.core.models import resolve
        >>> labels_for(resolve("cifar10-cnn").probe, "class", [3]), labels_for(None, "unit", [5])
        (['cat'], ['u5'])
    """
    if kind == "class":
        return [probe.class_names[i] for i in targets]
    return [f"{kind[0]}{i}" for i in targets]


def _class_scores(
    probe: Any, kind: str, images: np.ndarray, shown: list[int]
) -> tuple[np.ndarray | None, list[int] | None]:
    """For class targets, each image's probability of its class and the predicted class."""
    if kind != "class":
        return None, None
    probs = probe.predict(images)
    return probs[np.arange(len(shown)), shown].astype("float32"), [
        int(v) for v in probs.argmax(axis=1)
    ]


def _chunks(targets: list[int], size: int) -> list[list[int]]:
    return [targets[i : i + size] for i in range(0, len(targets), size)]


def _render_batches(
    probe: Any,
    batches: list[tuple[obj.Objective, int, Any]],
    s: RenderSettings,
    canvas: tuple[int, int] | None,
    seed: int,
    progress: ProgressSpec,
    frames: list[Frames] | None = None,
) -> tuple[np.ndarray, np.ndarray, float, dict]:
    """Render each (objective, batch size, leak) with seeds seed, seed + 1, ...; images, values, seconds, settings.

    ``frames``: one :class:`Frames` per batch, filled by the renders (an animation).
    """
    images, values, seconds, described, still = [], [], 0.0, {}, []
    with advance(progress, s.steps * len(batches), "rendering") as step:
        for b, (objective, n, leak) in enumerate(batches):
            result = render(
                probe,
                objective,
                batch=n,
                settings=s,
                size=canvas,
                seed=seed + b,
                advance=step,
                frames=frames[b] if frames else None,
                leak=leak,
            )
            images.append(result.images)
            values.append(result.values)
            seconds += result.seconds
            described = result.settings
            still.append((objective.name, result.still))
    _warn_if_still(still)
    return np.concatenate(images), np.concatenate(values), seconds, described


class StillStartWarning(AdviceWarning):
    """Renders that never left their start image: the gradient there is exactly zero."""


def _warn_if_still(batches: list[tuple[str, np.ndarray]]) -> None:
    """One :class:`StillStartWarning` when renders ended exactly at their start image.

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     _warn_if_still([("class_logit([0, 1])", np.array([True, True]))])
        ...     _warn_if_still([("class_logit(2)", np.array([False]))])
        >>> [w.message.message({"init_sd": "--init-sd"}) for w in caught]  # doctest: +ELLIPSIS
        ['the gradient of class_logit([0, 1]) is exactly zero at the start image: 2 of 2 renders stayed at their start; try a start farther from grey (--init-sd, e.g. 0.3), ...]
    """
    import warnings

    stuck = [name for name, still in batches if still is not None and still.any()]
    if not stuck:
        return
    n = sum(int(still.sum()) for _, still in batches)
    total = sum(len(still) for _, still in batches)
    warnings.warn(
        StillStartWarning(
            f"the gradient of {stuck[0]} is exactly zero at the start image: {n} of {total} "
            "renders stayed at their start; try a start farther from grey ({init_sd}, e.g. "
            "0.3), another layer or another target",
            "init_sd",
        ),
        stacklevel=4,
    )


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
    diverse: int | None = None,
    diversity_layer: str | None = None,
    diversity_weight: float = div.DEFAULT_WEIGHT,
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
        diverse: K >= 2 different images per target, pushed apart at ``diversity_layer``
            (default: the conv layer before the target's) with ``diversity_weight``
            (:mod:`interpret.visualize.diversity`).
        **settings: the render's knobs (``steps``, ``lr``, ``param``, the moves, the
            penalties, ``precision``...), each documented once in
            :class:`~interpret.visualize.render.RenderSettings`; activations are always
            measured in float32. Returns the images and the activation each reached.

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
    kind, targets, make, canvas = plan_targets(probe, layer, filters, classes, size)
    spread = _Diverse.checked(
        probe, kind, layer, canvas, diverse, diversity_layer, diversity_weight
    )
    every = _frame_every(animate, frame_every, s.steps)
    found = _find_examples(handle, kind, layer, targets, examples, dataset, data)
    shown = spread.rows(targets)  # each target's K images in a row
    batches = spread.batches(make, targets, batch_size)
    frames = [Frames(every) for _ in batches] if every else None
    images, values, seconds, described = _render_batches(
        probe, batches, s, canvas, seed, progress, frames
    )
    values, similar = spread.measure(probe, make, shown, images, values, canvas)
    probabilities, predicted = _class_scores(probe, kind, images, shown)
    parameters = {
        "targets": kind, "layer": layer, "seed": int(seed),
        "size": list(canvas or probe.input_shape[:2]), "batch_size": batch_size, "examples": examples,
        **({"data": found.source["data"]} if found is not None and found.source else {}),
        **spread.parameters(), **asdict(s), "precision": precision_lib.resolve(s.precision),
    }  # fmt: skip
    return MaximizeResult(
        model=handle.name,
        kind=kind,
        layer=layer,
        targets=shown,
        labels=labels_for(probe, kind, shown),
        objectives=[s.with_penalties(make(i)).name for i in shown],
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
        diverse=spread.group,
        similarity=similar,
    )


def _find_examples(
    handle: Any, kind: str, layer: str | None, targets: list, examples: int, dataset: Any, data: Any
) -> Any:
    """The top ``examples`` data-set images per target (None when ``examples`` is 0)."""
    if data is not None and not examples:
        raise UserError(
            "{data} is searched for dataset examples; add {examples} (e.g. 9)", "data", "examples"
        )
    if not examples:
        return None
    ex_data = load_examples_data(handle, dataset, data=data)
    return examples_from(
        handle.probe, kind, layer, targets, ex_data, "test", examples, own=data is not None
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
        row, copy = divmod(i, result.diverse)
        if result.examples is not None:
            figures["best_example_activation"] = float(result.examples.scores[row, 0])
            figures["example_indices"] = [int(v) for v in result.examples.indices[row]]
        if result.similarity is not None:
            figures.update({f"similarity_{k}": float(v[row]) for k, v in result.similarity.items()})
        if result.kind == "class":
            name = f"class-{target}-{result.labels[i]}"
        else:
            name = f"{result.layer}-{result.labels[i]}"
        if result.diverse > 1:
            name += f"-d{copy}"
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
    span = _span(result.targets[:: result.diverse])
    grid_name = f"grid-{'class' if result.kind == 'class' else result.layer}-{span}"
    if result.diverse > 1:
        grid_name += f"-diverse{result.diverse}"
    if result.examples is not None:
        grid_name += "-examples"
    figures = {
        "activation_mean": float(result.activations.mean()),
        "activations": [float(v) for v in result.activations],
        "seconds": float(result.seconds),
    }
    if result.probabilities is not None:
        figures["probability_min"] = float(result.probabilities.min())
    if result.similarity is not None:
        figures.update(
            {f"similarity_{k}": [float(x) for x in v] for k, v in result.similarity.items()}
        )
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
    images, titles, cols = _grid_cells(result, captions)
    if result.diverse > 1:
        title += f"; {result.diverse} diverse images per row"
    if result.examples is not None:
        k = result.examples.images.shape[1]
        title += f"; right: top {k} {result.examples.caption} images"
    fig, _ = image_grid(images, titles=titles, cols=cols, cell=1.1, suptitle=title)
    return fig


def _grid_cells(result: MaximizeResult, captions: list[str]) -> tuple[list, list, int | None]:
    """The grid's images, titles and columns: per target its renders, then its examples."""
    k = 0 if result.examples is None else result.examples.images.shape[1]
    if k == 0 and result.diverse == 1:
        return list(result.images), captions, None
    images, titles = [], []
    for row in range(len(result.targets) // result.diverse):
        for i in range(row * result.diverse, (row + 1) * result.diverse):
            images.append(result.images[i])
            titles.append(captions[i])
        for j in range(k):
            images.append(result.examples.images[row, j])
            titles.append(f"{result.examples.scores[row, j]:.2f}")
    return images, titles, result.diverse + k


def _span(targets: list[int]) -> str:
    if targets == list(range(targets[0], targets[0] + len(targets))):
        return f"{targets[0]}-{targets[-1]}" if len(targets) > 1 else str(targets[0])
    text = ",".join(str(t) for t in targets)
    return text if len(text) <= 40 else f"{len(targets)}-targets"
