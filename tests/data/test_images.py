import numpy as np
import pytest
from PIL import Image

from interpret.core.errors import UserError
from interpret.data.images import fit_image, load_image, read_image, to_channels


def _png(path, arr):
    Image.fromarray(arr).save(path)
    return path


def test_rgb_file_into_gray_model_is_converted_and_resized(tmp_path):
    arr = np.zeros((10, 20, 3), "uint8")
    arr[..., 1] = 200
    img, notes = load_image(_png(tmp_path / "g.png", arr), (5, 10, 1))
    assert img.shape == (5, 10, 1) and img.dtype == np.float32
    assert notes == ["converted RGB to grayscale (luminance)", "resized 20x10 to 10x5"]
    assert img.max() == pytest.approx(round(0.587 * 200) / 255, abs=1e-6)


def test_gray_file_into_rgb_model_repeats_the_channel(tmp_path):
    arr = np.full((4, 4), 51, "uint8")
    img, notes = load_image(_png(tmp_path / "g.png", arr), (4, 4, 3))
    assert notes == ["converted grayscale to RGB (channel repeated)"]
    np.testing.assert_allclose(img, np.full((4, 4, 3), 0.2))


def test_alpha_is_dropped(tmp_path):
    arr = np.zeros((3, 3, 4), "uint8")
    arr[..., 2] = 255
    assert read_image(_png(tmp_path / "a.png", arr)).shape == (3, 3, 3)


def test_16_bit_and_float_grayscale_keep_their_brightness(tmp_path):
    # PIL's convert("L") clips a 16-bit image at 255 (almost all white) and truncates floats
    # in [0, 1] to 0 (all black); the pixels must be scaled to 0..255 instead
    ramp16 = np.array([[0, 16384, 32768, 65535]], "uint16")
    assert read_image(_png(tmp_path / "g16.png", ramp16))[0, :, 0].tolist() == [0, 64, 128, 255]
    ramp01 = np.array([[0.0, 0.25, 0.5, 1.0]], "float32")
    Image.fromarray(ramp01, "F").save(tmp_path / "f.tiff")
    assert read_image(tmp_path / "f.tiff")[0, :, 0].tolist() == [0, 64, 128, 255]
    ramp255 = np.array([[0.0, 64.0, 128.0, 255.0]], "float32")
    Image.fromarray(ramp255, "F").save(tmp_path / "f255.tiff")
    assert read_image(tmp_path / "f255.tiff")[0, :, 0].tolist() == [0, 64, 128, 255]


def test_matching_image_passes_untouched():
    x = np.random.default_rng(0).random((6, 6, 3)).astype("float32")
    img, notes = fit_image(x, (6, 6, 3))
    assert notes == [] and np.array_equal(img, x)


def test_model_with_four_channels_is_refused():
    with pytest.raises(UserError, match="4-channel images"):
        to_channels(np.zeros((2, 2, 3)), 4)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d: d / "missing.png", "does not exist"),
        (lambda d: d, "is not a file"),
        (
            lambda d: _write(d / "notes.png", b"hello, not a picture"),
            "is not an image PIL can read",
        ),
        (lambda d: _write(d / "cut.png", _truncated_png()), "cannot be decoded"),
    ],
)
def test_unreadable_files_name_the_file_and_why(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(UserError) as e:
        read_image(path)
    assert str(path) in str(e.value) and message in str(e.value)


def _write(path, payload):
    path.write_bytes(payload)
    return path


def _truncated_png():
    import io

    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype="uint8")).save(
        buf, format="PNG"
    )
    return buf.getvalue()[:200]


def test_dataset_image_falls_back_to_the_bundled_sample_and_says_so(tmp_path, monkeypatch):
    from interpret.data.images import dataset_image

    monkeypatch.setenv("INTERPRET_DATA_DIR", str(tmp_path))  # empty: no mnist.npz
    img, notes, label = dataset_image("mnist", 0)
    assert img.shape == (28, 28, 1) and img.dtype == np.uint8
    assert label.startswith("mnist test #0 (") and "bundled sample" in notes[0]
    with pytest.raises(UserError, match="index 500 is out of range: mnist test has 500 images"):
        dataset_image("mnist", 500)
    # the sample is all a fresh clone has offline: the message says how to get the rest
    with pytest.raises(UserError, match="set INTERPRET_DATA_DIR to a folder with mnist.npz"):
        dataset_image("mnist", 500)


def test_sample_photo_ships_with_matplotlib():
    from interpret.data.images import as_image, read_image, sample_photo

    assert as_image(read_image(sample_photo())).shape[-1] == 3


@pytest.mark.parametrize(
    "arr,message",
    [
        (np.zeros((4, 4, 2)), "shape"),
        (np.zeros((4,)), "shape"),
        (np.full((4, 4, 3), 2.0), r"\[0, 1\]"),
        (np.full((4, 4, 3), np.nan), "finite"),
    ],
)
def test_as_image_rejects_bad_arrays(arr, message):
    from interpret.data.images import as_image

    with pytest.raises(UserError, match=message):
        as_image(arr)


def test_resize_keeps_channels():
    from interpret.data.images import resize

    assert resize(np.zeros((5, 6, 3), np.float32), (11, 3)).shape == (11, 3, 3)
