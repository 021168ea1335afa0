"""DeepDream: gradient ascent that starts from a photo and grows the network's features out of it.

The method of the TensorFlow DeepDream tutorial, in full:

* **octaves**, small to large: the photo is dreamed at ``octaves`` sizes, each
  ``octave_scale`` times the last, ending at the photo's own resolution;
* **lost detail re-injected**: after each upscale the detail the downscaled copy had
  lost (original at this size minus the upscaled smaller original) is added back;
* **normalised gradient**: every step moves the image by ``step_size`` times the
  gradient divided by its standard deviation;
* **tiled gradients with a random roll**: the gradient is computed tile by tile
  (at most ``tile_size`` pixels a side), so memory is bounded whatever the photo's
  size, and the image is rolled by a random shift first so the tile seams move every
  step and never show;
* **per-layer weights and optional single channels**: ``{"conv2d_1": 1.0,
  "conv2d_2": 1.5}`` or ``"conv2d_2:17"`` (channel 17 only).

Each step's tile gradients come from :class:`interpret.core.grad.Gradient` with
``size=(None, None)``, i.e. through their fully convolutional part, so the zoo's
32x32 and 28x28 CNNs dream on photos of any size. A one-channel model dreams on
the photo's grayscale (luma) version.

Example:
    >>> import interpret
    >>> from interpret.data.images import load_image, sample_photo
    >>> photo, notes = load_image(sample_photo(), (150, 128, 3))  # a small copy: a fast dream
    >>> res = interpret.dream("cifar10-cnn", photo, layers="conv2d_1=1.0,conv2d_2=1.5")
    >>> res.image.shape == res.original.shape == (150, 128, 3)
    True
    >>> res.figures["activation_ratio"] > 3
    True
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from interpret.core import checks
from interpret.core import objectives as obj
from interpret.core.errors import UserError
from interpret.core.grad import Gradient
from interpret.core.progress import ProgressSpec, Step, advance
from interpret.core.specs import parse_indices
from interpret.core.updates import NormalisedStep
from interpret.gallery.inline import ShowsInline

DEFAULT_WEIGHTS = (1.0, 1.5)  # weights of the last two conv layers when no layers are given
DEFAULT_TILE = 512
# pixel change per step in [0, 1] units. The tutorial moves 0.01 in [-1, 1] units (0.005 here)
# but for 100 steps x 5 octaves; with 20 steps x 4 octaves 0.02 travels a comparable distance.
DEFAULT_STEP_SIZE = 0.02

LayerSpec = str | Mapping[str, float] | Sequence[str] | None


@dataclass(frozen=True)
class Target:
    """One term of the dream objective: a layer (or one of its channels) and its weight."""

    layer: str
    channel: int | None = None
    weight: float = 1.0

    @property
    def label(self) -> str:
        """``conv2d_2:17=1.5`` style text, as ``layers=`` takes it.

        Example:
            >>> Target("conv2d_2", 17, 1.5).label
            'conv2d_2:17=1.5'
        """
        name = self.layer if self.channel is None else f"{self.layer}:{self.channel}"
        return f"{name}={self.weight:g}"


def parse_layers(spec: LayerSpec) -> list[Target]:
    """Read a layer spec: ``"conv2d_1=1.0,conv2d_2:17=1.5"``, a dict, or a list of names.

    A name without ``=w`` gets weight 1; ``layer:c`` targets channel ``c`` only.
    ``None`` (or an empty spec) returns ``[]``: the caller picks defaults.

    Example:
        >>> [t.label for t in parse_layers("conv2d_1,conv2d_2:17=1.5")]
        ['conv2d_1=1', 'conv2d_2:17=1.5']
        >>> [t.label for t in parse_layers({"conv2d_1": 1.0, "conv2d_2": 1.5})]
        ['conv2d_1=1', 'conv2d_2=1.5']
    """
    if spec is None:
        return []
    if isinstance(spec, Mapping):
        items = [(str(k), v) for k, v in spec.items()]
    else:
        parts = spec.split(",") if isinstance(spec, str) else [str(p) for p in spec]
        items = []
        for part in (p.strip() for p in parts):
            if not part:
                continue
            name, _, w = part.partition("=")
            items.append((name.strip(), w.strip() if w else 1.0))
    targets = []
    for name, w in items:
        try:
            weight = float(w)
        except (TypeError, ValueError):
            raise UserError(
                f"cannot read the weight {w!r} of layer {name!r} in {{layers}}; write layers as "
                "conv2d_1=1.0,conv2d_2:17=1.5",
                "layers",
            ) from None
        if not np.isfinite(weight) or weight == 0:
            raise UserError(
                f"the weight of layer {name!r} in {{layers}} must be a non-zero number, got {w!r}",
                "layers",
            )
        layer, colon, chan = name.partition(":")
        channel = None
        if colon:
            if not chan.strip().isdigit():
                raise UserError(
                    f"cannot read channel {chan!r} in {name!r} of {{layers}}; write a single "
                    "channel as layer:17",
                    "layers",
                )
            channel = int(chan)
        if not layer:
            raise UserError(
                f"empty layer name in {name!r} of {{layers}}; write layers as "
                "conv2d_1=1.0,conv2d_2=1.5",
                "layers",
            )
        targets.append(Target(layer.strip(), channel, weight))
    return targets


def default_targets(probe: Any) -> list[Target]:
    """The last two convolution layers, weighted 1.0 and 1.5 (deeper = more weight).

    Example:
        >>> from interpret.core.models import resolve
        >>> [t.label for t in default_targets(resolve("cifar10-cnn").probe)]
        ['conv2d_1=1', 'conv2d_2=1.5']
    """
    convs = [i.name for i in probe.layers if i.kind == "spatial" and "Conv" in i.type]
    if not convs:
        convs = probe.spatial_layers()
    if not convs:
        raise UserError(
            f"model {probe.name} has no layer with a spatial (H, W, C) output to dream with"
        )
    chosen = convs[-2:]
    weights = DEFAULT_WEIGHTS[-len(chosen) :]
    return [Target(name, None, w) for name, w in zip(chosen, weights)]


def check_targets(probe: Any, targets: Sequence[Target]) -> None:
    """Raise a UserError unless every target is a spatial layer (and a valid channel of it).

    Example:
        >>> from interpret.core.models import resolve
        >>> check_targets(resolve("cifar10-cnn").probe, [Target("dense")])
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: layer dense in layers= has no spatial output ...
    """
    for t in targets:
        info = probe.layer(t.layer)
        if info.kind != "spatial":
            raise UserError(
                f"layer {t.layer} in {{layers}} has no spatial output (shape {info.output_shape}); "
                "DeepDream needs a layer with (H, W, C) output: "
                f"{', '.join(probe.spatial_layers()) or 'none in this model'}",
                "layers",
            )
        if t.channel is not None:
            parse_indices(t.channel, info.size, "channel", where=t.layer, param="layers")


def objective(targets: Sequence[Target]) -> obj.Objective:
    """The dream objective (:func:`interpret.core.objectives.dream`) of these targets.

    Example:
        >>> objective([Target("conv2d_1"), Target("conv2d_2", 17, 1.5)]).name
        'dream(conv2d_1=1, conv2d_2:17=1.5)'
    """
    return obj.dream([(t.layer, t.channel, t.weight) for t in targets])


def tile_bounds(n: int, tile: int) -> list[int]:
    """Split ``[0, n)`` into ``ceil(n / tile)`` nearly equal pieces; returns the k + 1 edges.

    Even pieces (rather than full tiles and a thin remainder) keep every tile at
    least ``tile / 2`` wide, so no tile is smaller than the network's field of view.

    Example:
        >>> tile_bounds(1000, 512)
        [0, 500, 1000]
    """
    k = -(-int(n) // int(tile))
    return [i * int(n) // k for i in range(k + 1)]


def _tiles(h: int, w: int, tile: int) -> list[tuple[int, int, int, int]]:
    ys, xs = tile_bounds(h, tile), tile_bounds(w, tile)
    return [(y0, y1, x0, x1) for y0, y1 in zip(ys[:-1], ys[1:]) for x0, x1 in zip(xs[:-1], xs[1:])]


class DreamStep:
    """The DeepDream step: random roll, tiled gradient, normalise, ascend, clip.

    Each tile's gradient comes from the shared :class:`~interpret.core.grad.Gradient`
    (compiled once, any tile size); the step itself is the shared
    :class:`~interpret.core.updates.NormalisedStep`. The tiles are assembled into a
    gradient buffer the size of the image and the image is updated in place (NumPy),
    so memory holds a few copies of the image plus one tile's activations, whatever
    the photo's size.

    Example:
        >>> from interpret.core.models import resolve
        >>> step = DreamStep(resolve("mnist-cnn").probe, [Target("conv2d_1")], step_size=0.02)
        >>> img = np.random.default_rng(0).random((40, 50, 1), "float32")
        >>> step(img, shift=(3, 5), tile=512).shape
        (40, 50, 1)
    """

    def __init__(self, probe: Any, targets: Sequence[Target], step_size: float):
        from interpret._tf import tf

        self.objective = objective(targets)
        self.grad = Gradient(probe, self.objective, size=(None, None))
        self.update = NormalisedStep(step_size)
        spec = [tf.TensorSpec([None, None, probe.input_shape[-1]], tf.float32)]
        self.tile_gradient = tf.function(self._tile_gradient, input_signature=spec, autograph=False)

    def _tile_gradient(self, tile: Any) -> tuple[Any, Any, Any]:
        """A tile's score and gradient, with the sum and sum of squares of the gradient."""
        from interpret._tf import tf

        values, g = self.grad.tensors(tile[None], tf.zeros([1], tf.int32))
        g = g[0]
        return values[0], g, tf.reduce_sum(g), tf.reduce_sum(tf.square(g))

    def gradient(
        self, img: np.ndarray, tile: int, out: np.ndarray | None = None
    ) -> tuple[np.ndarray, float]:
        """The tiled gradient of an H x W x C image (each tile differentiated on its own) and its std.

        Example: see the class.
        """
        grad = np.empty_like(img) if out is None else out
        s1 = s2 = 0.0
        for y0, y1, x0, x1 in _tiles(*img.shape[:2], tile):
            _, g, a, b = self.tile_gradient(np.ascontiguousarray(img[y0:y1, x0:x1]))
            grad[y0:y1, x0:x1] = g.numpy()
            s1 += float(a)
            s2 += float(b)
        n = float(grad.size)
        return grad, float(np.sqrt(max(s2 / n - (s1 / n) ** 2, 0.0)))

    def __call__(
        self, img: np.ndarray, shift: Sequence[int], tile: int, buffer: np.ndarray | None = None
    ) -> np.ndarray:
        """One ascent step on an H x W x C [0, 1] float32 image; returns the new image.

        The image comes back rolled by ``shift`` (rolling it back every step would
        cost a full-size copy); the caller keeps the running shift and undoes it once,
        e.g. ``np.roll(img, (-sy, -sx), axis=(0, 1))``. ``buffer`` (same shape) is
        reused for the gradient.
        """
        rolled = np.roll(img, tuple(int(s) for s in shift), axis=(0, 1))
        grad, std = self.gradient(rolled, tile, out=buffer)
        return self.update.step(rolled, grad, std)

    def activation(self, img: np.ndarray, tile: int) -> float:
        """The objective on a whole image, tile by tile (area-weighted mean of tile values).

        Example: see the class.
        """
        h, w = img.shape[:2]
        total = 0.0
        for y0, y1, x0, x1 in _tiles(h, w, tile):
            value = self.tile_gradient(np.ascontiguousarray(img[y0:y1, x0:x1]))[0]
            total += float(value) * (y1 - y0) * (x1 - x0)
        return float(total / (h * w))


