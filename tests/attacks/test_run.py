"""Attacks on tiny models built here: analytic FGSM/DeepFool checks, bounds, targeted success, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.core.errors import UserError


def linear_model(n_classes: int = 2, softmax: bool = False, seed: int = 0, side: int = 4):
    """Flatten -> Dense: logits z = x.W + b, so input gradients are known in closed form."""
    from interpret._tf import keras

    rng = np.random.default_rng(seed)
    model = keras.Sequential(
        [
            keras.Input((side, side, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(n_classes, activation="softmax" if softmax else None, name="out"),
        ]
    )
    w = rng.normal(size=(side * side, n_classes)).astype("float32")
    b = rng.normal(size=n_classes).astype("float32") * 0.1
    model.get_layer("out").set_weights([w, b])
    return model, w, b


@pytest.fixture(scope="module")
def linear2():
    return linear_model(2)


@pytest.fixture(scope="module")
def linear5():
    return linear_model(5, seed=1)


def grey(n: int, side: int = 4, value: float = 0.5) -> np.ndarray:
    return np.full((n, side, side, 1), value, np.float32)


def logits_np(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    return x.reshape(len(x), -1) @ w + b


@pytest.mark.parametrize("softmax", [False, True])
def test_fgsm_matches_the_closed_form_on_a_linear_model(softmax):
    from interpret.attacks.run import attack

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
    from interpret.attacks.run import attack

    model, w, _ = linear2
    x = np.zeros((1, 4, 4, 1), np.float32)
    res = attack(model, x, [0], method="fgsm", eps=0.3)
    expect = np.where(w[:, 1] - w[:, 0] > 0, 0.3, 0.0).reshape(4, 4, 1)
    np.testing.assert_allclose(res.adversarial[0], expect, atol=1e-6)


@pytest.mark.parametrize("norm,eps", [("linf", 0.05), ("linf", 0.2), ("l2", 0.3), ("l2", 1.0)])
def test_pgd_stays_in_the_ball_and_in_bounds(linear5, norm, eps):
    from interpret.attacks.run import attack

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
    from interpret.attacks.run import attack

    model, w, b = linear5
    x = grey(5)
    y = logits_np(x, w, b).argmax(1)
    target = (y + 2) % 5
    res = attack(model, x, y, method="pgd", eps=0.5, target=target, steps=40, step_size=0.05)
    assert res.success.all()
    np.testing.assert_array_equal(res.pred, target)
    np.testing.assert_array_equal(logits_np(res.adversarial, w, b).argmax(1), target)


def test_pgd_is_seeded(linear5):
    from interpret.attacks.run import attack

    model, _, _ = linear5
    x = grey(2)
    a = attack(model, x, [0, 1], method="pgd", eps=0.1, steps=2, seed=3).adversarial
    b = attack(model, x, [0, 1], method="pgd", eps=0.1, steps=2, seed=3).adversarial
    c = attack(model, x, [0, 1], method="pgd", eps=0.1, steps=2, seed=4).adversarial
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_deepfool_finds_the_linear_boundary():
    from interpret.attacks.run import attack

    model, w, b = linear_model(2, side=12)  # many pixels: the step needs no clipping
    x = grey(1, side=12)
    y = logits_np(x, w, b).argmax(1)
    res = attack(model, x, y, method="deepfool", overshoot=0.02)
    assert res.success.all()
    wd = w[:, 1 - y[0]] - w[:, y[0]]
    f = logits_np(x, w, b)[0]
    minimal = abs(f[1 - y[0]] - f[y[0]]) / np.linalg.norm(wd)
    assert res.l2[0] == pytest.approx((minimal + 1e-4) * 1.02, rel=1e-3)


def test_cw_succeeds_near_the_minimal_distance(linear2):
    from interpret.attacks.run import attack

    model, w, b = linear2
    x = grey(2)
    y = logits_np(x, w, b).argmax(1)
    res = attack(model, x, y, method="cw", steps=100, step_size=0.05, binary_search_steps=6)
    assert res.success.all()
    wd = w[:, 1 - y[0]] - w[:, y[0]]
    f = logits_np(x, w, b)[0]
    minimal = abs(f[1 - y[0]] - f[y[0]]) / np.linalg.norm(wd)
    assert minimal * 0.999 <= res.l2[0] <= minimal * 1.3


def test_minimal_attack_with_eps_counts_only_small_perturbations(linear2):
    from interpret.attacks.run import attack

    model, w, b = linear2
    x = grey(1)
    y = logits_np(x, w, b).argmax(1)
    free = attack(model, x, y, method="deepfool")
    capped = attack(model, x, y, method="deepfool", eps=float(free.l2[0]) / 2)
    assert free.success[0] and not capped.success[0]


def test_evaluation_counts_initially_correct_images(linear5):
    from interpret.attacks.run import evaluate_attack

    model, w, b = linear5
    rng = np.random.default_rng(1)
    x = rng.uniform(size=(20, 4, 4, 1)).astype(np.float32)
    pred = logits_np(x, w, b).argmax(1)
    y = pred.copy()
    y[:5] = (y[:5] + 1) % 5  # five wrong labels: not attacked
    ev = evaluate_attack(model, x, y, method="pgd", eps=[0.0, 0.5], steps=20, step_size=0.05)
    assert ev.clean_correct == 15
    assert [r.n_attacked for r in ev.rows] == [15, 15]
    assert ev.rows[0].robust_accuracy == 1.0  # eps 0 changes nothing
    assert ev.rows[1].robust_accuracy < 1.0
    assert "initially-correct" in ev.table()


def test_one_compiled_loop_serves_every_eps(linear5):
    from interpret.attacks.gradient import _Loop
    from interpret.attacks.run import attack
    from interpret.core.models import as_probe

    model, _, _ = linear5
    probe = as_probe(model)
    for eps, n in ((0.1, 3), (0.2, 2), (0.3, 3)):  # new eps, new batch sizes
        attack(probe, grey(n), [0, 1, 2][:n], method="pgd", eps=eps, steps=2)
    loop = probe.memo(("projected-steps", "linf", False, "ce", False, "float32"), None)
    assert isinstance(loop, _Loop)
    assert loop.ascent._compiled.experimental_get_tracing_count() == 1


BAD = [
    ({"method": "pgd", "eps": -0.1}, "eps= must be 0 or more"),
    ({"method": "pgd", "eps": 1.5}, "beyond the input range"),
    ({"method": "pgd", "eps": 5.0, "norm": "l2"}, "beyond the input range"),
    ({"method": "magic", "eps": 0.1}, "unknown attack method"),
    ({"method": "pgd"}, "needs eps="),
    ({"method": "pgd", "eps": 0.1, "target": 7}, "out of range"),
    ({"method": "pgd", "eps": 0.1, "target": -1}, "out of range"),
    ({"method": "pgd", "eps": 0.1, "labels": [0, 1, 0]}, "labels do not match images"),
    ({"method": "pgd", "eps": 0.1, "labels": [0, 9]}, "out of range"),
    ({"method": "pgd", "eps": 0.1, "images": np.full((2, 4, 4, 1), 2.0)}, "in [0, 1]"),
    ({"method": "pgd", "eps": 0.1, "images": np.zeros((2, 5, 5, 1))}, "takes (N, 4, 4, 1)"),
    ({"method": "pgd", "eps": 0.1, "norm": "l3"}, "unknown norm"),
    ({"method": "pgd", "eps": 0.1, "steps": 0}, "steps= must be"),
    ({"method": "fgsm", "eps": 0.1, "steps": 3}, "fgsm does not take steps"),
    ({"method": "deepfool", "target": 1}, "deepfool is untargeted"),
]


@pytest.mark.parametrize("case,message", BAD)
def test_bad_input_is_a_user_error(linear5, case, message):
    from interpret.attacks.run import attack

    model, _, _ = linear5
    case = dict(case)
    x = case.pop("images", grey(2))
    y = case.pop("labels", [0, 1])
    with pytest.raises(UserError) as err:
        attack(model, x, y, **case)
    assert message in str(err.value)
