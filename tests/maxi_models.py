"""Tiny Keras models for the activation-maximization tests (built in fixtures, never trained)."""

from __future__ import annotations


def small_cnn(channels: int = 3, dead_filter: int | None = None, seed: int = 0):
    """conv(4, relu) -> pool -> conv(6, relu) -> flatten -> dense(8, relu) -> dense(3)."""
    from interpret._tf import keras

    keras.utils.set_random_seed(seed)
    L = keras.layers
    model = keras.Sequential(
        [
            keras.Input((12, 12, channels)),
            L.Conv2D(4, 3, activation="relu", name="c1"),
            L.MaxPooling2D(2, name="pool"),
            L.Conv2D(6, 3, activation="relu", name="c2"),
            L.Flatten(name="flat"),
            L.Dense(8, activation="relu", name="d1"),
            L.Dense(3, name="out"),
        ]
    )
    if dead_filter is not None:
        k, b = model.get_layer("c1").get_weights()
        w = k[..., dead_filter]
        # grey start image: pre-activation -0.1 * sum|w| < 0 everywhere; reachable from [0, 1]
        b[dead_filter] = -0.5 * w.sum() - 0.1 * abs(w).sum()
        model.get_layer("c1").set_weights([k, b])
    return model


def nested_bn_softmax():
    """Functional model with a nested Sequential, BatchNormalization and a final softmax."""
    from interpret._tf import keras

    keras.utils.set_random_seed(1)
    L = keras.layers
    inner = keras.Sequential(
        [
            keras.Input((10, 10, 3)),
            L.Conv2D(5, 3, name="inner_conv"),
            L.BatchNormalization(name="bn"),
            L.ReLU(name="inner_relu"),
        ],
        name="block",
    )
    inp = keras.Input((10, 10, 3))
    x = inner(inp)
    x = L.GlobalAveragePooling2D(name="gap")(x)
    out = L.Dense(4, activation="softmax", name="probs")(x)
    return keras.Model(inp, out)


def rescaling_0_255():
    """A model that expects 0-255 input (a leading Rescaling(1/255))."""
    from interpret._tf import keras

    keras.utils.set_random_seed(2)
    L = keras.layers
    return keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            L.Rescaling(1 / 255.0, name="rescale"),
            L.Conv2D(3, 3, activation="relu", name="conv"),
            L.Flatten(name="flat"),
            L.Dense(2, name="logits"),
        ]
    )
