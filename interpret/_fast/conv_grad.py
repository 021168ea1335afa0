"""A faster input gradient for convolutions on one-channel (greyscale) images.

Every technique here differentiates with respect to the *input image*. For a
``Conv2D`` reading a single channel, TensorFlow's CPU kernel for that gradient
(``Conv2DBackpropInput`` with one output channel) can run several times slower than
the layer itself: it vectorises over the image's channels, of which there is one.
The same numbers come out of a depthwise convolution of the incoming gradient
with the flipped kernel, summed over the filters, which vectorises over the
filters instead (on mnist-cnn, 1000 images: ~25 ms against ~105 ms on an Intel
Xeon with AVX512). That lead depends on the CPU: on a 2-core AMD EPYC (AVX2) TensorFlow's
kernel is the faster one (128 images: ~10.5 ms against ~15 ms). So the route is chosen
per machine: :func:`depthwise_is_faster` times both on the layer's shapes once per
process (about 0.3 s) and keeps the depthwise route only when it takes under
:data:`MARGIN` of TensorFlow's time. ``INTERPRET_CONV_GRAD=depthwise`` or ``=tensorflow``
pins the choice (the two agree to ~1e-6, float rounding).

:func:`fast_input_grad` wraps such a layer so the forward pass is unchanged
(same weights, same output) and only the gradient takes the faster route; the
probe's extractors use it, so PGD, maximize and DeepDream all benefit. Layers it
does not cover (more than one input channel, strides, dilation, groups,
channels-first) are returned unchanged. Under the bfloat16 rewrite (see
:mod:`interpret._fast.precision`) TensorFlow's own kernel is the faster one and is used.

Example:
    >>> import numpy as np
    >>> from interpret import zoo
    >>> from interpret._fast.conv_grad import fast_input_grad
    >>> conv = zoo.load("mnist-cnn").get_layer("conv2d")
    >>> x = np.random.default_rng(0).random((2, 28, 28, 1), "float32")
    >>> bool(np.allclose(fast_input_grad(conv)(x), conv(x), atol=1e-5))
    True
"""

from __future__ import annotations

import functools
import os
import time
from typing import Any

ENV_VAR = "INTERPRET_CONV_GRAD"
CHOICES = ("auto", "depthwise", "tensorflow")
MARGIN = 0.85  # the depthwise route must take under this share of TensorFlow's time


def covers(layer: Any) -> bool:
    """Whether ``layer`` is a Conv2D whose input gradient :func:`fast_input_grad` speeds up.

    Example:
        >>> from interpret._tf import keras
        >>> covers(keras.layers.Conv2D(8, 3))  # not built yet
        False
        >>> grey, rgb = keras.layers.Conv2D(8, 3), keras.layers.Conv2D(8, 3)
        >>> grey.build((None, 28, 28, 1)); rgb.build((None, 28, 28, 3))
        >>> covers(grey), covers(rgb)
        (True, False)
    """
    from interpret._tf import keras

    if type(layer) is not keras.layers.Conv2D or not layer.built:
        return False
    kernel = getattr(layer, "kernel", None)
    if kernel is None or len(kernel.shape) != 4 or int(kernel.shape[2]) != 1:
        return False
    return (
        tuple(layer.strides) == (1, 1)
        and tuple(layer.dilation_rate) == (1, 1)
        and getattr(layer, "groups", 1) == 1
        and layer.data_format == "channels_last"
        and layer.padding in ("same", "valid")
    )


def input_gradient(dy: Any, kernel: Any, padding: str) -> Any:
    """d(loss)/d(input) of a stride-1 one-channel conv, given d(loss)/d(output) ``dy``.

    ``kernel`` is (kh, kw, 1, filters); ``padding`` is ``"same"`` or ``"valid"``.

    Example:
        >>> from interpret._tf import tf
        >>> dx = input_gradient(tf.ones((1, 24, 24, 8)), tf.ones((5, 5, 1, 8)), "valid")
        >>> dx.shape
        TensorShape([1, 28, 28, 1])
    """
    from interpret._tf import tf

    kh, kw = int(kernel.shape[0]), int(kernel.shape[1])
    flipped = tf.transpose(kernel[::-1, ::-1], (0, 1, 3, 2))  # (kh, kw, filters, 1)
    pads = []
    for k in (kh, kw):
        if padding == "same":  # TensorFlow pads (k-1)//2 before, the rest after
            before = (k - 1) // 2
            pads.append((k - 1 - before, before))
        else:
            pads.append((k - 1, k - 1))
    if all(a == b for a, b in pads) and padding == "same":
        padded, mode = dy, "SAME"
    else:
        padded, mode = tf.pad(dy, [[0, 0], list(pads[0]), list(pads[1]), [0, 0]]), "VALID"
    per_filter = tf.nn.depthwise_conv2d(padded, flipped, [1, 1, 1, 1], mode)
    return tf.reduce_sum(per_filter, axis=-1, keepdims=True)


def tensorflow_input_gradient(dy: Any, kernel: Any, input_sizes: Any, padding: str) -> Any:
    """The same gradient as :func:`input_gradient` by TensorFlow's own kernel
    (``Conv2DBackpropInput``); ``input_sizes`` is the input's (N, H, W, 1).

    Example:
        >>> from interpret._tf import tf
        >>> dy, k = tf.ones((1, 24, 24, 8)), tf.ones((5, 5, 1, 8))
        >>> ours = input_gradient(dy, k, "valid")
        >>> bool(tf.reduce_all(tensorflow_input_gradient(dy, k, (1, 28, 28, 1), "valid") == ours))
        True
    """
    from interpret._tf import tf

    return tf.raw_ops.Conv2DBackpropInput(
        input_sizes=input_sizes,
        filter=kernel,
        out_backprop=dy,
        strides=[1, 1, 1, 1],
        padding=padding.upper(),
    )


