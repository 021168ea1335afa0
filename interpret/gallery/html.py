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
    return re.sub(r"@([A-Z]+)@", lambda m: values[m.group(1)], _TEMPLATE)


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


_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@TITLE@</title>
<style>
:root { --bg: #fafaf8; --fg: #1d1d1f; --muted: #6b6b70; --line: #deded8; --accent: #2f6db5; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif;
       background: var(--bg); color: var(--fg); }
header { position: sticky; top: 0; z-index: 2; background: var(--bg); border-bottom: 1px solid var(--line);
         padding: 10px 20px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
header h1 { font-size: 17px; margin: 0; font-weight: 600; }
#filter { flex: 1 1 260px; max-width: 480px; padding: 6px 10px; font: inherit;
          border: 1px solid var(--line); border-radius: 6px; }
#count { color: var(--muted); }
nav a { margin-right: 10px; color: var(--accent); text-decoration: none; }
nav .n { color: var(--muted); font-size: 12px; }
main { padding: 4px 20px 40px; }
h2.model-name { font-size: 20px; margin: 22px 0 4px; border-bottom: 2px solid var(--fg); }
h3.technique-name { font-size: 15px; margin: 14px 0 2px; color: var(--accent); }
section.technique { display: flex; flex-wrap: wrap; column-gap: 28px; }
section.technique > h3 { flex-basis: 100%; }
section.layer { max-width: 100%; }
h4.layer-name { font-size: 13px; margin: 8px 0 4px; color: var(--muted); font-weight: 500;
                font-family: ui-monospace, monospace; }
.grid { display: flex; flex-wrap: wrap; gap: 10px; }
figure.item { margin: 0; width: 148px; background: #fff; border: 1px solid var(--line);
              border-radius: 6px; padding: 6px; cursor: pointer; }
figure.item:hover { border-color: var(--accent); }
figure.item.animated a { position: relative; }
figure.item.animated a::after { content: "\\25B6"; position: absolute; right: 4px; bottom: 4px;
  font-size: 11px; color: #fff; background: var(--accent); border-radius: 3px; padding: 0 4px; }
figure.item a { display: flex; align-items: center; justify-content: center; height: 128px; }
img.thumb { width: 134px; height: 128px; object-fit: contain; background: #ecece6; }
figure.item.wide { width: 306px; }
figure.wide img.thumb { width: 292px; }
img.pixelated, #v-img.pixelated { image-rendering: pixelated; }
figcaption { font-size: 12px; margin-top: 4px; overflow: hidden; text-overflow: ellipsis;
             white-space: nowrap; }
.hidden { display: none !important; }
.empty { color: var(--muted); }
footer { color: var(--muted); font-size: 12px; padding: 0 20px 20px; }
#viewer { position: fixed; inset: 0; z-index: 5; background: rgba(20, 20, 24, 0.82);
          display: flex; align-items: center; justify-content: center; padding: 24px; }
#viewer[hidden] { display: none; }
#viewer .panel { background: #fff; border-radius: 8px; max-width: 1200px; width: 100%;
                 max-height: 100%; display: flex; gap: 18px; padding: 18px; overflow: auto; }
#viewer .picture { flex: 1 1 55%; display: flex; align-items: center; justify-content: center;
                   min-width: 0; }
#v-img { max-width: 100%; max-height: 80vh; min-width: 256px; object-fit: contain;
         background: #ecece6; }
#viewer .side { flex: 1 1 45%; min-width: 0; }
#viewer h2 { margin: 0 0 2px; font-size: 18px; word-break: break-word; }
#v-path { color: var(--muted); margin: 0 0 10px; word-break: break-all; font-size: 12px; }
pre { background: #f3f3ef; padding: 8px; border-radius: 4px; white-space: pre-wrap;
      word-break: break-all; margin: 2px 0 8px; font-size: 12px; }
#v-meta { border-collapse: collapse; width: 100%; font-size: 12px; }
#v-meta th { text-align: left; vertical-align: top; padding: 3px 8px 3px 0; color: var(--muted);
             font-weight: 500; white-space: nowrap; }
#v-meta td { padding: 3px 0; word-break: break-word; }
#v-meta td pre { margin: 0; }
.buttons { display: flex; gap: 8px; margin-bottom: 10px; }
button { font: inherit; padding: 3px 10px; border: 1px solid var(--line); background: #fff;
         border-radius: 4px; cursor: pointer; }
