"""AutoAttack: stages in order on the images still robust, the versions, checked results."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.core.errors import UserError
from tests.attacks.linear import linear_model


@pytest.fixture(scope="module")
def five():
    from interpret.core.models import as_probe

    model, _, _ = linear_model(5, seed=4, side=6)
    probe = as_probe(model)
    x = np.random.default_rng(4).uniform(0, 1, (20, 6, 6, 1)).astype("float32")
    y = probe.predict(x).argmax(1).astype("int32")
    y[:2] = (y[:2] + 1) % 5  # two misclassified to begin with
    return probe, x, y


def test_stages_run_in_order_on_the_images_still_robust(five):
    from interpret.attacks.autoattack import autoattack

    probe, x, y = five
    run = autoattack(probe, x, y, eps=0.12, attacks="apgd-ce,apgd-t,fab-t", devices="one")
    names = [n for n, _ in run.table()]
    left = [k for _, k in run.table()]
    assert names == ["clean", "apgd-ce", "apgd-t", "fab-t"] and left[0] == 18
    assert all(a >= b for a, b in zip(left, left[1:])) and left[-1] < left[0]
    hit = run.stage >= 0
    assert (probe.predict(run.adversarial[hit]).argmax(1) != y[hit]).all()
    assert np.abs(run.adversarial - x).max() <= 0.12 + 1e-5
    np.testing.assert_array_equal(run.adversarial[~hit], x[~hit])
    assert (run.stage[:2] == -2).all() and len(run.seconds) == 3


def test_the_attack_api_reports_each_images_stage_and_the_table(five, monkeypatch):
    from interpret.attacks.run import attack, evaluate_attack

    # few steps and queries: the stage bookkeeping is tested, not the budgets (Square's 5000
    # queries on the images APGD leaves were most of this test's time)
    small = {"steps": 10, "restarts": 1, "targets": 4, "queries": 100, "p_init": 0.8}
    monkeypatch.setattr("interpret.attacks.autoattack.STANDARD", small)
    probe, x, y = five
    res = attack(
        probe, x, y, method="aa", eps=0.12, version="custom", attacks=["apgd-ce", "square"]
    )
    assert res.details["stages"] == ["apgd-ce", "square"]
    np.testing.assert_array_equal(res.success[2:], res.details["stage"][2:] >= 0)
    ev = evaluate_attack(
        probe, x, y, method="autoattack", eps=[0.05, 0.12], attacks="apgd-ce,square"
    )
    (e1, s1), (e2, s2) = ev.stages()
    assert s1[0] == ("clean", 18) and s2[-1][1] == ev.rows[1].robust
    assert "images still robust after each stage" in ev.table()


def test_versions_and_bad_stage_lists():
    from interpret.attacks.autoattack import stage_settings
    from interpret.attacks.options import autoattack_stages, method_params

    assert method_params("autoattack", {})["attacks"] == ["apgd-ce", "apgd-t", "fab-t", "square"]
    assert autoattack_stages("plus", None)["attacks"][-2:] == ["apgd-t", "fab-t"]
    assert stage_settings("plus", "fab", 10)["restarts"] == 5
    assert stage_settings("standard", "apgd-t", 10)["targets"] == 9
    with pytest.raises(UserError, match="choose one of: apgd-ce, apgd-dlr"):
        autoattack_stages(None, "apgd-ce,pgd")
    with pytest.raises(UserError, match="custom needs attacks="):
        autoattack_stages("custom", None)


def test_a_two_class_model_cannot_run_the_targeted_dlr():
    from interpret.attacks.run import attack

    model, _, _ = linear_model(2)
    x = np.full((2, 4, 4, 1), 0.5, np.float32)
    with pytest.raises(UserError, match="apgd-t needs at least 4 classes") as e:
        attack(model, x, [0, 1], method="autoattack", eps=0.1)
    assert str(e.value).endswith("for attacks= (here: apgd-ce,fab-t,square)")
    with pytest.raises(UserError, match="chooses its own targets"):
        attack(model, x, [0, 1], method="apgd-t", eps=0.1, target=1)
