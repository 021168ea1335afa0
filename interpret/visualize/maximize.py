"""Activation maximization: the images a filter, a unit or a class responds to most.

:func:`maximize` turns targets (filters of a layer, or classes) into one batched
objective, renders them with :func:`interpret.visualize.render.render`, and measures the
activation each image reached. :func:`dataset_examples` finds the test-set
images that excite the same targets most, for comparison.

Example:
    >>> import interpret
    >>> res = interpret.maximize("cifar10-cnn", "conv2d_2", "0-11", seed=0)  # doctest: +SKIP
    >>> res.images.shape, res.activations.shape  # doctest: +SKIP
    ((12, 32, 32, 3), (12,))
    >>> res = interpret.maximize("cifar10-cnn", classes=["cat", 5])  # doctest: +SKIP
    >>> res.probabilities  # doctest: +SKIP
    array([0.9999, 0.9998], dtype=float32)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpret._fast import precision as precision_lib
from interpret.core import objectives as obj
from interpret.core.errors import UserError
from interpret.visualize import transforms as T

# defaults shared by the API and the CLI (chosen to work on all three zoo models)
DEFAULTS: dict[str, Any] = {
    "steps": 256,
    "lr": 0.05,
    "param": "fourier",
    "decorrelate": True,
    "jitter": None,  # None: canvas / 16 pixels
    "scale": 0.05,
    "rotate": 0.0,
    "tv": 0.0,
    "l2": 0.0,
    "blur": 0.0,
    "leak": 0.1,
    "warmup": 0.8,
    "batch_size": 64,
    "precision": "auto",
}


@dataclass
class Examples:
    """The data-set images that excite each target most (best first)."""

    images: np.ndarray  # (targets, k, H, W, C) float32 [0, 1]
    scores: np.ndarray  # (targets, k) the target's activation on each
    indices: np.ndarray  # (targets, k) positions in the split
    dataset: str
    split: str


@dataclass
class MaximizeResult:
    """What :func:`maximize` returns; ``images[i]`` is the render for ``targets[i]``."""

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
    extra: dict = field(default_factory=dict)


def _int_list(spec: Any, upper: int, what: str, check: Callable[[int], None]) -> list[int]:
    from interpret.core.specs import parse_int_list

    if spec is None or (isinstance(spec, str) and spec.strip() == "all"):
        return list(range(upper))
    if isinstance(spec, str):
        items = parse_int_list(spec, 10**9, what)
    elif isinstance(spec, (int, np.integer)):
        items = [int(spec)]
    else:
        items = [int(v) for v in spec]
    if not items:
        raise UserError(f"no {what}s given")
    for i in items:
        check(i)
    return list(dict.fromkeys(items))


def _size(size: Any) -> tuple[int, int] | None:
    if size is None:
        return None
    pair = (size, size) if isinstance(size, (int, np.integer)) else tuple(size)
    if len(pair) != 2 or any(int(v) <= 0 for v in pair):
        raise UserError(f"size must be a positive number of pixels, got {size}")
    return int(pair[0]), int(pair[1])


def load_examples_data(handle: Any, dataset: Any, split: str = "test") -> tuple[np.ndarray, str]:
    """The images to search for dataset examples: float32 [0, 1] NHWC, and their name.

    ``dataset`` is a data-set name (``"mnist"``, ``"cifar10"``), an array of images
    (uint8 0-255 or float 0-1), or ``None`` for the data set the model's card names.

    Example:
        >>> x, name = load_examples_data(resolve("mnist-cnn"), None)  # doctest: +SKIP
        >>> name, x.shape  # doctest: +SKIP
        ('mnist', (10000, 28, 28, 1))
    """
    from interpret.data import datasets as data

    if dataset is None:
        dataset = handle.dataset
        if dataset is None:
            raise UserError(
                f"model {handle.name} does not say which data set it was trained on; "
                f"pass --dataset ({', '.join(data.names())})"
            )
    if isinstance(dataset, str):
        # the full data set when available, else the sample that ships with the package
        ds = data.load_test_images(dataset) if split == "test" else data.load(dataset)
        x, _ = ds.split(split)
        name = dataset
    else:
        x, name = np.asarray(dataset), "array"
    if x.ndim == 3:
        x = x[..., None]
    shape = tuple(handle.probe.input_shape)
    if x.ndim != 4 or tuple(x.shape[1:]) != shape:
        raise UserError(
            f"data set {name} has images of shape {tuple(x.shape[1:])}; {handle.name} takes {shape}"
        )
    x = x.astype("float32") / 255.0 if x.dtype == np.uint8 else x.astype("float32")
    return x, name


def _scores(
    probe: Any, kind: str, layer: str | None, targets: list[int], x: np.ndarray, batch: int = 500
) -> np.ndarray:
    """(N, targets) activation of each target on each image (same measure as the renders)."""
    from interpret._tf import tf

    f = probe.extractor([] if kind == "class" else [layer], logits=kind == "class")
    idx = np.asarray(targets)
    out = []
    for i in range(0, len(x), batch):
        a = f(x[i : i + batch], training=False)
        a = a[0] if isinstance(a, (list, tuple)) else a
        if len(a.shape) == 4:
            a = tf.reduce_mean(a, axis=(1, 2))
        out.append(np.asarray(a)[:, idx])
    return np.concatenate(out) if out else np.zeros((0, len(targets)), "float32")


def dataset_examples(
    model: Any,
    layer: str | None,
    targets: Sequence[int],
    *,
    k: int = 9,
    dataset: Any = None,
    kind: str | None = None,
    split: str = "test",
) -> Examples:
    """The ``k`` data-set images that excite each target most (filters, units or classes).

    A filter's activation is its channel mean, a unit's its value, a class's its
    logit: the same numbers :func:`maximize` reports for its renders.

    Example:
        >>> ex = dataset_examples("cifar10-cnn", "conv2d_2", [0, 1], k=9)  # doctest: +SKIP
        >>> ex.images.shape  # doctest: +SKIP
        (2, 9, 32, 32, 3)
    """
    from interpret.core.models import resolve

    handle = resolve(model)
    probe = handle.probe
    if kind is None:
        kind = "class" if layer is None else probe.layer(layer).kind
        kind = {"spatial": "filter", "units": "unit"}.get(kind, kind)
    if int(k) <= 0:
        raise UserError(f"examples must be greater than 0, got {k}")
    x, name = load_examples_data(handle, dataset, split)
    return _examples_from(probe, kind, layer, list(targets), x, name, split, int(k))


def _examples_from(probe, kind, layer, targets, x, name, split, k) -> Examples:
    scores = _scores(probe, kind, layer, targets, x)
    k = min(k, len(x))
    order = np.argsort(-scores, axis=0, kind="stable")[:k].T  # (targets, k)
    top = np.take_along_axis(scores.T, order, axis=1)
    return Examples(images=x[order], scores=top, indices=order, dataset=name, split=split)


def maximize(
    model: Any,
    layer: str | None = None,
    filters: Any = None,
    *,
    classes: Any = None,
    steps: int = DEFAULTS["steps"],
    lr: float = DEFAULTS["lr"],
    seed: int = 0,
    size: Any = None,
    param: str = DEFAULTS["param"],
    decorrelate: bool = DEFAULTS["decorrelate"],
    jitter: int | None = DEFAULTS["jitter"],
    scale: float = DEFAULTS["scale"],
    rotate: float = DEFAULTS["rotate"],
    tv: float = DEFAULTS["tv"],
    l2: float = DEFAULTS["l2"],
    blur: float = DEFAULTS["blur"],
    leak: float = DEFAULTS["leak"],
    warmup: float = DEFAULTS["warmup"],
    examples: int = 0,
    dataset: Any = None,
    batch_size: int = DEFAULTS["batch_size"],
    precision: str = DEFAULTS["precision"],
    progress: Callable[[int], None] | None = None,
) -> MaximizeResult:
    """Render the images that maximise filters/units of ``layer``, or output ``classes``.

    Args:
        model: zoo name, .keras path, Keras model or ModelHandle.
        layer: layer name (filters of a conv layer, units of a dense layer).
        filters: index, list, ``"0-11"``, ``"1,5,9"`` or ``"all"``/None (every one).
        classes: instead of a layer: class index/name, list of them, or ``"all"``.
        steps, lr, seed: Adam steps, learning rate, random seed.
        size: canvas side (or (H, W)) for conv layers; default the model's input.
        param, decorrelate: ``"fourier"``/``"pixel"`` and RGB colour decorrelation.
        jitter, scale, rotate: the in-graph transforms (pixels, fraction, degrees;
            rotation is off by default, see :func:`interpret.visualize.transforms.default`).
        tv, l2, blur: weights of the total-variation, L2 and blur penalties.
        leak, warmup: the dead-ReLU fix (see :mod:`interpret.visualize.render`).
        examples: also find this many top data-set images per target (0: none).
        dataset: data set for ``examples`` (default: the one on the model's card).
        batch_size: images optimised together per compiled loop.
        precision: ``"auto"``, ``"float32"`` or ``"bfloat16"``: the loop's arithmetic
            (see :mod:`interpret._fast.precision`); activations are measured in float32.
        progress: called with the number of steps done after each chunk.

    Returns:
        A :class:`MaximizeResult` with the images and the activation each reached.

    Example:
        >>> r = maximize("mnist-cnn", "conv2d_1", [0, 5, 9], steps=128)  # doctest: +SKIP
        >>> r.labels  # doctest: +SKIP
        ['f0', 'f5', 'f9']
    """
    from interpret.core.models import resolve
    from interpret.visualize.render import render

    handle = resolve(model)
    probe = handle.probe
    # ---- validate everything before any work --------------------------------
    if int(steps) <= 0:
        raise UserError(f"steps must be greater than 0, got {steps}")
    if not float(lr) > 0:
        raise UserError(f"learning rate must be greater than 0, got {lr}")
    if int(batch_size) <= 0:
        raise UserError(f"batch size must be greater than 0, got {batch_size}")
    if int(examples) < 0:
        raise UserError(f"examples must be 0 or more, got {examples}")
    used = precision_lib.resolve(precision)
    for value, what in (
        (tv, "tv"),
        (l2, "l2"),
        (blur, "blur"),
        (leak, "leak"),
        (scale, "scale"),
        (rotate, "rotate"),
        (warmup, "warmup"),
    ):
        if float(value) < 0:
            raise UserError(f"{what} must be 0 or more, got {value}")
    if jitter is not None and int(jitter) < 0:
        raise UserError(f"jitter must be 0 or more, got {jitter}")
    if float(scale) > 0.5:  # zooms by up to 1 +- scale; near 1 the image vanishes
        raise UserError(f"scale must be at most 0.5 (a zoom of +-50%), got {scale}")
    if float(rotate) > 45:  # the two-pass resampling is made for small rotations
        raise UserError(f"rotate must be at most 45 degrees, got {rotate}")
    canvas = _size(size)
    if classes is not None:
        if layer is not None or filters is not None:
            raise UserError("give either a layer (and filters) or classes, not both")
        if canvas is not None and canvas != tuple(probe.input_shape[:2]):
            raise UserError(
                f"class targets need the model's own {probe.input_shape[0]}x{probe.input_shape[1]} "
                "input; drop --size for class targets"
            )
        kind = "class"
        targets = probe.class_indices(classes)

        def make(i):
            return obj.class_logit(i)

        labels = [probe.class_names[i] for i in targets]
    else:
        if layer is None:
            raise UserError(f"give a layer (one of: {', '.join(probe.layer_names)}) or classes")
        info = probe.layer(layer)
        probe.check_filter(layer, 0)  # a layer with no filter/unit axis fails here
        kind = "filter" if info.kind == "spatial" else "unit"
        targets = _int_list(filters, info.size, kind, lambda i: probe.check_filter(layer, i))
        if canvas is not None and kind == "unit" and canvas != tuple(probe.input_shape[:2]):
            raise UserError(
                f"layer {layer} needs the model's fixed {probe.input_shape[0]}x{probe.input_shape[1]} "
                "input; --size works for conv layers only"
            )

        def make(i):
            return obj.channel(layer, i) if kind == "filter" else obj.neuron(layer, i)

        labels = [f"{'f' if kind == 'filter' else 'u'}{i}" for i in targets]
    if canvas == tuple(probe.input_shape[:2]):
        canvas = None
    if canvas is not None:
        probe.extractor([layer], size=canvas)  # fails early if the layer needs a fixed size
    ex_data = load_examples_data(handle, dataset) if examples else None

    def with_prior(main: obj.Objective) -> obj.Objective:
        total = main
        if tv:
            total = total - float(tv) * obj.total_variation()
        if l2:
            total = total - float(l2) * obj.lp(2)
        if blur:
            total = total - float(blur) * obj.blur()
        return total

    side = max(canvas or probe.input_shape[:2])
    pipeline = T.default(side, jitter, float(scale), float(rotate))
    parameters = {
        "targets": kind,
        "layer": layer,
        "steps": int(steps),
        "lr": float(lr),
        "seed": int(seed),
        "size": list(canvas or probe.input_shape[:2]),
        "param": param,
        "decorrelate": bool(decorrelate),
        "jitter": jitter,
        "scale": float(scale),
        "rotate": float(rotate),
        "tv": float(tv),
        "l2": float(l2),
        "blur": float(blur),
        "leak": float(leak),
        "warmup": float(warmup),
        "batch_size": int(batch_size),
        "examples": int(examples),
        "precision": used,
    }
    # ---- render, one batch of targets at a time ---------------------------------
    images, values, seconds, settings = [], [], 0.0, {}
    for b, start in enumerate(range(0, len(targets), int(batch_size))):
        chunk = targets[start : start + int(batch_size)]
        target = make(chunk)
        result = render(
            probe,
            with_prior(target),
            batch=len(chunk),
            size=canvas,
            param=param,
            decorrelate=decorrelate,
            transforms=pipeline,
            steps=int(steps),
            lr=float(lr),
            seed=int(seed) + b,
            leak=float(leak),
            warmup=float(warmup),
            progress=progress,
            precision=used,
            score=target,  # the activation reached, without the regularisers
        )
        images.append(result.images)
        values.append(result.values)
        seconds += result.seconds
        settings = result.settings
    images_arr = np.concatenate(images)
    probabilities = predicted = None
    if kind == "class":
        probs = probe.predict(images_arr)
        probabilities = probs[np.arange(len(targets)), targets].astype("float32")
        predicted = [int(v) for v in probs.argmax(axis=1)]
    found = None
    if ex_data is not None:
        found = _examples_from(
            probe, kind, layer, targets, ex_data[0], ex_data[1], "test", int(examples)
        )
    return MaximizeResult(
        model=handle.name,
        kind=kind,
        layer=layer,
        targets=targets,
        labels=labels,
        objectives=[with_prior(make(i)).name for i in targets],
        images=images_arr,
        activations=np.concatenate(values),
        probabilities=probabilities,
        predicted=predicted,
        seconds=seconds,
        parameters=parameters,
        settings={**settings, "seed": int(seed)},
        examples=found,
    )


def save(result: MaximizeResult, gallery: Any, described: dict | None = None) -> list:
    """Write one PNG + sidecar per target and one labelled grid; return the artifacts.

    Example:
        >>> save(maximize("mnist-cnn", classes="all"), "gallery")  # doctest: +SKIP
    """
    from interpret.gallery.store import Gallery
    from interpret.gallery.style import image_grid

    gallery = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
    described = described or {}

    arts = []
    base = {
        **described,
        "seed": result.parameters["seed"],
        "parameters": result.parameters,
        "settings": result.settings,
        "layer": result.layer,
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
        arts.append(
            gallery.save_image(
                result.images[i], model=result.model, technique="maximize", name=name, meta=meta
            )
        )
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
        title += f"; right: top {k} {result.examples.dataset} {result.examples.split} images"
    fig, _ = image_grid(images, titles=titles, cols=cols, cell=1.1, suptitle=title)
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


def _span(targets: list[int]) -> str:
    if targets == list(range(targets[0], targets[0] + len(targets))):
        return f"{targets[0]}-{targets[-1]}" if len(targets) > 1 else str(targets[0])
    text = ",".join(str(t) for t in targets)
    return text if len(text) <= 40 else f"{len(targets)}-targets"
