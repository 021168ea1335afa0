"""Every artifact is a PNG plus a JSON sidecar, written atomically under a gallery directory.

Files are first written to a temporary file in the same directory and then
renamed into place, so a reader (or a crash) never sees half a file. The PNG is
renamed before its sidecar, so a sidecar always points at a complete image, and
the two renames happen under a lock on the directory, so processes saving the
same name at once leave a matching pair. The sidecars are the record;
``index.html`` (see :mod:`interpret.gallery.html`) is rebuilt from them.

Example:
    >>> import numpy as np
    >>> from interpret.gallery.store import Gallery
    >>> g = Gallery("/tmp/demo-gallery")
    >>> art = g.save_image(np.zeros((8, 8, 3)), model="mnist-cnn", technique="demo",
    ...                    name="black", meta={"seed": 0})
    >>> art.png.name, art.sidecar.name
    ('black.png', 'black.json')
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
import re
import shlex
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from interpret._version import __version__

DEFAULT_DIR = "gallery"
ENV_VAR = "INTERPRET_GALLERY"


def _write_temp(path: Path, payload: bytes) -> str:
    """Write ``payload`` to a fsynced hidden temp file beside ``path``; return its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    return tmp


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


@contextmanager
def _directory_lock(directory: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``directory`` (no lock where ``fcntl`` is missing).

    The kernel drops the lock when the holder dies, so a killed writer never blocks others.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def atomic_write_bytes(path: str | os.PathLike, payload: bytes) -> Path:
    """Write ``payload`` to ``path`` via a temp file and ``os.replace``: all or nothing.

    Example:
        >>> atomic_write_bytes("/tmp/x.bin", b"abc").read_bytes()
        b'abc'
    """
    path = Path(path)
    tmp = _write_temp(path, payload)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    return path


def atomic_write_json(path: str | os.PathLike, obj: Any) -> Path:
    """Write ``obj`` as indented JSON, atomically; NumPy values become plain numbers.

    Example:
        >>> atomic_write_json("/tmp/x.json", {"a": np.float32(1.5)}).read_text()
        '{\\n  "a": 1.5\\n}\\n'
    """
    text = json.dumps(obj, indent=2, default=_json_default) + "\n"
    return atomic_write_bytes(path, text.encode())


def _json_default(o: Any) -> Any:
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def png_bytes(image: np.ndarray) -> bytes:
    """Encode an HxW, HxWx1 or HxWx3 image in [0, 1] (float) or uint8 as PNG bytes.

    Example:
        >>> png_bytes(np.ones((2, 2)))[:4]
        b'\\x89PNG'
    """
    from PIL import Image

    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = (np.clip(arr, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    if arr.ndim == 3 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="PNG")
    return buf.getvalue()


def figure_png_bytes(fig: Any, dpi: int = 110) -> bytes:
    """Render a matplotlib figure to PNG bytes (closing nothing).

    Example:
        >>> import matplotlib.pyplot as plt
        >>> figure_png_bytes(plt.figure())[:4]
        b'\\x89PNG'
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()


def slug(text: str) -> str:
    """A file-name-safe version of ``text`` (letters, digits, ``-_.``).

    Example:
        >>> slug("conv2d_1 filter 5/all")
        'conv2d_1-filter-5-all'
    """
    s = re.sub(r"[^A-Za-z0-9_.-]+", "-", str(text)).strip("-.")
    return s[:120] or "item"


def current_command() -> str:
    """The command line of this process as a shell would retype it.

    Example:
        >>> isinstance(current_command(), str)
        True
    """
    argv = list(sys.argv)
    first = Path(argv[0]) if argv else Path()
    # the console script, or ``python -m interpret`` (not another package's __main__.py)
    if first.name == "interpret" or (
        first.name == "__main__.py" and first.parent.name == "interpret"
    ):
        argv[0] = "interpret"
    return shlex.join(argv)


@dataclass(frozen=True)
class Artifact:
    """One gallery item: the PNG and its JSON sidecar."""

    png: Path
    sidecar: Path
    meta: dict


class Gallery:
    """A directory of artifacts: ``<root>/<model>/<technique>/<name>.png`` + ``.json``.

    ``root`` defaults to ``$INTERPRET_GALLERY`` or ``./gallery``.

    Example:
        >>> g = Gallery("/tmp/g")
        >>> g.path_for("cifar10-cnn", "maximize", "conv2d_1 f5").name
        'conv2d_1-f5.png'
    """

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root or os.environ.get(ENV_VAR) or DEFAULT_DIR)

    def path_for(self, model: str, technique: str, name: str) -> Path:
        """The PNG path an artifact of this model, technique and name gets.

        Example:
            >>> Gallery("/g").path_for("m", "t", "n").as_posix()
            '/g/m/t/n.png'
        """
        return self.root / slug(model) / slug(technique) / f"{slug(name)}.png"

    def _save(
        self,
        png: bytes,
        model: str,
        technique: str,
        name: str,
        meta: dict,
        extras: dict[str, bytes] | None = None,
    ) -> Artifact:
        """Write ``extras`` (suffix -> bytes, beside the PNG), the PNG, then the sidecar."""
        path = self.path_for(model, technique, name)
        full = {
            "model": model,
            "technique": technique,
            "name": name,
            "image": path.name,
            "command": current_command(),
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "interpret_version": __version__,
            **meta,
        }
        sidecar = path.with_suffix(".json")
        text = json.dumps(full, indent=2, default=_json_default) + "\n"
        # both files are written to temp files first; the two renames then happen under
        # a lock on the directory, so when several processes save the same name the
        # PNG and sidecar that end up in place always come from the same save
        targets = [path.with_suffix(suffix) for suffix in extras or {}] + [path, sidecar]
        payloads = [*(extras or {}).values(), png, text.encode()]
        tmps: list[str] = []
        try:
            for target, payload in zip(targets, payloads):
                tmps.append(_write_temp(target, payload))
            with _directory_lock(path.parent):
                # extras and PNG first: a sidecar always finds its files
                for tmp, target in zip(tmps, targets):
                    os.replace(tmp, target)
        except BaseException:
            for tmp in tmps:
                _unlink_quietly(tmp)
            raise
        return Artifact(png=path, sidecar=sidecar, meta=full)

    def save_image(
        self, image: np.ndarray, *, model: str, technique: str, name: str, meta: dict | None = None
    ) -> Artifact:
        """Save an image array (float [0, 1] or uint8) with its sidecar.

        Example:
            >>> Gallery("/tmp/g").save_image(np.zeros((4, 4)), model="m", technique="t",
            ...                              name="z").png.exists()
            True
        """
        return self._save(png_bytes(image), model, technique, name, dict(meta or {}))

    def save_animation(
        self,
        frames: Sequence[np.ndarray],
        *,
        model: str,
        technique: str,
        name: str,
        meta: dict | None = None,
        steps: Sequence[int] | None = None,
        poster: np.ndarray | None = None,
    ) -> Artifact:
        """Save an animated GIF (one frame per array) beside its poster PNG, with a sidecar.

        The poster is ``poster`` or the last frame; the sidecar names the GIF
        (``animation``), its frame count and the step (or epoch) of each frame.

        Example:
            >>> art = Gallery("/tmp/g").save_animation([np.zeros((4, 4)), np.ones((4, 4))],
            ...                                        model="m", technique="t", name="a")
            >>> art.meta["animation"], art.meta["frames"]
            ('a.gif', 2)
        """
        from interpret.gallery.animation import gif_bytes

        gif = gif_bytes(frames)
        path = self.path_for(model, technique, name)
        full = {
            **dict(meta or {}),
            "animation": path.with_suffix(".gif").name,
            "frames": len(frames),
            "frame_steps": list(steps) if steps is not None else list(range(len(frames))),
        }
        still = png_bytes(frames[-1] if poster is None else poster)
        return self._save(still, model, technique, name, full, extras={".gif": gif})

    def save_figure(
        self, fig: Any, *, model: str, technique: str, name: str, meta: dict | None = None
    ) -> Artifact:
        """Save a matplotlib figure with its sidecar, then close the figure.

        Example:
            >>> import matplotlib.pyplot as plt
            >>> Gallery("/tmp/g").save_figure(plt.figure(), model="m", technique="t",
            ...                               name="f").png.suffix
            '.png'
        """
        import matplotlib.pyplot as plt

        try:
            payload = figure_png_bytes(fig)
        finally:
            plt.close(fig)
        return self._save(payload, model, technique, name, dict(meta or {}))

    def remove_stale_temp(self, older_than: float = 3600.0) -> list[Path]:
        """Delete temp files (``.<name>.*.tmp``) left by a writer that was killed; return them.

        Only files older than ``older_than`` seconds go, so a live writer's temp file is
        never touched. Temp files are never shown as artifacts either way.

        Example:
            >>> Gallery("/tmp/empty-gallery").remove_stale_temp()
            []
        """
        removed: list[Path] = []
        if not self.root.is_dir():
            return removed
        cutoff = time.time() - older_than
        for tmp in sorted(self.root.rglob(".*.tmp")):
            try:
                if tmp.is_file() and tmp.stat().st_mtime <= cutoff:
                    tmp.unlink()
                    removed.append(tmp)
            except FileNotFoundError:
                continue
        return removed

    def artifacts(self) -> list[dict]:
        """Every complete artifact's sidecar (with ``png`` path), skipping unreadable ones.

        Example:
            >>> [a["name"] for a in Gallery("/tmp/empty-gallery").artifacts()]
            []
        """
        items = []
        if not self.root.is_dir():
            return items
        for sidecar in sorted(self.root.rglob("*.json")):
            if sidecar.name.startswith("."):
                continue
            try:
                meta = json.loads(sidecar.read_text())
            except (OSError, ValueError):
                continue
            png = sidecar.with_suffix(".png")
            if isinstance(meta, dict) and png.is_file():
                meta["png"] = str(png.relative_to(self.root))
                items.append(meta)
        return items
