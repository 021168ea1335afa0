"""Faithfulness metrics: does the model's score follow what an attribution map says matters?

Each metric perturbs the images as a map directs and reads the model's class score
(the softmax probability of the target class by default, as in the papers):

* **Deletion** (Petsiuk et al. 2018, the RISE paper): remove pixels, most important
  first, replacing them with a baseline (black); the area under the score curve
  (fraction of pixels removed on the x axis, trapezoid rule) is *lower* for a faithful
  map.
* **Insertion** (same paper): start from a baseline (the image blurred, as in the
  paper's code: an 11x11 Gaussian, sigma 5) and put pixels back, most important
  first; the area is *higher* for a faithful map.
* **MuFidelity** (Bhatt et al. 2020, def. 3): for random subsets of a grid of cells
  (each cell removed with probability ``removed``, as Xplique draws them), correlate
  the sum of the map over the removed pixels with the score drop; *higher* is better.
  The subsets are drawn once per call and shared by every map (a paired comparison),
  so the forward passes are run once for all methods.
* **Average Drop** and **Increase in Confidence** (Chattopadhay et al. 2018, the
  Grad-CAM++ paper): multiply the image by the map (absolute value, min-max scaled
  to [0, 1] per image) and compare the score with the clean one: the mean relative
  drop ``max(0, Y - O) / Y`` (*lower* is better) and the fraction of images whose
  score rises (*higher* is better).

:func:`evaluate` scores several maps at once and adds a **random attribution** (i.i.d.
uniform noise, seeded) on the same images, so every number has its chance level
beside it. Work is batched on the probe's compiled forward pass; the perturbed
images are built inside the compiled function, in batches that fit ``memory`` MB.

The plain version of Deletion, which :func:`deletion` batches::

    order = np.argsort(saliency.ravel())[::-1]          # most important first
    for k in np.linspace(0, n_pixels, steps + 1).astype(int):
        x = image.copy().reshape(n_pixels, -1); x[order[:k]] = 0
        curve.append(softmax(model(x.reshape(image.shape)))[target])
    auc = np.trapz(curve, dx=1 / steps)

Example:
    >>> import numpy as np
    >>> from interpret.attributions import metrics
    >>> from interpret.core.models import resolve
    >>> probe = resolve("mnist-cnn").probe
    >>> x = np.random.default_rng(0).random((2, 28, 28, 1), dtype="float32")
    >>> maps = {"center": np.pad(np.ones((2, 8, 8)), ((0, 0), (10, 10), (10, 10)))}
    >>> out = metrics.evaluate(probe, x, maps, metrics=["deletion"], steps=4)
    >>> sorted(out.scores), out.scores["center"]["deletion"].shape
    (['center', 'random'], (2,))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpret._fast import precision as precision_lib
from interpret.core import checks
from interpret.core.errors import UserError
from interpret.core.progress import ProgressSpec, advance

METRICS = ("deletion", "insertion", "mufidelity", "average-drop", "increase-confidence")
HIGHER_IS_BETTER = {
    "deletion": False,
    "insertion": True,
    "mufidelity": True,
    "average-drop": False,
    "increase-confidence": True,
}
BASELINES = ("black", "blur", "mean")
SCORES = ("probability", "logit")
CORRELATIONS = ("pearson", "spearman")
RANDOM = "random"
MIN_IMAGES = 2  # the chance comparison uses the spread over images (a standard error)


@dataclass(frozen=True)
class MetricSettings:
    """How the metrics perturb and score (defaults: the papers' settings, scaled to small images)."""

    steps: int = field(
        default=32, metadata={"help": "Deletion/insertion steps (curve points - 1)."}
    )
    deletion_baseline: str = field(
        default="black",
        metadata={"help": "What deleted pixels become: black, blur, mean or a number."},
    )
    insertion_baseline: str = field(
        default="blur",
        metadata={"help": "What insertion starts from: black, blur, mean or a number."},
    )
    subsets: int = field(default=200, metadata={"help": "MuFidelity: random subsets per image."})
    grid: int = field(
        default=9, metadata={"help": "MuFidelity: cells per side of the subset grid."}
    )
    removed: float = field(
        default=0.2, metadata={"help": "MuFidelity: probability that a cell is removed."}
    )
    correlation: str = field(
        default="pearson",
        metadata={
            "help": "MuFidelity's correlation (Bhatt et al.: pearson).",
            "choices": CORRELATIONS,
        },
    )
    score: str = field(
        default="probability",
        metadata={"help": "Class score read: softmax probability or logit.", "choices": SCORES},
    )
    memory: float = field(
        default=256.0, metadata={"help": "MB of activations one forward batch may take."}
    )
    precision: str = field(
        default="auto",
        metadata={
            "help": "Forward-pass arithmetic: auto is bfloat16 where the CPU has it in hardware.",
            "choices": precision_lib.CHOICES,
        },
    )


@dataclass
class Faithfulness:
    """Per-image scores of every map (and the random one) under every metric.

    ``scores[method][metric]`` is an (N,) array; ``curves[method][metric]`` the (N,
    steps + 1) deletion/insertion curves; ``fractions`` their x axis.

    Example:
        >>> from interpret.core.models import resolve
        >>> x = np.random.default_rng(0).random((3, 28, 28, 1), dtype="float32")
        >>> out = evaluate(resolve("mnist-cnn"), x, {"x": x[..., 0]}, metrics="deletion", steps=4)
        >>> out.mean("x", "deletion") >= 0, out.sem("random", "deletion") >= 0
        (True, True)
        >>> isinstance(out.beats_chance("x", "deletion"), bool)
        True
    """

    metrics: list[str]
    scores: dict[str, dict[str, np.ndarray]]
    curves: dict[str, dict[str, np.ndarray]]
    fractions: np.ndarray
    targets: np.ndarray
    settings: MetricSettings
    seed: int
    precision: str = "float32"  # the arithmetic the forward passes ran in

    def mean(self, method: str, metric: str) -> float:
        """The metric's mean over the images for one method.

        Example: see the class.
        """
        return float(np.mean(self.scores[method][metric]))

    def sem(self, method: str, metric: str) -> float:
        """Standard error of that mean (0 for a single image).

        Example: see the class.
        """
        v = self.scores[method][metric]
        return float(np.std(v, ddof=1) / np.sqrt(len(v))) if len(v) > 1 else 0.0

    def beats_chance(self, method: str, metric: str) -> bool:
        """Whether the method's mean is better than the random attribution's.

        Example: see the class.
        """
        diff = self.mean(method, metric) - self.mean(RANDOM, metric)
        return bool(diff > 0 if HIGHER_IS_BETTER[metric] else diff < 0)


# ---- checks ------------------------------------------------------------------------------------


def check_metrics(spec: Any, param: str = "metrics") -> list[str]:
    """``"all"``, a comma list or a sequence of metric names -> the names, checked.

    Example:
        >>> check_metrics("deletion, insertion")
        ['deletion', 'insertion']
        >>> check_metrics("faith")
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: unknown metric 'faith' for metrics=; choose one of: deletion, insertion, mufidelity, average-drop, increase-confidence
    """
    if spec is None or (isinstance(spec, str) and spec.strip().lower() in ("", "all")):
        return list(METRICS)
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    names = [checks.choice(s, METRICS, param, "metric") for s in items if str(s).strip()]
    if not names:
        raise UserError(f"no metric named in {{{param}}}; choose from: {', '.join(METRICS)}", param)
    return list(dict.fromkeys(names))


def check_settings(settings: MetricSettings, n_pixels: int) -> MetricSettings:
    """Every setting checked (one line naming the parameter); returns them unchanged.

    Example:
        >>> check_settings(MetricSettings(subsets=2), 784)
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: subsets= must be a whole number of at least 3, got 2
    """
    checks.positive_int(settings.steps, "steps")
    if settings.steps > n_pixels:
        raise UserError(
            f"{{steps}} is {settings.steps} but the images have only {n_pixels} pixels; "
            f"give at most {n_pixels}",
            "steps",
        )
    for name in ("deletion_baseline", "insertion_baseline"):
        _baseline_kind(getattr(settings, name), name)
    checks.positive_int(settings.subsets, "subsets", minimum=3)  # a correlation needs 3 points
    checks.positive_int(settings.grid, "grid")
    checks.fraction(settings.removed, "removed", open_high=True)
    checks.choice(settings.correlation, CORRELATIONS, "correlation", "correlation")
    checks.choice(settings.score, SCORES, "score", "score")
    checks.positive(settings.memory, "memory")
    checks.choice(settings.precision, precision_lib.CHOICES, "precision", "precision")
    precision_lib.resolve(settings.precision)
    return settings


def check_maps(maps: Mapping[str, Any], images: np.ndarray) -> dict[str, np.ndarray]:
    """Maps as float32 (N, H, W) arrays matching the images; (N, H, W, C) is averaged over C.

    Example:
        >>> check_maps({"a": np.zeros((2, 4, 4, 3))}, np.zeros((2, 4, 4, 3)))["a"].shape
        (2, 4, 4)
    """
    out = {}
    n, h, w = images.shape[:3]
    for name, m in maps.items():
        arr = np.asarray(m, np.float32)
        if arr.ndim == 4:
            arr = arr.mean(axis=-1)
        if arr.shape != (n, h, w):
            raise UserError(
                f"maps of {name!r} have shape {np.shape(m)}; the {n} images need ({n}, {h}, {w})",
                "maps",
            )
        if not np.all(np.isfinite(arr)):
            raise UserError(f"maps of {name!r} contain NaN or infinite values", "maps")
        out[str(name)] = arr
    return out


def _baseline_kind(value: Any, param: str) -> str | float:
    if isinstance(value, str) and value.strip().lower() in BASELINES:
        return value.strip().lower()
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UserError(
            f"{{{param}}} must be one of {', '.join(BASELINES)} or a number in [0, 1], got {value!r}",
            param,
        ) from None
    return checks.non_negative(number, param, maximum=1.0)


# ---- image operations --------------------------------------------------------------------------


def baseline_images(images: np.ndarray, kind: str | float) -> np.ndarray:
    """The images every pixel is replaced from: black, blurred, per-image mean or a constant.

    The blur is the RISE code's (:func:`rise_blur_kernel`), zero padded.

    Example:
        >>> float(baseline_images(np.ones((1, 4, 4, 1), "float32"), 0.5)[0, 0, 0, 0])
        0.5
        >>> float(baseline_images(np.ones((1, 32, 32, 1), "float32"), "blur")[0, 16, 16, 0]) > 0.9
        True
    """
    kind = _baseline_kind(kind, "baseline")
    x = np.asarray(images, np.float32)
    if kind == "black":
        return np.zeros_like(x)
    if kind == "mean":
        return np.broadcast_to(x.mean(axis=(1, 2), keepdims=True), x.shape).astype(np.float32)
    if kind == "blur":  # the kernel is an outer product: two 1-D passes
        from scipy.ndimage import convolve1d

        k = rise_blur_kernel(rows_only=True)
        for axis in (1, 2):
            x = convolve1d(x, k, axis=axis, mode="constant", cval=0.0)
        return x.astype(np.float32)
    return np.full_like(x, float(kind))


def rise_blur_kernel(size: int = 11, sigma: float = 5.0, rows_only: bool = False) -> np.ndarray:
    """The insertion baseline's blur kernel, made as the RISE code makes it.

    A Dirac delta in a ``size`` x ``size`` array smoothed by ``scipy.ndimage.gaussian_filter``
    (reflecting borders, so the tails fold back in and it sums to 1). That filter runs
    along each axis in turn, so the kernel is the outer product of one 1-D kernel with
    itself; ``rows_only`` returns that 1-D kernel.

    Example:
        >>> k = rise_blur_kernel()
        >>> k.shape, round(float(k.sum()), 6)
        ((11, 11), 1.0)
        >>> k1 = rise_blur_kernel(rows_only=True)
        >>> bool(np.allclose(np.outer(k1, k1), k))
        True
    """
    from scipy.ndimage import gaussian_filter

    delta = np.zeros((size,) if rows_only else (size, size))
    delta[(size // 2,) * delta.ndim] = 1.0
    return gaussian_filter(delta, sigma)


def removal_ranks(maps: np.ndarray) -> np.ndarray:
    """(N, H, W) maps -> (N, H*W) int32: each pixel's position in the order of removal.

    Most important (largest value) first; ties in the order of ``np.argsort`` reversed,
    as Xplique orders them, so both remove the same pixels.

    Example:
        >>> removal_ranks(np.array([[[0.1, 0.9], [0.5, 0.0]]])).tolist()
        [[2, 0, 1, 3]]
    """
    flat = np.asarray(maps, np.float32).reshape(len(maps), -1)
    order = np.argsort(flat, axis=-1)[:, ::-1]
    ranks = np.empty_like(order, dtype=np.int32)
    rows = np.arange(len(flat))[:, None]
    ranks[rows, order] = np.arange(flat.shape[1], dtype=np.int32)[None, :]
    return ranks


def subset_masks(
    subsets: int, grid: int, removed: float, hw: tuple[int, int], seed: int
) -> np.ndarray:
    """(subsets, H, W) float32 keep-masks: each of grid x grid cells removed with probability ``removed``.

    Cells are spread over the image as a nearest-neighbour resize spreads them (the
    way Xplique upsamples its grid).

    Example:
        >>> m = subset_masks(100, 4, 0.25, (8, 8), seed=0)
        >>> m.shape, sorted(set(m.ravel().tolist())), bool(0.15 < 1 - m.mean() < 0.35)
        ((100, 8, 8), [0.0, 1.0], True)
    """
    rng = np.random.default_rng((seed, 1))  # a stream apart from random_maps'
    keep = (rng.random((subsets, grid, grid)) > removed).astype(np.float32)
    rows = np.minimum(((np.arange(hw[0]) + 0.5) * grid / hw[0]).astype(int), grid - 1)
    cols = np.minimum(((np.arange(hw[1]) + 0.5) * grid / hw[1]).astype(int), grid - 1)
    return keep[:, rows][:, :, cols]


def random_maps(n: int, hw: tuple[int, int], seed: int) -> np.ndarray:
    """The chance-level attribution: i.i.d. uniform noise, (n, H, W), seeded.

    Example:
        >>> random_maps(2, (3, 3), seed=0).shape
        (2, 3, 3)
    """
    return np.random.default_rng(seed).random((n, *hw), dtype=np.float32)


# ---- compiled scoring --------------------------------------------------------------------------


class Scorer:
    """The compiled forward passes every metric runs, built once per probe, score and precision.

    ``memory`` (MB) bounds the activations of one forward batch: :meth:`per_pass`
    images at a time, counting every layer's output (and at most 128: larger batches
    ran slower per image on this machine's CPU). ``precision`` is the arithmetic of
    the forward passes (:mod:`interpret._fast.precision`; ``"auto"``: bfloat16 where the
    CPU multiplies it in hardware).

    Example:
        >>> from interpret.core.models import resolve
        >>> s = Scorer.of(resolve("mnist-cnn").probe, "probability", "float32")
        >>> s(np.zeros((3, 28, 28, 1), "float32"), np.array([0, 1, 2])).shape
        (3,)
    """

    def __init__(self, probe: Any, score: str, precision: str = "float32"):
        from interpret._tf import tf

        self.probe = probe
        self.score = score
        self.precision = precision_lib.resolve(precision)
        self._logits = probe.extractor((), logits=True)
        h, w, c = probe.input_shape
        img = tf.TensorSpec((None, h, w, c), tf.float32)
        vec = tf.TensorSpec((None,), tf.int32)
        sig = dict(autograph=False, reduce_retracing=True)
        self._plain = tf.function(self._read, input_signature=[img, vec], **sig)
        ranks = tf.TensorSpec((None, h * w), tf.int32)
        cells = [vec, vec]  # per cell: which image, and which count / mask
        self._path = tf.function(
            self._path_fn, input_signature=[img, img, ranks, vec, *cells], **sig
        )
        keep = tf.TensorSpec((None, h, w), tf.float32)
        self._masked = tf.function(self._masked_fn, input_signature=[img, keep, vec, *cells], **sig)

    @classmethod
    def of(cls, probe: Any, score: str, precision: str = "float32") -> Scorer:
        """The probe's scorer (compiled once per score and precision, kept on the probe).

        Example: see the class.
        """
        used = precision_lib.resolve(precision)
        key = ("attributions.metrics.Scorer", score, used)
        return probe.memo(key, lambda: cls(probe, score, used))

    def per_pass(self, memory: float) -> int:
        """How many images one forward batch may hold within ``memory`` MB of activations
        (the attribution methods' budget, :func:`interpret.attributions.base.budget`).

        Example:
            >>> from interpret.core.models import resolve
            >>> Scorer.of(resolve("mnist-cnn").probe, "logit").per_pass(1.0)
            4
        """
        from interpret.attributions.base import budget

        return budget(self.probe, memory, gradient=False)

    def _read(self, images: Any, targets: Any) -> Any:
        from interpret._tf import tf

        logits = self._logits(images)[0]
        values = tf.nn.softmax(logits, axis=-1) if self.score == "probability" else logits
        return tf.gather(values, targets, axis=1, batch_dims=1)

    def _path_fn(
        self, start: Any, end: Any, ranks: Any, targets: Any, image: Any, count: Any
    ) -> Any:
        from interpret._tf import tf

        moved = tf.gather(ranks, image) < count[:, None]
        moved = tf.reshape(moved, tf.concat([tf.shape(image), tf.shape(start)[1:3], [1]], 0))
        x = tf.where(moved, tf.gather(end, image), tf.gather(start, image))
        return self._read(x, tf.gather(targets, image))

    def _masked_fn(self, images: Any, keep: Any, targets: Any, image: Any, mask: Any) -> Any:
        from interpret._tf import tf

        x = tf.gather(images, image) * tf.gather(keep, mask)[..., None]
        return self._read(x, tf.gather(targets, image))

    def path(
        self, start: Any, end: Any, ranks: Any, targets: Any, image: Any, count: Any
    ) -> np.ndarray:
        """(M,) scores of M cells: image ``image[m]`` with its pixels of rank < ``count[m]``
        taken from ``end``, the rest from ``start``.

        Example:
            >>> from interpret.core.models import resolve
            >>> s = Scorer.of(resolve("mnist-cnn").probe, "logit")
            >>> x, t = np.ones((2, 28, 28, 1), "float32"), np.array([1, 2], "int32")
            >>> ranks = removal_ranks(np.ones((2, 28, 28)))
            >>> s.path(x, 0 * x, ranks, t, np.array([0, 0, 1], "int32"), np.array([0, 784, 392], "int32")).shape
            (3,)
        """
        with precision_lib.compute(self.precision):
            return self._path(start, end, ranks, targets, image, count).numpy()

    def masked(self, images: Any, keep: Any, targets: Any, image: Any, mask: Any) -> np.ndarray:
        """(M,) scores of M cells: image ``image[m]`` times keep-mask ``mask[m]`` (removed
        pixels set to 0).

        Example:
            >>> from interpret.core.models import resolve
            >>> s = Scorer.of(resolve("mnist-cnn").probe, "logit")
            >>> x, t = np.ones((2, 28, 28, 1), "float32"), np.array([1, 2], "int32")
            >>> keep = np.ones((5, 28, 28), "float32")
            >>> s.masked(x, keep, t, np.array([0, 1], "int32"), np.array([4, 4], "int32")).shape
            (2,)
        """
        with precision_lib.compute(self.precision):
            return self._masked(images, keep, targets, image, mask).numpy()

    def __call__(
        self, images: np.ndarray, targets: np.ndarray, memory: float = 256.0
    ) -> np.ndarray:
        """(N,) class scores of the images, batched by ``memory``.

        Example: see the class.
        """
        step = self.per_pass(memory)
        with precision_lib.compute(self.precision):
            parts = [
                self._plain(images[i : i + step], targets[i : i + step]).numpy()
                for i in range(0, len(images), step)
            ]
        return np.concatenate(parts) if parts else np.zeros(0, np.float32)


def _fill(n: int, k: int, per_pass: int, block: Any, step: Any = None) -> np.ndarray:
    """An (n, k) array filled in passes of ``per_pass`` cells (the last may hold fewer).

    Cells go in row-major order, so every pass but the last is full (a forward batch
    the size the memory budget allows) even where ``per_pass`` is no multiple of ``k``.
    ``block(rows, image, col)`` returns the values of one pass's cells: ``rows`` is the
    slice of rows the pass touches, ``image`` each cell's row within that slice and
    ``col`` its column (int32 arrays).

    Example:
        >>> _fill(3, 2, 4, lambda r, i, c: np.arange(3)[r][i] + c).tolist()
        [[0.0, 1.0], [1.0, 2.0], [2.0, 3.0]]
    """
    out = np.zeros(n * k, np.float32)
    for first in range(0, n * k, max(1, per_pass)):
        cells = np.arange(first, min(n * k, first + max(1, per_pass)))
        row, col = np.divmod(cells, k)
        rows = slice(int(row[0]), int(row[-1]) + 1)
        out[cells] = block(rows, (row - rows.start).astype(np.int32), col.astype(np.int32))
        if step is not None:
            step(len(cells))
    return out.reshape(n, k)


# ---- the metrics -------------------------------------------------------------------------------


def causal_curves(
    scorer: Scorer,
    images: np.ndarray,
    maps: np.ndarray,
    targets: np.ndarray,
    *,
    mode: str,
    steps: int,
    baseline: str | float,
    memory: float,
    step: Any = None,
) -> np.ndarray:
    """(N, steps + 1) Deletion (``mode="deletion"``) or Insertion curves of one set of maps.

    Example:
        >>> from interpret.core.models import resolve
        >>> s = Scorer.of(resolve("mnist-cnn").probe, "probability")
        >>> x = np.ones((1, 28, 28, 1), "float32")
        >>> c = causal_curves(s, x, np.ones((1, 28, 28)), np.array([3]), mode="deletion",
        ...                   steps=4, baseline="black", memory=64)
        >>> c.shape
        (1, 5)
    """
    n_pixels = images.shape[1] * images.shape[2]
    counts = np.linspace(0, n_pixels, steps + 1).astype(np.int32)
    base = baseline_images(images, baseline)
    start, end = (images, base) if mode == "deletion" else (base, images)
    ranks = removal_ranks(maps)

    def block(rows: slice, image: np.ndarray, col: np.ndarray) -> np.ndarray:
        return scorer.path(start[rows], end[rows], ranks[rows], targets[rows], image, counts[col])

    return _fill(len(images), steps + 1, scorer.per_pass(memory), block, step)


def area(curves: np.ndarray) -> np.ndarray:
    """Per-row area under curves sampled at equal steps on [0, 1] (trapezoid rule).

    Example:
        >>> area(np.array([[1.0, 0.5, 0.0]])).tolist()
        [0.5]
    """
    return 0.5 * (curves[:, :-1] + curves[:, 1:]).mean(axis=1)


def subset_drops(
    scorer: Scorer,
    images: np.ndarray,
    targets: np.ndarray,
    keep: np.ndarray,
    *,
    clean: np.ndarray,
    memory: float,
    step: Any = None,
) -> np.ndarray:
    """(N, K) score drops ``clean - score(image with the removed cells set to 0)``.

    Example:
        >>> from interpret.core.models import resolve
        >>> s = Scorer.of(resolve("mnist-cnn").probe, "logit")
        >>> x = np.ones((2, 28, 28, 1), "float32")
        >>> keep = subset_masks(5, 4, 0.2, (28, 28), seed=0)
        >>> subset_drops(s, x, np.array([0, 1]), keep, clean=s(x, np.array([0, 1])), memory=64).shape
        (2, 5)
    """

    def block(rows: slice, image: np.ndarray, col: np.ndarray) -> np.ndarray:
        return scorer.masked(images[rows], keep, targets[rows], image, col)

    return clean[:, None] - _fill(len(images), len(keep), scorer.per_pass(memory), block, step)


def correlate(a: np.ndarray, b: np.ndarray, kind: str = "pearson") -> np.ndarray:
    """Row-wise Pearson or Spearman correlation of (N, K) arrays; 0 where a row is constant.

    Spearman ranks with ties averaged (as :func:`scipy.stats.spearmanr`).

    Example:
        >>> correlate(np.array([[1.0, 2, 3]]), np.array([[2.0, 4, 7]]), "spearman").tolist()
        [1.0]
        >>> correlate(np.array([[1.0, 1, 1]]), np.array([[1.0, 2, 3]])).tolist()
        [0.0]
    """
    if kind == "spearman":
        from scipy.stats import rankdata

        a, b = rankdata(a, axis=1), rankdata(b, axis=1)
    a = np.asarray(a, np.float64) - np.mean(a, axis=1, keepdims=True)
    b = np.asarray(b, np.float64) - np.mean(b, axis=1, keepdims=True)
    denom = np.sqrt((a * a).sum(1) * (b * b).sum(1))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (a * b).sum(1) / denom
    return np.where(denom > 1e-12, r, 0.0).astype(np.float32)


def mufidelity_scores(
    maps: np.ndarray, drops: np.ndarray, keep: np.ndarray, kind: str
) -> np.ndarray:
    """(N,) MuFidelity: correlation of the map's sum over each removed subset with the drop.

    Example:
        >>> keep = np.array([[[1.0, 0.0]], [[0.0, 1.0]], [[0.0, 0.0]]])
        >>> maps = np.array([[[1.0, 3.0]]])
        >>> mufidelity_scores(maps, np.array([[3.0, 1.0, 4.0]]), keep, "pearson").round(3).tolist()
        [1.0]
    """
    removed = (1.0 - keep).reshape(len(keep), -1)
    sums = maps.reshape(len(maps), -1).astype(np.float64) @ removed.T
    return correlate(sums, drops, kind)


def scaled_masks(maps: np.ndarray) -> np.ndarray:
    """|map| min-max scaled to [0, 1] per image: the mask Average Drop multiplies the image by.

    Example:
        >>> scaled_masks(np.array([[[-2.0, 1.0], [0.0, 0.5]]])).tolist()
        [[[1.0, 0.5], [0.0, 0.25]]]
    """
    m = np.abs(np.asarray(maps, np.float32))
    lo = m.min(axis=(1, 2), keepdims=True)
    hi = m.max(axis=(1, 2), keepdims=True)
    return (m - lo) / (hi - lo + 1e-8)


def masked_scores(
    scorer: Scorer, images: np.ndarray, maps: np.ndarray, targets: np.ndarray, memory: float
) -> np.ndarray:
    """(N,) class scores of each image multiplied by its own scaled map.

    Example:
        >>> from interpret.core.models import resolve
        >>> s = Scorer.of(resolve("mnist-cnn").probe, "probability")
        >>> x = np.ones((2, 28, 28, 1), "float32")
        >>> masked_scores(s, x, np.ones((2, 28, 28)), np.array([0, 1]), 64).shape
        (2,)
    """
    return scorer(images * scaled_masks(maps)[..., None], targets, memory)


def average_drop(clean: np.ndarray, masked: np.ndarray) -> np.ndarray:
    """Per-image ``max(0, clean - masked) / clean`` (the mean is the Average Drop).

    Example:
        >>> average_drop(np.array([0.8, 0.5]), np.array([0.4, 0.6])).round(3).tolist()
        [0.5, 0.0]
    """
    return np.maximum(0.0, clean - masked) / (clean + 1e-8)


def increase_confidence(clean: np.ndarray, masked: np.ndarray) -> np.ndarray:
    """Per-image 1 where the masked image scores higher (the mean is the Increase in Confidence).

    Example:
        >>> increase_confidence(np.array([0.8, 0.5]), np.array([0.4, 0.6])).tolist()
        [0.0, 1.0]
    """
    return (masked > clean).astype(np.float32)


# ---- one call for many maps --------------------------------------------------------------------


def needs_clean(chosen: Sequence[str]) -> bool:
    """Whether the metrics read the clean images' scores (Deletion and Insertion do not).

    Example:
        >>> needs_clean(["deletion", "insertion"]), needs_clean(["mufidelity"])
        (False, True)
    """
    return bool(set(chosen) & {"mufidelity", "average-drop", "increase-confidence"})


def forward_precision(s: MetricSettings, chosen: Sequence[str]) -> str:
    """The forward passes' arithmetic: ``s.precision``, except that ``"auto"`` stays in
    float32 for a Spearman MuFidelity.

    bfloat16 rounds a confident model's scores to a few levels near 1, so many of the
    small drops MuFidelity ranks tie: on mnist-cnn its Spearman mean fell by 17-21%
    (Pearson and the AUCs moved by under 0.6%). An explicit ``"bfloat16"`` is obeyed.

    Example:
        >>> forward_precision(MetricSettings(correlation="spearman"), ["mufidelity"])
        'float32'
        >>> forward_precision(MetricSettings(precision="float32"), ["deletion"])
        'float32'
    """
    spearman = "mufidelity" in chosen and s.correlation == "spearman"
    return "float32" if s.precision == "auto" and spearman else s.precision


def _forward_total(chosen: Sequence[str], n: int, n_maps: int, s: MetricSettings) -> int:
    per_map = {"deletion": s.steps + 1, "insertion": s.steps + 1, "average-drop": 1}
    total = n if needs_clean(chosen) else 0
    total += sum(per_map.get(m, 0) for m in chosen) * n * n_maps
    if "increase-confidence" in chosen and "average-drop" not in chosen:
        total += n * n_maps
    if "mufidelity" in chosen:
        total += n * s.subsets
    return total


def evaluate(
    model: Any,
    images: Any,
    maps: Mapping[str, Any],
    targets: Any = None,
    *,
    metrics: Any = "all",
    settings: MetricSettings | None = None,
    random: bool = True,
    seed: int = 0,
    progress: ProgressSpec = None,
    **overrides: Any,
) -> Faithfulness:
    """Score every map in ``maps`` (name -> (N, H, W)) under every metric, with a random row.

    ``targets`` are the classes the maps explain (default: the model's prediction);
    ``settings`` (or keyword overrides such as ``steps=16``) say how to perturb.

    Example: see the module docstring.
    """
    from interpret.core.models import as_probe

    probe = as_probe(model)
    chosen = check_metrics(metrics)
    s = MetricSettings(**{**(settings.__dict__ if settings else {}), **overrides})
    x, _ = checks.images(probe, images)
    check_settings(s, x.shape[1] * x.shape[2])
    if len(x) < MIN_IMAGES:
        raise UserError(
            f"the metrics need at least {MIN_IMAGES} images (their chance comparison uses the "
            f"spread over images); {{images}} has {len(x)}",
            "images",
        )
    named = check_maps(maps, x)
    scorer = Scorer.of(probe, s.score, forward_precision(s, chosen))
    t = (
        predicted(probe, x, s.memory)
        if targets is None
        else checks.labels(probe, targets, len(x), "targets")
    )
    if random:
        named[RANDOM] = random_maps(len(x), x.shape[1:3], seed)
    total = _forward_total(chosen, len(x), len(named), s)
    with advance(progress, total, "faithfulness") as step:
        clean = scorer(x, t, s.memory) if needs_clean(chosen) else None
        step(len(x) if clean is not None else 0)
        scores, curves = _score_all(scorer, x, named, t, clean, chosen, s, seed, step)
    steps_x = (
        np.linspace(0, 1, s.steps + 1) if {"deletion", "insertion"} & set(chosen) else np.zeros(0)
    )
    return Faithfulness(chosen, scores, curves, steps_x, t, s, seed, scorer.precision)


def predicted(probe: Any, images: np.ndarray, memory: float = 256.0) -> np.ndarray:
    """(N,) int32 the model's predicted class of each image, in batches that fit ``memory`` MB.

    Example:
        >>> from interpret.core.models import resolve
        >>> predicted(resolve("mnist-cnn").probe, np.zeros((2, 28, 28, 1), "float32")).shape
        (2,)
    """
    step = Scorer.of(probe, "logit").per_pass(memory)
    parts = [
        np.asarray(probe.logits(images[i : i + step])).argmax(1)
        for i in range(0, len(images), step)
    ]
    return np.concatenate(parts).astype(np.int32) if parts else np.zeros(0, np.int32)


def _score_all(
    scorer: Scorer,
    x: np.ndarray,
    named: dict[str, np.ndarray],
    t: np.ndarray,
    clean: np.ndarray | None,
    chosen: list[str],
    s: MetricSettings,
    seed: int,
    step: Any,
) -> tuple[dict, dict]:
    scores: dict[str, dict[str, np.ndarray]] = {name: {} for name in named}
    curves: dict[str, dict[str, np.ndarray]] = {name: {} for name in named}
    if "mufidelity" in chosen:
        keep = subset_masks(s.subsets, s.grid, s.removed, x.shape[1:3], seed)
        drops = subset_drops(scorer, x, t, keep, clean=clean, memory=s.memory, step=step)
        for name, m in named.items():
            scores[name]["mufidelity"] = mufidelity_scores(m, drops, keep, s.correlation)
    for name, m in named.items():
        for mode in ("deletion", "insertion"):
            if mode in chosen:
                base = s.deletion_baseline if mode == "deletion" else s.insertion_baseline
                c = causal_curves(
                    scorer,
                    x,
                    m,
                    t,
                    mode=mode,
                    steps=s.steps,
                    baseline=base,
                    memory=s.memory,
                    step=step,
                )
                curves[name][mode], scores[name][mode] = c, area(c)
        if {"average-drop", "increase-confidence"} & set(chosen):
            masked = masked_scores(scorer, x, m, t, s.memory)
            step(len(x))
            if "average-drop" in chosen:
                scores[name]["average-drop"] = average_drop(clean, masked)
            if "increase-confidence" in chosen:
                scores[name]["increase-confidence"] = increase_confidence(clean, masked)
    return scores, curves
