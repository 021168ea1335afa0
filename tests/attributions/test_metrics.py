"""Faithfulness metrics on tiny models: the batched curves against a plain loop, closed forms
on a linear model (where the true attribution is known), chance levels, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.attributions import metrics as M
from interpret.core.errors import UserError

F32 = {"precision": "float32"}  # exact comparisons: no bfloat16 rewrite


def linear_model(side: int = 6, channels: int = 1, n_classes: int = 3, seed: int = 0):
    """Flatten -> Dense: logit_k = sum_i w_ik x_i + b_k, so w * x is the exact attribution."""
    from interpret._tf import keras

    rng = np.random.default_rng(seed)
    model = keras.Sequential(
        [
            keras.Input((side, side, channels)),
            keras.layers.Flatten(),
            keras.layers.Dense(n_classes, name="out"),
        ]
    )
    w = rng.normal(size=(side * side * channels, n_classes)).astype("float32")
    model.get_layer("out").set_weights([w, np.zeros(n_classes, "float32")])
    return model, w


@pytest.fixture(scope="module")
def linear():
    return linear_model()


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(1).random((5, 6, 6, 1), dtype=np.float32)


def exact_maps(w: np.ndarray, x: np.ndarray, targets: np.ndarray) -> np.ndarray:
    return (x.reshape(len(x), -1) * w[:, targets].T).reshape(x.shape[:3])


def plain_curve(model, image, saliency, target, steps, base, mode, score):
    """The RISE paper's loop, one image, one step at a time (the oracle)."""
    from interpret._tf import tf

    n = saliency.size
    order = np.argsort(saliency.ravel())[::-1]
    start, end = (image, base) if mode == "deletion" else (base, image)
    out = []
    for k in np.linspace(0, n, steps + 1).astype(int):
        x = start.copy().reshape(n, -1)
        x[order[:k]] = end.reshape(n, -1)[order[:k]]
        logits = model(x.reshape(1, *image.shape)).numpy()[0]
        out.append(
            tf.nn.softmax(logits).numpy()[target] if score == "probability" else logits[target]
        )
    return np.array(out)


@pytest.mark.parametrize("mode", ["deletion", "insertion"])
@pytest.mark.parametrize("memory", [256.0, 1e-4])  # one batch; one image x one step per batch
def test_batched_curves_match_the_plain_loop(tiny_cnn, mode, memory):
    from interpret.core.probe import Probe

    probe = Probe(tiny_cnn)
    x = np.random.default_rng(0).random((3, 16, 16, 3), dtype=np.float32)
    maps = np.random.default_rng(1).normal(size=(3, 16, 16)).astype("float32")
    t = np.array([0, 3, 4], np.int32)
    scorer = M.Scorer.of(probe, "probability")
    base_kind = "blur" if mode == "insertion" else "black"
    got = M.causal_curves(scorer, x, maps, t, mode=mode, steps=8, baseline=base_kind, memory=memory)
    base = M.baseline_images(x, base_kind)
    for i in range(3):
        want = plain_curve(tiny_cnn, x[i], maps[i], t[i], 8, base[i], mode, "probability")
        np.testing.assert_allclose(got[i], want, rtol=1e-4, atol=1e-6)


