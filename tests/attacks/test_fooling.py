"""Fooling images on a tiny linear model: both methods reach the threshold; operators; bad input."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.core.errors import UserError


@pytest.fixture(scope="module")
def linear4():
    from interpret._tf import keras

    rng = np.random.default_rng(0)
    model = keras.Sequential(
        [
            keras.Input((6, 6, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(4, activation="softmax", name="out"),
        ]
    )
    model.get_layer("out").set_weights(
        [rng.normal(size=(36, 4)).astype("float32"), np.zeros(4, "float32")]
    )
    return model


def test_gradient_fooling_reaches_the_threshold_for_every_class(linear4):
    from interpret.attacks.fooling import fool

    res = fool(linear4, "all", threshold=0.999, steps=300, step_size=0.05)
    assert res.classes == [0, 1, 2, 3]
    assert res.reached.all() and (res.confidence >= 0.999).all()
    np.testing.assert_array_equal(res.top_class, [0, 1, 2, 3])
    assert res.images.min() >= 0 and res.images.max() <= 1
    assert res.iterations < 300  # stopped early once every image got there


def test_logit_objective_drives_each_image_to_its_logit_maximum(linear4):
    from interpret.attacks.fooling import fool

    w = linear4.get_layer("out").get_weights()[0]
    res = fool(linear4, "all", threshold=0.999, steps=100, step_size=0.05, objective="logit")
    # a linear logit is maximised at the corner x = [w_c > 0]; the softmax need not follow, so
    # images either stop early at the threshold or end in that corner still short of it
    at_corner = [
        np.array_equal(res.images[k].reshape(-1), (w[:, c] > 0).astype("float32"))
        for k, c in enumerate(res.classes)
    ]
    assert all(a or r for a, r in zip(at_corner, res.reached))
    assert not res.reached.all() and any(at_corner)


def test_gradient_fooling_is_seeded_and_picks_classes(linear4):
    from interpret.attacks.fooling import fool

    a = fool(linear4, "2,0", threshold=0.9, steps=5, seed=1)
    b = fool(linear4, [2, 0], threshold=0.9, steps=5, seed=1)
    assert a.classes == [2, 0]
    np.testing.assert_array_equal(a.images, b.images)


def test_evolve_reaches_the_threshold_without_gradients(linear4):
    from interpret.attacks.fooling import fool

    res = fool(linear4, "all", method="evolve", threshold=0.99, generations=300, population=32)
    assert res.reached.all()
    assert res.evaluations == 32 * (res.iterations + 1)
    assert res.parameters["budget_predictions"] == 300 * 32


def test_polynomial_mutation_respects_rate_and_bounds():
    from interpret.attacks.fooling import polynomial_mutation

    rng = np.random.default_rng(0)
    x = rng.uniform(size=(200, 50))
    y = polynomial_mutation(x, 0.1, 15.0, rng)
    changed = (y != x).mean()
    assert 0.07 < changed < 0.13
    assert y.min() >= 0 and y.max() <= 1
    assert np.abs(y - x).max() < 1.0


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"method": "annealing"}, "unknown fooling method"),
        ({"classes": "7"}, "out of range"),
        ({"classes": "cat"}, "unknown class"),
        ({"threshold": 1.0}, "threshold= must lie in (0, 1)"),
        ({"steps": 0}, "steps= must be"),
        ({"objective": "prob"}, "unknown objective"),
        ({"mutation_rate": 0.0}, "mutation_rate"),
    ],
)
def test_bad_input_is_a_user_error(linear4, kwargs, message):
    from interpret.attacks.fooling import fool

    kwargs = dict(kwargs)
    classes = kwargs.pop("classes", "all")
    with pytest.raises(UserError) as err:
        fool(linear4, classes, **kwargs)
    assert message in str(err.value)