@dataclass
class DreamResult(ShowsInline):
    """What :func:`dream` returns: the dreamed image and how it was made (Jupyter: before/after)."""

    image: np.ndarray  # H x W x C float32 [0, 1], the input's resolution, the model's channels
    original: np.ndarray  # the photo as the model saw it (same shape)
    targets: list[Target]
    parameters: dict
    figures: dict
    notes: list[str] = field(default_factory=list)
    stem: str = "array"  # the photo's file name without suffix, for gallery names
    model: str = ""
    model_info: dict = field(default_factory=dict)  # how the model was resolved (sidecars)

    def save(self, gallery: Any = None) -> list[Any]:
        """The dreamed image and a before/after sheet, into ``gallery`` with sidecars.

        Example:
            >>> import numpy as np
            >>> photo = np.random.default_rng(0).random((64, 64))
            >>> arts = dream("mnist-cnn", photo, octaves=1, steps=1).save("/tmp/demo-gallery")
            >>> [a.png.name for a in arts]
            ['array-conv2d-conv2d_1.png', 'array-conv2d-conv2d_1-before-after.png']
        """
        return _save(self, gallery)

    @property
    def title(self) -> str:
        """The before/after sheet's title: the model and the layers dreamed."""
        return f"{self.model} DeepDream: {', '.join(t.label for t in self.targets)}"

    def inline_view(self) -> Any:
        """The before/after sheet (what Jupyter shows)."""
        return before_after_figure(self, self.title)


