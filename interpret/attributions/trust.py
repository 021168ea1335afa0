"""``interpret.trust``: which attribution methods can be trusted on this model, with the evidence.

A heatmap that looks plausible proves nothing. :func:`trust` runs every applicable
attribution method (:mod:`interpret.attributions`) on N test images and puts each to
two kinds of test:

* **faithfulness** (:mod:`.metrics`): Deletion, Insertion, MuFidelity, Average Drop and
  Increase in Confidence, each beside the same metric for a random attribution on the
  same images (the chance level);
* **sanity** (:mod:`.sanity`, Adebayo et al. 2018): cascading and independent
  randomisation of the model's weights and the random-logit check, on the first
  ``sanity_n`` of those images, with a stated pass rule.

The verdict ranks the methods: **trusted** (passes the sanity check and beats chance on
Deletion, Insertion and MuFidelity: see :meth:`TrustResult.verdict_metrics`), then **partly** (one of the two), then **not trusted** (neither); within a
group by the insertion-deletion gap (insertion AUC minus deletion AUC: how much faster
the score rises when the map's pixels are put back than it falls when they are removed).

Example:
    >>> import interpret
    >>> out = interpret.trust("mnist-cnn", n=4, method="saliency", metrics="deletion", steps=4,
    ...                       independent=False)
    >>> out.methods, out.faithfulness.targets.shape, out.sanity.stage
    (['saliency'], (4,), 'conv2d_1')
    >>> out.verdict()[0].status in STATUS, out.verdict_metrics(), out.gap("saliency")
    (True, ['deletion'], nan)
    >>> out.beaten("saliency"), trusted(out) in ([], ["saliency"])
    (['deletion'], True)
    >>> out.rows()[0]["method"], sorted(out.meta())[:3]
    ('random', ['data', 'figures', 'input_range'])
    >>> out.table().splitlines()[2].split()[:2]
    ['random', '(chance)']
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpret.attributions import metrics as M
from interpret.attributions import sanity as S
from interpret.core import checks
from interpret.core.errors import UserError
from interpret.core.progress import ProgressSpec
from interpret.gallery.store import Artifact, Gallery

TECHNIQUE = "trust"
STATUS = ("trusted", "partly", "not trusted")
VERDICT_METRICS = ("deletion", "insertion", "mufidelity")
SANITY_N = 16  # the sanity checks' images by default (at most n)
SHORT = {
    "deletion": "deletion \u2193",
    "insertion": "insertion \u2191",
    "mufidelity": "mufidelity \u2191",
    "average-drop": "avg drop \u2193 *",
    "increase-confidence": "incr conf \u2191 *",
}


@dataclass(frozen=True)
class Verdict:
    """One method's place in the ranking, and why."""

    rank: int
    method: str
    title: str
    status: str  # "trusted", "partly" or "not trusted"
    gap: float  # insertion AUC - deletion AUC (nan without both metrics)
    reasons: tuple[str, ...]


