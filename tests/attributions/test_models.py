"""Every method on any model: nested transfer learning, residual, BN, softmax, 0-255, grey, non-square."""

from __future__ import annotations

import numpy as np
import pytest

import interpret
from interpret.core.probe import Probe

SMALL = {"samples": 2, "steps": 4, "masks": 16}


def transfer_model():
    """A keras.applications base (random weights) inside a Sequential, Rescaling in front."""
    from interpret._tf import keras

    keras.utils.set_random_seed(0)
    base = keras.applications.MobileNetV2(
        input_shape=(32, 32, 3), include_top=False, weights=None, alpha=0.35
    )
    return keras.Sequential(
        [
            keras.Input((32, 32, 3)),
            keras.layers.Rescaling(1 / 127.5, offset=-1, name="preprocess"),
            base,
            keras.layers.GlobalAveragePooling2D(name="gap"),
            keras.layers.Dense(4, activation="softmax", name="head"),
        ]
    )


def residual_model():
    """Conv, BatchNormalization, an Add skip connection, a Softmax layer, non-square input."""
    from interpret._tf import keras

    keras.utils.set_random_seed(1)
    L = keras.layers
    inp = keras.Input((12, 20, 3))
    x = L.Conv2D(6, 3, padding="same", name="stem")(inp)
    x = L.BatchNormalization(name="bn")(x)
    x = L.ReLU(name="relu")(x)
    y = L.Conv2D(6, 3, padding="same", activation="relu", name="branch")(x)
    x = L.Add(name="add")([x, y])
    x = L.GlobalAveragePooling2D(name="gap")(x)
    x = L.Dense(3, name="logits")(x)
    return keras.Model(inp, L.Softmax(name="probs")(x))


def grey_0_255_model():
    from tests.maxi_models import rescaling_0_255

    return rescaling_0_255()


MODELS = {
    "transfer": (transfer_model, (32, 32, 3), "out_relu"),
    "residual": (residual_model, (12, 20, 3), "add"),
    "grey-0-255": (grey_0_255_model, (8, 8, 1), "conv"),
}


@pytest.fixture(scope="module", params=list(MODELS))
def case(request):
    build, shape, layer = MODELS[request.param]
    model = build()
    x = np.random.default_rng(0).random((2, *shape), dtype=np.float32)
    return Probe(model), x, layer


def test_every_method_runs_on_the_model(case):
    probe, x, layer = case
    top = {"top": 8} if layer == "out_relu" else {}  # 1280 channels: Faster Score-CAM
    es = interpret.explain(probe, x, method="all", **SMALL, **top)
    assert len(es) == 13
    for e in es:
        assert e.maps.shape == x.shape[:3] and np.all(np.isfinite(e.maps)), e.method
        assert e.layer in (None, layer)
        if e.method in ("saliency", "gradcam", "integrated-gradients", "occlusion"):
            assert np.abs(e.maps).max() > 0, e.method


def test_softmax_heads_are_explained_through_their_logits():
    """The saliency of a softmax model is the gradient of its pre-softmax score."""
    from interpret._tf import keras, tf

    model = residual_model()
    x = np.random.default_rng(0).random((2, 12, 20, 3), dtype=np.float32)
    e = interpret.explain(model, x, method="saliency", target=0)
    twin = keras.Model(model.inputs, model.get_layer("logits").output)  # functional: no softmax
    v = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(v)
        logits = twin(v, training=False)[:, 0]
        total = tf.reduce_sum(logits)
    g = tape.gradient(total, v).numpy()
    np.testing.assert_allclose(e.maps, np.abs(g).max(-1), rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(e.scores, logits.numpy(), rtol=1e-5)
