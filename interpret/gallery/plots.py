"""Figures of training and data: learning curves and sample grids (matplotlib only).

Example:
    >>> from interpret.gallery.plots import plot_history
    >>> fig = plot_history({"accuracy": [0.5, 0.7], "val_accuracy": [0.4, 0.6]})
    >>> fig.savefig("/tmp/history.png")
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from interpret.gallery.style import image_grid, new_figure


def plot_history(history: dict, title: str = "training") -> Any:
    """Accuracy and val_accuracy per epoch (and loss, and the PGD accuracy of adversarial training, when present).

    Example:
        >>> from interpret import zoo
        >>> fig = plot_history(zoo.card("mnist-cnn")["history"], title="mnist-cnn")
        >>> [ax.get_ylabel() for ax in fig.axes]
        ['accuracy', 'loss']
    """
    has_loss = "loss" in history
    adv = bool(
        history.get("val_robust_accuracy")
    )  # adversarial training: train batches are attacked
    fig, axes = new_figure(10 if has_loss else 5.5, 3.6, ncols=2 if has_loss else 1, squeeze=False)
    panels = [("accuracy", "val_accuracy")] + ([("loss", "val_loss")] if has_loss else [])
    for ax, (train_key, val_key) in zip(axes.flat, panels):
        for key, label in ((train_key, "train"), (val_key, "test")):
            if key in history:
                values = history[key]
                ax.plot(
                    np.arange(1, len(values) + 1),
                    values,
                    marker="o",
                    ms=3,
                    label=f"{label} {train_key}"
                    + (" (attacked)" if key == "accuracy" and adv else ""),
                )
        if train_key == "accuracy" and history.get("val_robust_accuracy"):  # adversarial training
            values = [np.nan if v is None else v for v in history["val_robust_accuracy"]]
            ax.plot(
                np.arange(1, len(values) + 1), values, marker="s", ms=3, label="test PGD accuracy"
            )
        ax.set_xlabel("epoch")
        ax.set_ylabel(train_key)
        ax.legend()
    axes.flat[0].set_title(title)
    fig.tight_layout()
    return fig


def plot_samples(
    images: np.ndarray,
    labels: Sequence[int],
    class_names: Sequence[str],
    title: str = "",
    cols: int = 5,
) -> Any:
    """A grid of data-set images with their class names.

    Example:
        >>> from interpret.data.datasets import sample
        >>> ds = sample("cifar10")
        >>> fig = plot_samples(ds.x_test[:4], ds.y_test[:4], ds.class_names, cols=4)
        >>> [ax.get_title() for ax in fig.axes][:3]
        ['automobile', 'dog', 'bird']
    """
    titles = [class_names[int(i)] for i in labels]
    fig, _ = image_grid(list(images), titles=titles, cols=cols, suptitle=title or None)
    return fig


def sample_indices(labels: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """``n`` random indices into ``labels``, seeded.

    Example:
        >>> import numpy as np
        >>> sample_indices(np.arange(100), 3, seed=0).shape
        (3,)
        >>> len(sample_indices(np.arange(4), 10))  # never more than there are
        4
    """
    rng = np.random.default_rng(seed)
    return rng.choice(len(labels), size=min(n, len(labels)), replace=False)
