"""The CLI: --help without TensorFlow, foundation commands, and bad input -> exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_cli


def test_help_and_version_do_not_import_tensorflow():
    code = (
        "import sys\n"
        "from interpret.cli import main\n"
        "for args in (['--help'], ['--version']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit as e:\n"
        "        assert e.code == 0, e.code\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'TF imported'\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "Usage: interpret" in out.stdout and "version" in out.stdout


def test_every_command_has_help():
    from interpret.cli import cli

    for name in cli.commands:
        result = run_cli(name, "--help")
        assert result.returncode == 0, (name, result.stderr)
        assert "Usage:" in result.stdout


BAD_INPUT = [
    (["layers", "nope.keras"], "model file nope.keras does not exist"),
    (["layers", "resnet50"], "unknown model 'resnet50'"),
    (["train", "resnet"], "unknown zoo model 'resnet'"),
    (["samples", "svhn"], "'svhn' is not one of 'mnist', 'cifar10'"),
    (["train", "mnist-mlp", "--epochs", "0"], "--epochs must be a whole number of at least 1"),
    (["train", "mnist-cnn", "--adversarial", "free", "--eps", "0.3"], "unknown adversarial"),
    (["train", "mnist-cnn", "--adversarial", "pgd", "--eps", "0"], "--eps must lie in (0, 1]"),
    (["train", "mnist-cnn", "--adversarial", "pgd", "--eps", "1.5"], "--eps must lie in (0, 1]"),
    (
        ["train", "mnist-cnn", "--adversarial", "trades", "--eps", ".3", "--beta", "0"],
        "--beta must be",
    ),
    (["train", "mnist-cnn", "--adversarial", "pgd"], "adversarial training needs --eps"),
    (["nosuchcommand"], "No such command 'nosuchcommand'"),
]


@pytest.mark.parametrize("args,message", BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_exits_2_with_one_line(tmp_path, data_dir, args, message):
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "gallery").exists()  # nothing half-written


def test_layers_prints_names_and_counts():
    result = run_cli("layers", "cifar10-cnn")
    assert result.returncode == 0, result.stderr
    assert (
        "conv2d_1" in result.stdout and "18,496" in result.stdout and "64 filters" in result.stdout
    )
    assert "122,570" in result.stdout


def test_models_lists_the_zoo_with_accuracy():
    result = run_cli("models")
    assert result.returncode == 0, result.stderr
    for name in ("cifar10-cnn", "mnist-mlp", "mnist-cnn"):
        assert name in result.stdout


def test_samples_writes_grid_and_sidecar(tmp_path, data_dir):
    result = run_cli(
        "samples",
        "cifar10",
        "--gallery",
        str(tmp_path / "g"),
        env={"INTERPRET_DATA_DIR": str(data_dir)},
    )
    assert result.returncode == 0, result.stderr
    sidecar = tmp_path / "g" / "cifar10" / "samples" / "cifar10-samples.json"
    meta = json.loads(sidecar.read_text())
    assert len(meta["indices"]) == 25 and meta["seed"] == 0
    assert sidecar.with_suffix(".png").stat().st_size > 1000


def test_train_on_tiny_data_writes_model_card_and_curves(tmp_path, data_dir):
    result = run_cli(
        "train",
        "mnist-mlp",
        "--epochs",
        "2",
        "--gallery",
        str(tmp_path / "g"),
        env={"INTERPRET_DATA_DIR": str(data_dir)},
    )
    assert result.returncode == 0, result.stderr
    out = tmp_path / "g" / "mnist-mlp" / "train"
    card = json.loads((out / "mnist-mlp.json").read_text())
    assert card["epochs"] == 2 and len(card["history"]["accuracy"]) == 2
    assert card["data_source"].endswith("mnist.npz") and card["train_images"] == 64
    assert 0.0 <= card["test_accuracy"] <= 1.0
    assert (out / "mnist-mlp.keras").is_file() and (out / "training-curves.png").is_file()
    # the saved model resolves by path like any user model
    listed = run_cli("layers", str(out / "mnist-mlp.keras"))
    assert listed.returncode == 0 and "dense_2" in listed.stdout


def test_adversarial_train_on_tiny_data_records_robust_accuracy(tmp_path, data_dir):
    args = ["train", "mnist-cnn", "--adversarial", "fgsm-rs", "--eps", "0.3", "--epochs", "1"]
    result = run_cli(
        *args, "--gallery", str(tmp_path / "g"), env={"INTERPRET_DATA_DIR": str(data_dir)}
    )
    assert result.returncode == 0, result.stderr
    assert (
        "mnist-cnn-fgsm-rs: test accuracy" in result.stdout and "PGD-20 accuracy" in result.stdout
    )
    card = json.loads(
        (tmp_path / "g" / "mnist-cnn-fgsm-rs" / "train" / "mnist-cnn-fgsm-rs.json").read_text()
    )
    assert card["adversarial"]["step_size"] == 0.375 and card["twin"] == "mnist-cnn"
    assert (
        card["robust_accuracy"]["images"] == 32 and len(card["history"]["val_robust_accuracy"]) == 1
    )
