"""Adversarial examples on a model's logits: FGSM, PGD (Linf/L2), Carlini-Wagner L2, DeepFool.

All attacks work in this toolkit's one image space, float32 [0, 1] NHWC; the
:class:`~interpret.core.probe.Probe` maps images to the model's own range, and a model
that ends in softmax is attacked through its logits. Every attack is batched and
compiled: FGSM/PGD call one compiled step per iteration (see
:meth:`Engine.gradient_steps`), C&W and DeepFool run all their iterations inside one
``tf.function`` call per batch; the compiled code is built once per model and
configuration and reused across eps values.

* ``fgsm``: one signed-gradient step of size eps (Goodfellow et al. 2015); with
  ``norm="l2"`` the normalised-gradient variant (FGM).
* ``pgd``: projected gradient descent (Madry et al. 2018), Linf or L2 ball,
  random start in the ball, ``steps`` steps of ``step_size``; the final iterate is
  returned (as foolbox and ART do).
* ``cw``: Carlini-Wagner L2 (2017): Adam in tanh space on
  ``||x'-x||^2 + c * max(Z_y - max_{i!=y} Z_i, -kappa)``, binary search over c per
  image; the smallest successful perturbation is kept. A minimal-perturbation
  attack: ``eps`` is optional and, when given, an image only counts as fooled if
  the L2 distance is <= eps.
* ``deepfool``: DeepFool (Moosavi-Dezfooli et al. 2016), L2, linearising the
  ``candidates`` top classes each step, with overshoot; minimal-perturbation
  like ``cw``.

Untargeted attacks push away from the label ``y``; ``target=`` (a class or one per
image) makes ``fgsm``/``pgd``/``cw`` targeted.

``fgsm`` and ``pgd`` take ``precision`` (default ``"float32"``; see
:mod:`interpret._fast.precision`). ``"bfloat16"`` runs PGD about 1.8x faster on CPUs with
bfloat16 hardware but is a slightly weaker attack (on mnist-cnn at eps 0.1, robust
accuracy 0.625 against 0.617 in float32, mean of 5 seeds), so robustness figures
default to float32. Success, predictions and distances are always re-measured in
float32 on the returned images. ``cw`` and ``deepfool`` run in float32 only.

Example:
    >>> import interpret
    >>> res = interpret.attack("mnist-cnn", x, y, method="pgd", eps=0.1)  # doctest: +SKIP
    >>> res.success.mean(), res.linf.max() <= 0.1 + 1e-6  # doctest: +SKIP
    (0.83, True)
    >>> ev = interpret.evaluate_attack("mnist-cnn", x, y, method="fgsm", eps=[0.1, 0.3])  # doctest: +SKIP
    >>> print(ev.table())  # doctest: +SKIP
"""

from __future__ import annotations

import math
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpret._fast import precision as precision_lib
from interpret.core.errors import UserError

METHODS = ("fgsm", "pgd", "cw", "deepfool")
ALIASES = {"cw-l2": "cw", "cw_l2": "cw", "carlini-wagner": "cw", "fgm": "fgsm", "pgd-linf": "pgd"}
NORMS = ("linf", "l2")
MINIMAL = ("cw", "deepfool")  # attacks that search for the smallest perturbation

DEFAULTS: dict[str, dict[str, Any]] = {
    "fgsm": {"norm": "linf", "precision": "float32"},
    "pgd": {
        "norm": "linf",
        "steps": 40,
        "step_size": 0.01,
        "random_start": True,
        "precision": "float32",
    },
    "cw": {
        "steps": 200,
        "step_size": 0.05,  # Adam learning rate (the paper: 0.01 for 10,000 steps)
        "binary_search_steps": 9,
        "initial_const": 0.1,
        "confidence": 0.0,
        "precision": "float32",
    },
    "deepfool": {"steps": 50, "overshoot": 0.02, "candidates": 10, "precision": "float32"},
}


# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------
@dataclass
class AttackResult:
    """What :func:`attack` returns; arrays are per image, in the order given.

    ``success`` means the adversarial image is misclassified (untargeted) or
    classified as the target (targeted), re-checked on the returned images, and
    for minimal attacks with an ``eps`` also that the L2 distance is <= eps.
    """

    method: str
    adversarial: np.ndarray  # float32 [0, 1], same shape as the input
    success: np.ndarray  # bool
    l2: np.ndarray  # ||x_adv - x||_2 per image
    linf: np.ndarray  # ||x_adv - x||_inf per image
    pred: np.ndarray  # predicted class of the adversarial image
    confidence: np.ndarray  # softmax probability of ``pred``
    labels: np.ndarray
    clean_pred: np.ndarray  # predicted class of the original image
    clean_confidence: np.ndarray
    target: np.ndarray | None
    parameters: dict
    seconds: float

    @property
    def success_rate(self) -> float:
        """Fraction of images fooled.

        Example:
            >>> res.success_rate  # doctest: +SKIP
            1.0
        """
        return float(np.mean(self.success)) if len(self.success) else float("nan")


