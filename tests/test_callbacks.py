"""Keras callbacks: a 3-epoch fit writes gallery artifacts per epoch and TensorBoard summaries."""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np
import pytest

from interpret.core.errors import UserError
from interpret.gallery.animation import gif_frame_count


def _events(log_dir) -> dict:
    """(plugin, tag) -> [(step, value or image shape)] read back from the event files."""
    from interpret._tf import tf

    out = defaultdict(list)
    for path in sorted((log_dir / "interpret").glob("events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for v in event.summary.value:
                plugin = v.metadata.plugin_data.plugin_name
                value = tf.make_ndarray(v.tensor)
                if plugin == "images":  # [width, height, PNG bytes...]
                    value = (int(value[0]), int(value[1]), value[2][:4])
                out[(plugin, v.tag)].append((event.step, value))
    return out


@pytest.fixture
def training(tiny_cnn):
    from interpret._tf import keras

    rng = np.random.default_rng(0)
    x = rng.random((64, 16, 16, 3)).astype("float32")
    y = (x[..., 0].mean((1, 2)) > 0.5).astype("int32") + 2 * (x[..., 1].mean((1, 2)) > 0.5)
    tiny_cnn.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return tiny_cnn, x, y


def test_three_epochs_write_gallery_and_tensorboard(training, tmp_path):
    from interpret.callbacks import Attack, Explain, Visualize

    model, x, y = training
    g, logs = tmp_path / "g", tmp_path / "logs"
    vis = Visualize("c2", "0-2", steps=4, gallery=g, log_dir=logs, precision="float32")
    att = Attack(x[:24], y[:24], eps=0.1, steps=3, gallery=g, log_dir=logs)
    exp = Explain(x[:3], y[:3], method="gradcam", gallery=g, log_dir=logs)
    model.fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=[vis, att, exp])

    folder = g / "tiny" / "watch"
    names = sorted(p.name for p in folder.glob("*.png"))
    assert [n for n in names if n.startswith("c2")] == [
        "c2-0-2-epoch001.png",
        "c2-0-2-epoch002.png",
        "c2-0-2-epoch003.png",
        "c2-0-2-epochs.png",
    ]
    attack_epochs = [n for n in names if n.startswith("pgd-eps0.1-epoch0")]
    assert len(attack_epochs) == sum(r["clean_accuracy"] > 0 for r in att.history) >= 1
    assert (folder / "pgd-eps0.1-epochs.png").is_file()
    anim = json.loads((folder / "c2-0-2-epochs.json").read_text())
    assert anim["frames"] == 3 and anim["frame_steps"] == [1, 2, 3] == vis.logged
    assert gif_frame_count((folder / "c2-0-2-epochs.gif").read_bytes()) == 3
    assert [r["epoch"] for r in att.history] == [1, 2, 3]
    assert json.loads((folder / "pgd-eps0.1-epochs.json").read_text())["history"] == att.history

    events = _events(logs)
    assert [s for s, _ in events[("images", "visualize/c2-0-2")]] == [1, 2, 3]
    width, height, magic = events[("images", "visualize/c2-0-2")][0][1]
    assert (width, height) == (2 * 16 + 1, 2 * 16 + 1) and magic == b"\x89PNG"  # 2x2 tile
    means = events[("scalars", "visualize/c2-0-2/activation_mean")]
    assert [s for s, _ in means] == [1, 2, 3] and all(np.isfinite(v) for _, v in means)
    robust = events[("scalars", "attack/robust_accuracy")]
    assert [(s, pytest.approx(float(v))) for s, v in robust] == [
        (r["epoch"], r["robust_accuracy"]) for r in att.history
    ]
    assert len(events[("images", "attack/examples")]) == len(attack_epochs)

    assert sorted(p.name for p in folder.glob("gradcam*.png")) == [
        "gradcam-epoch001.png",
        "gradcam-epoch002.png",
        "gradcam-epoch003.png",
        "gradcam-epochs.png",
    ]
    assert gif_frame_count((folder / "gradcam-epochs.gif").read_bytes()) == 3
    sheet = json.loads((folder / "gradcam-epoch002.json").read_text())
    assert sheet["epoch"] == 2 and sheet["layer"] == "c2" and len(sheet["figures"]["scores"]) == 3
    assert [s for s, _ in events[("images", "explain/gradcam")]] == [1, 2, 3]
    assert [s for s, _ in events[("scalars", "explain/gradcam/score_mean")]] == [1, 2, 3]


def test_every_n_epochs_and_the_last(training, tmp_path):
    from interpret.callbacks import Visualize

    model, x, y = training
    vis = Visualize(classes="all", steps=2, every=2, gallery=tmp_path)
    model.fit(x, y, epochs=3, batch_size=32, verbose=0, callbacks=[vis])
    assert vis.logged == [2, 3]  # every second epoch, and the last
    assert len(vis.artifacts) == 4


def test_bad_settings_fail_before_training(training, tmp_path):
    from interpret.callbacks import Attack, Explain, Visualize

    model, x, y = training
    with pytest.raises(UserError, match="every= must be"):
        Visualize("c2", every=0)
    with pytest.raises(UserError, match="unknown render setting stesp="):
        Visualize("c2", stesp=3)
    with pytest.raises(UserError, match="give the images"):
        Attack()
    with pytest.raises(UserError, match="method= must name one attribution method"):
        Explain(x, method="gradcam,saliency")
    exp = Explain(x[:2], method="nope", gallery=tmp_path)
    with pytest.raises(UserError, match="nope"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[exp])
    vis = Visualize("nope", gallery=tmp_path)
    with pytest.raises(UserError, match="unknown layer 'nope'"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[vis])
    att = Attack(data=tmp_path / "missing.npz", gallery=tmp_path)
    with pytest.raises(UserError, match="data= .*missing.npz does not exist"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[att])
    assert not list(tmp_path.rglob("*.png"))


def test_shared_keywords_are_taken_by_every_callback(tmp_path):
    from interpret.callbacks import SHARED, Attack, Visualize, watchers

    x, y = np.zeros((2, 8, 8, 1), "float32"), np.zeros(2, "int32")
    vis = Visualize("c2", every=3, gallery=tmp_path, log_dir=tmp_path / "l", name="m", seed=7)
    assert (vis.every, vis.log_dir, vis.name, vis.seed) == (3, str(tmp_path / "l"), "m", 7)
    assert "every" not in vis.settings and vis.settings["steps"] == 64
    att = Attack(x, y)  # defaults from SHARED, nothing left over for the attack
    assert (att.every, att.log_dir, att.name, att.seed) == (
        SHARED["every"],
        SHARED["log_dir"],
        SHARED["name"],
        SHARED["seed"],
    )
    assert [c.every for c in watchers(["c2"], every=2, gallery=tmp_path)] == [2]
    with pytest.raises(UserError, match="unknown option 'evry'"):
        watchers(["c2"], evry=2)
