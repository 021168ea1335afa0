"""Reader: one extractor for everything an objective reads; the leaky read equals the layer at 0."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.core import objectives as obj
from interpret.core.probe import Probe
from interpret.core.reader import Reader


@pytest.fixture
def images():
    return np.random.default_rng(1).random((3, 16, 16, 3), dtype=np.float32)


def test_reads_the_objective_layers_and_logits(tiny_cnn, images):
    reader = Reader(Probe(tiny_cnn), obj.channel("c1", 0) + obj.class_logit(2), layers=["c2"])
    assert reader.layers == ["c1", "c2"] and reader.logits
    ctx = reader(images)
    np.testing.assert_allclose(ctx.acts["c1"], tiny_cnn.get_layer("c1")(images), atol=1e-6)
    np.testing.assert_allclose(ctx.logits, tiny_cnn(images), atol=1e-5)
    assert ctx.images is ctx.raw


def test_without_logits_there_are_none(tiny_cnn, images):
    ctx = Reader(Probe(tiny_cnn), obj.channel("c2", 1))(images, raw=images[:1])
    assert ctx.logits is None and set(ctx.acts) == {"c2"} and len(ctx.raw) == 1


def test_the_leaky_read_equals_the_layer_at_slope_0_and_leaks_below(tiny_cnn, images):
    from interpret._tf import tf

    reader = Reader(Probe(tiny_cnn), obj.channel("c1", 0), leak=True)
    plain = tiny_cnn.get_layer("c1")(images).numpy()
    np.testing.assert_allclose(reader(images, slope=0.0).acts["c1"], plain, atol=1e-6)
    leaky = reader(images, slope=tf.constant(0.5)).acts["c1"].numpy()
    conv = tiny_cnn.get_layer("c1")
    pre = (tf.nn.conv2d(images, conv.kernel, 1, "VALID") + conv.bias).numpy()
    assert (pre < 0).any()
    np.testing.assert_allclose(leaky, np.maximum(pre, 0.5 * pre), atol=1e-5)


def test_leak_names_the_layers_it_applies_to(tiny_cnn, images):
    from interpret._tf import tf

    reader = Reader(Probe(tiny_cnn), obj.channel("c1", 0) + obj.channel("c2", 0), leak=["c2"])
    assert reader.leak
    ctx = reader(images, slope=tf.constant(0.5))
    plain = tiny_cnn.get_layer("c1")(images).numpy()
    np.testing.assert_allclose(ctx.acts["c1"], plain, atol=1e-6)  # c1 as the model has it
    assert (ctx.acts["c2"].numpy() < 0).any()  # c2 leaks below 0
    # the extractor runs the fused c1 once: no linear twin of it in its graph
    names = [layer.name for layer in reader.extractor.model.layers]
    assert not any(n.startswith("c1_logits") for n in names)
    assert not Reader(Probe(tiny_cnn), obj.channel("c1", 0), leak=["c2"]).leak
