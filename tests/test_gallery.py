"""interpret.gallery: atomic writes and sidecars."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from PIL import Image

from interpret import gallery as gallery_mod
from interpret.gallery import Gallery, atomic_write_bytes, slug


def test_save_image_writes_png_and_sidecar(tmp_path):
    g = Gallery(tmp_path)
    img = np.linspace(0, 1, 8 * 8 * 3).reshape(8, 8, 3)
    art = g.save_image(
        img, model="m", technique="maximize", name="conv2d f5", meta={"seed": 3, "layer": "conv2d"}
    )
    assert art.png == tmp_path / "m" / "maximize" / "conv2d-f5.png"
    with Image.open(art.png) as im:
        back = np.asarray(im)
    assert back.shape == (8, 8, 3)
    assert np.abs(back / 255.0 - img).max() <= 1 / 255
    meta = json.loads(art.sidecar.read_text())
    assert meta["seed"] == 3 and meta["layer"] == "conv2d" and meta["image"] == "conv2d-f5.png"
    assert {"command", "created", "interpret_version", "model", "technique"} <= set(meta)
    assert [a["name"] for a in g.artifacts()] == ["conv2d f5"]


def test_failed_write_leaves_no_file(tmp_path, monkeypatch):
    target = tmp_path / "a.png"
    target.write_bytes(b"old complete file")

    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(gallery_mod.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_bytes(target, b"new data that never lands")
    assert target.read_bytes() == b"old complete file"
    assert os.listdir(tmp_path) == ["a.png"]  # no temp file left behind


def test_failed_png_encoding_writes_nothing(tmp_path):
    g = Gallery(tmp_path)
    with pytest.raises(TypeError):
        g.save_image(np.zeros((4, 4, 2, 2)), model="m", technique="t", name="bad")
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_sidecar_never_points_at_missing_png(tmp_path, monkeypatch):
    g = Gallery(tmp_path)
    real = gallery_mod.atomic_write_json

    def failing_json(path, obj):
        raise OSError("no space")

    monkeypatch.setattr(gallery_mod, "atomic_write_json", failing_json)
    with pytest.raises(OSError):
        g.save_image(np.zeros((4, 4)), model="m", technique="t", name="x")
    monkeypatch.setattr(gallery_mod, "atomic_write_json", real)
    assert g.artifacts() == []  # a PNG without sidecar is not an artifact
    assert not list(tmp_path.rglob("*.json"))


def test_numpy_values_in_meta_are_plain_json(tmp_path):
    art = Gallery(tmp_path).save_image(
        np.zeros((2, 2)),
        model="m",
        technique="t",
        name="n",
        meta={"figures": {"a": np.float32(0.5), "v": np.arange(2)}},
    )
    assert json.loads(art.sidecar.read_text())["figures"] == {"a": 0.5, "v": [0, 1]}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("conv2d_1 filter 5", "conv2d_1-filter-5"),
        ("../../etc", "etc"),
        ("<script>", "script"),
        ("", "item"),
    ],
)
def test_slug_is_file_safe(text, expected):
    assert slug(text) == expected
