"""interpret.visualize.dream: octaves, tiled gradients, targets, sizes, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.core.errors import UserError
from interpret.core.probe import Probe
from interpret.visualize.dream import (
    DreamStep,
    Target,
    dream,
    objective,
    octave_sizes,
    parse_layers,
    tile_bounds,
)

PHOTO = np.random.default_rng(0).random((37, 53, 3), dtype=np.float32)


def _step(model, targets, step_size=0.01):
    return DreamStep(Probe(model), targets, step_size)


def _plain_gradient(model, targets, img):
    """The keras-io oracle: the gradient of the weighted mean activations, by hand."""
    from interpret._tf import tf

    probe = Probe(model)
    names = list(dict.fromkeys(t.layer for t in targets))
    f = probe.extractor(names, size=(None, None))
    img = tf.constant(img)
    with tf.GradientTape() as tape:
        tape.watch(img)
        acts = f(img[None])
        loss = 0.0
        for t in targets:
            a = acts[names.index(t.layer)]
            a = a if t.channel is None else a[..., t.channel]
            loss += t.weight * tf.reduce_mean(a)
    return tape.gradient(loss, img).numpy()


def test_activation_rises_and_size_is_kept(tiny_cnn):
    res = dream(
        tiny_cnn, PHOTO, layers="c1=1.0,c2=1.5", octaves=2, steps=4, step_size=0.05, tile_size=32
    )
    assert res.image.shape == PHOTO.shape and res.original.shape == PHOTO.shape
    assert res.image.dtype == np.float32 and 0.0 <= res.image.min() and res.image.max() <= 1.0
    f = res.figures
    assert f["activation_after"] > f["activation_before"] > 0
    assert f["octave_sizes"] == [[26, 38], [37, 53]]


def test_single_channel_target_rises_and_default_layers(tiny_cnn):
    (act,) = Probe(tiny_cnn).extractor(["c2"], size=(None, None))(PHOTO[None])
    c = int(np.argmax(np.mean(act, axis=(0, 1, 2))))  # a channel alive on this photo
    res = dream(tiny_cnn, PHOTO, layers=f"c2:{c}", octaves=1, steps=4, step_size=0.05, tile_size=32)
    assert [t.label for t in res.targets] == [f"c2:{c}=1"]
    assert res.figures["activation_ratio"] > 1
    assert [t.label for t in dream(tiny_cnn, PHOTO, octaves=1, steps=1, tile_size=32).targets] == [
        "c1=1",
        "c2=1.5",
    ]


def test_same_seed_same_dream_other_seed_differs(tiny_cnn):
    kw = dict(layers="c2", octaves=1, steps=3, step_size=0.05, tile_size=32)
    a, b = dream(tiny_cnn, PHOTO, seed=1, **kw), dream(tiny_cnn, PHOTO, seed=1, **kw)
    c = dream(tiny_cnn, PHOTO, seed=2, **kw)
    np.testing.assert_array_equal(a.image, b.image)
    assert not np.array_equal(a.image, c.image)


@pytest.mark.parametrize(
    "n,tile", [(37, 32), (53, 32), (32, 32), (1000, 512), (4000, 512), (5, 512)]
)
def test_tile_bounds_cover_evenly(n, tile):
    b = np.array(tile_bounds(n, tile))
    widths = np.diff(b)
    assert b[0] == 0 and b[-1] == n and widths.max() <= tile
    assert widths.min() >= min(n, tile // 2)


def test_tiled_gradient_is_the_per_tile_gradients_assembled(tiny_cnn):
    """Odd size, 2x2 tiles: the assembled gradient equals each tile's own gradient in its place."""

    targets = [Target("c1", None, 1.0), Target("c2", 2, 1.5)]
    step = _step(tiny_cnn, targets)
    grad, std = step.gradient(PHOTO, 32)
    assert grad.shape == PHOTO.shape
    assert std == pytest.approx(float(grad.std()), rel=1e-3)
    ys, xs = tile_bounds(37, 32), tile_bounds(53, 32)
    for y0, y1 in zip(ys[:-1], ys[1:]):
        for x0, x1 in zip(xs[:-1], xs[1:]):
            want = _plain_gradient(tiny_cnn, targets, PHOTO[y0:y1, x0:x1])
            np.testing.assert_allclose(grad[y0:y1, x0:x1], want, atol=1e-6)


