"""Clean and robust accuracy per attack and per eps, counted the way the field reports it.

:func:`robustness` runs each attack (default: PGD-40 and AutoAttack ``standard``) at
each eps on the same images and returns a :class:`Robustness`: accuracy over *all* n
images (an image counts as robust when it is classified right and no attack in the run
fools it), as AutoAttack and RobustBench report it, with AutoAttack's accuracy after
each stage. ``.save(gallery)`` writes the accuracy-vs-eps plot and a sheet of
AutoAttack's adversarial examples; :func:`robustness_report` is what
``interpret robustness`` calls.

PGD runs ``steps=40`` with step ``2.5 * eps / 40`` from a random start (the rule of
Madry et al.'s lab), so the figures of different eps are comparable.

Example:
    >>> from interpret.data import datasets
    >>> x, y = datasets.load_test_images("mnist").split("test")
    >>> rob = robustness("mnist-cnn", x[:20], y[:20], eps=[0.3], attacks=["fgsm", "apgd-ce"])
    >>> rob.clean_accuracy, rob.accuracy("apgd-ce", 0.3) <= rob.accuracy("fgsm", 0.3)
    (1.0, True)
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpret.attacks.options import ALIASES, METHODS, MINIMAL, NORMS, check_eps, method_params
from interpret.attacks.results import Evaluation
from interpret.attacks.run import evaluate_attack
from interpret.core import checks
from interpret.core.errors import UserError
from interpret.core.models import as_probe
from interpret.core.progress import ProgressSpec
from interpret.gallery.store import Artifact, Gallery

PGD_STEPS = 40
BOUNDED = tuple(m for m in METHODS if m not in MINIMAL)  # attacks with an eps budget


@dataclass
class Robustness:
    """Clean accuracy and, per attack and eps, robust accuracy on all ``n`` images."""

    model: str
    n: int
    clean_correct: int
    eps: list[float]
    norm: str
    evaluations: dict[str, Evaluation]  # per attack, one row per eps
    parameters: dict
    seconds: dict[str, float]
    model_info: dict = field(default_factory=dict)
    data_info: dict = field(default_factory=dict)

    @property
    def clean_accuracy(self) -> float:
        """Accuracy on the clean images.

        Example:
            >>> rob.clean_accuracy  # doctest: +SKIP
            0.992
        """
        return self.clean_correct / self.n

    def accuracy(self, attack: str, eps: float) -> float:
        """Robust accuracy against ``attack`` at ``eps``, over all n images.

        Example:
            >>> rob.accuracy("autoattack", 0.1)  # doctest: +SKIP
            0.571
        """
        for row in self.evaluations[attack].rows:
            if row.eps is not None and abs(row.eps - eps) < 1e-12:
                return row.robust / self.n
        raise KeyError(f"{attack} was not run at eps {eps}")

    def stages(self, eps: float) -> list[tuple[str, float]]:
        """AutoAttack's robust accuracy (over all n) after each of its stages at ``eps``.

        Example:
            >>> rob.stages(0.1)  # doctest: +SKIP
            [('clean', 0.992), ('apgd-ce', 0.61), ('apgd-t', 0.58), ...]
        """
        ev = self.evaluations.get("autoattack")
        for e, steps in ev.stages() if ev is not None else []:
            if abs(e - eps) < 1e-12:
                return [(name, left / self.n) for name, left in steps]
        return []

    def table(self) -> str:
        """Accuracy per attack (rows) and eps (columns), AutoAttack's stages below it.

        Example:
            >>> print(rob.table())  # doctest: +SKIP
        """
        head = (
            f"{self.model}: {self.n} images{_source(self.data_info)}, {self.norm} eps; clean "
            f"accuracy {self.clean_accuracy:.4f}; robust accuracy over all {self.n} images"
        )
        cols = [f"eps {e:.4g}" for e in self.eps]
        rows = [("attack", *cols, "seconds")]
        for name in self.evaluations:
            accs = [f"{self.accuracy(name, e):.4f}" for e in self.eps]
            rows.append((name, *accs, f"{self.seconds[name]:.1f}"))
        if "autoattack" in self.evaluations:
            for j, (stage, _) in enumerate(self.stages(self.eps[0])[1:]):
                accs = [f"{self.stages(e)[j + 1][1]:.4f}" for e in self.eps]
                rows.append((f"  after {stage}", *accs, ""))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = [
            r[0].ljust(widths[0]) + "  " + "  ".join(c.rjust(w) for c, w in zip(r[1:], widths[1:]))
            for r in rows
        ]
        kinds = ("warning: ", "note: ", "square eps")
        extra = [m for ev in self.evaluations.values() for m in ev.extras() if m.startswith(kinds)]
        return "\n".join([head, *lines, *dict.fromkeys(extra)])

    def figures(self) -> dict:
        """The measured numbers for sidecars.

        Example:
            >>> rob.figures()["clean_accuracy"]  # doctest: +SKIP
            0.992
        """
        return {
            "n": self.n,
            "clean_accuracy": self.clean_accuracy,
            "counted_on": f"all {self.n} images",
            "robust_accuracy": {
                a: {str(e): self.accuracy(a, e) for e in self.eps} for a in self.evaluations
            },
            "autoattack_stages": {str(e): self.stages(e) for e in self.eps}
            if "autoattack" in self.evaluations
            else {},
            "seconds": self.seconds,
            "warnings": sorted(
                {m for ev in self.evaluations.values() for m in ev.figures()["warnings"]}
            ),
        }

    def save(self, gallery: Any = None) -> list[Artifact]:
        """The accuracy-vs-eps plot and AutoAttack's adversarial examples, with sidecars.

        Example:
            >>> arts = rob.save("/tmp/demo-gallery")  # doctest: +SKIP
        """
        from interpret.attacks.report import sheet_row, triplet_sheet

        g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
        meta = {
            "seed": self.parameters["seed"],
            "parameters": {**self.parameters, **self.data_info},
            "figures": self.figures(),
            **self.model_info,
        }
        arts = [
            g.save_figure(
                accuracy_figure(self),
                model=self.model,
                technique="robustness",
                name=f"accuracy-{self.norm}",
                meta=meta,
            )
        ]
        strongest = "autoattack" if "autoattack" in self.evaluations else list(self.evaluations)[-1]
        ev = self.evaluations[strongest]
        i = sheet_row(ev)
        fig, picks = triplet_sheet(ev, i, ev.class_names)
        arts.append(
            g.save_figure(
                fig,
                model=self.model,
                technique="robustness",
                name=f"{strongest}-{self.norm}-examples-eps{ev.rows[i].eps:.4g}",
                meta={**meta, "sheet_eps": ev.rows[i].eps, "shown": picks},
            )
        )
        return arts


def _source(info: dict) -> str:
    return f" ({info['images']})" if info.get("images") else ""


def accuracy_figure(rob: Robustness) -> Any:
    """Clean accuracy at eps 0 and each attack's robust accuracy against eps.

    Example:
        >>> fig = accuracy_figure(rob)  # doctest: +SKIP
    """
    from interpret.gallery.style import new_figure

    fig, ax = new_figure(5.6, 3.6)
    xs = [0.0, *rob.eps]
    for k, name in enumerate(rob.evaluations):
        ys = [rob.clean_accuracy, *(rob.accuracy(name, e) for e in rob.eps)]
        ax.plot(xs, ys, "o-", color=f"C{k}", label=name, lw=1.6)
    if "autoattack" in rob.evaluations:
        names = [s for s, _ in rob.stages(rob.eps[0])[1:-1]]
        for j, stage in enumerate(names):
            ys = [rob.clean_accuracy, *(rob.stages(e)[j + 1][1] for e in rob.eps)]
            ax.plot(
                xs, ys, ":", color="0.55", lw=0.9, label="AA after " + stage if j == 0 else None
            )
    ax.axhline(rob.clean_accuracy, color="0.8", lw=0.8, ls="--")
    ax.set_xlabel(f"eps ({rob.norm.replace('inf', chr(0x221E)).upper()}, images in [0, 1])")
    ax.set_ylabel(f"accuracy (all {rob.n} images)")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=7, frameon=False)
    ax.set_title(
        f"{rob.model}: clean {rob.clean_accuracy:.3f}; robust accuracy per attack", fontsize=8
    )
    return fig


def _eps_list(eps: Any, attacks: list[str], norm: str, probe: Any) -> list[float]:
    values = [eps] if isinstance(eps, (int, float)) else list(eps or [])
    if not values:
        raise UserError("give at least one {eps}", "eps")
    return [check_eps(e, "pgd", norm, probe.input_shape) for e in values]


def robustness(
    model: Any,
    x: Any,
    y: Any,
    *,
    eps: Sequence[float] | float,
    attacks: Sequence[str] | str = ("pgd", "autoattack"),
    norm: str = "linf",
    version: str = "standard",
    seed: int = 0,
    batch_size: int = 1000,
    devices: Any = "auto",
    progress: ProgressSpec = None,
) -> Robustness:
    """Clean accuracy and robust accuracy of ``model`` per attack and eps on images ``x``.

    Args:
        model: zoo name, .keras path, Keras model, ModelHandle or Probe.
        x, y: images (float32 [0, 1] NHWC or uint8) and labels.
        eps: budgets (Linf or L2 per ``norm``), each > 0.
        attacks: eps-bounded attacks: fgsm, pgd, apgd-ce, apgd-dlr, apgd-t, fab, fab-t,
            square, autoattack (comma-separated text or a list).
        version: AutoAttack's version (standard or plus).
        devices: where the robustness attacks run (:mod:`interpret.attacks.distributed`).

    Example: see the module docstring.
    """
    probe = as_probe(model)
    names = attack_names(attacks)
    norm = checks.choice(norm, NORMS, "norm", "norm")
    eps_list = _eps_list(eps, names, norm, probe)
    if any(e <= 0 for e in eps_list):
        raise UserError("every {eps} must be greater than 0 (eps 0 is the clean accuracy)", "eps")
    options = {a: _options(a, norm, version, devices) for a in names}
    x, y = checks.images(probe, x, y)
    batch_size = checks.positive_int(batch_size, "batch_size")
    evaluations, seconds = {}, {}
    for a in names:
        started = time.perf_counter()
        evaluations[a] = _evaluate(probe, a, x, y, eps_list, options[a], seed, batch_size, progress)
        seconds[a] = time.perf_counter() - started
    first = next(iter(evaluations.values()))
    return Robustness(
        model=probe.name,
        n=len(x),
        clean_correct=first.clean_correct,
        eps=eps_list,
        norm=norm,
        evaluations=evaluations,
        parameters={
            "attacks": list(evaluations),
            "eps": eps_list,
            "norm": norm,
            "version": version,
            "seed": seed,
            "batch_size": batch_size,
            "pgd_steps": PGD_STEPS,
            "pgd_step_size": "2.5 * eps / 40",
        },
        seconds=seconds,
        model_info={"model": probe.name},
    )


def attack_names(attacks: Sequence[str] | str) -> list[str]:
    """The attacks to run, checked: eps-bounded ones only, aliases resolved.

    Example:
        >>> attack_names("pgd, aa")
        ['pgd', 'autoattack']
    """
    given = attacks.split(",") if isinstance(attacks, str) else list(attacks)
    names = []
    for a in given:
        text = str(a).strip().lower()
        if text in MINIMAL:
            raise UserError(
                f"{text} searches for the smallest L2 perturbation and has no eps budget; "
                "measure it with the attack command, or choose eps-bounded {attacks}",
                "attacks",
            )
        if text:
            names.append(checks.choice(ALIASES.get(text, text), BOUNDED, "attacks", "attack"))
    if not names:
        raise UserError("give at least one attack in {attacks}: " + ", ".join(BOUNDED), "attacks")
    return list(dict.fromkeys(names))


def _options(attack: str, norm: str, version: str, devices: Any) -> dict:
    given: dict = {"norm": norm}
    if attack == "autoattack":
        given["version"] = version
    if attack in ("apgd-ce", "apgd-dlr", "apgd-t", "fab", "fab-t", "square", "autoattack"):
        given["devices"] = devices
    if attack == "pgd":
        given["steps"] = PGD_STEPS
    method_params(attack, given)  # every option checked before any work
    return given


def _evaluate(
    probe: Any,
    attack: str,
    x: np.ndarray,
    y: np.ndarray,
    eps: list[float],
    options: dict,
    seed: int,
    batch_size: int,
    progress: ProgressSpec,
) -> Evaluation:
    """One attack at every eps (PGD: its step scales with each eps) as one Evaluation."""
    common = {"method": attack, "seed": seed, "batch_size": batch_size, "progress": progress}
    if attack != "pgd":
        return evaluate_attack(probe, x, y, eps=eps, **common, **options)
    parts = [
        evaluate_attack(probe, x, y, eps=[e], step_size=2.5 * e / PGD_STEPS, **common, **options)
        for e in eps
    ]
    merged = parts[0]
    merged.rows = [row for p in parts for row in p.rows]
    merged.parameters = {**merged.parameters, "eps": eps, "step_size": "2.5 * eps / 40"}
    return merged


def robustness_report(
    model: Any,
    *,
    eps: Sequence[float] | float,
    attacks: Sequence[str] | str = ("pgd", "autoattack"),
    norm: str = "linf",
    version: str = "standard",
    n: int = 1000,
    dataset: str | None = None,
    data: Any = None,
    seed: int = 0,
    batch_size: int = 1000,
    devices: Any = "auto",
    gallery: str | Gallery | None = None,
    progress: ProgressSpec = None,
) -> dict:
    """:func:`robustness` on the first ``n`` test images of the model's data set, saved.

    ``data`` evaluates your own labelled images instead (an .npz with x and y or x_test
    and y_test, a folder of class subfolders, or ``(x, y)`` arrays:
    :func:`interpret.data.user.load_user_data`), the first ``n`` of them. Everything is
    checked before any work. Returns ``{"robustness", "table", "artifacts"}``.

    Example:
        >>> out = robustness_report("mnist-cnn", eps=[0.3], attacks="fgsm", n=20,
        ...                         gallery="/tmp/demo-gallery")
        >>> out["robustness"].n, len(out["artifacts"])
        (20, 2)
    """
    from interpret.attacks.report import attack_images
    from interpret.core.models import resolve

    handle = resolve(model)
    probe = handle.probe
    names = attack_names(attacks)
    for a in names:
        _options(a, norm, version, devices)
    _eps_list(eps, names, checks.choice(norm, NORMS, "norm", "norm"), probe)
    n = checks.positive_int(n, "n")
    x, y, data_info = attack_images(handle, n, dataset, data)
    rob = robustness(
        probe,
        x,
        y,
        eps=eps,
        attacks=names,
        norm=norm,
        version=version,
        seed=seed,
        batch_size=batch_size,
        devices=devices,
        progress=progress,
    )
    rob.model_info = handle.describe()
    rob.data_info = data_info
    return {"robustness": rob, "table": rob.table(), "artifacts": rob.save(gallery)}
