"""``interpret attack`` and ``interpret fool`` on a tiny model file and a tiny npz data set."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.conftest import run_cli


@pytest.fixture(scope="module")
def tiny_setup(tmp_path_factory):
    """A tiny MNIST-shaped model file with a card, and test labels it gets mostly right."""
    from interpret._tf import keras

    root = tmp_path_factory.mktemp("attack-cli")
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(2, 5, strides=3, activation="relu", name="c1"),
            keras.layers.Flatten(name="flat"),
            keras.layers.Dense(10, activation="softmax", name="out"),
        ]
    )
    path = root / "tiny.keras"
    model.save(path)
    (root / "tiny.json").write_text(
        json.dumps({"dataset": "mnist", "class_names": list("0123456789")})
    )
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (24, 28, 28), dtype=np.uint8)
    y = model.predict(x[..., None].astype("float32") / 255, verbose=0).argmax(1).astype(np.uint8)
    y[:4] = (y[:4] + 1) % 10  # four wrong: 20 initially correct
    data = root / "data"
    data.mkdir()
    np.savez(data / "mnist.npz", x_train=x, y_train=y, x_test=x, y_test=y)
    return path, data


def call(args, capsys, monkeypatch, data):
    from interpret.cli import main

    monkeypatch.setenv("INTERPRET_DATA_DIR", str(data))
    with pytest.raises(SystemExit) as exit_:
        main(args)
    out = capsys.readouterr()
    return exit_.value.code, out.out, out.err


def test_attack_prints_the_table_and_writes_plot_and_sheet(
    tiny_setup, tmp_path, capsys, monkeypatch
):
    model, data = tiny_setup
    gallery = tmp_path / "g"
    code, out, err = call(
        [
            "attack",
            "--model",
            str(model),
            "--method",
            "pgd",
            "--eps",
            "0,0.3",
            "--n",
            "24",
            "--steps",
            "5",
            "--step-size",
            "0.1",
            "--gallery",
            str(gallery),
            "--seed",
            "3",
        ],
        capsys,
        monkeypatch,
        data,
    )
    assert code == 0, err
    assert "counted on the 20 initially-correct images" in out
    assert "20/24" in out
    pngs = sorted(p.name for p in (gallery / "tiny" / "attack").glob("*.png"))
    assert pngs == ["pgd-linf-examples-eps0.3.png", "pgd-linf-robust-accuracy.png"]
    meta = json.loads((gallery / "tiny" / "attack" / "pgd-linf-robust-accuracy.json").read_text())
    assert meta["seed"] == 3
    assert meta["parameters"]["steps"] == 5 and meta["parameters"]["eps"] == [0.0, 0.3]
    rows = meta["figures"]["rows"]
    assert rows[0]["robust_accuracy"] == 1.0 and rows[0]["n_attacked"] == 20


def test_attack_deepfool_runs_once_for_every_eps(tiny_setup, tmp_path, capsys, monkeypatch):
    model, data = tiny_setup
    code, out, err = call(
        [
            "attack",
            "--model",
            str(model),
            "--method",
            "deepfool",
            "--eps",
            "0.5,28",
            "--n",
            "24",
            "--gallery",
            str(tmp_path / "g"),
        ],
        capsys,
        monkeypatch,
        data,
    )
    assert code == 0, err
    lines = [line.split() for line in out.splitlines() if line.strip().startswith(("0.5", "28"))]
    assert len(lines) == 2
    assert lines[1][1] == "0.0000"  # within L2 28 (the whole box) every image is fooled


def test_fool_writes_grid_and_one_png_per_class(tiny_setup, tmp_path, capsys, monkeypatch):
    model, data = tiny_setup
    gallery = tmp_path / "g"
    code, out, err = call(
        [
            "fool",
            "--model",
            str(model),
            "--class",
            "3,7",
            "--threshold",
            "0.99",
            "--steps",
            "200",
            "--step-size",
            "0.05",
            "--gallery",
            str(gallery),
        ],
        capsys,
        monkeypatch,
        data,
    )
    assert code == 0, err
    assert "2/2 classes at >= 0.99" in out
    names = sorted(p.name for p in (gallery / "tiny" / "fool").glob("*.png"))
    assert names == ["gradient-class-3-3.png", "gradient-class-7-7.png", "gradient-grid.png"]
    meta = json.loads((gallery / "tiny" / "fool" / "gradient-class-7-7.json").read_text())
    assert meta["figures"]["confidence"] >= 0.99 and meta["parameters"]["threshold"] == 0.99


BAD = [
    (["attack", "--eps", "-0.1"], "--eps must be 0 or more"),
    (["attack", "--eps", "1.5"], "beyond the input range"),
    (["attack", "--eps", "0.1", "--method", "jsma"], "unknown attack method 'jsma'"),
    (["attack", "--eps", "0.1", "--target", "12"], "class 12 is out of range"),
    (["attack", "--eps", "0.1", "--n", "500"], "more than the 24 test images"),
    (["attack", "--eps", "abc"], "cannot read --eps"),
    (["fool", "--class", "11"], "out of range"),
    (["fool", "--threshold", "2"], "--threshold must lie in (0, 1)"),
    (
        ["attack", "--method", "cw", "--precision", "bfloat16", "--n", "5"],
        "cw runs in float32 only",
    ),
]


@pytest.mark.parametrize("args,message", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_exits_2_with_one_line(tiny_setup, tmp_path, capsys, monkeypatch, args, message):
    model, data = tiny_setup
    gallery = tmp_path / "g"
    code, out, err = call(
        [*args, "--model", str(model), "--gallery", str(gallery)], capsys, monkeypatch, data
    )
    assert code == 2
    lines = [
        line
        for line in err.splitlines()
        if line.strip() and not line.startswith(("fooling", "pgd"))
    ]
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], err
    assert not gallery.exists()  # nothing half-written


def test_bad_eps_exits_2_in_a_real_process(tiny_setup, tmp_path):
    model, data = tiny_setup
    result = run_cli(
        "attack",
        "--model",
        str(model),
        "--eps",
        "-1",
        "--n",
        "3",
        cwd=tmp_path,
        env={"INTERPRET_DATA_DIR": str(data)},
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["error: --eps must be 0 or more, got -1.0"]
    assert not (tmp_path / "gallery").exists()
