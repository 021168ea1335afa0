"""Two models side by side: what a standard and a robust model see, one sheet per view.

``compare(model_a, model_b)`` puts two models that read the same images (a standard
model and its adversarially trained twin, typically) next to each other:

* ``classes``: a class visualization of every class from each model, and how often
  the *other* model classifies each render as its class (perceptual alignment: a
  robust model's class images look like the class, so its twin agrees with them);
* ``filters``: the first conv layer's kernels of each;
* ``saliency``: the input gradient of the true class's logit on the same test images;
* ``fooling``: an image from noise for every class, made until each model is sure;
* ``robustness``: PGD accuracy against eps of both, on the same test images.

It lives at the top of the package, beside :mod:`interpret.model_report`, because it
composes views from several subpackages (visualize, inspect, attacks), none of which
may import the others.

Example:
    >>> from interpret.model_compare import compare
    >>> cmp = compare("mnist-cnn", "mnist-cnn-robust", parts="classes", steps=16)  # doctest: +SKIP
    >>> sorted(cmp.figures["classes"])  # doctest: +SKIP
    ['a_renders_by_b', 'b_renders_by_a', ...]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpret.core import checks
from interpret.core.errors import UserError
from interpret.core.progress import ProgressSpec, advance
from interpret.gallery.inline import ShowsInline
from interpret.gallery.sheet import Sheet
from interpret.gallery.store import Artifact, Gallery

PARTS = ("classes", "filters", "saliency", "fooling", "robustness")
EPS = {
    "mnist": (0.0, 0.05, 0.1, 0.2, 0.3),
    "cifar10": (0.0, 1 / 255, 2 / 255, 4 / 255, 8 / 255, 16 / 255),
}
DEFAULT_EPS = (0.0, 0.01, 0.02, 0.05, 0.1)
# Class renders start this far from grey (maximize's own default is 0.01): an adversarially
# trained MNIST model's first-layer ReLUs are all off on a near-uniform image, so a render of
# it starting near grey never moves (its gradient is exactly zero); both models of a pair
# start alike.
INIT_SD = 0.3


@dataclass
class Comparison(ShowsInline):
    """The sheets of one comparison, and the numbers each shows (by part)."""

    models: tuple[str, str]
    sheets: list[Sheet]
    figures: dict[str, dict] = field(default_factory=dict)
    seconds: float = 0.0

    def save(self, gallery: str | Gallery | None = None) -> list[Artifact]:
        """Write every sheet (PNG + sidecar) into ``gallery/A-vs-B/compare/``.

        Example:
            >>> arts = cmp.save("/tmp/demo-gallery")  # doctest: +SKIP
        """
        g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
        return [art for sheet in self.sheets for art in sheet.save(g)]

    def inline_view(self) -> Any:
        """In a notebook: the sheets one above the other (each also shows on its own).

        Example:
            >>> cmp.inline_view().shape  # doctest: +SKIP
            (2710, 1250, 3)
        """
        import io

        from PIL import Image

        from interpret.gallery.store import figure_png_bytes

        pages = [
            np.asarray(Image.open(io.BytesIO(figure_png_bytes(s.figure))).convert("RGB"))
            for s in self.sheets
        ]
        width = max(p.shape[1] for p in pages)
        padded = [
            np.pad(p, ((0, 0), (0, width - p.shape[1]), (0, 0)), constant_values=255) for p in pages
        ]
        return np.concatenate(padded, axis=0)


def agreement(probe: Any, images: np.ndarray, classes: Sequence[int]) -> float:
    """The fraction of ``images`` that ``probe`` classifies as their ``classes``.

    Example:
        >>> from interpret.core.models import resolve
        >>> probe, black = resolve("mnist-cnn").probe, np.zeros((2, 28, 28, 1), "float32")
        >>> int(probe.predict(black).argmax(1)[0]), agreement(probe, black, [0, 1])
        (1, 0.5)
    """
    pred = probe.predict(np.asarray(images, np.float32)).argmax(1)
    return float(np.mean(pred == np.asarray(classes)))


def _pair(model_a: Any, model_b: Any) -> tuple[Any, Any]:
    from interpret.core.models import resolve

    a, b = resolve(model_a), resolve(model_b)
    pa, pb = a.probe, b.probe
    if pa.input_shape != pb.input_shape or pa.n_classes != pb.n_classes:
        raise UserError(
            f"{a.name} takes {pa.input_shape} images into {pa.n_classes} classes but {b.name} "
            f"{pb.input_shape} into {pb.n_classes}; compare two models of the same task"
        )
    return a, b


def _rows_figure(
    rows: list[tuple[str, list, Any]], title: str, wrap: int = 16, **imshow: Any
) -> Any:
    """A figure of labelled rows of images (one row per model, or images + maps), wrapped at ``wrap``."""
    from interpret.gallery.style import new_figure, show_image

    lines = []  # (label, images, titles) per drawn line; a long row continues unlabelled
    for label, images, titles in rows:
        for start in range(0, max(1, len(images)), wrap):
            part = slice(start, start + wrap)
            lines.append(
                (label if start == 0 else "", images[part], titles[part] if titles else None)
            )
    cols = max(len(images) for _, images, _ in lines)
    fig, axes = new_figure(1.25 * cols + 1.2, 1.45 * len(lines) + 0.5, nrows=len(lines),
                           ncols=cols, squeeze=False)  # fmt: skip
    for r, (label, images, titles) in enumerate(lines):
        for c in range(cols):
            if c < len(images):
                show_image(axes[r, c], images[c], titles[c] if titles else None, **imshow)
            else:
                axes[r, c].axis("off")
        axes[r, 0].set_ylabel(label, fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def _sheet(a: Any, b: Any, part: str, fig: Any, parameters: dict, figures: dict,
           notes: Sequence[str] = ()) -> Sheet:  # fmt: skip
    return Sheet(
        figure=fig,
        technique="compare",
        name=f"{part}",
        parameters={"models": [a.name, b.name], **parameters},
        figures=figures,
        notes=list(notes),
        model=f"{a.name}-vs-{b.name}",
        model_info={"models": [a.describe(), b.describe()]},
    )


def class_renders(
    handle: Any,
    classes: list[int],
    steps: int,
    seed: int,
    init_sd: float = INIT_SD,
    **settings: Any,
) -> np.ndarray:
    """One class visualization per class (:func:`interpret.visualize.maximize.maximize`'s
    defaults, but a start of spread ``init_sd`` around grey: see :data:`INIT_SD`; other
    render ``settings`` too).

    Example:
        >>> from interpret.core.models import resolve
        >>> class_renders(resolve("mnist-cnn"), [3], 4, 0).shape
        (1, 28, 28, 1)
    """
    from interpret.visualize.maximize import maximize

    return maximize(
        handle, classes=classes, steps=steps, seed=seed, init_sd=init_sd, **settings
    ).images


def _classes(a: Any, b: Any, o: dict) -> Sheet:
    classes = a.probe.class_indices(o["classes"])
    ra, rb = (class_renders(h, classes, o["steps"], o["seed"], o["init_sd"]) for h in (a, b))
    pa, pb = a.probe.predict(ra), b.probe.predict(rb)
    cross_a, cross_b = b.probe.predict(ra), a.probe.predict(rb)
    names = [a.probe.class_names[c] for c in classes]
    figures = {
        "a_renders_by_a": agreement(a.probe, ra, classes),
        "b_renders_by_b": agreement(b.probe, rb, classes),
        "a_renders_by_b": agreement(b.probe, ra, classes),
        "b_renders_by_a": agreement(a.probe, rb, classes),
    }

    def titles(own: np.ndarray, other: np.ndarray) -> list[str]:
        return [
            f"{n}\n{own[i, c]:.2f} | {other[i, c]:.2f}"
            for i, (n, c) in enumerate(zip(names, classes))
        ]

    rows = [(a.name, list(ra), titles(pa, cross_a)), (b.name, list(rb), titles(pb, cross_b))]
    fig = _rows_figure(rows, (
        f"class visualizations; p(class) by itself | by the other model. "
        f"{a.name}'s renders read as their class by {b.name}: {figures['a_renders_by_b']:.0%}, "
        f"{b.name}'s by {a.name}: {figures['b_renders_by_a']:.0%}"
    ))  # fmt: skip
    params = {"classes": classes, "steps": o["steps"], "init_sd": o["init_sd"], "seed": o["seed"]}
    return _sheet(a, b, "classes", fig, params, figures)


def _kernel_images(probe: Any) -> tuple[str, list[np.ndarray]]:
    """The first drawable layer's kernels (a conv layer's, or a dense layer's image templates)."""
    from interpret.inspect.kernels import kernel_layers, kernel_weights, rgb_display

    layers = kernel_layers(probe)
    if not layers:
        raise UserError(f"{probe.name} has no layer whose kernels can be drawn")
    kind, kernel, _ = kernel_weights(probe, layers[0])
    if kind != "conv":  # a dense layer on the image: each unit's weights are an image
        kernel = kernel.reshape(*probe.input_shape, -1)
    kernel = kernel[..., :3, :]
    limit = float(np.abs(kernel).max()) or 1.0
    images = [rgb_display(kernel[..., i], limit) for i in range(min(kernel.shape[-1], 32))]
    return layers[0], images