def octave_sizes(
    size: tuple[int, int], octaves: int, scale: float, minimum: tuple[int, int]
) -> list[tuple[int, int]]:
    """Image sizes of the octaves, small to large, the last one ``size`` itself.

    No octave is made smaller than ``minimum`` (the model's own input size).

    Example:
        >>> octave_sizes((600, 512), 3, 1.4, (32, 32))
        [(306, 261), (429, 366), (600, 512)]
    """
    h, w = size
    out = []
    for k in range(octaves - 1, -1, -1):
        f = scale**-k
        out.append((max(int(round(h * f)), minimum[0]), max(int(round(w * f)), minimum[1])))
    return out


def _check_numbers(
    octaves: int, octave_scale: float, steps: int, step_size: float, tile: int
) -> None:
    checks.positive_int(octaves, "octaves")
    checks.positive_int(steps, "steps")
    if checks.positive(octave_scale, "octave_scale") < 1:
        raise UserError(
            f"{{octave_scale}} must be at least 1 (e.g. 1.4), got {octave_scale!r}", "octave_scale"
        )
    checks.positive(step_size, "step_size")
    checks.positive_int(tile, "tile_size")


def _read_photo(image: Any) -> tuple[np.ndarray, str, str]:
    """The photo as an array, where it came from, and a stem for gallery names."""
    from interpret.data.images import as_image, read_image, sample_photo

    if isinstance(image, np.ndarray):
        return as_image(image), "array", "array"
    path = Path(image) if image is not None else sample_photo()
    source = str(path) if image is not None else f"{path.name} (matplotlib sample data)"
    return as_image(read_image(path)), source, path.stem


