"""FAB (Croce and Hein 2020): the Fast Adaptive Boundary attack, minimal Linf or L2 perturbations.

Each iteration linearises the decision boundary at the current point ``x1`` (one
gradient: of ``z_t - z_y`` towards a target ``t`` for FAB-T, of every ``z_k - z_y`` for
untargeted FAB), projects both ``x1`` and the original image ``x0`` onto that hyperplane
inside the [0, 1] box (:func:`project_linf`, :func:`project_l2`: the sort-based exact
projections of the paper), and moves to the convex combination of the two projections
that favours the one nearer ``x0`` (weight at most ``alpha_max``), overshooting by
``eta``. Whenever the new point is misclassified it is kept if it is the closest so far,
and the search steps back towards ``x0`` by ``beta``. Restarts after the first start at a
random point at half the eps radius.

FAB-T (:func:`fab` with ``targets=k``) runs once per target: the classes ranked 2nd, 3rd, ... by the
clean logits (9 in AutoAttack), on the images still robust. As in AutoAttack, an image
counts as fooled by FAB when its closest misclassified point lies within ``eps``; with
``eps=None`` every image is searched to the end and the smallest perturbation found is
returned (a minimal-perturbation attack, like C&W and DeepFool).

It keeps a loop of its own for the same reasons as :mod:`interpret.attacks.apgd` (per-image
state beyond gradients, data-parallel steps); the state is a dict of tensors advanced by a
compiled pure step, images done are dropped every :data:`CHECK_EVERY` iterations.

Example:
    >>> from interpret.core.models import resolve
    >>> from interpret.data import datasets
    >>> probe = resolve("mnist-cnn").probe
    >>> x, y = datasets.first_test_images("mnist", 8)
    >>> adv, fooled, dist = fab(probe, x, y, eps=None, steps=20)
    >>> bool(fooled.all()), bool(dist.max() < 0.5)
    (True, True)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from interpret.attacks import noise
from interpret.attacks.apgd import _rows, ranked_targets
from interpret.attacks.distributed import Runner
from interpret.attacks.plan import Plan
from interpret.core import checks
from interpret.core.errors import UserError
from interpret.core.reader import Reader

ALPHA_MAX, ETA, BETA = 0.1, 1.05, 0.9
CHECK_EVERY = 10
FAR = 1e10  # "no adversarial found yet"


def _gather(v: Any, idx: Any) -> Any:
    from interpret._tf import tf

    return tf.gather(v, idx, axis=1, batch_dims=1)


def project_linf(t: Any, w: Any, b: Any) -> Any:
    """The smallest Linf step ``d`` with ``<w, t + d> = b`` and ``t + d`` in [0, 1] (per row).

    Rows: points ``t`` (N, D), hyperplanes ``w`` (N, D), ``b`` (N,). Where the hyperplane
    cannot be reached inside the box, the step towards it that the box allows.

    Example:
        >>> d = project_linf(tf.constant([[0.5, 0.5]]), tf.constant([[1.0, 1.0]]), tf.constant([1.5]))
        >>> d.numpy().round(3).tolist()
        [[0.25, 0.25]]
    """
    from interpret._tf import tf

    n_feat = int(t.shape[1])
    sign = 2.0 * tf.cast(tf.reduce_sum(w * t, 1) - b >= 0, t.dtype) - 1.0
    w, b = w * sign[:, None], b * sign
    a = tf.cast(w < 0, t.dtype)
    nonzero = tf.cast(tf.not_equal(w, 0), t.dtype)
    d = (a - t) * nonzero
    p = a - t * (2.0 * a - 1.0)
    indp = tf.argsort(p, axis=1)
    b = b - tf.reduce_sum(w * t, 1)
    b0 = tf.reduce_sum(w * d, 1)
    indp2 = tf.reverse(indp, [1])
    ws = _gather(w, indp2)
    s = tf.cumsum(tf.abs(ws), axis=1)
    sb = tf.cumsum(-ws * _gather(d, indp2), axis=1) + b0[:, None]
    b2 = sb[:, -1] - s[:, -1] * _gather(p, indp[:, :1])[:, 0]
    c_l = b - b2 > 0
    c2 = tf.logical_and(b - b0 > 0, tf.logical_not(c_l))
    lb = tf.zeros_like(b)
    ub = tf.fill(tf.shape(b), float(n_feat - 1))
    for _ in range(math.ceil(math.log2(n_feat))):
        mid = tf.floor((lb + ub) / 2.0)
        k = tf.cast(mid, tf.int32)[:, None]
        cur = _gather(indp, n_feat - 1 - k)
        b2 = (_gather(sb, k) - _gather(s, k) * _gather(p, cur))[:, 0]
        up = b - b2 > 0
        lb, ub = tf.where(up, mid, lb), tf.where(up, ub, mid)
    k = tf.cast(lb, tf.int32)[:, None]
    lam_l = tf.maximum((b - sb[:, -1]) / (-s[:, -1]), 0.0)[:, None]
    lam = tf.maximum((b - _gather(sb, k)[:, 0]) / (-_gather(s, k)[:, 0]), 0.0)[:, None]
    d_2 = tf.minimum(lam, d) * a + tf.maximum(-lam, d) * (1.0 - a)
    d = tf.where(c_l[:, None], (2.0 * a - 1.0) * lam_l, tf.where(c2[:, None], d_2, d))
    return d * nonzero


def project_l2(t: Any, w: Any, b: Any) -> Any:
    """The smallest L2 step ``d`` with ``<w, t + d> = b`` and ``t + d`` in [0, 1] (per row).

    Example:
        >>> d = project_l2(tf.constant([[0.5, 0.5]]), tf.constant([[1.0, 0.0]]), tf.constant([0.8]))
        >>> d.numpy().astype("float64").round(3).tolist()
        [[0.3, 0.0]]
    """
    from interpret._tf import tf

    n_feat = int(t.shape[1])
    big = 1e12
    c = tf.reduce_sum(w * t, 1) - b
    flip = 2.0 * tf.cast(c >= 0, t.dtype) - 1.0
    w, c = w * flip[:, None], c * flip
    small = tf.abs(w) < 1e-8
    safe = tf.where(small, tf.ones_like(w), w)
    r = tf.clip_by_value(tf.maximum(t / safe, (t - 1.0) / safe), -big, big)
    r = tf.where(small, big, r)
    r = tf.where(tf.equal(r, -big), big, r)
    order = tf.argsort(r, axis=1)
    rs = _gather(r, order)
    rs2 = tf.concat([rs[:, 1:], tf.zeros_like(rs[:, :1])], 1)
    rs = tf.where(tf.equal(rs, big), 0.0, rs)
    rs2 = tf.where(tf.equal(rs2, big), 0.0, rs2)
    w3s = _gather(tf.square(w), order)
    w5 = tf.reduce_sum(w3s, 1, keepdims=True)
    ws = w5 - tf.cumsum(w3s, axis=1)
    d = -(r * w) * tf.cast(tf.logical_not(small), t.dtype)
    s = tf.concat([-w5 * rs[:, :1], tf.cumsum((rs - rs2) * ws, axis=1) - w5 * rs[:, :1]], 1)
    c4 = s[:, 0] + c < 0
    c3 = tf.reduce_sum(d * w, 1) + c > 0
    c2 = tf.logical_not(tf.logical_or(c4, c3))
    lb = tf.zeros_like(c)
    ub = tf.fill(tf.shape(c), float(n_feat - 1))
    for _ in range(math.ceil(math.log2(n_feat))):
        mid = tf.floor((lb + ub) / 2.0)
        up = _gather(s, tf.cast(mid, tf.int32)[:, None])[:, 0] + c > 0
        lb, ub = tf.where(up, mid, lb), tf.where(up, ub, mid)
    k = tf.cast(lb, tf.int32)[:, None]
    ws_k = _gather(ws, k)[:, 0]
    alpha = (_gather(s, k)[:, 0] + c) / tf.where(tf.equal(ws_k, 0), 1.0, ws_k) + _gather(rs, k)[
        :, 0
    ]
    alpha = tf.where(tf.equal(ws_k, 0), 0.0, alpha)[:, None]
    c5 = tf.cast(alpha > r, t.dtype)
    d_c2 = d * c5 - alpha * w * (1.0 - c5)
    d_c4 = -(c / w5[:, 0])[:, None] * w
    d = tf.where(c4[:, None], d_c4, tf.where(c2[:, None], d_c2, d))
    return d * tf.cast(tf.logical_not(small), t.dtype)


def _norm(v: Any, norm: str) -> Any:
    """Per-row Linf or L2 norm of (N, D)."""
    from interpret._tf import tf

    if norm == "linf":
        return tf.reduce_max(tf.abs(v), axis=1)
    return tf.sqrt(tf.reduce_sum(tf.square(v), axis=1))


class _Steps:
    """The compiled FAB iteration of one (model, norm, targeted, runner)."""

    def __init__(self, probe: Any, norm: str, targeted: bool, runner: Runner):
        self.norm, self.targeted = norm, targeted
        self.n_classes = probe.n_classes
        self.reader = Reader(probe, logits=True)
        self.project = project_linf if norm == "linf" else project_l2
        self.step = runner.compile(self._step)

    def _boundary(self, x: Any, y: Any, t: Any) -> tuple[Any, Any]:
        """The nearest linearised boundary at ``x``: (difference of logits, its gradient)."""
        from interpret._tf import tf

        with tf.GradientTape(persistent=not self.targeted) as tape:
            tape.watch(x)
            z = self.reader(x).logits
            zy = tf.gather(z, y, axis=1, batch_dims=1)
            if self.targeted:
                diff = tf.gather(z, t, axis=1, batch_dims=1) - zy
                total = tf.reduce_sum(diff)
        flat = [-1, int(np.prod(x.shape[1:]))]
        if self.targeted:
            zero = tf.UnconnectedGradients.ZERO
            return diff, tf.reshape(tape.gradient(total, x, unconnected_gradients=zero), flat)
        rows = tf.ones_like(zy)[:, None]
        jac = tf.stack(
            [
                tf.reshape(
                    tape.gradient(
                        z,
                        x,
                        output_gradients=rows * tf.one_hot(k, self.n_classes),
                        unconnected_gradients=tf.UnconnectedGradients.ZERO,
                    ),
                    flat,
                )
                for k in range(self.n_classes)
            ],
            1,
        )
        del tape
        df = z - zy[:, None]
        dg = jac - tf.gather(jac, y, axis=1, batch_dims=1)[:, None]
        df = tf.where(tf.one_hot(y, self.n_classes) > 0, FAR, df)
        dual = tf.reduce_sum(tf.abs(dg), 2) if self.norm == "linf" else _norm_3(dg)
        k = tf.argmin(tf.abs(df) / (dual + 1e-12), axis=1, output_type=tf.int32)
        return tf.gather(df, k, axis=1, batch_dims=1), tf.gather(dg, k, axis=1, batch_dims=1)

    def _step(self, s: dict) -> dict:
        from interpret._tf import tf

        x1, x0 = s["x"], s["x0"]
        shape = tf.shape(x1)
        df, w = self._boundary(x1, s["y"], s["t"])
        f1 = tf.reshape(x1, tf.shape(w))
        f0 = tf.reshape(x0, tf.shape(w))
        b = -df + tf.reduce_sum(w * f1, 1)
        d3 = self.project(tf.concat([f1, f0], 0), tf.concat([w, w], 0), tf.concat([b, b], 0))
        n = tf.shape(f1)[0]
        a0 = tf.maximum(_norm(d3, self.norm), 1e-8)
        a1, a2 = a0[:n], a0[n:]
        alpha = tf.clip_by_value(a1 / (a1 + a2), 0.0, ALPHA_MAX)[:, None]
        moved = (f1 + ETA * d3[:n]) * (1.0 - alpha) + (f0 + ETA * d3[n:]) * alpha
        x_new = tf.reshape(tf.clip_by_value(moved, 0.0, 1.0), shape)
        pred = tf.argmax(self.reader(x_new).logits, axis=1, output_type=tf.int32)
        hit = tf.not_equal(pred, s["y"])
        dist = _norm(tf.reshape(x_new - x0, tf.shape(w)), self.norm)
        better = tf.logical_and(hit, dist < s["dist"])
        h = _rows(hit, x1)
        return {
            **s,
            "x": tf.where(h, x0 + (x_new - x0) * BETA, x_new),
            "adv": tf.where(_rows(better, x1), x_new, s["adv"]),
            "dist": tf.where(better, dist, s["dist"]),
        }


def _norm_3(v: Any) -> Any:
    from interpret._tf import tf

    return tf.sqrt(tf.reduce_sum(tf.square(v), 2))


def run_once(
    probe: Any,
    x0: np.ndarray,
    y: np.ndarray,
    t: np.ndarray | None,
    start: np.ndarray,
    *,
    norm: str,
    steps: int,
    runner: Runner,
    stop_at: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """One FAB search from ``start``; returns (closest adversarial or x0, its distance or inf).

    ``t`` (one target per image) makes it FAB-T; ``stop_at`` drops an image once its
    closest adversarial lies within that distance (AutoAttack needs no closer one).

    Example:
        >>> from interpret.attacks.distributed import make_runner
        >>> from interpret.core.models import resolve
        >>> from interpret.data import datasets
        >>> probe = resolve("mnist-cnn").probe
        >>> x, y = datasets.first_test_images("mnist", 8)
        >>> adv, dist = run_once(probe, x, y, None, x, norm="l2", steps=10, runner=make_runner("one"))
        >>> dist.shape
        (8,)
    """
    targeted = t is not None
    key = ("fab", norm, targeted, id(runner.strategy))
    fns = probe.memo(key, lambda: _Steps(probe, norm, targeted, runner))
    t = np.zeros(len(x0), np.int32) if t is None else np.asarray(t, np.int32)
    adv, dist = x0.copy(), np.full(len(x0), np.inf, np.float32)
    parts = [
        {
            "x0": x0[p],
            "y": y[p],
            "t": t[p],
            "x": start[p],
            "adv": x0[p],
            "dist": np.full(len(p), FAR, np.float32),
            "row": p.astype(np.int32),
        }
        for p in runner.split(len(x0))
    ]
    state = runner.put(parts)
    limit = -1.0 if stop_at is None else float(stop_at)
    for i in range(steps):
        state = fns.step(state)
        if (i + 1) % CHECK_EVERY and i + 1 < steps:
            continue
        done_parts = []
        for p in runner.parts(state, ["row", "adv", "dist"]):
            found = p["dist"] < FAR
            adv[p["row"][found]], dist[p["row"][found]] = p["adv"][found], p["dist"][found]
            done_parts.append(p["dist"] <= limit)
        if all(m.all() for m in done_parts):
            break
        if stop_at is not None and any(m.any() for m in done_parts):
            state = runner.select(state, [~m for m in done_parts])
    return adv, dist


def _search(
    probe: Any,
    x: np.ndarray,
    y: np.ndarray,
    targets: list[np.ndarray | None],
    eps: float | None,
    plan: Plan,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """FAB for each target list (None: untargeted) and restart, on the images not yet done."""
    adv, dist = x.copy(), np.full(len(x), np.inf, np.float32)
    wrong = probe.predict(x).argmax(1) != y if len(x) else np.zeros(0, bool)
    dist[wrong] = 0.0  # already misclassified: distance 0
    norm = plan.norm
    radius = 0.3 if eps is None and norm == "linf" else 1.0 if eps is None else eps
    runs = [(j, t, r) for j, t in enumerate(targets) for r in range(plan.restarts)]
    for j, t, r in runs:
        todo = np.flatnonzero(~wrong & (dist > (-1.0 if eps is None else eps)))
        if not len(todo):
            break
        start = x[todo]
        if r > 0:
            gens = noise.streams(plan.seed, f"fab-{j}-{r}", plan.ids[todo])
            start = noise.ball_start(x[todo], radius, norm, gens, scale=0.5)
        a, d = run_once(
            probe,
            x[todo],
            y[todo],
            None if t is None else t[todo],
            start,
            norm=norm,
            steps=plan.steps,
            runner=plan.runner,
            stop_at=eps,
        )
        closer = d < dist[todo]
        adv[todo[closer]], dist[todo[closer]] = a[closer], d[closer]
    fooled = np.isfinite(dist) if eps is None else dist <= eps
    return adv, fooled, dist


def fab(
    probe: Any,
    x: np.ndarray,
    y: np.ndarray,
    *,
    eps: float | None = None,
    norm: str = "linf",
    steps: int = 100,
    restarts: int = 1,
    target: np.ndarray | None = None,
    targets: int | None = None,
    seed: int = 0,
    ids: np.ndarray | None = None,
    devices: Any = "auto",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Untargeted FAB, FAB towards ``target`` (one class per image), or FAB-T (``targets=k``).

    FAB-T searches towards the classes ranked 2 .. k+1 by the clean logits, in turn, on
    the images still robust (AutoAttack uses k = 9); give ``target`` or ``targets``, not both.

    Returns (adversarial, fooled, distance): the closest adversarial found (the image
    itself where none was), whether it counts (found, and within ``eps`` if given) and its
    Linf or L2 distance (inf where none was found).

    Example (FAB-T towards the two runner-up classes; untargeted: the module docstring):
        >>> from interpret.core.models import resolve
        >>> from interpret.data import datasets
        >>> probe = resolve("mnist-cnn").probe
        >>> x, y = datasets.first_test_images("mnist", 4)
        >>> adv, fooled, dist = fab(probe, x, y, eps=0.3, steps=10, targets=2)
        >>> fooled.shape
        (4,)
    """
    if target is not None and targets is not None:
        raise UserError("give {target} or {targets}, not both", "targets")
    plan = Plan.of(
        len(x), norm=norm, steps=steps, restarts=restarts, seed=seed, ids=ids, devices=devices
    )
    if targets is not None:
        aims = ranked_targets(probe, x, checks.positive_int(targets, "targets"))
    else:
        aims = [None if target is None else np.asarray(target, np.int32)]
    return _search(probe, x, y, aims, eps, plan)
