"""Dataset examples: the images that excite a target most, best first, found offline."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.core import objectives as obj
from interpret.core.models import resolve
from interpret.visualize.examples import dataset_examples
from interpret.visualize.maximize import maximize
from interpret.visualize.render import evaluate
from tests.maxi_models import small_cnn

FAST = {"steps": 24, "lr": 0.1}


@pytest.fixture(scope="module")
def cnn():
    return resolve(small_cnn())


def test_dataset_examples_from_an_array(cnn):
    x = np.random.default_rng(0).integers(0, 256, (40, 12, 12, 3), dtype=np.uint8)
    ex = dataset_examples(cnn, "c2", [0, 4], k=5, dataset=x)
    assert ex.images.shape == (2, 5, 12, 12, 3) and ex.dataset == "array"
    assert np.all(np.diff(ex.scores, axis=1) <= 0)  # best first
    direct = evaluate(cnn.probe, obj.channel("c2", 4), x[ex.indices[1]].astype("float32") / 255)
    np.testing.assert_allclose(direct, ex.scores[1], rtol=1e-4, atol=1e-5)
    r = maximize(cnn, "c2", [0], examples=3, dataset=x, **FAST)
    assert r.examples.images.shape == (1, 3, 12, 12, 3)


def test_dataset_examples_by_name_work_offline(monkeypatch, tmp_path):
    """No data directory and no download: the bundled 500-image sample is searched."""
    from interpret._tf import keras
    from interpret.data import datasets as data

    def offline(name):
        raise OSError("no network")

    monkeypatch.setenv("INTERPRET_DATA_DIR", str(tmp_path))  # empty: load() fails
    monkeypatch.setattr(data, "_load_keras", offline)
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Conv2D(2, 3, activation="relu", name="c")]
    )
    ex = dataset_examples(model, "c", [0, 1], k=4, dataset="mnist")
    assert ex.images.shape == (2, 4, 28, 28, 1) and ex.dataset == "mnist"
    assert ex.indices.max() < 500
