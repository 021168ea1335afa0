"""index.html: structure, escaping of hostile strings, atomic rebuild, the server."""

from __future__ import annotations

import json
import os
import threading
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pytest

from interpret.gallery.html import build_index, collect, make_server, render_index, script_json
from interpret.gallery.store import Gallery

ROOT = Path(__file__).resolve().parents[2]
EVIL_LAYER = "<script>alert(1)</script>"
EVIL_FILE = 'it\'s "quoted" & <b>bold'
EVIL_CAPTION = '"><img src=x onerror=alert(2)>'


def make_gallery(root: Path) -> Gallery:
    """A tiny gallery: two models, three techniques, several layers, hostile strings."""
    g = Gallery(root)
    rng = np.random.default_rng(0)
    for f in range(3):
        g.save_image(
            rng.random((8, 8, 3)),
            model="cifar10-cnn",
            technique="maximize",
            name=f"conv2d_1 filter {f}",
            meta={"layer": "conv2d_1", "seed": 0, "parameters": {"steps": 10, "filter": f}},
        )
    g.save_image(
        rng.random((8, 8, 3)),
        model="cifar10-cnn",
        technique="maximize",
        name="conv2d filter 10",
        meta={"layer": "conv2d", "seed": 1},
    )
    for c in range(2):
        g.save_image(
            rng.random((28, 28)),
            model="mnist-cnn",
            technique="fooling",
            name=f"fooling class {c}",
            meta={"seed": 2, "figures": {"confidence": 0.9999}},
        )
    g.save_image(
        np.ones((6, 6)),
        model="mnist-cnn",
        technique="maximize",
        name="hostile layer",
        meta={"layer": EVIL_LAYER, "caption": EVIL_CAPTION, "figures": {"x": float("nan")}},
    )
    # a file dropped in by hand, with quotes and markup in its name and command
    art = g.save_image(np.zeros((5, 5)), model="mnist-cnn", technique="plots", name="tmp")
    png = art.png.with_name(EVIL_FILE + ".png")
    art.png.rename(png)
    meta = dict(art.meta, name=EVIL_FILE, command=f"interpret x --name '{EVIL_FILE}'")
    png.with_suffix(".json").write_text(json.dumps(meta))
    art.sidecar.unlink()
    return g


