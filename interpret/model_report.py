"""``interpret report``: one command that opens a whole model up, section by section.

Sections, in order: the model's summary, its training curves, data samples,
first-layer kernels, feature maps of a test image, activation maximization of every
filter of every conv layer (with dataset examples) and of every class, fooling images
for every class, an attack robustness curve, attribution maps of a few test images by
every method that applies, a DeepDream of the shipped photo, diverse renders of the
last layer's first filters, feature inversion of a test image at every conv layer, MACO
renders with their alpha maps, which attribution methods can be trusted (``trust``:
faithfulness beside chance, sanity checks, a ranked verdict), for a zoo model with a
standard or robust twin the two side by side (:mod:`interpret.model_compare`); then the
gallery's ``index.html``. Sections that do not apply (DeepDream on a model with
no conv layer) are skipped with the reason. Every section's wall time is recorded.

Example:
    >>> from interpret.model_report import report
    >>> out = report("mnist-cnn", gallery="/tmp/demo-gallery", quick=True)  # every section: too slow for a doctest  # doctest: +SKIP
    >>> [s.name for s in out.sections][:3]  # doctest: +SKIP
    ['summary', 'training', 'samples']
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interpret.core.errors import UserError
from interpret.core.progress import ProgressSpec
from interpret.gallery.store import Artifact, Gallery, atomic_write_json

# Full settings, and the quick ones used by the tests, CI and `--quick`.
SETTINGS: dict[str, dict[str, Any]] = {
    "full": {
        "maximize_steps": 256,
        "examples": 6,
        "dense_units": 16,
        "fool_steps": 1000,
        "attack_n": 200,
        "attack_eps": (0.01, 0.02, 0.05, 0.1),
        "mnist_attack_eps": (0.05, 0.1, 0.2, 0.3),
        "dream": {"octaves": 4, "steps": 20},
        "trust": {"n": 100, "sanity_n": 8, "independent": False},
        "explain": {"images": 4, "options": {}},
        "diversity": {"units": 8, "diverse": 4, "steps": 256},
        "inversion": {"steps": 512},
        "maco": {"units": 16, "steps": 256},
    },
    "quick": {
        "maximize_steps": 16,
        "examples": 3,
        "dense_units": 4,
        "fool_steps": 20,
        "attack_n": 20,
        "attack_eps": (0.02, 0.1),
        "mnist_attack_eps": (0.1, 0.3),
        "dream": {"octaves": 2, "steps": 3},
        "trust": {
            "n": 6,
            "sanity_n": 2,
            "independent": False,
            "steps": 4,
            "subsets": 8,
            "method": ("saliency", "gradcam"),
        },
        "explain": {"images": 2, "options": {"samples": 4, "steps": 8, "masks": 100}},
        "diversity": {"units": 2, "diverse": 2, "steps": 8},
        "inversion": {"steps": 8},
        "maco": {"units": 2, "steps": 8},
    },
}
SECTIONS = (
    "summary",
    "training",
    "samples",
    "kernels",
    "featuremaps",
    "maximize",
    "classes",
    "fooling",
    "attack",
    "explain",
    "dream",
    "diversity",
    "inversion",
    "maco",
    "trust",
    "twin",
    "index",
)


@dataclass
class Section:
    """What one section of the report produced."""

    name: str
    seconds: float
    artifacts: list[Artifact] = field(default_factory=list)
    skipped: str = ""  # the reason, when the section does not apply
    figures: dict = field(default_factory=dict)


@dataclass
class Report:
    """The sections of one report, in order, and where the index was written."""

    model: str
    sections: list[Section]
    index: Path | None
    seconds: float

    def table(self) -> str:
        """Time and artifact count per section, as an aligned text table.

        Example:
            >>> out = report("mnist-mlp", sections=["summary"], gallery="/tmp/demo-gallery")
            >>> print(out.table())  # doctest: +ELLIPSIS +NORMALIZE_WHITESPACE
            section       seconds  files  notes
            summary           ...      1
            total             ...      1
        """
        lines = [f"{'section':<12}{'seconds':>9}{'files':>7}  notes"]
        for s in self.sections:
            note = f"skipped: {s.skipped}" if s.skipped else ""
            lines.append(f"{s.name:<12}{s.seconds:>9.1f}{len(s.artifacts):>7}  {note}")
        lines.append(
            f"{'total':<12}{self.seconds:>9.1f}{sum(len(s.artifacts) for s in self.sections):>7}"
        )
        return "\n".join(lines)


class _Context:
    def __init__(
        self,
        handle: Any,
        gallery: Gallery,
        seed: int,
        settings: dict,
        progress: ProgressSpec,
        own: Any = None,
    ):
        self.own = own  # a person's own data (UserData), read before any section runs
        self.handle = handle
        self.gallery = gallery
        self.seed = seed
        self.settings = settings
        self.progress = progress
        self.probe = handle.probe
        self.name = handle.name

    def conv_layers(self) -> list[str]:
        return [i.name for i in self.probe.layers if i.kind == "spatial" and "Conv" in i.type]

    def dense_layers(self) -> list[str]:
        hidden = [i.name for i in self.probe.layers if i.kind == "units" and i.type == "Dense"]
        return hidden[:-1]  # the last one is the output: rendered as classes

    def dataset(self) -> str | None:
        return self.handle.dataset

    def has_images(self) -> bool:
        return self.own is not None or bool(self.dataset())


def _summary(ctx: _Context) -> list[Artifact]:
    from interpret.inspect.summary import plot_summary

    return plot_summary(ctx.handle).save(ctx.gallery)


def _training(ctx: _Context) -> list[Artifact] | str:
    from interpret.gallery.plots import plot_history

    history = ctx.handle.card.get("history")
    if not history:
        return "the model has no training card with a history"
    card = ctx.handle.card
    fig = plot_history(
        history, title=f"{ctx.name}: test accuracy {card.get('test_accuracy', float('nan')):.4f}"
    )
    keys = ("test_accuracy", "train_accuracy", "epochs", "seconds")
    return [
        ctx.gallery.save_figure(
            fig,
            model=ctx.name,
            technique="train",
            name="training-curves",
            meta={
                "seed": card.get("seed"),
                "parameters": card.get("recipe", {}),
                "figures": {k: card.get(k) for k in keys},
            },
        )
    ]


def _samples(ctx: _Context) -> list[Artifact] | str:
    from interpret.inspect.samples import data_grid, sample_grid

    if ctx.own is not None:
        return [data_grid(ctx.own, ctx.handle, seed=ctx.seed, gallery=ctx.gallery)]
    if not ctx.dataset():
        return "the model has no known data set"
    return [sample_grid(ctx.dataset(), seed=ctx.seed, gallery=ctx.gallery)]


def _kernels(ctx: _Context) -> list[Artifact] | str:
    from interpret.inspect.kernels import kernel_layers, plot_filters

    layers = kernel_layers(ctx.probe)
    if not layers:
        return "the model has no layer with kernels"
    return plot_filters(ctx.handle, layers[0]).save(ctx.gallery)


def _featuremaps(ctx: _Context) -> list[Artifact] | str:
    from interpret.inspect.featuremaps import iter_featuremaps

    if not ctx.has_images():
        return "the model has no known data set to take a test image from"
    sheets = iter_featuremaps(ctx.handle, index=0, data=ctx.own, progress=ctx.progress)
    return [art for s in sheets for art in s.save(ctx.gallery)]


def _render(
    ctx: _Context, layer: str | None, filters: Any, classes: Any, examples: int
) -> list[Artifact]:
    from interpret.visualize.maximize import maximize

    result = maximize(
        ctx.handle,
        layer,
        filters,
        classes=classes,
        steps=ctx.settings["maximize_steps"],
        seed=ctx.seed,
        examples=examples if ctx.has_images() else 0,
        data=ctx.own if examples else None,
        progress=ctx.progress,
    )
    return result.save(ctx.gallery)


def _maximize(ctx: _Context) -> list[Artifact]:
    arts: list[Artifact] = []
    examples = ctx.settings["examples"]
    for layer in ctx.conv_layers():
        arts += _render(ctx, layer, "all", None, examples)
    if not ctx.conv_layers():  # a dense network: its hidden units instead
        for layer in ctx.dense_layers():
            units = list(range(min(ctx.settings["dense_units"], ctx.probe.layer(layer).size)))
            arts += _render(ctx, layer, units, None, examples)
    return arts


def _classes(ctx: _Context) -> list[Artifact]:
    return _render(ctx, None, None, "all", ctx.settings["examples"])


def _fooling(ctx: _Context) -> list[Artifact]:
    from interpret.attacks.report import fool_report

    out = fool_report(
        ctx.handle,
        "all",
        seed=ctx.seed,
        gallery=ctx.gallery,
        progress=ctx.progress,
        steps=ctx.settings["fool_steps"],
    )
    return out["artifacts"]


def _attack(ctx: _Context) -> list[Artifact] | str:
    from interpret.attacks.report import attack_report

    if ctx.own is not None:
        return _attack_own(ctx)
    if not ctx.dataset():
        return "the model has no known data set to attack images of"
    key = "mnist_attack_eps" if ctx.dataset() == "mnist" else "attack_eps"
    out = attack_report(
        ctx.handle,
        method="pgd",
        eps=ctx.settings[key],
        n=ctx.settings["attack_n"],
        seed=ctx.seed,
        gallery=ctx.gallery,
        progress=ctx.progress,
    )
    return out["artifacts"]


def _explain(ctx: _Context) -> list[Artifact] | str:
    from interpret.attributions.api import explain
    from interpret.attributions.inputs import pick_images

    if not ctx.has_images():
        return "the model has no known data set to take test images from"
    n = ctx.settings["explain"]["images"]
    picked = pick_images(ctx.handle, index=f"0-{n - 1}", data=ctx.own)
    result = explain(
        ctx.handle,
        picked.x,
        "all",
        y=picked.y,
        names=picked.names,
        seed=ctx.seed,
        progress=ctx.progress,
        **ctx.settings["explain"]["options"],
    )
    result.describe_images(picked.notes, picked.info)
    return result.save(ctx.gallery)


def _attack_own(ctx: _Context) -> list[Artifact] | str:
    """PGD on the first labelled images of the person's own data."""
    from interpret.attacks.run import evaluate_attack

    own = ctx.own
    if own.y is None:
        return f"{own.name} has no labels to attack against"
    n = ctx.settings["attack_n"]
    key = "mnist_attack_eps" if own.x.shape[-1] == 1 else "attack_eps"
    try:
        ev = evaluate_attack(
            ctx.probe,
            own.x[:n],
            own.y[:n],
            method="pgd",
            eps=ctx.settings[key],
            seed=ctx.seed,
            progress=ctx.progress,
        )
    except UserError as e:  # e.g. the model gets none of the images right
        return e.message()
    ev.model_info = ctx.handle.describe()
    ev.data_info = {"n": min(n, len(own)), "images": f"first {min(n, len(own))}", **own.describe()}
    return ev.save(ctx.gallery)


