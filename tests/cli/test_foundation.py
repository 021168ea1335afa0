"""``interpret layers | models | samples | train``: the commands that list, show and train the zoo.

The commands run in-process (``tests.cli.run``): a new Python per command would pay seconds
of TensorFlow import each. The real process, exit code and stderr included, is covered by
``tests/cli/test_main.py``.
"""

from __future__ import annotations

import json

import pytest

from tests.cli import run


def run_on_tiny_data(tmp_path, capsys, *args):
    """The command with a gallery under tmp_path, on the ``data_dir`` fixture's tiny data sets
    (the fixture points INTERPRET_DATA_DIR at them): (exit code, stdout, stderr)."""
    return run([*args, "--gallery", str(tmp_path / "g")], capsys)


def test_layers_prints_names_and_counts(capsys):
    code, out, err = run(["layers", "cifar10-cnn"], capsys)
    assert code == 0, err
    assert "conv2d_1" in out and "18,496" in out and "64 filters" in out
    assert "122,570" in out


def test_layers_counts_filters_only_of_layers_that_have_them(tmp_path, capsys):
    from interpret._tf import keras

    L = keras.layers
    model = keras.Sequential(
        [
            keras.Input((8, 8, 3)),
            L.Rescaling(1 / 255.0, name="scale"),
            L.Conv2D(4, 3, name="conv"),
            L.BatchNormalization(name="bn"),
            L.MaxPooling2D(2, name="pool"),
            L.Flatten(name="flat"),
            L.Dense(2, name="out"),
        ]
    )
    model.save(tmp_path / "m.keras")
    code, out, err = run(["layers", str(tmp_path / "m.keras")], capsys)
    assert code == 0, err
    last = {line.split()[0]: line.split()[-1] for line in out.splitlines()[1:7]}
    assert last == {"scale": "-", "conv": "filters", "bn": "-", "pool": "-", "flat": "-",
                    "out": "units"}  # fmt: skip
    assert "4 filters" in out and "2 units" in out and "3 filters" not in out


def test_layers_takes_the_model_as_an_argument_or_as_model(capsys):
    code, by_flag, _ = run(["layers", "--model", "mnist-cnn"], capsys)
    assert code == 0 and "464,522" in by_flag
    assert run(["layers", "mnist-cnn"], capsys)[1] == by_flag
    code, _, err = run(["layers", "mnist-mlp", "-m", "mnist-cnn"], capsys)
    assert code == 2 and "MODEL given twice (mnist-mlp, --model mnist-cnn)" in err


def test_train_needs_a_model_one_way_or_the_other(capsys):
    code, _, err = run(["train"], capsys)
    assert code == 2 and "give MODEL (a zoo name or a .keras/.h5 file)" in err
    code, _, err = run(["train", "--model", "resnet"], capsys)
    assert code == 2 and "unknown zoo model 'resnet'" in err


def test_train_help_says_what_precision_is_used_without_the_flag(capsys):
    from interpret.zoo.recipes import RECIPES

    code, out, _ = run(["train", "--help"], capsys)
    text = " ".join(out.split()).replace("- ", "-")  # undo click's wrapping
    assert code == 0
    assert (
        "float32, bfloat16, auto [default: the recipe's: bfloat16 for mnist-cnn-robust "
        "(float32 on a CPU without it), float32 otherwise]" in text
    )
    assert RECIPES["mnist-cnn-robust"].precision == "bfloat16"
    assert {r.precision for n, r in RECIPES.items() if n != "mnist-cnn-robust"} == {"float32"}


def test_models_lists_the_zoo_with_accuracy(capsys):
    code, out, err = run(["models"], capsys)
    assert code == 0, err
    for name in ("cifar10-cnn", "mnist-mlp", "mnist-cnn"):
        assert name in out


def test_samples_writes_grid_and_sidecar(tmp_path, data_dir, capsys):
    code, _, err = run_on_tiny_data(tmp_path, capsys, "samples", "cifar10")
    assert code == 0, err
    sidecar = tmp_path / "g" / "cifar10" / "samples" / "cifar10-samples.json"
    meta = json.loads(sidecar.read_text())
    assert len(meta["indices"]) == 25 and meta["seed"] == 0
    assert sidecar.with_suffix(".png").stat().st_size > 1000


def test_train_on_tiny_data_writes_model_card_and_curves(tmp_path, data_dir, capsys):
    code, _, err = run_on_tiny_data(tmp_path, capsys, "train", "mnist-mlp", "--epochs", "2")
    assert code == 0, err
    out = tmp_path / "g" / "mnist-mlp" / "train"
    card = json.loads((out / "mnist-mlp.json").read_text())
    assert card["epochs"] == 2 and len(card["history"]["accuracy"]) == 2
    assert card["data_source"].endswith("mnist.npz") and card["train_images"] == 64
    assert 0.0 <= card["test_accuracy"] <= 1.0
    assert (out / "mnist-mlp.keras").is_file() and (out / "training-curves.png").is_file()
    # the saved model resolves by path like any user model
    code, listed, _ = run(["layers", str(out / "mnist-mlp.keras")], capsys)
    assert code == 0 and "dense_2" in listed


