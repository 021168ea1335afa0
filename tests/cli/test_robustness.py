"""``interpret robustness`` on a tiny model file and data set; bad input; a masked model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.cli import test_attack
from tests.cli.test_attack import call

tiny_setup = test_attack.tiny_setup  # the attack command's fixture: a tiny model and data


@pytest.fixture(autouse=True)
def small_autoattack(monkeypatch):
    """AutoAttack's stages with few steps and queries: the commands, not the budgets, are tested."""
    small = {"steps": 10, "restarts": 1, "targets": 9, "queries": 100, "p_init": 0.8}
    monkeypatch.setattr("interpret.attacks.autoattack.STANDARD", small)


def test_robustness_prints_the_table_and_writes_the_plot(tiny_setup, tmp_path, capsys, monkeypatch):
    model, data = tiny_setup
    gallery = tmp_path / "g"
    args = ["robustness", "--model", str(model), "--eps", "0.01,3/10", "--n", "24"]
    code, out, err = call(
        [*args, "--attacks", "fgsm,apgd-ce,autoattack", "--gallery", str(gallery), "--seed", "2"],
        capsys,
        monkeypatch,
        data,
    )
    assert code == 0, err
    assert "clean accuracy 0.8333" in out and "after apgd-ce" in out and "after square" in out
    assert "note: tiny ends in a softmax" in out
    files = sorted(p.name for p in (gallery / "tiny" / "robustness").glob("*.png"))
    assert files[0] == "accuracy-linf.png" and files[1].startswith("autoattack-linf-examples")
    meta = json.loads((gallery / "tiny" / "robustness" / "accuracy-linf.json").read_text())
    assert meta["seed"] == 2 and meta["figures"]["robust_accuracy"]["autoattack"]["0.3"] == 0.0


def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    tiny_setup, tmp_path, capsys, monkeypatch
):
    model, data = tiny_setup
    gallery = tmp_path / "g"
    cases = [
        (
            ["--attacks", "pgd,zap"],
            "unknown attack 'zap' for --attacks; choose one of: fgsm",
        ),
        (["--eps", "1.5"], "--eps 1.5 is beyond the input range"),
        (["--eps", "30", "--norm", "l2"], "an L2 perturbation is at most 28"),
        (["--eps", "0.1/0"], "cannot read --eps"),
    ]
    for extra, message in cases:
        args = ["robustness", "--model", str(model), "--eps", "0.1", "--n", "8", *extra]
        code, out, err = call([*args, "--gallery", str(gallery)], capsys, monkeypatch, data)
        assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err
    assert not gallery.exists()


def test_a_model_without_gradients_is_flagged_and_the_run_completes(tmp_path, capsys, monkeypatch):
    from interpret._tf import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Discretization(bin_boundaries=[0.25, 0.5, 0.75]),  # no gradient
            keras.layers.Rescaling(1 / 3),
            keras.layers.Flatten(),
            keras.layers.Dense(10),
        ]
    )
    path = tmp_path / "quantised.keras"
    model.save(path)
    x = np.random.default_rng(0).integers(0, 256, (12, 28, 28), dtype=np.uint8)
    y = model.predict(x[..., None] / 255.0, verbose=0).argmax(1).astype(np.uint8)
    data = tmp_path / "data"
    data.mkdir()
    np.savez(data / "mnist.npz", x_train=x, y_train=y, x_test=x, y_test=y)
    args = ["robustness", "--model", str(path), "--dataset", "mnist", "--eps", "0.3", "--n", "12"]
    code, out, err = call(
        [*args, "--attacks", "apgd-ce,autoattack", "--gallery", str(tmp_path / "g")],
        capsys,
        monkeypatch,
        data,
    )
    assert code == 0, err
    assert "warning: the DLR loss's input gradient is zero on 12" in out
    assert "warning: Square Attack (black-box) fooled" in out


def _own_data(root, x, y):
    """The two --data forms: an .npz (keys x_test, y_test) and a folder of class folders."""
    from PIL import Image

    np.savez(root / "own.npz", x_test=x, y_test=y)
    for i, (img, label) in enumerate(zip(x, y)):
        folder = root / "own" / str(label)
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(img).save(folder / f"{i}.png")
    return root / "own.npz", root / "own"


def test_robustness_and_attack_on_the_users_own_data(tiny_setup, tmp_path, capsys, monkeypatch):
    model, data = tiny_setup
    x = np.load(data / "mnist.npz")["x_test"][4:12]
    y = np.load(data / "mnist.npz")["y_test"][4:12]
    npz, folder = _own_data(tmp_path, x, y)
    gallery = tmp_path / "g"
    for command, source in (("robustness", npz), ("attack", folder)):
        args = [command, "--model", str(model), "--data", str(source), "--eps", "0.05"]
        extra = (
            ["--attacks", "fgsm,apgd-ce"] if command == "robustness" else ["--method", "apgd-ce"]
        )
        code, out, err = call([*args, *extra, "--gallery", str(gallery)], capsys, monkeypatch, data)
        assert code == 0, err
    meta = json.loads((gallery / "tiny" / "robustness" / "accuracy-linf.json").read_text())
    assert meta["parameters"]["images"] == "first 8 of own.npz: x_test, y_test (8 images)"
    assert meta["figures"]["clean_accuracy"] == 1.0  # the labels are the model's own answers


def test_bad_data_exits_2_with_one_line_and_writes_nothing(
    tiny_setup, tmp_path, capsys, monkeypatch
):
    model, data = tiny_setup
    x = np.zeros((4, 28, 28), np.uint8)
    np.savez(tmp_path / "keys.npz", images=x, labels=[0, 1, 2, 3])
    np.savez(tmp_path / "lengths.npz", x=x, y=[0, 1, 2])
    np.savez(tmp_path / "labels.npz", x=x, y=[0, 1, 2, 12])
    np.savez(tmp_path / "shape.npz", x=np.zeros((4, 28, 28, 5), np.uint8), y=[0, 1, 2, 3])
    (tmp_path / "empty" / "cat").mkdir(parents=True)
    cases = [
        ("keys.npz", "has key(s) images, labels; it needs x (and y) or x_test"),
        ("lengths.npz", "4 images but labels of shape (3,)"),
        ("labels.npz", "has label 12; the model has 10 (0-9)"),
        ("shape.npz", "images have shape (4, 28, 28, 5)"),
        ("empty", "hold no images"),
    ]
    gallery = tmp_path / "g"
    for name, message in cases:
        args = ["robustness", "--model", str(model), "--eps", "0.1", "--attacks", "apgd-ce"]
        code, out, err = call(
            [*args, "--data", str(tmp_path / name), "--gallery", str(gallery)],
            capsys,
            monkeypatch,
            data,
        )
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1 and lines[0].startswith("error: --data"), err
        assert message in lines[0], err
    assert not gallery.exists()
