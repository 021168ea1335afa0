"""A matrix product whose left factor is fixed: only the right one gets a gradient.

The image prior's linear maps (the inverse Fourier transform, the resampling
matrices) multiply the optimised tensor by matrices nobody differentiates. TensorFlow's
generic matmul gradient builds both sides, plus the reductions that undo
broadcasting; here the backward pass is the one product ``a^T @ dy``, which keeps
the traced graph small (faster tracing) and its meaning plain.

Example:
    >>> import numpy as np
    >>> from interpret._tf import tf
    >>> a = tf.constant(np.eye(2, dtype="float32"))
    >>> fixed_matmul(a, tf.ones((3, 2, 4))).shape
    TensorShape([3, 2, 4])
"""

from __future__ import annotations

from typing import Any


def fixed_matmul(a: Any, x: Any) -> Any:
    """``tf.matmul(a, x)`` with the gradient for ``x`` only.

    Either side may lack the other's leading batch dimensions (they broadcast).

    Example:
        >>> from interpret._tf import tf
        >>> fixed_matmul(tf.ones((5, 2, 2)), tf.ones((2, 4))).shape
        TensorShape([5, 2, 4])
    """
    from interpret._tf import tf

    a = tf.stop_gradient(a)

    @tf.custom_gradient
    def product(x: Any) -> Any:
        def grad(dy: Any) -> Any:
            g = tf.matmul(a, dy, adjoint_a=True)
            extra = len(g.shape) - len(x.shape)  # batch axes that came from a alone
            return tf.reduce_sum(g, axis=list(range(extra))) if extra > 0 else g

        return tf.matmul(a, x), grad

    return product(x)
