"""A grid of data-set images with their class names: what the model is trained on.

Example:
    >>> from interpret.inspect.samples import sample_grid
    >>> sample_grid("mnist", n=9, gallery="/tmp/demo-gallery").png.name
    'mnist-samples.png'
"""

from __future__ import annotations

from typing import Any

import numpy as np

from interpret.gallery.store import Artifact, Gallery


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
        >>> art = sample_grid("cifar10", n=4, seed=1, gallery="/tmp/demo-gallery")
        >>> art.png.name, len(art.meta["indices"])
        ('cifar10-samples.png', 4)
    """
    from interpret.data import datasets as data
    from interpret.gallery.plots import plot_samples, sample_indices

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


def data_grid(
    data: Any,
    model: Any,
    *,
    n: int = 25,
    seed: int = 0,
    gallery: str | Gallery | None = None,
) -> Artifact:
    """Save a grid of ``n`` random images of a person's own ``data`` as ``model`` sees them.

    ``data`` is what ``data=`` takes (an .npz file, a folder of class subfolders, or a
    :class:`~interpret.data.user.UserData`); the images are shown fitted to the model's
    input, titled with their class (or file).

    Example:
        >>> data_grid("pets/", "my_model.keras").png.name  # doctest: +SKIP
        'pets-samples.png'
    """
    from interpret.core.models import resolve
    from interpret.data.user import load_user_data
    from interpret.gallery.plots import sample_indices
    from interpret.gallery.style import image_grid

    g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
    handle = resolve(model)
    own = load_user_data(data, handle)
    idx = sample_indices(np.arange(len(own)), n, seed)
    titles = [own.label(int(i)).split("/")[-1] for i in idx]
    fig, _ = image_grid(list(own.x[idx]), titles=titles, cols=5, suptitle=f"{own.name} samples")
    return g.save_figure(
        fig,
        model=handle.name,
        technique="samples",
        name=f"{own.name}-samples",
        meta={
            "seed": seed,
            "parameters": {"n": n, "data": own.spec},
            "indices": idx.tolist(),
            **own.describe(),
            **handle.describe(),
        },
    )
