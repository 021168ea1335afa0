"""Carlini-Wagner L2 on a linear model: success near the minimal distance; misses come back unchanged."""

from __future__ import annotations

import numpy as np

from interpret.attacks.cw import carlini_wagner
from interpret.attacks.run import attack
from interpret.core.models import as_probe
from tests.attacks.linear import grey, logits_np, minimal_l2


def test_cw_succeeds_near_the_minimal_distance(linear2):
    model, w, b = linear2
    x = grey(2)
    y = logits_np(x, w, b).argmax(1)
    res = attack(model, x, y, method="cw", steps=100, step_size=0.05, binary_search_steps=6)
    assert res.success.all()
    minimal = minimal_l2(x, w, b)
    assert minimal * 0.999 <= res.l2[0] <= minimal * 1.3


def test_images_never_fooled_come_back_unchanged(linear2):
    model, w, b = linear2
    x = grey(2)
    y = logits_np(x, w, b).argmax(1)
    out = carlini_wagner(
        as_probe(model), x, y, steps=1, step_size=1e-4, binary_search_steps=1, initial_const=1e-3
    )
    np.testing.assert_array_equal(out, x)
