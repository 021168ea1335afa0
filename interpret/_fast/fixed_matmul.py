"""A matrix product with one fixed factor: only the optimised tensor gets a gradient.

The image prior's linear maps (the Fourier synthesis with the step's resampling
folded in, the resampling matrices) multiply the optimised tensor by matrices
nobody differentiates. TensorFlow's generic matmul gradient builds both sides,
plus the reductions that undo broadcasting; here the backward pass is the one
product for the optimised side, which keeps the traced graph small (faster
tracing) and its meaning plain.

Example:
    >>> import numpy as np
    >>> from interpret._tf import tf
    >>> a = tf.constant(np.eye(2, dtype="float32"))
    >>> fixed_matmul(a, tf.ones((3, 2, 4))).shape
    TensorShape([3, 2, 4])
"""

from __future__ import annotations

from typing import Any


def fixed_matmul(a: Any, x: Any, transpose_x: bool = False) -> Any:
    """``a @ x`` (or ``x^T @ a`` with ``transpose_x``) with the gradient for ``x`` only.

    Either side may lack the other's leading batch dimensions (they broadcast).
    ``transpose_x`` multiplies by the transpose of ``x``'s last two axes without
    moving any data: the product comes out with ``x``'s columns as its rows.

    Example:
        >>> from interpret._tf import tf
        >>> fixed_matmul(tf.ones((5, 2, 2)), tf.ones((2, 4))).shape
        TensorShape([5, 2, 4])
        >>> fixed_matmul(tf.ones((2, 3)), tf.ones((2, 4)), transpose_x=True).shape
        TensorShape([4, 3])
    """
    from interpret._tf import tf

    a = tf.stop_gradient(a)

    @tf.custom_gradient
    def product(x: Any) -> Any:
        def grad(dy: Any) -> Any:
            if transpose_x:  # out = x^T a, so dx = a dy^T
                g = tf.matmul(a, dy, adjoint_b=True)
            else:  # out = a x, so dx = a^T dy
                g = tf.matmul(a, dy, adjoint_a=True)
            extra = len(g.shape) - len(x.shape)  # batch axes that came from a alone
            return tf.reduce_sum(g, axis=list(range(extra))) if extra > 0 else g

        if transpose_x:
            return tf.matmul(x, a, adjoint_a=True), grad
        return tf.matmul(a, x), grad

    return product(x)