@media (max-width: 800px) { #viewer .panel { flex-direction: column; } }
</style>
</head>
<body>
<header>
<h1>@TITLE@</h1>
<input id="filter" type="search" autocomplete="off"
       placeholder="filter: model, technique, layer, name, command" aria-label="filter">
<span id="count">@TOTAL@ items</span>
<nav>@NAV@</nav>
</header>
<main id="gallery">@BODY@</main>
<footer>@FOOTER@. Rebuilt from the JSON sidecars by <code>interpret gallery build</code>.</footer>
<div id="viewer" hidden role="dialog" aria-modal="true" aria-labelledby="v-title">
<div class="panel">
<div class="picture"><img id="v-img" alt=""></div>
<div class="side">
<div class="buttons"><button id="v-prev" title="previous (left arrow)">&larr;</button>
<button id="v-next" title="next (right arrow)">&rarr;</button>
<button id="v-close" title="close (Esc)">close</button></div>
<h2 id="v-title"></h2>
<p id="v-path"></p>
<div>command that made it <button id="v-copy">copy</button></div>
<pre id="v-command"></pre>
<table id="v-meta"></table>
</div>
</div>
</div>
<script type="application/json" id="gallery-data">@DATA@</script>
<script>
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("gallery-data").textContent);
  var items = Array.prototype.slice.call(document.querySelectorAll("figure.item"));
  var filter = document.getElementById("filter");
  var count = document.getElementById("count");
  var viewer = document.getElementById("viewer");
  var current = -1;
  var SKIP = { png: 1, _group: 1, _anim: 1, command: 1 };

  function haystack(m) {
    var parts = m._group.slice();
    ["caption", "title", "image", "command", "dataset", "class", "classes"].forEach(function (k) {
      if (m[k] !== undefined && m[k] !== null) { parts.push(typeof m[k] === "string" ? m[k] : JSON.stringify(m[k])); }
    });
    return parts.join(" ").toLowerCase();
  }
  var hay = data.map(haystack);

  function applyFilter() {
    var terms = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (fig) {
      var h = hay[+fig.dataset.index];
      var ok = terms.every(function (t) { return h.indexOf(t) !== -1; });
      fig.classList.toggle("hidden", !ok);
      if (ok) { shown++; }
    });
    ["section.layer", "section.technique", "section.model"].forEach(function (sel) {
      document.querySelectorAll(sel).forEach(function (s) {
        s.classList.toggle("hidden", !s.querySelector("figure.item:not(.hidden)"));
      });
    });
    count.textContent = terms.length ? shown + " of " + items.length + " items" : items.length + " items";
  }

  function cell(value) {
    var td = document.createElement("td");
    if (value !== null && typeof value === "object") {
      var pre = document.createElement("pre");
      pre.textContent = JSON.stringify(value, null, 2);
      td.appendChild(pre);
    } else {
      td.textContent = String(value);
    }
    return td;
  }

  function open(i) {
    var m = data[i];
    if (!m) { return; }
    current = i;
    var img = document.getElementById("v-img");
    img.src = m._anim || m.png;  // an animated item plays its GIF; the grid shows the poster
    img.alt = m._group[3];
    img.classList.toggle("pixelated", items[i].querySelector("img").classList.contains("pixelated"));
    document.getElementById("v-title").textContent = m._group[3];
    document.getElementById("v-path").textContent = m._group.slice(0, 3).join(" / ") + "  \\u2014  " + decodeURIComponent(m._anim || m.png);
    document.getElementById("v-command").textContent = m.command || "(not recorded)";
    var table = document.getElementById("v-meta");
    table.textContent = "";
    Object.keys(m).forEach(function (k) {
      if (SKIP[k]) { return; }
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.textContent = k;
      tr.appendChild(th);
      tr.appendChild(cell(m[k]));
      table.appendChild(tr);
    });
    viewer.hidden = false;
    if (location.hash !== "#item-" + i) { history.replaceState(null, "", "#item-" + i); }
  }

  function close() {
    viewer.hidden = true;
    current = -1;
    history.replaceState(null, "", location.pathname + location.search);
  }

  function step(d) {
    var visible = items.filter(function (f) { return !f.classList.contains("hidden"); })
                       .map(function (f) { return +f.dataset.index; });
    var pos = visible.indexOf(current);
    if (pos === -1 || !visible.length) { return; }
    open(visible[(pos + d + visible.length) % visible.length]);
  }

  items.forEach(function (fig) {
    fig.addEventListener("click", function (ev) { ev.preventDefault(); open(+fig.dataset.index); });
  });
  filter.addEventListener("input", applyFilter);
  document.getElementById("v-close").addEventListener("click", close);
  document.getElementById("v-prev").addEventListener("click", function () { step(-1); });
  document.getElementById("v-next").addEventListener("click", function () { step(1); });
  document.getElementById("v-copy").addEventListener("click", function () {
    var text = document.getElementById("v-command").textContent;
    if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text); }
    else {
      var r = document.createRange();
      r.selectNodeContents(document.getElementById("v-command"));
      var s = window.getSelection(); s.removeAllRanges(); s.addRange(r);
    }
  });
  viewer.addEventListener("click", function (ev) { if (ev.target === viewer) { close(); } });
  document.addEventListener("keydown", function (ev) {
    if (viewer.hidden) { return; }
    if (ev.key === "Escape") { close(); }
    else if (ev.key === "ArrowLeft") { step(-1); }
    else if (ev.key === "ArrowRight") { step(1); }
  });
  var m = /^#item-(\\d+)$/.exec(location.hash);
  if (m) { open(+m[1]); }
  if (filter.value) { applyFilter(); }
})();
</script>
</body>
</html>
"""
