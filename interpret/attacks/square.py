"""Square Attack (Andriushchenko et al. 2020): score-based, black-box, Linf and L2.

It reads only the model's outputs (the logits' margin), never a gradient: a check that
gradient-based attacks are not fooled by masked gradients. Per image:

* start: vertical stripes of +-eps (Linf), or a 5 x 5 grid of the paper's centred
  squares of random sign (L2), scaled to the eps-ball;
* each query: a square window of side ``s`` at a random place gets a new random
  perturbation (Linf: +-2 eps per channel, then clipped to the ball; L2: the paper's
  centred pattern, with the mass of a second random window moved into it), and the
  proposal is kept if it lowers the margin loss ``z_y - max_{i != y} z_i`` (targeted:
  the cross-entropy of the target);
* ``s`` shrinks with the query count, from ``p_init`` (the share of the pixels changed)
  halving at queries 10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000 (``rescale=True``
  stretches that schedule of the paper's 10,000 queries over the budget; AutoAttack keeps it);
* an image stops as soon as it is misclassified; its query count (the start counts
  as one) is returned.

Unlike the reference code, which draws one window for the whole batch per query, every
image draws its own window and signs from its own stream (:mod:`interpret.attacks.noise`),
so the result does not depend on the batch. The loop keeps its own compiled step for the
same reasons as :mod:`interpret.attacks.apgd`; images fooled are dropped every
:data:`CHUNK` queries.

Example:
    >>> from interpret.core.models import resolve
    >>> from interpret.data import datasets
    >>> probe = resolve("mnist-cnn").probe
    >>> x, y = datasets.first_test_images("mnist", 8)
    >>> adv, fooled, queries = square(probe, x, y, eps=0.3, queries=200)
    >>> bool(np.abs(adv - x).max() <= 0.3 + 1e-6), int(queries.max()) <= 201
    (True, True)
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from interpret.attacks import losses, noise
from interpret.attacks.apgd import _rows
from interpret.attacks.distributed import Runner, make_runner
from interpret.core.reader import Reader

CHUNK = 100  # queries between drops of fooled images (and draws of random numbers)
HALVINGS = (10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000)


def p_selection(p_init: float, it: int, queries: int, rescale: bool) -> float:
    """The share of the pixels a proposal changes at query ``it`` (0-based).

    Example:
        >>> p_selection(0.8, 5, 5000, False), p_selection(0.8, 60, 5000, False)
        (0.8, 0.2)
    """
    if rescale:
        it = int(it / queries * 10000)
    return p_init / 2 ** sum(it > h for h in HALVINGS)


def side(p: float, h: int, w: int, norm: str) -> int:
    """The window's side for share ``p`` of an h x w image (L2: odd and at least 3).

    Example:
        >>> side(0.8, 28, 28, "linf"), side(0.05, 32, 32, "l2")
        (25, 7)
    """
    s = max(int(round(math.sqrt(p * h * w))), 1 if norm == "linf" else 3)
    if norm == "l2" and s % 2 == 0:
        s += 1
    return min(s, h, w)


@functools.lru_cache(maxsize=64)
def centred(s: int) -> np.ndarray:
    """The L2 proposal of side ``s``: two halves of nested squares of opposite sign, unit norm.

    Example:
        >>> e = centred(5)
        >>> e.shape, round(float((e ** 2).sum()), 4)
        ((5, 5), 1.0)
    """

    def rectangles(a: int, b: int) -> np.ndarray:
        d = np.zeros((a, b))
        ca, cb = a // 2, b // 2
        for k in range(max(ca + 1, cb + 1)):
            d[
                max(ca - k, 0) : min(ca - k + 2 * k + 1, a),
                max(cb - k, 0) : min(cb - k + 2 * k + 1, b),
            ] += 1.0 / (k + 1) ** 2
        return d / np.sqrt((d**2).sum())

    e = np.zeros((s, s))
    e[: s // 2] = rectangles(s // 2, s)
    e[s // 2 :] = -rectangles(s - s // 2, s)
    return (e / np.sqrt((e**2).sum())).astype(np.float32)


def _window(shape: Any, top: Any, left: Any, s: Any) -> Any:
    """(B, H, W, 1) masks of the s x s windows whose corners are ``top``, ``left`` (B,)."""
    from interpret._tf import tf

    rows = tf.range(shape[1])[None, :]
    cols = tf.range(shape[2])[None, :]
    r = tf.logical_and(rows >= top[:, None], rows < top[:, None] + s)
    c = tf.logical_and(cols >= left[:, None], cols < left[:, None] + s)
    return tf.cast(tf.logical_and(r[:, :, None], c[:, None, :]), tf.float32)[..., None]


class _Steps:
    """The compiled start and query of one (model, norm, targeted, runner)."""

    def __init__(self, probe: Any, norm: str, targeted: bool, runner: Runner):
        self.norm, self.targeted = norm, targeted
        self.reader = Reader(probe, logits=True)
        self.query = runner.compile(self._query)
        self.start = runner.compile(self._start)

    def _scores(self, x: Any, y: Any) -> tuple[Any, Any]:
        """(margin, loss): margin <= 0 means fooled; the loss is what a proposal must lower."""
        z = self.reader(x).logits
        if self.targeted:
            return -losses.margin(z, y), losses.ce(z, y)
        m = losses.margin(z, y)
        return m, m

    def _start(self, s: dict, eps: Any) -> dict:
        margin, loss = self._scores(s["x_best"], s["y"])
        return {**s, "margin": margin, "loss": loss}

    def _offsets(self, u: Any, s: Any, shape: Any) -> tuple[Any, Any]:
        from interpret._tf import tf

        top = tf.cast(tf.floor(u[:, 0] * tf.cast(shape[1] - s, tf.float32)), tf.int32)
        left = tf.cast(tf.floor(u[:, 1] * tf.cast(shape[2] - s, tf.float32)), tf.int32)
        return top, left

    def _propose_linf(self, s: dict, u: Any, eps: Any, side: Any) -> Any:
        from interpret._tf import tf

        x0, best = s["x0"], s["x_best"]
        shape = tf.shape(x0)
        top, left = self._offsets(u, side, shape)
        signs = tf.sign(u[:, 2:] - 0.5)[:, None, None, :]
        delta = _window(shape, top, left, side) * 2.0 * eps * signs
        return tf.clip_by_value(tf.clip_by_value(best + delta, x0 - eps, x0 + eps), 0.0, 1.0)

    def _propose_l2(self, s: dict, u: Any, eps: Any, side: Any, pattern: Any) -> Any:
        from interpret._tf import tf

        x0 = s["x0"]
        shape = tf.shape(x0)
        delta = s["x_best"] - x0
        top, left = self._offsets(u, side, shape)
        top2, left2 = self._offsets(u[:, 2:], side, shape)
        m1, m2 = _window(shape, top, left, side), _window(shape, top2, left2, side)
        signs = tf.sign(u[:, 5:] - 0.5)[:, None, None, :]
        placed = self._place(pattern, side, top, left, u[:, 4] < 0.5, shape) * signs
        sq = lambda v: tf.reduce_sum(tf.square(v), axis=[1, 2], keepdims=True)  # noqa: E731
        n1 = tf.sqrt(sq(delta * m1))
        n_img = tf.sqrt(tf.reduce_sum(sq(delta), axis=3, keepdims=True))
        n_win = tf.sqrt(sq(delta * tf.maximum(m1, m2)))
        new = placed + delta * m1 / (1e-12 + n1)
        c = tf.cast(shape[3], tf.float32)
        scale = tf.sqrt(tf.maximum(eps**2 - n_img**2, 0.0) / c + n_win**2)
        new = new / (1e-12 + tf.sqrt(sq(new))) * scale
        delta = delta * (1.0 - m1) * (1.0 - m2) + new * m1
        size = tf.sqrt(tf.reduce_sum(sq(delta), axis=3, keepdims=True))
        return tf.clip_by_value(x0 + delta / (size + 1e-12) * eps, 0.0, 1.0)

    @staticmethod
    def _place(pattern: Any, side: Any, top: Any, left: Any, flip: Any, shape: Any) -> Any:
        """The s x s ``pattern`` (flattened) at each image's window, transposed where ``flip``."""
        from interpret._tf import tf

        r = tf.range(shape[1])[None, :] - top[:, None]
        c = tf.range(shape[2])[None, :] - left[:, None]
        inside = tf.logical_and(
            tf.logical_and(r >= 0, r < side)[:, :, None],
            tf.logical_and(c >= 0, c < side)[:, None, :],
        )
        r = tf.clip_by_value(r, 0, side - 1)[:, :, None]
        c = tf.clip_by_value(c, 0, side - 1)[:, None, :]
        f = flip[:, None, None]
        idx = tf.where(f, c, r) * side + tf.where(f, r, c)
        return (tf.gather(pattern, idx) * tf.cast(inside, tf.float32))[..., None]

    def _query(self, s: dict, k: Any, eps: Any, side: Any, pattern: Any) -> dict:
        from interpret._tf import tf

        u = s["u"][:, k]
        if self.norm == "linf":
            x_new = self._propose_linf(s, u, eps, side)
        else:
            x_new = self._propose_l2(s, u, eps, side, pattern)
        margin, loss = self._scores(x_new, s["y"])
        active = s["margin"] > 0.0
        keep = tf.logical_and(active, tf.logical_or(loss < s["loss"], margin <= 0.0))
        return {
            **s,
            "x_best": tf.where(_rows(keep, x_new), x_new, s["x_best"]),
            "margin": tf.where(keep, margin, s["margin"]),
            "loss": tf.where(tf.logical_and(active, loss < s["loss"]), loss, s["loss"]),
            "queries": s["queries"] + tf.cast(active, tf.float32),
        }


