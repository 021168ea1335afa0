"""Feature inversion and caricatures: what a layer keeps of a real image (Mahendran and Vedaldi 2015).

For each chosen layer L and each image x0, two renders on the shared loop:

* **inversion**: an image whose activations at L match x0's, found from a grey start
  by minimising the relative squared error ``||A_L(x) - A_L(x0)||^2 / ||A_L(x0)||^2``
  (plus the render's penalties). What survives is what L keeps; what is lost (position,
  colour, texture detail) comes out as the prior fills it. Without moves by default:
  jitter would blur what an exact match needs.
* **caricature** (lucid's recipe): an image that *exaggerates* x0's activations at L,
  climbing the projection of its activations onto x0's, in units of x0's own
  (``<A_L(x), A_L(x0)> / ||A_L(x0)||^2``), weighted by their cosine similarity to the
  power ``cossim_pow`` so it must point the same way; with the render's default moves.

Each layer is one loop over a batch of all the images (one loop for every layer would
make the images matched at a shallow layer pay for the deep ones). A row per layer shows what the network keeps as depth grows; the
result reports each inversion's relative activation error ``||A_L(x) - A_L(x0)|| /
||A_L(x0)||`` and its pixel-space error (RMSE in [0, 1] units) against x0.

Example:
    >>> import interpret
    >>> res = interpret.invert("mnist-cnn", index=0, layers="conv2d", steps=16)
    >>> res.inversions.shape, res.errors.shape
    ((1, 1, 28, 28, 1), (1, 1))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from interpret.core import checks
from interpret.core.errors import UserError
from interpret.core.objectives import Context, Objective
from interpret.core.progress import ProgressSpec, advance
from interpret.core.specs import parse_indices
from interpret.gallery.inline import ShowsInline
from interpret.visualize import param as param_lib
from interpret.visualize import transforms as T
from interpret.visualize.render import RenderSettings, render


@dataclass(frozen=True)
class InversionSettings(RenderSettings):
    """The render's knobs with the inversion's defaults (``benchmarks/canon_inversion.py``).

    Pixels (not colour-decorrelated: as exact, and cheaper per step) with a light
    total-variation penalty, a long climb with large steps, and a
    stronger, shorter dead-ReLU leak: it lets a unit the target needs on, but the start
    has off, pull. The Fourier prior reads better on RGB but cannot reach MNIST's
    saturated black background closely enough at the first layer.

    Example:
        >>> InversionSettings().steps, InversionSettings().param
        (1024, 'pixel')
    """

    steps: int = field(default=1024, metadata={"help": "Optimisation steps."})
    lr: float = field(default=0.1, metadata={"help": "Adam learning rate."})
    param: str = field(
        default="pixel", metadata={"help": "Image parameterization.", "choices": param_lib.KINDS}
    )
    decorrelate: bool = field(default=False, metadata={"help": "Colour-decorrelate RGB images."})
    tv: float = field(default=0.1, metadata={"help": "Total-variation penalty weight."})
    leak: float = field(default=0.3, metadata={"help": "Dead-ReLU fix: starting leak."})
    warmup: float = field(
        default=0.5, metadata={"help": "Dead-ReLU fix: fraction of the steps the leak lasts."}
    )


@dataclass
class InversionResult(ShowsInline):
    """What :func:`invert` returns: per layer (rows) and image, the inversion and caricature."""

    model: str
    layers: list[str]
    originals: np.ndarray  # (N, H, W, C) float32 [0, 1]
    inversions: np.ndarray  # (L, N, H, W, C)
    caricatures: np.ndarray | None  # (L, N, H, W, C), or None
    errors: np.ndarray  # (L, N) relative activation error of each inversion at its layer
    pixel_errors: np.ndarray  # (L, N) RMSE of each inversion against its original
    gains: np.ndarray | None  # (L, N) the caricature's projection on the original's activations
    labels: list[str]  # what each original is
    seconds: float
    parameters: dict
    settings: dict
    model_info: dict = field(default_factory=dict)

    def save(self, gallery: Any = None) -> list:
        """A figure per image (a row per layer: original, inversion, caricature), every
        inversion and caricature as its own PNG + sidecar, and the errors against depth.

        Example:
            >>> arts = res.save("/tmp/demo-gallery")  # doctest: +SKIP
        """
        return _save(self, gallery)

    def inline_view(self) -> Any:
        """In a notebook: the rows figure (originals, then each layer's inversion)."""
        return rows_figure(self)


def _read(path: Any) -> tuple[np.ndarray, str]:
    from interpret.data.images import as_image, read_image

    return as_image(read_image(path)), Path(path).name


def _own_images(handle: Any, data: Any, index: Any) -> tuple[np.ndarray, list[str], dict]:
    """Images ``index`` (default the first) of a person's own ``data``, at the model's input."""
    from interpret.data.user import pick_user_images

    own, picked = pick_user_images(data, handle, 0 if index is None else index, what="image")
    return own.x[picked], [own.label(i) for i in picked], own.describe()


def _originals(
    handle: Any, image: Any, index: Any, dataset: str | None, data: Any = None
) -> tuple[np.ndarray, list[str], dict]:
    """(N, H, W, C') float32 images (channels not yet fitted), a label for each, and what
    the sidecar records about where they came from (a picture's path, a person's ``data``)."""
    from interpret.data.images import as_image

    if data is not None:
        if image is not None:
            raise UserError("give {image} or {data}, not both", "data")
        return _own_images(handle, data, index)
    if (image is None) == (index is None):
        raise UserError("give exactly one input: {image} (a file or array) or {index}", "image")
    if image is not None and not isinstance(image, np.ndarray):
        arr, label = _read(image)
        return arr[None], [label], {"image": str(image)}
    if image is not None:
        arr = np.asarray(image)
        if arr.ndim == 4:
            return (
                np.stack([as_image(a) for a in arr]),
                [f"array #{i}" for i in range(len(arr))],
                {},
            )
        return as_image(arr)[None], ["array"], {}
    from interpret.data import datasets as data

    name = dataset or handle.dataset
    if not name:
        raise UserError(
            f"model {handle.name} has no known data set; give {{dataset}} "
            f"({', '.join(data.names())}) or {{image}}",
            "dataset",
            "image",
        )
    ds = data.load_test_images(name)
    picked = parse_indices(index, len(ds.x_test), "image", where=f"{name} test", param="index")
    labels = [f"{name} test #{i} ({ds.class_names[int(ds.y_test[i])]})" for i in picked]
    return ds.x_test[picked].astype("float32") / 255.0, labels, {}


def _fit(originals: np.ndarray, channels: int, size: Any) -> tuple[np.ndarray, list[str]]:
    """The images with the model's channels, resized to ``size`` when given."""
    from interpret.data.images import resize, to_channels

    notes: list[str] = []
    out = []
    for img in originals:
        fitted, changed = to_channels(img, channels)
        out.append(fitted.astype("float32"))
        notes += [n for n in changed if n not in notes]
    x = np.stack(out)
    if size is not None:
        pair = (size, size) if isinstance(size, (int, np.integer)) else tuple(size)
        hw = (checks.positive_int(pair[0], "size"), checks.positive_int(pair[-1], "size"))
        if hw != x.shape[1:3]:
            notes.append(f"resized {x.shape[2]}x{x.shape[1]} to {hw[1]}x{hw[0]}")
            x = np.stack([resize(img, hw) for img in x])
    return np.clip(x, 0.0, 1.0), notes


def pick_layers(probe: Any, layers: Any) -> list[str]:
    """``"all"`` (or None): every conv layer, in order; else names (a list or ``a,b``).

    Example:
        >>> from interpret.core.models import resolve
        >>> pick_layers(resolve("cifar10-cnn").probe, "all")
        ['conv2d', 'conv2d_1', 'conv2d_2']
    """
    if layers is None or (isinstance(layers, str) and layers.strip().lower() == "all"):
        chosen = [i.name for i in probe.layers if i.kind == "spatial" and "Conv" in i.type]
        if not chosen:
            raise UserError(
                f"{probe.name} has no conv layers; name the layers to invert with {{layers}}",
                "layers",
            )
        return chosen
    names = [s.strip() for s in layers.split(",")] if isinstance(layers, str) else list(layers)
    if not names or not all(names):
        raise UserError(f"{{layers}} must name at least one layer, got {layers!r}", "layers")
    for name in names:
        if probe.layer(name).kind == "other":
            raise UserError(f"layer {name} has no activations to match; pick another", "layers")
    return names


def _check_canvas(probe: Any, layers: list[str], hw: tuple[int, int], label: str) -> Any:
    """The open canvas for images of size ``hw`` (None at the model's own size), checked."""
    own = tuple(int(v) for v in probe.input_shape[:2])
    if hw == own:
        return None
    for name in layers:
        if probe.layer(name).kind != "spatial" or not _runs_open(probe, name, hw):
            raise UserError(
                f"layer {name} needs the model's {own[0]}x{own[1]} input, and {label} is "
                f"{hw[1]}x{hw[0]}: give {{size}} {own[0]} to resize it, or invert conv layers only",
                "size",
            )
    return hw


def _runs_open(probe: Any, name: str, hw: tuple[int, int]) -> bool:
    try:
        probe.extractor([name], size=hw)
    except UserError:
        return False
    return True


def _term(layer: str, target: np.ndarray, kind: str, cossim_pow: float) -> Objective:
    """Match (minus the relative squared error) or caricature ``target``, image by image."""
    from interpret._tf import tf

    t = tf.constant(target)
    axes = list(range(1, len(target.shape)))
    norm2 = tf.reduce_sum(t * t, axis=axes) + 1e-12

    def fn(ctx: Context) -> Any:
        a = ctx.acts[layer]
        if kind == "match":
            return -tf.reduce_sum((a - t) ** 2, axis=axes) / norm2
        dot = tf.reduce_sum(a * t, axis=axes)
        cos = dot / tf.sqrt(norm2 * (tf.reduce_sum(a * a, axis=axes) + 1e-12))
        return dot / norm2 * tf.maximum(0.1, cos) ** cossim_pow

    name = "match" if kind == "match" else f"caricature(cossim_pow={cossim_pow:g})"
    return Objective(fn, f"{name}({layer})", [layer])


def _targets(probe: Any, layers: list[str], canvas: Any, x0: np.ndarray) -> list[np.ndarray]:
    """The originals' activations at each layer, in float32."""
    return [np.asarray(t, "float32") for t in probe.extractor(layers, size=canvas)(x0)]


def _measure(
    probe: Any, layers: list[str], canvas: Any, targets: list[np.ndarray], renders: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each render's relative activation error and projection gain at its own layer."""
    f = probe.extractor(layers, size=canvas)
    n = len(targets[0])
    errors, gains = np.zeros(renders.shape[:2], "float32"), np.zeros(renders.shape[:2], "float32")
    for l_idx in range(len(layers)):
        got = np.asarray(f(renders[l_idx])[l_idx], "float64").reshape(n, -1)
        t = targets[l_idx].astype("float64").reshape(n, -1)
        norm = np.linalg.norm(t, axis=1) + 1e-12
        errors[l_idx] = np.linalg.norm(got - t, axis=1) / norm
        gains[l_idx] = (got * t).sum(axis=1) / norm**2
    return errors, gains


def invert(
    model: Any,
    image: Any = None,
    layers: Any = "all",
    *,
    index: Any = None,
    dataset: str | None = None,
    data: Any = None,
    size: Any = None,
    caricature: bool = True,
    cossim_pow: float = 1.0,
    seed: int = 0,
    progress: ProgressSpec = None,
    **settings: Any,
) -> InversionResult:
    """Invert (and caricature) real images at each of ``layers``: what each layer keeps.

    Args:
        model: zoo name, .keras path, Keras model or ModelHandle.
        image: a picture file, an (H, W, C) array or an (N, H, W, C) batch; or else
        index: data-set test image(s): ``3``, ``"0-19"``, ``[1, 5]`` (of ``dataset``,
            default the model card's; the bundled sample when offline), or of ``data``;
        data: a person's own images (an .npz file, a folder of class folders or ``(x, y)``
            arrays, :func:`interpret.data.user.load_user_data`), fitted to the model's input.
        layers: ``"all"`` (every conv layer) or names, ``"conv2d,conv2d_1"``.
        size: resize the images to this side (or (H, W)) first; by default they keep
            their own size, which conv layers accept (the fully convolutional part of
            the model) and dense layers do not.
        caricature: also render the caricatures (a second loop).
        cossim_pow: the caricature's cosine-similarity power.
        seed: seeds the start images and the caricature's moves.
        progress: ``True`` for a bar on stderr, or a factory.
        **settings: render knobs with the inversion's defaults (:class:`InversionSettings`);
            the inversion runs without moves, the caricature with the settings' moves.

    Example:
        >>> r = invert("mnist-cnn", np.zeros((28, 28)), "conv2d", steps=4, caricature=False)
        >>> r.caricatures is None, r.pixel_errors.shape
        (True, (1, 1))
    """
    from interpret.core.models import resolve

    handle = resolve(model)
    probe = handle.probe
    s = InversionSettings.from_options(settings)
    names = pick_layers(probe, layers)
    pow_ = checks.non_negative(cossim_pow, "cossim_pow")
    raw, labels, data_info = _originals(handle, image, index, dataset, data)
    x0, notes = _fit(raw, int(probe.input_shape[-1]), size)
    hw = (int(x0.shape[1]), int(x0.shape[2]))
    canvas = _check_canvas(probe, names, hw, labels[0] if len(labels) == 1 else "the images")
    targets = _targets(probe, names, canvas, x0)
    loops = 2 if caricature else 1
    inv, car, seconds, described = [], [], 0.0, {}
    with advance(progress, s.steps * loops * len(names), "inverting") as step:
        # a loop per layer: an image matched at conv2d never pays for the layers above it
        for name, target in zip(names, targets):
            out = render(
                probe, _term(name, target, "match", pow_), batch=len(x0), settings=s,
                size=hw, transforms=T.compose([]), seed=seed, advance=step,
            )  # fmt: skip
            inv.append(out.images)
            seconds, described["inversion"] = seconds + out.seconds, out.settings
            if caricature:
                out = render(
                    probe, _term(name, target, "caricature", pow_), batch=len(x0),
                    settings=s, size=hw, seed=seed + 1, advance=step,
                )  # fmt: skip
                car.append(out.images)
                seconds, described["caricature"] = seconds + out.seconds, out.settings
    inversions = np.stack(inv)
    errors = _measure(probe, names, canvas, targets, inversions)[0]
    caricatures = gains = None
    if caricature:
        caricatures = np.stack(car)
        gains = _measure(probe, names, canvas, targets, caricatures)[1]
    pixel = np.sqrt(((inversions - x0[None]) ** 2).mean(axis=(2, 3, 4))).astype("float32")
    parameters = {
        "layers": names, "inputs": labels, "size": list(hw), "caricature": bool(caricature),
        "cossim_pow": pow_, "seed": int(seed), "notes": notes, **data_info,
        **{k: getattr(s, k) for k in ("steps", "lr", "param", "tv", "l2", "blur")},
    }  # fmt: skip
    return InversionResult(
        model=handle.name,
        layers=names,
        originals=x0,
        inversions=inversions,
        caricatures=caricatures,
        errors=errors,
        pixel_errors=pixel,
        gains=gains,
        labels=labels,
        seconds=seconds,
        parameters=parameters,
        settings=described,
        model_info=handle.describe(),
    )


def rows_figure(result: InversionResult) -> Any:
    """Originals on top, then a row per layer: each image's inversion (and caricature)."""
    from interpret.gallery.style import new_figure, show_image

    per = 1 if result.caricatures is None else 2
    n, rows = len(result.originals), len(result.layers) + 1
    cols = n * per
    fig, axes = new_figure(
        1.3 * cols + 0.6, 1.35 * rows + 0.5, nrows=rows, ncols=cols, squeeze=False
    )
    for ax in axes.flat:
        ax.axis("off")
    for i in range(n):
        axes[0, i * per].axis("on")
        show_image(axes[0, i * per], result.originals[i], result.labels[i][:28])
        for r, layer in enumerate(result.layers, start=1):
            ax = axes[r, i * per]
            ax.axis("on")
            err, rmse = result.errors[r - 1, i], result.pixel_errors[r - 1, i]
            show_image(ax, result.inversions[r - 1, i], f"inv: err {err:.3f}\nrmse {rmse:.3f}")
            if i == 0:
                ax.set_ylabel(layer, fontsize=8)
            if result.caricatures is not None:
                ax = axes[r, i * per + 1]
                ax.axis("on")
                gain = result.gains[r - 1, i]
                show_image(ax, result.caricatures[r - 1, i], f"caricature\nx{gain:.1f}")
    fig.suptitle(f"{result.model}: what each layer keeps (inversion, caricature)")
    fig.tight_layout()
    return fig


def _depth_figure(result: InversionResult) -> Any:
    """Relative activation error and pixel RMSE of the inversions against depth."""
    from interpret.gallery.style import new_figure

    fig, ax = new_figure(5.0, 3.2)
    x = np.arange(len(result.layers))
    for values, label in (
        (result.errors, "relative activation error"),
        (result.pixel_errors, "pixel RMSE"),
    ):
        ax.plot(x, values.mean(axis=1), marker="o", label=label)
        ax.fill_between(x, values.min(axis=1), values.max(axis=1), alpha=0.2)
    ax.set_xticks(x, result.layers)
    ax.set_xlabel("matched layer")
    ax.set_title(f"{result.model}: inversion of {len(result.originals)} image(s), mean and range")
    ax.legend()
    fig.tight_layout()
    return fig


def _save(result: InversionResult, gallery: Any) -> list:
    from interpret.gallery.store import Gallery

    g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
    base = {
        **result.model_info,
        "seed": result.parameters["seed"],
        "parameters": result.parameters,
        "settings": result.settings,
    }
    from interpret.gallery.sheet import label_slug

    # files are named as featuremaps names them, without the class: photo-conv2d-... (not
    # photo.png-conv2d-...), cifar10-test-3-..., mine.npz-3-..., dog-dog1-... (--data folder)
    picture = result.parameters.get("image")
    stems = [Path(picture).stem] if picture else [label_slug(v) for v in result.labels]
    arts = []
    for i, (label, stem) in enumerate(zip(result.labels, stems)):
        for r, layer in enumerate(result.layers):
            renders = [
                (
                    "inversion",
                    result.inversions[r, i],
                    {
                        "relative_activation_error": float(result.errors[r, i]),
                        "pixel_rmse": float(result.pixel_errors[r, i]),
                    },
                )
            ]
            if result.caricatures is not None:
                gain = {"projection_gain": float(result.gains[r, i])}
                renders.append(("caricature", result.caricatures[r, i], gain))
            for what, image, figures in renders:
                meta = {**base, "input": label, "layer": layer, "figures": figures}
                arts.append(
                    g.save_image(
                        image,
                        model=result.model,
                        technique="invert",
                        name=f"{stem}-{layer}-{what}",
                        meta=meta,
                    )
                )
    figures = {
        "relative_activation_error": {
            name: [float(v) for v in e] for name, e in zip(result.layers, result.errors)
        },
        "pixel_rmse": {
            name: [float(v) for v in e] for name, e in zip(result.layers, result.pixel_errors)
        },
    }
    stem = stems[0] if len(stems) == 1 else f"{len(stems)}-images"
    meta = {**base, "inputs": result.labels, "figures": figures}
    for kind, fig in (("rows", rows_figure(result)), ("depth", _depth_figure(result))):
        arts.append(
            g.save_figure(
                fig, model=result.model, technique="invert", name=f"{kind}-{stem}", meta=meta
            )
        )
    return arts
