"""The learned kernels of a layer, drawn as the weights they are.

* first-layer RGB convolutions: one small colour image per filter (weights mapped
  to [0, 1] with 0 at mid-grey, one scale for the whole layer);
* single-channel convolutions and dense units fed by the flattened image: one
  image per filter/unit in a diverging colormap centred on zero;
* deeper convolutions: one mosaic, a row per filter and a column per input
  channel, diverging colormap centred on zero;

with every filter's bias alongside (in the titles, or as bars beside the rows).

Example:
    >>> import interpret
    >>> sheet = interpret.plot_filters("cifar10-cnn", "conv2d")
    >>> sheet.data["kernel"].shape
    (3, 3, 3, 32)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from interpret.core.errors import UserError
from interpret.core.specs import parse_indices
from interpret.gallery.sheet import Sheet

DIVERGING = "RdBu_r"
GAP = 1  # pixels of background between mosaic cells
CLIP_PERCENTILE = 99.5  # diverging colour scales end at this percentile of |weight|


def kernel_layers(probe: Any) -> list[str]:
    """Names of the layers ``plot_filters`` can draw (convolutions, dense layers on the image).

    Example:
        >>> from interpret.core.models import resolve
        >>> kernel_layers(resolve("cifar10-cnn").probe)
        ['conv2d', 'conv2d_1', 'conv2d_2']
    """
    return [info.name for info in probe.layers if _classify(probe, info.name)[0]]


def _classify(probe: Any, layer: str) -> tuple[str, np.ndarray | None, np.ndarray | None]:
    """('conv' | 'dense-image' | 'dense' | '', kernel, bias) of a layer; never raises."""
    from interpret._tf import keras

    obj = probe.layer_object(layer)
    kernel = getattr(obj, "kernel", None)
    bias = getattr(obj, "bias", None) if getattr(obj, "use_bias", False) else None
    b = None if bias is None else np.asarray(bias, "float32")
    if isinstance(obj, keras.layers.Conv2D) and kernel is not None and len(kernel.shape) == 4:
        return "conv", np.asarray(kernel, "float32"), b
    if isinstance(obj, keras.layers.Dense) and kernel is not None:
        k = np.asarray(kernel, "float32")
        if k.shape[0] == int(np.prod(probe.input_shape)):
            return "dense-image", k, b
        return "", k, b
    return "", None, None


def kernel_weights(probe: Any, layer: str) -> tuple[str, np.ndarray, np.ndarray | None]:
    """``(kind, kernel, bias)`` of a layer ``plot_filters`` can draw, else a UserError listing those.

    ``kind`` is ``"conv"`` (kernel ``(kh, kw, in, out)``) or ``"dense-image"`` (a Dense layer
    on the flattened image, kernel ``(H*W*C, units)``).

    Example:
        >>> from interpret.core.models import resolve
        >>> kind, kernel, bias = kernel_weights(resolve("mnist-cnn").probe, "conv2d")
        >>> kind, kernel.shape
        ('conv', (5, 5, 1, 32))
    """
    kind, kernel, bias = _classify(probe, layer)
    if kind:
        return kind, kernel, bias
    usable = ", ".join(kernel_layers(probe)) or "none"
    obj = probe.layer_object(layer)
    if kernel is not None:
        raise UserError(
            f"layer {layer} is a {type(obj).__name__} layer with a {kernel.shape[0]}x{kernel.shape[1]} "
            f"weight matrix that has no image shape; layers with kernels to draw: {usable}"
        )
    raise UserError(
        f"layer {layer} ({probe.layer(layer).type}) has no kernels; layers with kernels to draw: {usable}"
    )


def _handle(model: Any) -> Any:
    from interpret.core.models import resolve

    return resolve(model)


def plot_filters(model: Any, layer: str, filters: Any = None) -> Sheet:
    """Draw the kernels (and biases) of ``layer`` of ``model`` (zoo name, file or Keras model).

    ``filters`` picks output filters/units: indices, ``"0-15"``, ``"all"`` (default:
    all of a convolution, the first 64 units of a dense layer). The returned sheet's
    ``data`` holds ``kernel`` (the layer's own weights, Keras layout), ``bias`` and
    ``shown`` (the filter indices drawn).

    Example:
        >>> sheet = plot_filters("mnist-cnn", "conv2d_1", filters="0-7")
        >>> sheet.data["shown"].tolist(), sheet.data["kernel"].shape
        ([0, 1, 2, 3, 4, 5, 6, 7], (5, 5, 32, 64))
    """
    handle = _handle(model)
    probe = handle.probe
    kind, kernel, bias = kernel_weights(probe, layer)
    n_out = kernel.shape[-1]
    if filters is None:
        shown = list(range(n_out if kind == "conv" else min(n_out, 64)))
    else:
        spec = list(filters) if isinstance(filters, range) else filters
        shown = parse_indices(spec, n_out, "filter", where=layer, param="filters")
    limit = float(np.abs(kernel).max()) or 1.0
    # diverging plots: a few outliers would wash out every other weight, so the colour
    # scale ends at the 99.5th percentile of |w| (the colour bar marks the clipped ends)
    color_limit = float(np.percentile(np.abs(kernel), CLIP_PERCENTILE)) or limit
    info = probe.layer(layer)
    figures = {
        "kernel_shape": list(kernel.shape),
        "weight_min": float(kernel.min()),
        "weight_max": float(kernel.max()),
        "weight_abs_max": limit,
        "color_limit": color_limit,
        "bias_min": None if bias is None else float(bias.min()),
        "bias_max": None if bias is None else float(bias.max()),
        "params": info.params,
    }
    title = f"{handle.name} · {layer} ({info.type}) kernels {tuple(kernel.shape)}"
    if kind == "conv" and kernel.shape[2] == 3:
        fig = _rgb_grid(kernel, bias, shown, limit, title)
        style = "rgb"
    elif kind == "conv" and kernel.shape[2] == 1:
        fig = _diverging_grid(
            [kernel[:, :, 0, i] for i in shown], bias, shown, color_limit, title, "f"
        )
        style = "single-channel"
    elif kind == "conv":
        fig = _mosaic(kernel, bias, shown, color_limit, title)
        style = "mosaic"
    else:
        h, w, c = probe.input_shape
        images = [kernel[:, i].reshape(h, w, c) for i in shown]
        if c == 1:
            images = [im[..., 0] for im in images]
            fig = _diverging_grid(images, bias, shown, color_limit, title, "unit ")
            style = "dense-templates"
        else:
            fig = _rgb_grid(np.stack(images, -1), bias, shown, limit, title)
            style = "dense-templates-rgb"
    return Sheet.of(
        handle,
        fig,
        "filters",
        f"{layer}-filters",
        layer=layer,
        parameters={"layer": layer, "filters": shown, "style": style},
        figures=figures,
        data={"kernel": kernel, "bias": bias, "shown": np.asarray(shown)},
    )


def rgb_display(kernel: np.ndarray, limit: float) -> np.ndarray:
    """Weights -> [0, 1] colours with 0 at mid-grey, one scale (``limit``) for all.

    Example:
        >>> rgb_display(np.array([-2.0, 0.0, 2.0]), 2.0).tolist()
        [0.0, 0.5, 1.0]
    """
    return np.asarray(kernel, "float32") / (2.0 * limit) + 0.5


def _cols(n: int) -> int:
    return max(1, int(np.ceil(np.sqrt(n))))


def _bias_text(bias: np.ndarray | None, i: int) -> str:
    return "" if bias is None else f"\nb={bias[i]:+.2f}"


def _rgb_grid(kernel: np.ndarray, bias: Any, shown: list[int], limit: float, title: str) -> Any:
    from interpret.gallery.style import image_grid

    images = [rgb_display(kernel[..., i], limit) for i in shown]
    titles = [f"f{i}{_bias_text(bias, i)}" for i in shown]
    fig, _ = image_grid(
        images, titles=titles, cols=min(8, _cols(len(shown))), cell=1.0, suptitle=title
    )
    fig.text(
        0.5,
        0.0,
        f"colour = weight / (2·{limit:.3f}) + 0.5 per channel: grey is 0, bright is positive",
        ha="center",
        va="top",
        fontsize=7,
    )
    return fig


def _diverging_grid(
    images: list[np.ndarray], bias: Any, shown: list[int], limit: float, title: str, prefix: str
) -> Any:
    from interpret.gallery.style import image_grid

    titles = [f"{prefix}{i}{_bias_text(bias, i)}" for i in shown]
    cols = min(8, _cols(len(shown)))
    fig, axes = image_grid(
        images,
        titles=titles,
        cols=cols,
        cell=1.0,
        suptitle=title,
        cmap=DIVERGING,
        vmin=-limit,
        vmax=limit,
    )
    fig.colorbar(
        axes.flat[0].images[0], ax=list(axes.flat), shrink=0.6, label="weight", extend="both"
    )
    return fig


def mosaic_array(kernel: np.ndarray, shown: list[int]) -> np.ndarray:
    """Kernels (kh, kw, cin, cout) as one array: a row of cin cells per shown filter, NaN gaps.

    Cell (r, j) is ``kernel[:, :, j, shown[r]]`` at rows ``r*(kh+GAP)`` and columns ``j*(kw+GAP)``.

    Example:
        >>> mosaic_array(np.zeros((3, 3, 2, 4)), [0, 1]).shape
        (7, 7)
    """
    kh, kw, cin, _ = kernel.shape
    out = np.full((len(shown) * (kh + GAP) - GAP, cin * (kw + GAP) - GAP), np.nan, "float32")
    for r, i in enumerate(shown):
        for j in range(cin):
            y, x = r * (kh + GAP), j * (kw + GAP)
            out[y : y + kh, x : x + kw] = kernel[:, :, j, i]
    return out


def _mosaic(kernel: np.ndarray, bias: Any, shown: list[int], limit: float, title: str) -> Any:
    from interpret.gallery.style import new_figure

    kh, kw, cin, _ = kernel.shape
    mosaic = mosaic_array(kernel, shown)
    rows_px, cols_px = mosaic.shape
    inch = min(12.0 / cols_px, 15.0 / rows_px, 0.12)  # one kernel pixel, in inches
    fig, (ax, bax) = new_figure(
        cols_px * inch + 2.2,
        rows_px * inch + 1.6,
        ncols=2,
        sharey=True,
        gridspec_kw={"width_ratios": [cols_px * inch, 1.2], "wspace": 0.04},
    )
    im = ax.imshow(mosaic, cmap=_cmap_with_gap(), vmin=-limit, vmax=limit, aspect="auto")
    ax.grid(False)
    ys = [r * (kh + GAP) + (kh - 1) / 2 for r in range(len(shown))]
    ax.set_yticks(ys)
    ax.set_yticklabels([f"f{i}" for i in shown], fontsize=6 if len(shown) > 32 else 7)
    step = max(1, cin // 16)
    ax.set_xticks([j * (kw + GAP) + (kw - 1) / 2 for j in range(0, cin, step)])
    ax.set_xticklabels([str(j) for j in range(0, cin, step)], fontsize=7)
    ax.set_xlabel("input channel")
    ax.set_ylabel("filter (output channel)")
    ax.set_title(title)
    for s in ax.spines.values():
        s.set_visible(False)
    fig.colorbar(
        im,
        ax=[ax, bax],
        shrink=0.6,
        label="weight (white = 0)",
        location="bottom",
        pad=min(0.2, 0.8 / (rows_px * inch)),  # about 0.8 inch below the axes, clear of its label
        aspect=40,
        extend="both",
    )
    if bias is not None:
        values = bias[shown]
        bax.barh(ys, values, height=kh * 0.8, color=np.where(values >= 0, "#b2182b", "#2166ac"))
        bax.axvline(0, color="black", lw=0.6)
        bax.set_title("bias")
        bax.tick_params(axis="x", labelsize=6)
        bax.tick_params(axis="y", left=False)
        bax.grid(False)
    else:
        bax.axis("off")
    return fig


def _cmap_with_gap() -> Any:
    import matplotlib

    return matplotlib.colormaps[DIVERGING].with_extremes(bad="#8c8c8c")
