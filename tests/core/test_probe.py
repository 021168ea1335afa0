"""interpret.core.probe: layers, logits, input range, nested models, open canvases."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.core.errors import UserError
from interpret.core.probe import Probe, detect_input_range


def test_layer_table(tiny_cnn):
    probe = Probe(tiny_cnn)
    c2 = probe.layer("c2")
    assert (c2.kind, c2.size, c2.output_shape, c2.params) == (
        "spatial",
        6,
        (None, 5, 5, 6),
        4 * 9 * 6 + 6,
    )
    assert probe.layer("out").kind == "units"
    assert probe.n_classes == 5


def test_unknown_layer_lists_the_layers(tiny_cnn):
    with pytest.raises(
        UserError, match="unknown layer 'conv9' in tiny; layers: c1, p1, c2, flat, out"
    ):
        Probe(tiny_cnn).layer("conv9")


def test_extractor_matches_the_model(tiny_cnn):
    from interpret._tf import keras

    x = np.random.default_rng(0).random((2, 16, 16, 3), dtype=np.float32)
    c1, logits = Probe(tiny_cnn).extractor(["c1"], logits=True)(x)
    ref = keras.Model(tiny_cnn.inputs, tiny_cnn.get_layer("c1").output)(x)
    np.testing.assert_allclose(c1, ref, atol=1e-6)
    np.testing.assert_allclose(logits, tiny_cnn(x), atol=1e-6)


def _softmax_nested_rescaled():
    from interpret._tf import keras

    keras.utils.set_random_seed(1)
    inner = keras.Sequential(
        [
            keras.Input((8, 8, 4)),
            keras.layers.Conv2D(3, 3, name="inner_conv"),
            keras.layers.BatchNormalization(name="bn"),
        ],
        name="block",
    )
    inp = keras.Input((16, 16, 3))
    x = keras.layers.Rescaling(1 / 255.0, name="scale")(inp)
    x = keras.layers.Conv2D(4, 3, strides=2, padding="same", activation="relu", name="stem")(x)
    x = inner(x)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    out = keras.layers.Dense(4, activation="softmax", name="probs")(x)
    return keras.Model(inp, out, name="user_model")


def test_nested_softmax_and_rescaling():
    from interpret._tf import tf

    model = _softmax_nested_rescaled()
    probe = Probe(model)
    assert probe.input_range == (0.0, 255.0)
    assert "inner_conv" in probe.layer_names  # a layer inside the nested Sequential
    x01 = np.random.default_rng(0).random((3, 16, 16, 3), dtype=np.float32)
    inner, logits = probe.extractor(["inner_conv"], logits=True)(x01)
    assert inner.shape == (3, 6, 6, 3)
    # logits are pre-softmax: softmax(logits) equals the model's output on 0-255 pixels
    np.testing.assert_allclose(tf.nn.softmax(logits), model(x01 * 255.0), atol=1e-5)
    assert not np.allclose(np.sum(logits, axis=1), 1.0)


def test_functional_model_with_keras_ops_between_layers():
    # `x + y`, keras.ops.relu(x): operations, not layers, in the graph; they take no training=
    from interpret._tf import keras

    keras.utils.set_random_seed(3)
    inp = keras.Input((10, 10, 3))
    a = keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="a")(inp)
    b = keras.layers.Conv2D(4, 3, padding="same", name="b")(a)
    x = keras.ops.relu(a + b)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    model = keras.Model(inp, keras.layers.Dense(3, name="out")(x))
    probe = Probe(model)
    assert {"a", "b", "gap", "out"} <= set(probe.layer_names)
    assert "NoneType" not in {info.type for info in probe.layers}  # `x + y` is an Add operation
    x01 = np.random.default_rng(0).random((2, 10, 10, 3), dtype=np.float32)
    (logits,) = probe.extractor([], logits=True)(x01)
    np.testing.assert_allclose(logits, model(x01), atol=1e-5)


def test_open_canvas_runs_the_convolutional_prefix(tiny_cnn):
    probe = Probe(tiny_cnn)
    (c2,) = probe.extractor(["c2"], size=(40, 40))(np.zeros((1, 40, 40, 3), "float32"))
    assert c2.shape == (1, 17, 17, 6)
    with pytest.raises(UserError, match="cannot run on a 40x40 canvas"):
        probe.extractor(["out"], size=(40, 40))


def test_detect_input_range_default(tiny_cnn):
    assert detect_input_range(tiny_cnn) == (0.0, 1.0)


def test_input_range_is_read_past_augmentation_layers():
    # the Keras tutorial's model: augmentation (a nested Sequential or bare layers), then
    # Rescaling(1/255); those layers leave the pixel range alone, so the model takes 0..255
    from interpret._tf import keras

    L = keras.layers
    aug = keras.Sequential([L.RandomFlip("horizontal"), L.RandomRotation(0.1)], name="aug")
    head = [L.Rescaling(1 / 255.0), L.Conv2D(2, 3), L.Flatten(), L.Dense(3)]
    nested = keras.Sequential([keras.Input((8, 8, 3)), aug, *head])
    assert detect_input_range(nested) == (0.0, 255.0)
    head = [L.Rescaling(1 / 255.0), L.Conv2D(2, 3), L.Flatten(), L.Dense(3)]
    flat = keras.Sequential([keras.Input((8, 8, 3)), L.RandomFlip(), L.RandomZoom(0.1), *head])
    assert detect_input_range(flat) == (0.0, 255.0)
    plain = keras.Sequential([keras.Input((8, 8, 3)), L.RandomFlip(), L.Conv2D(2, 3)])
    assert detect_input_range(plain) == (0.0, 1.0)


def test_class_indices(tiny_cnn):
    probe = Probe(tiny_cnn, class_names=["a", "b", "c", "d", "e"])
    assert probe.class_indices("all") == probe.class_indices(None) == [0, 1, 2, 3, 4]
    assert probe.class_indices("c,0-1,c") == [2, 0, 1]
    assert probe.class_indices([4, "a"]) == [4, 0]
    with pytest.raises(UserError, match="unknown class 'z' in classes=; classes: a, b, c, d, e"):
        probe.class_indices("a,z")
    with pytest.raises(UserError, match=r"class 7 is out of range for tiny: .* \(0-4\)") as err:
        probe.class_indices(7, param="target")
    assert err.value.param == "target"
