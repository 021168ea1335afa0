"""Animated GIFs: one frame per logged step, even when the picture stops changing."""

from __future__ import annotations

import json

import numpy as np

from interpret.gallery.animation import frames_rgb, gif_bytes, gif_frame_count, tile
from interpret.gallery.store import Gallery


def test_identical_pictures_still_give_one_frame_each():
    frames = [np.zeros((5, 5, 1))] * 7  # a render that never moves
    assert gif_frame_count(gif_bytes(frames)) == 7
    many = [np.zeros((4, 4))] * 300  # more frames than bar pixels at the minimum size
    assert gif_frame_count(gif_bytes(many, min_side=8)) == 300


def test_frames_are_scaled_by_a_whole_factor_with_a_bar():
    a, b = frames_rgb([np.ones((28, 28)), np.zeros((28, 28))], min_side=128)
    assert a.shape == (5 * 28 + 3 * 5, 5 * 28, 3)
    assert (a[:140] == 255).all() and (b[:140] == 0).all()  # nearest: the pixels unchanged
    assert (a[140:, :70] == [47, 109, 181]).all() and (a[140:, 71:] == 255).all()  # half way
    assert (b[140:] == [47, 109, 181]).all()  # the last frame: a full bar


def test_tile_lays_images_out_in_rows():
    out = tile([np.full((2, 2, 3), v) for v in (0.0, 1.0, 0.0)], cols=2)
    assert out.shape == (5, 5, 3) and out[0, 0, 0] == 0 and out[0, 3, 0] == 255


def test_save_animation_writes_gif_poster_and_sidecar(tmp_path):
    g = Gallery(tmp_path)
    frames = [np.full((4, 4, 3), v) for v in (0.0, 0.3, 0.6)]
    art = g.save_animation(frames, model="m", technique="t", name="run", steps=[0, 5, 10])
    meta = json.loads(art.sidecar.read_text())
    assert meta["animation"] == "run.gif" and meta["frames"] == 3
    assert meta["frame_steps"] == [0, 5, 10]
    assert gif_frame_count(art.png.with_suffix(".gif").read_bytes()) == 3
    assert sorted(p.name for p in art.png.parent.iterdir()) == ["run.gif", "run.json", "run.png"]
