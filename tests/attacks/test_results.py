"""Attack results: success rate, and an eps sweep counted on the initially-correct images."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from interpret.attacks.results import AttackResult, EvalRow, Evaluation


def result(success, l2=None) -> AttackResult:
    n = len(success)
    z = np.zeros(n)
    return AttackResult(
        method="pgd",
        adversarial=np.zeros((n, 2, 2, 1), np.float32),
        success=np.asarray(success, bool),
        l2=z if l2 is None else np.asarray(l2),
        linf=z,
        pred=z.astype(int),
        confidence=z,
        labels=z.astype(int),
        clean_pred=z.astype(int),
        clean_confidence=z,
        target=None,
        parameters={},
        seconds=0.1,
    )


def evaluation(method="pgd", params=None) -> Evaluation:
    rows = [
        EvalRow(0.1, 8, 6, 0.75, 1.25, 0.1, 0.5),
        EvalRow(0.3, 8, 0, 0.0, math.nan, math.nan, 0.25),
    ]
    return Evaluation(
        model="tiny",
        method=method,
        n=10,
        clean_correct=8,
        rows=rows,
        parameters=params if params is not None else {"norm": "linf", "seed": 0},
        images=np.zeros((8, 2, 2, 1), np.float32),
        labels=np.zeros(8, int),
    )


def test_success_rate_and_its_empty_case():
    assert result([True, False, True, True]).success_rate == 0.75
    assert math.isnan(result([]).success_rate)


def test_clean_accuracy_counts_all_n_images():
    assert evaluation().clean_accuracy == 0.8
    empty = evaluation()
    empty.n = 0
    assert math.isnan(empty.clean_accuracy)


def test_table_says_what_robust_accuracy_is_counted_on():
    lines = evaluation().table().splitlines()
    assert lines[0] == (
        "pgd on tiny: clean accuracy 0.8000 (8/10); robust accuracy is counted on the "
        "8 initially-correct images"
    )
    assert lines[1].split() == ["eps", "(linf)", "robust", "acc", "fooled", "mean", "L2"] + [
        "mean",
        "Linf",
        "seconds",
    ]
    assert lines[2].split() == ["0.1", "0.7500", "2/8", "1.2500", "0.1000", "0.50"]
    assert lines[3].split() == ["0.3", "0.0000", "8/8", "-", "-", "0.25"]  # no mean over nothing
    assert lines[-1].startswith("mean L2/Linf are over successful perturbations only")
    minimal = evaluation("deepfool", {"seed": 0}).table().splitlines()[1]
    assert minimal.split()[:2] == ["eps", "(l2)"]


def test_figures_are_json_ready_with_none_for_undefined_means():
    figures = evaluation().figures()
    assert json.loads(json.dumps(figures)) == figures
    assert figures["counted_on"] == "initially-correct images"
    assert figures["rows"][1]["mean_l2"] is None and figures["rows"][0]["mean_l2"] == 1.25
    assert figures["clean_accuracy"] == pytest.approx(0.8)
