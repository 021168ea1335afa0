"""The CAM family against plain oracles; the layer rules and their errors."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.attributions import attribute
from interpret.attributions.cam import normalised_masks
from interpret.core.errors import UserError
from interpret.core.probe import Probe


@pytest.fixture(scope="module")
def setup():
    from tests.maxi_models import small_cnn

    model = small_cnn()
    x = np.random.default_rng(1).random((3, 12, 12, 3), dtype=np.float32)
    return model, Probe(model), x


def layer_and_gradient(model, x, layer, cls):
    """The plain version: the layer's output and d logit[cls] / d output."""
    from interpret._tf import keras, tf

    twin = keras.Model(model.inputs, [model.get_layer(layer).output, model.outputs[0]])
    with tf.GradientTape() as tape:
        acts, logits = twin(tf.constant(x), training=False)
        score = tf.reduce_sum(logits[:, cls])
    return acts.numpy(), tape.gradient(score, acts).numpy()


def test_gradcam_defaults_to_the_last_spatial_layer_and_matches_the_plain_version(setup):
    model, probe, x = setup
    out = attribute(probe, x, "gradcam", 2)
    a, g = layer_and_gradient(model, x, "c2", 2)
    want = np.maximum(np.einsum("nhwk,nk->nhw", a, g.mean((1, 2))), 0)
    np.testing.assert_allclose(out.raw, want, rtol=1e-4, atol=1e-7)
    assert out.maps.shape == (3, 12, 12) and out.targets.tolist() == [2, 2, 2]


def test_gradcam_plus_plus_follows_the_authors_formula(setup):
    model, probe, x = setup
    out = attribute(probe, x, "gradcam++", 0, layer="c1")
    a, g = layer_and_gradient(model, x, "c1", 0)
    # the authors' code, with exp(score) (one positive factor per image) left out
    alpha = g**2 / np.where(g**2 != 0, 2 * g**2 + a.sum((1, 2), keepdims=True) * g**3, 1)
    alpha /= np.where(alpha.sum((1, 2), keepdims=True) != 0, alpha.sum((1, 2), keepdims=True), 1)
    w = (alpha * np.maximum(g, 0)).sum((1, 2))
    want = np.maximum(np.einsum("nhwk,nk->nhw", a, w), 0)
    np.testing.assert_allclose(out.raw, want, rtol=1e-4, atol=1e-7)


def test_layercam_weighs_each_position_by_its_positive_gradient(setup):
    model, probe, x = setup
    out = attribute(probe, x, "layercam", 1, layer="c1")
    a, g = layer_and_gradient(model, x, "c1", 1)
    np.testing.assert_allclose(out.raw, np.maximum((np.maximum(g, 0) * a).sum(-1), 0), rtol=1e-4)


def test_scorecam_weighs_channels_by_the_softmax_of_masked_images(setup):
    from interpret._tf import tf

    model, probe, x = setup
    out = attribute(probe, x[:2], "scorecam", 1, layer="c2", memory=0.05)
    a, _ = layer_and_gradient(model, x[:2], "c2", 1)
    masks = normalised_masks(a, (12, 12))
    w = np.stack(
        [
            tf.nn.softmax(model(x[:2] * masks[:, k, :, :, None])).numpy()[:, 1]
            for k in range(a.shape[-1])
        ],
        1,
    )
    np.testing.assert_allclose(out.raw, np.maximum(np.einsum("nhwk,nk->nhw", a, w), 0), rtol=1e-4)
    faster = attribute(probe, x[:2], "scorecam", 1, layer="c2", top=1)
    assert faster.raw.shape == out.raw.shape and not np.allclose(faster.raw, out.raw)


def test_a_model_with_no_spatial_layer_names_the_methods_that_work():
    from interpret._tf import keras

    mlp = keras.Sequential(
        [keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(3, name="d")]
    )
    with pytest.raises(UserError, match="gradcam needs a layer with a spatial output.*saliency"):
        attribute(Probe(mlp), np.zeros((1, 4, 4, 1), "float32"), "gradcam")


def test_a_layer_without_feature_maps_is_refused_with_the_spatial_ones(setup):
    _, probe, x = setup
    with pytest.raises(UserError, match="layer= d1 .*not feature maps.*c1, pool, c2"):
        attribute(probe, x, "gradcam", layer="d1")
    with pytest.raises(UserError, match="unknown layer 'nope'"):
        attribute(probe, x, "layercam", layer="nope")
