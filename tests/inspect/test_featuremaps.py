import numpy as np
import pytest
from PIL import Image

from interpret.core.errors import UserError
from interpret.core.models import resolve
from interpret.inspect.featuremaps import (
    feature_maps,
    map_layers,
    plot_featuremaps,
    plot_featuremaps_all,
)
from tests._inspect_models import gray_cnn, mlp, reshaping, rgb_cnn


@pytest.fixture(scope="module")
def rgb():
    return resolve(rgb_cnn())


@pytest.fixture(scope="module")
def image():
    return np.random.default_rng(5).random((8, 8, 3)).astype("float32")


def _layer_output(model, layer, image):
    from interpret._tf import keras

    sub = keras.Model(model.inputs[0], model.get_layer(layer).output)
    return np.asarray(sub(image[None]))[0]


@pytest.mark.parametrize("layer", ["conv_a", "pool", "conv_b"])
def test_maps_equal_the_layer_output(rgb, image, layer):
    expected = _layer_output(rgb.model, layer, image)
    np.testing.assert_allclose(feature_maps(rgb, layer, image), expected, rtol=1e-5, atol=1e-6)


def test_every_channel_is_drawn_with_the_input_beside(rgb, image):
    sheet = plot_featuremaps(rgb, "conv_a", image)
    maps = _layer_output(rgb.model, "conv_a", image)
    drawn = [ax for ax in sheet.figure.axes if ax.images and ax.get_title().isdigit()]
    assert [ax.get_title() for ax in drawn] == ["0", "1", "2", "3"]
    for k, ax in enumerate(drawn):
        np.testing.assert_allclose(ax.images[0].get_array(), maps[..., k], rtol=1e-5, atol=1e-6)
    input_ax = sheet.figure.axes[0]
    np.testing.assert_array_equal(input_ax.images[0].get_array(), image)
    assert sheet.figures["map_shape"] == [6, 6, 4]
    assert sheet.figures["dead_channels"] == int((maps.reshape(-1, 4).max(0) <= 0).sum())


def test_all_gives_one_sheet_per_conv_or_pool_layer(rgb, image):
    assert map_layers(rgb.probe) == ["conv_a", "pool", "conv_b"]
    seen = []

    class Bar:  # the progress protocol: one tick per layer
        def __init__(self, total, label):
            seen.append((total, label))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            pass

        def update(self, n):
            seen.append(n)

    sheets = plot_featuremaps_all(rgb, image, progress=Bar)
    assert [s.layer for s in sheets] == ["conv_a", "pool", "conv_b"]
    assert seen == [(3, "feature maps"), 1, 1, 1]
    np.testing.assert_allclose(
        sheets[2].data["maps"], _layer_output(rgb.model, "conv_b", image), rtol=1e-5, atol=1e-6
    )


def test_rgb_picture_into_gray_model_is_converted_and_noted(tmp_path):
    handle = resolve(gray_cnn())
    arr = np.zeros((12, 12, 3), "uint8")
    arr[:, 6:] = (255, 255, 255)
    Image.fromarray(arr).save(tmp_path / "half.png")
    sheet = plot_featuremaps(handle, "conv", str(tmp_path / "half.png"))
    assert sheet.notes == ["converted RGB to grayscale (luminance)", "resized 12x12 to 6x6"]
    x = sheet.data["input"]
    assert x.shape == (6, 6, 1)
    np.testing.assert_allclose(
        sheet.data["maps"], _layer_output(handle.model, "conv", x), rtol=1e-5
    )


def test_dataset_sample_by_index(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 255, (4, 28, 28), dtype="uint8"),
        "y_train": np.arange(4, dtype="uint8"),
        "x_test": rng.integers(0, 255, (3, 28, 28), dtype="uint8"),
        "y_test": np.array([7, 1, 2], "uint8"),
    }
    np.savez(tmp_path / "mnist.npz", **arrays)
    monkeypatch.setenv("INTERPRET_DATA_DIR", str(tmp_path))
    handle = resolve(gray_cnn())
    sheet = plot_featuremaps(handle, "conv", index=1, dataset="mnist")
    assert sheet.figures["input"] == "mnist test #1 (1)"
    assert "resized 28x28 to 6x6" in sheet.notes
    with pytest.raises(UserError, match="index 3 is out of range: mnist test has 3 images"):
        plot_featuremaps(handle, "conv", index=3, dataset="mnist")


@pytest.mark.parametrize(
    "maker, layer, kwargs, message",
    [
        (reshaping, "rows", {}, "neither feature maps nor units; layers to choose from: flat, out"),
        (rgb_cnn, "nope", {}, "unknown layer 'nope'"),
        (rgb_cnn, "conv_a", {"image": None}, "give exactly one input"),
        (rgb_cnn, "conv_a", {"image": None, "index": 0}, "has no known data set; give dataset="),
        (
            rgb_cnn,
            "conv_a",
            {"image": "/no/such/file.png"},
            "image file /no/such/file.png does not exist",
        ),
    ],
)
def test_bad_input(maker, layer, kwargs, message, image):
    kwargs = {"image": image, **kwargs}
    with pytest.raises(UserError) as e:
        plot_featuremaps(maker(), layer, kwargs.pop("image"), **kwargs)
    assert message in str(e.value)


def test_a_model_without_conv_layers_shows_its_dense_units():
    handle = resolve(mlp())
    x = np.random.default_rng(1).random((4, 4, 1)).astype("float32")
    sheets = plot_featuremaps_all(handle, x)
    assert [s.layer for s in sheets] == ["hidden", "out"]
    expected = _layer_output(handle.model, "hidden", x)
    np.testing.assert_allclose(sheets[0].data["maps"], expected, rtol=1e-5, atol=1e-6)
    grid = np.asarray(sheets[0].figure.axes[1].images[0].get_array().filled(np.nan))
    np.testing.assert_allclose(grid.ravel()[:5], expected, rtol=1e-5, atol=1e-6)
    assert np.isnan(grid.ravel()[5:]).all()
    assert sheets[0].figures["strongest_unit"] == int(np.argmax(expected))