def _fit_photo(
    probe: Any, photo: np.ndarray, source: str, tile_size: int
) -> tuple[np.ndarray, tuple[int, int], list[str]]:
    """The photo in the model's channels, the smallest size the model takes, and notes."""
    from interpret.data.images import to_channels

    mh, mw, channels = (int(v) if v else 0 for v in probe.input_shape)
    minimum = (mh or 32, mw or 32)
    if tile_size < 2 * max(minimum):
        raise UserError(
            f"{{tile_size}} must be at least {2 * max(minimum)} for {probe.name} (twice its "
            f"{minimum[0]}x{minimum[1]} input), got {tile_size}",
            "tile_size",
        )
    notes = []
    if channels == 1 and photo.shape[-1] != 1:
        notes.append(
            f"{probe.name} takes 1 channel: dreamed on the grayscale (luma) version of the photo"
        )
    original = to_channels(photo, channels)[0].astype(np.float32)
    h, w = original.shape[:2]
    if h < minimum[0] or w < minimum[1]:
        raise UserError(
            f"{{image}} {source} is {w}x{h}; {probe.name} needs at least "
            f"{minimum[1]}x{minimum[0]} pixels",
            "image",
        )
    return original, minimum, notes


def dream(
    model: Any = "cifar10-cnn",
    image: str | os.PathLike | np.ndarray | None = None,
    *,
    layers: LayerSpec = None,
    octaves: int = 4,
    octave_scale: float = 1.4,
    steps: int = 20,
    step_size: float = DEFAULT_STEP_SIZE,
    tile_size: int = DEFAULT_TILE,
    seed: int = 0,
    progress: ProgressSpec = None,
) -> DreamResult:
    """DeepDream ``image`` with ``model``: amplify what the chosen layers half-see in it.

    Args:
        model: a zoo name, a .keras/.h5 path, a Keras model or a ``ModelHandle``.
        image: an image file, an H x W (x C) array (uint8 or float [0, 1]), or ``None``
            for the sample photo shipped with matplotlib (``grace_hopper.jpg``).
        layers: ``"conv2d_1=1.0,conv2d_2=1.5"``, ``{"conv2d_1": 1.0}``, ``"conv2d_2:17"``
            (one channel) or ``None`` for the last two conv layers weighted 1.0, 1.5.
        octaves: how many sizes to dream at, small to large (the last is the photo's).
        octave_scale: size ratio between successive octaves.
        steps: gradient-ascent steps per octave.
        step_size: pixel change per step, times the std-normalised gradient.
        tile_size: largest tile side the gradient is computed on (bounds memory).
        seed: seeds the random rolls.
        progress: ``True`` for a bar on stderr, or a factory (:mod:`interpret.core.progress`).

    Returns:
        A :class:`DreamResult` (``image`` at the input's resolution, ``original``,
        ``figures`` with the weighted activation before/after and their ratio).

    Example:
        >>> from interpret.data.images import load_image, sample_photo
        >>> photo, _ = load_image(sample_photo(), (150, 128, 3))
        >>> res = dream("mnist-cnn", photo, layers={"conv2d_1": 1.0}, octaves=2, steps=2)
        >>> res.image.shape, res.notes
        ((150, 128, 1), ['mnist-cnn takes 1 channel: dreamed on the grayscale (luma) version of the photo'])
    """
    from interpret.core.models import resolve

    _check_numbers(octaves, octave_scale, steps, step_size, tile_size)
    photo, source, stem = _read_photo(image)
    handle = resolve(model)
    probe = handle.probe
    targets = parse_layers(layers) or default_targets(probe)
    check_targets(probe, targets)
    original, minimum, notes = _fit_photo(probe, photo, source, tile_size)
    h, w = original.shape[:2]
    sizes = octave_sizes((h, w), octaves, float(octave_scale), minimum)
    parameters = {
        "image": source,
        "layers": [t.label for t in targets],
        "octaves": int(octaves),
        "octave_scale": float(octave_scale),
        "steps": int(steps),
        "step_size": float(step_size),
        "tile_size": int(tile_size),
        "seed": int(seed),
    }
    step = DreamStep(probe, targets, float(step_size))
    with advance(progress, len(sizes) * int(steps), f"dreaming {probe.name}") as tick:
        dreamed, seconds = _run(
            step, original, sizes, steps=int(steps), tile=int(tile_size), seed=int(seed), tick=tick
        )
    before = step.activation(original, int(tile_size))
    after = step.activation(dreamed, int(tile_size))
    figures = {  # + 0.0: a tiny negative value rounds to -0.0, printed "-0"
        "activation_before": round(before, 6) + 0.0,
        "activation_after": round(after, 6) + 0.0,
        "activation_ratio": round(after / before, 4) if before > 0 else None,  # none to amplify
        "seconds": round(seconds, 3),
        "octave_sizes": [list(s) for s in sizes],
    }
    return DreamResult(
        image=dreamed,
        original=original,
        targets=targets,
        parameters=parameters,
        figures=figures,
        notes=notes,
        stem=stem,
        model=probe.name,
        model_info=handle.describe(),
    )


