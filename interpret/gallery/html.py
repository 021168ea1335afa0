"""The gallery's ``index.html``: one static page rebuilt from the JSON sidecars.

The sidecars are the record; the page is only a view of them, so it can be
deleted and rebuilt at any time. The page has no network resources (CSS and
JavaScript are inline, images are relative links), so it opens from the file
system. Every string that comes from a sidecar or a file name is escaped: in
HTML text and attributes with :func:`html.escape`, and the metadata travels as a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` written as
``\\u003c``-style escapes, read by the page with ``JSON.parse`` and shown with
``textContent`` only.

Example:
    >>> import numpy as np
    >>> from interpret.gallery.store import Gallery
    >>> from interpret.gallery.html import build_index
    >>> g = Gallery("/tmp/demo-gallery")
    >>> _ = g.save_image(np.zeros((8, 8)), model="m", technique="t", name="black")
    >>> build_index("/tmp/demo-gallery").name
    'index.html'
"""

from __future__ import annotations

import datetime as _dt
import functools
import html
import http.server
import json
import math
import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from interpret._version import __version__
from interpret.gallery.store import Gallery, atomic_write_bytes

INDEX_NAME = "index.html"
NO_LAYER = "(no layer)"
# techniques shown first, in this order; any other technique follows alphabetically
TECHNIQUE_ORDER = (
    "summary",
    "train",
    "samples",
    "kernels",
    "featuremaps",
    "maximize",
    "dream",
    "adversarial",
    "fooling",
)


