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

The models run through :meth:`interpret.core.probe.Probe.extractor` with
``size=(None, None)``, i.e. through their fully convolutional part, so the zoo's
32x32 and 28x28 CNNs dream on photos of any size. A one-channel model dreams on
the photo's grayscale (luma) version.

Example:
    >>> import interpret
    >>> res = interpret.dream("cifar10-cnn", "photo.jpg", layers="conv2d_1=1.0,conv2d_2=1.5")  # doctest: +SKIP
    >>> res.image.shape == res.original.shape  # doctest: +SKIP
    True
    >>> res.figures["activation_ratio"] > 3  # doctest: +SKIP
    True
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from interpret.core.errors import UserError

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
        """``conv2d_2:17=1.5`` style text, as ``--layers`` takes it.

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
                f"cannot read the weight {w!r} of layer {name!r}; write layers as conv2d_1=1.0,conv2d_2:17=1.5"
            ) from None
        if not np.isfinite(weight) or weight == 0:
            raise UserError(f"the weight of layer {name!r} must be a non-zero number, got {w!r}")
        layer, colon, chan = name.partition(":")
        channel = None
        if colon:
            if not chan.strip().isdigit():
                raise UserError(
                    f"cannot read channel {chan!r} in {name!r}; write a single channel as layer:17"
                )
            channel = int(chan)
        if not layer:
            raise UserError(
                f"empty layer name in {name!r}; write layers as conv2d_1=1.0,conv2d_2=1.5"
            )
        targets.append(Target(layer.strip(), channel, weight))
    return targets


def default_targets(probe: Any) -> list[Target]:
    """The last two convolution layers, weighted 1.0 and 1.5 (deeper = more weight).

    Example:
        >>> [t.label for t in default_targets(resolve("cifar10-cnn").probe)]  # doctest: +SKIP
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
        >>> check_targets(probe, [Target("dense")])  # doctest: +SKIP
        UserError: layer dense has no spatial output ...
    """
    for t in targets:
        info = probe.layer(t.layer)
        if info.kind != "spatial":
            raise UserError(
                f"layer {t.layer} has no spatial output (shape {info.output_shape}); DeepDream needs a "
                f"layer with (H, W, C) output: {', '.join(probe.spatial_layers()) or 'none in this model'}"
            )
        if t.channel is not None:
            probe.check_filter(t.layer, t.channel)


def dream_loss(outputs: Sequence[Any], targets: Sequence[Target], index: Sequence[int]) -> Any:
    """The objective: weighted mean activation of the chosen layers (or single channels).

    ``outputs`` are the extractor's outputs, ``index[i]`` says which output target
    ``i`` reads. Kept separate so it can be swapped for a shared objective.

    Example:
        >>> dream_loss([tf.ones((1, 4, 4, 8))], [Target("c", 3, 2.0)], [0])  # doctest: +SKIP
        <tf.Tensor: shape=(), dtype=float32, numpy=2.0>
    """
    from interpret._tf import tf

    total = tf.constant(0.0, tf.float32)
    for t, i in zip(targets, index):
        act = outputs[i]
        if t.channel is not None:
            act = act[..., t.channel]
        total = total + t.weight * tf.reduce_mean(tf.cast(act, tf.float32))
    return total


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


_bounds = tile_bounds


class DreamStep:
    """The DeepDream step: random roll, tiled gradient, normalise, ascend, clip.

    The per-tile gradient is one ``tf.function`` traced once: its input signature
    has ``None`` spatial dims, so every tile of every octave reuses the same graph.
    The tiles are assembled into a gradient buffer the size of the image and the
    image is updated in place (NumPy), so memory holds a few copies of the image
    plus one tile's activations, whatever the photo's size.

    Example:
        >>> step = DreamStep(probe.extractor(["conv2d_1"], size=(None, None)),
        ...                  [Target("conv2d_1")], [0], channels=3)  # doctest: +SKIP
        >>> img = step(img, shift=(3, 5), tile=512, step_size=0.01)  # doctest: +SKIP
    """

    def __init__(
        self,
        extractor: Any,
        targets: Sequence[Target],
        index: Sequence[int],
        channels: int,
        loss: Callable[..., Any] = dream_loss,
    ):
        from interpret._tf import tf

        self.extractor = extractor
        self.targets = list(targets)
        self.index = list(index)
        self.loss_fn = loss
        spec = [tf.TensorSpec([None, None, channels], tf.float32)]
        self.tile_gradient = tf.function(self._tile_gradient, input_signature=spec, autograph=False)
        self.tile_loss = tf.function(self._tile_loss, input_signature=spec, autograph=False)

    def _tile_loss(self, tile: Any) -> Any:
        return self.loss_fn(self.extractor(tile[None], training=False), self.targets, self.index)

    def _tile_gradient(self, tile: Any) -> tuple[Any, Any, Any]:
        """Gradient of the tile's loss w.r.t. the tile, with the sum and sum of squares of its entries."""
        from interpret._tf import tf

        with tf.GradientTape() as tape:
            tape.watch(tile)
            loss = self._tile_loss(tile)
        g = tape.gradient(loss, tile)
        return g, tf.reduce_sum(g), tf.reduce_sum(tf.square(g))

    def gradient(
        self, img: np.ndarray, tile: int, out: np.ndarray | None = None
    ) -> tuple[np.ndarray, float]:
        """The tiled gradient of an H x W x C image (each tile differentiated on its own) and its std.

        Example:
            >>> grad, std = step.gradient(img, 512)  # doctest: +SKIP
        """
        h, w = img.shape[:2]
        grad = np.empty_like(img) if out is None else out
        s1 = s2 = 0.0
        ys, xs = _bounds(h, tile), _bounds(w, tile)
        for y0, y1 in zip(ys[:-1], ys[1:]):
            for x0, x1 in zip(xs[:-1], xs[1:]):
                g, a, b = self.tile_gradient(np.ascontiguousarray(img[y0:y1, x0:x1]))
                grad[y0:y1, x0:x1] = g.numpy()
                s1 += float(a)
                s2 += float(b)
        n = float(grad.size)
        return grad, float(np.sqrt(max(s2 / n - (s1 / n) ** 2, 0.0)))

    def __call__(
        self,
        img: np.ndarray,
        shift: Sequence[int],
        tile: int,
        step_size: float,
        buffer: np.ndarray | None = None,
    ) -> np.ndarray:
        """One ascent step on an H x W x C [0, 1] float32 image; returns the new image.

        The image comes back rolled by ``shift`` (rolling it back every step would
        cost a full-size copy); the caller keeps the running shift and undoes it once,
        e.g. ``np.roll(img, (-sy, -sx), axis=(0, 1))``. ``buffer`` (same shape) is
        reused for the gradient.
        """
        rolled = np.roll(img, tuple(int(s) for s in shift), axis=(0, 1))
        grad, std = self.gradient(rolled, tile, out=buffer)
        grad *= np.float32(step_size / (std + 1e-8))
        rolled += grad
        np.clip(rolled, 0.0, 1.0, out=rolled)
        return rolled

    def activation(self, img: np.ndarray, tile: int) -> float:
        """The objective on a whole image, tile by tile (area-weighted mean of tile losses).

        Example:
            >>> step.activation(photo, 512)  # doctest: +SKIP
            0.183
        """
        h, w = img.shape[:2]
        ys, xs = _bounds(h, tile), _bounds(w, tile)
        total = 0.0
        for y0, y1 in zip(ys[:-1], ys[1:]):
            for x0, x1 in zip(xs[:-1], xs[1:]):
                patch = np.ascontiguousarray(img[y0:y1, x0:x1])
                total += float(self.tile_loss(patch)) * (y1 - y0) * (x1 - x0)
        return float(total / (h * w))


