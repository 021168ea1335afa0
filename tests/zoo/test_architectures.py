"""The three architectures, layer for layer as their tutorials define them, with fixed names."""

from __future__ import annotations

import pytest

from interpret import zoo
from interpret.zoo.architectures import build

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
