import json

import numpy as np
import pytest

from tests.cli import run


def test_filters_write_pngs_grid_and_sidecars(model_file, tmp_path, capsys):
    g = tmp_path / "g"
    code, out, err = run(
        [
            "maximize",
            "-m",
            model_file,
            "--layer",
            "c2",
            "--filter",
            "0-2",
            "--steps",
            "4",
            "--seed",
            "7",
            "--gallery",
            str(g),
        ],
        capsys,
    )
    assert code == 0, err
    folder = g / "tiny" / "maximize"
    names = sorted(p.name for p in folder.glob("*.png"))
    assert names == ["c2-f0.png", "c2-f1.png", "c2-f2.png", "grid-c2-0-2.png"]
    meta = json.loads((folder / "c2-f1.json").read_text())
    assert meta["seed"] == 7 and meta["layer"] == "c2" and meta["objective"] == "channel(c2, 1)"
    assert meta["parameters"]["steps"] == 4 and "activation" in meta["figures"]
    assert "3 filter target(s)" in out


def test_a_render_stuck_at_its_start_warns_once(model_file, tmp_path, capsys):
    from tests.maxi_models import small_cnn

    dead = small_cnn()  # every c1 ReLU off on any image: the logits ignore the input
    kernel, bias = dead.get_layer("c1").get_weights()
    dead.get_layer("c1").set_weights([kernel, np.full_like(bias, -100.0)])
    dead.save(tmp_path / "dead.keras")
    args = ["maximize", "--class", "all", "--steps", "4", "--gallery", str(tmp_path / "g")]
    code, out, err = run([*args, "-m", str(tmp_path / "dead.keras")], capsys)
    assert code == 0, err
    (line,) = [s for s in err.splitlines() if s.startswith("warning:")]
    assert "gradient of class_logit(0-2) is exactly zero" in line and "3 of 3 renders" in line
    assert "--init-sd" in line and "3 class target(s)" in out
    code, _, err = run([*args, "-m", model_file], capsys)  # the live model moves: no warning
    assert code == 0 and "warning" not in err


def test_examples_with_the_wrong_data_set(model_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("INTERPRET_DATA_DIR", str(tmp_path))
    x = np.random.default_rng(0).integers(0, 256, (20, 12, 12, 3), dtype=np.uint8)
    np.savez(
        tmp_path / "cifar10.npz",
        x_train=x,
        y_train=x[:, 0, 0, 0] % 3,
        x_test=x,
        y_test=x[:, 0, 0, 0] % 3,
    )
    g = tmp_path / "g"
    code, _, err = run(
        [
            "maximize",
            "-m",
            model_file,
            "--class",
            "1,2",
            "--steps",
            "4",
            "--examples",
            "3",
            "--dataset",
            "cifar10",
            "--gallery",
            str(g),
        ],
        capsys,
    )
    # a 12x12 model cannot use CIFAR-10's 32x32 images: a clear error, nothing written
    assert code == 2 and "shape" in err and not g.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--layer", "nope"], "unknown layer 'nope'"),
        (["--layer", "c2", "--filter", "9"], "out of range"),
        (["--layer", "flat", "--filter", "999"], "out of range"),
        (["--class", "zebra"], "unknown class 'zebra'"),
        (["--layer", "c2", "--steps", "0"], "--steps must be a whole number of at least 1"),
        (["--layer", "c2", "--rotate", "90"], "--rotate must lie in [0, 45]"),
        ([], "give --layer"),
        (["--layer", "c2", "--class", "1"], "not both"),
    ],
)
def test_bad_input_exit_2_nothing_written(model_file, tmp_path, capsys, args, message):
    g = tmp_path / "g"
    code, _, err = run(["maximize", "-m", model_file, "--gallery", str(g), *args], capsys)
    assert code == 2
    assert message in err and err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert not g.exists()


def test_bfloat16_on_a_cpu_without_it_exits_2(model_file, tmp_path, capsys, monkeypatch):
    from interpret._fast import precision

    monkeypatch.setattr(precision, "bfloat16_supported", lambda: False)
    g = tmp_path / "g"
    code, out, err = run(
        ["maximize", "-m", model_file, "--layer", "c2", "--precision", "bfloat16"]
        + ["--steps", "4", "--gallery", str(g)],
        capsys,
    )
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "no bfloat16 hardware" in lines[0] and "for --precision" in lines[0]
    assert not g.exists()


def test_precision_goes_into_the_sidecar(model_file, tmp_path, capsys):
    g = tmp_path / "g"
    code, _, err = run(
        ["maximize", "-m", model_file, "--layer", "c2", "--filter", "0", "--precision", "float32"]
        + ["--steps", "4", "--gallery", str(g)],
        capsys,
    )
    assert code == 0, err
    meta = json.loads((g / "tiny" / "maximize" / "c2-f0.json").read_text())
    assert meta["parameters"]["precision"] == "float32"


@pytest.mark.parametrize("k", ["1", "0"])
def test_diverse_needs_two_images_or_more(model_file, tmp_path, capsys, k):
    g = tmp_path / "g"
    args = ["maximize", "-m", model_file, "--layer", "c2", "--filter", "0", "--diverse", k]
    code, out, err = run([*args, "--gallery", str(g)], capsys)
    assert code == 2 and not g.exists()
    assert err.strip() == f"error: --diverse must be a whole number of at least 2, got {k}"
