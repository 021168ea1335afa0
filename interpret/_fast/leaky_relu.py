"""A leaky ReLU whose slope is a tensor that changes every step, in four elementwise ops.

The plain idea is ``tf.maximum(x, slope * x)``. Here it is ``x * g`` with
``g = max(sign(x), slope)`` (1 where x > 0, else the slope), and ``g`` is the
gradient too: no select or comparison (among the slowest elementwise ops in
TensorFlow's bfloat16 rewrite), where the generic gradient of ``tf.maximum``
takes five ops. Its contract, checked by the tests: the same values and gradients
as the plain form for slopes in [0, 1].

Example:
    >>> from interpret._tf import tf
    >>> leaky_relu(tf.constant([-2.0, 3.0]), tf.constant(0.1)).numpy().tolist()
    [-0.20000000298023224, 3.0]
"""

from __future__ import annotations

from typing import Any


def leaky_relu(x: Any, slope: Any) -> Any:
    """max(x, slope * x) for a slope in [0, 1] given as a tensor.

    Example:
        >>> from interpret._tf import tf
        >>> leaky_relu(tf.constant([-1.0, 0.5]), tf.constant(0.0)).numpy().tolist()
        [-0.0, 0.5]
    """
    from interpret._tf import tf

    @tf.custom_gradient
    def leaky(x: Any) -> Any:
        g = tf.maximum(tf.sign(x), slope)

        def grad(dy: Any) -> Any:
            return dy * g

        return x * g, grad

    return leaky(x)
