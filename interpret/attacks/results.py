"""What an attack returns: per-image results, and an eps sweep counted the honest way.

Example:
    >>> row = EvalRow(eps=0.1, n_attacked=10, robust=7, robust_accuracy=0.7, mean_l2=1.0,
    ...               mean_linf=0.1, seconds=0.5)
    >>> row.robust_accuracy
    0.7
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpret.attacks.options import MINIMAL
from interpret.gallery.inline import ShowsInline


@dataclass
class AttackResult(ShowsInline):
    """What :func:`attack` returns; arrays are per image, in the order given.

    ``success`` means the adversarial image is misclassified (untargeted) or
    classified as the target (targeted), re-checked on the returned images, and
    for minimal attacks with an ``eps`` also that the L2 distance is <= eps.
    """

    method: str
    adversarial: np.ndarray  # float32 [0, 1], same shape as the input
    success: np.ndarray  # bool
    l2: np.ndarray  # ||x_adv - x||_2 per image
    linf: np.ndarray  # ||x_adv - x||_inf per image
    pred: np.ndarray  # predicted class of the adversarial image
    confidence: np.ndarray  # softmax probability of ``pred``
    labels: np.ndarray
    clean_pred: np.ndarray  # predicted class of the original image
    clean_confidence: np.ndarray
    target: np.ndarray | None
    parameters: dict
    seconds: float
    details: dict = field(default_factory=dict)  # per-method extras (see interpret.attacks.run)

    @property
    def success_rate(self) -> float:
        """Fraction of images fooled.

        Example:
            >>> import interpret
            >>> from interpret.data.datasets import load_test_images
            >>> x, y = load_test_images("mnist").split("test")
            >>> interpret.attack("mnist-cnn", x[:8], y[:8], method="fgsm", eps=0.3).success_rate
            0.875
        """
        return float(np.mean(self.success)) if len(self.success) else float("nan")

    def inline_view(self) -> Any:
        """Up to 8 adversarial images, each titled label -> prediction (what Jupyter shows)."""
        from interpret.gallery.style import image_grid

        n = min(8, len(self.adversarial))
        titles = [
            f"{int(self.labels[i])} -> {int(self.pred[i])} ({self.confidence[i]:.2f})"
            + ("" if self.success[i] else " held")
            for i in range(n)
        ]
        title = f"{self.method}: {int(np.sum(self.success))}/{len(self.success)} fooled"
        return image_grid(list(self.adversarial[:n]), titles=titles, cols=4, suptitle=title)[0]


@dataclass
class EvalRow:
    """One eps of an evaluation sweep."""

    eps: float | None
    n_attacked: int  # initially-correct images attacked
    robust: int  # of those, still correct (untargeted) / not at the target (targeted)
    robust_accuracy: float  # robust / n_attacked
    mean_l2: float  # over successful perturbations (nan if none)
    mean_linf: float
    seconds: float
    result: AttackResult | None = field(default=None, repr=False)


@dataclass
class Evaluation(ShowsInline):
    """An eps sweep: clean accuracy and one :class:`EvalRow` per eps."""

    model: str
    method: str
    n: int
    clean_correct: int
    rows: list[EvalRow]
    parameters: dict
    images: np.ndarray = field(repr=False)  # the initially-correct images that were attacked
    labels: np.ndarray = field(repr=False)
    class_names: tuple = ()
    model_info: dict = field(default_factory=dict)  # how the model was resolved (sidecars)
    data_info: dict = field(default_factory=dict)  # which images were attacked (sidecars)

    def save(self, gallery: Any = None) -> list:
        """The robust-accuracy plot and the triplet sheet, into ``gallery`` with sidecars.

        Example:
            >>> import interpret
            >>> from interpret.data.datasets import load_test_images
            >>> x, y = load_test_images("mnist").split("test")
            >>> ev = interpret.evaluate_attack("mnist-cnn", x[:16], y[:16], method="fgsm", eps=[0.3])
            >>> [a.png.name for a in ev.save("/tmp/demo-gallery")]
            ['fgsm-linf-robust-accuracy.png', 'fgsm-linf-examples-eps0.3.png']
        """
        from interpret.attacks.report import save_evaluation

        return save_evaluation(self, gallery)

    def inline_view(self) -> Any:
        """Robust accuracy against eps, or the triplets of a single unbounded run (Jupyter)."""
        from interpret.attacks.report import robustness_figure, sheet_row, triplet_sheet

        if any(r.eps is not None for r in self.rows):
            return robustness_figure(self)
        return triplet_sheet(self, sheet_row(self), self.class_names)[0]

    @property
    def clean_accuracy(self) -> float:
        """Accuracy on the n clean images.

        Example:
            >>> import interpret
            >>> from interpret.data.datasets import load_test_images
            >>> x, y = load_test_images("mnist").split("test")
            >>> interpret.evaluate_attack("mnist-cnn", x[:16], y[:16], method="fgsm", eps=[0.1]).clean_accuracy
            1.0
        """
        return self.clean_correct / self.n if self.n else float("nan")

    def table(self) -> str:
        """The sweep as an aligned text table, saying what the accuracy is counted on.

        Example:
            >>> import interpret
            >>> from interpret.data.datasets import load_test_images
            >>> x, y = load_test_images("mnist").split("test")
            >>> ev = interpret.evaluate_attack("mnist-cnn", x[:16], y[:16], method="fgsm", eps=[0.1, 0.3])
            >>> print(ev.table())  # doctest: +ELLIPSIS
            fgsm on mnist-cnn: clean accuracy 1.0000 (16/16); robust accuracy is counted on the 16 initially-correct images
            eps (linf)  robust acc  fooled  mean L2  mean Linf  seconds
                   0.1      0.7500    4/16   2.1135     0.1000  ...
                   0.3      0.0625   15/16   6.2052     0.3000  ...
            mean L2/Linf are over successful perturbations only (mean over fooled images)
        """
        norm = self.parameters.get("norm", "l2")
        head = (
            f"{self.method} on {self.model}: clean accuracy {self.clean_accuracy:.4f} "
            f"({self.clean_correct}/{self.n}); robust accuracy is counted on the "
            f"{self.clean_correct} initially-correct images"
        )
        rows = [
            (
                "eps" + (f" ({norm})" if self.method not in MINIMAL else " (l2)"),
                "robust acc",
                "fooled",
                "mean L2",
                "mean Linf",
                "seconds",
            )
        ]
        for r in self.rows:
            rows.append(
                (
                    "none" if r.eps is None else f"{r.eps:g}",
                    f"{r.robust_accuracy:.4f}",
                    f"{r.n_attacked - r.robust}/{r.n_attacked}",
                    _fmt(r.mean_l2),
                    _fmt(r.mean_linf),
                    f"{r.seconds:.2f}",
                )
            )
        foot = "mean L2/Linf are over successful perturbations only (mean over fooled images)"
        return "\n".join([head, *_aligned(rows), foot, *self.extras()])

    def stages(self) -> list[tuple[float | None, list[tuple[str, int]]]]:
        """AutoAttack's (stage, images still robust after it) per eps; empty for other attacks.

        Example:
            >>> ev.stages()  # doctest: +SKIP
            [(0.1, [('clean', 993), ('apgd-ce', 612), ('apgd-t', 590), ...])]
        """
        out = []
        for r in self.rows:
            det = r.result.details if r.result is not None else {}
            if "stage" not in det:
                continue
            left = r.n_attacked
            steps = [("clean", left)]
            for j, name in enumerate(det["stages"]):
                left -= int((det["stage"] == j).sum())
                steps.append((name, left))
            out.append((r.eps, steps))
        return out

    def extras(self) -> list[str]:
        """Lines for the robustness attacks: AutoAttack's stages, Square's queries, warnings.

        Example:
            >>> ev.extras()  # doctest: +SKIP
            []
        """
        lines = []
        stages = self.stages()
        if stages:
            names = [name for name, _ in stages[0][1][1:]]
            lines.append(
                f"AutoAttack {self.parameters.get('version', '')}: images still robust after "
                f"each stage (of the {self.clean_correct} initially correct)"
            )
            table = [("eps", *names)] + [
                (_eps(e), *(str(n) for _, n in steps[1:])) for e, steps in stages
            ]
            lines += _aligned(table)
        for r in self.rows:
            det = r.result.details if r.result is not None else {}
            if "queries" in det and len(det["queries"]):
                ok = r.result.success
                q = det["queries"][ok] if ok.any() else det["queries"]
                lines.append(
                    f"square eps {_eps(r.eps)}: queries per fooled image mean {q.mean():.1f}, "
                    f"median {np.median(q):.0f} ({int(ok.sum())} fooled)"
                )
        seen = []
        for r in self.rows:
            det = r.result.details if r.result is not None else {}
            for kind in ("notes", "warnings"):
                for m in det.get(kind, []):
                    line = f"{'warning' if kind == 'warnings' else 'note'}: {m}"
                    if line not in seen:
                        seen.append(line)
        return lines + seen

    def figures(self) -> dict:
        """The measured numbers as a JSON-able dict (for sidecars).

        Example:
            >>> import interpret
            >>> from interpret.data.datasets import load_test_images
            >>> x, y = load_test_images("mnist").split("test")
            >>> ev = interpret.evaluate_attack("mnist-cnn", x[:16], y[:16], method="fgsm", eps=[0.3])
            >>> figs = ev.figures()
            >>> figs["clean_accuracy"], figs["rows"][0]["robust"]
            (1.0, 1)
        """
        return {
            "n": self.n,
            "clean_correct": self.clean_correct,
            "clean_accuracy": self.clean_accuracy,
            "counted_on": "initially-correct images",
            "rows": [
                {
                    "eps": r.eps,
                    "n_attacked": r.n_attacked,
                    "robust": r.robust,
                    "robust_accuracy": r.robust_accuracy,
                    "mean_l2": None if math.isnan(r.mean_l2) else r.mean_l2,
                    "mean_linf": None if math.isnan(r.mean_linf) else r.mean_linf,
                    "seconds": r.seconds,
                }
                for r in self.rows
            ],
            **(
                {"autoattack_stages": [{"eps": e, "robust_after": s} for e, s in self.stages()]}
                if self.stages()
                else {}
            ),
            "warnings": [m for m in self.extras() if m.startswith("warning: ")],
        }


def _aligned(rows: list[tuple]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in rows]


def _eps(e: float | None) -> str:
    return "none" if e is None else f"{e:g}"


def _fmt(v: float) -> str:
    return "-" if v is None or math.isnan(v) else f"{v:.4f}"
