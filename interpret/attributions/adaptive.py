"""Integrated Gradients' ``adaptive`` rule: the same number of gradients per image as a
fixed rule, spent where the path integrand is rough.

Along the straight path ``x(a) = x0 + a (x - x0)`` the integrand is the directional
derivative ``d(a) = g(x(a)) . (x - x0)``, and the forward pass that gives the gradient
also gives the score ``f(x(a))``. So for every interval ``[a, b]`` between two nodes
the error of the trapezoid rule is known exactly, with no extra model call::

    e = (f(x(b)) - f(x(a))) - (b - a) (d(a) + d(b)) / 2

The rule starts with an even grid of :func:`schedule`'s size, then, in rounds, bisects
the intervals of largest ``|e|`` (the same number per image and round, so the batches
stay rectangular) until ``steps`` gradients are spent. The map is the trapezoid rule on
the final, uneven nodes: ``(x - x0) * sum_k w_k g(x(a_k))`` with ``w_k`` half the
distance between node ``k``'s neighbours. Nothing is rescaled: the map's sum still
misses ``f(x) - f(x0)`` by the sum of the intervals' errors, and Integrated Gradients'
``completeness`` figure reports that miss.

On a ReLU / max-pool network the integrand is piecewise constant and jumps wherever a
unit switches; the jumps crowd where the image is dark (near a black baseline), which
an even grid samples no more densely than the smooth rest.

Example:
    >>> from interpret.attributions import explain
    >>> x = np.random.default_rng(0).random((1, 28, 28, 1), dtype=np.float32)
    >>> e = explain("mnist-cnn", x, method="ig", steps=64, rule="adaptive")
    >>> e.figures["completeness"]["steps"], e.figures["completeness"]["relative_error"][0] < 0.01
    ([64], True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from interpret.attributions.base import Run, chunks

BYTES = 4  # the kept per-point products are float32


def schedule(steps: int) -> tuple[int, int]:
    """(nodes of the first even grid, nodes added per round) for ``steps`` gradients.

    One sixteenth of the budget (at least the two ends) on the even grid, the rest in
    rounds of half the grid's intervals (at least one): small rounds follow the error
    closely, and each round is one batch of every image's new points.

    Example:
        >>> schedule(256), schedule(2), schedule(5)
        ((17, 8), (2, 1), (2, 1))
    """
    first = min(steps, max(2, steps // 16 + 1))
    return first, max(1, (first - 1) // 2)


def trapezoid_weights(alphas: np.ndarray) -> np.ndarray:
    """Each node's trapezoid weight, per row of (unsorted) nodes in [0, 1]: half the
    distance between its neighbours (its one neighbour at an end).

    Example:
        >>> trapezoid_weights(np.array([[0.0, 1.0, 0.5, 0.75]])).tolist()
        [[0.25, 0.125, 0.375, 0.25]]
    """
    order = np.argsort(alphas, axis=1, kind="stable")
    a = np.take_along_axis(alphas, order, 1).astype(np.float64)
    half = np.diff(a, axis=1) / 2
    w = np.zeros_like(a)
    w[:, :-1] += half
    w[:, 1:] += half
    out = np.empty_like(w)
    np.put_along_axis(out, order, w, 1)
    return out


def interval_errors(alphas: np.ndarray, values: np.ndarray, slopes: np.ndarray) -> tuple:
    """The sorted nodes and, per interval, the trapezoid rule's error on it:
    ``(f(b) - f(a)) - (b - a) (d(a) + d(b)) / 2`` (b rows of nodes, values, slopes).

    Example:
        >>> a, e = interval_errors(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]]),
        ...                        np.array([[0.0, 2.0]]))
        >>> a.tolist(), e.tolist()
        ([[0.0, 1.0]], [[0.0]])
    """
    order = np.argsort(alphas, axis=1, kind="stable")
    a, f, d = (np.take_along_axis(v.astype(np.float64), order, 1) for v in (alphas, values, slopes))
    return a, np.diff(f, axis=1) - np.diff(a, axis=1) * (d[:, 1:] + d[:, :-1]) / 2


def next_nodes(alphas: np.ndarray, values: np.ndarray, slopes: np.ndarray, n: int) -> np.ndarray:
    """The midpoints of each row's ``n`` intervals of largest error (ties: the widest first),
    as float32 path positions.

    Example:
        >>> a = np.array([[0.0, 0.5, 1.0]])
        >>> next_nodes(a, np.array([[0.0, 0.5, 2.0]]), np.array([[1.0, 1.0, 1.0]]), 1).tolist()
        [[0.75]]
    """
    a, err = interval_errors(alphas, values, slopes)
    width = np.diff(a, axis=1)
    worst = np.stack([np.lexsort((-w, -np.abs(e)))[:n] for w, e in zip(width, err)])
    mid = (np.take_along_axis(a, worst, 1) + np.take_along_axis(a, worst + 1, 1)) / 2
    return mid.astype(np.float32)


def adaptive_maps(
    run: Run, x: np.ndarray, targets: np.ndarray, base: np.ndarray, steps: int, count: bool = True
) -> np.ndarray:
    """Integrated Gradients' maps of ``x`` from ``base`` with ``steps`` gradients per image,
    placed by the adaptive rule (see the module docstring).

    Images go through in groups whose round of new points fills a compiled call (within
    the memory budget, the kept per-point products included); ``count`` steps the run's
    progress per group.

    Example: see the module docstring.
    """
    first, size = schedule(steps)
    fn = run.probe.memo(
        ("attributions.path-points", run.target.key),
        lambda: _points_fn(run.gradient(), run.probe.input_shape),
    )
    kept = steps * int(np.prod(x.shape[1:3])) * BYTES
    group = max(1, min(run.gradient_batch // size, int(run.memory * 2**20 // kept)))
    maps = np.zeros(x.shape[:3], np.float32)
    for s in chunks(len(x), group):
        maps[s] = _group_maps(run, fn, (x[s], targets[s], base[s]), steps, first, size)
        if count:
            run.step(s.stop - s.start)
    return maps


def _group_maps(run: Run, fn: Any, images: tuple, steps: int, first: int, size: int) -> np.ndarray:
    """One group's maps: the even grid, then the rounds, then the trapezoid sum."""
    b = len(images[0])
    alphas = [np.tile(np.linspace(0.0, 1.0, first, dtype=np.float32), (b, 1))]
    values, products = _evaluate(run, fn, images, alphas[0])
    values, products = [values], [products]
    slopes = [products[0].sum((2, 3))]
    spent = first
    while spent < steps:
        n = min(size, steps - spent)
        new = next_nodes(*(np.concatenate(v, 1) for v in (alphas, values, slopes)), n)
        v, p = _evaluate(run, fn, images, new)
        alphas.append(new), values.append(v), products.append(p), slopes.append(p.sum((2, 3)))
        spent += n
    w = trapezoid_weights(np.concatenate(alphas, 1))
    return np.einsum("bk,bkhw->bhw", w, np.concatenate(products, 1)).astype(np.float32)


