"""Checks for gradient masking, the flags AutoAttack's authors raise, as warnings (never errors).

A robustness figure from gradient attacks can be wrong when the gradients cannot be
trusted. Before an evaluation, on up to :data:`SAMPLE` images:

* **softmax outputs**: the model ends in a softmax. The probe attacks its logits (the
  softmax is unwrapped), which is said in the report; if what the probe takes for logits
  still looks like probabilities (an unrecognised softmax), a warning: gradients through
  a saturated softmax vanish;
* **zero or non-finite gradients**: the DLR loss's input gradient is all zero, or not
  finite, for some of the images the model classifies right (cross-entropy's may vanish
  on confident images, DLR's should not): gradient attacks cannot move those images.
  Misclassified images are not attacked, and are left out: on one whose label is ranked
  3rd, DLR is ``(z_pi1 - z_pi3) / (z_pi1 - z_pi3) = 1`` and its gradient is exactly zero;
* **randomised model**: two forward passes on the same images give different logits (a
  random defence needs attacks with expectation over transformations).

After an AutoAttack run, :func:`black_box_check`: when the score-based Square Attack fools
images that every white-box stage before it missed, the gradients are likely masked.

Each finding is one line in the result's ``warnings`` and a :class:`GradientMaskingWarning`.

Example:
    >>> from interpret.core.models import resolve
    >>> from interpret.data import datasets
    >>> probe = resolve("mnist-cnn").probe
    >>> x, y = datasets.load_test_images("mnist").split("test")
    >>> report = check_model(probe, x[:32].astype("float32") / 255, y[:32].astype("int32"))
    >>> report.warnings, report.notes
    ([], [])
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpret.attacks import losses
from interpret.core.grad import Gradient

SAMPLE = 250  # images looked at (AutoAttack's checks use one batch of 250)
SQUARE_MARGIN = 0.002  # Square may lower robust accuracy by this much before it is flagged


class GradientMaskingWarning(UserWarning):
    """The gradients of the model under attack look unreliable."""


@dataclass
class MaskingReport:
    """What the checks found: ``warnings`` (the evaluation may overstate robustness), ``notes``."""

    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    figures: dict = field(default_factory=dict)

    def add(self, message: str) -> None:
        """Record a warning and raise it as a :class:`GradientMaskingWarning`."""
        self.warnings.append(message)
        warnings.warn(message, GradientMaskingWarning, stacklevel=3)


def _dlr_objective(targets: Any) -> Any:
    from interpret.core.objectives import Objective

    return Objective(lambda ctx: losses.dlr(ctx.logits, targets), "dlr", logits=True)


def check_model(probe: Any, x: np.ndarray, y: np.ndarray) -> MaskingReport:
    """The checks made before an evaluation, on the first :data:`SAMPLE` images.

    Example: see the module docstring.
    """
    report = MaskingReport()
    x, y = x[:SAMPLE], y[:SAMPLE]
    if not len(x):
        return report
    if _ends_in_softmax(probe):
        report.notes.append(
            f"{probe.name} ends in a softmax; the attacks use its logits (the softmax is unwrapped)"
        )
    z1 = probe.logits(x).numpy()
    z2 = probe.logits(x).numpy()
    if _looks_like_probabilities(z1):
        report.add(
            f"{probe.name}'s outputs look like probabilities, not logits (each row sums to 1): "
            "gradients through a saturated softmax vanish; give the model without its softmax"
        )
    if not np.array_equal(z1.argmax(1), z2.argmax(1)) or np.abs(z1 - z2).max() > 1e-4 * (
        np.abs(z1).max() + 1e-12
    ):
        report.add(
            f"{probe.name} is randomised: two forward passes on the same images differ; attacks "
            "need expectation over its randomness, and this evaluation may overstate robustness"
        )
    correct = z1.argmax(1) == y
    if probe.n_classes >= 3 and correct.any():
        _gradient_check(probe, x[correct], y[correct], report)
    return report


def _gradient_check(probe: Any, x: np.ndarray, y: np.ndarray, report: MaskingReport) -> None:
    grad = probe.memo("masking-dlr-gradient", lambda: Gradient(probe, _dlr_objective))
    _, g = grad(x, y)
    flat = np.abs(g.reshape(len(g), -1))
    bad = ~np.isfinite(flat).all(1)
    zero = ~bad & (flat.sum(1) == 0)
    report.figures.update(
        {"checked": len(x), "zero_gradient": int(zero.sum()), "nonfinite_gradient": int(bad.sum())}
    )
    if zero.any() or bad.any():
        report.add(
            f"the DLR loss's input gradient is zero on {int(zero.sum())} and not finite on "
            f"{int(bad.sum())} of {len(x)} images classified right: gradient attacks cannot move "
            "them, so their "
            "robustness may be overstated (see the Square Attack stage)"
        )


def _ends_in_softmax(probe: Any) -> bool:
    from interpret.core.probe import _softmax_kind

    return bool(_softmax_kind(probe._last))


def _looks_like_probabilities(z: np.ndarray) -> bool:
    return bool(z.max() < 1.0 + 1e-5 and z.min() > -1e-5 and np.all(np.abs(z.sum(1) - 1.0) < 1e-5))


def black_box_check(stages: list[tuple[str, int]], n: int, report: MaskingReport) -> None:
    """Flag Square beating the white-box stages: ``stages`` is (name, robust after it) in order.

    Square counts when it lowers the robust accuracy on the ``n`` images by more than
    :data:`SQUARE_MARGIN` (AutoAttack's threshold).

    Example:
        >>> r = MaskingReport()
        >>> import warnings as w
        >>> with w.catch_warnings():
        ...     w.simplefilter("ignore")
        ...     black_box_check([("clean", 100), ("apgd-ce", 60), ("square", 50)], 100, r)
        >>> r.warnings[0][:48]
        'Square Attack (black-box) fooled 10 more images '
    """
    before = [n for name, n in stages if name not in ("clean", "square")]
    after = [n for name, n in stages if name == "square"]
    if not before or not after:
        return
    gained = min(before) - after[0]
    if gained > SQUARE_MARGIN * n:
        report.add(
            f"Square Attack (black-box) fooled {gained} more images than the gradient attacks "
            "before it: their gradients look masked and the robust accuracy may still be "
            "overstated; run Square with more queries or restarts, or an adaptive attack"
        )