@dataclass
class TrustResult:
    """Every method's faithfulness and sanity on one model, and the ranked verdict."""

    model: str
    methods: list[str]
    titles: dict[str, str]
    faithfulness: M.Faithfulness
    sanity: S.Sanity | None
    images: np.ndarray = field(repr=False)  # the first few images, for figures
    source: str = ""
    seed: int = 0
    seconds: float = 0.0
    parameters: dict = field(default_factory=dict)
    model_info: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        """How many images the faithfulness metrics were measured on."""
        return len(self.faithfulness.targets)

    def beaten(self, method: str) -> list[str]:
        """The metrics on which the method is better than the random attribution.

        Example: see the module docstring.
        """
        return [k for k in self.faithfulness.metrics if self.faithfulness.beats_chance(method, k)]

    def verdict_metrics(self) -> list[str]:
        """The measured metrics the verdict reads: all but Average Drop and Increase in Confidence.

        Those two score a map as a soft mask multiplied into the image, and a mask of
        uniform noise keeps a share of every pixel, which a confident model barely notices:
        on mnist-cnn the random attribution's Average Drop (0.03) beats every method's. They
        reward covering the image, not ranking its pixels, so they are shown, not counted.

        Example: see the module docstring.
        """
        return [k for k in self.faithfulness.metrics if k in VERDICT_METRICS]

    def gap(self, method: str) -> float:
        """Insertion AUC minus deletion AUC (nan unless both were measured).

        Example: see the module docstring.
        """
        f = self.faithfulness
        if not {"deletion", "insertion"} <= set(f.metrics):
            return float("nan")
        return f.mean(method, "insertion") - f.mean(method, "deletion")

    def verdict(self) -> list[Verdict]:
        """The methods ranked: trusted, then partly, then not trusted; by the gap within each.

        Example: see the module docstring.
        """
        rows = []
        for m in self.methods:
            reasons = self._reasons(m)
            faithful = set(self.verdict_metrics()) <= set(self.beaten(m))
            sane = self.sanity is None or self.sanity.passed(m)
            status = (
                STATUS[0] if faithful and sane else STATUS[1] if faithful or sane else STATUS[2]
            )
            rows.append(
                (STATUS.index(status), -np.nan_to_num(self.gap(m), nan=-1e9), m, status, reasons)
            )
        rows.sort(key=lambda r: (r[0], r[1]))
        return [
            Verdict(i + 1, m, self.titles[m], status, self.gap(m), reasons)
            for i, (_, _, m, status, reasons) in enumerate(rows)
        ]

    def _reasons(self, m: str) -> tuple[str, ...]:
        out = []
        missed = [k for k in self.verdict_metrics() if k not in self.beaten(m)]
        if missed:
            out.append(f"no better than a random map on {', '.join(missed)}")
        if self.sanity is not None:
            s = self.sanity
            rho = s.similarity_at_rule(m)
            word = "passes" if s.passed(m) else "fails"
            out.append(
                f"{word} the sanity check: corrected rank correlation {rho:.2f} "
                f"({'<' if s.passed(m) else '>='} {s.threshold:g}) with the layers down to {s.stage} randomised"
            )
        return tuple(out) or (f"better than chance on {', '.join(self.verdict_metrics())}",)

    def rows(self) -> list[dict]:
        """The table as records: the random row first, then the methods in verdict order.

        Example: see the module docstring.
        """
        f = self.faithfulness
        chance = {
            "method": M.RANDOM,
            "title": "random (chance)",
            **{k: f.mean(M.RANDOM, k) for k in f.metrics},
        }
        out = [chance]
        for v in self.verdict():
            row: dict[str, Any] = {
                "method": v.method,
                "title": v.title,
                "rank": v.rank,
                "verdict": v.status,
            }
            for k in f.metrics:
                row[k] = f.mean(v.method, k)
                row[f"{k}_sem"] = f.sem(v.method, k)
                row[f"{k}_beats_chance"] = f.beats_chance(v.method, k)
            row["gap"] = v.gap
            if self.sanity is not None:
                row.update(self._sanity_row(v.method))
            row["reasons"] = list(v.reasons)
            out.append(row)
        return out

    def _sanity_row(self, m: str) -> dict:
        s = self.sanity
        row = {
            "cascade_corrected": s.similarity_at_rule(m),
            "sanity": "pass" if s.passed(m) else "fail",
        }
        i = s.cascading.stages.index(s.stage)
        row["cascade_raw"] = float(s.cascading.curve(m)[i])
        if s.random_logit:
            raw = float(s.random_logit[m][s.measure].mean())
            row["random_logit_raw"] = raw
            row["random_logit_corrected"] = float(s.corrected(m, raw))
        return row

    def table(self) -> str:
        """The trust table as aligned text: metric means (+ better than chance, - not), the
        sanity check's corrected rank correlation and pass/fail, the verdict.

        Example: see the module docstring.
        """
        f = self.faithfulness
        cols = [SHORT[k] for k in f.metrics]
        sanity = self.sanity is not None
        extra = ["cascade \u03c1'", "logit \u03c1'", "sanity"] if sanity else []
        head = f"{'':<3}{'method':<22}" + "".join(f"{c:>16}" for c in cols + extra) + "  verdict"
        lines = [self._title(), head]
        for row in self.rows():
            cells = []
            for k in f.metrics:
                mark = (
                    "" if row["method"] == M.RANDOM else ("+" if row[f"{k}_beats_chance"] else "-")
                )
                cells.append(f"{row[k]:>15.3f}{mark or ' '}")
            if sanity:
                cells += self._sanity_cells(row)
            rank = f"{row['rank']:<3}" if "rank" in row else f"{'':<3}"
            lines.append(
                f"{rank}{row['title']:<22}" + "".join(cells) + f"  {row.get('verdict', '')}"
            )
        lines.append(self._footnote())
        return "\n".join(lines)

    def _sanity_cells(self, row: dict) -> list[str]:
        if row["method"] == M.RANDOM:
            return [f"{'':>16}"] * 3
        logit = row.get("random_logit_corrected")
        return [
            f"{row['cascade_corrected']:>16.2f}",
            f"{logit:>16.2f}" if logit is not None else f"{'-':>16}",
            f"{row['sanity']:>16}",
        ]

    def _title(self) -> str:
        sanity = f"; sanity checks on the first {len(self.sanity.targets)}" if self.sanity else ""
        return f"trust: {self.model}, {self.n} images ({self.source}), the predicted class{sanity}"

    def _footnote(self) -> str:
        text = (
            "+/-: better / not better than the random attribution (first row) on the same images."
        )
        if set(self.faithfulness.metrics) - set(VERDICT_METRICS):
            text += " *: shown, not counted in the verdict (they reward maps that cover the image)."
        if self.sanity is not None:
            text += (
                f"\n\u03c1': rank correlation of |map| with the trained model's, chance-corrected "
                f"((\u03c1 - c) / (1 - c), c between different images); cascade: layers down to "
                f"{self.sanity.stage} randomised, pass below {self.sanity.threshold:g}; logit: the map "
                "for a random other class."
            )
        return text

    def meta(self) -> dict:
        """The sidecar every artifact of this result carries.

        Example: see the module docstring.
        """
        return {
            "seed": self.seed,
            "parameters": self.parameters,
            "data": self.source,
            "figures": {"table": self.rows(), "seconds": round(self.seconds, 2)},
            **self.model_info,
        }

    def save(self, gallery: str | Gallery | None = None) -> list[Artifact]:
        """The ranked table, the deletion/insertion curves, the randomisation figures and the
        similarity curves as PNG + sidecar under ``<gallery>/<model>/trust/``.

        Example: see the module docstring.
        """
        from interpret.attributions import trust_figures as F

        g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
        meta = self.meta()
        figures = F.figures(self)
        return [
            g.save_figure(
                fig, model=self.model, technique=TECHNIQUE, name=name, meta={**meta, **extra}
            )
            for name, fig, extra in figures
        ]

    def _repr_png_(self) -> bytes:
        import matplotlib.pyplot as plt

        from interpret.attributions import trust_figures as F
        from interpret.gallery.store import figure_png_bytes

        fig = F.table_figure(self)
        try:
            return figure_png_bytes(fig)
        finally:
            plt.close(fig)


