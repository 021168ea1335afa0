import numpy as np
import pytest

from interpret._tf import tf
from interpret.core import objectives as obj


def ctx(acts=None, logits=None, raw=None):
    raw = (
        tf.constant(np.random.default_rng(0).random((3, 6, 6, 3), "float32"))
        if raw is None
        else raw
    )
    return obj.Context(acts or {}, logits, raw, raw)


def test_channel_picks_one_channel_per_image():
    a = np.zeros((3, 2, 2, 4), "float32")
    for b in range(3):
        a[b, :, :, b] = b + 1.0
    c = ctx({"L": tf.constant(a)})
    np.testing.assert_allclose(obj.channel("L", [0, 1, 2])(c).numpy(), [1, 2, 3])
    np.testing.assert_allclose(obj.channel("L", 2)(c).numpy(), [0, 0, 3])


def test_neuron_spatial_position_and_dense_unit():
    a = np.zeros((3, 4, 4, 2), "float32")
    a[:, 1, 3, 1] = 7.0
    a[:, 2, 2, 0] = 5.0  # the centre
    c = ctx({"L": tf.constant(a), "D": tf.constant(np.eye(3, dtype="float32"))})
    np.testing.assert_allclose(obj.neuron("L", 1, y=1, x=3)(c).numpy(), [7, 7, 7])
    np.testing.assert_allclose(obj.neuron("L", 0)(c).numpy(), [5, 5, 5])
    np.testing.assert_allclose(obj.neuron("D", [2, 0, 0])(c).numpy(), [0, 0, 0])
    np.testing.assert_allclose(obj.neuron("D", [0, 1, 2])(c).numpy(), [1, 1, 1])


def test_class_logit_and_logprob():
    logits = tf.constant([[1.0, 2.0], [3.0, 0.0], [0.0, 0.0]])
    c = ctx(logits=logits)
    np.testing.assert_allclose(obj.class_logit([1, 0, 1])(c).numpy(), [2, 3, 0])
    np.testing.assert_allclose(obj.class_logprob(0)(c).numpy()[2], np.log(0.5), rtol=1e-5)


def test_algebra_values_names_and_layers():
    a = obj.channel("A", 0)
    b = obj.channel("B", 1)
    combo = 2 * a - b / 4 + 0.5 * obj.total_variation()
    assert combo.layers == {"A", "B"} and not combo.logits
    assert combo.name == "2 * channel(A, 0) - 0.25 * channel(B, 1) + 0.5 * total_variation()"
    acts = {"A": tf.ones((3, 2, 2, 2)), "B": 4 * tf.ones((3, 2, 2, 2))}
    raw = tf.fill((3, 4, 4, 1), 0.5)  # flat image: tv = 0
    np.testing.assert_allclose(combo(ctx(acts, raw=raw)).numpy(), [1, 1, 1])
    assert (a - (b - a)).name == "channel(A, 0) - (channel(B, 1) - channel(A, 0))"
    assert (obj.class_logit(1) + a).logits
    assert sum([a, b]).name == "channel(A, 0) + channel(B, 1)"


@pytest.mark.parametrize("bad", ["x", None, [1]])
def test_algebra_rejects_non_numbers(bad):
    with pytest.raises(TypeError):
        obj.channel("A", 0) * bad


def test_regularisers_measure_penalties():
    flat = tf.fill((2, 6, 6, 3), 0.5)
    noisy = tf.constant(np.random.default_rng(1).random((2, 6, 6, 3), "float32"))
    for reg in (obj.total_variation(), obj.lp(2), obj.lp(1), obj.blur()):
        low, high = reg(ctx(raw=flat)).numpy(), reg(ctx(raw=noisy)).numpy()
        assert low.shape == (2,)
        assert np.all(high > low + 1e-3), reg.name


def test_dream_weighted_sum_of_means():
    acts = {"A": tf.ones((3, 2, 2, 2)), "B": 2 * tf.ones((3, 5))}
    d = obj.dream({"A": 1.0, "B": 0.5})
    assert d.layers == {"A", "B"}
    np.testing.assert_allclose(d(ctx(acts)).numpy(), [2, 2, 2])
    assert obj.dream({"A": 1}, channel=1).name == "dream(A:1=1)"
    per_layer = obj.dream([("A", 1, 2.0), ("B", None, 1.0)])
    assert per_layer.name == "dream(A:1=2, B=1)"
    np.testing.assert_allclose(per_layer(ctx(acts)).numpy(), [4, 4, 4])
    with pytest.raises(ValueError):
        obj.dream({})


