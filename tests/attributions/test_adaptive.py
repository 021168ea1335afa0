"""Integrated Gradients' adaptive rule: the budget, the plain trapezoid sum on its nodes,
and a tighter completeness than the even rules on a network whose path has kinks."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.attributions import adaptive, attribute
from interpret.attributions.gradients import baseline_images
from interpret.core.probe import Probe
from tests.attributions.test_gradients import tape_gradient

KINKS = (0.0313, 0.3141)  # where the path's hidden units switch on
SLOPES = (1.0, 2.0)  # what each adds to the score's slope (class 0) once on


def kinked_model():
    """4x4 grey image -> flatten -> 2 ReLUs -> 2 logits. From black to an all-ones image,
    unit j's input is ``a - KINKS[j]``: the score is piecewise linear in ``a`` with a kink
    at each of KINKS, and the IG integrand jumps there."""
    from interpret._tf import keras

    L = keras.layers
    model = keras.Sequential(
        [
            keras.Input((4, 4, 1)),
            L.Flatten(name="flat"),
            L.Dense(len(KINKS), activation="relu", name="hidden"),
            L.Dense(2, name="out"),
        ]
    )
    model.get_layer("hidden").set_weights(
        [np.full((16, len(KINKS)), 1 / 16, "float32"), -np.asarray(KINKS, "float32")]
    )
    out = np.stack([SLOPES, np.ones(len(KINKS))], 1).astype("float32")
    model.get_layer("out").set_weights([out, np.zeros(2, "float32")])
    return model


@pytest.fixture(scope="module")
def kinked():
    return Probe(kinked_model()), np.ones((1, 4, 4, 1), "float32")


def test_adaptive_is_much_closer_to_completeness_than_the_even_rules_at_equal_steps(kinked):
    probe, x = kinked
    delta = sum(c * (1 - k) for c, k in zip(SLOPES, KINKS))
    err = {}
    for rule in ("riemann", "trapezoid", "adaptive"):
        out = attribute(probe, x, "ig", 0, steps=32, rule=rule)
        c = out.figures["completeness"]
        np.testing.assert_allclose(c["score_difference"], [delta], rtol=1e-5)
        np.testing.assert_allclose(out.maps.sum((1, 2)), c["map_sum"], rtol=1e-5)
        err[rule] = c["relative_error"][0]
    assert min(err["riemann"], err["trapezoid"]) > 1e-3, err  # the kinks cost the even rules
    assert err["adaptive"] < min(err["riemann"], err["trapezoid"]) / 20, err


@pytest.fixture(scope="module")
def cnn():
    from tests.maxi_models import small_cnn

    model = small_cnn()
    x = np.random.default_rng(1).random((3, 12, 12, 3), dtype=np.float32)
    return model, Probe(model), x


@pytest.mark.parametrize("steps", [2, 5, 40])
def test_adaptive_spends_steps_gradients_and_its_map_is_the_trapezoid_sum_on_its_nodes(
    cnn, monkeypatch, steps
):
    model, probe, x = cnn
    seen = []
    evaluate = adaptive._evaluate

    def recording(run, fn, images, alphas):
        seen.append((len(images[0]), alphas.copy()))
        return evaluate(run, fn, images, alphas)

    monkeypatch.setattr(adaptive, "_evaluate", recording)
    base = baseline_images(x, "noise", 0)
    out = attribute(probe, x, "ig", 1, steps=steps, rule="adaptive", baseline="noise", memory=0.05)
    assert out.figures["completeness"]["steps"] == [steps] * 3
    nodes, start = [], 0  # the calls come group by group, each group's rounds in order
    while start < len(seen):
        b, k = seen[start][0], 0
        rows = []
        while start < len(seen) and seen[start][0] == b and k < steps:
            rows.append(seen[start][1])
            k += seen[start][1].shape[1]
            start += 1
        assert k == steps  # exactly ``steps`` gradients per image
        nodes.append(np.concatenate(rows, 1))
    nodes = np.concatenate(nodes)
    assert nodes.shape == (3, steps)
    assert (nodes.min(1) == 0).all() and (nodes.max(1) == 1).all()
    weights = adaptive.trapezoid_weights(nodes)
    want = np.zeros(x.shape, np.float64)
    for k in range(steps):
        g, _ = tape_gradient(model, base + nodes[:, k, None, None, None] * (x - base), [1] * 3)
        want += weights[:, k, None, None, None] * g
    np.testing.assert_allclose(out.maps, ((x - base) * want).sum(-1), rtol=1e-3, atol=1e-6)


def test_adaptive_completeness_within_one_percent_at_256_steps(cnn):
    _, probe, x = cnn
    moved = np.asarray(probe.logits(x)) - np.asarray(probe.logits(np.zeros_like(x)))
    out = attribute(probe, x, "ig", np.abs(moved).argmax(1), steps=256, rule="adaptive")
    assert max(out.figures["completeness"]["relative_error"]) < 0.01


def test_next_nodes_bisects_the_intervals_of_largest_error_the_same_count_per_image():
    a = np.array([[0.0, 0.25, 0.5, 1.0], [0.0, 0.25, 0.5, 1.0]])
    f = np.array([[0.0, 0.25, 0.5, 1.0], [0.0, 0.5, 0.6, 1.0]])  # row 0: f(a) = a, exact
    d = np.ones_like(a)
    new = adaptive.next_nodes(a, f, d, 2)
    assert new.shape == (2, 2)
    assert new[0].tolist() == [0.75, 0.125]  # no error anywhere: the widest first
    assert new[1].tolist() == [0.125, 0.375]  # errors 0.25, -0.15, -0.1: the two largest
