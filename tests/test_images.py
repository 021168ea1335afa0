"""interpret.images: reading photos with clear errors, channel conversion, resizing."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.errors import UserError
from interpret.images import as_image, load_image, resize, sample_photo, to_channels


def test_load_image_roundtrip(tmp_path):
    from PIL import Image

    arr = np.random.default_rng(0).integers(0, 256, (7, 9, 4), dtype=np.uint8)
    Image.fromarray(arr, "RGBA").save(tmp_path / "x.png")
    img = load_image(tmp_path / "x.png")
    assert img.shape == (7, 9, 3) and img.dtype == np.float32
    np.testing.assert_allclose(img, arr[..., :3] / 255.0, atol=1e-6)


@pytest.mark.parametrize(
    "make,message",
    [
        (lambda d: d / "missing.jpg", r"image .*missing\.jpg does not exist"),
        (lambda d: d, r"image .* is not a file"),
        (
            lambda d: (d / "notes.jpg", (d / "notes.jpg").write_text("hello"))[0],
            r"notes\.jpg is not an image file",
        ),
        (
            lambda d: (
                d / "cut.png",
                (d / "cut.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0"),
            )[0],
            r"image .*cut\.png (cannot be read|is not an image file)",
        ),
    ],
)
def test_bad_image_files(tmp_path, make, message):
    with pytest.raises(UserError, match=message):
        load_image(make(tmp_path))


@pytest.mark.parametrize(
    "arr,message",
    [
        (np.zeros((4, 4, 2)), "shape"),
        (np.zeros((4,)), "shape"),
        (np.full((4, 4, 3), 2.0), r"\[0, 1\]"),
        (np.full((4, 4, 3), np.nan), "finite"),
    ],
)
def test_bad_arrays(arr, message):
    with pytest.raises(UserError, match=message):
        as_image(arr)


def test_channels_and_resize():
    rgb = np.random.default_rng(0).random((5, 6, 3), dtype=np.float32)
    grey = to_channels(rgb, 1)
    assert grey.shape == (5, 6, 1)
    np.testing.assert_allclose(grey[..., 0], rgb @ np.array([0.299, 0.587, 0.114]), atol=1e-5)
    assert to_channels(grey, 3).shape == (5, 6, 3)
    assert resize(rgb, (11, 3)).shape == (11, 3, 3)


def test_sample_photo_ships_with_matplotlib():
    assert load_image(sample_photo()).shape[-1] == 3
