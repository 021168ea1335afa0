import numpy as np
import pytest

from interpret.core import objectives as obj
from interpret.core.errors import UserError
from interpret.core.probe import Probe
from interpret.visualize import transforms as T
from interpret.visualize.render import evaluate, render
from tests.maxi_models import small_cnn


@pytest.fixture(scope="module")
def dead_probe():
    return Probe(small_cnn(dead_filter=1), name="tiny")


def test_ascent_raises_the_objective_and_is_seeded(dead_probe):
    o = obj.channel("c2", [0, 1, 2])
    grey = evaluate(dead_probe, o, np.full((3, 12, 12, 3), 0.5, "float32"))
    calls = []
    a = render(dead_probe, o, batch=3, steps=24, lr=0.1, seed=5, chunk=10, progress=calls.append)
    b = render(dead_probe, o, batch=3, steps=24, lr=0.1, seed=5, chunk=10)
    assert calls == [10, 10, 4]
    assert a.images.shape == (3, 12, 12, 3) and a.images.min() >= 0 and a.images.max() <= 1
    assert np.all(a.values > grey)
    np.testing.assert_array_equal(a.images, b.images)
    assert a.settings["transforms"] and a.settings["seed"] == 5


@pytest.mark.parametrize(
    "param, transforms",
    [
        ("fourier", None),  # the default: the moves fold into the Fourier synthesis
        ("fourier", T.default(12, rotate_degrees=5)),  # rotation: one shared two-pass warp
        ("pixel", None),  # pixels: the same shared warp
        ("fourier", T.compose([T.pad(2), T.jitter(1)])),  # a pad: the general pipeline
    ],
)
def test_every_prior_path_raises_the_objective(dead_probe, param, transforms):
    o = obj.channel("c2", [0, 1])
    grey = evaluate(dead_probe, o, np.full((2, 12, 12, 3), 0.5, "float32"))
    r = render(dead_probe, o, batch=2, steps=16, lr=0.1, param=param, transforms=transforms)
    assert r.images.shape == (2, 12, 12, 3)
    assert np.all(r.values > grey)


def test_dead_relu_filter_comes_alive_only_with_the_leak(dead_probe):
    o = obj.neuron("c1", 1)
    grey = evaluate(dead_probe, o, np.full((1, 12, 12, 3), 0.5, "float32"))
    assert grey[0] == 0.0  # really dead at the start
    quiet = T.compose([])
    plain = render(dead_probe, o, batch=1, steps=20, lr=0.1, leak=0.0, transforms=quiet)
    fixed = render(dead_probe, o, batch=1, steps=20, lr=0.1, leak=0.1, transforms=quiet)
    assert plain.values[0] == 0.0
    assert fixed.values[0] > 0.0


def test_bigger_canvas_through_the_conv_prefix(dead_probe):
    r = render(dead_probe, obj.channel("c2", [0, 1]), batch=2, size=(20, 20), steps=4)
    assert r.images.shape == (2, 20, 20, 3)
    with pytest.raises(UserError, match="input"):
        render(dead_probe, obj.class_logit(0), batch=1, size=(20, 20), steps=4)


@pytest.mark.parametrize("steps, lr, message", [(0, 0.1, "steps"), (5, 0.0, "learning rate")])
def test_bad_settings(dead_probe, steps, lr, message):
    with pytest.raises(UserError, match=message):
        render(dead_probe, obj.channel("c1", 0), batch=1, steps=steps, lr=lr)


def test_leaky_relu_value_and_gradient():
    from interpret._tf import tf
    from interpret.visualize.render import _leaky_relu

    x = tf.constant([-2.0, -0.5, 0.5, 3.0])
    slope = tf.constant(0.1)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = _leaky_relu(x, slope)
        loss = tf.reduce_sum(y * tf.constant([1.0, 2.0, 3.0, 4.0]))
    np.testing.assert_allclose(y.numpy(), [-0.2, -0.05, 0.5, 3.0], rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), [0.1, 0.2, 3.0, 4.0], rtol=1e-6)
    # at 0 the value is 0 and the slope is the gradient; with slope 0 it is the ReLU's
    for s, want_grad in ((0.1, [0.1, 0.1, 1.0]), (0.0, [0.0, 0.0, 1.0])):
        x = tf.constant([-1.0, 0.0, 2.0])
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = _leaky_relu(x, tf.constant(s))
        np.testing.assert_allclose(y.numpy(), [-s, 0.0, 2.0], rtol=1e-6)
        np.testing.assert_allclose(tape.gradient(y, x).numpy(), want_grad, rtol=1e-6)


def test_values_measure_the_score_not_the_regularised_objective(dead_probe):
    target = obj.channel("c2", [0, 1])
    regularised = target - 10.0 * obj.lp(2)
    r = render(dead_probe, regularised, batch=2, steps=6, score=target)
    np.testing.assert_allclose(r.values, evaluate(dead_probe, target, r.images), rtol=1e-6)
    plain = render(dead_probe, regularised, batch=2, steps=6)
    np.testing.assert_allclose(
        plain.values, evaluate(dead_probe, regularised, plain.images), rtol=1e-6
    )
