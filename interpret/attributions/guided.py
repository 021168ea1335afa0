"""Guided Backprop's one gradient override: rectifiers pass only positive gradients back.

Springenberg et al. (2015) change the backward pass of every ReLU: the gradient goes
through where the ReLU's input was positive (as usual) *and* the incoming gradient
is positive. Here that is a gate placed after each layer that ends in a rectifier
(a fused ``activation="relu"``/``"relu6"``, a ``ReLU`` layer, ``Activation("relu")``):
forward it is the identity, backward it keeps the positive part of the gradient;
the rectifier's own backward pass then masks by its input, so the product is the
guided gradient. The gate lives in a :class:`GuidedProbe`, the probe's re-run graph
with :meth:`~interpret.core.probe.Probe.wrap_layer` overridden, so nested models are
covered and no model is cloned; the layers (and their weights) are the model's own.

Example:
    >>> from interpret.core.models import resolve
    >>> probe = resolve("cifar10-cnn").probe
    >>> guided = guided_probe(probe)
    >>> x = np.random.default_rng(0).random((1, 32, 32, 3), dtype=np.float32)
    >>> bool(np.allclose(guided.logits(x), probe.logits(x), atol=1e-5))
    True
"""

from __future__ import annotations

import functools
from typing import Any

from interpret._fast.conv_grad import fast_input_grad
from interpret.core.probe import Probe

RECTIFIERS = ("relu", "relu6")


def positive_gradient(x: Any) -> Any:
    """Identity forward; backward, only the positive part of the incoming gradient.

    Example:
        >>> x = tf.constant([1.0, 2.0])
        >>> with tf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = tf.reduce_sum(positive_gradient(x) * tf.constant([3.0, -1.0]))
        >>> tape.gradient(y, x).numpy().tolist()
        [3.0, 0.0]
    """
    from interpret._tf import tf

    @tf.custom_gradient
    def gate(x: Any) -> Any:
        return tf.identity(x), lambda dy: tf.nn.relu(dy)

    return gate(x)


def ends_in_rectifier(layer: Any) -> bool:
    """Whether ``layer``'s output is a ReLU's (fused activation, ``ReLU`` or ``Activation``).

    Example:
        >>> from interpret._tf import keras
        >>> ends_in_rectifier(keras.layers.Dense(3, activation="relu"))
        True
        >>> ends_in_rectifier(keras.layers.Dense(3))
        False
    """
    from interpret._tf import keras

    if isinstance(layer, keras.layers.ReLU):
        return True
    fn = getattr(layer, "activation", None)
    return getattr(fn, "__name__", "") in RECTIFIERS


@functools.lru_cache(maxsize=1)
def _gate_class() -> type:
    """The Keras layer that runs a layer and gates its output's gradient (built on first use)."""
    from interpret._tf import keras

    class GuidedGate(keras.layers.Layer):
        def __init__(self, layer: Any, inner: Any):
            super().__init__(name=f"{layer.name}_guided", dtype=layer.dtype_policy)
            self._inner = [inner]  # a list, so Keras does not track the weights twice

        def build(self, *shapes: Any) -> None:
            pass  # nothing of its own: the wrapped layer is built

        def call(self, *args: Any, **kwargs: Any) -> Any:
            return positive_gradient(self._inner[0](*args, **kwargs))

    return GuidedGate


class GuidedProbe(Probe):
    """A :class:`~interpret.core.probe.Probe` whose rectifiers back-propagate guided gradients.

    Example: see the module docstring.
    """

    def wrap_layer(self, layer: Any) -> Any:
        """The layer (with the probe's faster gradient), gated when it ends in a rectifier.

        Example:
            >>> from interpret._tf import keras
            >>> from interpret.core.models import resolve
            >>> layer = keras.layers.ReLU()
            >>> type(guided_probe(resolve("mnist-cnn").probe).wrap_layer(layer)).__name__
            'GuidedGate'
        """
        inner = fast_input_grad(layer)
        return _gate_class()(layer, inner) if ends_in_rectifier(layer) else inner


def guided_probe(probe: Probe) -> GuidedProbe:
    """The guided twin of ``probe`` (same model, same layers), built once per probe.

    Example: see the module docstring.
    """
    return probe.memo(
        "attributions.guided",
        lambda: GuidedProbe(
            probe.model,
            input_range=probe.input_range,
            class_names=probe.class_names,
            name=probe.name,
        ),
    )
