"""Train a zoo model on its real data set and describe the result in a card.

Example:
    >>> from interpret.zoo.train import train
    >>> model, card = train("mnist-mlp", epochs=1)  # the full set: INTERPRET_DATA_DIR or a download  # doctest: +SKIP
    >>> round(card["test_accuracy"], 2)  # doctest: +SKIP
    0.96
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from interpret.core import checks
from interpret.core.errors import UserError
from interpret.gallery.store import Gallery
from interpret.zoo.recipes import RECIPES, Recipe


def _augment_fn(tf: Any, shape: tuple[int, int, int]):
    """Random horizontal flip and a shift of up to 4 pixels (pad 4, random crop)."""

    def augment(x, y):
        x = tf.image.random_flip_left_right(x)
        x = tf.image.pad_to_bounding_box(x, 4, 4, shape[0] + 8, shape[1] + 8)
        x = tf.image.random_crop(x, shape)
        return x, y

    return augment


def make_dataset(x: np.ndarray, y: np.ndarray, recipe: Recipe, seed: int, training: bool) -> Any:
    """A ``tf.data`` pipeline of float images in [0, 1], shuffled and augmented when training.

    Example:
        >>> from interpret.data.datasets import split_sample
        >>> data = split_sample("mnist")
        >>> ds = make_dataset(data.x_train, data.y_train, RECIPES["mnist-cnn"], seed=0, training=True)
        >>> x, y = next(iter(ds))
        >>> x.shape, x.dtype.name, float(x.numpy().max()) <= 1.0
        (TensorShape([128, 28, 28, 1]), 'float32', True)
    """
    from interpret._tf import tf

    ds = tf.data.Dataset.from_tensor_slices((x, y.astype("int32")))
    ds = ds.map(lambda a, b: (tf.cast(a, tf.float32) / 255.0, b))
    if training:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
        if recipe.augment:
            ds = ds.map(_augment_fn(tf, x.shape[1:]), num_parallel_calls=tf.data.AUTOTUNE)
    return ds.batch(recipe.batch_size).prefetch(tf.data.AUTOTUNE)


def evaluate(model: Any, x: np.ndarray, y: np.ndarray, batch_size: int = 500) -> float:
    """Top-1 accuracy of a logits model on uint8 images.

    Example:
        >>> from interpret import zoo
        >>> from interpret.data.datasets import sample
        >>> ds = sample("mnist")
        >>> evaluate(zoo.load("mnist-cnn"), ds.x_test, ds.y_test)
        0.994
    """
    logits = model.predict(x.astype("float32") / 255.0, batch_size=batch_size, verbose=0)
    return float(np.mean(np.argmax(logits, axis=1) == y.reshape(-1)))


def train(
    name: str,
    *,
    epochs: int | None = None,
    seed: int = 0,
    verbose: int | str = "auto",
    limit: int | None = None,
    dataset: Any = None,
    callbacks: list | None = None,
) -> tuple[Any, dict]:
    """Train zoo model ``name`` with its recipe; return the model and its card.

    ``epochs`` overrides the recipe; ``limit`` trains on the first N training
    images only (for quick checks); ``dataset`` trains on a given
    :class:`~interpret.data.datasets.Dataset` instead of loading the real one; ``callbacks``
    go to ``model.fit`` (e.g. :mod:`interpret.callbacks`). The card holds test and train accuracy,
    the per-epoch history, epochs, seed, data source and seconds.

    Example:
        >>> from interpret.data.datasets import split_sample
        >>> model, card = train("mnist-mlp", epochs=1, dataset=split_sample("mnist"), verbose=0)
        >>> card["train_images"], card["data_source"], list(card["history"])[:2]
        (400, 'bundled sample split 400/100', ['accuracy', 'loss'])
    """
    if name not in RECIPES:
        raise UserError(f"unknown zoo model {name!r}; trainable models: {', '.join(RECIPES)}")
    recipe = RECIPES[name]
    if epochs is not None:
        recipe = replace(recipe, epochs=checks.positive_int(epochs, "epochs"))
    if limit is not None:
        limit = checks.positive_int(limit, "limit")
    from interpret._tf import keras
    from interpret.data import datasets as data
    from interpret.zoo.architectures import build

    ds = dataset if dataset is not None else data.load(recipe.dataset)
    x_train, y_train = ds.x_train[:limit], ds.y_train[:limit]

    keras.utils.set_random_seed(seed)
    model = build(name)
    steps = recipe.epochs * int(np.ceil(len(x_train) / recipe.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(recipe.learning_rate, steps)
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    start = time.perf_counter()
    history = model.fit(
        make_dataset(x_train, y_train, recipe, seed, training=True),
        validation_data=make_dataset(ds.x_test, ds.y_test, recipe, seed, training=False),
        epochs=recipe.epochs,
        verbose=verbose,
        callbacks=list(callbacks or []),
    )
    seconds = time.perf_counter() - start
    card = {
        "model": name,
        "description": recipe.description,
        "dataset": recipe.dataset,
        "data_source": ds.source,
        "class_names": list(ds.class_names),
        "input_range": [0.0, 1.0],
        "params": int(model.count_params()),
        "recipe": recipe.to_dict(),
        "epochs": recipe.epochs,
        "seed": seed,
        "train_images": int(len(x_train)),
        "test_accuracy": evaluate(model, ds.x_test, ds.y_test),
        "train_accuracy": evaluate(model, x_train, y_train),
        "target_accuracy": recipe.target_accuracy,
        "history": {k: [float(v) for v in vals] for k, vals in history.history.items()},
        "seconds": round(seconds, 1),
        "keras_version": keras.__version__,
    }
    return model, card


def first_test_images(name: str, n: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """The first ``n`` test images of zoo model ``name``'s data set (uint8) and their labels.

    The full test set when it can be had, else the bundled sample (works offline).

    Example:
        >>> x, y = first_test_images("mnist-cnn", 20)
        >>> x.shape, y.shape
        ((20, 28, 28, 1), (20,))
    """
    from interpret.data import datasets as data

    if name not in RECIPES:
        raise UserError(f"unknown zoo model {name!r}; trainable models: {', '.join(RECIPES)}")
    x, y = data.load_test_images(RECIPES[name].dataset).split("test")
    return x[:n], y[:n]


def train_model(
    name: str,
    *,
    epochs: int | None = None,
    seed: int = 0,
    limit: int | None = None,
    dataset: Any = None,
    out: str | None = None,
    install: bool = False,
    gallery: str | Gallery | None = None,
    verbose: int | str = "auto",
    callbacks: list | None = None,
) -> dict[str, Any]:
    """Train zoo model ``name``; save the .keras file, its card and curves to the gallery.

    Returns ``{"model", "card", "paths"}``. ``install=True`` also replaces the zoo's
    shipped weights.

    Example:
        >>> from interpret.data.datasets import split_sample
        >>> res = train_model(  # trains a model, like train() above: seconds  # doctest: +SKIP
        ...     "mnist-mlp", epochs=1, dataset=split_sample("mnist"), gallery="/tmp/demo-gallery", verbose=0
        ... )
        >>> [p.name for p in res["paths"]]  # doctest: +SKIP
        ['mnist-mlp.keras', 'mnist-mlp.json', 'training-curves.png']
    """
    from interpret import zoo
    from interpret.gallery.plots import plot_history
    from interpret.gallery.store import atomic_write_json

    g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
    model, card = train(
        name,
        epochs=epochs,
        seed=seed,
        verbose=verbose,
        limit=limit,
        dataset=dataset,
        callbacks=callbacks,
    )
    target = Path(out) if out else g.root / name / "train" / f"{name}.keras"
    zoo.save_model(model, target)
    card_file = atomic_write_json(target.with_suffix(".json"), card)
    fig = plot_history(card["history"], title=f"{name}: test accuracy {card['test_accuracy']:.4f}")
    curves = g.save_figure(
        fig,
        model=name,
        technique="train",
        name="training-curves",
        meta={
            "seed": seed,
            "parameters": card["recipe"],
            "figures": {k: card[k] for k in ("test_accuracy", "train_accuracy", "seconds")},
        },
    )
    paths = [target, card_file, curves.png]
    if install:
        paths.append(zoo.install(name, model, card))
    return {"model": model, "card": card, "paths": paths}
