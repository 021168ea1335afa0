"""Linear models for the attack tests: logits z = x.W + b, so gradients and boundaries are known."""

from __future__ import annotations

import numpy as np


def linear_model(n_classes: int = 2, softmax: bool = False, seed: int = 0, side: int = 4):
    """Flatten -> Dense: logits z = x.W + b, so input gradients are known in closed form."""
    from interpret._tf import keras

    rng = np.random.default_rng(seed)
    model = keras.Sequential(
        [
            keras.Input((side, side, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(n_classes, activation="softmax" if softmax else None, name="out"),
        ]
    )
    w = rng.normal(size=(side * side, n_classes)).astype("float32")
    b = rng.normal(size=n_classes).astype("float32") * 0.1
    model.get_layer("out").set_weights([w, b])
    return model, w, b


def grey(n: int, side: int = 4, value: float = 0.5) -> np.ndarray:
    return np.full((n, side, side, 1), value, np.float32)


def logits_np(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    return x.reshape(len(x), -1) @ w + b


def minimal_l2(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> float:
    """The L2 distance from the first image to a two-class linear boundary."""
    f = logits_np(x[:1], w, b)[0]
    y = int(f.argmax())
    return abs(f[1 - y] - f[y]) / float(np.linalg.norm(w[:, 1 - y] - w[:, y]))
