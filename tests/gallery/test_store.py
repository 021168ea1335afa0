"""interpret.gallery.store: atomic writes and sidecars; the store under stress.

The stress tests run real processes (``python -c`` with the package on PYTHONPATH):
four writers at once, and a writer SIGKILLed midway. Then they check what a reader
sees and that the index still builds and lists every complete artifact. The counts
are written to ``test-artifacts/gallery-store.json``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from interpret.gallery import store as gallery_mod
from interpret.gallery.html import build_index
from interpret.gallery.store import Gallery, atomic_write_bytes, slug


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
    real = gallery_mod._write_temp

    def failing_for_json(path, payload):
        if path.suffix == ".json":
            raise OSError("no space")
        return real(path, payload)

    monkeypatch.setattr(gallery_mod, "_write_temp", failing_for_json)
    with pytest.raises(OSError):
        g.save_image(np.zeros((4, 4)), model="m", technique="t", name="x")
    monkeypatch.undo()
    assert g.artifacts() == []
    # the PNG's temp file is removed too and nothing was renamed into place
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


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


ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"

WRITER = r"""
import sys, time, numpy as np
from pathlib import Path
from interpret.gallery.store import Gallery
root, wid, n, shared, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
g = Gallery(root)
while not Path(go).exists():  # start together, so the writes really overlap
    time.sleep(0.005)
for k in range(max(n, shared)):
    if k < n:
        g.save_image(np.full((24, 24, 3), wid * 40, np.uint8), model="m", technique="t%d" % (k % 2),
                     name="w%d-%d" % (wid, k), meta={"writer": wid, "k": k, "layer": "conv%d" % (k % 3)})
    if k < shared:  # every writer also writes the same names: the last pair must match
        g.save_image(np.full((24, 24, 3), wid * 40, np.uint8), model="m", technique="shared",
                     name="s-%d" % k, meta={"writer": wid, "k": k})
print("done", wid, flush=True)
"""

SIDE = 256
KILLED = r"""
import sys, numpy as np
from interpret.gallery.store import Gallery
g = Gallery(sys.argv[1])
rng = np.random.default_rng(0)
image = rng.random((SIDE, SIDE, 3))  # noise: a big PNG, so a kill often lands inside a write
for k in range(100000):
    g.save_image(np.roll(image, k, axis=0), model="m", technique=sys.argv[2], name="a%05d" % k,
                 meta={"k": k, "layer": "dense"})
    print(k, flush=True)
