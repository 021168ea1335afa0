"""Every result shows itself in Jupyter: ``_repr_png_`` gives PNG bytes, animations play as GIFs."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest

import interpret
from interpret.core.models import resolve
from interpret.gallery.animation import gif_frame_count
from interpret.gallery.inline import ShowsInline
from tests.maxi_models import small_cnn

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def handle():
    return resolve(small_cnn())


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _images(handle, n=4):
    x = np.random.default_rng(0).random((n, 12, 12, 3)).astype("float32")
    return x, handle.probe.predict(x).argmax(1)  # labels it gets right: all attacked


def test_every_result_shows_as_png(handle):
    x, y = _images(handle)
    results = {
        "maximize": interpret.maximize(handle, "c2", [0, 1], steps=2),
        "dream": interpret.dream(
            handle, np.random.default_rng(1).random((20, 20, 3)), octaves=1, steps=1
        ),
        "attack": interpret.attack(handle, x, y, method="fgsm", eps=0.3),
        "evaluation": interpret.evaluate_attack(handle, x, y, method="fgsm", eps=[0.1, 0.3]),
        "fool": interpret.fool(handle, [0, 1], steps=2),
        "sheet": interpret.plot_filters(handle, "c1"),
        "invert": interpret.invert(handle, x[0], "c1", steps=2, caricature=False),
        "maco": interpret.maco(handle, "c2", [0, 1], steps=2),
        "direction": interpret.direction(handle, "c2", np.eye(6)[:2], steps=2),
        "interact": interpret.interact(handle, "c2", [0, 1], steps=2),
        "compare": interpret.compare(handle, small_cnn(seed=1), parts="filters"),
    }
    for name, result in results.items():
        assert isinstance(result, ShowsInline), name
        width, height = _png_size(result._repr_png_())
        assert width > 50 and height > 50, name
        assert result._repr_html_() is None, name  # no animation: Jupyter takes the PNG
    explanation = interpret.explain(handle, x, method="saliency")  # its own _repr_png_
    assert min(_png_size(explanation._repr_png_())) > 50
    trusted = interpret.trust(
        handle, x, method="saliency", n=4, sanity=False, metrics="deletion", steps=2
    )  # its own _repr_png_ too: the table
    assert min(_png_size(trusted._repr_png_())) > 50


def test_a_shown_comparison_or_inversion_can_still_be_saved(handle, tmp_path):
    x, _ = _images(handle, 1)
    for result in (
        interpret.compare(handle, small_cnn(seed=1), parts="filters"),
        interpret.invert(handle, x[0], "c1", steps=2, caricature=False),
    ):
        result._repr_png_()
        assert all(a.png.read_bytes()[:8] == PNG for a in result.save(tmp_path))


def test_a_shown_sheet_can_still_be_saved(handle, tmp_path):
    sheet = interpret.plot_filters(handle, "c1")
    first = sheet._repr_png_()
    (art,) = sheet.save(tmp_path)
    assert art.png.read_bytes()[:8] == PNG and sheet._repr_png_() == first


def test_an_animated_maximize_plays_inline(handle):
    r = interpret.maximize(handle, "c2", [0, 1, 2], steps=4, frame_every=1)
    html = r._repr_html_()
    gif = base64.b64decode(re.search(r"base64,([^\"]+)", html).group(1))
    assert gif_frame_count(gif) == 5 == len(r.frame_steps)


def test_a_result_without_a_picture_says_so():
    with pytest.raises(NotImplementedError, match="define inline_view"):
        ShowsInline()._repr_png_()
