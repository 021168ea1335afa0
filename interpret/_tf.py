"""Import TensorFlow quietly and only when a command really needs it.

TensorFlow's C++ runtime prints start-up banners (oneDNN, CUDA probing) straight
to file descriptor 2; they are hidden while it imports unless
``INTERPRET_TF_LOGS=1`` is set.

Example:
    >>> from interpret._tf import keras, tf
    >>> tf.__version__ >= "2", keras.__version__ >= "3"
    (True, True)
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def _import_quietly():
    if os.environ.get("INTERPRET_TF_LOGS") == "1":
        import keras
        import tensorflow as tf

        return tf, keras
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import keras
        import tensorflow as tf

        tf.constant(0.0)  # initialise the runtime (device probing logs) while muted
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    return tf, keras


tf, keras = _import_quietly()

try:  # absl's Python logger
    import absl.logging

    absl.logging.set_verbosity(absl.logging.ERROR)
except ImportError:  # pragma: no cover
    pass
tf.get_logger().setLevel("ERROR")

__all__ = ["tf", "keras"]


def batch_function(fn, image_shape, per_image=(), scalars=()):
    """``tf.function(fn)`` compiled once for any batch: images, int32 labels, then the rest.

    ``fn(images, labels, *per_image_args, *scalar_args)``: ``per_image`` and ``scalars``
    are the dtypes of the per-image vectors and the scalars that follow the labels.

    Example:
        >>> f = batch_function(lambda x, y, s: x * s, (2, 2, 1), scalars=[tf.float32])
        >>> f(tf.ones((3, 2, 2, 1)), tf.zeros(3, tf.int32), tf.constant(2.0)).shape
        TensorShape([3, 2, 2, 1])
    """
    signature = [tf.TensorSpec((None, *image_shape), tf.float32), tf.TensorSpec((None,), tf.int32)]
    signature += [tf.TensorSpec((None,), d) for d in per_image]
    signature += [tf.TensorSpec((), d) for d in scalars]
    return tf.function(fn, input_signature=signature)
