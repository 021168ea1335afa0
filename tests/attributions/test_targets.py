"""Targets: the predicted class, a class, the true label, one per image, any objective."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.attributions import attribute
from interpret.attributions.targets import resolve_target
from interpret.core import objectives as obj
from interpret.core.errors import UserError
from interpret.core.probe import Probe


@pytest.fixture(scope="module")
def probe():
    from tests.maxi_models import small_cnn

    return Probe(small_cnn(), class_names=["cat", "dog", "ship"])


def test_spellings_of_a_target(probe):
    assert resolve_target(probe, None, 2).classes.tolist() == [-1, -1]
    assert resolve_target(probe, "dog", 2).classes.tolist() == [1, 1]
    assert resolve_target(probe, "ship,cat,cat", 3).classes.tolist() == [2, 0, 0]
    assert resolve_target(probe, [2, -1], 2).classes.tolist() == [2, -1]
    assert resolve_target(probe, "label", 2, labels=[1, 0]).text == "true label"


@pytest.mark.parametrize(
    "spec, labels, message",
    [
        (3, None, "class 3 is out of range"),
        ("cow", None, "cow"),
        ("label", None, "needs the images' true labels"),
        ("0-2", None, "names 3 classes"),
        ([0, 1, 2], None, "names 3 classes for 2 images"),
        ("label", [0, 7], "label 7 .* out of range"),
        ("c2:6", None, "'c2:6': c2 has 6 filters \\(0-5\\)"),
        ("c2:x", None, "give LAYER:INDEX"),
        ("c9:1", None, "unknown class 'c9:1'"),  # not a layer: read as a class name
    ],
)
def test_bad_targets_say_what_is_wrong(probe, spec, labels, message):
    with pytest.raises(UserError, match=message):
        resolve_target(probe, spec, 2, labels=labels)


def test_an_objective_target_explains_a_filter(probe):
    """'Which pixels make filter 5 of c2 fire': the gradient of that filter's mean."""
    from interpret._tf import tf

    x = np.random.default_rng(0).random((2, 12, 12, 3), dtype=np.float32)
    out = attribute(probe, x, "saliency", obj.channel("c2", 5))
    v = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(v)
        h = v
        for name in ("c1", "pool", "c2"):  # the plain way: the layers, one after the other
            h = probe.model.get_layer(name)(h)
        score = tf.reduce_mean(h[..., 5], axis=(1, 2))
        total = tf.reduce_sum(score)
    g = tape.gradient(total, v).numpy()
    np.testing.assert_allclose(out.maps, np.abs(g).max(-1), rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(out.scores, score.numpy(), rtol=1e-5)
    assert out.targets is None
    spelled = attribute(probe, x, "saliency", "c2:5")  # the same, as a command line says it
    np.testing.assert_array_equal(spelled.maps, out.maps)
    assert resolve_target(probe, "d1:7", 2).objective.name == "channel(d1, 7)"  # a dense unit
    cam = attribute(probe, x, "gradcam", obj.channel("c2", 5), layer="c1")
    assert cam.maps.shape == (2, 12, 12) and cam.targets is None
    with pytest.raises(UserError, match="unknown layer 'c9'"):
        attribute(probe, x, "saliency", obj.channel("c9", 0))


def test_a_filter_target_moves_the_cam_layer_to_one_that_feeds_it(probe):
    x = np.random.default_rng(0).random((2, 12, 12, 3), dtype=np.float32)
    assert attribute(probe, x, "gradcam").maps.shape == (2, 12, 12)  # default layer: c2
    below = attribute(probe, x, "gradcam", "c1:2")  # c1's filter: the CAM at c1, not c2
    assert below.maps.shape == (2, 12, 12) and np.isfinite(below.maps).all()
    with pytest.raises(UserError, match="layer= c2 comes after c1, the layer the target reads"):
        attribute(probe, x, "gradcam", "c1:2", layer="c2")


def test_a_cam_layer_on_a_branch_the_target_skips_is_one_clear_error():
    from interpret._tf import keras

    inp = keras.Input((8, 8, 1))
    a = keras.layers.Conv2D(2, 3, name="a")(inp)  # two parallel branches
    b = keras.layers.Conv2D(2, 3, name="b")(inp)
    both = keras.layers.Concatenate()([keras.layers.Flatten()(a), keras.layers.Flatten()(b)])
    out = keras.layers.Dense(2, name="out")(both)
    branchy = Probe(keras.Model(inp, [out]), class_names=["a", "b"])
    first, second = [n for n in branchy.layer_names if n in ("a", "b")]
    x = np.zeros((1, 8, 8, 1), np.float32)
    message = f"does not depend on {first}; give a layer= that feeds it"
    with pytest.raises(UserError, match=message):  # listed earlier, yet not on the path
        attribute(branchy, x, "gradcam", f"{second}:1", layer=first)


def test_predicted_targets_resolve_on_the_unchanged_images(probe):
    x = np.random.default_rng(1).random((4, 12, 12, 3), dtype=np.float32)
    top = np.asarray(probe.logits(x)).argmax(1).tolist()
    options = {"smoothgrad": {"samples": 3}, "rise": {"masks": 8}}
    for method in ("saliency", "smoothgrad", "gradcam", "occlusion", "rise"):
        out = attribute(probe, x, method, **options.get(method, {}))
        assert out.targets.tolist() == top, method