def test_train_watch_writes_epochs_to_gallery_and_tensorboard(tmp_path, data_dir, capsys):
    g = tmp_path / "g"
    args = ["train", "mnist-mlp", "--epochs", "2", "--watch", "dense:0-1", "--watch-steps", "2"]
    code, stdout, err = run_on_tiny_data(tmp_path, capsys, *args, "--watch-attack", "0.1")
    assert code == 0, err
    watch = g / "mnist-mlp" / "watch"
    assert sorted(p.name for p in watch.glob("dense*.png")) == [
        "dense-0-1-epoch001.png",
        "dense-0-1-epoch002.png",
        "dense-0-1-epochs.png",
    ]
    assert (watch / "dense-0-1-epochs.gif").is_file() and (
        watch / "pgd-eps0.1-epochs.png"
    ).is_file()
    logs = g / "mnist-mlp" / "train" / "logs"
    assert f"tensorboard --logdir {logs}" in stdout
    for name in ("interpret", "train", "validation"):  # ours beside Keras' own
        assert list((logs / name).glob("events.out.tfevents.*")), name
    code, _, err = run(
        ["train", "mnist-mlp", "--watch", "nope:0", "--gallery", str(tmp_path / "b")], capsys
    )
    assert code == 2 and "unknown layer 'nope'" in err


ADVERSARIAL_BAD_INPUT = [
    (["--adversarial", "free", "--eps", "0.3"], "unknown adversarial training method 'free'"),
    (["--adversarial", "pgd", "--eps", "0"], "--eps must lie in (0, 1], got 0"),
    (["--adversarial", "pgd", "--eps", "1.5"], "--eps must lie in (0, 1], got 1.5"),
    (["--adversarial", "trades", "--eps", ".3", "--beta", "0"], "--beta must be greater than 0"),
    (["--adversarial", "trades", "--eps", ".3", "--beta", "-1"], "--beta must be greater than 0"),
    (["--adversarial", "pgd"], "adversarial training needs --eps"),
    (["--eps", "0.3"], "--eps needs --adversarial"),
    (["--eps-warmup", "2"], "--eps-warmup needs --adversarial"),
    (["--adversarial", "pgd", "--eps", ".3", "--eps-warmup", "-1"], "--eps-warmup must"),
    (["--adversarial", "fgsm-rs", "--eps", ".3", "--attack-steps", "3"], "fgsm-rs takes one step"),
    (["--norm", "l2"], "--norm needs --adversarial"),
    (["--adversarial", "pgd", "--norm", "l2", "--eps", "0"], "--eps must be greater than 0"),
]


@pytest.mark.parametrize(
    "args,message", ADVERSARIAL_BAD_INPUT, ids=[" ".join(a) for a, _ in ADVERSARIAL_BAD_INPUT]
)
def test_adversarial_bad_input_exits_2_with_one_line_and_writes_nothing(
    tmp_path, data_dir, capsys, monkeypatch, args, message
):
    monkeypatch.chdir(tmp_path)  # the default gallery, ./gallery, must not appear
    code, _, err = run(["train", "mnist-cnn", *args], capsys)
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], err
    assert not (tmp_path / "gallery").exists()


def test_adversarial_train_on_tiny_data_records_robust_accuracy(tmp_path, data_dir, capsys):
    args = ["train", "mnist-cnn", "--adversarial", "fgsm-rs", "--eps", "0.3", "--epochs", "1"]
    code, out, err = run_on_tiny_data(tmp_path, capsys, *args)
    assert code == 0, err
    assert "mnist-cnn-fgsm-rs: test accuracy" in out and "PGD-20 accuracy" in out
    out = tmp_path / "g" / "mnist-cnn-fgsm-rs" / "train"
    card = json.loads((out / "mnist-cnn-fgsm-rs.json").read_text())
    assert card["adversarial"]["step_size"] == 0.375 and card["twin"] == "mnist-cnn"
    assert (
        card["robust_accuracy"]["images"] == 32 and len(card["history"]["val_robust_accuracy"]) == 1
    )
    assert (out / "training-curves.png").is_file()


def test_l2_adversarial_training_records_its_norm(tmp_path, data_dir, capsys):
    args = ["train", "mnist-cnn", "--adversarial", "pgd", "--norm", "l2", "--eps", "1.5",
            "--attack-steps", "2", "--epochs", "1"]  # fmt: skip
    code, out, err = run_on_tiny_data(tmp_path, capsys, *args)
    assert code == 0, err
    assert "mnist-cnn-pgd-l2: test accuracy" in out and "accuracy" in out and "L2 eps 1.5" in out
    card = json.loads((tmp_path / "g/mnist-cnn-pgd-l2/train/mnist-cnn-pgd-l2.json").read_text())
    assert card["adversarial"]["norm"] == card["robust_accuracy"]["norm"] == "l2"
    assert card["adversarial"]["step_size"] == 1.5 * 2.5 / 2


def test_samples_of_your_own_data_as_the_model_sees_them(tmp_path, capsys):
    from tests.conftest import make_user_data

    npz, _ = make_user_data(tmp_path)
    g = tmp_path / "g"
    code, out, err = run(
        ["samples", "--data", str(npz), "-m", "mnist-cnn", "--gallery", str(g)], capsys
    )
    assert code == 0, err
    meta = json.loads((g / "mnist-cnn" / "samples" / "own.npz-samples.json").read_text())
    assert meta["data"] == str(npz) and "converted" in " ".join(meta["data_notes"])
    for args in (["samples"], ["samples", "mnist", "--data", str(npz)]):
        code, _, err = run([*args, "--gallery", str(g / "bad")], capsys)
        assert code == 2 and "give DATASET (mnist or cifar10) or --data" in err
    assert not (g / "bad").exists()
