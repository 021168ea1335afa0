"""Tiny Keras models with seeded, non-zero weights and biases, for the inspect tests."""

from __future__ import annotations

import numpy as np


def _randomise(model, seed: int):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    return model


def rgb_cnn():
    """8x8 RGB -> conv_a (4 filters, 3x3) -> pool -> conv_b (5 filters, 2x2) -> flatten -> out."""
    from interpret._tf import keras

    L = keras.layers
    model = keras.Sequential(
        [
            keras.Input((8, 8, 3)),
            L.Conv2D(4, 3, activation="relu", name="conv_a"),
            L.MaxPooling2D(2, name="pool"),
            L.Conv2D(5, 2, activation="relu", name="conv_b"),
            L.Flatten(name="flat"),
            L.Dense(3, name="out"),
        ],
        name="tiny_rgb",
    )
    return _randomise(model, 1)


def gray_cnn():
    """6x6 grayscale -> conv (3 filters, 3x3) -> flatten -> out."""
    from interpret._tf import keras

    L = keras.layers
    model = keras.Sequential(
        [
            keras.Input((6, 6, 1)),
            L.Conv2D(3, 3, name="conv"),
            L.Flatten(name="flat"),
            L.Dense(2, name="out"),
        ],
        name="tiny_gray",
    )
    return _randomise(model, 2)


def mlp():
    """4x4 grayscale -> flatten -> hidden (5 units) -> out (2)."""
    from interpret._tf import keras

    L = keras.layers
    model = keras.Sequential(
        [
            keras.Input((4, 4, 1)),
            L.Flatten(name="flat"),
            L.Dense(5, activation="relu", name="hidden"),
            L.Dense(2, name="out"),
        ],
        name="tiny_mlp",
    )
    return _randomise(model, 3)


def reshaping():
    """4x4 grayscale -> rows (Reshape to 4x4: neither maps nor units) -> flatten -> out."""
    from interpret._tf import keras

    L = keras.layers
    model = keras.Sequential(
        [
            keras.Input((4, 4, 1)),
            L.Reshape((4, 4), name="rows"),
            L.Flatten(name="flat"),
            L.Dense(2, name="out"),
        ],
        name="tiny_reshape",
    )
    return _randomise(model, 4)
