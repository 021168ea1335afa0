"""The gradient of an objective with respect to the input images or a layer's output.

Attribution maps, DeepDream's tiles and anything else that needs "how does this
score change with that tensor" call :class:`Gradient`. It is compiled once per
model and objective, takes any batch size, and batches large inputs so memory
stays bounded.

The plain version, which it compiles::

    with tf.GradientTape() as tape:
        tape.watch(images)
        values = objective(reader(images))          # one value per image
    grads = tape.gradient(tf.reduce_sum(values), images)

With ``wrt="conv2d_2"`` the gradient is taken with respect to that layer's output
instead (the tensor the rest of the network consumes), and the activations come
back too: what Grad-CAM needs.

An objective can depend on per-image *targets* known only at call time (the
predicted class of each image, its label): pass a function ``targets -> Objective``
and the targets with each call. A negative target stands for the image's own top
class, read from the logits in the same pass (no forward pass of its own); with
``return_targets=True`` the targets used come back last.

Example:
    >>> import numpy as np
    >>> from interpret.core import objectives as obj
    >>> from interpret.core.models import resolve
    >>> probe = resolve("mnist-cnn").probe
    >>> grad = Gradient(probe, obj.class_logit)
    >>> values, g = grad(np.zeros((2, 28, 28, 1), "float32"), targets=[3, 7])
    >>> values.shape, g.shape
    ((2,), (2, 28, 28, 1))
    >>> cam = Gradient(probe, obj.class_logit, wrt="conv2d_1")
    >>> values, acts, g = cam(np.zeros((1, 28, 28, 1), "float32"), targets=[3])
    >>> acts.shape == g.shape == (1, 10, 10, 64)
    True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from interpret._fast import precision as precision_lib
from interpret.core.objectives import Objective
from interpret.core.reader import Reader

ObjectiveSpec = Objective | Callable[[Any], Objective]


class Gradient:
    """``values, grads = Gradient(probe, objective)(images, targets)``, compiled once.

    Args:
        probe: the model's :class:`~interpret.core.probe.Probe`.
        objective: an :class:`~interpret.core.objectives.Objective`, or a function
            of a (B,) int32 tensor of per-image targets returning one.
        wrt: ``None`` for the input images, or a layer name.
        size: an open canvas (H, W) (``(None, None)``: any size) for the fully
            convolutional part of the model; default the model's input size.
        precision: arithmetic of the compiled gradient (:mod:`interpret._fast.precision`).
        batch_size: the most images per compiled call in :meth:`__call__`.
        return_targets: also return the per-image targets used (negative ones
            resolved to the top class), as the last output.

    Example:
        >>> from interpret.core import objectives as obj
        >>> from interpret.core.models import resolve
        >>> g = Gradient(resolve("mnist-cnn").probe, obj.channel("conv2d", 0))
        >>> g.wrt is None, g(np.zeros((3, 28, 28, 1), "float32"))[1].shape
        (True, (3, 28, 28, 1))
        >>> top = Gradient(resolve("mnist-cnn").probe, obj.class_logit, return_targets=True)
        >>> values, g, used = top(np.zeros((2, 28, 28, 1), "float32"), targets=[-1, 4])
        >>> int(used[1]), bool(used[0] >= 0)
        (4, True)
    """

    def __init__(
        self,
        probe: Any,
        objective: ObjectiveSpec,
        *,
        wrt: str | None = None,
        size: tuple[Any, Any] | None = None,
        precision: str = "float32",
        batch_size: int = 256,
        return_targets: bool = False,
    ):
        from interpret._tf import tf

        self.probe = probe
        self.wrt = wrt
        self.precision = precision_lib.resolve(precision)
        self.batch_size = int(batch_size)
        self.return_targets = bool(return_targets)
        self._make = (
            objective if callable(objective) and not isinstance(objective, Objective) else None
        )
        self._fixed = objective if isinstance(objective, Objective) else None
        shown = self._fixed or self._make(tf.zeros([1], tf.int32))
        if wrt is not None:
            probe.layer(wrt)
        self.reader = Reader(probe, shown, layers=[wrt] if wrt else [], size=size)
        h, w, c = probe.input_shape
        hw = (h, w) if size is None else tuple(size)
        images = tf.TensorSpec((None, *hw, c), tf.float32)
        targets = tf.TensorSpec((None,), tf.int32)
        self.tensors = tf.function(
            self._tensors, input_signature=[images, targets], autograph=False
        )

    def objective(self, targets: Any) -> Objective:
        """The objective for a batch with these targets (the fixed one if no targets apply)."""
        return self._fixed if self._fixed is not None else self._make(targets)

    def _tensors(self, images: Any, targets: Any) -> tuple:
        """Traceable: (values, grads) or, with ``wrt``, (values, activations, grads).

        With ``return_targets`` the targets used follow as the last output.
        """
        from interpret._tf import tf

        with tf.GradientTape() as tape:
            tape.watch(images)
            ctx = self.reader(images)
            if ctx.logits is not None:  # a negative target: the image's top class
                top = tf.argmax(ctx.logits, axis=-1, output_type=tf.int32)
                targets = tf.where(targets < 0, top, targets)
            values = self.objective(targets)(ctx)
            total = tf.reduce_sum(values)
        if self.wrt is None:  # a model that ignores its input (e.g. quantises it) gives zeros
            zero = tf.UnconnectedGradients.ZERO
            out = (values, tape.gradient(total, images, unconnected_gradients=zero))
        else:
            acts = ctx.acts[self.wrt]
            out = (values, acts, tape.gradient(total, acts))
        return (*out, targets) if self.return_targets else out

    def __call__(self, images: Any, targets: Any = None) -> tuple[np.ndarray, ...]:
        """NumPy in, NumPy out, in batches of at most ``batch_size`` images.

        Example: see the class.
        """
        x = np.asarray(images, np.float32)
        t = np.zeros(len(x), np.int32) if targets is None else np.asarray(targets, np.int32)
        t = np.broadcast_to(t, (len(x),)) if t.ndim == 0 else t
        parts = []
        with precision_lib.compute(self.precision):
            for i in range(0, len(x), self.batch_size):
                out = self.tensors(x[i : i + self.batch_size], t[i : i + self.batch_size])
                parts.append([o.numpy() for o in out])
        if not parts:
            n = (2 if self.wrt is None else 3) + self.return_targets
            return tuple(np.zeros((0,), np.float32) for _ in range(n))
        return tuple(np.concatenate(cols) for cols in zip(*parts))