def test_curve_ends_are_the_image_and_the_baseline(linear, images):
    model, w = linear
    t = np.zeros(5, np.int32)
    out = M.evaluate(
        model, images, {"w": exact_maps(w, images, t)}, t, steps=6, score="logit", **F32
    )
    clean = images.reshape(5, -1) @ w[:, 0]
    np.testing.assert_allclose(out.curves["w"]["deletion"][:, 0], clean, rtol=1e-5)
    np.testing.assert_allclose(out.curves["w"]["deletion"][:, -1], 0.0, atol=1e-5)  # black
    blurred = M.baseline_images(images, "blur").reshape(5, -1) @ w[:, 0]
    np.testing.assert_allclose(out.curves["w"]["insertion"][:, 0], blurred, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(out.curves["w"]["insertion"][:, -1], clean, rtol=1e-5)
    assert out.fractions.tolist() == np.linspace(0, 1, 7).tolist()


def test_the_exact_attribution_beats_chance_and_its_negation_loses(linear, images):
    model, w = linear
    t = np.array([0, 1, 2, 0, 1], np.int32)
    exact = exact_maps(w, images, t)
    out = M.evaluate(
        model,
        images,
        {"exact": exact, "negated": -exact},
        t,
        score="logit",
        insertion_baseline="black",
        steps=12,
        **F32,
    )
    for metric in M.METRICS:
        if metric != "increase-confidence":  # a 0/1 count on 5 images: no strict order
            assert out.beats_chance("exact", metric), metric
    assert not out.beats_chance("negated", "deletion")
    assert not out.beats_chance("negated", "insertion")


def test_mufidelity_of_the_exact_attribution_on_a_linear_logit_is_one(linear, images):
    """Removing a subset S (to 0) drops logit_t by exactly sum_{i in S} w_it x_i."""
    model, w = linear
    t = np.array([2, 1, 0, 2, 1], np.int32)
    out = M.evaluate(
        model,
        images,
        {"exact": exact_maps(w, images, t)},
        t,
        metrics="mufidelity",
        score="logit",
        subsets=40,
        grid=3,
        **F32,
    )
    np.testing.assert_allclose(out.scores["exact"]["mufidelity"], 1.0, atol=1e-5)
    assert abs(out.mean("random", "mufidelity")) < 0.5


def test_subsets_are_shared_by_every_map_and_seeded():
    a = M.subset_masks(10, 3, 0.3, (7, 5), seed=4)
    assert np.array_equal(a, M.subset_masks(10, 3, 0.3, (7, 5), seed=4))
    assert not np.array_equal(a, M.subset_masks(10, 3, 0.3, (7, 5), seed=5))
    # nearest-neighbour cells: rows 0-2 of a 7-row image come from grid rows 0, 0/1, 1...
    assert a.shape == (10, 7, 5)


def test_average_drop_and_increase_in_confidence_by_hand(linear):
    model, w = linear
    x = np.full((2, 6, 6, 1), 0.5, np.float32)
    t = np.array([0, 1], np.int32)
    ones = np.ones((2, 6, 6), np.float32)
    half = np.concatenate([np.ones((2, 6, 3)), np.zeros((2, 6, 3))], axis=2).astype("float32")
    out = M.evaluate(
        model, x, {"ones": ones, "half": half}, t, metrics="average-drop,increase-confidence", **F32
    )
    # a constant map scales to all zeros (min-max), a black image; the half map keeps the left half
    from interpret._tf import tf

    p = lambda z: tf.nn.softmax(z @ w).numpy()[np.arange(2), t]  # noqa: E731
    clean = p(x.reshape(2, -1))
    for name, m in (("ones", np.zeros((2, 6, 6))), ("half", half)):
        masked = p((x[..., 0] * m).reshape(2, -1).astype("float32"))
        np.testing.assert_allclose(
            out.scores[name]["average-drop"], np.maximum(0, clean - masked) / clean, rtol=1e-4
        )
        assert (
            out.scores[name]["increase-confidence"].tolist()
            == (masked > clean).astype(float).tolist()
        )


def test_bfloat16_scores_stay_close_to_float32(tiny_cnn):
    from interpret._fast import precision

    if not precision.bfloat16_supported():
        pytest.skip("no bfloat16 hardware on this CPU")
    x = np.random.default_rng(0).random((4, 16, 16, 3), dtype=np.float32)
    maps = np.random.default_rng(1).random((4, 16, 16), dtype=np.float32)
    a = M.evaluate(tiny_cnn, x, {"m": maps}, metrics="deletion", steps=8, precision="bfloat16")
    b = M.evaluate(tiny_cnn, x, {"m": maps}, metrics="deletion", steps=8, **F32)
    assert not np.array_equal(a.curves["m"]["deletion"], b.curves["m"]["deletion"])
    np.testing.assert_allclose(a.curves["m"]["deletion"], b.curves["m"]["deletion"], atol=0.02)


def test_auto_precision_keeps_a_spearman_mufidelity_in_float32(linear, images):
    from interpret._fast import precision

    model, _ = linear
    maps = np.random.default_rng(1).random(images.shape[:3], dtype=np.float32)
    kw = dict(metrics="mufidelity", subsets=8, grid=4)
    assert M.evaluate(model, images, {"m": maps}, correlation="spearman", **kw).precision == (
        "float32"
    )
    assert M.evaluate(model, images, {"m": maps}, **kw).precision == precision.resolve("auto")


def test_random_row_is_seeded(linear, images):
    model, w = linear
    a = M.evaluate(model, images, {}, metrics="deletion", steps=4, seed=3)
    b = M.evaluate(model, images, {}, metrics="deletion", steps=4, seed=3)
    c = M.evaluate(model, images, {}, metrics="deletion", steps=4, seed=4)
    assert np.array_equal(a.scores["random"]["deletion"], b.scores["random"]["deletion"])
    assert not np.array_equal(a.scores["random"]["deletion"], c.scores["random"]["deletion"])
    assert a.targets.tolist() == np.argmax(images.reshape(5, -1) @ w, 1).tolist()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"metrics": "deletion,faith"}, "unknown metric 'faith' for metrics="),
        ({"metrics": ","}, "no metric named in metrics="),
        ({"steps": 0}, "steps= must be a whole number of at least 1"),
        ({"steps": 37}, "steps= is 37 but the images have only 36 pixels"),
        ({"subsets": 2}, "subsets= must be a whole number of at least 3"),
        ({"removed": 1.0}, "removed= must lie in (0, 1)"),
        ({"deletion_baseline": "grey"}, "deletion_baseline= must be one of black, blur, mean"),
        ({"insertion_baseline": 2}, "insertion_baseline= must lie in [0, 1]"),
        ({"correlation": "kendall"}, "unknown correlation 'kendall'"),
        ({"memory": 0}, "memory= must be greater than 0"),
        ({"precision": "float8"}, "unknown precision 'float8' for precision="),
    ],
)
def test_bad_settings_are_one_line_naming_the_parameter(linear, images, kwargs, message):
    model, _ = linear
    with pytest.raises(UserError) as e:
        M.evaluate(model, images, {}, **kwargs)
    assert message in str(e.value) and "\n" not in str(e.value)


def test_too_few_images_and_wrong_maps(linear, images):
    model, _ = linear
    with pytest.raises(UserError, match="at least 2 images"):
        M.evaluate(model, images[:1], {})
    with pytest.raises(UserError, match=r"maps of 'a' have shape \(5, 5, 5\)"):
        M.evaluate(model, images, {"a": np.zeros((5, 5, 5))})
    with pytest.raises(UserError, match="NaN"):
        M.evaluate(model, images, {"a": np.full((5, 6, 6), np.nan)})
