"""Training: the data pipeline, top-1 accuracy, checks before loading, the card of a tiny run."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.core.errors import UserError
from interpret.data.datasets import Dataset
from interpret.zoo.recipes import RECIPES
from interpret.zoo.train import evaluate, make_dataset, train


def tiny_mnist(n_train=64, n_test=16, seed=0) -> Dataset:
    rng = np.random.default_rng(seed)
    return Dataset(
        name="mnist",
        x_train=rng.integers(0, 256, (n_train, 28, 28, 1), dtype=np.uint8),
        y_train=rng.integers(0, 10, n_train).astype(np.uint8),
        x_test=rng.integers(0, 256, (n_test, 28, 28, 1), dtype=np.uint8),
        y_test=rng.integers(0, 10, n_test).astype(np.uint8),
        class_names=tuple(str(i) for i in range(10)),
        source="tiny test set",
    )


def test_the_pipeline_scales_batches_and_augments_only_when_training():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (10, 32, 32, 3), dtype=np.uint8)
    y = np.arange(10, dtype=np.uint8)
    recipe = RECIPES["cifar10-cnn"]
    plain = next(iter(make_dataset(x, y, recipe, seed=0, training=False)))
    np.testing.assert_allclose(plain[0].numpy(), x / 255.0, atol=1e-6)
    assert plain[1].dtype.name == "int32" and plain[1].numpy().tolist() == list(range(10))
    xb, yb = next(iter(make_dataset(x, y, recipe, seed=0, training=True)))
    assert xb.shape == (10, 32, 32, 3) and sorted(yb.numpy().tolist()) == list(range(10))
    assert 0.0 <= float(xb.numpy().min()) and float(xb.numpy().max()) <= 1.0
    assert not np.array_equal(yb.numpy(), np.arange(10))  # shuffled


def test_evaluate_is_top1_accuracy_on_uint8_images():
    from interpret._tf import keras

    model = keras.Sequential(
        [keras.Input((2, 2, 1)), keras.layers.Flatten(), keras.layers.Dense(2)]
    )
    model.get_layer(index=1).set_weights(
        [np.array([[1, 0], [0, 1], [0, 0], [0, 0]], "float32"), np.zeros(2, "float32")]
    )
    x = np.zeros((4, 2, 2, 1), np.uint8)
    x[:2, 0, 0, 0] = 255  # class 0 wins
    x[2:, 0, 1, 0] = 255  # class 1 wins
    assert evaluate(model, x, np.array([0, 0, 1, 0])) == 0.75


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"epochs": 0}, "epochs= must be a whole number of at least 1, got 0"),
        ({"limit": -5}, "limit= must be a whole number of at least 1, got -5"),
    ],
)
def test_bad_settings_fail_before_any_data_is_loaded(kwargs, message, monkeypatch):
    from interpret.data import datasets

    monkeypatch.setattr(datasets, "load", lambda name: pytest.fail("data loaded"))
    with pytest.raises(UserError, match=message):
        train("mnist-mlp", **kwargs)
    with pytest.raises(UserError, match="unknown zoo model 'vgg'"):
        train("vgg")


def test_a_tiny_run_writes_a_full_card():
    model, card = train("mnist-mlp", epochs=1, limit=32, dataset=tiny_mnist(), verbose=0)
    assert card["train_images"] == 32 and card["epochs"] == 1 and card["seed"] == 0
    assert card["data_source"] == "tiny test set" and card["params"] == model.count_params()
    assert set(card["history"]) >= {"accuracy", "loss", "val_accuracy", "val_loss"}
    assert all(len(v) == 1 for v in card["history"].values())
    assert 0.0 <= card["test_accuracy"] <= 1.0 and card["recipe"]["epochs"] == 1