""".replace("SIDE", str(SIDE))


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


class _Items(HTMLParser):
    """Collect the names and image sources of the thumbnails in a built index."""

    def __init__(self) -> None:
        super().__init__()
        self.srcs: list[str] = []
        self.captions: list[str] = []
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img" and "thumb" in (a.get("class") or ""):
            self.srcs.append(a["src"])
        self._in_caption = tag == "figcaption"

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self._in_caption = False

    def handle_data(self, data):
        if self._in_caption:
            self.captions.append(data)


def _index_items(root: Path) -> _Items:
    parser = _Items()
    parser.feed(build_index(root).read_text(encoding="utf-8"))
    return parser


def _record(key: str, counts: dict) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "gallery-store.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    data[key] = counts
    path.write_text(json.dumps(data, indent=2) + "\n")
    print(key, counts)


def _visible_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")]


def test_four_processes_write_one_gallery(tmp_path):
    root, go = tmp_path / "g", tmp_path / "go"
    n, shared, writers = 30, 20, 4
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(root), str(w), str(n), str(shared), str(go)],
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(writers)
    ]
    time.sleep(0.3)
    go.touch()
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * writers, [o[1][-500:] for o in outs]

    arts = Gallery(root).artifacts()
    expected = {f"w{w}-{k}" for w in range(writers) for k in range(n)} | {
        f"s-{k}" for k in range(shared)
    }
    assert sorted(a["name"] for a in arts) == sorted(expected)
    # a name written by all four: the PNG and its sidecar must come from the same writer
    mismatched = []
    for a in arts:
        pixel = int(np.asarray(Image.open(root / a["png"]))[0, 0, 0])
        if pixel != a["writer"] * 40:
            mismatched.append(a["name"])
    assert mismatched == []
    items = _index_items(root)
    assert sorted(items.captions) == sorted(expected)
    assert len(set(items.srcs)) == len(expected)
    leftovers = [p.name for p in root.rglob(".*.tmp")]
    assert leftovers == []
    _record(
        "concurrency",
        {
            "writers": writers,
            "saves": writers * (n + shared),
            "distinct_names": len(expected),
            "artifacts_read_back": len(arts),
            "index_thumbnails": len(items.srcs),
            "png_sidecar_mismatches": len(mismatched),
            "temp_files_left": len(leftovers),
        },
    )


def _write_then_kill(root: Path, round_: int, saves: int, fraction: float) -> int:
    """Start a writer, SIGKILL it ``fraction`` of a save after its ``saves``-th save."""
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(root), f"r{round_}"],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reported, start = -1, None
    try:
        for line in proc.stdout:
            reported = int(line)
            if reported == 0:
                start = time.perf_counter()
            if reported + 1 >= saves:
                per_save = (time.perf_counter() - start) / max(reported, 1)
                time.sleep(fraction * per_save)  # land somewhere inside the next save
                break
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert reported + 1 >= saves, proc.stderr.read()[-500:]
    return reported + 1


def test_sigkill_midway_leaves_a_gallery_that_builds(tmp_path):
    root = tmp_path / "g"
    fractions = (0.15, 0.5, 0.85)
    reported = [_write_then_kill(root, r, 8, f) for r, f in enumerate(fractions)]

    visible = _visible_files(root)
    pngs = [p for p in visible if p.suffix == ".png"]
    sidecars = [p for p in visible if p.suffix == ".json"]
    assert {p.suffix for p in visible} <= {".png", ".json"}  # no temp-named file is visible
    for p in pngs:  # every visible PNG is whole (renamed into place only when complete)
        with Image.open(p) as im:
            im.load()
            assert im.size == (SIDE, SIDE)
    for s in sidecars:  # every visible sidecar is whole JSON
        assert json.loads(s.read_text())["model"] == "m"
    arts = Gallery(root).artifacts()
    for r, n in enumerate(reported):  # everything reported as saved is there
        assert sum(a["technique"] == f"r{r}" for a in arts) >= n
    items = _index_items(root)
    assert len(items.srcs) == len(arts)
    orphans = [p for p in pngs if not p.with_suffix(".json").exists()]
    temps = list(root.rglob(".*.tmp"))
    removed = Gallery(root).remove_stale_temp(older_than=0)
    assert sorted(removed) == sorted(temps)
    assert list(root.rglob(".*.tmp")) == []
    _record(
        "kill",
        {
            "kills": len(fractions),
            "saves_reported_before_kills": sum(reported),
            "artifacts_read_back": len(arts),
            "index_thumbnails": len(items.srcs),
            "png_without_sidecar": len(orphans),
            "hidden_temp_files_left_by_kills": len(temps),
            "visible_files_unreadable": 0,
        },
    )


@pytest.mark.parametrize("content", [b"", b"{not json", b"[1, 2]", b'"text"'])
def test_unreadable_or_foreign_sidecars_are_skipped(tmp_path, content):
    g = Gallery(tmp_path)
    g.save_image(np.zeros((4, 4)), model="m", technique="t", name="good")
    bad = g.path_for("m", "t", "bad")
    bad.write_bytes(b"\x89PNG")
    bad.with_suffix(".json").write_bytes(content)
    assert [a["name"] for a in g.artifacts()] == ["good"]


def test_sidecar_without_png_is_skipped(tmp_path):
    g = Gallery(tmp_path)
    art = g.save_image(np.zeros((4, 4)), model="m", technique="t", name="gone")
    art.png.unlink()
    assert g.artifacts() == []


def test_remove_stale_temp_keeps_fresh_files(tmp_path):
    g = Gallery(tmp_path)
    g.save_image(np.zeros((4, 4)), model="m", technique="t", name="x")
    old = tmp_path / "m" / "t" / ".x.png.abc.tmp"
    new = tmp_path / "m" / "t" / ".x.json.def.tmp"
    old.write_bytes(b"half")
    new.write_bytes(b"half")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    assert g.remove_stale_temp(older_than=3600) == [old]
    assert new.exists() and not old.exists()
    assert [a["name"] for a in g.artifacts()] == ["x"]
