"""The gradient family: saliency, gradient x input, SmoothGrad and its kin, Integrated
Gradients, Guided Backprop, each a few lines over :class:`~interpret.core.grad.Gradient`.

The plain version each one compiles (keras-io style), for a class target ``c``::

    with tf.GradientTape() as tape:
        tape.watch(x)
        score = model(x)[:, c]
    g = tape.gradient(score, x)
    saliency = max_channels |g|;  gradient x input = sum_channels g * x

SmoothGrad, SquareGrad and VarGrad are the mean, mean square and variance of ``g`` over
noisy copies ``x + N(0, noise^2)``; Integrated Gradients is
``(x - x0) * mean(g(x0 + a (x - x0)))`` over the path's points ``a``. Both run all
copies of all images as one big batch (within the memory budget): one compiled call
where a loop over images and samples would make hundreds.

Channels are reduced to one map per image: saliency takes the largest magnitude
(Simonyan et al.), the signed maps sum over channels (so Integrated Gradients' map
sums to ``f(x) - f(x0)``), the squared ones too.

Example:
    >>> from interpret.attributions import explain
    >>> e = explain("mnist-cnn", np.zeros((2, 28, 28, 1), "float32"), method="saliency")
    >>> e.maps.shape, e.signed
    ((2, 28, 28), False)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from interpret.attributions.adaptive import adaptive_maps
from interpret.attributions.base import Maps, Run, chunks
from interpret.attributions.guided import guided_probe


def _classes(run: Run, used: np.ndarray) -> np.ndarray | None:
    return None if run.target.objective is not None else np.asarray(used, np.int32)


def saliency(run: Run, x: np.ndarray) -> Maps:
    """|gradient|, the largest over channels (Simonyan et al. 2014).

    Example: see the module docstring.
    """
    values, g, used = run.gradients(x)
    return Maps(np.abs(g).max(-1), values, _classes(run, used))


def gradient_x_input(run: Run, x: np.ndarray) -> Maps:
    """gradient * input, summed over channels (Shrikumar et al. 2016).

    Example:
        >>> from interpret.attributions import explain
        >>> float(explain("mnist-cnn", np.zeros((1, 28, 28, 1), "float32"), method="gxi").maps.max())
        0.0
    """
    values, g, used = run.gradients(x)
    return Maps((g * x).sum(-1), values, _classes(run, used))


def guided_backprop(run: Run, x: np.ndarray) -> Maps:
    """The gradient with rectifiers passing only positive gradients (:mod:`.guided`), summed.

    Example:
        >>> from interpret.attributions import explain
        >>> explain("mnist-cnn", np.ones((1, 28, 28, 1), "float32"), method="guided-backprop").signed
        True
    """
    values, g, used = run.gradients(x, probe=guided_probe(run.probe))
    return Maps(g.sum(-1), values, _classes(run, used))


def smoothgrad_noise(shape: tuple, samples: int, noise: float, seed: int) -> np.ndarray:
    """The noise SmoothGrad adds: (samples, *shape), N(0, noise^2), the same for every image.

    Sample ``s`` is the same field whatever the batching, so maps do not depend on the
    memory budget (and a peer can be given exactly this noise).

    Example:
        >>> smoothgrad_noise((2, 2, 1), 3, 0.1, 0).shape
        (3, 2, 2, 1)
    """
    rng = np.random.default_rng([seed, 0x5A0])
    return (noise * rng.standard_normal((samples, *shape))).astype(np.float32)


def _smooth(run: Run, x: np.ndarray, statistic: str) -> Maps:
    n = run.options["samples"]
    scores, used = run.scores(x)
    noise = smoothgrad_noise(x.shape[1:], n, run.options["noise"], run.seed)
    weights = np.full(n, 1.0 / n, np.float32)
    mean, square = path_statistics(run, x, used, x, np.ones(n, np.float32), noise, weights)
    if statistic == "mean":
        stat = mean
    else:
        stat = square if statistic == "square" else np.maximum(square - mean**2, 0.0)
    return Maps(stat.sum(-1), scores, _classes(run, used))


def smoothgrad(run: Run, x: np.ndarray) -> Maps:
    """Mean gradient over noisy copies (Smilkov et al. 2017), summed over channels.

    Example:
        >>> from interpret.attributions import explain
        >>> e = explain("mnist-cnn", np.zeros((1, 28, 28, 1), "float32"), method="smoothgrad",
        ...             samples=4)
        >>> e.parameters["samples"], e.parameters["noise"]
        (4, 0.2)
    """
    return _smooth(run, x, "mean")


def squaregrad(run: Run, x: np.ndarray) -> Maps:
    """Mean squared gradient over noisy copies (Hooker et al. 2019), summed over channels."""
    return _smooth(run, x, "square")


def vargrad(run: Run, x: np.ndarray) -> Maps:
    """Variance of the gradient over noisy copies (Adebayo et al. 2018), summed over channels."""
    return _smooth(run, x, "variance")


def path_points(steps: int, rule: str) -> tuple[np.ndarray, np.ndarray]:
    """Where on the path the gradient is taken, and each point's weight (they sum to 1).

    ``trapezoid``: ``steps`` evenly spaced points from 0 to 1, ends weighted one half;
    ``riemann``: the midpoints of ``steps`` equal intervals.

    Example:
        >>> a, w = path_points(3, "trapezoid")
        >>> a.tolist(), w.tolist()
        ([0.0, 0.5, 1.0], [0.25, 0.5, 0.25])
        >>> path_points(2, "riemann")[0].tolist()
        [0.25, 0.75]
    """
    if rule == "riemann":
        return ((np.arange(steps) + 0.5) / steps).astype(np.float32), np.full(
            steps, 1.0 / steps, np.float32
        )
    a = np.linspace(0.0, 1.0, steps, dtype=np.float32)
    w = np.full(steps, 1.0, np.float32)
    w[[0, -1]] = 0.5
    return a, (w / (steps - 1)).astype(np.float32)


def baseline_images(x: np.ndarray, kind: str, seed: int) -> np.ndarray:
    """Integrated Gradients' starting points: black, white, blurred (Gaussian, sigma 1/10
    of the image side) or uniform noise (seeded).

    Example:
        >>> round(float(baseline_images(np.full((1, 4, 4, 1), 0.3, "float32"), "blurred", 0).max()), 3)
        0.3
    """
    if kind == "black":
        return np.zeros_like(x)
    if kind == "white":
        return np.ones_like(x)
    if kind == "noise":
        return np.random.default_rng([seed, 0xB05E]).random(x.shape, dtype=np.float32)
    from scipy.ndimage import gaussian_filter

    sigma = max(x.shape[1:3]) / 10.0
    return gaussian_filter(x, sigma=(0, sigma, sigma, 0), mode="reflect").astype(np.float32)


def integrated_gradients(run: Run, x: np.ndarray) -> Maps:
    """(x - x0) times the mean gradient along the straight path from x0 (Sundararajan et al. 2017).

    ``figures["completeness"]`` holds, per image, the map's sum, f(x) - f(x0), their
    relative difference (the axiom says they are equal) and the steps used.
    ``rule="adaptive"`` spends the same ``steps`` gradients per image, first on an even
    grid, then bisecting where the trapezoid rule's error (known exactly from the
    scores at the nodes) is largest (:mod:`.adaptive`). With
    ``tolerance``, an image whose difference is above it is computed again with twice
    the steps, up to :data:`MAX_REFINE` times ``steps``: the path integrand of a ReLU
    network jumps, and some images need many more points than others.

    Example:
        >>> from interpret.attributions import explain
        >>> x = np.random.default_rng(0).random((1, 28, 28, 1), dtype=np.float32)
        >>> e = explain("mnist-cnn", x, method="ig", steps=256)
        >>> e.figures["completeness"]["relative_error"][0] < 0.01
        True
        >>> e = explain("mnist-cnn", x, method="ig", steps=256, rule="adaptive")
        >>> e.figures["completeness"]["relative_error"][0] < 0.001
        True
        >>> e = explain("mnist-cnn", x, method="ig", steps=4, tolerance=0.001)
        >>> c = e.figures["completeness"]
        >>> c["relative_error"][0] <= 0.001 or c["steps"][0] == 256, c["steps"][0] > 4
        (True, True)
    """
    o = run.options
    scores, used = run.scores(x)
    base = baseline_images(x, o["baseline"], run.seed)
    delta = scores - run.scores(base, used)[0]
    steps = np.full(len(x), o["steps"])
    maps = _ig_maps(run, x, used, base, o["steps"], o["rule"])
    error = _relative_error(maps, delta)
    tolerance = o.get("tolerance")
    while tolerance is not None:
        todo = np.flatnonzero((error > tolerance) & (steps < o["steps"] * MAX_REFINE))
        if not len(todo):
            break
        n = 2 * int(steps[todo[0]])  # every image refined so far has the same count
        maps[todo] = _ig_maps(run, x[todo], used[todo], base[todo], n, o["rule"], count=False)
        error[todo], steps[todo] = _relative_error(maps[todo], delta[todo]), n
    figures = {
        "completeness": {
            "map_sum": maps.sum((1, 2)).tolist(),
            "score_difference": delta.tolist(),
            "relative_error": error.tolist(),
            "steps": steps.tolist(),
        }
    }
    return Maps(maps, scores, _classes(run, used), figures=figures)


MAX_REFINE = 64  # with ``tolerance``: at most this many times the given steps


def _ig_maps(run: Run, x, targets, base, steps: int, rule: str, count: bool = True) -> np.ndarray:
    """Integrated Gradients' maps of ``x`` from ``base`` with ``steps`` points of ``rule``."""
    if rule == "adaptive":
        return adaptive_maps(run, x, targets, base, steps, count)
    alphas, weights = path_points(steps, rule)
    zero = np.zeros((1, *x.shape[1:]), np.float32)
    mean, _ = path_statistics(run, x, targets, base, alphas, zero, weights, count)
    return ((x - base) * mean).sum(-1)


