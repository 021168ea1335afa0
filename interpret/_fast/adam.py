"""Adam as one fused kernel: TensorFlow's ``ResourceApplyAdam`` on a variable and its moments.

The plain idea (Kingma and Ba 2015), per step ``t`` (1-based)::

    m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
    var -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)

The raw op does this in one pass over memory instead of a dozen elementwise ops;
its contract, checked by the tests: the same numbers as the formula above.

Example:
    >>> from interpret._tf import tf
    >>> var = tf.Variable([1.0]); m = tf.Variable([0.0]); v = tf.Variable([0.0])
    >>> _ = apply_adam(var, m, v, tf.constant([0.5]), tf.constant(1), 0.1)
    >>> round(float(var.numpy()[0]), 4)
    0.9
"""

from __future__ import annotations

from typing import Any


def apply_adam(
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
    """One Adam step on ``var`` (descending ``grad``) at step ``t`` (1-based), in place.

    ``m`` and ``v`` are the moment variables (same shape as ``var``).

    Example:
        >>> from interpret._tf import tf
        >>> x = tf.Variable([0.0]); mm = tf.Variable([0.0]); vv = tf.Variable([0.0])
        >>> _ = apply_adam(x, mm, vv, tf.constant([-1.0]), tf.constant(1), 0.05)
        >>> round(float(x.numpy()[0]), 4)
        0.05
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