# ---- the API ---------------------------------------------------------------------------------


def _plan_methods(
    probe: Any, spec: Any, options: dict, size: tuple[int, int]
) -> list[tuple[Any, dict]]:
    """Each chosen method with the options it takes, every check done before any work."""
    from interpret.attributions.cam import cam_layer
    from interpret.attributions.methods import applicable, methods
    from interpret.attributions.options import check_options, settle

    chosen = (
        applicable(probe)
        if isinstance(spec, str) and spec.strip().lower() == "all"
        else methods(spec)
    )
    check_options(options, [m.name for m in chosen])
    others = ", ".join(m.name for m in applicable(probe) if not m.needs_layer)
    for m in chosen:
        layer = cam_layer(probe, None, m.name, others) if m.needs_layer else None
        settle(m.name, {k: v for k, v in options.items() if k in m.options}, probe, size, layer)
    return [(m, {k: v for k, v in options.items() if k in m.options}) for m in chosen]


def _images(
    handle: Any, images: Any, y: Any, n: int, data: Any = None, dataset: str | None = None
) -> tuple[np.ndarray, np.ndarray | None, str, dict]:
    """The first ``n`` of the given images, of the person's ``data``, or of a test set;
    with where they came from and, for ``data``, what its sidecar records."""
    probe = handle.probe
    info: dict = {}
    hint = ""  # how to get more test images, when only the bundled sample is there
    if images is not None and data is not None:
        raise UserError("give test images or {data}, not both", "data")
    if data is not None:
        from interpret.data.user import load_user_data

        own = load_user_data(data, handle)
        images, y, source, info = own.x, own.y, own.source, own.describe()
    elif images is None:
        from interpret.data import datasets

        name = dataset or handle.dataset
        if not name:
            raise UserError(
                f"model {handle.name} has no known data set; give {{dataset}} "
                f"({', '.join(datasets.names())}) or your own images as {{data}}",
                "dataset",
                "data",
            )
        ds = datasets.load_test_images(name)
        images, y, source = ds.x_test, ds.y_test, f"{ds.name} test set, {ds.source}"
        hint = datasets.sample_hint(ds)
    else:
        source = "given images"
    x, labels = checks.images(probe, images, y)
    if n > len(x):
        raise UserError(
            f"{{n}} is {n} but only {len(x)} images are available; give at most {len(x)}" + hint,
            "n",
        )
    return x[:n], (None if labels is None else labels[:n]), source, info


