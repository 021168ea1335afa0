"""interpret.zoo: architectures as the tutorial defines them, and the shipped weights."""

from __future__ import annotations

import numpy as np
import pytest

from interpret import zoo
from interpret.core.errors import UserError
from interpret.zoo.architectures import build
from interpret.zoo.recipes import RECIPES

CIFAR_LAYERS = [
    ("conv2d", "Conv2D", 896),
    ("max_pooling2d", "MaxPooling2D", 0),
    ("conv2d_1", "Conv2D", 18496),
    ("max_pooling2d_1", "MaxPooling2D", 0),
    ("conv2d_2", "Conv2D", 36928),
    ("flatten", "Flatten", 0),
    ("dense", "Dense", 65600),
    ("dense_1", "Dense", 650),
]


def test_cifar10_cnn_matches_the_tutorial_summary():
    model = build("cifar10-cnn")
    assert [(la.name, type(la).__name__, la.count_params()) for la in model.layers] == CIFAR_LAYERS
    assert model.count_params() == 122570


def test_layer_names_do_not_depend_on_session_history():
    from interpret._tf import keras

    for _ in range(3):
        keras.layers.Conv2D(4, 3)  # auto-named layers would shift the counters
        build("mnist-cnn")
    assert [la.name for la in build("cifar10-cnn").layers][:3] == [
        "conv2d",
        "max_pooling2d",
        "conv2d_1",
    ]


def test_mnist_mlp_is_784_256_256_256_10():
    model = build("mnist-mlp")
    dense = [la.units for la in model.layers if type(la).__name__ == "Dense"]
    assert dense == [256, 256, 256, 10]
    assert model.count_params() == 784 * 256 + 256 + 2 * (256 * 256 + 256) + 2570


@pytest.mark.parametrize("name", zoo.names())
def test_every_model_outputs_logits(name):
    model = build(name)
    assert model.layers[-1].activation.__name__ == "linear"
    assert model.output_shape == (None, 10)


@pytest.mark.parametrize("name", zoo.names())
def test_shipped_weights_load_offline_and_meet_their_target(name):
    card = zoo.card(name)
    assert card["test_accuracy"] >= card["target_accuracy"] > 0
    assert card["epochs"] == card["recipe"]["epochs"] and "seed" in card and "data_source" in card
    model = zoo.load(name)
    assert model.count_params() == build(name).count_params() == card["params"]
    x = np.zeros((1, *model.input_shape[1:]), "float32")
    assert np.isfinite(model(x)).all()


def test_unknown_zoo_name():
    with pytest.raises(
        UserError, match="unknown zoo model 'resnet'; zoo models: cifar10-cnn, mnist-mlp, mnist-cnn"
    ):
        zoo.load("resnet")


ROBUST = [name for name in zoo.names() if zoo.twin(name) and RECIPES[name].adversarial]


@pytest.mark.parametrize("name", ROBUST)
def test_robust_twins_share_the_architecture_and_record_their_robustness(name):
    card, twin = zoo.card(name), zoo.twin(name)
    recipe = RECIPES[name]
    assert card["twin"] == twin == recipe.twin and zoo.twin(twin) == name
    assert card["params"] == zoo.card(twin)["params"]
    assert [la.name for la in build(name).layers] == [la.name for la in build(twin).layers]
    assert card["adversarial"] == recipe.adversarial.checked().to_dict()
    robust = card["robust_accuracy"]
    assert robust["images"] == 10000 and robust["eps"] == recipe.adversarial.eps
    assert [robust["steps"], robust["step_size"]] == list(recipe.robust_eval)
    assert 0 < robust["value"] < card["test_accuracy"] and card["seconds"] > 0
    assert len(card["history"]["val_robust_accuracy"]) == card["epochs"]
    assert zoo.weights_path(name).stat().st_size < 5e6


def test_twins_of_models_without_one():
    assert zoo.twin("mnist-mlp") is None and zoo.twin("cifar10-cnn") in (None, *zoo.names())
