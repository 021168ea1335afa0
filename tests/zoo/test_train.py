"""train_model: adversarial options checked up front, your own Keras model, the card of a robust run."""

from __future__ import annotations

import json

import pytest

from interpret.core.errors import UserError
from tests.zoo.test_adversarial import linear, toy_data


def test_plan_names_and_recipes():
    from interpret.zoo.train import plan

    assert plan("mnist-cnn").recipe.adversarial is None
    robust = plan("mnist-cnn-robust")
    assert robust.name == "mnist-cnn-robust" and robust.recipe.adversarial.eps == 0.3
    assert plan("mnist-cnn", adversarial="trades", eps=0.3).name == "mnist-cnn-trades"
    # a robust recipe at another eps keeps its step / eps ratio
    other = plan("mnist-cnn-robust", eps=0.1).recipe.adversarial
    assert other.step_size == pytest.approx(0.125) and other.method == "fgsm-rs"
    assert plan("mnist-cnn-robust", adversarial="pgd").recipe.adversarial.eps == 0.3


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"adversarial": "free", "eps": 0.3}, "unknown adversarial training method 'free'"),
        ({"adversarial": "pgd", "eps": 0}, "eps= must lie in"),
        ({"adversarial": "trades", "eps": 0.3, "beta": 0}, "beta= must be greater than 0"),
        ({"adversarial": "pgd"}, "adversarial training needs eps="),
        ({"eps": 0.3}, "eps= needs adversarial="),
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
        linear(), data, adversarial="pgd", eps=0.15, steps=3, epochs=2, learning_rate=0.05,
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
