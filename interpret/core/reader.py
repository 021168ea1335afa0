"""What an objective sees: the probe run on a batch, turned into a :class:`Context`.

A :class:`Reader` builds one extractor for every layer an objective reads (and the
logits when it reads them) and returns the :class:`~interpret.core.objectives.Context`
the objective is a function of.

With ``leak=True`` (activation maximization's dead-ReLU fix) layers that end in a
plain ReLU are read *before* it and completed with a leaky ReLU whose slope is a
tensor given per call (see :mod:`interpret.visualize.render`); at slope 0 that is the
layer's own output. Without it the layers are the model's own tensors, the ones the
rest of the network consumes, so gradients with respect to them are meaningful
(Grad-CAM and friends need that).

Example:
    >>> import numpy as np
    >>> from interpret.core import objectives as obj
    >>> from interpret.core.models import resolve
    >>> reader = Reader(resolve("mnist-cnn").probe, obj.channel("conv2d", 3))
    >>> ctx = reader(np.zeros((2, 28, 28, 1), "float32"))
    >>> ctx.acts["conv2d"].shape, ctx.logits is None
    (TensorShape([2, 28, 28, 32]), True)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from interpret._fast.leaky_relu import leaky_relu
from interpret.core.objectives import Context, Objective


class Reader:
    """Runs ``probe`` for ``objective`` (or explicit ``layers``/``logits``); returns Contexts.

    Args:
        probe: the model's :class:`~interpret.core.probe.Probe`.
        objective: what will be evaluated; its layers and logits are read.
        layers: extra layers to read (e.g. the one a gradient is taken with respect to).
        size: an open canvas (H, W) for the fully convolutional part, or None.
        leak: read ReLU layers before the ReLU and complete them with a leaky ReLU;
            ``True`` for every layer read, or the names of the layers to leak (the
            others are read as the model computes them, with no second pass).

    Example:
        >>> from interpret.core import objectives as obj
        >>> from interpret.core.models import resolve
        >>> reader = Reader(resolve("mnist-cnn").probe, obj.class_logit(3))
        >>> reader(np.zeros((1, 28, 28, 1), "float32")).logits.shape
        TensorShape([1, 10])
    """

    def __init__(
        self,
        probe: Any,
        objective: Objective | None = None,
        *,
        layers: Iterable[str] = (),
        logits: bool = False,
        size: tuple[int, int] | None = None,
        leak: bool | Iterable[str] = False,
    ):
        wanted = set(layers) | (set(objective.layers) if objective is not None else set())
        self.layers = sorted(wanted)
        self.logits = bool(logits or (objective is not None and objective.logits))
        leaked = wanted if leak is True else set(leak or ()) & wanted
        self.leak = bool(leaked)
        self.extractor = probe.extractor(
            self.layers, size=size, logits=self.logits, pre_activation=leaked
        )
        self.activations = [
            probe.activation(name) if name in leaked else ("", None) for name in self.layers
        ]

    def __call__(self, images: Any, slope: Any = 0.0, raw: Any = None) -> Context:
        """The Context for ``images`` (``raw``: the images before transforms; default the same).

        Example: see the class.
        """
        outs = self.extractor(images, training=False)
        acts = {}
        if self.leak:
            for name, (kind, fn), pre in zip(self.layers, self.activations, outs):
                if kind == "relu":
                    acts[name] = leaky_relu(pre, slope)
                elif kind:
                    acts[name] = fn(pre)
                else:
                    acts[name] = pre
        else:
            acts = dict(zip(self.layers, outs))
        logits = outs[len(self.layers)] if self.logits else None
        return Context(acts, logits, images, images if raw is None else raw)