def _evaluate(run: Run, fn: Any, images: tuple, alphas: np.ndarray) -> tuple:
    """Scores (b, k) and channel sums of ``(x - x0) * gradient`` (b, k, H, W) at each row's
    ``alphas``, in calls of at most the run's gradient batch."""
    x, t, base = images
    part = max(1, run.gradient_batch // len(x))
    out = [fn(x, t, base, alphas[:, p]) for p in chunks(alphas.shape[1], part)]
    return tuple(np.concatenate([o[i].numpy() for o in out], 1) for i in (0, 1))


def _points_fn(grad: Any, shape: tuple) -> Any:
    """Compiled: scores (b, k) and ``sum_c (x - x0) * g`` (b, k, H, W) at b images' own
    k path positions ``scale`` (b, k)."""
    from interpret._tf import tf

    h, w, c = shape

    def run(x: Any, t: Any, base: Any, scale: Any) -> tuple:
        b, k = tf.shape(x)[0], tf.shape(scale)[1]
        step = x - base
        path = base[:, None] + scale[:, :, None, None, None] * step[:, None]
        values, g, _ = grad.tensors(tf.reshape(path, (b * k, h, w, c)), tf.repeat(t, k))
        products = tf.reduce_sum(tf.reshape(g, (b, k, h, w, c)) * step[:, None], axis=-1)
        return tf.reshape(values, (b, k)), products

    image = tf.TensorSpec((None, h, w, c), tf.float32)
    return tf.function(
        run,
        input_signature=[
            image,
            tf.TensorSpec((None,), tf.int32),
            image,
            tf.TensorSpec((None, None), tf.float32),
        ],
        autograph=False,
    )