def trust(
    model: Any = "cifar10-cnn",
    images: Any = None,
    y: Any = None,
    *,
    data: Any = None,
    dataset: str | None = None,
    method: Any = "all",
    metrics: Any = "all",
    n: int = 100,
    sanity_n: int | None = None,
    sanity: bool = True,
    independent: bool = True,
    options: dict | None = None,
    seed: int = 0,
    progress: ProgressSpec = None,
    **settings: Any,
) -> TrustResult:
    """Can this model's attribution maps be trusted? Every method, tested, ranked.

    Args:
        model: zoo name, .keras/.h5 path, Keras model or ModelHandle.
        images: test images (float32 [0, 1] or uint8); default the model's test set.
        y: their true labels (the random-logit check uses them; default the predictions).
        data: or a person's own images (:func:`interpret.data.user.load_user_data`: an .npz
            file, a folder of class folders, ``(x, y)`` arrays), fitted to the model's input.
        dataset: or the test set (``mnist``, ``cifar10``) of a model whose card names none.
        method: ``"all"`` (every method that applies) or names as for :func:`interpret.explain`.
        metrics: ``"all"`` or names from :data:`interpret.attributions.metrics.METRICS`.
        n: images the faithfulness metrics are measured on (the first n).
        sanity_n: the first of those the sanity checks run on (each check recomputes
            every map once per layer); default ``min(16, n)``.
        sanity: run the sanity checks (they need two or more layers with weights).
        independent: also randomise each layer on its own (besides the cascade).
        options: the methods' options, e.g. ``{"masks": 1000}`` for RISE.
        seed: seeds the random attribution, MuFidelity's subsets, the randomised
            weights, and the methods' own randomness.
        progress: ``True`` for bars on stderr, or a factory.
        **settings: the metrics' settings (:class:`~interpret.attributions.metrics.MetricSettings`):
            ``steps``, ``deletion_baseline``, ``insertion_baseline``, ``subsets``, ``grid``,
            ``removed``, ``correlation``, ``score``, ``memory``, ``precision``.

    Example: see the module docstring.
    """
    from interpret.attributions.api import attribute
    from interpret.core.models import resolve

    start = time.perf_counter()
    handle = resolve(model)
    probe = handle.probe
    chosen_metrics = M.check_metrics(metrics)
    n = checks.positive_int(n, "n", minimum=M.MIN_IMAGES)
    seed = checks.positive_int(seed, "seed", minimum=0)
    s = M.check_settings(_settings(settings), int(np.prod(probe.input_shape[:2])))
    k = _sanity_images(probe, sanity_n, n) if sanity else 0
    plan = _plan_methods(probe, method, dict(options or {}), probe.input_shape[:2])
    x, labels, source, data_info = _images(handle, images, y, n, data, dataset)
    targets = M.predicted(probe, x, s.memory)

    def maps_fn(p: Any, imgs: np.ndarray, t: np.ndarray, name: str) -> np.ndarray:
        return attribute(p, imgs, name, t, seed=seed, memory=s.memory, **opts[name]).maps

    opts = {m.name: o for m, o in plan}
    maps = {
        m.name: attribute(
            probe, x, m.name, targets, seed=seed, memory=s.memory, progress=progress, **o
        ).maps
        for m, o in plan
    }
    faith = M.evaluate(
        probe, x, maps, targets, metrics=chosen_metrics, settings=s, seed=seed, progress=progress
    )
    checked = None
    if k:
        checked = S.sanity_check(
            probe, x[:k], list(maps), targets[:k], maps_fn=maps_fn,
            trained={m: v[:k] for m, v in maps.items()},
            labels=None if labels is None else labels[:k],
            independent=independent, seed=seed, progress=progress,
        )  # fmt: skip
    parameters = {
        "method": [m.name for m, _ in plan], "metrics": chosen_metrics, "n": n, "sanity_n": k,
        "independent": bool(independent and k), "options": dict(options or {}), **s.__dict__,
        "precision_used": faith.precision, "sanity_threshold": S.THRESHOLD,
        "sanity_measure": S.PASS_MEASURE, **data_info,
    }  # fmt: skip
    return TrustResult(
        model=handle.name,
        methods=list(maps),
        titles={m.name: m.title for m, _ in plan},
        faithfulness=faith,
        sanity=checked,
        images=x[:4],
        source=source,
        seed=seed,
        seconds=time.perf_counter() - start,
        parameters=parameters,
        model_info=handle.describe(),
    )


def _sanity_images(probe: Any, sanity_n: int | None, n: int) -> int:
    """How many of the ``n`` images the sanity checks run on (checked: enough layers and images)."""
    S.check_layers(probe)
    k = min(SANITY_N, n) if sanity_n is None else sanity_n
    k = checks.positive_int(k, "sanity_n", minimum=S.MIN_IMAGES)
    if k > n:
        raise UserError(f"{{sanity_n}} ({k}) must not exceed {{n}} ({n})", "sanity_n", "n")
    return k


def _settings(given: dict) -> M.MetricSettings:
    from dataclasses import fields

    known = {f.name for f in fields(M.MetricSettings)}
    unknown = sorted(set(given) - known)
    if unknown:
        raise UserError(
            f"unknown setting {unknown[0]!r}; the metrics' settings: {', '.join(sorted(known))}"
        )
    return M.MetricSettings(**given)


def trusted(result: TrustResult) -> Sequence[str]:
    """The methods the verdict trusts, best first.

    Example: see the module docstring.
    """
    return [v.method for v in result.verdict() if v.status == STATUS[0]]
