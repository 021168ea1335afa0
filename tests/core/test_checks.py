"""Input checks: what passes comes back normalised; what fails is a UserError naming the parameter."""

from __future__ import annotations

import math

import numpy as np
import pytest

from interpret.core import checks
from interpret.core.errors import UserError
from interpret.core.probe import Probe


@pytest.mark.parametrize("value,want", [(3, 3), (2.0, 2), ("7", 7), (np.int64(4), 4)])
def test_positive_int_accepts_whole_numbers(value, want):
    got = checks.positive_int(value, "steps")
    assert got == want and type(got) is int


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "x", None, math.nan, math.inf])
def test_positive_int_rejects_and_names_the_parameter(value):
    with pytest.raises(UserError, match=r"^steps= must be a whole number of at least 1") as e:
        checks.positive_int(value, "steps")
    assert e.value.param == "steps"
    assert e.value.message({"steps": "--steps"}).startswith("--steps must be")


def test_positive_int_minimum():
    assert checks.positive_int(2, "diverse", minimum=2) == 2
    with pytest.raises(UserError, match="at least 2, got 1"):
        checks.positive_int(1, "diverse", minimum=2)


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda: checks.positive(0, "lr"), "lr= must be greater than 0, got 0"),
        (lambda: checks.positive("a", "lr"), "lr= must be a number, got 'a'"),
        (lambda: checks.positive(math.nan, "lr"), "lr= must be a finite number"),
        (lambda: checks.positive(True, "lr"), "lr= must be a finite number"),
        (lambda: checks.non_negative(-0.1, "tv"), "tv= must be 0 or more, got -0.1"),
        (lambda: checks.non_negative(2, "scale", maximum=1), r"scale= must lie in \[0, 1\], got 2"),
        (lambda: checks.fraction(0, "keep"), r"keep= must lie in \(0, 1\], got 0"),
        (lambda: checks.fraction(1, "p", open_high=True), r"p= must lie in \(0, 1\), got 1"),
        (lambda: checks.fraction(-0.1, "p", open_low=False), r"p= must lie in \[0, 1\]"),
        (
            lambda: checks.choice("dct", ("fourier", "pixel"), "param", "parameterization"),
            "unknown parameterization 'dct' for param=; choose one of: fourier, pixel",
        ),
    ],
)
def test_number_and_choice_checks_reject_with_one_line(call, message):
    with pytest.raises(UserError, match=message):
        call()


def test_number_and_choice_checks_pass_values_through():
    assert checks.positive("0.5", "lr") == 0.5
    assert checks.non_negative(0, "tv") == 0.0
    assert checks.non_negative(1, "scale", maximum=1) == 1.0
    assert checks.fraction(1, "keep") == 1.0
    assert checks.fraction(0, "p", open_low=False) == 0.0
    assert checks.choice(" Pixel ", ("fourier", "pixel"), "param") == "pixel"


@pytest.fixture
def grey_probe():
    from interpret._tf import keras

    model = keras.Sequential(
        [keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(3)], name="grey"
    )
    return Probe(model, name="grey")


def test_images_are_float32_in_0_1_with_a_channel_axis(grey_probe):
    x, y = checks.images(grey_probe, np.full((2, 4, 4), 255, np.uint8), [0, 2])
    assert x.shape == (2, 4, 4, 1) and x.dtype == np.float32 and x.max() == 1.0
    assert y.dtype == np.int32 and y.tolist() == [0, 2]
    x, y = checks.images(grey_probe, np.zeros((1, 4, 4, 1)))
    assert x.dtype == np.float32 and y is None
    one, label = checks.images(grey_probe, np.zeros((4, 4, 1)), 2)  # one image: a batch of one
    assert one.shape == (1, 4, 4, 1) and label.tolist() == [2]
    one, _ = checks.images(grey_probe, np.zeros((4, 4), np.uint8))  # x_test[0] of MNIST: (H, W)
    assert one.shape == (1, 4, 4, 1)


@pytest.mark.parametrize(
    "x,message",
    [
        (np.zeros((2, 5, 5, 1)), r"x= has shape \(2, 5, 5, 1\); grey takes \(N, 4, 4, 1\)"),
        (np.zeros((0, 4, 4, 1)), "no images given in x="),
        (np.full((1, 4, 4, 1), 2.0), r"x= must be float32 in \[0, 1\] \(or uint8 0..255\)"),
        (np.full((1, 4, 4, 1), np.nan), r"x= must be float32 in \[0, 1\]"),
        ("digit.png", "x= holds file names; pass image arrays"),
        (["a.png", "b.png"], "x= holds file names"),
    ],
)
def test_bad_images_are_user_errors(grey_probe, x, message):
    with pytest.raises(UserError, match=message) as e:
        checks.images(grey_probe, x)
    assert e.value.param == "x"


def test_labels_one_hot_and_whole_floats_become_indices(grey_probe):
    assert checks.labels(grey_probe, np.eye(3)[[2, 0]], 2).tolist() == [2, 0]
    assert checks.labels(grey_probe, [1.0, 2.0], 2).tolist() == [1, 2]
    assert checks.labels(grey_probe, 1, 1).tolist() == [1]


def test_labels_as_a_column_are_indices(grey_probe):
    # keras.datasets.cifar10 gives y of shape (N, 1); load_user_data takes it too
    assert checks.labels(grey_probe, np.array([[2], [0], [1]], "uint8"), 3).tolist() == [2, 0, 1]


@pytest.mark.parametrize(
    "y,n,message",
    [
        ([0, 1], 3, "labels do not match images: 3 images but y= of shape"),
        ([0.5], 1, "y= must be integer class indices"),
        ([3], 1, r"label 3 in y= is out of range: grey has 3 classes \(0-2\)"),
        ([-1], 1, "label -1 in y= is out of range"),
    ],
)
def test_bad_labels_are_user_errors(grey_probe, y, n, message):
    with pytest.raises(UserError, match=message):
        checks.labels(grey_probe, y, n)
    with pytest.raises(UserError, match=message.replace("y=", "target=")):
        checks.labels(grey_probe, y, n, param="target")
