"""Training: the data pipeline, top-1 accuracy, checks before loading, the card of a tiny run;
adversarial options checked up front, your own Keras model, the card of a robust run."""

from __future__ import annotations

import json

import numpy as np
import pytest

from interpret.core.errors import UserError
from interpret.data.datasets import Dataset
from interpret.zoo.recipes import RECIPES
from interpret.zoo.train import evaluate, make_dataset, plan, train
from tests.zoo.test_adversarial import linear, toy_data


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


def test_plan_names_and_recipes():
    from interpret.zoo.train import plan

    assert plan("mnist-cnn").recipe.adversarial is None
    robust = plan("mnist-cnn-robust")
    assert robust.name == "mnist-cnn-robust" and robust.recipe.adversarial.eps == 0.3
    assert plan("mnist-cnn", adversarial="trades", eps=0.3).name == "mnist-cnn-trades"
    # a robust recipe at another eps keeps its step / eps ratio
    other = plan("mnist-cnn-robust", eps=0.1).recipe.adversarial
    assert other.step_size == pytest.approx(0.025) and other.method == "pgd"
    assert plan("mnist-cnn-robust", adversarial="trades").recipe.adversarial.eps == 0.3
    # the eps warm-up: asked for, or the robust recipe's, or none
    warm = plan("mnist-cnn", adversarial="fgsm-rs", eps=0.3, eps_warmup=2).recipe.adversarial
    assert warm.eps_warmup == 2 and warm.eps_at(1.0) == pytest.approx(0.15)
    assert plan("mnist-cnn", adversarial="fgsm-rs", eps=0.3).recipe.adversarial.eps_warmup == 0
    assert robust.recipe.adversarial.eps_warmup == 2
    assert plan("mnist-cnn-robust", eps_warmup=0).recipe.adversarial.eps_warmup == 0


@pytest.mark.parametrize("hardware", [True, False])
def test_a_bfloat16_recipe_trains_in_float32_where_the_cpu_has_no_bfloat16(monkeypatch, hardware):
    from interpret._fast import precision as precision_lib

    monkeypatch.setattr(precision_lib, "bfloat16_supported", lambda: hardware)
    assert plan("mnist-cnn-robust").recipe.precision == ("bfloat16" if hardware else "float32")
    assert plan("mnist-cnn-robust", precision="float32").recipe.precision == "float32"
    assert plan("mnist-cnn").recipe.precision == "float32"


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"adversarial": "free", "eps": 0.3}, "unknown adversarial training method 'free'"),
        ({"adversarial": "pgd", "eps": 0}, "eps= must lie in"),
        ({"adversarial": "trades", "eps": 0.3, "beta": 0}, "beta= must be greater than 0"),
        ({"adversarial": "pgd"}, "adversarial training needs eps="),
        ({"eps": 0.3}, "eps= needs adversarial="),
        ({"eps_warmup": 2}, "eps_warmup= needs adversarial="),
        ({"adversarial": "pgd", "eps": 0.3, "eps_warmup": -1}, "eps_warmup= must"),
        ({"epochs": 0}, "epochs= must be a whole number of at least 1"),
    ],
)
def test_bad_options_fail_before_any_work(tmp_path, kwargs, message):
    from interpret.zoo.train import train_model

    with pytest.raises(UserError, match=message):
        train_model("mnist-cnn", gallery=tmp_path / "g", **kwargs)
    assert not (tmp_path / "g").exists()


def test_install_refuses_a_name_that_is_not_a_zoo_model(tmp_path):
    from interpret.zoo.train import train_model

    with pytest.raises(UserError, match="install= replaces a zoo model's weights"):
        train_model("mnist-cnn", adversarial="pgd", eps=0.3, install=True, gallery=tmp_path)


def test_own_model_needs_data():
    from interpret.zoo.train import plan

    with pytest.raises(UserError, match="needs data="):
        plan(linear(), adversarial="pgd", eps=0.1)


def test_own_keras_model_trains_adversarially_and_writes_its_card(tmp_path):
    from interpret.zoo.train import train_model

    data = (toy_data(1024), toy_data(64, seed=1))
    res = train_model(
        linear(), data, adversarial="pgd", eps=0.15, attack_steps=3, epochs=2, learning_rate=0.05,
        batch_size=64, gallery=tmp_path, verbose=0,
    )  # fmt: skip
    card = res["card"]
    assert card["model"] == "toy" and card["adversarial"]["method"] == "pgd"
    r = card["robust_accuracy"]
    assert (r["steps"], r["images"], r["eps"]) == (20, 64, 0.15)
    assert 0.5 < r["value"] <= r["clean"] == card["test_accuracy"]
    assert len(card["history"]["val_robust_accuracy"]) == 2 and card["seconds"] > 0
    keras_file, card_file, curves = res["paths"]
    assert json.loads(card_file.read_text())["robust_accuracy"] == r
    assert keras_file.is_file() and curves.is_file()
    assert (keras_file.parent / "toy.checkpoint" / "history.json").is_file()


def test_own_data_as_files_becomes_a_train_test_split(tmp_path):
    from interpret.zoo.train import own_dataset
    from tests.conftest import make_user_data

    npz, folder = make_user_data(tmp_path, shape=(16, 16, 3))  # 12 images, 3 classes
    ds = own_dataset(folder, (16, 16, 3))
    assert (len(ds.x_train), len(ds.x_test)) == (10, 2) and ds.class_names == (
        "class_0",
        "class_1",
        "class_2",
    )
    assert ds.source.endswith("test: every 5th image (2)") and ds.x_train.dtype == np.float32
    plain = own_dataset(npz, (16, 16, 3))
    np.testing.assert_array_equal(plain.y_test, np.load(npz)["y"][4::5])
    rng = np.random.default_rng(0)
    split = tmp_path / "split.npz"
    np.savez(
        split, x_train=rng.integers(0, 256, (6, 8, 8), dtype=np.uint8), y_train=np.arange(6) % 2,
        x_test=rng.integers(0, 256, (3, 8, 8), dtype=np.uint8), y_test=[0, 1, 1],
    )  # fmt: skip
    kept = own_dataset(split, (8, 8, 1))
    assert (len(kept.x_train), len(kept.x_test), kept.class_names) == (6, 3, ("0", "1"))
    few = tmp_path / "few.npz"
    np.savez(few, x=np.zeros((4, 8, 8), np.uint8), y=[0, 1, 0, 1])
    with pytest.raises(UserError, match="has 4 images; training holds out every 5th"):
        own_dataset(few, (8, 8, 1))


def test_own_model_on_own_images_from_the_command_line(tmp_path, capsys):
    from interpret._tf import keras
    from tests.cli import run
    from tests.conftest import make_user_data

    _, folder = make_user_data(tmp_path, shape=(16, 16, 3))
    keras.utils.set_random_seed(0)
    net = keras.Sequential(
        [keras.Input((16, 16, 3)), keras.layers.Flatten(), keras.layers.Dense(3)], name="mine"
    )
    net.save(tmp_path / "mine.keras")
    g = tmp_path / "g"
    args = ["train", str(tmp_path / "mine.keras"), "--data", str(folder), "--epochs", "1"]
    code, out, err = run([*args, "--gallery", str(g)], capsys)
    assert code == 0, err
    card = json.loads((g / "mine" / "train" / "mine.json").read_text())
    assert card["dataset"] is None and card["train_images"] == 10  # no zoo data set to point at
    assert card["class_names"] == ["class_0", "class_1", "class_2"]
    assert card["data_source"].startswith("folder own/: 3 classes, 12 images")