def _start_point(x: np.ndarray, eps: float, norm: str, gens: noise.Streams) -> np.ndarray:
    """Linf: vertical stripes of +-eps; L2: a 5 x 5 grid of centred squares, on the ball."""
    b, h, w, c = x.shape
    if norm == "linf":
        signs = np.sign(noise.uniform(gens, (1, w, c)) - 0.5)
        return np.clip(x + eps * signs, 0.0, 1.0).astype(np.float32)
    s = h // 5
    delta = np.zeros_like(x)
    first = (h - s * 5) // 2
    signs = np.sign(noise.uniform(gens, (h // s, w // s, c)) - 0.5)
    for i in range(h // s):
        for j in range(w // s):
            r, q = first + i * s, first + j * s
            delta[:, r : r + s, q : q + s, :] += (
                centred(s)[None, :, :, None] * signs[:, i : i + 1, j : j + 1, :]
            )
    size = np.sqrt((delta.astype(np.float64) ** 2).reshape(b, -1).sum(1)).reshape(-1, 1, 1, 1)
    return np.clip(x + delta / (size + 1e-12) * eps, 0.0, 1.0).astype(np.float32)


def square(
    probe: Any,
    x: np.ndarray,
    y: np.ndarray,
    *,
    eps: float,
    norm: str = "linf",
    queries: int = 5000,
    p_init: float = 0.8,
    restarts: int = 1,
    rescale: bool = False,
    target: np.ndarray | None = None,
    seed: int = 0,
    ids: np.ndarray | None = None,
    devices: Any = "auto",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Square Attack; returns (adversarial or original image, fooled, queries used per image).

    ``target`` (one class per image) makes it targeted (success: predicted as the target).
    Each restart attacks the images still robust with a fresh budget; the query counts add up.

    Example: see the module docstring.
    """
    runner = devices if isinstance(devices, Runner) else make_runner(devices)
    ids = np.arange(len(x)) if ids is None else np.asarray(ids)
    goal = np.asarray(y if target is None else target, np.int32)
    adv, fooled = x.copy(), np.zeros(len(x), bool)
    used = np.zeros(len(x), np.float32)
    for r in range(restarts):
        todo = np.flatnonzero(~fooled)
        if not len(todo):
            break
        gens = noise.streams(seed, f"square-{r}", ids[todo])
        a, f, q = _run_once(
            probe,
            x[todo],
            goal[todo],
            gens,
            eps=eps,
            norm=norm,
            queries=queries,
            p_init=p_init,
            rescale=rescale,
            targeted=target is not None,
            runner=runner,
        )
        adv[todo[f]], fooled[todo[f]] = a[f], True
        used[todo] += q
    return adv, fooled, used


def _run_once(
    probe: Any,
    x0: np.ndarray,
    goal: np.ndarray,
    gens: noise.Streams,
    *,
    eps: float,
    norm: str,
    queries: int,
    p_init: float,
    rescale: bool,
    targeted: bool,
    runner: Runner,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One Square run of ``queries`` queries; the host draws each image's numbers per chunk."""
    from interpret._tf import tf

    fns = probe.memo(
        ("square", norm, targeted, id(runner.strategy)),
        lambda: _Steps(probe, norm, targeted, runner),
    )
    h, w, c = x0.shape[1:]
    width = c + (2 if norm == "linf" else 5)
    adv, fooled = x0.copy(), np.zeros(len(x0), bool)
    used = np.ones(len(x0), np.float32)
    start = _start_point(x0, eps, norm, gens)
    parts = [
        {
            "x0": x0[p],
            "y": goal[p],
            "x_best": start[p],
            "queries": np.ones(len(p), np.float32),
            "row": p.astype(np.int32),
            "u": np.zeros((len(p), 1, width), np.float32),
        }
        for p in runner.split(len(x0))
    ]
    e = tf.constant(float(eps))
    state = fns.start(runner.put(parts), e)
    for first in range(0, queries, CHUNK):
        rows = runner.parts(state, ["row", "margin", "x_best", "queries"])
        for p in rows:
            done = p["margin"] <= 0.0
            adv[p["row"][done]], fooled[p["row"][done]] = p["x_best"][done], True
            used[p["row"]] = p["queries"]
        keep = [p["margin"] > 0.0 for p in rows]
        if not any(k.any() for k in keep):
            return adv, fooled, used
        if not all(k.all() for k in keep):
            state = runner.select(state, keep)
        n = min(CHUNK, queries - first)
        draws = [
            noise.uniform([gens[i] for i in p["row"][k]], (n, width)) for p, k in zip(rows, keep)
        ]
        state = {**state, "u": runner.put(draws)}
        for k in range(n):
            s = side(p_selection(p_init, first + k, queries, rescale), h, w, norm)
            pattern = centred(s).reshape(-1) if norm == "l2" else np.zeros(1, np.float32)
            state = fns.query(state, tf.constant(k), e, tf.constant(s), tf.constant(pattern))
    for p in runner.parts(state, ["row", "margin", "x_best", "queries"]):
        done = p["margin"] <= 0.0
        adv[p["row"][done]], fooled[p["row"][done]] = p["x_best"][done], True
        used[p["row"]] = p["queries"]
    return adv, fooled, used
