"""What one input turns into, layer by layer: every channel's feature map in a labelled grid.

The maps are the layer's real output for that input, read through
:meth:`interpret.core.probe.Probe.extractor` (so nested models and the model's own
input range are handled). All channels of a sheet share one colour scale, so a
dark map is a channel that barely fired.

Example:
    >>> import interpret
    >>> sheet = interpret.plot_featuremaps("mnist-cnn", "conv2d", index=0)
    >>> sheet.data["maps"].shape
    (28, 28, 32)
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from interpret.core.errors import UserError
from interpret.core.progress import ProgressSpec, advance
from interpret.gallery.sheet import Sheet, label_slug

MAP_CMAP = "viridis"


def pick_input(
    model: Any,
    image: str | os.PathLike | np.ndarray | None = None,
    *,
    data: Any = None,
    index: int | None = None,
    dataset: str | None = None,
    split: str = "test",
) -> tuple[np.ndarray, list[str], str]:
    """One input for ``model``: a picture file, an array, or image ``index`` of a data set.

    The data set is ``data`` (your own: an .npz file or a folder of class subfolders,
    :func:`interpret.data.user.load_user_data`) or ``dataset`` (default: the model's).
    Returns ``(image, notes, label)`` with ``image`` float32 [0, 1] of the model's input
    shape; ``notes`` list any channel conversion or resizing; ``label`` names the input.

    Example:
        >>> img, notes, label = pick_input("mnist-cnn", index=3)
        >>> img.shape, label
        ((28, 28, 1), 'mnist test #3 (0)')
    """
    from interpret.core.models import resolve
    from interpret.data.images import dataset_image, fit_image, load_image

    handle = resolve(model)
    shape = handle.probe.input_shape
    if data is not None and index is None:
        raise UserError("{data} needs {index}: which of its images to draw", "index", "data")
    if (image is None) == (index is None):
        raise UserError(
            "give exactly one input: an image file ({image}) or a data-set index ({index})",
            "image",
            "index",
        )
    if image is not None and not isinstance(image, np.ndarray):
        arr, notes = load_image(image, shape)
        return arr, notes, os.path.basename(str(image))
    if image is not None:
        arr, notes = fit_image(np.asarray(image), shape)
        return arr, notes, "array"
    if data is not None:
        return _user_image(handle, data, int(index), dataset)
    from interpret.data import datasets as data

    name = dataset or handle.dataset
    if not name:
        raise UserError(
            f"model {handle.name} has no known data set; give {{dataset}} ({', '.join(data.names())}) or {{image}}",
            "dataset",
            "image",
        )
    raw, source_notes, label = dataset_image(name, int(index), split)
    arr, notes = fit_image(raw, shape)
    notes = source_notes + notes
    return arr, notes, label


def _user_image(handle: Any, data: Any, index: int, dataset: str | None) -> tuple:
    """Image ``index`` of a person's own data (reading no further than it)."""
    from interpret.data.user import load_user_data

    if dataset is not None:
        raise UserError("give {data} or {dataset}, not both", "data", "dataset")
    if index < 0:
        raise UserError(f"{{index}} must be 0 or more, got {index}", "index")
    own = load_user_data(data, handle, n=index + 1)
    if index >= own.total:
        raise UserError(
            f"{{index}} {index} is out of range: {own.name} has {own.total} images "
            f"(0-{own.total - 1})",
            "index",
            "data",
        )
    return own.x[index], list(own.notes), own.label(index)


def map_layers(probe: Any) -> list[str]:
    """The layers ``layer="all"`` draws: every convolution and pooling layer.

    A model with none (an MLP) gets its Dense layers instead, each drawn as a grid of units.

    Example:
        >>> from interpret.core.models import resolve
        >>> map_layers(resolve("cifar10-cnn").probe)
        ['conv2d', 'max_pooling2d', 'conv2d_1', 'max_pooling2d_1', 'conv2d_2']
        >>> map_layers(resolve("mnist-mlp").probe)
        ['dense', 'dense_1', 'dense_2', 'dense_3']
    """
    spatial = [
        info.name
        for info in probe.layers
        if info.kind == "spatial" and ("Conv" in info.type or "Pool" in info.type)
    ]
    if spatial:
        return spatial
    return [info.name for info in probe.layers if info.kind == "units" and info.type == "Dense"]


def feature_maps(model: Any, layer: str, image: np.ndarray) -> np.ndarray:
    """The output of ``layer`` for one [0, 1] image (H, W, C): (h, w, channels), or (units,).

    Example:
        >>> import numpy as np
        >>> feature_maps("mnist-cnn", "conv2d", np.zeros((28, 28, 1), "float32")).shape
        (28, 28, 32)
    """
    from interpret.core.models import resolve

    probe = resolve(model).probe
    info = probe.layer(layer)
    if info.kind == "other":
        usable = [i.name for i in probe.layers if i.kind != "other"]
        raise UserError(
            f"layer {layer} ({info.type}) has output shape {info.output_shape}, neither feature maps "
            f"nor units; layers to choose from: {', '.join(usable) or 'none'}"
        )
    x = np.asarray(image, "float32")[None]
    out = probe.extractor([layer])(x)
    out = out[0] if isinstance(out, (list, tuple)) else out
    return np.asarray(out)[0]


def plot_featuremaps(
    model: Any,
    layer: str,
    image: str | os.PathLike | np.ndarray | None = None,
    *,
    index: int | None = None,
    dataset: str | None = None,
    split: str = "test",
    data: Any = None,
) -> Sheet:
    """Every channel's feature map of ``layer`` for one input, beside the input itself.

    The input is a picture file, an array, or image ``index`` of your own ``data`` (an .npz
    file or a folder of class subfolders) or of ``dataset`` (default: the model's own). ``data["maps"]`` holds the maps drawn, ``data["input"]`` the input.

    Example:
        >>> from interpret.data.images import sample_photo
        >>> sheet = plot_featuremaps("cifar10-cnn", "conv2d_1", sample_photo())
        >>> sheet.notes, sheet.data["maps"].shape
        (['resized 512x600 to 32x32'], (13, 13, 64))
    """
    from interpret.core.models import resolve

    handle = resolve(model)
    img, notes, label = pick_input(
        handle, image, index=index, dataset=dataset, split=split, data=data
    )
    return _sheet(
        handle, layer, img, notes, label, _input_params(image, index, dataset, split, data)
    )


def _input_params(
    image: Any, index: Any = None, dataset: Any = None, split: str = "test", data: Any = None
) -> dict:
    """How the input was chosen, for the sidecar."""
    path = None if image is None or isinstance(image, np.ndarray) else str(image)
    out = {"image": path, "index": index, "dataset": dataset, "split": split}
    if data is not None:
        out["data"] = str(getattr(data, "spec", data)) if not isinstance(data, tuple) else "arrays"
    return out


def plot_featuremaps_all(
    model: Any,
    image: str | os.PathLike | np.ndarray | None = None,
    progress: ProgressSpec = None,
    **where: Any,
) -> list[Sheet]:
    """One :func:`plot_featuremaps` sheet per convolution/pooling layer, in order.

    ``where``: ``index``, ``dataset``, ``split``, ``data``, as for :func:`plot_featuremaps`;
    ``progress``: ``True`` for a bar on stderr (a deep model has hundreds of layers).
    Every sheet's figure stays open until it is saved or closed: to save a deep model's
    sheets one at a time, use :func:`iter_featuremaps`.

    Example:
        >>> sheets = plot_featuremaps_all("mnist-mlp", index=0)  # an MLP: its dense layers
        >>> [s.layer for s in sheets]
        ['dense', 'dense_1', 'dense_2', 'dense_3']
    """
    return list(iter_featuremaps(model, image, progress, **where))


def iter_featuremaps(
    model: Any,
    image: str | os.PathLike | np.ndarray | None = None,
    progress: ProgressSpec = None,
    **where: Any,
) -> Iterator[Sheet]:
    """:func:`plot_featuremaps_all`'s sheets one at a time, each drawn when it is asked for.

    Everything is checked (the model has layers to draw, the input can be read) when
    this is called, before the first sheet; save (or close) each sheet before taking
    the next and at most one figure is open, however many layers the model has.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> for sheet in iter_featuremaps("mnist-mlp", index=0):
        ...     print(sheet.layer, len(plt.get_fignums()))
        ...     plt.close(sheet.figure)
        dense 1
        dense_1 1
        dense_2 1
        dense_3 1
    """
    from interpret.core.models import resolve

    handle = resolve(model)
    layers = map_layers(handle.probe)
    if not layers:
        raise UserError(
            f"model {handle.name} has no convolution, pooling or dense layers to draw; "
            f"layers: {', '.join(handle.probe.layer_names)}"
        )
    img, notes, label = pick_input(handle, image, **where)
    params = _input_params(image, **where)

    def sheets() -> Iterator[Sheet]:
        with advance(progress, len(layers), "feature maps") as step:
            for layer in layers:
                yield _sheet(handle, layer, img, notes, label, params)
                step(1)

    return sheets()


def _sheet(
    handle: Any, layer: str, img: np.ndarray, notes: list[str], label: str, params: dict
) -> Sheet:
    from interpret.gallery.style import new_figure, show_image

    maps = feature_maps(handle, layer, img)
    if maps.ndim == 1:
        return _units_sheet(handle, layer, maps, img, notes, label, params)
    h, w, c = maps.shape
    lo, hi = float(maps.min()), float(maps.max())
    if hi <= lo:
        hi = lo + 1e-6
    cols = max(1, int(np.ceil(np.sqrt(c))))
    rows = int(np.ceil(c / cols))
    cell = 1.0 if cols <= 8 else 0.8
    fig, _ = new_figure(cols * cell + 3.2, max(3.0, rows * cell + 0.8))
    fig.clf()
    outer = fig.add_gridspec(1, 3, width_ratios=[2.4, cols * cell, 0.15], wspace=0.08)
    ax_in = fig.add_subplot(outer[0])
    show_image(ax_in, img, None)
    ax_in.set_title(f"input\n{label}", fontsize=8)
    grid = outer[1].subgridspec(rows, cols, wspace=0.08, hspace=0.35)
    im = None
    for k in range(rows * cols):
        ax = fig.add_subplot(grid[k // cols, k % cols])
        if k < c:
            show_image(ax, maps[..., k], None, cmap=MAP_CMAP, vmin=lo, vmax=hi)
            ax.set_title(str(k), fontsize=7, pad=1.5)
            im = ax.images[0]
        else:
            ax.axis("off")
    cax = fig.add_subplot(outer[2])
    fig.colorbar(im, cax=cax, label="activation")
    info = handle.probe.layer(layer)
    fig.suptitle(f"{handle.name} · {layer} ({info.type}): {c} feature maps of {h}x{w}", fontsize=10)
    per_channel_max = maps.reshape(-1, c).max(0)
    figures = {"map_shape": [h, w, c], "activation_min": lo, "activation_max": float(maps.max())}
    figures["dead_channels"] = int((per_channel_max <= 0).sum())
    return _maps_sheet(handle, fig, layer, label, params, notes, figures, maps, img)


def _maps_sheet(
    handle: Any,
    fig: Any,
    layer: str,
    label: str,
    params: dict,
    notes: Sequence[str],
    figures: dict,
    maps: np.ndarray,
    img: np.ndarray,
) -> Sheet:
    """The featuremaps sheet of one input: the file name, parameters and sidecar both kinds share."""
    return Sheet.of(
        handle,
        fig,
        "featuremaps",
        f"{layer}-featuremaps-{label_slug(label)}",
        layer=layer,
        parameters={"layer": layer, **params},
        figures={**figures, "input": label},
        notes=list(notes),
        data={"maps": maps, "input": img},
    )


def units_grid(values: np.ndarray) -> np.ndarray:
    """A vector of unit activations as a near-square 2-D grid, NaN-padded (unit = row*cols + col).

    Example:
        >>> units_grid(np.arange(5.0)).shape
        (2, 3)
    """
    n = len(values)
    cols = max(1, int(np.ceil(np.sqrt(n))))
    rows = int(np.ceil(n / cols))
    grid = np.full(rows * cols, np.nan, "float32")
    grid[:n] = values
    return grid.reshape(rows, cols)


def _units_sheet(
    handle: Any,
    layer: str,
    values: np.ndarray,
    img: np.ndarray,
    notes: list[str],
    label: str,
    params: dict,
) -> Sheet:
    """A dense layer has no maps: draw its units as one labelled grid beside the input."""
    import matplotlib

    from interpret.gallery.style import new_figure, show_image

    grid = units_grid(values)
    rows, cols = grid.shape
    fig, (ax_in, ax) = new_figure(9.0, 4.4, ncols=2, gridspec_kw={"width_ratios": [1, 1.35]})
    show_image(ax_in, img, None)
    ax_in.set_title(f"input\n{label}", fontsize=8)
    cmap = matplotlib.colormaps[MAP_CMAP].with_extremes(bad="white")
    im = ax.imshow(grid, cmap=cmap)
    ax.grid(False)
    step = max(1, cols // 8)
    ax.set_xticks(range(0, cols, step))
    ax.set_yticks(range(0, rows, step))
    ax.set_yticklabels([str(r * cols) for r in range(0, rows, step)])
    ax.set_xlabel("unit = row label + column")
    fig.colorbar(im, ax=ax, shrink=0.85, label="activation")
    info = handle.probe.layer(layer)
    n = len(values)
    if n <= 64:  # few units: write each unit's index and value into its cell
        mid = (np.nanmin(grid) + np.nanmax(grid)) / 2
        for u in range(n):
            r, c = divmod(u, cols)
            ax.text(
                c,
                r,
                f"{u}\n{values[u]:.2g}",
                ha="center",
                va="center",
                fontsize=7,
                color="black" if values[u] > mid else "white",
            )
    top = int(np.argmax(values))
    ax.set_title(f"{n} units as a {rows}x{cols} grid; strongest: unit {top} ({values[top]:.3g})")
    fig.suptitle(
        f"{handle.name} · {layer} ({info.type}): no maps in a dense layer, one value per unit"
    )
    fig.subplots_adjust(top=0.84, bottom=0.1, left=0.02, right=0.98, wspace=0.15)
    figures = {"map_shape": [n], "activation_min": float(values.min())}
    figures.update(activation_max=float(values.max()), dead_channels=int((values <= 0).sum()))
    figures["strongest_unit"] = top
    return _maps_sheet(handle, fig, layer, label, params, notes, figures, values, img)
