"""``interpret gallery build | serve``: the index from the CLI, bad input, the server in a process."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from interpret.cli import cli
from interpret.cli import main as cli_main
from interpret.gallery.store import Gallery
from tests.gallery.test_html import make_gallery

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def gallery(tmp_path) -> Gallery:
    return make_gallery(tmp_path / "g")


def test_cli_build(gallery):
    result = CliRunner().invoke(cli, ["gallery", "build", str(gallery.root)])
    assert result.exit_code == 0, result.output
    assert "8 artifacts indexed" in result.output
    assert (gallery.root / "index.html").is_file()


def test_cli_build_uses_env_default(gallery, monkeypatch):
    monkeypatch.setenv("INTERPRET_GALLERY", str(gallery.root))
    result = CliRunner().invoke(cli, ["gallery", "build"])
    assert result.exit_code == 0, result.output
    assert (gallery.root / "index.html").is_file()


@pytest.mark.parametrize(
    "args, message",
    [
        (["gallery", "build", "{missing}"], "does not exist"),
        (["gallery", "serve", "{missing}"], "does not exist"),
        (["gallery", "build", "{file}"], "is a file, not a gallery directory"),
        (["gallery", "serve", "{root}", "--port", "70000"], "--port must be between 0 and 65535"),
        (["gallery", "serve", "{root}", "--port", "x"], "is not a valid integer"),
    ],
)
def test_cli_bad_input(gallery, tmp_path, capsys, args, message):
    afile = tmp_path / "a.png"
    afile.write_bytes(b"x")
    args = [a.format(missing=tmp_path / "nope", root=gallery.root, file=afile) for a in args]
    with pytest.raises(SystemExit) as exc:
        cli_main(args)
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and message in err and "\n" not in err


def test_cli_serve_subprocess(gallery):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "interpret", "gallery", "serve", str(gallery.root), "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert "http://127.0.0.1:" in line, proc.stderr.read() if proc.poll() is not None else line
        url = line.split(" at ")[1].split()[0]
        assert b"gallery-data" in urllib.request.urlopen(url + "index.html", timeout=10).read()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_cli_serve_port_in_use(gallery, capsys):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(SystemExit) as exc:
            cli_main(["gallery", "serve", str(gallery.root), "--port", str(port)])
    assert exc.value.code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
