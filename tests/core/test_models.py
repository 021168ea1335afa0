"""interpret.core.models: resolving --model by zoo name, by path, and the errors."""

from __future__ import annotations

import pytest

from interpret.core.errors import UserError
from interpret.core.models import resolve


def test_resolve_zoo_name():
    handle = resolve("mnist-mlp")
    assert handle.source == "zoo"
    assert handle.dataset == "mnist"
    assert handle.probe.input_shape == (28, 28, 1)
    assert handle.probe.class_names[7] == "7"


def test_resolve_default_is_cifar10_cnn():
    assert resolve(None).name == "cifar10-cnn"


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_resolve_user_file(tmp_path, tiny_cnn, suffix):
    path = tmp_path / f"mine{suffix}"
    tiny_cnn.save(path)
    handle = resolve(str(path))
    assert handle.name == "mine"
    assert handle.source == str(path)
    assert handle.probe.layer_names == ["c1", "p1", "c2", "flat", "out"]


def test_resolve_keras_model_object(tiny_cnn):
    assert resolve(tiny_cnn).model is tiny_cnn


BAD = [
    ("missing.keras", "model file missing.keras does not exist"),
    ("nonsense", "unknown model 'nonsense'; give a zoo name"),
]


@pytest.mark.parametrize("spec,message", BAD)
def test_resolve_errors(spec, message):
    with pytest.raises(UserError, match=message):
        resolve(spec)


def test_unreadable_model_file(tmp_path):
    bad = tmp_path / "broken.keras"
    bad.write_bytes(b"not a zip archive")
    with pytest.raises(UserError, match=r"cannot load model file .*broken.keras") as e:
        resolve(str(bad))
    # Keras says "File not found" of a file that is there; the message names the real problem
    assert "not found" not in str(e.value) and "not a .keras archive" in str(e.value)
    assert "model.save('broken.keras')" in str(e.value)


def test_a_folder_is_not_a_model_file(tmp_path):
    for folder in (tmp_path / "saved", tmp_path / "saved.keras"):
        folder.mkdir()
        with pytest.raises(
            UserError, match=r"model .*saved(\.keras)? is a folder, not a model file"
        ):
            resolve(str(folder))


def test_wrong_suffix(tmp_path):
    other = tmp_path / "model.txt"
    other.write_text("hello")
    with pytest.raises(UserError, match="is not a .keras or .h5 file"):
        resolve(str(other))