def _dream(ctx: _Context) -> list[Artifact] | str:
    from interpret.visualize.dream import dream

    if not ctx.conv_layers():
        return "DeepDream needs convolution layers; this model has none"
    result = dream(ctx.handle, None, seed=ctx.seed, progress=ctx.progress, **ctx.settings["dream"])
    return result.save(ctx.gallery)


def _first(ctx: _Context, layer: str, opts: dict) -> list[int]:
    """The first ``opts["units"]`` filters or units of ``layer`` (popped from ``opts``)."""
    return list(range(min(opts.pop("units"), ctx.probe.layer(layer).size)))


def _diversity(ctx: _Context) -> list[Artifact] | str:
    from interpret.visualize.maximize import maximize

    layers = ctx.conv_layers() or ctx.dense_layers()
    if not layers:
        return "the model has no hidden conv or dense layer"
    opts = dict(ctx.settings["diversity"])
    units = _first(ctx, layers[-1], opts)
    result = maximize(ctx.handle, layers[-1], units, seed=ctx.seed, progress=ctx.progress, **opts)
    return result.save(ctx.gallery)


def _inversion(ctx: _Context) -> list[Artifact] | str:
    from interpret.visualize.inversion import invert

    if not ctx.conv_layers():
        return "feature inversion here runs on conv layers; this model has none"
    if not ctx.has_images():
        return "the model has no known data set to take a test image from"
    opts = ctx.settings["inversion"]
    result = invert(ctx.handle, index=0, data=ctx.own, seed=ctx.seed, progress=ctx.progress, **opts)
    return result.save(ctx.gallery)


