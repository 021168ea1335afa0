"""Gradient-masking checks: each flag raised by a model built to trip it, and a clean model passes."""

from __future__ import annotations

import numpy as np
import pytest

from tests.attacks.linear import linear_model


def quantised_model():
    """Inputs rounded to 4 levels before a dense layer: no gradient reaches the image."""
    from interpret._tf import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input((6, 6, 1)),
            keras.layers.Discretization(bin_boundaries=[0.25, 0.5, 0.75]),
            keras.layers.Rescaling(1 / 3),
            keras.layers.Flatten(),
            keras.layers.Dense(5, name="out"),
        ]
    )


def _data(probe, n=16, side=6, seed=1):
    x = np.random.default_rng(seed).uniform(0, 1, (n, side, side, 1)).astype("float32")
    return x, probe.predict(x).argmax(1).astype("int32")


def test_zero_gradients_and_square_beating_the_gradients_are_flagged_and_the_run_completes():
    from interpret.attacks.autoattack import autoattack
    from interpret.attacks.masking import GradientMaskingWarning
    from interpret.core.models import as_probe

    probe = as_probe(quantised_model())
    x, y = _data(probe)
    with pytest.warns(GradientMaskingWarning) as caught:
        run = autoattack(probe, x, y, eps=0.3, attacks="apgd-ce,square", devices="one")
    text = " ".join(str(w.message) for w in caught)
    assert "gradient is zero on 16" in text and "Square Attack (black-box) fooled" in text
    assert run.table()[-1][1] < run.table()[1][1]
    assert len(run.masking.warnings) == 2


def test_misclassified_images_are_left_out_of_the_zero_gradient_count():
    # A misclassified image whose label is ranked 3rd has DLR = (z1 - z3) / (z1 - z3) = 1,
    # whose gradient is exactly zero: it says nothing about masking (it is not attacked).
    from interpret.attacks.masking import _dlr_objective, check_model
    from interpret.core.grad import Gradient
    from interpret.core.models import as_probe

    model, _, _ = linear_model(5, side=6)
    probe = as_probe(model)
    x, pred = _data(probe, n=32)
    third = np.argsort(-probe.predict(x), axis=1)[:, 2].astype("int32")
    d, g = Gradient(probe, _dlr_objective)(x, third)
    assert np.allclose(d, 1.0) and not g.any()
    y = np.where(np.arange(32) < 8, third, pred)  # 8 misclassified, label ranked 3rd
    report = check_model(probe, x, y)
    assert report.warnings == []
    assert report.figures == {"checked": 24, "zero_gradient": 0, "nonfinite_gradient": 0}


def test_a_clean_model_raises_nothing_and_a_softmax_head_is_noted():
    import warnings

    from interpret.attacks.masking import check_model
    from interpret.core.models import as_probe

    model, _, _ = linear_model(5, softmax=True, side=6)
    probe = as_probe(model)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = check_model(probe, *_data(probe))
    assert report.warnings == [] and "ends in a softmax" in report.notes[0]
    assert report.figures["zero_gradient"] == 0


def _wrapped(layer):
    from interpret._tf import keras

    model, _, _ = linear_model(5, side=6)
    return keras.Sequential([keras.Input((6, 6, 1)), *model.layers, layer])


def test_a_randomised_model_and_probability_outputs_are_flagged():
    from interpret._tf import keras
    from interpret.attacks.masking import GradientMaskingWarning, check_model
    from interpret.core.models import as_probe

    class Jitter(keras.layers.Layer):
        def call(self, z):
            return z + keras.random.normal(keras.ops.shape(z), stddev=0.5)

    class Probabilities(keras.layers.Layer):  # a softmax the probe cannot recognise
        def call(self, z):
            return keras.ops.softmax(z)

    for layer, words in ((Jitter(), "is randomised"), (Probabilities(), "look like probabilities")):
        probe = as_probe(_wrapped(layer))
        with pytest.warns(GradientMaskingWarning, match=words):
            check_model(probe, *_data(probe))
