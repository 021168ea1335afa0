"""``--data FILE.npz|DIR`` on the commands that read data-set images, with a user's own .keras."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_maximize import run  # main(args) in-process: (code, out, err)


@pytest.fixture
def own_model(tmp_path, tiny_cnn):
    path = tmp_path / "mine.keras"
    tiny_cnn.save(path)
    return str(path)


@pytest.mark.parametrize("form", ["npz", "folder"])
def test_maximize_examples_from_own_data(form, own_model, user_data, tmp_path, capsys):
    data = str(user_data[0] if form == "npz" else user_data[1])
    g = tmp_path / "g"
    args = ["maximize", "-m", own_model, "-l", "c2", "-f", "0,1", "--steps", "2"]
    code, out, err = run([*args, "--examples", "3", "--data", data, "--gallery", str(g)], capsys)
    assert code == 0, err
    grid = json.loads((g / "mine" / "maximize" / "grid-c2-0-1-examples.json").read_text())
    assert grid["data"] == data and grid["parameters"]["data"] == data
    meta = json.loads((g / "mine" / "maximize" / "c2-f1.json").read_text())
    assert len(meta["figures"]["example_indices"]) == 3
    if form == "folder":  # 20x20 pictures fitted to the model's 16x16
        assert grid["data_notes"][0] == "12 of 12 images resized to 16x16"
        assert "note: 12 of 12 images resized to 16x16" in err
    else:
        assert grid["data_notes"] == [] and grid["data_source"] == "own.npz: x, y (12 images)"


@pytest.mark.parametrize("form", ["npz", "folder"])
def test_featuremaps_index_of_own_data(form, own_model, user_data, tmp_path, capsys):
    data = str(user_data[0] if form == "npz" else user_data[1])
    g = tmp_path / "g"
    args = ["featuremaps", "-m", own_model, "-l", "all", "--index", "4", "--data", data]
    code, out, err = run([*args, "--gallery", str(g)], capsys)
    assert code == 0, err
    sides = sorted((g / "mine" / "featuremaps").glob("*.json"))
    assert [p.name.split("-")[0] for p in sides] == ["c1", "c2", "p1"]
    meta = json.loads(sides[0].read_text())
    want = "own.npz #4 (1)" if form == "npz" else "class_1/1.png (1)"
    assert meta["figures"]["input"] == want and meta["parameters"]["data"] == data


def test_attack_own_data(own_model, tiny_cnn, tmp_path, capsys):
    import numpy as np

    # labels the untrained model gets right on 5 of 6 images, so there is something to attack
    x = np.random.default_rng(0).integers(0, 256, (6, 16, 16, 3), dtype=np.uint8)
    y = np.argmax(tiny_cnn.predict(x.astype("float32") / 255, verbose=0), axis=1)
    y[-1] = (y[-1] + 1) % 5
    np.savez(tmp_path / "labelled.npz", x=x, y=y)
    g, data = tmp_path / "g", str(tmp_path / "labelled.npz")
    args = ["attack", "-m", own_model, "--method", "fgsm", "--eps", "0.05,0.3", "--n", "6"]
    code, out, err = run([*args, "--data", data, "--gallery", str(g)], capsys)
    assert code == 0, err
    assert "(5/6)" in out  # clean accuracy on the user's images, not on a data set
    meta = json.loads((g / "mine" / "attack" / "fgsm-linf-robust-accuracy.json").read_text())
    assert meta["parameters"]["data"] == data and meta["parameters"]["n"] == 6


@pytest.mark.parametrize(
    "args, message",
    [
        (["--data", "{tmp}/missing.npz"], "--data {tmp}/missing.npz does not exist"),
        (["--data", "{tmp}/keys.npz"], "has key(s) a; it needs x (and y) or x_test"),
        (["--data", "{tmp}/loose"], "has no class subfolders (1 images lie loose in it)"),
        (["--data", "{tmp}/broken"], "broken: cat/bad.png is not an image PIL can read"),
    ],
)
def test_bad_data_is_one_line_exit_2_nothing_written(args, message, own_model, tmp_path, capsys):
    import numpy as np
    from PIL import Image

    np.savez(tmp_path / "keys.npz", a=np.zeros(3))
    (tmp_path / "loose").mkdir()
    Image.fromarray(np.zeros((4, 4, 3), "uint8")).save(tmp_path / "loose" / "a.png")
    (tmp_path / "broken" / "cat").mkdir(parents=True)
    (tmp_path / "broken" / "cat" / "bad.png").write_bytes(b"no png")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    g = tmp_path / "g"
    for command in (
        ["maximize", "-m", own_model, "-l", "c2", "-f", "0", "--steps", "2", "--examples", "2"],
        ["featuremaps", "-m", own_model, "-l", "c1", "--index", "0"],
        ["attack", "-m", own_model, "--method", "fgsm", "--eps", "0.1", "--n", "4"],
    ):
        code, out, err = run([*command, *args, "--gallery", str(g)], capsys)
        line = err.strip()
        assert code == 2 and "\n" not in line, err
        assert message.replace("{tmp}", str(tmp_path)) in line and line.startswith("error: --data")
        assert not Path(g).exists()


def test_data_needs_what_it_is_for(own_model, user_data, tmp_path, capsys):
    g = tmp_path / "g"
    base = ["-m", own_model, "--data", str(user_data[0]), "--gallery", str(g)]
    code, _, err = run(["maximize", *base, "-l", "c2", "-f", "0", "--steps", "2"], capsys)
    assert code == 2 and "--data is searched for dataset examples; add --examples" in err
    code, _, err = run(["featuremaps", *base, "-l", "c1"], capsys)
    assert code == 2 and "--data needs --index" in err
    code, _, err = run(["featuremaps", *base, "-l", "c1", "--index", "12"], capsys)
    assert code == 2 and "--index 12 is out of range: own.npz has 12 images (0-11)" in err
    assert not g.exists()
