import numpy as np
import pytest

from interpret.core.errors import UserError
from interpret.inspect.convolution import (
    KERNELS,
    convolve,
    digit_shift_demo,
    example_image,
    parse_kernel,
    plot_convolution,
    synthetic_digits,
)


def test_vertical_edge_on_the_8x8_example():
    out = convolve(example_image(), "vertical")
    expected = np.zeros((6, 6))
    expected[:, 2:4] = 180.0
    assert out.shape == (6, 6)
    np.testing.assert_array_equal(out, expected)


def test_convolve_matches_scipy_correlate():
    from scipy.signal import correlate2d

    rng = np.random.default_rng(0)
    img, k = rng.random((9, 7)) * 255, rng.normal(size=(3, 2))
    np.testing.assert_allclose(convolve(img, k), correlate2d(img, k, mode="valid"))


def test_builtin_kernels_and_text_forms():
    np.testing.assert_array_equal(parse_kernel("vertical"), [[1, 0, -1]] * 3)
    np.testing.assert_array_equal(parse_kernel("1,0,-1;1,0,-1;1,0,-1"), KERNELS["vertical"])
    np.testing.assert_array_equal(parse_kernel("[[1, 0, -1], [1, 0, -1]]"), [[1, 0, -1]] * 2)
    np.testing.assert_array_equal(parse_kernel("1 1 1\n0 0 0\n-1 -1 -1"), KERNELS["horizontal"])
    assert parse_kernel("blur").sum() == pytest.approx(1.0)
    assert parse_kernel("sharpen").sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty kernel"),
        ("1,0,x;1,0,-1", "cannot read kernel row '1,0,x'"),
        ("1,2;3", "not 2-D: its rows have different lengths"),
        ("[[1,2],[3]]", "ragged"),
        ("[[[1,2],[3,4]]]", "not 2-D (it has shape (1, 2, 2))"),
        ("[1,2,3]", "not 2-D (it has shape (3,))"),
        ("1,nan;2,3", "not finite"),
        ("edges", "use one of: vertical, horizontal, sharpen, blur"),
    ],
)
def test_bad_kernel_text(text, message):
    with pytest.raises(UserError) as e:
        parse_kernel(text)
    assert message in str(e.value)


def test_kernel_larger_than_image():
    with pytest.raises(UserError, match="larger than the 2x2 image"):
        convolve(np.zeros((2, 2)), "vertical")


def test_plot_shows_input_kernel_clipped_and_raw_output():
    sheet = plot_convolution(kernel="1,0,-1;1,0,-1;1,0,-1")
    axes = sheet.figure.axes
    np.testing.assert_array_equal(axes[0].images[0].get_array(), example_image())
    np.testing.assert_array_equal(axes[1].images[0].get_array(), KERNELS["vertical"])
    np.testing.assert_array_equal(axes[3].images[0].get_array(), sheet.data["output"])
    assert sheet.figures["output_max"] == 180.0
    # the numbers are written into the cells: 64 input values, 9 kernel values
    assert len(axes[1].texts) == 9 and {t.get_text() for t in axes[1].texts} == {"1", "0", "-1"}


def test_clipping_keeps_raw_negative_values():
    img = example_image()[:, ::-1].copy()  # edge the other way -> negative response
    sheet = plot_convolution(img / 255.0, "vertical")
    assert sheet.data["output"].min() == pytest.approx(-180.0)
    assert sheet.data["clipped"].min() == 0.0
    np.testing.assert_array_equal(sheet.data["clipped"], np.clip(sheet.data["output"], 0, 255))


def test_rgb_picture_is_converted_to_gray_and_noted():
    rgb = np.zeros((5, 5, 3), "uint8")
    rgb[..., 0] = 255
    sheet = plot_convolution(rgb, "blur")
    assert "converted RGB to grayscale (luminance)" in sheet.notes
    np.testing.assert_allclose(sheet.data["input"], np.full((5, 5), 76.0))


def test_shifted_one_is_nearer_seven_raw_but_nearer_one_after_horizontal_edges():
    sheet = digit_shift_demo("synthetic", shift=4)
    d = synthetic_digits(4)
    raw, filt = sheet.figures["raw"], sheet.figures["filtered"]
    assert raw["shifted_one_to_one"] == pytest.approx(np.linalg.norm(d["shifted_one"] - d["one"]))
    f = {k: convolve(v, "horizontal") for k, v in d.items()}
    assert filt["shifted_one_to_seven"] == pytest.approx(
        np.linalg.norm(f["shifted_one"] - f["seven"])
    )
    assert raw["shifted_one_to_seven"] < raw["shifted_one_to_one"]
    assert filt["shifted_one_to_one"] < filt["shifted_one_to_seven"]
    assert (sheet.figures["raw_closer_to"], sheet.figures["filtered_closer_to"]) == ("7", "1")


def test_digit_demo_bad_source_and_shift():
    with pytest.raises(UserError, match="synthetic"):
        digit_shift_demo("emnist")
    with pytest.raises(UserError, match="shift must be 1-10"):
        digit_shift_demo(shift=0)


def test_public_api_names_resolve_to_the_functions():
    import interpret
    import interpret.inspect.convolution  # noqa: F401  (importing the module must not shadow the function)

    np.testing.assert_array_equal(
        interpret.convolve([[60, 60, 60, 0, 0, 0]] * 3, "vertical"), [[0, 180, 180, 0]]
    )
    assert interpret.plot_filters.__module__ == "interpret.inspect.kernels"
    assert interpret.plot_summary.__module__ == "interpret.inspect.summary"
    assert interpret.plot_featuremaps.__module__ == "interpret.inspect.featuremaps"


def test_mnist_digits_are_the_first_one_and_seven_and_the_shift_is_exact(tmp_path, monkeypatch):
    from interpret.inspect.convolution import mnist_digits

    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (4, 28, 28), dtype="uint8")
    np.savez(
        tmp_path / "mnist.npz",
        x_train=x[:1],
        y_train=np.array([0], "uint8"),
        x_test=x,
        y_test=np.array([3, 7, 1, 1], "uint8"),
    )
    monkeypatch.setenv("INTERPRET_DATA_DIR", str(tmp_path))
    digits, label = mnist_digits(shift=3)
    assert label == "mnist test #2 (1), #1 (7)"
    np.testing.assert_array_equal(digits["seven"], x[1])
    np.testing.assert_array_equal(digits["shifted_one"][:, 3:], x[2][:, :-3])
    assert not digits["shifted_one"][:, :3].any()