def test_one_tile_equals_the_plain_gradient(tiny_cnn):
    targets = [Target("c2", None, 1.0)]
    plain = _plain_gradient(tiny_cnn, targets, PHOTO)
    np.testing.assert_allclose(_step(tiny_cnn, targets).gradient(PHOTO, 512)[0], plain, atol=1e-6)
    assert objective(targets).name == "dream(c2=1)"


def test_step_is_traced_once_for_every_size(tiny_cnn):
    step = _step(tiny_cnn, [Target("c2", None, 1.0)])
    for shape in [(37, 53), (20, 21), (64, 40)]:
        out = step(np.full((*shape, 3), 0.5, np.float32), [3, 1], 32)
        assert out.shape == (*shape, 3)
    assert step.tile_gradient.experimental_get_tracing_count() == 1


def test_grayscale_model_dreams_on_grey_photo():
    from interpret._tf import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((12, 12, 1)),
            keras.layers.Conv2D(3, 3, activation="relu", name="g1"),
            keras.layers.Flatten(),
            keras.layers.Dense(2),
        ]
    )
    res = dream(model, PHOTO, octaves=2, steps=2, tile_size=24)
    assert res.image.shape == (37, 53, 1)
    assert res.notes and "grayscale" in res.notes[0]


def test_parse_layers():
    assert parse_layers({"a": 1.0, "b:3": 2}) == [Target("a", None, 1.0), Target("b", 3, 2.0)]
    assert parse_layers(["a", "b=0.5"]) == [Target("a", None, 1.0), Target("b", None, 0.5)]
    assert parse_layers(None) == [] and parse_layers("") == []


def test_octave_sizes_small_to_large_with_a_floor():
    assert octave_sizes((600, 512), 4, 1.4, (32, 32))[-1] == (600, 512)
    assert octave_sizes((40, 40), 3, 2.0, (32, 32)) == [(32, 32), (32, 32), (40, 40)]


@pytest.mark.parametrize(
    "image,kwargs,message",
    [
        ("missing.jpg", {}, r"image .*missing\.jpg does not exist"),
        ("notes.jpg", {}, r"notes\.jpg is not an image"),
        (PHOTO, {"layers": "out"}, r"layer out in layers= has no spatial output .* c1, p1, c2"),
        (PHOTO, {"layers": "flat"}, r"layer flat in layers= has no spatial output"),
        (PHOTO, {"layers": "c9"}, r"unknown layer 'c9'"),
        (PHOTO, {"layers": "c2:6"}, r"channel 6 is out of range for c2: it has 6 channels"),
        (PHOTO, {"layers": "c2:x"}, r"cannot read channel 'x'"),
        (PHOTO, {"layers": "c2=abc"}, r"cannot read the weight 'abc'"),
        (PHOTO, {"octaves": 0}, r"octaves= must be a whole number of at least 1, got 0"),
        (PHOTO, {"octaves": -2}, r"octaves= must be"),
        (PHOTO, {"steps": 0}, r"steps= must be a whole number of at least 1, got 0"),
        (PHOTO, {"steps": -1}, r"steps= must be"),
        (PHOTO, {"step_size": 0.0}, r"step_size= must be greater than 0"),
        (PHOTO, {"octave_scale": 0.5}, r"octave_scale= must be at least 1"),
        (PHOTO, {"tile_size": 8}, r"tile_size= must be at least 32"),
        (PHOTO[:10, :10], {}, r"image= array is 10x10; tiny needs at least 16x16"),
    ],
)
def test_bad_input(tiny_cnn, tmp_path, monkeypatch, image, kwargs, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.jpg").write_text("not a photo")
    with pytest.raises(UserError, match=message):
        dream(tiny_cnn, image, **kwargs)


def test_save_writes_the_dream_and_the_sheet(tiny_cnn, tmp_path):
    res = dream(tiny_cnn, PHOTO, octaves=1, steps=1, tile_size=32)
    arts = res.save(tmp_path)
    assert [a.png.name for a in arts] == ["array-c1-c2.png", "array-c1-c2-before-after.png"]
    assert all(a.png.exists() and a.sidecar.exists() for a in arts)
