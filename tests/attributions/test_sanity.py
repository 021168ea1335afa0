"""Sanity checks on tiny models: re-initialisation by each layer's own initializer, seeded, on a
copy (the user's model untouched); the stages; the similarity measures; the rule; bad input."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.attributions import sanity as S
from interpret.core.errors import UserError


def gradient_maps(probe, x, targets, method):
    """A stand-in attribution: |d logit / d x| summed over channels (any probe)."""
    from interpret.core import objectives as obj
    from interpret.core.grad import Gradient

    grad = probe.memo(("test-gradient",), lambda: Gradient(probe, obj.class_logit))
    _, g = grad(x, targets)
    return np.abs(g).sum(-1) if method == "gradient" else g.sum(-1)


@pytest.fixture
def images():
    return np.random.default_rng(0).random((4, 16, 16, 3), dtype=np.float32)


def test_stages_go_top_down_and_the_rule_reads_all_but_the_first():
    layers = ["c1", "c2", "d1", "out"]
    cascade = S.stages(layers, "cascading")
    assert [label for label, _ in cascade] == ["trained", "out", "d1", "c2", "c1"]
    assert cascade[2][1] == ("out", "d1")
    assert [r for _, r in S.stages(layers, "independent")][1:] == [
        ("out",),
        ("d1",),
        ("c2",),
        ("c1",),
    ]
    assert S.rule_stage(layers) == "c2"


def test_random_values_come_from_each_layers_initializer_and_are_seeded():
    from interpret._tf import keras

    dense = keras.layers.Dense(50, kernel_initializer="he_normal", bias_initializer="ones")
    dense.build((None, 200))
    k, b = S.random_values(dense, seed=3)
    assert np.all(b == 1.0)  # the bias initializer, not a generic one
    assert abs(k.std() - np.sqrt(2 / 200)) < 0.01  # he_normal's scale
    assert np.array_equal(k, S.random_values(dense, seed=3)[0])
    assert not np.array_equal(k, S.random_values(dense, seed=4)[0])
    bn = keras.layers.BatchNormalization()
    bn.build((None, 4, 4, 6))
    gamma, beta, mean, var = S.random_values(bn, seed=0)
    assert np.all(gamma == 1) and np.all(beta == 0) and np.all(mean == 0) and np.all(var == 1)


def test_a_weight_without_initializer_is_shuffled():
    from interpret._tf import keras

    class Scale(keras.layers.Layer):
        def build(self, shape):
            self.s = self.add_weight(shape=(8,), initializer="zeros", name="s")

        def call(self, x):
            return x * self.s

    layer = Scale()
    layer.build((None, 8))
    layer.s.assign(np.arange(8, dtype="float32"))
    (values,) = S.random_values(layer, seed=0)
    assert sorted(values.tolist()) == list(range(8)) and values.tolist() != list(range(8))


def test_the_copy_leaves_the_model_alone_and_a_softmax_head_gives_logits():
    from interpret._tf import keras
    from interpret.core.probe import Probe

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(3, 3, activation="relu", name="c"),
            keras.layers.Flatten(),
            keras.layers.Dense(4, activation="softmax", name="out"),
        ]
    )
    before = [w.copy() for w in model.get_weights()]
    probe = Probe(model)
    x = np.random.default_rng(0).random((2, 8, 8, 1), dtype=np.float32)
    copy = S.RandomisedCopy(probe, seed=0)
    assert copy.model.get_layer("out").activation.__name__ == "linear"
    np.testing.assert_allclose(copy.probe.logits(x), probe.logits(x), rtol=1e-5, atol=1e-6)
    copy.set(["out", "c"])
    assert not np.allclose(copy.probe.logits(x), probe.logits(x))
    copy.set([])
    np.testing.assert_allclose(copy.probe.logits(x), probe.logits(x), rtol=1e-5, atol=1e-6)
    for a, b in zip(before, model.get_weights()):
        assert np.array_equal(a, b)


def test_overwritten_weights_reach_compiled_functions(tiny_cnn, images):
    from interpret.core.probe import Probe

    copy = S.RandomisedCopy(Probe(tiny_cnn), seed=1)
    t = np.zeros(4, np.int32)
    first = gradient_maps(copy.probe, images, t, "gradient")
    copy.set(["out"])
    second = gradient_maps(copy.probe, images, t, "gradient")
    copy.set([])
    assert not np.allclose(first, second)
    np.testing.assert_allclose(gradient_maps(copy.probe, images, t, "gradient"), first, rtol=1e-5)


def test_similarity_measures():
    rng = np.random.default_rng(0)
    a = rng.random((3, 16, 16))
    b = rng.random((3, 16, 16))
    same = S.similarities(a, a)
    assert all(np.allclose(v, 1.0, atol=1e-5) for v in same.values())
    other = S.similarities(a, b)
    assert all(np.all(np.abs(v) < 0.3) for v in other.values())
    # the signed rank correlation sees a sign flip, the absolute one does not
    assert np.allclose(S.rank_correlation(a - 0.5, 0.5 - a, absolute=False), -1)
    assert np.allclose(S.rank_correlation(a - 0.5, 0.5 - a), 1)


def test_hog_matches_scikit_image():
    feature = pytest.importorskip("skimage.feature")
    x = np.random.default_rng(0).random((2, 20, 24))
    ref = np.stack(
        [
            feature.hog(
                i,
                orientations=9,
                pixels_per_cell=(4, 4),
                cells_per_block=(2, 2),
                block_norm="L2-Hys",
            )
            for i in x
        ]
    )
    np.testing.assert_allclose(S.hog(x, cell=4, block=2), ref, atol=1e-6)


def test_sanity_check_on_a_tiny_cnn(tiny_cnn, images):
    from interpret.core.probe import Probe

    probe = Probe(tiny_cnn)
    before = [w.copy() for w in tiny_cnn.get_weights()]
    t = np.array([0, 1, 2, 3], np.int32)
    out = S.sanity_check(probe, images, ["gradient", "signed"], t, maps_fn=gradient_maps, seed=0)
    assert out.layers == ["c1", "c2", "out"]
    assert out.cascading.stages == ["trained", "out", "c2", "c1"]
    assert out.independent.stages == out.cascading.stages
    sims = out.cascading.similarity["gradient"]["spearman-abs"]
    assert sims.shape == (4, 4) and np.allclose(sims[0], 1.0)
    assert out.cascading.curve("gradient")[-1] < 0.99  # a random model's maps differ
    assert out.cascading.examples["signed"].shape == (4, 2, 16, 16)
    # the last cascading stage and the first independent one randomise different things
    assert out.cascading.randomised[-1] == ("out", "c2", "c1") and out.independent.randomised[
        1
    ] == ("out",)
    assert set(out.random_logit["gradient"]) == set(S.MEASURES)
    assert out.stage == "c2" and isinstance(out.passed("gradient"), bool)
    c = out.chance["gradient"]["spearman-abs"]
    assert out.corrected("gradient", c) == pytest.approx(0.0)
    assert out.corrected("gradient", 1.0) == pytest.approx(1.0)
    for a, b in zip(before, tiny_cnn.get_weights()):
        assert np.array_equal(a, b)


def test_the_same_seed_gives_the_same_curves(tiny_cnn, images):
    from interpret.core.probe import Probe

    probe = Probe(tiny_cnn)
    t = np.zeros(4, np.int32)
    kw = dict(maps_fn=gradient_maps, independent=False, random_logit=False)
    a = S.sanity_check(probe, images, ["gradient"], t, seed=5, **kw).cascading.curve("gradient")
    b = S.sanity_check(probe, images, ["gradient"], t, seed=5, **kw).cascading.curve("gradient")
    c = S.sanity_check(probe, images, ["gradient"], t, seed=6, **kw).cascading.curve("gradient")
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_one_layer_to_randomise_and_one_image_are_refused(images):
    from interpret._tf import keras
    from interpret.core.probe import Probe

    single = keras.Sequential(
        [keras.Input((16, 16, 3)), keras.layers.Flatten(), keras.layers.Dense(3)]
    )
    with pytest.raises(UserError) as e:
        S.sanity_check(
            Probe(single, name="single"),
            images,
            ["gradient"],
            np.zeros(4, "int32"),
            maps_fn=gradient_maps,
        )
    assert "need two or more; single has one (dense" in str(e.value) and "turn sanity= off" in str(
        e.value
    )
    two = keras.Sequential(
        [
            keras.Input((16, 16, 3)),
            keras.layers.Flatten(),
            keras.layers.Dense(4),
            keras.layers.Dense(3),
        ]
    )
    with pytest.raises(UserError, match="at least 2 images"):
        S.sanity_check(
            Probe(two), images[:1], ["gradient"], np.zeros(1, "int32"), maps_fn=gradient_maps
        )
