"""The attack API: images and labels checked first, evaluations counted on initially-correct images."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.attacks.run import attack, evaluate_attack
from interpret.core.errors import UserError
from tests.attacks.linear import grey, logits_np


def test_result_measures_every_image(linear5):
    model, w, b = linear5
    x = np.random.default_rng(3).uniform(size=(4, 4, 4, 1)).astype(np.float32)
    y = logits_np(x, w, b).argmax(1)
    res = attack(model, x, y, method="pgd", eps=0.2, steps=5)
    d = (res.adversarial - x).reshape(4, -1)
    np.testing.assert_allclose(res.l2, np.linalg.norm(d, axis=1), rtol=1e-5)
    np.testing.assert_allclose(res.linf, np.abs(d).max(1), rtol=1e-5)
    np.testing.assert_array_equal(res.pred, logits_np(res.adversarial, w, b).argmax(1))
    np.testing.assert_array_equal(res.success, res.pred != y)
    np.testing.assert_array_equal(res.clean_pred, y)
    assert res.parameters["steps"] == 5 and res.target is None


def test_minimal_attack_with_eps_counts_only_small_perturbations(linear2):
    model, w, b = linear2
    x = grey(1)
    y = logits_np(x, w, b).argmax(1)
    free = attack(model, x, y, method="deepfool")
    capped = attack(model, x, y, method="deepfool", eps=float(free.l2[0]) / 2)
    assert free.success[0] and not capped.success[0]


def test_evaluation_counts_initially_correct_images(linear5):
    model, w, b = linear5
    rng = np.random.default_rng(1)
    x = rng.uniform(size=(20, 4, 4, 1)).astype(np.float32)
    pred = logits_np(x, w, b).argmax(1)
    y = pred.copy()
    y[:5] = (y[:5] + 1) % 5  # five wrong labels: not attacked
    ev = evaluate_attack(model, x, y, method="pgd", eps=[0.0, 0.5], steps=20, step_size=0.05)
    assert ev.clean_correct == 15
    assert [r.n_attacked for r in ev.rows] == [15, 15]
    assert ev.rows[0].robust_accuracy == 1.0  # eps 0 changes nothing
    assert ev.rows[1].robust_accuracy < 1.0
    assert "initially-correct" in ev.table()


BAD = [
    ({"method": "pgd", "eps": -0.1}, "eps= must be 0 or more"),
    ({"method": "pgd", "eps": 1.5}, "beyond the input range"),
    ({"method": "pgd", "eps": 5.0, "norm": "l2"}, "beyond the input range"),
    ({"method": "magic", "eps": 0.1}, "unknown attack method"),
    ({"method": "pgd"}, "needs eps="),
    ({"method": "pgd", "eps": 0.1, "target": 7}, "out of range"),
    ({"method": "pgd", "eps": 0.1, "target": -1}, "out of range"),
    ({"method": "pgd", "eps": 0.1, "labels": [0, 1, 0]}, "labels do not match images"),
    ({"method": "pgd", "eps": 0.1, "labels": [0, 9]}, "out of range"),
    ({"method": "pgd", "eps": 0.1, "images": np.full((2, 4, 4, 1), 2.0)}, "in [0, 1]"),
    ({"method": "pgd", "eps": 0.1, "images": np.zeros((2, 5, 5, 1))}, "takes (N, 4, 4, 1)"),
    ({"method": "pgd", "eps": 0.1, "norm": "l3"}, "unknown norm"),
    ({"method": "pgd", "eps": 0.1, "steps": 0}, "steps= must be"),
    ({"method": "fgsm", "eps": 0.1, "steps": 3}, "fgsm does not take steps"),
    ({"method": "deepfool", "target": 1}, "deepfool is untargeted"),
]


@pytest.mark.parametrize("case,message", BAD)
def test_bad_input_is_a_user_error(linear5, case, message):
    model, _, _ = linear5
    case = dict(case)
    x = case.pop("images", grey(2))
    y = case.pop("labels", [0, 1])
    with pytest.raises(UserError) as err:
        attack(model, x, y, **case)
    assert message in str(err.value)


def test_nothing_to_attack_says_why_and_what_to_check(linear5):
    model, w, b = linear5
    x = grey(2)
    pred = logits_np(x, w, b).argmax(1)
    with pytest.raises(UserError, match="gets none of these 2 images right.*check that the labels"):
        evaluate_attack(model, x, (pred + 1) % 5, method="pgd", eps=0.1)
    with pytest.raises(UserError, match="no image right that is not already of its target class"):
        evaluate_attack(model, x, pred, method="pgd", eps=0.1, target=pred)