class Page(HTMLParser):
    """Elements, attributes and text of a page, enough to check structure and escaping."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text_of: dict[str, list[str]] = {}
        self.scripts: list[str] = []
        self._open: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        cls = dict(attrs).get("class") or ""
        self._open.append(cls.split()[0] if cls else tag)

    def handle_endtag(self, tag):
        if self._open and tag not in ("img", "input", "meta"):
            self._open.pop()

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        if self._open:
            self.text_of.setdefault(self._open[-1], []).append(data)
            if self._open[-1] == "script":
                self.scripts.append(data)

    def all(self, tag: str, cls: str | None = None) -> list[dict]:
        return [
            a for t, a in self.tags if t == tag and (cls is None or cls in (a.get("class") or ""))
        ]


@pytest.fixture()
def gallery(tmp_path) -> Gallery:
    return make_gallery(tmp_path / "g")


def test_items_grouped_by_model_technique_layer(gallery):
    items = collect(gallery.root)
    assert [(i.model, i.technique, i.layer, i.name) for i in items] == [
        ("cifar10-cnn", "maximize", "conv2d", "conv2d filter 10"),
        ("cifar10-cnn", "maximize", "conv2d_1", "conv2d_1 filter 0"),
        ("cifar10-cnn", "maximize", "conv2d_1", "conv2d_1 filter 1"),
        ("cifar10-cnn", "maximize", "conv2d_1", "conv2d_1 filter 2"),
        ("mnist-cnn", "maximize", EVIL_LAYER, "hostile layer"),
        ("mnist-cnn", "fooling", "(no layer)", "fooling class 0"),
        ("mnist-cnn", "fooling", "(no layer)", "fooling class 1"),
        ("mnist-cnn", "plots", "(no layer)", EVIL_FILE),
    ]
    page = Page(build_index(gallery.root).read_text())
    assert page.text_of["model-name"] == ["cifar10-cnn", "mnist-cnn"]
    assert page.text_of["technique-name"] == ["maximize", "maximize", "fooling", "plots"]
    assert page.text_of["layer-name"] == [
        "conv2d",
        "conv2d_1",
        EVIL_LAYER,
        "(no layer)",
        "(no layer)",
    ]
    assert len(page.all("figure", "item")) == 8


def test_hostile_strings_are_text_not_markup(gallery):
    text = build_index(gallery.root).read_text()
    page = Page(text)
    # exactly our two scripts (metadata + viewer code); no injected element or handler
    assert [a.get("type") for a in page.all("script")] == ["application/json", None]
    assert not any(k.startswith("on") for _, attrs in page.tags for k in attrs)
    assert len(page.all("img")) == len(page.all("img", "thumb")) + 1  # + the viewer's image
    assert EVIL_LAYER in page.text_of["layer-name"]
    assert EVIL_FILE in page.text_of["figcaption"]
    # the file name with quotes survives as a link that points at the real file
    srcs = [unquote(a["src"]) for a in page.all("img", "thumb")]
    assert f"mnist-cnn/plots/{EVIL_FILE}.png" in srcs
    assert all((gallery.root / s).is_file() for s in srcs)
    # the metadata block holds no raw "<" and decodes back to the original strings
    data_text = page.scripts[0]
    assert "<" not in data_text and ">" not in data_text and "&" not in data_text
    data = json.loads(data_text)
    hostile = next(m for m in data if m["name"] == "hostile layer")
    assert hostile["layer"] == EVIL_LAYER and hostile["caption"] == EVIL_CAPTION
    assert hostile["figures"]["x"] == "nan"  # NaN would break JSON.parse in the browser
    quoted = next(m for m in data if m["name"] == EVIL_FILE)
    assert quoted["command"] == f"interpret x --name '{EVIL_FILE}'"


@pytest.mark.parametrize(
    "value",
    ["</script><script>alert(1)</script>", "<!--", "]]>", "a & b", "\u2028", "@DATA@"],
)
def test_script_json_round_trips_without_markup(value):
    text = script_json({"v": value})
    assert not set("<>&") & set(text)
    assert json.loads(text) == {"v": value}


def test_title_with_placeholders_is_left_alone():
    page = render_index([], title="@BODY@ <i>x</i> @DATA@")
    assert "&lt;i&gt;x&lt;/i&gt;" in page and "@BODY@" in page and "No artifacts yet" in page


def test_empty_and_missing_gallery(tmp_path):
    assert "No artifacts yet" in build_index(tmp_path).read_text()
    assert collect(tmp_path / "missing") == []


def test_index_is_replaced_atomically(gallery, monkeypatch):
    path = build_index(gallery.root)
    before = path.read_text()
    Gallery(gallery.root).save_image(np.zeros((4, 4)), model="new", technique="t", name="n")

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        build_index(gallery.root)
    monkeypatch.undo()
    assert path.read_text() == before  # the old page stands, whole
    assert list(gallery.root.glob(".*.tmp")) == []
    assert ">new<" in build_index(gallery.root).read_text()


def test_build_sweeps_only_stale_temp_files(gallery):
    stale = gallery.root / "mnist-cnn" / "fooling" / ".x.png.123.tmp"
    stale.write_bytes(b"half")
    os.utime(stale, (1, 1))
    fresh = gallery.root / "mnist-cnn" / "fooling" / ".y.png.456.tmp"
    fresh.write_bytes(b"half")
    build_index(gallery.root)
    assert not stale.exists() and fresh.exists()


def test_server_serves_page_and_images_on_localhost(gallery):
    build_index(gallery.root)
    server = make_server(gallery.root, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        page = urllib.request.urlopen(f"http://{host}:{port}/index.html", timeout=10).read()
        assert b"gallery-data" in page
        src = Page(page.decode()).all("img", "thumb")[-1]["src"]
        png = urllib.request.urlopen(f"http://{host}:{port}/{src}", timeout=10).read()
        assert png[:4] == b"\x89PNG"
    finally:
        server.shutdown()
        server.server_close()


def test_an_animated_item_has_its_poster_in_the_grid_and_its_gif_in_the_data(tmp_path):
    from interpret.gallery.html import collect, render_index

    g = Gallery(tmp_path)
    g.save_animation([np.zeros((4, 4)), np.ones((4, 4))], model="m", technique="t", name="a b")
    g.save_image(np.zeros((4, 4)), model="m", technique="t", name="still")
    items = collect(tmp_path)
    assert [(i.src, i.animation) for i in items] == [
        ("m/t/a-b.png", "m/t/a-b.gif"),
        ("m/t/still.png", None),
    ]
    page = render_index(items)
    assert page.count('class="item animated"') == 1 and '"_anim": "m/t/a-b.gif"' in page
    (tmp_path / "m" / "t" / "a-b.gif").unlink()  # a missing GIF: the poster alone, no badge
    assert collect(tmp_path)[0].animation is None