def test_one_index_per_image_checked_when_traced():
    c = ctx({"L": tf.zeros((3, 2, 2, 4))})
    with pytest.raises(ValueError, match="one index per image"):
        obj.channel("L", [0, 1])(c)


def test_pick_per_image_matches_gather_in_value_and_gradient():
    values = tf.constant(np.random.default_rng(1).standard_normal((4, 5)).astype("float32"))
    cols = [3, 0, 4, 3]
    want = tf.gather(values, tf.constant(cols)[:, None], axis=1, batch_dims=1)[:, 0]
    with tf.GradientTape() as tape:
        tape.watch(values)
        got = obj._pick(values, cols)
        loss = tf.reduce_sum(got * tf.constant([1.0, 2.0, 3.0, 4.0]))
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    expected = np.zeros((4, 5), "float32")
    expected[np.arange(4), cols] = [1.0, 2.0, 3.0, 4.0]
    np.testing.assert_array_equal(tape.gradient(loss, values).numpy(), expected)


def test_pick_per_image_with_unknown_shapes_when_traced():
    traced = tf.function(
        lambda v: obj._pick(v, [1, 0]), input_signature=[tf.TensorSpec((None, None))]
    )
    np.testing.assert_array_equal(traced(tf.constant([[1.0, 2.0], [3.0, 4.0]])).numpy(), [2, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="one index per image"):
        traced(tf.zeros((3, 2)))


def test_pick_with_runtime_indices_is_the_one_hot_select():
    values = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    picked = obj.class_logit(tf.constant([2, 0]))(ctx({}, logits=values))
    np.testing.assert_array_equal(picked.numpy(), [3.0, 4.0])
    assert obj.class_logit(tf.constant([2, 0])).name == "class_logit(target)"


def test_direction_is_the_mean_dot_product_and_a_one_hot_is_a_channel():
    a = tf.constant(np.random.default_rng(2).random((3, 4, 4, 5), "float32"))
    c = ctx({"L": a})
    one_hot = np.eye(5, dtype="float32")[2]
    np.testing.assert_allclose(
        obj.direction("L", one_hot)(c).numpy(), obj.channel("L", 2)(c).numpy(), rtol=1e-6
    )
    per_image = np.eye(5, dtype="float32")[[0, 1, 4]]
    np.testing.assert_allclose(
        obj.direction("L", per_image)(c).numpy(), obj.channel("L", [0, 1, 4])(c).numpy(), rtol=1e-6
    )
    dense = ctx({"D": tf.constant([[3.0, 4.0]])})
    np.testing.assert_allclose(obj.direction("D", [1.0, 0.0])(dense).numpy(), [3.0])
    # with the cosine power the same dot product counts more when it points the same way
    np.testing.assert_allclose(
        obj.direction("D", [1.0, 0.0], cossim_pow=1)(dense).numpy(), [3.0 * 0.6], rtol=1e-3
    )
    with pytest.raises(ValueError, match="3 values for D, which has 2 channels"):
        obj.direction("D", [1.0, 0.0, 0.0])(dense)
    with pytest.raises(ValueError, match="finite"):
        obj.direction("D", [np.nan, 1.0])


def test_diversity_is_the_gram_similarity_within_each_group():
    rng = np.random.default_rng(3)
    base = rng.random((1, 3, 3, 4)).astype("float32")
    other = np.zeros((1, 3, 3, 4), "float32")
    other[..., 0] = 1.0  # only channel 0: a Gram orthogonal to one without channel 0
    third = base.copy()
    third[..., 0] = 0.0
    acts = np.concatenate([base, 2 * base, other, third])  # groups: (base, 2 base), (other, third)
    d = obj.diversity("L", 2)(ctx({"L": tf.constant(acts)}, raw=tf.zeros((4, 2, 2, 1)))).numpy()
    np.testing.assert_allclose(d, [1, 1, 0, 0], atol=1e-6)  # scale-free; disjoint channels: 0
    with pytest.raises(ValueError, match="at least 2"):
        obj.diversity("L", 1)
    x = tf.Variable(rng.random((2, 3, 3, 4)).astype("float32"))
    with tf.GradientTape() as tape:
        value = tf.reduce_sum(obj.diversity("L", 2)(ctx({"L": x}, raw=tf.zeros((2, 2, 2, 1)))))
    assert float(tf.reduce_max(tf.abs(tape.gradient(value, x)))) > 0
