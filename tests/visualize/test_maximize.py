import numpy as np
import pytest

from interpret.core import objectives as obj
from interpret.core.errors import UserError
from interpret.core.models import resolve
from interpret.core.probe import Probe
from interpret.visualize.maximize import maximize
from interpret.visualize.render import evaluate
from tests.maxi_models import nested_bn_softmax, rescaling_0_255, small_cnn

FAST = {"steps": 24, "lr": 0.1}


@pytest.fixture(scope="module")
def cnn():
    return resolve(small_cnn())


def improved(reached, start):
    """Every target at least as active as on a grey image, and the batch clearly more."""
    return bool(np.all(reached >= start) and reached.sum() > start.sum() + 1e-3)


def grey(handle, target_obj, n):
    shape = handle.probe.input_shape
    return evaluate(handle.probe, target_obj, np.full((n, *shape), 0.5, "float32"))


def test_filters_of_a_conv_layer(cnn):
    r = maximize(cnn, "c2", "0-2,5", seed=0, **FAST)
    assert r.kind == "filter" and r.targets == [0, 1, 2, 5] and r.labels == ["f0", "f1", "f2", "f5"]
    assert r.images.shape == (4, 12, 12, 3)
    assert r.objectives[0] == "channel(c2, 0)"
    assert improved(r.activations, grey(cnn, obj.channel("c2", r.targets), 4))
    assert r.parameters["seed"] == 0 and r.parameters["steps"] == 24


def test_units_and_classes(cnn):
    u = maximize(cnn, "d1", [3], **FAST)
    assert u.kind == "unit" and u.objectives == ["neuron(d1, 3)"]
    # 128 steps: at 64 the untrained model's class 1 was reached on only some seeds
    c = maximize(cnn, classes="all", steps=128, lr=0.1, tv=0.01)
    assert c.kind == "class" and c.targets == [0, 1, 2]
    assert c.objectives[0] == "class_logit(0) - 0.01 * total_variation()"
    assert c.predicted == [0, 1, 2]
    assert np.all(c.probabilities > 1 / 3)  # above chance for 3 classes


def test_any_keras_model_nested_bn_softmax():
    h = resolve(nested_bn_softmax())
    r = maximize(h, "inner_relu", [0, 1], **FAST)
    assert improved(r.activations, grey(h, obj.channel("inner_relu", [0, 1]), 2))
    c = maximize(h, classes=[0, 3], steps=48, lr=0.1)
    start = np.asarray(h.probe.logits(np.full((1, 10, 10, 3), 0.5, "float32")))[0]
    assert np.all(c.activations > start[[0, 3]])  # ascent on the logits, softmax unwrapped
    assert c.probabilities.shape == (2,)
    assert h.probe.activation("inner_relu")[0] == "relu"


def test_any_keras_model_rescaling_0_255():
    h = resolve(rescaling_0_255())
    assert h.probe.input_range == (0.0, 255.0)
    r = maximize(h, "conv", "all", **FAST)
    assert r.images.max() <= 1.0 and r.images.shape == (3, 8, 8, 1)
    assert improved(r.activations, grey(h, obj.channel("conv", [0, 1, 2]), 3))


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        (("nope",), {}, "unknown layer 'nope'.*layers: c1"),
        (("c2", [6]), {}, r"filter 6 is out of range for c2: it has 6 filters \(0-5\)"),
        (("c2", "0-9"), {}, "out of range"),
        ((), {"classes": "zebra"}, "unknown class 'zebra' in classes="),
        (("c2", [0]), {"steps": 0}, "steps= must be a whole number of at least 1"),
        (("c2", [0]), {"lr": -1}, "lr= must be greater than 0"),
        (("c2", [0]), {"classes": 1}, "give either layer= .with filters=. or classes=, not both"),
        ((), {}, "give layer= .one of: c1, pool, c2, flat, d1, out. or classes="),
        (("d1", [0]), {"size": 20}, "size= works for conv layers only"),
        (("c2", [0]), {"size": 0}, "size= must be a whole number of at least 1"),
        (("c2", [0]), {"rotate": 90}, r"rotate= must lie in \[0, 45\]"),
        (("c2", [0]), {"scale": 1.0}, r"scale= must lie in \[0, 0.5\]"),
        (("c2", [0]), {"stpes": 3}, "unknown render setting stpes="),
        (
            ("c2", [0]),
            {"examples": 2},
            "does not say which data set it was trained on; pass dataset=",
        ),
        (("c2", [0]), {"examples": 2, "dataset": np.zeros((3, 5, 5, 3), "uint8")}, "shape"),
    ],
)
def test_bad_input(cnn, args, kwargs, message):
    with pytest.raises(UserError, match=message):
        maximize(cnn, *args, **kwargs)


def test_layer_without_unit_axis():
    from interpret._tf import keras

    m = keras.Sequential(
        [
            keras.Input((4, 4, 1)),
            keras.layers.Reshape((16, 1), name="seq"),
            keras.layers.Flatten(),
            keras.layers.Dense(2),
        ]
    )
    with pytest.raises(UserError, match="no filter or unit axis"):
        maximize(m, "seq", [0])


def test_larger_canvas(cnn):
    r = maximize(cnn, "c2", [1], size=24, steps=4)
    assert r.images.shape == (1, 24, 24, 3) and r.parameters["size"] == [24, 24]


def test_grayscale_probe_pre_activation_matches_layer():
    p = Probe(rescaling_0_255())
    x = np.random.default_rng(0).random((2, 8, 8, 1)).astype("float32")
    pre = p.extractor(["conv"], pre_activation=True)(x)
    post = p.extractor(["conv"])(x)
    pre = pre[0] if isinstance(pre, list) else pre
    post = post[0] if isinstance(post, list) else post
    np.testing.assert_allclose(np.maximum(np.asarray(pre), 0), np.asarray(post), atol=1e-5)


def test_package_attribute_is_callable_even_after_module_import(cnn):
    import interpret
    import interpret.visualize.maximize  # a submodule import must not shadow the function

    r = interpret.maximize(cnn, "c1", [0], steps=2)
    assert r.images.shape == (1, 12, 12, 3)


def test_animate_keeps_one_frame_per_logged_step_and_saves_a_gif(cnn, tmp_path):
    from interpret.gallery.animation import gif_frame_count

    r = maximize(cnn, "c2", [0, 3, 5], steps=7, frame_every=2, batch_size=2, precision="float32")
    assert r.frame_steps == [0, 2, 4, 6, 7]  # the start, every 2 steps, and the end
    assert r.frames.shape == (5, 3, 12, 12, 3)
    np.testing.assert_array_equal(r.frames[-1], r.images)  # the last frame is the result
    assert not np.array_equal(r.frames[0], r.frames[-1])
    arts = r.save(tmp_path)
    assert [a.meta.get("animation") for a in arts] == ["c2-f0.gif", "c2-f3.gif", "c2-f5.gif", None]
    gif = arts[1].png.with_suffix(".gif")
    assert gif_frame_count(gif.read_bytes()) == 5 == arts[1].meta["frames"]
    assert arts[1].meta["frame_steps"] == [0, 2, 4, 6, 7]
    plain = maximize(cnn, "c2", [0], steps=4, animate=True)
    assert plain.frame_steps == [0, 1, 2, 3, 4]  # steps / 32, at least 1
    assert maximize(cnn, "c2", [0], steps=4).frames is None
