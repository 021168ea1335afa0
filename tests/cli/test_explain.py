"""``interpret explain``: sheets into the gallery; every bad input one line, exit 2, nothing written."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_main as call


def test_explain_writes_a_sheet_per_method_and_the_comparison(tmp_path, data_dir, capsys):
    gallery = tmp_path / "g"
    code, out, err = call(
        ["explain", "--model", "mnist-cnn", "--index", "0-2", "--method", "gradcam,ig",
         "--steps", "8", "--target", "label", "--gallery", str(gallery)],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    assert "Grad-CAM at max_pooling2d_1: 3 images" in out and "completeness" in out
    pngs = sorted(p.name for p in (gallery / "mnist-cnn" / "explain").glob("*.png"))
    assert pngs == [
        "compare-mnist-test-0-and-2-more.png",
        "gradcam-mnist-test-0-and-2-more.png",
        "integrated-gradients-mnist-test-0-and-2-more.png",
    ]
    meta = json.loads(
        (gallery / "mnist-cnn" / "explain" / pngs[2]).with_suffix(".json").read_text()
    )
    assert meta["parameters"]["steps"] == 8 and meta["parameters"]["target"] == "true label"


def test_explain_takes_picture_files(tmp_path, capsys):
    import numpy as np
    from PIL import Image

    paths = []
    for i in range(2):
        paths.append(tmp_path / f"pic{i}.png")
        Image.fromarray((np.random.default_rng(i).random((40, 30, 3)) * 255).astype("uint8")).save(
            paths[-1]
        )
    gallery = tmp_path / "g"
    code, out, err = call(
        ["explain", "--model", "mnist-cnn", "--image", str(paths[0]), str(paths[1]),
         "--method", "saliency", "--target", "3", "--gallery", str(gallery)],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    assert "converted RGB to grayscale" in err and "resized 30x40 to 28x28" in err
    assert (gallery / "mnist-cnn" / "explain" / "saliency-pic0-and-1-more.png").is_file()


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--model", "mnist-mlp", "--method", "gradcam"],
            "gradcam needs a layer with a spatial output .*methods that work on it: saliency",
        ),
        (["--method", "lime"], "unknown method 'lime'; methods: saliency"),
        (["--method", "gradcam", "--layer", "dense"], "--layer dense .*not feature maps"),
        (["--target", "12"], "class 12 is out of range"),
        (["--method", "ig", "--steps", "0"], "--steps must be a whole number of at least 1, got 0"),
        (["--method", "smoothgrad", "--samples", "-1"], "--samples must be a whole number"),
        (["--method", "ig", "--tolerance", "0"], r"--tolerance must lie in \(0, 1\)"),
        (["--method", "gradcam", "--samples", "4"], "--samples is not an option of gradcam"),
        (["--index", "0-999"], "index 32 is out of range"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    tmp_path, data_dir, capsys, args, message
):
    import re

    gallery = tmp_path / "g"
    base = ["explain", "--gallery", str(gallery)]
    if "--index" not in args:
        base += ["--index", "0"]
    if "--model" not in args:
        base += ["--model", "mnist-cnn"]
    code, out, err = call(base + args, capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and re.search(message, lines[0]), err
    assert not gallery.exists()


def test_unreadable_images_exit_2(tmp_path, capsys):
    bad = tmp_path / "notes.png"
    bad.write_text("not a picture")
    for path, message in [
        (bad, "is not an image PIL can read"),
        (tmp_path / "no.png", "does not exist"),
    ]:
        code, out, err = call(["explain", "--model", "mnist-cnn", "--image", str(path),
                               "--gallery", str(tmp_path / "g")], capsys)  # fmt: skip
        assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "g").exists()
    code, out, err = call(["explain", "--model", "mnist-cnn", "--image", str(bad), "--target",
                           "label", "--gallery", str(tmp_path / "g")], capsys)  # fmt: skip
    assert code == 2


@pytest.mark.parametrize("form", ["npz", "folder"])
def test_explain_own_data_on_own_model(form, tmp_path, tiny_cnn, user_data, capsys):
    model = tmp_path / "mine.keras"
    tiny_cnn.save(model)
    data = str(user_data[0] if form == "npz" else user_data[1])
    gallery = tmp_path / "g"
    code, out, err = call(
        ["explain", "--model", str(model), "--data", data, "--index", "0-3", "--method",
         "saliency,gradcam", "--target", "label", "--gallery", str(gallery)],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    meta = json.loads(next((gallery / "mine" / "explain").glob("gradcam-*.json")).read_text())
    assert meta["data"] == data and meta["indices"] == [0, 1, 2, 3]
    assert meta["figures"]["targets"] == ["0", "1", "2", "0"] and meta["layer"] == "c2"
    code, out, err = call(
        ["explain", "--model", str(model), "--data", data, "--index", "40", "--gallery",
         str(gallery / "bad")],
        capsys,
    )  # fmt: skip
    assert code == 2 and "index 40 is out of range" in err and not (gallery / "bad").exists()
