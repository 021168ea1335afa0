"""Render: the images that maximise an objective, found by Adam on a parameterized image.

The plain idea (lucid's ``render_vis``), which :func:`render` runs for a whole batch
of targets at once on the shared loop of :mod:`interpret.core.ascent`::

    image = param.image()                          # sigmoid of a Fourier spectrum
    moved = transforms(image, step)                # jitter and zoom, a new draw each step
    score = objective(model(moved)) - penalties    # one value per image
    Adam step on the parameterization, ascending score

The knobs of the prior and the loop are one value, :class:`RenderSettings`, declared
once with their defaults and checks; ``maximize`` (and the CLI) take them from it.
Every random draw (the start image and each step's moves) comes from ``seed``.

Dead ReLUs. A filter whose pre-activation is negative everywhere on the start
image has zero gradient, so plain ascent leaves it grey. The loop therefore reads
layers that end in a ReLU *before* the ReLU (a :class:`~interpret.core.reader.Reader`
with ``leak=True``) and applies a leaky ReLU whose negative slope starts at ``leak``
and falls linearly to 0 at ``warmup`` of the steps. From then on the objective is
exactly the model's own activation. Other nonlinearities are applied unchanged.

Example:
    >>> from interpret.core import objectives as obj
    >>> from interpret.core.models import resolve
    >>> probe = resolve("mnist-cnn").probe
    >>> out = render(probe, obj.channel("conv2d_1", [0, 1]), batch=2,
    ...              settings=RenderSettings(steps=8, precision="float32"))
    >>> out.images.shape, out.values.shape
    ((2, 28, 28, 1), (2,))
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpret._fast import precision as precision_lib
from interpret.core import checks
from interpret.core import objectives as obj
from interpret.core.ascent import Ascent
from interpret.core.errors import UserError
from interpret.core.objectives import Objective
from interpret.core.reader import Reader
from interpret.core.updates import Adam
from interpret.visualize import param as param_lib
from interpret.visualize import transforms as T


@dataclass(frozen=True)
class RenderSettings:
    """The knobs of a render, each with its default and its check (the one place for both).

    Example:
        >>> RenderSettings().steps, RenderSettings(steps=64).steps
        (256, 64)
        >>> RenderSettings(scale=0.9)
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: scale= must lie in [0, 0.5], got 0.9
    """

    steps: int = field(default=256, metadata={"help": "Optimisation steps."})
    lr: float = field(default=0.05, metadata={"help": "Adam learning rate."})
    param: str = field(
        default="fourier", metadata={"help": "Image parameterization.", "choices": param_lib.KINDS}
    )
    decorrelate: bool = field(default=True, metadata={"help": "Colour-decorrelate RGB images."})
    jitter: int | None = field(
        default=None, metadata={"help": "Jitter in pixels [default: canvas side / 16]."}
    )
    scale: float = field(default=0.05, metadata={"help": "Random zoom +-, at most 0.5."})
    rotate: float = field(
        default=0.0,
        metadata={
            "help": "Random rotation, degrees (at most 45). Off by default: without it the "
            "moves fold into the Fourier synthesis, which is faster."
        },
    )
    tv: float = field(default=0.0, metadata={"help": "Total-variation penalty weight."})
    l2: float = field(default=0.0, metadata={"help": "L2 penalty weight."})
    blur: float = field(default=0.0, metadata={"help": "Blur penalty weight."})
    leak: float = field(default=0.1, metadata={"help": "Dead-ReLU fix: starting leak."})
    warmup: float = field(
        default=0.8, metadata={"help": "Dead-ReLU fix: fraction of the steps the leak lasts."}
    )
    init_sd: float = field(
        default=0.01,
        metadata={
            "help": "Spread of the random start around grey. Adversarially trained models "
            "can be flat (zero gradient) on near-uniform images: try 0.3."
        },
    )
    precision: str = field(
        default="auto",
        metadata={
            "help": "Arithmetic of the loop: auto = bfloat16 on CPUs with AMX or AVX512-BF16, "
            "float32 elsewhere. Results are always scored in float32.",
            "choices": precision_lib.CHOICES,
        },
    )

    def __post_init__(self) -> None:
        checks.positive_int(self.steps, "steps")
        checks.positive(self.lr, "lr")
        checks.choice(self.param, param_lib.KINDS, "param", "parameterization")
        if self.jitter is not None:
            checks.positive_int(self.jitter, "jitter", minimum=0)
        checks.non_negative(self.scale, "scale", maximum=0.5)  # near 1 the image vanishes
        checks.non_negative(self.rotate, "rotate", maximum=45)  # the two-pass warp's range
        for name in ("tv", "l2", "blur", "leak", "warmup", "init_sd"):
            checks.non_negative(getattr(self, name), name)
        precision_lib.resolve(self.precision)

    def replace(self, **changes: Any) -> RenderSettings:
        """A copy with some knobs changed (checked again).

        Example:
            >>> RenderSettings().replace(steps=16).steps
            16
        """
        return dataclasses.replace(self, **changes)

    def with_penalties(self, target: Objective) -> Objective:
        """``target`` minus the weighted penalties these settings ask for.

        Example:
            >>> RenderSettings(tv=0.1).with_penalties(obj.channel("c", 1)).name
            'channel(c, 1) - 0.1 * total_variation()'
        """
        total = target
        if self.tv:
            total = total - float(self.tv) * obj.total_variation()
        if self.l2:
            total = total - float(self.l2) * obj.lp(2)
        if self.blur:
            total = total - float(self.blur) * obj.blur()
        return total

    def pipeline(self, side: int) -> T.Pipeline:
        """The default prior's moves for a canvas of ``side`` pixels.

        Example:
            >>> RenderSettings().pipeline(32).name
            'jitter(2), scale(0.05), jitter(1)'
        """
        return T.default(side, self.jitter, float(self.scale), float(self.rotate))

    @classmethod
    def from_options(cls, options: dict) -> RenderSettings:
        """Settings from keyword options; an unknown one is an error that lists the knobs.

        Example:
            >>> RenderSettings.from_options({"stesp": 3})
            Traceback (most recent call last):
            ...
            interpret.core.errors.UserError: unknown render setting stesp=; settings: steps, lr, param, decorrelate, jitter, scale, rotate, tv, l2, blur, leak, warmup, init_sd, precision
        """
        names = [f.name for f in dataclasses.fields(cls)]
        unknown = [k for k in options if k not in names]
        if unknown:
            raise UserError(
                f"unknown render setting {{{unknown[0]}}}; settings: {', '.join(names)}",
                unknown[0],
            )
        return cls(**options)


@dataclass
class RenderResult:
    """What :func:`render` returns: the images and how the run went."""

    images: np.ndarray  # (B, H, W, C) float32 in [0, 1]
    values: np.ndarray  # the score per image on the final, untransformed images
    seconds: float
    settings: dict = field(default_factory=dict)
    # (B,) bool: the image is exactly its start (the gradient was zero at every step)
    still: np.ndarray | None = None


@dataclass
class Frames:
    """The frame-capture hook of :func:`render`: the images at step 0 and every ``every`` steps.

    ``steps[i]`` is the step count at which ``images[i]`` (B, H, W, C) was taken; the
    last frame is the final image. Pass one as ``render(..., frames=Frames(8))``.

    Example:
        >>> f = Frames(every=2)
        >>> step = f.hook(lambda: np.zeros((1, 2, 2, 1)), None)
        >>> step(2); step(1)
        >>> f.steps
        [0, 2, 3]
    """

    every: int
    steps: list[int] = field(default_factory=list)
    images: list[np.ndarray] = field(default_factory=list)

    def hook(
        self, snapshot: Callable[[], np.ndarray], advance: Callable[[int], None] | None
    ) -> Callable[[int], None]:
        """Take the first frame now; return an ``advance`` that takes one after each chunk."""
        self.steps.append(0)
        self.images.append(snapshot())

        def step(n: int) -> None:
            self.steps.append(self.steps[-1] + int(n))
            self.images.append(snapshot())
            if advance is not None:
                advance(n)

        return step


def evaluate(
    probe: Any, objective: Objective, images: Any, size: tuple[int, int] | None = None
) -> np.ndarray:
    """The objective's value for each of ``images`` (no transforms, no leak), in float32.

    Example:
        >>> from interpret.core.models import resolve
        >>> evaluate(resolve("mnist-cnn").probe, obj.class_logit(0), np.zeros((1, 28, 28, 1))).shape
        (1,)
    """
    from interpret._tf import tf

    reader = Reader(probe, objective, size=size, leak=True)
    x = tf.convert_to_tensor(np.asarray(images, "float32"))
    return np.asarray(objective(reader(x, 0.0)), "float32")


def render(
    probe: Any,
    target: Objective,
    *,
    batch: int,
    settings: RenderSettings | None = None,
    size: tuple[int, int] | None = None,
    transforms: T.Pipeline | None = None,
    seed: int = 0,
    chunk: int = 32,
    advance: Callable[[int], None] | None = None,
    param: Any = None,
    frames: Frames | None = None,
    leak: Any = None,
) -> RenderResult:
    """Maximise ``target`` (minus the settings' penalties) over ``batch`` images; return them.

    Args:
        probe: the model's :class:`~interpret.core.probe.Probe`.
        target: one value per image (see :mod:`interpret.core.objectives`);
            ``values`` report it on the final images, without the penalties.
        batch: number of images optimised together.
        settings: the prior and loop knobs (:class:`RenderSettings`).
        size: canvas (H, W); default the model's input size. A larger canvas runs
            the fully convolutional part of the model only.
        transforms: the moves applied every step; default ``settings.pipeline``.
        seed: seeds the start images and every step's moves.
        chunk, advance: ``advance(n)`` is called after every ``chunk`` steps.
        param: a parameterization built by the caller (:mod:`interpret.visualize.param`,
            e.g. one shared along the batch) instead of the one ``settings`` name.
        frames: a :class:`Frames` to fill with the images every ``frames.every`` steps.
        leak: the layers the dead-ReLU leak applies to (default: every layer the
            objective reads); the others are read as the model computes them, which
            spares a second pass of a layer whose output also feeds a deeper one read.

    Example:
        >>> from interpret.core.models import resolve
        >>> r = render(resolve("mnist-cnn").probe, obj.class_logit([0, 1]), batch=2,
        ...            settings=RenderSettings(steps=4, precision="float32"))
        >>> r.values.shape
        (2,)
    """
    from interpret._tf import tf

    s = settings or RenderSettings()
    used = precision_lib.resolve(s.precision)
    h0, w0, channels = probe.input_shape
    canvas = (int(size[0]), int(size[1])) if size else (int(h0), int(w0))
    open_canvas = canvas != (h0, w0)
    if target.logits and open_canvas:
        raise UserError(
            f"class targets need the model's own {h0}x{w0} input; drop {{size}} for class targets",
            "size",
        )
    objective = s.with_penalties(target)
    leaked = True if leak is None else leak
    reader = Reader(probe, objective, size=canvas if open_canvas else None, leak=leaked)
    p = param or param_lib.make(
        s.param, batch, canvas, int(channels), seed, sd=s.init_sd, decorrelate=s.decorrelate
    )
    pipeline = transforms if transforms is not None else s.pipeline(max(canvas))
    warm_steps = max(1.0, float(s.warmup) * int(s.steps))
    seed_t = tf.constant([int(seed) % (2**31 - 1), 0], tf.int32)
    moved = pipeline.mover(p, int(s.steps), canvas, seed_t)
    leak = float(s.leak)

    def score(step: Any) -> Any:
        slope = leak * tf.maximum(0.0, 1.0 - tf.cast(step, tf.float32) / warm_steps)
        img = p.image()  # pruned from the graph unless the objective reads it
        x = T.center_crop(moved(step, img), *canvas)
        return objective(reader(x, slope, raw=img))

    if frames is not None:  # the images between chunks of frames.every steps
        chunk, advance = frames.every, frames.hook(lambda: p.image().numpy(), advance)
    first = p.image().numpy()
    start = time.perf_counter()
    Ascent(score, p.variables, Adam(s.lr)).run(
        int(s.steps), chunk=chunk, advance=advance, precision=used
    )
    images = p.image().numpy()
    seconds = time.perf_counter() - start
    values = evaluate(probe, target, images, canvas if open_canvas else None)
    described = {
        **p.describe(),
        "transforms": pipeline.name,
        "steps": int(s.steps),
        "lr": float(s.lr),
        "seed": int(seed),
        "leak": leak,
        "warmup": float(s.warmup),
        "size": list(canvas),
        "optimizer": "adam",
        "precision": used,
    }
    still = np.all(images == first, axis=tuple(range(1, images.ndim)))
    return RenderResult(images, values, seconds, settings=described, still=still)