@dataclass(frozen=True)
class Item:
    """One thumbnail: where it sits in the page and what it shows."""

    model: str
    technique: str
    layer: str
    name: str
    src: str  # URL-quoted path relative to the gallery root
    width: int | None
    height: int | None
    meta: dict
    animation: str | None = None  # URL-quoted path of the item's animated GIF, if it has one


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _natural_key(text: str) -> list:
    return [(0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in re.split(r"(\d+)", text)]


def _technique_key(technique: str) -> tuple:
    if technique in TECHNIQUE_ORDER:
        return (0, TECHNIQUE_ORDER.index(technique), [])
    return (1, 0, _natural_key(technique))


def _png_size(path: Path) -> tuple[int | None, int | None]:
    """Width and height from the PNG header (no decoding); ``(None, None)`` if unreadable."""
    try:
        with open(path, "rb") as f:
            head = f.read(24)
    except OSError:
        return None, None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None, None
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def _json_safe(value: Any) -> Any:
    """Replace NaN/inf (not valid JSON for a browser) by strings, recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def script_json(obj: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: ``<``, ``>``, ``&`` are ``\\u`` escapes.

    Example:
        >>> script_json({"layer": "</script><b>"})
        '{"layer": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(_json_safe(obj), ensure_ascii=True, allow_nan=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def collect(root: str | os.PathLike) -> list[Item]:
    """Every complete artifact under ``root`` as an :class:`Item`, in page order.

    Grouping comes from the sidecar (``model``, ``technique``, ``layer``), falling
    back to the directory names when a sidecar lacks them.

    Example:
        >>> import numpy as np
        >>> from interpret.gallery.store import Gallery
        >>> _ = Gallery("/tmp/collect-demo").save_image(np.zeros((8, 8)), model="m", technique="t", name="black")
        >>> "black" in [i.name for i in collect("/tmp/collect-demo")]
        True
    """
    root = Path(root)
    items = []
    for meta in Gallery(root).artifacts():
        rel = PurePosixPath(Path(meta["png"]).as_posix())
        parts = rel.parts
        model = _text(meta.get("model")) or (parts[0] if len(parts) > 2 else "(unknown model)")
        technique = _text(meta.get("technique")) or (
            parts[1] if len(parts) > 2 else "(unknown technique)"
        )
        layer = _text(meta.get("layer")) or NO_LAYER
        name = _text(meta.get("name")) or rel.stem
        width, height = _png_size(root / rel)
        anim = meta.get("animation")
        anim_rel = rel.parent / str(anim) if isinstance(anim, str) and anim else None
        if anim_rel is not None and not (root / anim_rel).is_file():
            anim_rel = None
        items.append(
            Item(
                model=model,
                technique=technique,
                layer=layer,
                name=name,
                src=quote(str(rel), safe="/"),
                width=width,
                height=height,
                meta=meta,
                animation=quote(str(anim_rel), safe="/") if anim_rel else None,
            )
        )
    items.sort(
        key=lambda i: (
            _natural_key(i.model),
            _technique_key(i.technique),
            (i.layer == NO_LAYER, _natural_key(i.layer)),
            _natural_key(i.name),
            i.src,
        )
    )
    return items


def _esc(text: Any) -> str:
    return html.escape(_text(text), quote=True)


def render_index(items: list[Item], title: str = "interpret gallery") -> str:
    """The whole page as a string (see :func:`build_index` to write it).

    Example:
        >>> "<!doctype html>" in render_index([], "empty")
        True
    """
    out: list[str] = []
    current: tuple[str | None, str | None, str | None] = (None, None, None)
    models = list(dict.fromkeys(i.model for i in items))
    for idx, item in enumerate(items):
        model, technique, layer = current
        if item.model != model:
            if model is not None:
                out.append("</div></section></section></section>")
            out.append(
                f'<section class="model" id="model-{models.index(item.model)}">'
                f'<h2 class="model-name">{_esc(item.model)}</h2>'
            )
            technique = layer = None
        if item.technique != technique:
            if technique is not None:
                out.append("</div></section></section>")
            out.append(
                f'<section class="technique"><h3 class="technique-name">{_esc(item.technique)}</h3>'
            )
            layer = None
        if item.layer != layer:
            if layer is not None:
                out.append("</div></section>")
            out.append(
                f'<section class="layer"><h4 class="layer-name">{_esc(item.layer)}</h4>'
                '<div class="grid">'
            )
        current = (item.model, item.technique, item.layer)
        size = small = wide = ""
        if item.width and item.height:
            size = f' width="{item.width}" height="{item.height}"'
            if max(item.width, item.height) <= 96:
                small = " pixelated"
            if item.width > 1.6 * item.height:  # plots and grids get a wider tile
                wide = " wide"
        animated = " animated" if item.animation else ""
        out.append(
            f'<figure class="item{wide}{animated}" id="item-{idx}" data-index="{idx}">'
            f'<a class="open" href="{_esc(item.src)}">'
            f'<img class="thumb{small}" src="{_esc(item.src)}" alt="{_esc(item.name)}"{size}'
            ' loading="lazy" decoding="async"></a>'
            f'<figcaption title="{_esc(item.name)}">{_esc(item.name)}</figcaption></figure>'
        )
    if items:
        out.append("</div></section></section></section>")
    else:
        out.append(
            '<p class="empty">No artifacts yet. Run a command such as '
            "<code>interpret report</code>, then <code>interpret gallery build</code>.</p>"
        )
    nav = "".join(
        f'<a href="#model-{n}">{_esc(m)} <span class="n">'
        f"{sum(1 for i in items if i.model == m)}</span></a>"
        for n, m in enumerate(models)
    )
    data = [
        {
            **{k: v for k, v in i.meta.items()},
            "png": i.src,
            "_anim": i.animation,
            "_group": [i.model, i.technique, i.layer, i.name],
        }
        for i in items
    ]
    built = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    values = {
        "TITLE": _esc(title),
        "NAV": nav,
        "TOTAL": str(len(items)),
        "BODY": "".join(out),
        "FOOTER": f"built {_esc(built)} by interpret {_esc(__version__)}",
        "DATA": script_json(data),
    }
    # one pass, so text inside a value is never taken for another placeholder
    template = (Path(__file__).parent / "assets" / "index.html").read_text(encoding="utf-8")
    return re.sub(r"@([A-Z]+)@", lambda m: values[m.group(1)], template)


def build_index(
    root: str | os.PathLike | None = None,
    title: str | None = None,
    sweep_after: float | None = 3600.0,
) -> Path:
    """Rebuild ``<root>/index.html`` from the sidecars, atomically; return its path.

    ``root`` defaults like :class:`~interpret.gallery.store.Gallery` (``$INTERPRET_GALLERY``
    or ``./gallery``). Artifacts whose sidecar or PNG is missing are left out. Temp
    files that a killed writer left behind are removed once older than ``sweep_after``
    seconds (``None``: keep them); they are never shown either way.

    Example:
        >>> build_index("/tmp/demo-gallery").read_text().startswith("<!doctype html>")
        True
    """
    gallery = Gallery(root)
    if sweep_after is not None:
        gallery.remove_stale_temp(older_than=sweep_after)
    items = collect(gallery.root)
    page = render_index(items, title or f"interpret gallery: {gallery.root.resolve().name}")
    return atomic_write_bytes(gallery.root / INDEX_NAME, page.encode("utf-8"))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def make_server(
    root: str | os.PathLike, port: int = 8000, quiet: bool = True
) -> http.server.ThreadingHTTPServer:
    """An HTTP server for ``root`` bound to 127.0.0.1 only; call ``.serve_forever()``.

    ``port=0`` picks a free port (read it from ``server.server_address``).

    Example:
        >>> server = make_server("/tmp/demo-gallery", 0)
        >>> server.server_address[0]
        '127.0.0.1'
        >>> server.server_close()
    """
    base = _QuietHandler if quiet else http.server.SimpleHTTPRequestHandler
    handler = functools.partial(base, directory=str(Path(root)))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
