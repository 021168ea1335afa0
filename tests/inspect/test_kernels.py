import numpy as np
import pytest

from interpret.core.errors import UserError
from interpret.core.models import resolve
from interpret.inspect.kernels import GAP, kernel_layers, mosaic_array, plot_filters, rgb_display
from tests._inspect_models import gray_cnn, mlp, rgb_cnn


@pytest.fixture(scope="module")
def rgb():
    return resolve(rgb_cnn())


def test_first_layer_rgb_kernels_are_the_layer_weights(rgb):
    kernel, bias = (np.asarray(w) for w in rgb.model.get_layer("conv_a").get_weights())
    sheet = plot_filters(rgb, "conv_a")
    np.testing.assert_array_equal(sheet.data["kernel"], kernel)
    limit = np.abs(kernel).max()
    axes = [ax for ax in sheet.figure.axes if ax.images]
    assert len(axes) == 4
    for i, ax in enumerate(axes):
        shown = np.asarray(ax.images[0].get_array())
        np.testing.assert_allclose(shown, kernel[..., i] / (2 * limit) + 0.5, rtol=1e-6)
        assert ax.get_title() == f"f{i}\nb={bias[i]:+.2f}"
    assert sheet.parameters["style"] == "rgb"


def test_rgb_display_centres_zero_on_grey():
    np.testing.assert_allclose(rgb_display(np.array([-1.0, 0.0, 0.5]), 1.0), [0.0, 0.5, 0.75])


def test_deeper_kernels_mosaic_holds_each_input_channel_slice(rgb):
    kernel, bias = (np.asarray(w) for w in rgb.model.get_layer("conv_b").get_weights())
    sheet = plot_filters(rgb, "conv_b", filters=[1, 3])
    mosaic = np.asarray(sheet.figure.axes[0].images[0].get_array().filled(np.nan))
    kh, kw, cin, _ = kernel.shape
    for r, i in enumerate([1, 3]):
        for j in range(cin):
            y, x = r * (kh + GAP), j * (kw + GAP)
            np.testing.assert_array_equal(mosaic[y : y + kh, x : x + kw], kernel[:, :, j, i])
    # diverging colormap centred on zero
    lo, hi = sheet.figure.axes[0].images[0].get_clim()
    assert lo == -hi == -np.percentile(np.abs(kernel), 99.5) == -sheet.figures["color_limit"]
    # biases alongside, as bars
    bars = [p.get_width() for p in sheet.figure.axes[1].patches]
    np.testing.assert_allclose(bars, bias[[1, 3]])


def test_mosaic_gaps_are_nan():
    m = mosaic_array(np.ones((2, 2, 2, 1)), [0])
    assert np.isnan(m[:, 2]).all() and m.shape == (2, 5)


def test_single_channel_kernels_diverging_and_exact():
    handle = resolve(gray_cnn())
    kernel = np.asarray(handle.model.get_layer("conv").kernel)
    sheet = plot_filters(handle, "conv")
    axes = [ax for ax in sheet.figure.axes if ax.images and ax.get_title()]
    for i, ax in enumerate(axes):
        np.testing.assert_array_equal(ax.images[0].get_array(), kernel[:, :, 0, i])
        limit = np.percentile(np.abs(kernel), 99.5)
        assert ax.images[0].get_clim() == pytest.approx((-limit, limit))


def test_dense_on_the_image_shows_templates():
    handle = resolve(mlp())
    kernel = np.asarray(handle.model.get_layer("hidden").kernel)
    sheet = plot_filters(handle, "hidden", filters=[0, 4])
    axes = [ax for ax in sheet.figure.axes if ax.images and ax.get_title()]
    np.testing.assert_array_equal(axes[1].images[0].get_array(), kernel[:, 4].reshape(4, 4))


def test_layers_with_kernels_listed(rgb):
    assert kernel_layers(rgb.probe) == ["conv_a", "conv_b"]


@pytest.mark.parametrize(
    "maker, layer, filters, message",
    [
        (
            rgb_cnn,
            "pool",
            None,
            "layer pool (MaxPooling2D) has no kernels; layers with kernels to draw: conv_a, conv_b",
        ),
        (rgb_cnn, "flat", None, "has no kernels"),
        (rgb_cnn, "out", None, "no image shape"),
        (mlp, "out", None, "layers with kernels to draw: hidden"),
        (rgb_cnn, "nope", None, "unknown layer 'nope'"),
        (rgb_cnn, "conv_a", [4], "filter 4 is out of range for conv_a: it has 4 filters (0-3)"),
        (rgb_cnn, "conv_a", [], "no filters given in filters="),
    ],
)
def test_bad_layer_or_filter(maker, layer, filters, message):
    with pytest.raises(UserError) as e:
        plot_filters(maker(), layer, filters=filters)
    assert message in str(e.value)


def test_a_bare_operation_is_named_by_its_type():
    # `a + b` in a functional model is an Add operation, not a layer: no "(NoneType)"
    from interpret._tf import keras

    inp = keras.Input((8, 8, 1))
    a = keras.layers.Conv2D(2, 3, padding="same", name="conv")(inp)
    x = keras.layers.Flatten(name="flat")(a + a)
    model = keras.Model(inp, keras.layers.Dense(2, name="out")(x))
    handle = resolve(model)
    add = handle.probe.layer_names[1]  # "add" or "add_1": operation names count per session
    with pytest.raises(UserError, match=rf"layer {add} \(Add\) has no kernels"):
        plot_filters(handle, add)
