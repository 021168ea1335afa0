"""The attack methods, their defaults and option checks: said once, checked before any work."""

from __future__ import annotations

import math

import numpy as np
import pytest

from interpret.attacks import options
from interpret.core.errors import UserError
from interpret.core.models import as_probe
from tests.attacks.linear import linear_model


@pytest.mark.parametrize(
    "given,want", [("PGD", "pgd"), ("fgm", "fgsm"), ("CW-L2", "cw"), ("carlini-wagner", "cw")]
)
def test_method_names_and_aliases(given, want):
    assert options.method_name(given) == want


def test_an_unknown_method_lists_the_methods():
    with pytest.raises(UserError, match="unknown attack method 'bim'.*fgsm, pgd, cw, deepfool"):
        options.method_name("bim")


def test_eps_is_bounded_by_the_largest_distance_in_the_image_box():
    shape = (4, 4, 1)
    assert options.check_eps(1.0, "pgd", "linf", shape) == 1.0
    assert options.check_eps(4.0, "pgd", "l2", shape) == 4.0  # sqrt(16)
    with pytest.raises(UserError, match=r"an L2 perturbation is at most 4; use eps in \[0, 4\]"):
        options.check_eps(4.5, "pgd", "l2", shape)
    with pytest.raises(UserError, match="an L2 perturbation"):  # minimal attacks measure L2
        options.check_eps(4.5, "cw", "linf", shape)
    assert options.check_eps(None, "deepfool", "linf", shape) is None
    with pytest.raises(UserError, match="fgsm needs eps="):
        options.check_eps(None, "fgsm", "linf", shape)


def test_method_params_fill_defaults_and_check_each_option():
    p = options.method_params("pgd", {"steps": 5, "norm": "L2", "step_size": None})
    assert p["steps"] == 5 and p["norm"] == "l2" and p["step_size"] == 0.01
    assert p["precision"] == "float32" and options.DEFAULTS["pgd"]["steps"] == 40  # not mutated
    with pytest.raises(UserError, match="candidates= must be a whole number of at least 2"):
        options.method_params("deepfool", {"candidates": 1})
    with pytest.raises(UserError, match="step_size= must be greater than 0"):
        options.method_params("cw", {"step_size": 0})
    with pytest.raises(UserError, match="cw runs in float32 only; drop precision="):
        options.method_params("cw", {"precision": "bfloat16"})
    with pytest.raises(UserError, match="deepfool does not take eta="):
        options.method_params("deepfool", {"eta": 1})


def test_target_labels_from_a_class_or_one_per_image():
    probe = as_probe(linear_model(5, seed=1)[0])
    assert options.target_labels(probe, None, 3) is None
    assert options.target_labels(probe, 2, 3).tolist() == [2, 2, 2]
    assert options.target_labels(probe, np.array([0, 4]), 2).dtype == np.int32
    with pytest.raises(UserError, match=r"give one target= class or one per image \(3\), not 2"):
        options.target_labels(probe, [0, 1], 3)
    with pytest.raises(UserError, match="out of range"):
        options.target_labels(probe, [0, 5], 2)


def test_every_method_has_defaults_and_the_minimal_ones_are_listed():
    assert set(options.DEFAULTS) == set(options.METHODS)
    assert set(options.MINIMAL) <= set(options.METHODS)
    for method in options.METHODS:
        checked = options.method_params(method, {})
        assert all(not (isinstance(v, float) and math.isnan(v)) for v in checked.values())