def _maco(ctx: _Context) -> list[Artifact]:
    from interpret.visualize.maco import maco

    opts = dict(ctx.settings["maco"])
    layers = ctx.conv_layers()
    if layers:
        units = _first(ctx, layers[-1], opts)
        result = maco(ctx.handle, layers[-1], units, seed=ctx.seed, progress=ctx.progress, **opts)
    else:  # a dense network: its classes
        opts.pop("units")
        result = maco(ctx.handle, classes="all", seed=ctx.seed, progress=ctx.progress, **opts)
    return result.save(ctx.gallery)


def _trust(ctx: _Context) -> list[Artifact] | str:
    from interpret.attributions import metrics
    from interpret.attributions.methods import applicable
    from interpret.attributions.sanity import weighted_layers
    from interpret.attributions.trust import trust

    if not ctx.has_images():
        return "the model has no known data set to take test images from"
    settings = dict(ctx.settings["trust"])
    if ctx.own is not None:  # the person's own images: as many as there are, up to n
        if len(ctx.own) < metrics.MIN_IMAGES:
            return (
                f"{ctx.own.name} has {len(ctx.own)} image(s); the metrics need {metrics.MIN_IMAGES}"
            )
        settings["n"] = min(settings["n"], len(ctx.own))
        settings["sanity_n"] = min(settings["sanity_n"], settings["n"])
        settings["data"] = ctx.own
    if "method" in settings:  # the quick preview's few methods, those that apply
        usable = {m.name for m in applicable(ctx.probe)}
        settings["method"] = [m for m in settings["method"] if m in usable]
    sanity = len(weighted_layers(ctx.probe)) >= 2
    result = trust(ctx.handle, seed=ctx.seed, sanity=sanity, progress=ctx.progress, **settings)
    return result.save(ctx.gallery)