def _relative_error(maps: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """|map sum - (f(x) - f(x0))| / |f(x) - f(x0)|, per image."""
    return np.abs(maps.sum((1, 2)) - delta) / np.maximum(np.abs(delta), 1e-12)


def path_statistics(
    run: Run,
    x: np.ndarray,
    targets: np.ndarray,
    base: np.ndarray,
    scale: np.ndarray,
    offsets: np.ndarray,
    weights: np.ndarray,
    count: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Sums over k of ``w_k g(x_k)`` and of ``w_k g(x_k)^2`` at ``x_k = x0 + a_k (x - x0) + o_k``.

    ``count``: step the run's progress per image (False for a second pass over some).

    All images and points go through as few compiled calls as the memory budget allows:
    several images with all their points per call, or one image's points in parts.
    ``offsets`` is (k, H, W, C), or (1, H, W, C) for the same offset everywhere.
    """
    fn = run.probe.memo(
        ("attributions.path", run.target.key),
        lambda: _path_fn(run.gradient(), run.probe.input_shape),
    )
    k = len(scale)
    per_call = max(1, run.gradient_batch // k)
    part = k if per_call > 1 or k <= run.gradient_batch else run.gradient_batch
    mean, square = np.zeros_like(x), np.zeros_like(x)
    for s in chunks(len(x), per_call):
        for p in chunks(k, part):
            off = offsets if len(offsets) == 1 else offsets[p]
            m, sq = fn(x[s], targets[s], base[s], scale[p], off, weights[p])
            mean[s] += m.numpy()
            square[s] += sq.numpy()
        if count:
            run.step(s.stop - s.start)
    return mean, square


def _path_fn(grad: Any, shape: tuple) -> Any:
    """Compiled: one call of :func:`path_statistics` over b images and k points."""
    from interpret._tf import tf

    h, w, c = shape

    def run(x: Any, t: Any, base: Any, scale: Any, offsets: Any, weights: Any) -> tuple:
        b, k = tf.shape(x)[0], tf.shape(scale)[0]
        path = base[:, None] + scale[None, :, None, None, None] * (x - base)[:, None]
        path = tf.reshape(path + offsets[None], (b * k, h, w, c))
        _, g, _ = grad.tensors(path, tf.repeat(t, k))
        g = tf.reshape(g, (b, k, h, w, c))
        wk = weights[None, :, None, None, None]
        return tf.reduce_sum(wk * g, axis=1), tf.reduce_sum(wk * g * g, axis=1)

    image = tf.TensorSpec((None, h, w, c), tf.float32)
    vector = tf.TensorSpec((None,), tf.float32)
    return tf.function(
        run,
        input_signature=[image, tf.TensorSpec((None,), tf.int32), image, vector, image, vector],
        autograph=False,
    )
