"""What every attribution method is given and returns, and the compiled pieces they share.

A method is a function ``(run: Run, images) -> Maps``. :class:`Run` carries the
probe, the target, the layer, the checked options, the seed, the memory budget (as
the most model evaluations per compiled call) and the progress step; its helpers
are the only model calls the methods make:

* :meth:`Run.gradient` -- :class:`~interpret.core.grad.Gradient` of the target (with
  respect to the input or a layer), compiled once per probe and target;
* :meth:`Run.masked_scores` -- the target's score of every image under every mask,
  ``x * m + fill * (1 - m)``, as one batched forward pass per call (Occlusion, RISE,
  Score-CAM, and with a mask of ones, the plain scores).

Example:
    >>> from interpret.core.models import resolve
    >>> per_image_floats(resolve("cifar10-cnn").probe) > 32 * 32 * 3
    True
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpret.core.errors import UserError
from interpret.core.progress import Step

GRADIENT_COST = 3.0  # activations, their gradients and the backward pass's temporaries
FORWARD_COST = 1.5
MOST_PER_CALL = 128  # more images per call ran slower per image on this CPU (cache)


@dataclass
class Maps:
    """What a method returns for N images.

    Attributes:
        maps: (N, H, W) float32 at the input's resolution.
        scores: (N,) the model's score for the target on each (unchanged) image.
        targets: (N,) the class explained per image, or None for an objective target.
        raw: a CAM at its layer's own resolution (N, h, w), else None.
        figures: numbers behind the maps, per image (lists) or overall.
    """

    maps: np.ndarray
    scores: np.ndarray
    targets: np.ndarray | None
    raw: np.ndarray | None = None
    figures: dict = field(default_factory=dict)


def per_image_floats(probe: Any) -> int:
    """Floats one image occupies across the model's layer outputs (the input included).

    Example: see the module docstring.
    """
    total = int(np.prod(probe.input_shape))
    for info in probe.layers:
        dims = [d for d in info.output_shape[1:] if d is not None]
        total += int(np.prod(dims)) if dims else 0
    return total


def budget(probe: Any, memory: float, gradient: bool) -> int:
    """The most images per compiled call that keeps the activations within ``memory`` MB.

    Example:
        >>> from interpret.core.models import resolve
        >>> probe = resolve("cifar10-cnn").probe
        >>> budget(probe, 16, True) < budget(probe, 16, False)
        True
    """
    cost = GRADIENT_COST if gradient else FORWARD_COST
    per_image = 4.0 * per_image_floats(probe) * cost
    return int(max(1, min(MOST_PER_CALL, memory * 2**20 // per_image)))


def chunks(n: int, size: int) -> Iterator[slice]:
    """Consecutive slices of at most ``size`` covering ``range(n)``.

    Example:
        >>> [(s.start, s.stop) for s in chunks(5, 2)]
        [(0, 2), (2, 4), (4, 5)]
    """
    for i in range(0, n, max(1, size)):
        yield slice(i, min(n, i + max(1, size)))


@dataclass
class Run:
    """One method's call: what it explains, with which options, within which budget."""

    probe: Any
    target: Any  # interpret.attributions.targets.Target
    layer: str | None
    options: dict
    seed: int
    memory: float
    step: Step = lambda n: None

    @property
    def gradient_batch(self) -> int:
        """Gradient evaluations per compiled call."""
        return budget(self.probe, self.memory, True)

    @property
    def forward_batch(self) -> int:
        """Forward evaluations per compiled call."""
        return budget(self.probe, self.memory, False)

    def gradient(self, wrt: str | None = None, probe: Any = None) -> Any:
        """The target's :class:`~interpret.core.grad.Gradient`, compiled once per probe and target.

        It returns the targets used last (a ``-1`` target resolved to the top class).
        ``probe`` replaces the run's (Guided Backprop's rewired copy).
        """
        from interpret.core.grad import Gradient

        probe = probe or self.probe
        key = ("attributions.gradient", self.target.key, wrt)
        return probe.memo(
            key, lambda: Gradient(probe, self.target.factory(), wrt=wrt, return_targets=True)
        )

    def gradients(
        self, images: np.ndarray, wrt: str | None = None, probe: Any = None, combine: Any = None
    ) -> tuple:
        """:meth:`gradient` of every image, in budget-sized calls, stepping the progress.

        ``combine(outputs) -> outputs`` reduces each call's NumPy outputs before they
        are kept (a CAM keeps its map, not the layer's activations and gradients).
        """
        grad = self.gradient(wrt, probe)
        parts = []
        for s in chunks(len(images), self.gradient_batch):
            tensors = grad.tensors(images[s], self.target.classes[s])
            if any(t is None for t in tensors):  # e.g. a layer on a branch the target skips
                raise UserError(
                    f"the target ({self.target.text}) does not depend on {wrt}; give a "
                    "{layer} that feeds it",
                    "layer",
                )
            out = [o.numpy() for o in tensors]
            parts.append(combine(out) if combine else out)
            self.step(s.stop - s.start)
        return tuple(np.concatenate(cols) for cols in zip(*parts))

    def masked_scores(
        self,
        images: np.ndarray,
        targets: np.ndarray,
        masks: Any,
        fill: float = 0.0,
        probability: bool = False,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Scores (b, k) of ``x * m + fill * (1 - m)`` for b images and k masks, and the targets.

        ``masks`` is (k, H, W), shared by the images, or (b, k, H, W), one set per image.
        ``probability`` scores a class by its softmax probability instead of its logit.
        A ``-1`` target resolves to each evaluated image's top class: pass a mask of
        ones first to resolve it on the unchanged images.
        """
        from interpret._tf import tf

        fn = self.probe.memo(
            ("attributions.masked", self.target.key),
            lambda: _masked_scores_fn(self.probe, self.target.factory()),
        )
        m = tf.convert_to_tensor(masks, tf.float32)
        m = m[None] if len(m.shape) == 3 else m
        scores, probs, used = fn(images, targets, m[..., None], tf.constant(fill, tf.float32))
        return (probs if probability else scores).numpy(), used.numpy()

    def scores(
        self, images: np.ndarray, targets: np.ndarray | None = None, probability: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """The target's score of each unchanged image and the targets (``-1`` resolved).

        ``targets`` default to the run's.

        Example:
            >>> from interpret.core.models import resolve
            >>> from interpret.attributions.targets import resolve_target
            >>> probe = resolve("mnist-cnn").probe
            >>> run = Run(probe, resolve_target(probe, None, 2), None, {}, 0, 64)
            >>> s, t = run.scores(np.zeros((2, 28, 28, 1), "float32"))
            >>> s.shape, t.shape
            ((2,), (2,))
        """
        targets = self.target.classes if targets is None else targets
        ones = np.ones((1, *images.shape[1:3]), np.float32)
        out_s, out_t = [], []
        for s in chunks(len(images), self.forward_batch):
            sc, t = self.masked_scores(images[s], targets[s], ones, 0.0, probability)
            out_s.append(sc[:, 0])
            out_t.append(t)
        return np.concatenate(out_s), np.concatenate(out_t).astype(np.int32)


def _masked_scores_fn(probe: Any, factory: Any) -> Any:
    """Compiled: (x (b,H,W,C), targets (b,), masks (1|b, k, H, W, 1), fill) -> scores (b, k),
    the same as softmax probabilities (b, k) (the scores again for an objective), targets."""
    from interpret._tf import tf
    from interpret.attributions.targets import class_probability
    from interpret.core.objectives import Objective
    from interpret.core.reader import Reader

    fixed = factory if isinstance(factory, Objective) else None
    reader = Reader(probe, fixed or factory(tf.zeros([1], tf.int32)))
    h, w, c = probe.input_shape

    def run(x: Any, t: Any, m: Any, fill: Any) -> tuple:
        b, k = tf.shape(x)[0], tf.shape(m)[1]
        xs = x[:, None] * m + fill * (1.0 - m)
        ctx = reader(tf.reshape(xs, (b * k, h, w, c)))
        tt = tf.repeat(t, k)
        if ctx.logits is not None:
            tt = tf.where(tt < 0, tf.argmax(ctx.logits, axis=-1, output_type=tf.int32), tt)
        values = tf.reshape((fixed or factory(tt))(ctx), (b, k))
        probs = values
        if fixed is None and ctx.logits is not None:
            probs = tf.reshape(class_probability(tt)(ctx), (b, k))
        return values, probs, tf.reshape(tt, (b, k))[:, 0]

    return tf.function(
        run,
        input_signature=[
            tf.TensorSpec((None, h, w, c), tf.float32),
            tf.TensorSpec((None,), tf.int32),
            tf.TensorSpec((None, None, h, w, 1), tf.float32),
            tf.TensorSpec((), tf.float32),
        ],
        autograph=False,
    )


def upsample(maps: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """(N, h, w) maps -> (N, H, W), bilinear; unchanged when already that size.

    Example:
        >>> upsample(np.ones((2, 4, 4), "float32"), (8, 6)).shape
        (2, 8, 6)
    """
    from interpret._tf import tf

    if tuple(maps.shape[1:3]) == tuple(size):
        return maps.astype(np.float32)
    out = tf.image.resize(maps[..., None].astype(np.float32), size, method="bilinear")
    return out.numpy()[..., 0]
