import numpy as np
import pytest

from interpret.core import objectives as obj
from interpret.core.errors import UserError
from interpret.core.probe import Probe
from interpret.visualize import transforms as T
from interpret.visualize.render import RenderSettings, evaluate, render
from tests.maxi_models import small_cnn


@pytest.fixture(scope="module")
def dead_probe():
    return Probe(small_cnn(dead_filter=1), name="tiny")


def test_ascent_raises_the_objective_and_is_seeded(dead_probe):
    o = obj.channel("c2", [0, 1, 2])
    grey = evaluate(dead_probe, o, np.full((3, 12, 12, 3), 0.5, "float32"))
    calls = []
    s = RenderSettings(steps=24, lr=0.1)
    a = render(dead_probe, o, batch=3, settings=s, seed=5, chunk=10, advance=calls.append)
    b = render(dead_probe, o, batch=3, settings=s, seed=5, chunk=10)
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
    s = RenderSettings(steps=16, lr=0.1, param=param)
    r = render(dead_probe, o, batch=2, settings=s, transforms=transforms)
    assert r.images.shape == (2, 12, 12, 3)
    assert np.all(r.values > grey)


def test_dead_relu_filter_comes_alive_only_with_the_leak(dead_probe):
    o = obj.neuron("c1", 1)
    grey = evaluate(dead_probe, o, np.full((1, 12, 12, 3), 0.5, "float32"))
    assert grey[0] == 0.0  # really dead at the start
    quiet = T.compose([])
    s = RenderSettings(steps=20, lr=0.1)
    plain = render(dead_probe, o, batch=1, settings=s.replace(leak=0.0), transforms=quiet)
    fixed = render(dead_probe, o, batch=1, settings=s.replace(leak=0.1), transforms=quiet)
    assert plain.values[0] == 0.0
    assert fixed.values[0] > 0.0


def test_bigger_canvas_through_the_conv_prefix(dead_probe):
    s = RenderSettings(steps=4)
    r = render(dead_probe, obj.channel("c2", [0, 1]), batch=2, size=(20, 20), settings=s)
    assert r.images.shape == (2, 20, 20, 3)
    with pytest.raises(UserError, match="input; drop size= for class targets"):
        render(dead_probe, obj.class_logit(0), batch=1, size=(20, 20), settings=s)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"steps": 0}, "steps= must be a whole number of at least 1, got 0"),
        ({"lr": 0.0}, "lr= must be greater than 0"),
        ({"scale": 0.6}, r"scale= must lie in \[0, 0.5\]"),
        ({"rotate": 50}, r"rotate= must lie in \[0, 45\]"),
        (
            {"param": "dct"},
            "unknown parameterization 'dct' for param=; choose one of: fourier, pixel",
        ),
        ({"tv": -1}, "tv= must be 0 or more"),
        ({"precision": "half"}, "unknown precision 'half'"),
    ],
)
def test_bad_settings_name_the_setting(change, message):
    with pytest.raises(UserError, match=message):
        RenderSettings(**change)


def test_unknown_setting_lists_the_settings():
    with pytest.raises(UserError, match="unknown render setting stesp=; settings: steps, lr"):
        RenderSettings.from_options({"stesp": 3})


def test_penalties_are_subtracted_and_named():
    s = RenderSettings(tv=0.1, l2=0.2, blur=0.3)
    name = s.with_penalties(obj.channel("c", 1)).name
    assert name == "channel(c, 1) - 0.1 * total_variation() - 0.2 * lp(p=2) - 0.3 * blur(sigma=0.5)"
    assert RenderSettings().with_penalties(obj.channel("c", 1)).name == "channel(c, 1)"


def test_values_measure_the_target_not_the_penalised_objective(dead_probe):
    target = obj.channel("c2", [0, 1])
    r = render(dead_probe, target, batch=2, settings=RenderSettings(steps=6, l2=10.0))
    np.testing.assert_allclose(r.values, evaluate(dead_probe, target, r.images), rtol=1e-6)
    penalised = evaluate(dead_probe, target - 10.0 * obj.lp(2), r.images)
    assert np.all(penalised < r.values)


def flat_blind_model():
    """Zero-sum first-layer kernels with a negative bias: every ReLU is off on a uniform image,
    as in an adversarially trained MNIST model, so the logits have no gradient there."""
    from interpret._tf import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((12, 12, 1)),
            keras.layers.Conv2D(4, 3, activation="relu", name="c1"),
            keras.layers.Flatten(name="flat"),
            keras.layers.Dense(3, name="out"),
        ]
    )
    k = np.random.default_rng(0).standard_normal((3, 3, 1, 4)).astype("float32")
    k -= k.mean(axis=(0, 1, 2), keepdims=True)
    model.get_layer("c1").set_weights([k, np.full(4, -0.2, "float32")])
    return model


def test_a_wider_start_moves_a_render_that_a_near_grey_start_cannot():
    probe = Probe(flat_blind_model(), name="flat-blind")
    o = obj.class_logit(0)
    quiet = T.compose([])
    s = RenderSettings(steps=20, lr=0.1, param="pixel")
    stuck = render(probe, o, batch=2, settings=s, transforms=quiet)
    moved = render(probe, o, batch=2, settings=s.replace(init_sd=0.3), transforms=quiet)
    grey = evaluate(probe, o, np.full((2, 12, 12, 1), 0.5, "float32"))
    np.testing.assert_allclose(stuck.values, grey, atol=1e-6)  # no gradient: it never moved
    assert np.all(moved.values > grey + 0.1)
    with pytest.raises(UserError, match="init_sd= must be 0 or more"):
        RenderSettings(init_sd=-0.1)