def _twin(ctx: _Context) -> list[Artifact] | str:
    """Standard vs robust side by side (:func:`interpret.model_compare.compare`), for a zoo model with a twin."""
    from interpret import zoo
    from interpret.model_compare import compare

    twin = zoo.twin(ctx.name) if ctx.handle.source == "zoo" else None
    if twin is None:
        return "the model has no standard or robust twin in the zoo"
    if not zoo.weights_path(twin).is_file():
        return f"its twin {twin} has no shipped weights; reinstall interpret or train it with its recipe"
    s = ctx.settings
    out = compare(ctx.handle, twin, steps=s["maximize_steps"], fool_steps=s["fool_steps"],
                  attack_images=s["attack_n"], seed=ctx.seed)  # fmt: skip
    return out.save(ctx.gallery)


def _index(ctx: _Context) -> list[Artifact]:
    return []  # built after the sections, see report()


RUNNERS: dict[str, Callable[[_Context], Any]] = {
    "summary": _summary,
    "training": _training,
    "samples": _samples,
    "kernels": _kernels,
    "featuremaps": _featuremaps,
    "maximize": _maximize,
    "classes": _classes,
    "fooling": _fooling,
    "attack": _attack,
    "explain": _explain,
    "dream": _dream,
    "diversity": _diversity,
    "inversion": _inversion,
    "maco": _maco,
    "trust": _trust,
    "twin": _twin,
    "index": _index,
}


def report(
    model: Any = "cifar10-cnn",
    *,
    gallery: str | Gallery | None = None,
    sections: Sequence[str] | None = None,
    quick: bool = False,
    seed: int = 0,
    data: Any = None,
    progress: ProgressSpec = None,
    on_section: Callable[[Section], None] | None = None,
) -> Report:
    """Open ``model`` up: run every section into ``gallery`` and build its index.html.

    ``sections`` picks a subset of :data:`SECTIONS`; ``quick`` uses a few
    optimisation steps per technique (for tests and previews); ``progress`` is ``True``
    or a bar factory (:mod:`interpret.core.progress`); ``on_section`` is called after
    each section. ``data`` is a person's own images (an .npz file or a folder of class
    subfolders, :func:`interpret.data.user.load_user_data`): the samples, feature maps,
    dataset examples and the attack then use them instead of the model's data set.

    Example:
        >>> out = report("mnist-cnn", sections=["summary", "kernels"], gallery="/tmp/demo-gallery")
        >>> [(s.name, len(s.artifacts)) for s in out.sections]
        [('summary', 1), ('kernels', 1)]
    """
    from interpret.core.models import resolve
    from interpret.gallery.html import build_index

    chosen = list(sections) if sections else list(SECTIONS)
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        raise UserError(
            f"unknown report section(s) {', '.join(unknown)}; sections: {', '.join(SECTIONS)}"
        )
    g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
    start = time.perf_counter()
    handle = resolve(model)
    own = None
    if data is not None:
        from interpret.data.user import load_user_data

        own = load_user_data(data, handle)
    ctx = _Context(handle, g, seed, SETTINGS["quick" if quick else "full"], progress, own)
    done: list[Section] = []
    for name in (s for s in SECTIONS if s in chosen and s != "index"):
        t0 = time.perf_counter()
        out = RUNNERS[name](ctx)
        section = Section(name, time.perf_counter() - t0)
        if isinstance(out, str):
            section.skipped = out
        else:
            section.artifacts = list(out)
        done.append(section)
        if on_section:
            on_section(section)
    index = None
    if "index" in chosen:
        t0 = time.perf_counter()
        index = build_index(g.root)
        section = Section("index", time.perf_counter() - t0)
        done.append(section)
        if on_section:
            on_section(section)
    result = Report(
        model=handle.name, sections=done, index=index, seconds=time.perf_counter() - start
    )
    atomic_write_json(
        g.root / handle.name / "report.json",
        {
            "model": handle.name,
            "quick": quick,
            "seed": seed,
            "seconds": round(result.seconds, 1),
            "sections": [
                {
                    "name": s.name,
                    "seconds": round(s.seconds, 2),
                    "files": len(s.artifacts),
                    "skipped": s.skipped,
                }
                for s in done
            ],
        },
    )
    return result
