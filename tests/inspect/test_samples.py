"""The sample grid: seeded images of a data set, saved with the indices that were drawn."""

from __future__ import annotations

import json

import numpy as np

from interpret.data import datasets as data
from interpret.inspect.samples import sample_grid


def test_the_grid_is_seeded_and_records_what_it_shows(tmp_path):
    art = sample_grid("mnist", n=6, seed=3, gallery=tmp_path)
    meta = json.loads(art.sidecar.read_text())
    assert art.png.name == "mnist-samples.png" and art.png.stat().st_size > 500
    assert meta["seed"] == 3 and meta["parameters"] == {"n": 6, "split": "test"}
    assert meta["data_source"] == data.sample("mnist").source  # offline: the bundled sample
    idx = meta["indices"]
    assert len(set(idx)) == 6 and max(idx) < 500
    again = sample_grid("mnist", n=6, seed=3, gallery=tmp_path / "again")
    assert json.loads(again.sidecar.read_text())["indices"] == idx
    other = sample_grid("mnist", n=6, seed=4, gallery=tmp_path / "other")
    assert json.loads(other.sidecar.read_text())["indices"] != idx


def test_the_train_split_reads_the_data_directory(tmp_path, data_dir):
    art = sample_grid("cifar10", n=4, split="train", gallery=tmp_path)
    meta = json.loads(art.sidecar.read_text())
    assert meta["data_source"].endswith("cifar10.npz") and np.max(meta["indices"]) < 64
