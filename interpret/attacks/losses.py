"""The losses the robustness attacks climb, as functions of a batch of logits (one value each).

Each takes logits ``z`` (B, K) and int32 labels ``y`` (B,) and returns (B,) values that an
untargeted attack *raises* (APGD) or a score-based one *lowers* (Square's margin):

* :func:`ce`: cross-entropy of the label;
* :func:`dlr`: the Difference of Logits Ratio (Croce and Hein 2020), scale invariant:
  ``-(z_y - max_{i != y} z_i) / (z_pi1 - z_pi3)`` with ``pi`` the logits sorted
  decreasingly, so a saturated softmax does not flatten it;
* :func:`dlr_targeted`: the targeted DLR ``-(z_y - z_t) / (z_pi1 - (z_pi3 + z_pi4) / 2)``;
* :func:`margin`: ``z_y - max_{i != y} z_i``, below 0 once the image is misclassified;
* :func:`target_at_rank`: the class with the k-th largest logit, the target of the k-th
  run of APGD-T and FAB-T.

Example:
    >>> from interpret._tf import tf
    >>> z = tf.constant([[3.0, 1.0, 0.0, -1.0]])
    >>> y = tf.constant([0])
    >>> float(margin(z, y)[0]), round(float(dlr(z, y)[0]), 3)
    (2.0, -0.667)
    >>> int(target_at_rank(z, 2)[0])
    1
"""

from __future__ import annotations

from typing import Any

LOSSES = ("ce", "dlr")


def _label_logit(z: Any, y: Any) -> Any:
    from interpret._tf import tf

    return tf.gather(z, y, axis=1, batch_dims=1)


def _best_other(z: Any, y: Any) -> Any:
    """The largest logit of a class other than ``y``."""
    from interpret._tf import tf

    return tf.reduce_max(z - tf.one_hot(y, tf.shape(z)[1]) * 1e30, axis=1)


def ce(z: Any, y: Any) -> Any:
    """Cross-entropy of label ``y`` (the negative log-probability).

    Example:
        >>> round(float(ce(tf.constant([[0.0, 0.0]]), tf.constant([1]))[0]), 4)
        0.6931
    """
    from interpret._tf import tf

    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=z)


def margin(z: Any, y: Any) -> Any:
    """``z_y - max_{i != y} z_i``: positive while ``y`` wins.

    Example:
        >>> float(margin(tf.constant([[0.0, 2.0]]), tf.constant([0]))[0])
        -2.0
    """
    return _label_logit(z, y) - _best_other(z, y)


def dlr(z: Any, y: Any) -> Any:
    """The untargeted DLR loss (needs at least 3 classes).

    Example:
        >>> round(float(dlr(tf.constant([[1.0, 3.0, 0.0]]), tf.constant([0]))[0]), 3)
        0.667
    """
    from interpret._tf import tf

    top = tf.math.top_k(z, k=3).values
    return -margin(z, y) / (top[:, 0] - top[:, 2] + 1e-12)


def dlr_targeted(z: Any, y: Any, t: Any) -> Any:
    """The targeted DLR loss towards class ``t`` (needs at least 4 classes).

    Example:
        >>> z = tf.constant([[4.0, 2.0, 1.0, 0.0]])
        >>> round(float(dlr_targeted(z, tf.constant([0]), tf.constant([1]))[0]), 3)
        -0.571
    """
    from interpret._tf import tf

    top = tf.math.top_k(z, k=4).values
    scale = top[:, 0] - 0.5 * (top[:, 2] + top[:, 3]) + 1e-12
    return -(_label_logit(z, y) - _label_logit(z, t)) / scale


def target_at_rank(z: Any, rank: int) -> Any:
    """Per image, the class with the ``rank``-th largest logit (rank 1: the top class).

    Example:
        >>> target_at_rank(tf.constant([[0.1, 0.9, 0.5]]), 3).numpy().tolist()
        [0]
    """
    from interpret._tf import tf

    return tf.cast(tf.math.top_k(z, k=rank).indices[:, rank - 1], tf.int32)