def _conv(x: Any, kernel: Any, padding: str) -> Any:
    from interpret._fast import precision
    from interpret._tf import tf

    mode = padding.upper()

    @tf.custom_gradient
    def conv(x, kernel):
        y = tf.nn.conv2d(x, kernel, 1, mode)

        def grad(dy):
            if precision.bfloat16_active():
                dx = tensorflow_input_gradient(dy, kernel, tf.shape(x), padding)
            else:
                dx = input_gradient(dy, kernel, padding)
            dk = tf.raw_ops.Conv2DBackpropFilter(
                input=x,
                filter_sizes=tf.shape(kernel),
                out_backprop=dy,
                strides=[1, 1, 1, 1],
                padding=mode,
            )
            return dx, dk

        return y, grad

    return conv(x, kernel)


@functools.lru_cache(maxsize=1)
def _wrapper_class() -> type:
    """The Keras layer class behind :func:`fast_input_grad` (built once, on first use)."""
    from interpret._tf import keras

    class FastInputGradConv2D(keras.layers.Layer):
        def __init__(self, conv: Any):
            super().__init__(name=f"{conv.name}_fastgrad", dtype=conv.dtype_policy)
            self._conv_ref = [conv]  # a list, so Keras does not track its weights twice

        def call(self, inputs: Any) -> Any:
            conv = self._conv_ref[0]
            y = _conv(inputs, keras.ops.cast(conv.kernel, inputs.dtype), conv.padding)
            if conv.use_bias:
                y = y + keras.ops.cast(conv.bias, y.dtype)
            return conv.activation(y) if conv.activation is not None else y

        def compute_output_shape(self, input_shape: Any) -> Any:
            return self._conv_ref[0].compute_output_shape(input_shape)

    return FastInputGradConv2D


def fast_input_grad(layer: Any) -> Any:
    """``layer`` with the faster input gradient when :func:`covers` it; otherwise ``layer``.

    The returned layer shares the original's weights and computes the same output.

    Only where this machine runs the depthwise route faster (:func:`depthwise_is_faster`)
    or ``INTERPRET_CONV_GRAD=depthwise`` asks for it.

    Example:
        >>> import os
        >>> from interpret import zoo
        >>> os.environ["INTERPRET_CONV_GRAD"] = "depthwise"
        >>> fast_input_grad(zoo.load("mnist-cnn").get_layer("conv2d")).name
        'conv2d_fastgrad'
        >>> del os.environ["INTERPRET_CONV_GRAD"]
        >>> fast_input_grad(zoo.load("cifar10-cnn").get_layer("conv2d")).name  # RGB: unchanged
        'conv2d'
    """
    if not covers(layer) or not _use_depthwise(layer):
        return layer
    return _wrapper_class()(layer)


def route() -> str:
    """The input-gradient route asked for: ``$INTERPRET_CONV_GRAD`` or ``"auto"``.

    Example:
        >>> route() in CHOICES
        True
    """
    from interpret.core.errors import UserError

    asked = os.environ.get(ENV_VAR, "auto").strip().lower() or "auto"
    if asked not in CHOICES:
        choices = ", ".join(CHOICES)
        raise UserError(f"{ENV_VAR}={asked!r} is not a route: set it to one of {choices}")
    return asked


def _use_depthwise(layer: Any) -> bool:
    asked = route()
    if asked != "auto":
        return asked == "depthwise"
    kernel = tuple(int(d) for d in layer.kernel.shape)
    return depthwise_is_faster(kernel, _spatial(layer), layer.padding)


def _spatial(layer: Any) -> tuple[int, int]:
    """The layer's input height and width where Keras knows them, else 32 x 32."""
    try:
        h, w = layer.input.shape[1:3]
    except Exception:  # never called, called on several inputs: any size will do for timing
        return 32, 32
    return (int(h), int(w)) if h and w else (32, 32)


@functools.cache
def depthwise_is_faster(
    kernel: tuple[int, ...], spatial: tuple[int, int], padding: str, batch: int = 64
) -> bool:
    """Whether :func:`input_gradient` beats TensorFlow's kernel on this machine, for these shapes.

    Times both (compiled, best of 5 rounds of 3 calls on a batch of ``batch``) once per
    process and shapes; True when the depthwise route takes under :data:`MARGIN` of
    TensorFlow's time.

    Example:
        >>> depthwise_is_faster((5, 5, 1, 32), (28, 28), "same") in (True, False)
        True
    """
    from interpret._tf import tf

    with tf.init_scope():
        k = tf.random.stateless_normal(kernel, [0, 1])
        x_shape = (batch, *spatial, 1)
        y = tf.nn.conv2d(tf.zeros(x_shape), k, 1, padding.upper())
        dy = tf.random.stateless_normal(tf.shape(y), [0, 2])
        ours = tf.function(lambda d: input_gradient(d, k, padding))
        theirs = tf.function(lambda d: tensorflow_input_gradient(d, k, x_shape, padding))
        return _best_time(ours, dy) < MARGIN * _best_time(theirs, dy)


def _best_time(fn: Any, arg: Any, rounds: int = 5, calls: int = 3) -> float:
    fn(arg).numpy()  # trace and warm up
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            out = fn(arg)
        out.numpy()
        best = min(best, time.perf_counter() - start)
    return best
