"""The one optimisation loop: gradient ascent on a batch of parameterized images.

:func:`render` builds one extractor for every layer the objective reads, then
runs Adam on the parameterization with one ``tf.function`` step (traced once,
called from a Python loop, which on CPU is faster than an in-graph ``tf.range``
loop); the progress bar moves between chunks of steps. Every random draw (the start image
and each step's transforms) comes from ``seed``.

Dead ReLUs. A filter whose pre-activation is negative everywhere on the start
image has zero gradient, so plain ascent leaves it grey. The loop therefore reads
layers that end in a ReLU *before* the ReLU (see ``Probe.extractor(pre_activation=True)``)
and applies a leaky ReLU whose negative slope starts at ``leak`` and falls
linearly to 0 at ``warmup`` of the steps. From then on the objective is exactly
the model's own activation. Other nonlinearities are applied unchanged.

Example:
    >>> from interpret.core import objectives as obj
    >>> from interpret.visualize.render import render
    >>> out = render(probe, obj.channel("conv2d_2", list(range(64))), batch=64)  # doctest: +SKIP
    >>> out.images.shape  # doctest: +SKIP
    (64, 32, 32, 3)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpret._fast import precision as precision_lib
from interpret.core.errors import UserError
from interpret.core.objectives import Context, Objective
from interpret.visualize import param as param_lib
from interpret.visualize import transforms as T


@dataclass
class RenderResult:
    """What :func:`render` returns: the images and how the run went."""

    images: np.ndarray  # (B, H, W, C) float32 in [0, 1]
    values: np.ndarray  # objective per image on the final, untransformed images
    seconds: float
    settings: dict = field(default_factory=dict)


class _Reader:
    """Turns the extractor's outputs into the Context's activations (with the leak)."""

    def __init__(self, probe: Any, objective: Objective, size: tuple[int, int] | None):
        self.layers = sorted(objective.layers)
        self.logits = objective.logits
        self.extractor = probe.extractor(
            self.layers, size=size, logits=self.logits, pre_activation=True
        )
        self.activations = [probe.activation(name) for name in self.layers]

    def __call__(self, images: Any, slope: Any) -> tuple[dict, Any]:
        outs = self.extractor(images, training=False)
        if not isinstance(outs, (list, tuple)):
            outs = [outs]
        acts = {}
        for name, (kind, fn), pre in zip(self.layers, self.activations, outs):
            if kind == "relu":
                acts[name] = _leaky_relu(pre, slope)
            elif kind:
                acts[name] = fn(pre)
            else:
                acts[name] = pre
        logits = outs[len(self.layers)] if self.logits else None
        return acts, logits


def _leaky_relu(pre: Any, slope: Any) -> Any:
    """max(pre, slope * pre) for a slope in [0, 1] given as a tensor (it changes every step).

    Computed as ``pre * g`` with ``g = max(sign(pre), slope)`` (1 where pre > 0, else
    the slope), and ``g`` is the gradient too: four elementwise ops in all, none of
    them a select (a select and a comparison are among the slowest elementwise ops in
    TensorFlow's bfloat16 rewrite, and the generic gradient of ``tf.maximum`` takes five).
    """
    from interpret._tf import tf

    @tf.custom_gradient
    def leaky(x: Any) -> Any:
        g = tf.maximum(tf.sign(x), slope)

        def grad(dy: Any) -> Any:
            return dy * g

        return x * g, grad

    return leaky(pre)


def evaluate(
    probe: Any, objective: Objective, images: Any, size: tuple[int, int] | None = None
) -> np.ndarray:
    """The objective's value for each of ``images`` (no transforms, no leak).

    Example:
        >>> evaluate(probe, obj.channel("conv2d", 0), images)  # doctest: +SKIP
        array([0.31], dtype=float32)
    """
    from interpret._tf import tf

    reader = _Reader(probe, objective, size)
    x = tf.convert_to_tensor(np.asarray(images, "float32"))
    acts, logits = reader(x, 0.0)
    return np.asarray(objective(Context(acts, logits, x, x)), "float32")


def adam_update(
    var: Any,
    m: Any,
    v: Any,
    grad: Any,
    t: Any,
    lr: Any,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> Any:
    """One Adam step on ``var`` (descending ``grad``) at step ``t`` (1-based), as one fused kernel.

    ``m`` and ``v`` are the moment variables (same shape as ``var``); TensorFlow's
    ``ResourceApplyAdam`` does the bias-corrected update in one pass over memory.

    Example:
        >>> adam_update(x, m, v, g, tf.constant(1.0), 0.05)  # doctest: +SKIP
    """
    from interpret._tf import tf

    t = tf.cast(t, tf.float32)
    return tf.raw_ops.ResourceApplyAdam(
        var=var.handle,
        m=m.handle,
        v=v.handle,
        beta1_power=beta1**t,
        beta2_power=beta2**t,
        lr=tf.cast(lr, tf.float32),
        beta1=tf.constant(beta1),
        beta2=tf.constant(beta2),
        epsilon=tf.constant(eps),
        grad=grad,
    )


def render(
    probe: Any,
    objective: Objective,
    *,
    batch: int,
    size: tuple[int, int] | None = None,
    param: str = "fourier",
    decorrelate: bool = True,
    transforms: T.Pipeline | None = None,
    steps: int = 256,
    lr: float = 0.05,
    seed: int = 0,
    leak: float = 0.1,
    warmup: float = 0.8,
    chunk: int = 32,
    progress: Callable[[int], None] | None = None,
    precision: str = "auto",
    score: Objective | None = None,
) -> RenderResult:
    """Maximise ``objective`` over ``batch`` images with Adam; return them.

    Args:
        probe: the model's :class:`~interpret.core.probe.Probe`.
        objective: one value per image (see :mod:`interpret.core.objectives`).
        batch: number of images optimised together.
        size: canvas (H, W); default the model's input size. A larger canvas runs
            the fully convolutional part of the model only.
        param: ``"fourier"`` or ``"pixel"`` (see :mod:`interpret.visualize.param`).
        decorrelate: colour-decorrelate RGB images.
        transforms: applied in-graph every step; default :func:`transforms.default`.
        steps, lr: Adam steps and learning rate.
        seed: seeds the start images and every step's transforms.
        leak, warmup: the dead-ReLU fix (leaky slope, fraction of steps it lasts).
        chunk: ``progress(n)`` is called after every ``chunk`` steps.
        precision: arithmetic of the loop, ``"auto"``, ``"float32"`` or ``"bfloat16"``
            (see :mod:`interpret._fast.precision`); ``values`` are always measured in float32.
        score: what ``values`` measures on the final images; default ``objective``
            (pass the bare target when ``objective`` adds regularisers).

    Example:
        >>> r = render(probe, obj.class_logit([0, 1]), batch=2, steps=64)  # doctest: +SKIP
        >>> r.values.shape  # doctest: +SKIP
        (2,)
    """
    from interpret._tf import tf

    if int(steps) <= 0:
        raise UserError(f"steps must be greater than 0, got {steps}")
    if not lr > 0:
        raise UserError(f"learning rate must be greater than 0, got {lr}")
    used = precision_lib.resolve(precision)
    h0, w0, channels = probe.input_shape
    canvas = (int(size[0]), int(size[1])) if size else (int(h0), int(w0))
    open_canvas = canvas != (h0, w0)
    if objective.logits and open_canvas:
        raise UserError(
            f"class targets need the model's own {h0}x{w0} input; drop --size for class targets"
        )
    reader = _Reader(probe, objective, canvas if open_canvas else None)
    p = param_lib.make(param, batch, canvas, int(channels), seed, decorrelate=decorrelate)
    pipeline = transforms if transforms is not None else T.default(max(canvas))
    variables = p.variables
    m = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
    v2 = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
    t_var = tf.Variable(0, dtype=tf.int64, trainable=False)
    warm_steps = max(1.0, float(warmup) * int(steps))
    seed_t = tf.constant([int(seed) % (2**31 - 1), 0], tf.int32)
    lr_t = tf.constant(float(lr), tf.float32)

    # every step's moves, drawn at once and shared by the batch; a Fourier image with
    # moves that keep the axes apart (the default prior) folds them into its synthesis
    fold = p.kind == "fourier" and pipeline.separable
    if fold:
        moves = pipeline.axis_plan(int(steps), *canvas, seed_t)
    else:
        plan = pipeline.plan(int(steps), *canvas, seed_t)

    def objective_value(slope: Any, step: Any) -> Any:
        img = p.image()  # pruned from the graph unless the objective reads it
        if fold:
            x = tf.sigmoid(p.logits(*moves.at(step)))
        else:  # rotation, pixels or a pad: resample the images, one shared map per run
            maps = [stage.at(step) for stage in plan]
            x = pipeline(img, seed_t + tf.stack([0, tf.cast(step, tf.int32)]), maps)
        x = T.center_crop(x, *canvas)
        acts, logits = reader(x, slope)
        return objective(Context(acts, logits, x, img))

    @tf.function(autograph=False)  # plain Python control flow only: tracing is faster
    def step() -> Any:
        t_var.assign_add(1)
        k = t_var - 1
        slope = leak * tf.maximum(0.0, 1.0 - tf.cast(k, tf.float32) / warm_steps)
        with tf.GradientTape() as tape:
            loss = -tf.reduce_sum(objective_value(slope, k))
        grads = tape.gradient(loss, variables)
        for var, g, mm, vv in zip(variables, grads, m, v2):
            adam_update(var, mm, vv, g, t_var, lr_t)  # descent on -objective = ascent
        return loss

    # A Python loop over one compiled step: on CPU, TensorFlow runs the same step
    # ~1.5x slower inside a tf.range while-loop than as separate calls, and the
    # per-call overhead (well under a millisecond) is nothing next to a step.
    start = time.perf_counter()
    done = 0
    with precision_lib.compute(used):
        while done < steps:
            n = min(int(chunk), int(steps) - done)
            for _ in range(n):
                step()
            done += n
            if progress is not None:
                progress(n)
    images = p.image().numpy()
    seconds = time.perf_counter() - start
    scored = objective if score is None else score
    values = evaluate(probe, scored, images, canvas if open_canvas else None)
    settings = {
        **p.describe(),
        "transforms": pipeline.name,
        "steps": int(steps),
        "lr": float(lr),
        "seed": int(seed),
        "leak": float(leak),
        "warmup": float(warmup),
        "size": list(canvas),
        "optimizer": "adam",
        "precision": used,
    }
    return RenderResult(images=images, values=values, seconds=seconds, settings=settings)
