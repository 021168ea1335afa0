"""The three seed architectures, layer for layer, with fixed layer names.

Every model outputs logits (no softmax) and takes float32 images in [0, 1].
Layer names are given explicitly so they never depend on what else was built in
the session.

Example:
    >>> from interpret.zoo.architectures import build
    >>> model = build("cifar10-cnn")
    >>> model.count_params()
    122570
"""

from __future__ import annotations

from typing import Any


def cifar10_cnn() -> Any:
    """The TensorFlow tutorial CNN for CIFAR-10: 122,570 parameters.

    Example:
        >>> cifar10_cnn().get_layer("conv2d_1").count_params()
        18496
    """
    from interpret._tf import keras

    L = keras.layers
    return keras.Sequential(
        [
            keras.Input((32, 32, 3), name="input"),
            L.Conv2D(32, 3, activation="relu", name="conv2d"),
            L.MaxPooling2D(2, name="max_pooling2d"),
            L.Conv2D(64, 3, activation="relu", name="conv2d_1"),
            L.MaxPooling2D(2, name="max_pooling2d_1"),
            L.Conv2D(64, 3, activation="relu", name="conv2d_2"),
            L.Flatten(name="flatten"),
            L.Dense(64, activation="relu", name="dense"),
            L.Dense(10, name="dense_1"),
        ],
        name="cifar10_cnn",
    )


def mnist_mlp() -> Any:
    """The classic dense baseline: 784 -> 256 -> 256 -> 256 -> 10, ReLU.

    Example:
        >>> mnist_mlp().count_params()
        335114
    """
    from interpret._tf import keras

    L = keras.layers
    return keras.Sequential(
        [
            keras.Input((28, 28, 1), name="input"),
            L.Flatten(name="flatten"),
            L.Dense(256, activation="relu", name="dense"),
            L.Dense(256, activation="relu", name="dense_1"),
            L.Dense(256, activation="relu", name="dense_2"),
            L.Dense(10, name="dense_3"),
        ],
        name="mnist_mlp",
    )


def mnist_cnn() -> Any:
    """A LeNet-style CNN: two 5x5 conv + max-pool stages, then two dense layers.

    Example:
        >>> mnist_cnn().output_shape
        (None, 10)
    """
    from interpret._tf import keras

    L = keras.layers
    return keras.Sequential(
        [
            keras.Input((28, 28, 1), name="input"),
            L.Conv2D(32, 5, padding="same", activation="relu", name="conv2d"),
            L.MaxPooling2D(2, name="max_pooling2d"),
            L.Conv2D(64, 5, activation="relu", name="conv2d_1"),
            L.MaxPooling2D(2, name="max_pooling2d_1"),
            L.Flatten(name="flatten"),
            L.Dense(256, activation="relu", name="dense"),
            L.Dense(10, name="dense_1"),
        ],
        name="mnist_cnn",
    )


BUILDERS = {"cifar10-cnn": cifar10_cnn, "mnist-mlp": mnist_mlp, "mnist-cnn": mnist_cnn}


def build(name: str) -> Any:
    """Build an untrained zoo model by name (a robust model gets its standard twin's architecture).

    Example:
        >>> build("mnist-mlp").name
        'mnist_mlp'
        >>> build("mnist-cnn-robust").name
        'mnist_cnn'
    """
    from interpret.zoo.recipes import RECIPES

    twin = RECIPES[name].twin if name in RECIPES else None
    return BUILDERS[twin or name]()
