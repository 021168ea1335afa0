import json

import numpy as np
from PIL import Image

from tests.cli import run


def picture(path, w, h):
    pixels = (np.random.default_rng(0).random((h, w, 3)) * 255).astype("uint8")
    Image.fromarray(pixels).save(path)
    return str(path)


def test_invert_every_conv_layer_of_a_picture(model_file, tmp_path, capsys):
    image = picture(tmp_path / "p.png", 12, 12)
    g = tmp_path / "g"
    args = ["invert", "-m", model_file, "--image", image, "--layers", "all", "--steps", "4"]
    code, out, err = run([*args, "--gallery", str(g)], capsys)
    assert code == 0, err
    folder = g / "tiny" / "invert"
    # named by the file's stem (p-..., not p.png-...); the sidecar keeps the whole path
    assert (folder / "rows-p.png").exists() and (folder / "p-c2-caricature.png").exists()
    assert not list(folder.glob("*.png-*"))
    meta = json.loads((folder / "p-c1-inversion.json").read_text())
    assert meta["parameters"]["layers"] == ["c1", "c2"] and meta["parameters"]["steps"] == 4
    assert meta["parameters"]["image"] == image and meta["input"] == "p.png"
    assert "c2: relative activation error" in out


def test_dense_layer_with_a_wrong_size_picture_is_one_line_and_writes_nothing(
    model_file, tmp_path, capsys
):
    image = picture(tmp_path / "big.png", 20, 16)
    g = tmp_path / "g"
    args = ["invert", "-m", model_file, "--image", image, "--layers", "c1,d1", "--gallery", str(g)]
    code, out, err = run(args, capsys)
    assert code == 2 and not g.exists()
    assert err.strip().count("\n") == 0 and "--size" in err and "d1" in err


def test_invert_an_image_of_your_own_data(model_file, tmp_path, capsys):
    from tests.conftest import make_user_data

    npz, _ = make_user_data(tmp_path, shape=(12, 12, 3))
    g = tmp_path / "g"
    args = ["invert", "-m", model_file, "--data", str(npz), "--index", "4", "--layers", "c1"]
    code, out, err = run([*args, "--steps", "2", "--no-caricature", "--gallery", str(g)], capsys)
    assert code == 0, err
    (side,) = (g / "tiny" / "invert").glob("*-c1-inversion.json")
    meta = json.loads(side.read_text())
    assert meta["parameters"]["data"] == str(npz) and len(meta["parameters"]["inputs"]) == 1


def test_invert_names_files_of_a_folders_pictures_by_class_and_stem(model_file, tmp_path, capsys):
    for cls in ("cat", "dog"):
        (tmp_path / "pets" / cls).mkdir(parents=True)
        picture(tmp_path / "pets" / cls / f"{cls}1.png", 12, 12)
    g = tmp_path / "g"
    args = ["invert", "-m", model_file, "--data", str(tmp_path / "pets"), "--index", "1"]
    code, out, err = run(
        [*args, "--layers", "c1", "--steps", "2", "--no-caricature", "--gallery", str(g)], capsys
    )
    assert code == 0, err
    names = sorted(p.name for p in (g / "tiny" / "invert").glob("*.json"))
    # the picture's folder and stem, no "dog1.png-dog" (its suffix and class in brackets)
    assert names == ["depth-dog-dog1.json", "dog-dog1-c1-inversion.json", "rows-dog-dog1.json"]
    meta = json.loads((g / "tiny" / "invert" / "dog-dog1-c1-inversion.json").read_text())
    assert meta["input"].startswith("dog/dog1.png (")  # the sidecar keeps the whole label
