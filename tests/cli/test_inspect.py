import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from interpret.cli import main
from tests._inspect_models import gray_cnn, rgb_cnn

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("models")
    rgb_cnn().save(d / "rgb.keras")
    gray_cnn().save(d / "gray.keras")
    colour = np.zeros((16, 16, 3), "uint8")
    colour[:, 8:] = (200, 30, 90)
    Image.fromarray(colour).save(d / "colour.png")
    (d / "broken.png").write_bytes(b"not a png at all")
    return d


def run(argv):
    """Run the CLI in-process; return the exit code."""
    with pytest.raises(SystemExit) as e:
        main(argv)
    return e.value.code


def sidecars(gallery):
    return sorted(Path(gallery).rglob("*.json")) if Path(gallery).exists() else []


def test_filters_writes_the_kernels_sheet(files, tmp_path, capsys):
    g = tmp_path / "g"
    assert (
        run(
            [
                "filters",
                "--model",
                str(files / "rgb.keras"),
                "--layer",
                "conv_a",
                "--gallery",
                str(g),
            ]
        )
        == 0
    )
    (side,) = sidecars(g)
    meta = json.loads(side.read_text())
    assert meta["technique"] == "filters" and meta["layer"] == "conv_a"
    assert meta["figures"]["kernel_shape"] == [3, 3, 3, 4]
    assert side.with_suffix(".png").is_file()
    assert f"wrote {side.with_suffix('.png')}" in capsys.readouterr().out


def test_featuremaps_all_converts_a_colour_picture_and_says_so(files, tmp_path, capsys):
    g = tmp_path / "g"
    argv = [
        "featuremaps",
        "-m",
        str(files / "gray.keras"),
        "--layer",
        "all",
        "--image",
        str(files / "colour.png"),
        "--gallery",
        str(g),
    ]
    assert run(argv) == 0
    (side,) = sidecars(g)
    assert side.name == "conv-featuremaps-colour.json"
    meta = json.loads(side.read_text())
    assert meta["notes"] == ["converted RGB to grayscale (luminance)", "resized 16x16 to 6x6"]
    assert meta["parameters"]["image"] == str(files / "colour.png")
    assert "note: converted RGB to grayscale" in capsys.readouterr().err


@pytest.mark.parametrize("many,said", [(2, True), (3, False)])
def test_featuremaps_all_on_many_layers_says_how_many_first(
    files, tmp_path, capsys, monkeypatch, many, said
):
    import interpret.cli.inspect as cli_inspect

    monkeypatch.setattr(cli_inspect, "MANY_LAYERS", many)  # rgb.keras draws 3 layers
    argv = ["featuremaps", "-m", str(files / "rgb.keras"), "--layer", "all"]
    argv += ["--image", str(files / "colour.png"), "--gallery", str(tmp_path / "g")]
    assert run(argv) == 0
    err = capsys.readouterr().err
    first = err.splitlines()[0] if err else ""
    assert first.startswith("note: --layer all draws 3 layers of") == said
    assert ("name one with --layer" in err) == said and len(sidecars(tmp_path / "g")) == 3


def test_featuremaps_all_keeps_one_figure_open_at_a_time(files, tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    from interpret.gallery.store import Gallery

    plt.close("all")
    open_when_saved = []
    save = Gallery.save_figure

    def counting(self, fig, **kw):
        open_when_saved.append(len(plt.get_fignums()))
        return save(self, fig, **kw)

    monkeypatch.setattr(Gallery, "save_figure", counting)
    argv = ["featuremaps", "-m", str(files / "rgb.keras"), "--layer", "all"]
    argv += ["--image", str(files / "colour.png"), "--gallery", str(tmp_path / "g")]
    assert run(argv) == 0
    assert open_when_saved == [1, 1, 1] and plt.get_fignums() == []


def test_convolve_prints_the_8x8_result(tmp_path, capsys):
    g = tmp_path / "g"
    assert run(["convolve", "--gallery", str(g)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1].split() == ["0", "0", "180", "180", "0", "0"]
    (side,) = sidecars(g)
    assert json.loads(side.read_text())["figures"]["output"][3] == [0, 0, 180, 180, 0, 0]


def test_convolve_digits_reports_both_distances(tmp_path, capsys):
    g = tmp_path / "g"
    assert run(["convolve", "--digits", "--gallery", str(g)]) == 0
    out = capsys.readouterr().out
    assert "raw: shifted 1 -> 1 =" in out and "(closer to the 7)" in out
    assert "filtered: shifted 1 -> 1 =" in out and "(closer to the 1)" in out
    (side,) = sidecars(g)
    figures = json.loads(side.read_text())["figures"]
    assert figures["raw_closer_to"] == "7" and figures["filtered_closer_to"] == "1"


def test_summary_prints_table_and_saves_figure(files, tmp_path, capsys):
    g = tmp_path / "g"
    assert run(["summary", str(files / "rgb.keras"), "--gallery", str(g)]) == 0
    assert "conv_b" in capsys.readouterr().out
    (side,) = sidecars(g)
    assert json.loads(side.read_text())["figures"]["total_params"] == rgb_cnn().count_params()


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["filters", "-m", "{d}/rgb.keras", "--layer", "pool"],
            "layer pool (MaxPooling2D) has no kernels",
        ),
        (
            ["filters", "-m", "{d}/rgb.keras", "--layer", "conv_a", "--filters", "9"],
            "filter 9 is out of range",
        ),
        (
            [
                "featuremaps",
                "-m",
                "{d}/rgb.keras",
                "--layer",
                "pool",
                "--image",
                "{d}/colour.png",
                "--index",
                "1",
            ],
            "give exactly one input: an image file (--image) or a data-set index (--index)",
        ),
        (["convolve", "--index", "0"], "--index needs --dataset (mnist, cifar10)"),
        (
            [
                "featuremaps",
                "-m",
                "{d}/rgb.keras",
                "--layer",
                "conv_a",
                "--image",
                "{d}/broken.png",
            ],
            "{d}/broken.png is not an image",
        ),
        (
            ["featuremaps", "-m", "{d}/rgb.keras", "--layer", "all", "--image", "{d}/missing.png"],
            "{d}/missing.png does not exist",
        ),
        (["convolve", "--kernel", "1,0;1"], "is not 2-D"),
        (["convolve", "--kernel", "a,b"], "cannot read kernel row"),
        (["convolve", "--image", "{d}"], "is not a file"),
    ],
)
def test_bad_input_exit_2_and_nothing_written(files, tmp_path, capsys, argv, message):
    g = tmp_path / "g"
    argv = [a.format(d=files) for a in argv] + ["--gallery", str(g)]
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message.format(d=files) in err
    assert len(err.strip().splitlines()) == 1
    assert not g.exists()


def test_exit_code_from_a_real_process(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "interpret",
            "convolve",
            "--kernel",
            "[[[1]]]",
            "--gallery",
            str(tmp_path / "g"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: kernel '[[[1]]]' is not 2-D")
    assert not (tmp_path / "g").exists()
