"""The robustness API: accuracy over all images per attack and eps, AutoAttack's stages, saving."""

from __future__ import annotations

import json

import numpy as np
import pytest

from interpret.core.errors import UserError
from tests.attacks.linear import linear_model

SMALL = {"steps": 10, "restarts": 1, "targets": 9, "queries": 100, "p_init": 0.8}


@pytest.fixture(scope="module")
def evaluated():
    from interpret.attacks.robustness import robustness
    from interpret.core.models import as_probe

    with pytest.MonkeyPatch.context() as mp:  # AutoAttack's stages with few steps and queries
        mp.setattr("interpret.attacks.autoattack.STANDARD", SMALL)
        return _evaluate(as_probe, robustness)


def _evaluate(as_probe, robustness):
    model, _, _ = linear_model(5, seed=6, side=6)
    probe = as_probe(model)
    x = np.random.default_rng(6).uniform(0, 1, (24, 6, 6, 1)).astype("float32")
    y = probe.predict(x).argmax(1).astype("int32")
    y[:4] = (y[:4] + 1) % 5
    rob = robustness(probe, x, y, eps="0.02,0.08".split(","), attacks="fgsm,pgd,autoattack")
    return rob


def test_accuracy_is_counted_over_all_images_and_autoattack_is_the_strongest(evaluated):
    rob = evaluated
    assert rob.n == 24 and rob.clean_correct == 20 and rob.clean_accuracy == 20 / 24
    for e in rob.eps:
        aa, pgd, fgsm = (rob.accuracy(a, e) for a in ("autoattack", "pgd", "fgsm"))
        assert aa <= pgd <= rob.clean_accuracy and aa <= fgsm
        stages = rob.stages(e)
        assert stages[0] == ("clean", 20 / 24) and stages[-1][1] == aa
    assert rob.accuracy("autoattack", 0.08) < rob.accuracy("autoattack", 0.02)
    text = rob.table()
    assert "robust accuracy over all 24 images" in text and "after fab-t" in text


def test_save_writes_the_plot_and_the_sheet_with_their_figures(evaluated, tmp_path):
    arts = evaluated.save(tmp_path)
    assert [a.png.name for a in arts][0] == "accuracy-linf.png" and len(arts) == 2
    meta = json.loads(arts[0].png.with_suffix(".json").read_text())
    figs = meta["figures"]
    assert figs["clean_accuracy"] == 20 / 24 and set(figs["robust_accuracy"]) == {
        "fgsm",
        "pgd",
        "autoattack",
    }
    assert meta["parameters"]["pgd_step_size"] == "2.5 * eps / 40"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"attacks": "cw"}, "has no eps budget"),
        ({"attacks": "pgd,magic"}, "unknown attack 'magic' for attacks=; choose one of: fgsm"),
        ({"eps": [0.0]}, "must be greater than 0"),
        ({"eps": [1.5]}, "beyond the input range"),
        ({"eps": [7.0], "norm": "l2"}, r"at most 6"),
        ({"version": "fast"}, "unknown AutoAttack version 'fast'"),
    ],
)
def test_bad_input_is_one_user_error(kwargs, message):
    from interpret.attacks.robustness import robustness

    model, _, _ = linear_model(5, side=6)
    args = {"eps": [0.1], "attacks": "pgd,autoattack", **kwargs}
    with pytest.raises(UserError, match=message):
        robustness(model, np.zeros((2, 6, 6, 1), "float32"), [0, 1], **args)