def _filters(a: Any, b: Any, o: dict) -> Sheet:
    (la, ka), (lb, kb) = _kernel_images(a.probe), _kernel_images(b.probe)
    rows = [(f"{a.name}\n{la}", ka, None), (f"{b.name}\n{lb}", kb, None)]
    fig = _rows_figure(rows, "first layer's kernels (grey = 0, one scale per model)")
    return _sheet(a, b, "filters", fig, {"layers": [la, lb]}, {"shown": len(ka)})


def _test_images(a: Any, n: int, o: dict) -> tuple[np.ndarray, np.ndarray, str]:
    """The first ``n`` labelled images: of the person's ``data``, else of a test set."""
    from interpret.attacks.report import attack_images

    x, y, info = attack_images(a, n, o["dataset"], o["data"])
    x, y = checks.images(a.probe, x, y)
    return x, y, "; ".join([info["data_source"], *info.get("data_notes", [])])


def saliency(probe: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """|d logit_y / d x|, max over channels, scaled to [0, 1] per image (99th percentile).

    Example:
        >>> saliency(resolve("mnist-cnn").probe, x, y).shape  # doctest: +SKIP
        (8, 28, 28)
    """
    from interpret.core import objectives as obj
    from interpret.core.grad import Gradient

    _, g = Gradient(probe, obj.class_logit)(x, targets=y)
    maps = np.abs(g).max(-1)
    top = np.percentile(maps.reshape(len(maps), -1), 99, axis=1).reshape(-1, 1, 1)
    return np.clip(maps / np.maximum(top, 1e-12), 0, 1)


def _saliency(a: Any, b: Any, o: dict) -> Sheet:
    x, y, source = _test_images(a, o["images"], o)
    names = [a.probe.class_names[c] for c in y]
    rows = [("image", list(x), names)]
    rows += [(h.name, list(saliency(h.probe, x, y)), None) for h in (a, b)]
    fig = _rows_figure(rows, "saliency: |gradient of the true class's logit| on the same test images",
                       cmap="inferno")  # fmt: skip
    return _sheet(a, b, "saliency", fig, {"images": len(x), "data": source}, {})


def _fooling(a: Any, b: Any, o: dict) -> Sheet:
    from interpret.attacks.fooling import fool

    classes = a.probe.class_indices(o["classes"])
    results = [fool(h, classes, steps=o["fool_steps"], seed=o["seed"]) for h in (a, b)]
    rows = [
        (h.name, list(r.images), [f"{n}\n{c:.3f}" for n, c in zip(r.class_names, r.confidence)])
        for h, r in zip((a, b), results)
    ]
    figures = {f"{k}_reached": float(np.mean(r.reached)) for k, r in zip("ab", results)}
    fig = _rows_figure(rows, (
        f"fooling images from noise ({o['fool_steps']} signed steps at most); confidence in the class. "
        f"Reached {results[0].threshold}: {figures['a_reached']:.0%} vs {figures['b_reached']:.0%}"
    ))  # fmt: skip
    return _sheet(a, b, "fooling", fig, {"classes": classes, **results[0].parameters}, figures)


def robust_curve(
    handle: Any, x: np.ndarray, y: np.ndarray, eps: Sequence[float], seed: int
) -> list[float]:
    """PGD-20 accuracy (step eps / 4, random start) over all of ``x`` at each eps.

    Example:
        >>> robust_curve(resolve("mnist-cnn"), x, y, [0.0, 0.1], 0)  # doctest: +SKIP
        [0.99, 0.62]
    """
    from interpret.attacks.run import evaluate_attack

    clean = agreement(handle.probe, x, y)
    out = []
    for e in eps:
        if e == 0 or clean == 0:  # no image right: nothing to attack, robust accuracy is 0 too
            out.append(clean)
            continue
        ev = evaluate_attack(
            handle, x, y, method="pgd", eps=e, steps=20, step_size=e / 4, seed=seed
        )
        out.append(ev.rows[0].robust / ev.n)
    return out


def _robustness(a: Any, b: Any, o: dict) -> Sheet:
    from interpret.gallery.style import new_figure

    x, y, source = _test_images(a, o["attack_images"], o)
    eps = list(o["eps"] or EPS.get(a.dataset, DEFAULT_EPS))
    curves = {h.name: robust_curve(h, x, y, eps, o["seed"]) for h in (a, b)}
    fig, ax = new_figure(6, 3.8)
    for name, acc in curves.items():
        ax.plot(eps, acc, marker="o", label=name)
    ax.set_xlabel("eps (Linf, [0, 1] pixels)")
    ax.set_ylabel("accuracy under PGD-20")
    ax.set_ylim(0, 1)
    ax.legend()
    ax.set_title(f"robust accuracy on {len(x)} test images")
    fig.tight_layout()
    params = {"eps": eps, "attack": "pgd", "steps": 20, "step_size": "eps / 4", "images": len(x),
              "data": source, "seed": o["seed"]}  # fmt: skip
    return _sheet(a, b, "robustness", fig, params, {"accuracy": curves})


BUILDERS = {
    "classes": _classes,
    "filters": _filters,
    "saliency": _saliency,
    "fooling": _fooling,
    "robustness": _robustness,
}


def compare(
    model_a: Any,
    model_b: Any = None,
    *,
    parts: Any = "all",
    classes: Any = "all",
    steps: int = 256,
    init_sd: float = INIT_SD,
    images: int = 8,
    fool_steps: int = 300,
    attack_images: int = 200,
    eps: Sequence[float] | None = None,
    data: Any = None,
    dataset: str | None = None,
    seed: int = 0,
    progress: ProgressSpec = None,
) -> Comparison:
    """Compare ``model_a`` with ``model_b`` (default: its robust or standard zoo twin), view by view.

    Args:
        model_a, model_b: zoo names, .keras paths or Keras models of the same task.
        parts: ``"all"`` or some of :data:`PARTS` (a list or ``"classes,fooling"``).
        classes: the classes rendered and fooled (``"all"``, ``"0-4"``, names...).
        steps: render steps of each class visualization.
        init_sd: spread of each render's random start around grey (see :data:`INIT_SD`).
        images: test images of the saliency sheet.
        fool_steps: most signed steps of each fooling image.
        attack_images: test images of the robustness curve.
        eps: the curve's budgets (default by data set: MNIST up to 0.3, CIFAR-10 up to 16/255).
        data: the saliency sheet's and the curve's images from a person's own labelled
            data (an .npz file, a folder of class folders or ``(x, y)`` arrays), fitted to
            ``model_a``'s input; by default ``model_a``'s test set (or ``dataset``'s).
        dataset: the test set (``mnist``, ``cifar10``) of models whose cards name none.
        seed: seeds the renders, fooling noise and PGD starts.
        progress: ``True`` for a bar on stderr (one tick per part), or a factory.

    Example: see the module docstring.
    """
    import time

    chosen = _parts(parts)
    o = {
        "classes": classes, "steps": checks.positive_int(steps, "steps"),
        "init_sd": checks.non_negative(init_sd, "init_sd"),
        "images": checks.positive_int(images, "images"), "seed": int(seed),
        "fool_steps": checks.positive_int(fool_steps, "fool_steps"),
        "attack_images": checks.positive_int(attack_images, "attack_images"),
        "eps": None if eps is None else [checks.non_negative(e, "eps", maximum=1.0) for e in eps],
        "data": data, "dataset": dataset,
    }  # fmt: skip
    a, b = _pair(model_a, model_b if model_b is not None else _twin_of(model_a))
    a.probe.class_indices(classes)
    if data is not None:  # read and checked once, before any part runs
        from interpret.data.user import load_user_data

        o["data"] = load_user_data(data, a, labels=True)
    elif {"saliency", "robustness"} & set(chosen):
        _test_images(a, 1, o)  # a model with no known data set fails here, not mid-way
    started = time.perf_counter()
    sheets = []
    with advance(progress, len(chosen), f"comparing {a.name} and {b.name}") as step:
        for part in chosen:
            sheets.append(BUILDERS[part](a, b, o))
            step(1)
    figures = {s.name: s.figures for s in sheets}
    return Comparison((a.name, b.name), sheets, figures, time.perf_counter() - started)


def _parts(parts: Any) -> list[str]:
    if parts is None or parts == "all":
        return list(PARTS)
    items = parts.split(",") if isinstance(parts, str) else list(parts)
    chosen = [checks.choice(p, PARTS, "parts", "comparison part") for p in items]
    if not chosen:
        raise UserError(f"give at least one of {', '.join(PARTS)} in {{parts}}", "parts")
    return chosen


def _twin_of(model: Any) -> str:
    from interpret import zoo

    twin = zoo.twin(model) if isinstance(model, str) and model in zoo.names() else None
    if twin is None:
        raise UserError(
            f"{model} has no zoo twin; give the second model to compare it with", "model_b"
        )
    return twin