@dataclass
class EvalRow:
    """One eps of an evaluation sweep."""

    eps: float | None
    n_attacked: int  # initially-correct images attacked
    robust: int  # of those, still correct (untargeted) / not at the target (targeted)
    robust_accuracy: float  # robust / n_attacked
    mean_l2: float  # over successful perturbations (nan if none)
    mean_linf: float
    seconds: float
    result: AttackResult | None = field(default=None, repr=False)


@dataclass
class Evaluation:
    """An eps sweep: clean accuracy and one :class:`EvalRow` per eps."""

    model: str
    method: str
    n: int
    clean_correct: int
    rows: list[EvalRow]
    parameters: dict
    images: np.ndarray = field(repr=False)  # the initially-correct images that were attacked
    labels: np.ndarray = field(repr=False)

    @property
    def clean_accuracy(self) -> float:
        """Accuracy on the n clean images.

        Example:
            >>> ev.clean_accuracy  # doctest: +SKIP
            0.991
        """
        return self.clean_correct / self.n if self.n else float("nan")

    def table(self) -> str:
        """The sweep as an aligned text table, saying what the accuracy is counted on.

        Example:
            >>> print(ev.table())  # doctest: +SKIP
        """
        norm = self.parameters.get("norm", "l2")
        head = (
            f"{self.method} on {self.model}: clean accuracy {self.clean_accuracy:.4f} "
            f"({self.clean_correct}/{self.n}); robust accuracy is counted on the "
            f"{self.clean_correct} initially-correct images"
        )
        rows = [
            (
                "eps" + (f" ({norm})" if self.method not in MINIMAL else " (l2)"),
                "robust acc",
                "fooled",
                "mean L2",
                "mean Linf",
                "seconds",
            )
        ]
        for r in self.rows:
            rows.append(
                (
                    "none" if r.eps is None else f"{r.eps:g}",
                    f"{r.robust_accuracy:.4f}",
                    f"{r.n_attacked - r.robust}/{r.n_attacked}",
                    _fmt(r.mean_l2),
                    _fmt(r.mean_linf),
                    f"{r.seconds:.2f}",
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in rows]
        foot = "mean L2/Linf are over successful perturbations only (mean over fooled images)"
        return "\n".join([head, *lines, foot])

    def figures(self) -> dict:
        """The measured numbers as a JSON-able dict (for sidecars).

        Example:
            >>> ev.figures()["clean_accuracy"]  # doctest: +SKIP
            0.991
        """
        return {
            "n": self.n,
            "clean_correct": self.clean_correct,
            "clean_accuracy": self.clean_accuracy,
            "counted_on": "initially-correct images",
            "rows": [
                {
                    "eps": r.eps,
                    "n_attacked": r.n_attacked,
                    "robust": r.robust,
                    "robust_accuracy": r.robust_accuracy,
                    "mean_l2": None if math.isnan(r.mean_l2) else r.mean_l2,
                    "mean_linf": None if math.isnan(r.mean_linf) else r.mean_linf,
                    "seconds": r.seconds,
                }
                for r in self.rows
            ],
        }


def _fmt(v: float) -> str:
    return "-" if v is None or math.isnan(v) else f"{v:.4f}"


# ---------------------------------------------------------------------------
# the compiled loops
# ---------------------------------------------------------------------------
_ENGINES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def engine(probe: Any) -> Engine:
    """The (cached) compiled attack loops of a probe.

    Example:
        >>> eng = engine(resolve("mnist-cnn").probe)  # doctest: +SKIP
        >>> x_adv, steps_run = eng.gradient_steps(x, x, y, eps=0.1, step_size=0.01, steps=40)  # doctest: +SKIP
    """
    eng = _ENGINES.get(probe)
    if eng is None:
        eng = _ENGINES[probe] = Engine(probe)
    return eng


class Engine:
    """Compiled gradient loops on a probe's logits; one graph per static configuration.

    ``gradient_steps`` is the one projected-gradient loop: FGSM, PGD and the
    fooling images (:mod:`interpret.attacks.fooling`) all run through it.
    """

    def __init__(self, probe: Any):
        from interpret._tf import tf

        self.probe = probe
        self.model = probe.extractor((), logits=True)
        self.n_classes = probe.n_classes
        self.shape = tuple(probe.input_shape)
        self._fns: dict[tuple, Callable] = {}
        self._image_spec = tf.TensorSpec((None, *self.shape), tf.float32)
        self._label_spec = tf.TensorSpec((None,), tf.int32)
        self._scalar = tf.TensorSpec((), tf.float32)
        self._int = tf.TensorSpec((), tf.int32)

    def logits(self, x: Any) -> Any:
        """Logits of a batch of [0, 1] images (a tensor; use inside compiled code)."""
        return self.model(x, training=False)[0]

    # ---- PGD / FGSM / fooling --------------------------------------------
    def _build_steps(self, norm: str, targeted: bool, loss: str, stop: bool) -> Callable:
        from interpret._tf import tf

        n_classes = self.n_classes
        axes = list(range(1, 1 + len(self.shape)))

        def bcast(v):  # (B,) -> (B, 1, 1, 1)
            return tf.reshape(v, [-1] + [1] * len(self.shape))

        def step(x, x0, y, eps, alpha, stop_logp, done):
            onehot = tf.one_hot(y, n_classes)
            with tf.GradientTape() as tape:
                tape.watch(x)
                z = self.logits(x)
                logp = tf.nn.log_softmax(z)
                lp = tf.reduce_sum(onehot * logp, axis=1)
                score = tf.reduce_sum(onehot * z, axis=1) if loss == "logit" else lp
                objective = tf.reduce_sum(score if targeted else -score)  # ascend
            g = tape.gradient(objective, x)
            if stop:
                done = tf.logical_or(done, lp >= stop_logp)
                g = g * bcast(1.0 - tf.cast(done, tf.float32))
            if norm == "linf":
                x = x + alpha * tf.sign(g)
                x = tf.clip_by_value(x, x0 - eps, x0 + eps)
            else:
                gn = tf.sqrt(tf.reduce_sum(tf.square(g), axis=axes, keepdims=True))
                x = x + alpha * g / tf.maximum(gn, 1e-12)
                d = x - x0
                dn = tf.sqrt(tf.reduce_sum(tf.square(d), axis=axes, keepdims=True))
                x = x0 + d * tf.minimum(1.0, eps / tf.maximum(dn, 1e-12))
            return tf.clip_by_value(x, 0.0, 1.0), done

        return tf.function(
            step,
            input_signature=[
                self._image_spec,
                self._image_spec,
                self._label_spec,
                self._scalar,
                self._scalar,
                self._scalar,
                tf.TensorSpec((None,), tf.bool),
            ],
        )

    def gradient_steps(
        self,
        x: np.ndarray,
        x0: np.ndarray,
        y: np.ndarray,
        *,
        eps: float,
        step_size: float,
        steps: int,
        norm: str = "linf",
        targeted: bool = False,
        loss: str = "ce",
        stop_confidence: float | None = None,
        precision: str = "float32",
    ) -> tuple[np.ndarray, int]:
        """Run ``steps`` projected gradient steps from ``x`` in the eps-ball around ``x0``.

        Untargeted steps descend the log-probability of ``y`` (``loss="ce"``) or its
        logit (``loss="logit"``); targeted ones ascend it. With ``stop_confidence``
        an image freezes once its softmax probability of ``y`` reaches it, and the
        loop ends when every image has. ``precision`` is the loop's arithmetic (see
        :mod:`interpret._fast.precision`). Returns the images and the steps run.

        Example:
            >>> x_adv, n = engine(probe).gradient_steps(x, x, y, eps=0.3, step_size=0.01, steps=40)  # doctest: +SKIP
        """
        stop = stop_confidence is not None
        # one graph per precision: the probe's one-channel conv gradient picks its kernel
        # when the step is traced (see interpret._fast.conv_grad)
        key = ("steps", norm, bool(targeted), loss, stop, precision_lib.resolve(precision))
        if key not in self._fns:
            self._fns[key] = self._build_steps(norm, bool(targeted), loss, stop)
        from interpret._tf import tf

        step = self._fns[key]
        x = tf.convert_to_tensor(np.asarray(x, np.float32))
        x0 = tf.convert_to_tensor(np.asarray(x0, np.float32))
        y = tf.convert_to_tensor(np.asarray(y, np.int32))
        scalars = [tf.constant(v, tf.float32) for v in (eps, step_size)]
        stop_logp = tf.constant(math.log(stop_confidence) if stop else 0.0, tf.float32)
        done = tf.zeros(tf.shape(y), tf.bool)
        i = 0
        # One compiled step per call from a Python loop: the update then sits after the
        # gradient only, so a bfloat16 rewrite of the gradient leaves the image itself,
        # the eps-ball projection and the clip in float32 (in a graph-level loop the
        # carried image would be rounded to bfloat16 too).
        with precision_lib.compute(precision):
            while i < int(steps):
                x, done = step(x, x0, y, *scalars, stop_logp, done)
                i += 1
                if stop and bool(tf.reduce_all(done)):
                    break
        return x.numpy(), i

    # ---- Carlini-Wagner L2 -----------------------------------------------
    def _build_cw(self, targeted: bool) -> Callable:
        from interpret._tf import tf

        n_classes = self.n_classes
        axes = list(range(1, 1 + len(self.shape)))
        b1, b2, adam_eps = 0.9, 0.999, 1e-8

        def run(x0, y, const, steps, lr, kappa):
            onehot = tf.one_hot(y, n_classes)
            w = tf.atanh(tf.clip_by_value(x0 * 2.0 - 1.0, -1 + 1e-6, 1 - 1e-6))
            m = tf.zeros_like(w)
            v = tf.zeros_like(w)
            best_l2 = tf.fill(tf.shape(y), np.float32(np.inf))
            best_adv = x0

            def body(t, w, m, v, best_l2, best_adv):
                with tf.GradientTape() as tape:
                    tape.watch(w)
                    xa = (tf.tanh(w) + 1.0) / 2.0
                    z = self.logits(xa)
                    l2sq = tf.reduce_sum(tf.square(xa - x0), axis=axes)
                    real = tf.reduce_sum(onehot * z, axis=1)
                    other = tf.reduce_max(z - onehot * 1e9, axis=1)
                    margin = other - real if targeted else real - other
                    f = tf.maximum(margin + kappa, 0.0)
                    loss = tf.reduce_sum(l2sq + const * f)
                g = tape.gradient(loss, w)
                ok = margin < -kappa
                better = tf.logical_and(ok, l2sq < best_l2)
                best_l2 = tf.where(better, l2sq, best_l2)
                mask = tf.reshape(better, [-1] + [1] * len(self.shape))
                best_adv = tf.where(mask, xa, best_adv)
                tf1 = tf.cast(t + 1, tf.float32)
                m = b1 * m + (1 - b1) * g
                v = b2 * v + (1 - b2) * tf.square(g)
                mhat = m / (1 - tf.pow(b1, tf1))
                vhat = v / (1 - tf.pow(b2, tf1))
                w = w - lr * mhat / (tf.sqrt(vhat) + adam_eps)
                return t + 1, w, m, v, best_l2, best_adv

            _, _, _, _, best_l2, best_adv = tf.while_loop(
                lambda t, *_: t < steps, body, (tf.constant(0), w, m, v, best_l2, best_adv)
            )
            return best_adv, best_l2

        return tf.function(
            run,
            input_signature=[
                self._image_spec,
                self._label_spec,
                tf.TensorSpec((None,), tf.float32),
                self._int,
                self._scalar,
                self._scalar,
            ],
        )

    def carlini_wagner(
        self,
        x: np.ndarray,
        y: np.ndarray,
        *,
        targeted: bool = False,
        steps: int = 200,
        step_size: float = 0.05,
        binary_search_steps: int = 9,
        initial_const: float = 0.1,
        confidence: float = 0.0,
    ) -> np.ndarray:
        """Carlini-Wagner L2 with a per-image binary search over c; returns the best images.

        Images never fooled come back unchanged.

        Example:
            >>> x_adv = engine(probe).carlini_wagner(x, y, steps=200)  # doctest: +SKIP
        """
        key = ("cw", bool(targeted))
        if key not in self._fns:
            self._fns[key] = self._build_cw(bool(targeted))
        fn = self._fns[key]
        n = len(x)
        x = np.asarray(x, np.float32)
        const = np.full(n, initial_const, np.float32)
        lo = np.zeros(n, np.float32)
        hi = np.full(n, np.inf, np.float32)
        best_l2 = np.full(n, np.inf, np.float32)
        best = x.copy()
        for _ in range(binary_search_steps):
            adv, l2sq = fn(
                x,
                np.asarray(y, np.int32),
                const,
                np.int32(steps),
                np.float32(step_size),
                np.float32(confidence),
            )
            adv, l2sq = adv.numpy(), l2sq.numpy()
            found = np.isfinite(l2sq)
            better = found & (l2sq < best_l2)
            best_l2[better] = l2sq[better]
            best[better] = adv[better]
            hi = np.where(found, np.minimum(hi, const), hi)
            lo = np.where(found, lo, np.maximum(lo, const))
            const = np.where(np.isfinite(hi), (lo + hi) / 2, const * 10).astype(np.float32)
        return best

    # ---- DeepFool ----------------------------------------------------------
    def _build_deepfool(self, candidates: int) -> Callable:
        from interpret._tf import tf

        n_classes = self.n_classes
        k = min(candidates, n_classes)
        axes = list(range(2, 2 + len(self.shape)))

        def bcast(v):
            return tf.reshape(v, [-1] + [1] * len(self.shape))

        def run(x0, y, steps, overshoot):
            onehot = tf.one_hot(y, n_classes)
            z0 = self.logits(x0)
            others = tf.math.top_k(z0 - onehot * 1e9, k=k - 1).indices
            cand = tf.concat([y[:, None], tf.cast(others, tf.int32)], axis=1)  # label first
            r_tot = tf.zeros_like(x0)

            def cond(i, r_tot, active):
                return tf.logical_and(i < steps, tf.reduce_any(active))

            def body(i, r_tot, active):
                xa = tf.clip_by_value(x0 + (1.0 + overshoot) * r_tot, 0.0, 1.0)
                with tf.GradientTape(persistent=True) as tape:
                    tape.watch(xa)
                    z = self.logits(xa)
                    zc = tf.gather(z, cand, batch_dims=1)  # (B, k)
                    cols = [tf.reduce_sum(zc[:, j]) for j in range(k)]
                grads = tf.stack([tape.gradient(c, xa) for c in cols], axis=1)  # (B, k, H, W, C)
                del tape
                active = tf.equal(tf.argmax(z, axis=1, output_type=tf.int32), y)
                f = zc[:, 1:] - zc[:, :1]  # < 0 while the label wins
                wdiff = grads[:, 1:] - grads[:, :1]
                wn = tf.sqrt(tf.reduce_sum(tf.square(wdiff), axis=axes)) + 1e-8
                ratio = tf.abs(f) / wn
                best = tf.argmin(ratio, axis=1, output_type=tf.int32)
                r_len = tf.gather(ratio, best, batch_dims=1) + 1e-4
                direction = tf.gather(wdiff, best, batch_dims=1) / bcast(
                    tf.gather(wn, best, batch_dims=1)
                )
                r_i = bcast(r_len * tf.cast(active, tf.float32)) * direction
                return i + 1, r_tot + r_i, active

            active = tf.ones(tf.shape(y), tf.bool)
            _, r_tot, _ = tf.while_loop(cond, body, (tf.constant(0), r_tot, active))
            return tf.clip_by_value(x0 + (1.0 + overshoot) * r_tot, 0.0, 1.0)

        return tf.function(
            run, input_signature=[self._image_spec, self._label_spec, self._int, self._scalar]
        )

    def deepfool(
        self,
        x: np.ndarray,
        y: np.ndarray,
        *,
        steps: int = 50,
        overshoot: float = 0.02,
        candidates: int = 10,
    ) -> np.ndarray:
        """DeepFool (L2): step to the nearest linearised boundary until the label flips.

        Example:
            >>> x_adv = engine(probe).deepfool(x, y)  # doctest: +SKIP
        """
        key = ("deepfool", int(candidates))
        if key not in self._fns:
            self._fns[key] = self._build_deepfool(int(candidates))
        out = self._fns[key](
            np.asarray(x, np.float32),
            np.asarray(y, np.int32),
            np.int32(steps),
            np.float32(overshoot),
        )
        return out.numpy()


# ---------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------
def as_probe(model: Any) -> Any:
    """A zoo name, model file, Keras model, ModelHandle or Probe -> Probe.

    Example:
        >>> as_probe("mnist-cnn").n_classes  # doctest: +SKIP
        10
    """
    from interpret.core.probe import Probe

    if isinstance(model, Probe):
        return model
    from interpret.core.models import resolve

    return resolve(model).probe


def method_name(method: str) -> str:
    """Canonical attack name; unknown names raise a UserError listing the methods.

    Example:
        >>> method_name("CW-L2")
        'cw'
    """
    m = str(method).strip().lower()
    m = ALIASES.get(m, m)
    if m not in METHODS:
        raise UserError(f"unknown attack method {method!r}; choose one of: {', '.join(METHODS)}")
    return m


def check_images(probe: Any, x: Any, y: Any | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Validate a batch of images (and labels) for ``probe``; returns float32 [0, 1] arrays.

    uint8 images are divided by 255; float images must already lie in [0, 1];
    (N, H, W) is accepted for one-channel models.

    Example:
        >>> x, y = check_images(probe, np.zeros((2, 28, 28)), [3, 4])  # doctest: +SKIP
    """
    arr = np.asarray(x)
    if arr.dtype == np.uint8:
        arr = arr.astype(np.float32) / 255.0
    arr = arr.astype(np.float32, copy=False)
    want = tuple(probe.input_shape)
    if arr.ndim == len(want) and want[-1] == 1:
        arr = arr[..., None]
    if arr.ndim != len(want) + 1 or tuple(arr.shape[1:]) != want:
        raise UserError(
            f"images have shape {tuple(np.shape(x))}; {probe.name} takes (N, {', '.join(map(str, want))})"
        )
    if len(arr) == 0:
        raise UserError("no images given; pass at least one image")
    if not np.all(np.isfinite(arr)) or arr.min() < 0.0 or arr.max() > 1.0:
        raise UserError(
            "images must be float32 in [0, 1] (or uint8 0..255); divide pixel values by 255"
        )
    if y is None:
        return arr, None
    labels = np.asarray(y)
    if labels.ndim == 2 and labels.shape[1] == probe.n_classes and len(labels) == len(arr):
        labels = labels.argmax(axis=1)  # one-hot
    labels = labels.reshape(-1) if labels.ndim <= 1 else labels
    if labels.ndim != 1 or len(labels) != len(arr):
        raise UserError(
            f"labels do not match images: {len(arr)} images but labels of shape {np.shape(y)}; "
            "give one class index per image"
        )
    if not np.issubdtype(labels.dtype, np.integer):
        if not np.all(np.equal(np.mod(labels, 1), 0)):
            raise UserError("labels must be integer class indices")
        labels = labels.astype(np.int64)
    if labels.min() < 0 or labels.max() >= probe.n_classes:
        raise UserError(
            f"label {int(labels.min() if labels.min() < 0 else labels.max())} is out of range: "
            f"{probe.name} has {probe.n_classes} classes (0-{probe.n_classes - 1})"
        )
    return arr, labels.astype(np.int32)


def check_eps(eps: float | None, method: str, norm: str, shape: Sequence[int]) -> float | None:
    """Validate eps for a method and norm: 0 <= eps <= the largest distance in [0, 1] images.

    Example:
        >>> check_eps(0.3, "pgd", "linf", (28, 28, 1))
        0.3
    """
    if eps is None:
        if method in MINIMAL:
            return None
        raise UserError(f"{method} needs --eps (the perturbation budget)")
    try:
        eps = float(eps)
    except (TypeError, ValueError):
        raise UserError(f"eps must be a number, got {eps!r}") from None
    if not math.isfinite(eps) or eps < 0:
        raise UserError(f"eps must be >= 0, got {eps:g}")
    norm = "l2" if method in MINIMAL else norm
    top = 1.0 if norm == "linf" else math.sqrt(float(np.prod(shape)))
    if eps > top:
        raise UserError(
            f"eps {eps:g} is beyond the input range: images lie in [0, 1], so an {norm} "
            f"perturbation is at most {top:g}; use eps in [0, {top:g}]"
        )
    return eps


def _check_target(probe: Any, target: Any, n: int) -> np.ndarray | None:
    if target is None:
        return None
    if isinstance(target, str):
        return np.full(n, probe.class_index(target), np.int32)
    t = np.asarray(target).reshape(-1)
    if t.size == 1:
        t = np.full(n, int(t[0]))
    if len(t) != n:
        raise UserError(f"give one target class or one per image ({n}), not {len(t)}")
    for v in (t.min(), t.max()):
        probe.class_index(int(v))  # raises with the valid range
    return t.astype(np.int32)


def method_params(method: str, given: dict) -> dict:
    """A method's full options: its defaults updated by ``given``, each one checked.

    Example:
        >>> method_params("pgd", {"steps": 10})["steps"]
        10
    """
    params = dict(DEFAULTS[method])
    unknown = sorted(set(given) - set(params) - {"norm"})
    if unknown:
        raise UserError(
            f"{method} does not take {', '.join(unknown)}; it takes: {', '.join(sorted(params))}"
        )
    params.update({k: v for k, v in given.items() if v is not None})
    if "norm" in params:
        params["norm"] = str(params["norm"]).lower()
        if params["norm"] not in NORMS:
            raise UserError(f"unknown norm {params['norm']!r}; choose linf or l2")
    for k in ("steps", "binary_search_steps", "candidates"):
        if k in params and (int(params[k]) != params[k] or params[k] < 1):
            raise UserError(f"{k} must be a whole number >= 1, got {params[k]}")
    if "step_size" in params and not params["step_size"] > 0:
        raise UserError(f"step_size must be > 0, got {params['step_size']}")
    if method in MINIMAL:  # their tiny margins and distances need float32
        if str(params["precision"]).lower() not in ("auto", "float32"):
            raise UserError(f"{method} runs in float32 only; drop --precision")
        params["precision"] = "float32"
    else:
        params["precision"] = precision_lib.resolve(params["precision"])
    if method == "deepfool" and params["candidates"] < 2:
        raise UserError("deepfool needs candidates >= 2")
    return params


# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------
def attack(
    model: Any,
    x: Any,
    y: Any,
    *,
    method: str = "pgd",
    eps: float | None = None,
    target: Any = None,
    seed: int = 0,
    batch_size: int = 1000,
    on_batch: Callable[[int], None] | None = None,
    **options: Any,
) -> AttackResult:
    """Attack images ``x`` with true labels ``y``; returns adversarial images and per-image figures.

    Args:
        model: zoo name, .keras path, Keras model, ModelHandle or Probe.
        x: images, float32 [0, 1] NHWC (uint8 is divided by 255).
        y: true class per image.
        method: ``fgsm``, ``pgd``, ``cw`` or ``deepfool``.
        eps: perturbation budget in [0, 1] pixel units (Linf or L2 per ``norm``);
            optional for ``cw``/``deepfool``, where it caps the L2 distance that counts.
        target: a class (index or name) or one per image: a targeted attack
            (fgsm, pgd, cw).
        seed: seeds PGD's random start.
        batch_size: images per compiled call.
        on_batch: called with the number of images finished after each batch.
        **options: method options: ``norm`` ("linf"/"l2"), ``steps``, ``step_size``,
            ``random_start`` (pgd); ``steps``, ``step_size``, ``binary_search_steps``,
            ``initial_const``, ``confidence`` (cw); ``steps``, ``overshoot``,
            ``candidates`` (deepfool).

    Example:
        >>> res = attack("mnist-cnn", x, y, method="fgsm", eps=0.1)  # doctest: +SKIP
        >>> res.adversarial.shape == x.shape, res.success.dtype  # doctest: +SKIP
        (True, dtype('bool'))
    """
    method = method_name(method)
    probe = as_probe(model)
    params = method_params(method, options)
    eps = check_eps(eps, method, params.get("norm", "l2"), probe.input_shape)
    x, y = check_images(probe, x, y)
    target = _check_target(probe, target, len(x))
    if target is not None and method == "deepfool":
        raise UserError("deepfool is untargeted; drop --target or use pgd/cw")
    if int(batch_size) < 1:
        raise UserError(f"batch_size must be >= 1, got {batch_size}")
    eng = engine(probe)
    rng = np.random.default_rng(seed)
    goal = y if target is None else target
    started = time.perf_counter()
    advs = []
    for i in range(0, len(x), batch_size):
        xb, gb = x[i : i + batch_size], goal[i : i + batch_size]
        advs.append(_run(eng, method, xb, gb, eps, params, target is not None, rng))
        if on_batch:
            on_batch(len(xb))
    adv = np.concatenate(advs)
    seconds = time.perf_counter() - started
    return _result(eng, method, x, y, target, adv, eps, params, seed, seconds, batch_size)


def _run(
    eng: Engine,
    method: str,
    x: np.ndarray,
    goal: np.ndarray,
    eps: float | None,
    params: dict,
    targeted: bool,
    rng: np.random.Generator,
) -> np.ndarray:
    if method == "fgsm":
        if eps == 0:
            return x.copy()
        return eng.gradient_steps(
            x,
            x,
            goal,
            eps=eps,
            step_size=eps,
            steps=1,
            norm=params["norm"],
            targeted=targeted,
            precision=params["precision"],
        )[0]
    if method == "pgd":
        start = random_start(x, eps, params["norm"], rng) if params["random_start"] else x
        return eng.gradient_steps(
            start,
            x,
            goal,
            eps=eps,
            step_size=params["step_size"],
            steps=int(params["steps"]),
            norm=params["norm"],
            targeted=targeted,
            precision=params["precision"],
        )[0]
    if method == "cw":
        return eng.carlini_wagner(
            x,
            goal,
            targeted=targeted,
            steps=int(params["steps"]),
            step_size=params["step_size"],
            binary_search_steps=int(params["binary_search_steps"]),
            initial_const=float(params["initial_const"]),
            confidence=float(params["confidence"]),
        )
    return eng.deepfool(
        x,
        goal,
        steps=int(params["steps"]),
        overshoot=float(params["overshoot"]),
        candidates=int(params["candidates"]),
    )


def random_start(x: np.ndarray, eps: float, norm: str, rng: np.random.Generator) -> np.ndarray:
    """A uniformly random point of the eps-ball (Linf box or L2 ball) around x, clipped to [0, 1].

    Example:
        >>> s = random_start(np.full((2, 4, 4, 1), .5, "float32"), .1, "linf", np.random.default_rng(0))
        >>> bool(np.abs(s - .5).max() <= .1)
        True
    """
    if norm == "linf":
        noise = rng.uniform(-eps, eps, size=x.shape)
    else:
        d = int(np.prod(x.shape[1:]))
        direction = rng.standard_normal(size=x.shape)
        direction /= np.sqrt((direction**2).reshape(len(x), -1).sum(1)).reshape(
            -1, *[1] * (x.ndim - 1)
        )
        radius = eps * rng.uniform(size=len(x)) ** (1.0 / d)
        noise = direction * radius.reshape(-1, *[1] * (x.ndim - 1))
    return np.clip(x + noise, 0.0, 1.0).astype(np.float32)


def _predict(eng: Engine, x: np.ndarray, batch_size: int) -> np.ndarray:
    return eng.probe.predict(x, batch_size=max(1, batch_size))


def _result(
    eng: Engine,
    method: str,
    x: np.ndarray,
    y: np.ndarray,
    target: np.ndarray | None,
    adv: np.ndarray,
    eps: float | None,
    params: dict,
    seed: int,
    seconds: float,
    batch_size: int,
) -> AttackResult:
    p_clean = _predict(eng, x, batch_size)
    p_adv = _predict(eng, adv, batch_size)
    pred = p_adv.argmax(1)
    delta = (adv - x).reshape(len(x), -1)
    l2 = np.sqrt((delta.astype(np.float64) ** 2).sum(1)).astype(np.float32)
    linf = np.abs(delta).max(1)
    success = pred != y if target is None else pred == target
    if method in MINIMAL and eps is not None:
        success &= l2 <= eps + 1e-6
    return AttackResult(
        method=method,
        adversarial=adv,
        success=success,
        l2=l2,
        linf=linf,
        pred=pred,
        confidence=p_adv.max(1),
        labels=y,
        clean_pred=p_clean.argmax(1),
        clean_confidence=p_clean.max(1),
        target=target,
        parameters={
            "method": method,
            "eps": eps,
            "seed": seed,
            "targeted": target is not None,
            "batch_size": batch_size,
            **params,
        },
        seconds=seconds,
    )


def evaluate_attack(
    model: Any,
    x: Any,
    y: Any,
    *,
    method: str = "pgd",
    eps: Sequence[float] | float | None = (0.05, 0.1, 0.2, 0.3),
    target: Any = None,
    seed: int = 0,
    batch_size: int = 1000,
    on_batch: Callable[[int], None] | None = None,
    **options: Any,
) -> Evaluation:
    """Robust accuracy per eps, counted on the images the model classifies right to begin with.

    Only initially-correct images are attacked. For ``fgsm``/``pgd`` each eps is a
    separate attack; ``cw``/``deepfool`` run once and each eps counts the images
    fooled within that L2 distance (``eps=None``: any distance). ``on_batch`` gets
    the number of images finished after each batch of each eps.

    Example:
        >>> ev = evaluate_attack("mnist-cnn", x, y, method="pgd", eps=[0.1, 0.3])  # doctest: +SKIP
        >>> [round(r.robust_accuracy, 3) for r in ev.rows]  # doctest: +SKIP
        [0.81, 0.0]
    """
    method = method_name(method)
    probe = as_probe(model)
    params = method_params(method, options)
    eps_list = [eps] if eps is None or isinstance(eps, (int, float)) else list(eps)
    if not eps_list:
        raise UserError("give at least one eps")
    eps_list = [check_eps(e, method, params.get("norm", "l2"), probe.input_shape) for e in eps_list]
    x, y = check_images(probe, x, y)
    _check_target(probe, target, len(x))
    clean = probe.predict(x, batch_size=batch_size).argmax(1)
    correct = clean == y
    xs, ys = x[correct], y[correct]
    tgt = _check_target(probe, target, len(x))
    tgt = None if tgt is None else tgt[correct]
    if tgt is not None:  # an image already of the target class says nothing about the attack
        keep = tgt != ys
        xs, ys, tgt = xs[keep], ys[keep], tgt[keep]
    rows: list[EvalRow] = []
    if len(xs) == 0:
        raise UserError("the model gets none of these images right; nothing to attack")
    if method in MINIMAL:
        res = attack(
            probe,
            xs,
            ys,
            method=method,
            eps=None,
            target=tgt,
            seed=seed,
            batch_size=batch_size,
            on_batch=on_batch,
            **options,
        )
        for e in eps_list:
            ok = res.success if e is None else res.success & (res.l2 <= e + 1e-6)
            rows.append(_row(e, res, ok, res.seconds))
    else:
        for e in eps_list:
            res = attack(
                probe,
                xs,
                ys,
                method=method,
                eps=e,
                target=tgt,
                seed=seed,
                batch_size=batch_size,
                on_batch=on_batch,
                **options,
            )
            rows.append(_row(e, res, res.success, res.seconds))
    return Evaluation(
        model=probe.name,
        method=method,
        n=len(x),
        clean_correct=int(correct.sum()),
        rows=rows,
        parameters={
            "method": method,
            "eps": eps_list,
            "seed": seed,
            "batch_size": batch_size,
            "targeted": target is not None,
            "target": None if target is None else str(target),
            **params,
        },
        images=xs,
        labels=ys,
    )


def _row(eps: float | None, res: AttackResult, ok: np.ndarray, seconds: float) -> EvalRow:
    n = len(ok)
    return EvalRow(
        eps=eps,
        n_attacked=n,
        robust=int(n - ok.sum()),
        robust_accuracy=float(1 - ok.mean()) if n else float("nan"),
        mean_l2=float(res.l2[ok].mean()) if ok.any() else float("nan"),
        mean_linf=float(res.linf[ok].mean()) if ok.any() else float("nan"),
        seconds=seconds,
        result=res,
    )