def _run(
    step: DreamStep,
    original: np.ndarray,
    sizes: list[tuple[int, int]],
    *,
    steps: int,
    tile: int,
    seed: int,
    tick: Step,
) -> tuple[np.ndarray, float]:
    """The octave loop: resize up, re-inject lost detail, ascend ``steps`` times."""
    from interpret.data.images import resize

    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    img = resize(original, sizes[0])
    shrunk = img  # the original at the previous octave's size
    for k, size in enumerate(sizes):
        if k:
            img = _upscale_with_detail(img, shrunk, original, size)
            shrunk = resize(original, size) if k < len(sizes) - 1 else None
        buffer = np.empty_like(img)
        total = np.zeros(2, np.int64)  # how far the image is rolled right now
        for _ in range(steps):
            shift = [int(rng.integers(size[0])), int(rng.integers(size[1]))]
            img = step(img, shift, tile, buffer=buffer)
            total = (total + shift) % size
            tick(1)
        del buffer
        img = np.roll(img, (-int(total[0]), -int(total[1])), axis=(0, 1))
    return img, time.perf_counter() - start


def _upscale_with_detail(img: Any, shrunk: Any, original: np.ndarray, size: tuple[int, int]) -> Any:
    """Upscale the dream to ``size`` and add back the detail downscaling took from the photo.

    lost detail = original at ``size`` - (original at the previous size, upscaled)
    """
    from interpret._tf import tf
    from interpret.data.images import resize

    same_size = original if tuple(size) == original.shape[:2] else resize(original, size)
    out = tf.image.resize(img, size).numpy()
    out += same_size
    del same_size
    out -= tf.image.resize(shrunk, size).numpy()
    return np.clip(out, 0.0, 1.0, out=out)


