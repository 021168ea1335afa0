"""The user-data loader: both forms, every layout it accepts, every bad case it names."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from interpret.core.errors import UserError
from interpret.data.user import UserData, load_user_data, round_robin

CIFAR = SimpleNamespace(
    input_shape=(8, 8, 3),
    n_classes=4,
    class_names=("airplane", "bird", "cat", "dog"),
)


def _png(path, arr):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(arr).save(path)
    return path


def _folder(root, classes=("cat", "dog"), per_class=3, size=(10, 12)):
    rng = np.random.default_rng(0)
    for c in classes:
        for i in range(per_class):
            _png(root / c / f"{i}.png", rng.integers(0, 256, (*size, 3), dtype=np.uint8))
    return root


def test_npz_x_y_uint8_without_channel_axis(tmp_path):
    x = np.arange(5 * 8 * 8, dtype=np.uint32).reshape(5, 8, 8) % 256
    np.savez(tmp_path / "m.npz", x=x.astype("uint8"), y=[0, 1, 2, 3, 0])
    d = load_user_data(tmp_path / "m.npz", (8, 8, 1))
    assert d.x.shape == (5, 8, 8, 1) and d.x.dtype == np.float32
    np.testing.assert_allclose(d.x[..., 0], x / 255.0, atol=1e-7)
    assert d.y.tolist() == [0, 1, 2, 3, 0] and d.notes == [] and d.total == 5
    assert d.source == "m.npz: x, y (5 images)" and d.label(2) == "m.npz #2 (2)"


def test_npz_test_keys_float_with_channels_resized_to_the_model(tmp_path):
    x = np.random.default_rng(0).random((4, 6, 6, 3)).astype("float32")
    np.savez(tmp_path / "t.npz", x_test=x, y_test=np.array([[1], [0], [1], [2]]))
    d = load_user_data(str(tmp_path / "t.npz"), CIFAR)
    assert d.x.shape == (4, 8, 8, 3) and 0 <= d.x.min() and d.x.max() <= 1
    assert d.y.tolist() == [1, 0, 1, 2] and d.class_names == CIFAR.class_names
    assert d.notes == ["resized 6x6 to 8x8"]
    assert d.describe()["data_notes"] == ["resized 6x6 to 8x8"]


def test_npz_layouts_are_recognised_with_notes(tmp_path):
    base = np.random.default_rng(1).integers(0, 256, (3, 8, 8, 3)).astype("float32")
    onehot = np.eye(4)[[3, 0, 1]]
    np.savez(tmp_path / "cf.npz", x=base.transpose(0, 3, 1, 2), y=onehot)
    d = load_user_data(tmp_path / "cf.npz", CIFAR)
    np.testing.assert_allclose(d.x, base / 255.0, atol=1e-6)
    assert d.y.tolist() == [3, 0, 1]
    assert d.notes == [
        "channels-first images moved to channels-last",
        "one-hot labels turned into class indices",
        "pixel values 0..255 divided by 255",
    ]
    np.savez(tmp_path / "flat.npz", x=base.reshape(3, -1).astype("uint8"))
    d = load_user_data(tmp_path / "flat.npz", (8, 8, 3))
    assert d.y is None and d.x.shape == (3, 8, 8, 3) and "reshaped" in d.notes[0]


def test_first_n_and_arrays_and_passthrough():
    x = np.zeros((6, 8, 8, 3), "uint8")
    d = load_user_data((x, np.arange(6) % 4), CIFAR, n=2)
    assert len(d) == 2 and d.total == 6 and d.y.tolist() == [0, 1]
    again = load_user_data(d, (4, 4, 1))
    assert again.x.shape == (2, 4, 4, 1) and d.x.shape == (2, 8, 8, 3)
    assert again.notes == ["converted RGB to grayscale (luminance)", "resized 8x8 to 4x4"]


def test_folder_classes_round_robin_and_resize(tmp_path):
    root = _folder(tmp_path / "pets", ("dog", "cat"), per_class=3)
    (root / "cat" / "README.txt").write_text("not an image")
    _png(root / "dog" / "sub" / "deep.png", np.zeros((10, 12, 3), "uint8"))
    d = load_user_data(root, CIFAR, labels=True)
    assert d.total == 7 and len(d) == 7 and d.x.shape == (7, 8, 8, 3)
    # folder names are model class names: labels follow the model's numbering by name
    assert d.y.tolist() == [2, 3, 2, 3, 2, 3, 3]
    assert d.files[:3] == ["cat/0.png", "dog/0.png", "cat/1.png"]
    assert d.label(0) == "cat/0.png (cat)" and d.label(6) == "dog/sub/deep.png (dog)"
    assert d.notes == [
        "7 of 7 images resized to 8x8",
        "class folders matched to the model's classes by name",
    ]
    head = load_user_data(root, (10, 12, 1), n=3)
    assert head.y.tolist() == [0, 1, 0] and head.class_names == ("cat", "dog")
    assert head.notes == ["3 of 3 images converted to 1 channel(s)"]


def test_folder_names_unknown_to_the_model_map_by_position(tmp_path):
    root = _folder(tmp_path / "mine", ("b_second", "a_first"), per_class=1, size=(8, 8))
    d = load_user_data(root, CIFAR)
    assert d.y.tolist() == [0, 1] and d.class_names == CIFAR.class_names
    assert d.notes == [
        "class folders matched to the model's classes by sorted position, not by name"
    ]


def test_round_robin_takes_one_of_each_in_turn():
    assert round_robin([[1, 2], [3], [4, 5, 6]]) == [(0, 1), (1, 3), (2, 4), (0, 2), (2, 5), (2, 6)]


def _error(spec, target=CIFAR, **kw) -> str:
    with pytest.raises(UserError) as e:
        load_user_data(spec, target, **kw)
    assert e.value.param == "data"
    message = e.value.message({"data": "--data"})
    assert "\n" not in message
    return message


def test_bad_inputs_are_one_line_naming_the_parameter(tmp_path):
    assert "does not exist" in _error(tmp_path / "nope.npz")
    np.savez(tmp_path / "k.npz", images=np.zeros((2, 8, 8)), labels=[0, 1])
    assert "has key(s) images, labels; it needs x (and y) or x_test" in _error(tmp_path / "k.npz")
    _png(tmp_path / "pic.png", np.zeros((4, 4, 3), "uint8"))
    assert "cannot be read as an .npz file" in _error(tmp_path / "pic.png")
    np.save(tmp_path / "bare.npy", np.zeros((2, 8, 8)))
    assert "one bare array" in _error(tmp_path / "bare.npy")
    loose = tmp_path / "loose"
    _png(loose / "a.png", np.zeros((4, 4, 3), "uint8"))
    msg = _error(loose)
    assert msg.startswith("--data ") and "no class subfolders (1 images lie loose in it)" in msg
    (tmp_path / "empty" / "cat").mkdir(parents=True)
    assert "hold no images" in _error(tmp_path / "empty")
    root = _folder(tmp_path / "broken", per_class=1)
    (root / "dog" / "bad.png").write_bytes(b"not a png at all")
    msg = _error(root)
    assert "bad.png" in msg and "delete or re-save that file" in msg
    np.savez(tmp_path / "nolabels.npz", x=np.zeros((2, 8, 8, 3)))
    assert "has no labels" in _error(tmp_path / "nolabels.npz", labels=True)
    np.savez(tmp_path / "big.npz", x=np.zeros((2, 8, 8, 3)), y=[0, 9])
    assert "has label 9; the model has 4 (0-3)" in _error(tmp_path / "big.npz", labels=True)
    np.savez(tmp_path / "neg.npz", x=np.full((2, 8, 8, 3), -1.0))
    assert "pixel values run from -1 to -1" in _error(tmp_path / "neg.npz")
    np.savez(tmp_path / "shape.npz", x=np.zeros((2, 8, 8, 7)))
    assert "images have shape (2, 8, 8, 7)" in _error(tmp_path / "shape.npz")
    np.savez(tmp_path / "mism.npz", x=np.zeros((2, 8, 8)), y=[0, 1, 2])
    assert "2 images but labels of shape (3,)" in _error(tmp_path / "mism.npz")


def test_labels_the_model_cannot_have_are_dropped_when_not_needed(tmp_path):
    np.savez(tmp_path / "big.npz", x=np.zeros((2, 8, 8, 3)), y=[0, 9])
    d = load_user_data(tmp_path / "big.npz", CIFAR)
    assert (
        d.y is None and d.notes[-1] == "big.npz has label 9; the model has 4 (0-3): labels ignored"
    )


def test_label_without_labels_is_the_file():
    d = UserData(np.zeros((1, 2, 2, 1)), None, (), "s", files=["a/b.png"], spec="root")
    assert d.label(0) == "a/b.png"