@dataclass
class DreamResult:
    """What :func:`dream` returns: the dreamed image and how it was made."""

    image: np.ndarray  # H x W x C float32 [0, 1], the input's resolution, the model's channels
    original: np.ndarray  # the photo as the model saw it (same shape)
    targets: list[Target]
    parameters: dict
    figures: dict
    notes: list[str] = field(default_factory=list)
    artifacts: list[Any] = field(default_factory=list)
    stem: str = "array"  # the photo's file name without suffix, for gallery names


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
    for value, name in ((octaves, "octaves"), (steps, "steps")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise UserError(f"{name} must be a whole number of at least 1, got {value!r}")
    if not (
        isinstance(octave_scale, (int, float)) and np.isfinite(octave_scale) and octave_scale >= 1
    ):
        raise UserError(
            f"octave_scale must be a number of at least 1 (e.g. 1.4), got {octave_scale!r}"
        )
    if not (isinstance(step_size, (int, float)) and np.isfinite(step_size) and step_size > 0):
        raise UserError(f"step_size must be greater than 0 (e.g. 0.02), got {step_size!r}")
    if isinstance(tile, bool) or not isinstance(tile, (int, np.integer)):
        raise UserError(f"tile_size must be a whole number of pixels, got {tile!r}")


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
    progress: bool | Callable[[int], Any] = False,
    gallery: Any = None,
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
        progress: ``True`` for a progress bar on stderr, or a callable taking a step count.
        gallery: a directory or :class:`~interpret.gallery.store.Gallery` to save the dreamed
            image and a before/after sheet into (with sidecars); ``None`` saves nothing.

    Returns:
        A :class:`DreamResult` (``image`` at the input's resolution, ``original``,
        ``figures`` with the weighted activation before/after and their ratio).

    Example:
        >>> res = dream("mnist-cnn", "photo.jpg", layers={"conv2d_1": 1.0}, octaves=3)  # doctest: +SKIP
        >>> res.notes  # doctest: +SKIP
        ['mnist-cnn takes 1 channel: dreamed on the grayscale (luma) version of the photo']
    """
    from interpret.core.models import resolve
    from interpret.data.images import as_image, read_image, sample_photo, to_channels

    _check_numbers(octaves, octave_scale, steps, step_size, tile_size)
    if isinstance(image, np.ndarray):
        source, stem, photo = "array", "array", as_image(image)
    else:
        path = Path(image) if image is not None else sample_photo()
        photo, stem = as_image(read_image(path)), path.stem
        source = str(path) if image is not None else f"{path.name} (matplotlib sample data)"
    handle = resolve(model)
    probe = handle.probe
    targets = parse_layers(layers) or default_targets(probe)
    check_targets(probe, targets)
    names = list(dict.fromkeys(t.layer for t in targets))
    extractor = probe.extractor(names, size=(None, None))

    mh, mw, channels = (int(v) if v else 0 for v in probe.input_shape)
    minimum = (mh or 32, mw or 32)
    if tile_size < 2 * max(minimum):
        raise UserError(
            f"tile_size must be at least {2 * max(minimum)} for {probe.name} (twice its {minimum[0]}x{minimum[1]} input), got {tile_size}"
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
            f"image {source} is {w}x{h}; {probe.name} needs at least {minimum[1]}x{minimum[0]} pixels"
        )
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
    step = DreamStep(extractor, targets, [names.index(t.layer) for t in targets], channels)
    dreamed, seconds = _run(
        step,
        original,
        sizes,
        steps=int(steps),
        step_size=float(step_size),
        tile=int(tile_size),
        seed=int(seed),
        progress=progress,
        probe_name=probe.name,
    )
    before = step.activation(original, int(tile_size))
    after = step.activation(dreamed, int(tile_size))
    figures = {
        "activation_before": round(before, 6),
        "activation_after": round(after, 6),
        "activation_ratio": round(after / before, 4) if before > 0 else None,  # none to amplify
        "seconds": round(seconds, 3),
        "octave_sizes": [list(s) for s in sizes],
    }
    result = DreamResult(
        image=dreamed,
        original=original,
        targets=targets,
        parameters=parameters,
        figures=figures,
        notes=notes,
        stem=stem,
    )
    if gallery is not None:
        result.artifacts = save(result, probe.name, gallery)
    return result


def _run(
    step: DreamStep,
    original: np.ndarray,
    sizes: list[tuple[int, int]],
    *,
    steps: int,
    step_size: float,
    tile: int,
    seed: int,
    progress: bool | Callable[[int], Any],
    probe_name: str,
) -> tuple[np.ndarray, float]:
    """The octave loop: resize up, re-inject lost detail, ascend ``steps`` times."""
    from interpret.data.images import resize

    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    with _progress(progress, len(sizes) * steps, f"dreaming {probe_name}") as advance:
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
                img = step(img, shift, tile, step_size, buffer=buffer)
                total = (total + shift) % size
                advance(1)
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


class _progress:
    """A progress bar (``True``), a user callback, or nothing."""

    def __init__(self, spec: bool | Callable[[int], Any], total: int, label: str):
        self.spec, self.total, self.label, self._cm = spec, total, label, None

    def __enter__(self) -> Callable[[int], Any]:
        if callable(self.spec):
            return self.spec
        if self.spec:
            from interpret.cli.common import progress

            self._cm = progress(self.total, self.label)
            bar = self._cm.__enter__()
            return bar.update
        return lambda n: None

    def __exit__(self, *exc: Any) -> None:
        if self._cm is not None:
            self._cm.__exit__(*exc)


def before_after_figure(result: DreamResult, title: str) -> Any:
    """A two-panel sheet: the photo as the model saw it, and the dream.

    Example:
        >>> fig = before_after_figure(res, "cifar10-cnn")  # doctest: +SKIP
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


def save(result: DreamResult, model_name: str, gallery: Any) -> list[Any]:
    """Write the dreamed image and the before/after sheet (each with a sidecar) to a gallery.

    Example:
        >>> [a.png.name for a in save(res, "cifar10-cnn", "gallery")]  # doctest: +SKIP
        ['grace_hopper-conv2d_1-conv2d_2.png', 'grace_hopper-conv2d_1-conv2d_2-before-after.png']
    """
    from interpret.gallery.store import Gallery

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
    }
    art = g.save_image(result.image, model=model_name, technique="dream", name=name, meta=meta)
    title = f"{model_name} DeepDream: {', '.join(t.label for t in result.targets)}"
    sheet = g.save_figure(
        before_after_figure(result, title),
        model=model_name,
        technique="dream",
        name=f"{name}-before-after",
        meta={**meta, "dream_image": art.png.name},
    )
    return [art, sheet]