def before_after_figure(result: DreamResult, title: str) -> Any:
    """A two-panel sheet: the photo as the model saw it, and the dream.

    Example:
        >>> import numpy as np
        >>> res = dream("mnist-cnn", np.random.default_rng(0).random((64, 64)), octaves=1, steps=2)
        >>> fig = before_after_figure(res, "mnist-cnn")
        >>> [ax.get_title().split(" (")[0] for ax in fig.axes]
        ['original', 'dream']
    """
    from interpret.gallery.style import image_grid

    f = result.figures
    fig, _ = image_grid(
        [result.original, result.image],
        titles=[
            f"original (activation {f['activation_before']:.3g})",
            f"dream (activation {f['activation_after']:.3g}, {ratio_text(f['activation_ratio'])})",
        ],
        cols=2,
        cell=4.0,
        suptitle=title,
        interpolation="bilinear",
    )
    return fig


def ratio_text(ratio: float | None) -> str:
    """How an activation ratio is shown.

    Example:
        >>> ratio_text(5.0931), ratio_text(None)
        ('x5.09', 'no activation before')
    """
    return "no activation before" if ratio is None else f"x{ratio:.2f}"


def _save(result: DreamResult, gallery: Any) -> list[Any]:
    """Write the dreamed image and the before/after sheet (each with a sidecar) to a gallery."""
    from interpret.gallery.store import Gallery

    model_name = result.model

    g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
    name = f"{result.stem}-" + "-".join(
        t.label.split("=")[0].replace(":", "c") for t in result.targets
    )
    meta = {
        "seed": result.parameters["seed"],
        "layer": [t.label for t in result.targets],
        "parameters": result.parameters,
        "figures": result.figures,
        "notes": result.notes,
        **result.model_info,
    }
    art = g.save_image(result.image, model=model_name, technique="dream", name=name, meta=meta)
    sheet = g.save_figure(
        before_after_figure(result, result.title),
        model=model_name,
        technique="dream",
        name=f"{name}-before-after",
        meta={**meta, "dream_image": art.png.name},
    )
    return [art, sheet]
