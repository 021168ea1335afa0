"""How each zoo model is trained by default: the one place the recipe lives.

Example:
    >>> RECIPES["mnist-cnn"].dataset
    'mnist'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Recipe:
    """Training settings for one zoo model."""

    dataset: str
    epochs: int
    batch_size: int = 64
    learning_rate: float = 1e-3
    augment: bool = False  # random horizontal flip + shift by up to 4 px (CIFAR-10 only)
    target_accuracy: float = 0.0
    description: str = ""

    def to_dict(self) -> dict:
        """Plain dict for JSON cards.

        Example:
            >>> RECIPES["mnist-mlp"].to_dict()["epochs"]
            10
        """
        return asdict(self)


RECIPES: dict[str, Recipe] = {
    "cifar10-cnn": Recipe(
        dataset="cifar10",
        epochs=20,
        batch_size=64,
        learning_rate=1e-3,
        augment=True,
        target_accuracy=0.66,
        description="TensorFlow tutorial CNN for CIFAR-10 (Conv32-Pool-Conv64-Pool-Conv64-Dense64-Dense10)",
    ),
    "mnist-mlp": Recipe(
        dataset="mnist",
        epochs=10,
        batch_size=128,
        learning_rate=1e-3,
        target_accuracy=0.978,
        description="dense baseline 784-256-256-256-10, ReLU",
    ),
    "mnist-cnn": Recipe(
        dataset="mnist",
        epochs=10,
        batch_size=128,
        learning_rate=1e-3,
        target_accuracy=0.992,
        description="LeNet-style CNN: Conv32(5x5)-Pool-Conv64(5x5)-Pool-Dense256-Dense10",
    ),
}
