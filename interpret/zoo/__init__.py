"""The model zoo: three classic small models and three robust twins, with shipped, trained weights.

``mnist-cnn-robust`` (Linf), ``mnist-cnn-robust-l2`` (L2) and ``cifar10-cnn-robust`` share
the architecture of ``mnist-cnn`` and ``cifar10-cnn`` and are trained adversarially (their
recipes say how); ``twin`` of a standard model is its first robust twin.

Example:
    >>> from interpret import zoo
    >>> zoo.names()
    ('cifar10-cnn', 'mnist-mlp', 'mnist-cnn', 'mnist-cnn-robust', 'mnist-cnn-robust-l2', 'cifar10-cnn-robust')
    >>> zoo.twin("mnist-cnn-robust"), zoo.twin("mnist-cnn"), zoo.twin("mnist-mlp")
    ('mnist-cnn', 'mnist-cnn-robust', None)
    >>> model = zoo.load("cifar10-cnn")
    >>> model.count_params(), zoo.card("mnist-cnn")["test_accuracy"] > 0.99
    (122570, True)

``architectures`` builds them, ``recipes`` says how each is trained, ``train`` trains
one (and writes its card and curves); ``adversarial`` and ``fit`` are adversarial
training (the settings and compiled step; the epoch loop).

May import: ``interpret._tf``, ``interpret._fast``, ``interpret.core``, ``interpret.data``,
``interpret.gallery``, and ``interpret.attacks.ingraph`` (the attack inside a training step).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from interpret.core.errors import UserError
from interpret.zoo.recipes import RECIPES

WEIGHTS_DIR = Path(__file__).parent / "weights"
DEFAULT_MODEL = "cifar10-cnn"


def names() -> tuple[str, ...]:
    """Zoo model names, the default first.

    Example:
        >>> names()[0]
        'cifar10-cnn'
    """
    return tuple(RECIPES)


def twin(name: str) -> str | None:
    """The other half of a standard/robust pair of zoo models, or None.

    Example:
        >>> twin("mnist-cnn")
        'mnist-cnn-robust'
    """
    _check(name)
    if RECIPES[name].twin:
        return RECIPES[name].twin
    return next((k for k, r in RECIPES.items() if r.twin == name), None)


def _check(name: str) -> None:
    if name not in RECIPES:
        raise UserError(f"unknown zoo model {name!r}; zoo models: {', '.join(RECIPES)}")


def weights_path(name: str) -> Path:
    """Where the shipped ``.keras`` file of a zoo model lives.

    Example:
        >>> weights_path("mnist-cnn").name
        'mnist-cnn.keras'
    """
    _check(name)
    return WEIGHTS_DIR / f"{name}.keras"


def card_path(name: str) -> Path:
    """Where the JSON card of a zoo model lives.

    Example:
        >>> card_path("mnist-cnn").name
        'mnist-cnn.json'
    """
    _check(name)
    return WEIGHTS_DIR / f"{name}.json"


def card(name: str) -> dict:
    """The training card shipped with a zoo model (accuracy, recipe, seed, seconds).

    Example:
        >>> c = card("cifar10-cnn")
        >>> c["dataset"], c["epochs"], c["test_accuracy"] >= c["target_accuracy"]
        ('cifar10', 20, True)
    """
    path = card_path(name)
    if not path.is_file():
        raise UserError(f"{path} is missing; run `interpret train {name}` to create it")
    return json.loads(path.read_text())


def load(name: str) -> Any:
    """Load a zoo model with its shipped weights (offline).

    Example:
        >>> load("mnist-mlp").output_shape
        (None, 10)
    """
    path = weights_path(name)
    if not path.is_file():
        raise UserError(
            f"{path} is missing; reinstall interpret to restore the shipped weights, or train "
            f"and install new ones (`interpret train {name}`, see its help)"
        )
    from interpret._tf import keras

    return keras.models.load_model(path, compile=False)


def install(name: str, model: Any, model_card: dict, directory: Path | None = None) -> Path:
    """Save a trained model and its card as the zoo's shipped weights (atomically).

    Example:
        >>> import tempfile
        >>> mine = tempfile.mkdtemp()  # without it: the package's own weights/ directory
        >>> install("mnist-mlp", load("mnist-mlp"), card("mnist-mlp"), mine).name
        'mnist-mlp.keras'
    """
    from interpret.gallery.store import atomic_write_json

    directory = Path(directory or WEIGHTS_DIR)
    target = save_model(model, directory / f"{name}.keras")
    atomic_write_json(directory / f"{name}.json", model_card)
    return target


def save_model(model: Any, path: str | Path) -> Path:
    """Save ``model`` as a ``.keras`` file without optimizer state, atomically.

    The file holds the architecture and weights only (a third of the size with
    Adam's moments left out), which is all inference and interpretation need.

    Example:
        >>> import os, tempfile
        >>> path = save_model(load("mnist-cnn"), os.path.join(tempfile.mkdtemp(), "mine.keras"))
        >>> path.name, path.stat().st_size < weights_path("mnist-cnn").stat().st_size * 1.1
        ('mine.keras', True)
    """
    from interpret.gallery.store import atomic_write_bytes

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # from the config, not clone_model: Keras 3 clones compile too, and saves optimizer slots
    bare = type(model).from_config(model.get_config())
    bare.set_weights(model.get_weights())
    tmp = path.with_name(f".{path.stem}.tmp.keras")
    try:
        bare.save(tmp)
        atomic_write_bytes(path, tmp.read_bytes())
    finally:
        tmp.unlink(missing_ok=True)
    return path
