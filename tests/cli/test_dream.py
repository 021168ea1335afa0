"""``interpret dream``: gallery output, and bad input -> exit 2 with nothing written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from interpret.cli import main


@pytest.fixture
def model_file(tiny_cnn, tmp_path):
    path = tmp_path / "tiny.keras"
    tiny_cnn.save(path)
    return path


@pytest.fixture
def photo(tmp_path):
    from PIL import Image

    arr = np.random.default_rng(0).integers(0, 256, (41, 57, 3), dtype=np.uint8)
    Image.fromarray(arr).save(tmp_path / "photo.png")
    return tmp_path / "photo.png"


def _main(args):
    with pytest.raises(SystemExit) as exc:
        main(args)
    return exc.value.code


def test_dream_writes_image_sheet_and_sidecars(model_file, photo, tmp_path, capsys):
    gallery = tmp_path / "g"
    args = [
        "dream",
        "--model",
        str(model_file),
        "--image",
        str(photo),
        "--layers",
        "c1=1.0,c2:3=1.5",
    ]
    args += [
        "--octaves",
        "2",
        "--steps",
        "3",
        "--tile-size",
        "32",
        "--seed",
        "7",
        "--gallery",
        str(gallery),
    ]
    assert _main(args) == 0
    out = capsys.readouterr().out
    assert "weighted activation" in out
    pngs = sorted(p.name for p in (gallery / "tiny" / "dream").glob("*.png"))
    assert pngs == ["photo-c1-c2c3-before-after.png", "photo-c1-c2c3.png"]
    meta = json.loads((gallery / "tiny" / "dream" / "photo-c1-c2c3.json").read_text())
    assert meta["seed"] == 7 and meta["parameters"]["octaves"] == 2
    assert meta["layer"] == ["c1=1", "c2:3=1.5"]
    assert meta["figures"]["activation_after"] > meta["figures"]["activation_before"]
    from PIL import Image

    assert Image.open(gallery / "tiny" / "dream" / "photo-c1-c2c3.png").size == (57, 41)


def test_a_tiny_negative_activation_prints_as_0_not_minus_0(photo, tmp_path, capsys):
    from interpret._tf import keras

    L = keras.layers
    model = keras.Sequential(
        [keras.Input((16, 16, 3)), L.Conv2D(4, 3, name="c1"), L.Conv2D(2, 3, name="c2"),
         L.Flatten(name="flat"), L.Dense(3, name="out")]
    )  # fmt: skip
    kernel, bias = model.get_layer("c2").get_weights()  # c2 (no ReLU) reads -1e-9 everywhere
    model.get_layer("c2").set_weights([np.zeros_like(kernel), np.full_like(bias, -1e-9)])
    model.save(tmp_path / "flat.keras")
    gallery = tmp_path / "g"
    args = ["dream", "--model", str(tmp_path / "flat.keras"), "--image", str(photo)]
    args += ["--layers", "c2", "--octaves", "1", "--steps", "1", "--gallery", str(gallery)]
    assert _main(args) == 0
    (line,) = [s for s in capsys.readouterr().out.splitlines() if s.startswith("weighted")]
    assert line.startswith("weighted activation 0 -> 0 (no activation before)"), line
    meta = json.loads(next((gallery / "flat" / "dream").glob("photo-c2.json")).read_text())
    assert str(meta["figures"]["activation_before"]) == "0.0"


@pytest.mark.parametrize(
    "extra,message",
    [
        (["--image", "missing.jpg"], "missing.jpg does not exist"),
        (["--image", "bad.jpg"], "bad.jpg is not an image"),
        (["--layers", "out"], "layer out in --layers has no spatial output"),
        (["--octaves", "0"], "octaves must be"),
        (["--octaves", "-1"], "octaves must be"),
        (["--steps", "0"], "steps must be"),
        (["--steps", "-3"], "steps must be"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    model_file, photo, tmp_path, monkeypatch, capsys, extra, message
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.jpg").write_bytes(b"GIF89a but not really")
    gallery = tmp_path / "g"
    args = ["dream", "--model", str(model_file), "--image", str(photo), "--tile-size", "32"]
    assert _main([*args, *extra, "--gallery", str(gallery)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert not gallery.exists()


def test_help_does_not_import_tensorflow():
    """`interpret dream --help` works and leaves TensorFlow unimported."""
    root = Path(__file__).resolve().parents[2]
    code = (
        "import sys, interpret.cli; interpret.cli.cli(['dream', '--help'], standalone_mode=False); "
        "print('tensorflow' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert "--octave-scale" in out.stdout and out.stdout.strip().endswith("False")
