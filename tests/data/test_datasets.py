"""interpret.data.datasets: the npz directory source and every error path."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.core.errors import UserError
from interpret.data import datasets as data


def test_loads_mnist_with_channel_axis(data_dir):
    ds = data.load("mnist")
    assert ds.x_train.shape == (64, 28, 28, 1)
    assert ds.x_test.dtype == np.uint8
    assert ds.y_train.shape == (64,)
    assert ds.class_names == tuple("0123456789")
    assert ds.source.endswith("mnist.npz")


def test_loads_cifar10_and_flattens_labels(data_dir):
    ds = data.load("cifar10")
    assert ds.x_train.shape == (64, 32, 32, 3)
    assert ds.y_train.ndim == 1
    assert ds.class_names[3] == "cat"
    x, y = ds.split("test")
    assert len(x) == len(y) == 32


def test_values_are_the_files_values(data_dir):
    with np.load(data_dir / "mnist.npz") as f:
        expected = f["x_test"][5]
    assert np.array_equal(data.load("mnist").x_test[5, ..., 0], expected)


def _write(path, **arrays):
    np.savez(path, **arrays)


def good_arrays(shape=(28, 28)):
    return {
        "x_train": np.zeros((4, *shape), np.uint8),
        "y_train": np.zeros(4, np.uint8),
        "x_test": np.zeros((2, *shape), np.uint8),
        "y_test": np.zeros(2, np.uint8),
    }


BAD_FILES = [
    ("missing key", lambda a: a.pop("y_test"), "missing key"),
    (
        "wrong image shape",
        lambda a: a.update(x_train=np.zeros((4, 27, 28), np.uint8)),
        "expected (N, 28, 28, 1)",
    ),
    ("labels do not match", lambda a: a.update(y_train=np.zeros(3, np.uint8)), "they must match"),
    (
        "label out of range",
        lambda a: a.update(y_test=np.array([0, 12], np.uint8)),
        "labels must lie in 0..9",
    ),
    ("pixel out of range", lambda a: a.update(x_test=np.full((2, 28, 28), 300.0)), "0..255"),
]


@pytest.mark.parametrize("case,mutate,message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_npz_is_a_clear_error(tmp_path, monkeypatch, case, mutate, message):
    arrays = good_arrays()
    mutate(arrays)
    _write(tmp_path / "mnist.npz", **arrays)
    monkeypatch.setenv("INTERPRET_DATA_DIR", str(tmp_path))
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        data.load("mnist")


def test_corrupt_npz_names_the_file(tmp_path, monkeypatch):
    (tmp_path / "mnist.npz").write_bytes(b"this is not a zip file")
    monkeypatch.setenv("INTERPRET_DATA_DIR", str(tmp_path))
    with pytest.raises(UserError, match="mnist.npz: cannot read it as an npz"):
        data.load("mnist")


def test_directory_without_the_file_names_variable_and_layout(tmp_path, monkeypatch):
    monkeypatch.setenv("INTERPRET_DATA_DIR", str(tmp_path))
    with pytest.raises(
        UserError,
        match="INTERPRET_DATA_DIR=.* has no cifar10.npz.*x_train, y_train, x_test, y_test",
    ):
        data.load("cifar10")


def test_offline_without_directory_names_the_variable(monkeypatch):
    monkeypatch.delenv("INTERPRET_DATA_DIR", raising=False)

    def offline(name):
        raise OSError("network is unreachable")

    monkeypatch.setattr(data, "_load_keras", offline)
    with pytest.raises(UserError, match="could not download mnist.*set INTERPRET_DATA_DIR"):
        data.load("mnist")


def test_unknown_dataset():
    with pytest.raises(UserError, match="unknown data set 'svhn'; choose one of: mnist, cifar10"):
        data.load("svhn")


@pytest.mark.parametrize("name,shape", [("mnist", (28, 28, 1)), ("cifar10", (32, 32, 3))])
def test_bundled_sample_works_offline(name, shape):
    ds = data.sample(name)
    assert ds.x_test.shape == (500, *shape) and ds.x_train.shape == (0, *shape)
    assert len(set(ds.y_test.tolist())) == 10
    assert ds.source.startswith("bundled sample")


def test_load_test_images_falls_back_to_the_sample(monkeypatch, tmp_path):
    monkeypatch.setenv("INTERPRET_DATA_DIR", str(tmp_path))  # empty: the full set is not there
    assert data.load_test_images("mnist").source.startswith("bundled sample")


def test_load_test_images_prefers_the_full_set(data_dir):
    assert data.load_test_images("mnist").source.endswith("mnist.npz")
