"""FGSM and PGD on the shared loop: closed forms on linear models, the ball, targets, one trace."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.attacks.gradient import projected_steps, random_start
from interpret.attacks.run import attack
from interpret.core.models import as_probe
from tests.attacks.linear import grey, linear_model, logits_np


@pytest.mark.parametrize("softmax", [False, True])
def test_fgsm_matches_the_closed_form_on_a_linear_model(softmax):
    model, w, _ = linear_model(2, softmax=softmax)
    x = grey(3)
    y = np.array([0, 1, 0])
    res = attack(model, x, y, method="fgsm", eps=0.1)
    # d CE / d x for label y is sum_k (p_k - [k == y]) w_k, whose sign is sign(w_other - w_y)
    for i, label in enumerate(y):
        other = 1 - label
        expect = np.clip(0.5 + 0.1 * np.sign(w[:, other] - w[:, label]), 0, 1).reshape(4, 4, 1)
        np.testing.assert_allclose(res.adversarial[i], expect, atol=1e-6)


def test_fgsm_clips_to_the_image_range(linear2):
    model, w, _ = linear2
    x = np.zeros((1, 4, 4, 1), np.float32)
    res = attack(model, x, [0], method="fgsm", eps=0.3)
    expect = np.where(w[:, 1] - w[:, 0] > 0, 0.3, 0.0).reshape(4, 4, 1)
    np.testing.assert_allclose(res.adversarial[0], expect, atol=1e-6)


def test_l2_fgm_takes_one_step_of_length_eps(linear2):
    model, w, _ = linear2
    res = attack(model, grey(1), [0], method="fgsm", eps=0.4, norm="l2")
    d = (w[:, 1] - w[:, 0]).reshape(4, 4, 1)
    np.testing.assert_allclose(res.adversarial[0], 0.5 + 0.4 * d / np.linalg.norm(d), atol=1e-5)


@pytest.mark.parametrize("norm,eps", [("linf", 0.05), ("linf", 0.2), ("l2", 0.3), ("l2", 1.0)])
def test_pgd_stays_in_the_ball_and_in_bounds(linear5, norm, eps):
    model, _, _ = linear5
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(6, 4, 4, 1)).astype(np.float32)
    res = attack(
        model, x, np.arange(6) % 5, method="pgd", eps=eps, norm=norm, steps=10, step_size=eps / 4
    )
    assert res.adversarial.min() >= 0.0 and res.adversarial.max() <= 1.0
    dist = res.linf if norm == "linf" else res.l2
    assert dist.max() <= eps + 1e-5
    assert dist.max() > 0.5 * eps  # it actually moved


def test_pgd_targeted_reaches_the_target(linear5):
    model, w, b = linear5
    x = grey(5)
    y = logits_np(x, w, b).argmax(1)
    target = (y + 2) % 5
    res = attack(model, x, y, method="pgd", eps=0.5, target=target, steps=40, step_size=0.05)
    assert res.success.all()
    np.testing.assert_array_equal(res.pred, target)
    np.testing.assert_array_equal(logits_np(res.adversarial, w, b).argmax(1), target)


def test_pgd_is_seeded(linear5):
    model, _, _ = linear5
    x = grey(2)
    a = attack(model, x, [0, 1], method="pgd", eps=0.1, steps=2, seed=3).adversarial
    b = attack(model, x, [0, 1], method="pgd", eps=0.1, steps=2, seed=3).adversarial
    c = attack(model, x, [0, 1], method="pgd", eps=0.1, steps=2, seed=4).adversarial
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_one_compiled_loop_serves_every_eps(linear5):
    from interpret.attacks.gradient import _Loop

    model, _, _ = linear5
    probe = as_probe(model)
    for eps, n in ((0.1, 3), (0.2, 2), (0.3, 3)):  # new eps, new batch sizes
        attack(probe, grey(n), [0, 1, 2][:n], method="pgd", eps=eps, steps=2)
    loop = probe.memo(("projected-steps", "linf", False, "ce", False, "float32"), None)
    assert isinstance(loop, _Loop)
    assert loop.ascent._compiled.experimental_get_tracing_count() == 1


@pytest.mark.parametrize("norm", ["linf", "l2"])
def test_random_start_lies_in_the_ball_and_the_box(norm):
    x = np.random.default_rng(2).uniform(size=(50, 4, 4, 1)).astype(np.float32)
    s = random_start(x, 0.3, norm, np.random.default_rng(0))
    d = (s - x).reshape(len(x), -1)
    size = np.abs(d).max(1) if norm == "linf" else np.linalg.norm(d, axis=1)
    assert s.dtype == np.float32 and s.min() >= 0 and s.max() <= 1
    assert size.max() <= 0.3 + 1e-6 and size.mean() > 0.05


def test_a_stop_confidence_ends_the_loop_early_and_freezes_reached_images(linear2):
    model, w, b = linear2
    probe = as_probe(model)
    x = grey(2)
    y = logits_np(x, w, b).argmax(1)
    goal = 1 - y  # targeted: climb the other class
    adv, ran = projected_steps(
        probe, x, x, goal, eps=1.0, step_size=0.02, steps=500, targeted=True, stop_confidence=0.9
    )
    assert ran < 500
    p = probe.predict(adv)[np.arange(2), goal]
    assert np.all(p >= 0.9) and np.all(p < 0.999)  # stopped soon after reaching it
