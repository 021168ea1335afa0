"""DeepFool on a linear model: one step lands on the boundary, times the overshoot."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.attacks.deepfool import deepfool
from interpret.attacks.run import attack
from interpret.core.models import as_probe
from tests.attacks.linear import grey, linear_model, logits_np, minimal_l2


def test_deepfool_finds_the_linear_boundary():
    model, w, b = linear_model(2, side=12)  # many pixels: the step needs no clipping
    x = grey(1, side=12)
    y = logits_np(x, w, b).argmax(1)
    res = attack(model, x, y, method="deepfool", overshoot=0.02)
    assert res.success.all()
    assert res.l2[0] == pytest.approx((minimal_l2(x, w, b) + 1e-4) * 1.02, rel=1e-3)


def test_images_already_misclassified_are_left_alone():
    model, w, b = linear_model(3, side=6, seed=2)
    x = np.random.default_rng(0).uniform(size=(4, 6, 6, 1)).astype(np.float32)
    wrong = (logits_np(x, w, b).argmax(1) + 1) % 3
    np.testing.assert_array_equal(deepfool(as_probe(model), x, wrong, candidates=3), x)
