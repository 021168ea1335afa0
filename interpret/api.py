"""The public Python API behind the foundation commands; every CLI command calls one function.

Example:
    >>> import interpret
    >>> result = interpret.train_model("mnist-cnn", epochs=1)  # doctest: +SKIP
    >>> art = interpret.sample_grid("cifar10")  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from interpret.gallery import Artifact, Gallery


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
) -> dict[str, Any]:
    """Train zoo model ``name``; save the .keras file, its card and curves to the gallery.

    Returns ``{"model", "card", "paths"}``. ``install=True`` also replaces the zoo's
    shipped weights.

    Example:
        >>> res = train_model("mnist-mlp", epochs=1, limit=2000)  # doctest: +SKIP
        >>> res["card"]["epochs"]  # doctest: +SKIP
        1
    """
    from interpret import zoo
    from interpret.gallery import atomic_write_json
    from interpret.plots import plot_history
    from interpret.train import train

    g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
    model, card = train(
        name, epochs=epochs, seed=seed, verbose=verbose, limit=limit, dataset=dataset
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


def sample_grid(
    dataset: str,
    *,
    n: int = 25,
    seed: int = 0,
    split: str = "test",
    gallery: str | Gallery | None = None,
) -> Artifact:
    """Save a grid of ``n`` random images of ``dataset`` with their class names.

    Example:
        >>> sample_grid("mnist", n=9).png.name  # doctest: +SKIP
        'mnist-samples.png'
    """
    from interpret import data
    from interpret.plots import plot_samples, sample_indices

    g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
    ds = data.load(dataset) if split == "train" else data.load_test_images(dataset)
    x, y = ds.split(split)
    idx = sample_indices(y, n, seed)
    fig = plot_samples(x[idx], y[idx], ds.class_names, title=f"{dataset} {split} samples")
    return g.save_figure(
        fig,
        model=dataset,
        technique="samples",
        name=f"{dataset}-samples",
        meta={
            "seed": seed,
            "parameters": {"n": n, "split": split},
            "indices": idx.tolist(),
            "data_source": ds.source,
        },
    )
