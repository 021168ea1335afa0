"""Adversarial training: settings, the compiled step, and that it buys robustness on a toy problem."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.core.errors import UserError
from interpret.zoo.adversarial import Adversarial


def toy_data(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """8x8 images: pixel 0 is a robust feature (0.2 or 0.8), the 63 others weak ones (0.5 -/+ 0.1).

    A standard linear model leans on the 63 weak pixels, which an eps of 0.15 flips;
    only pixel 0 survives it (Tsipras et al.'s robust vs non-robust features).
    """
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    sign = 2.0 * y - 1.0
    x = 0.5 + 0.1 * sign[:, None] + rng.normal(0, 0.05, (n, 64))
    x[:, 0] = 0.5 + 0.3 * sign + rng.normal(0, 0.05, n)
    return np.clip(x, 0, 1).reshape(n, 8, 8, 1).astype("float32"), y.astype("int32")


def linear(seed: int = 0):
    from interpret._tf import keras

    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(2, name="out")],
        name="toy",
    )


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"method": "free", "eps": 0.3}, "unknown adversarial training method 'free'"),
        ({"method": "pgd", "eps": 0}, "eps= must lie in (0, 1], got 0"),
        ({"method": "pgd", "eps": 1.5}, "eps= must lie in (0, 1], got 1.5"),
        ({"method": "trades", "eps": 0.1, "beta": 0}, "beta= must be greater than 0, got 0"),
        ({"method": "trades", "eps": 0.1, "beta": -1}, "beta= must be greater than 0"),
        ({"method": "pgd", "eps": 0.1, "beta": 6}, "beta= applies to trades only"),
        ({"method": "fgsm-rs", "eps": 0.1, "attack_steps": 3}, "fgsm-rs takes one step"),
        ({"method": "pgd", "eps": 0.1, "step_size": 0}, "step_size= must be greater than 0"),
        ({"method": "pgd", "eps": 0.1, "norm": "l1"}, "unknown norm 'l1' for norm="),
        ({"method": "pgd", "eps": 0, "norm": "l2"}, "eps= must be greater than 0, got 0"),
    ],
)
def test_bad_settings_name_the_parameter(kwargs, message):
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Adversarial(**kwargs).checked()


def test_defaults_follow_the_papers():
    fgsm = Adversarial("FGSM-RS", 8 / 255).checked()
    assert (
        fgsm.method == "fgsm-rs"
        and fgsm.attack_steps == 1
        and fgsm.step_size == pytest.approx(10 / 255)
    )
    pgd = Adversarial("pgd", 0.3, attack_steps=40).checked()
    assert pgd.step_size == pytest.approx(0.01875) and pgd.beta is None
    assert Adversarial("trades", 0.1).checked().beta == 6.0
    ramp = Adversarial("pgd", 0.3, eps_warmup=3).checked()
    assert [ramp.eps_at(e) for e in (0, 1.5, 3, 9)] == pytest.approx([0, 0.15, 0.3, 0.3])


def test_l2_budgets_may_exceed_one_and_scale_the_step_as_linf_does():
    l2 = Adversarial("pgd", 2.0, attack_steps=5, norm="L2").checked()
    assert (l2.norm, l2.eps, l2.step_size) == ("l2", 2.0, pytest.approx(1.0))
    assert Adversarial("fgsm-rs", 1.5, norm="l2").checked().step_size == pytest.approx(1.875)
    assert Adversarial("pgd", 0.3).checked().norm == "linf"


def test_trades_loss_is_cross_entropy_when_the_attack_moves_nothing():
    from interpret._tf import tf
    from interpret.zoo.adversarial import training_loss

    logits = tf.constant([[2.0, 0.0], [0.0, 1.0]])
    y = tf.constant([0, 0])
    f = lambda x: x  # noqa: E731  (images are logits here)
    adv = Adversarial("trades", 0.1).checked()
    ce = training_loss(None, f, logits, logits, y)
    assert float(training_loss(adv, f, logits, logits, y)) == pytest.approx(float(ce))
    moved = logits + tf.constant([[0.0, 1.0], [0.0, 0.0]])
    assert float(training_loss(adv, f, logits, moved, y)) > float(ce) + 0.01


def _train(adv, steps: int = 100):
    from interpret._tf import keras
    from interpret.core.probe import Probe
    from interpret.zoo.adversarial import TrainStep

    x, y = toy_data(512)
    probe = Probe(linear())
    step = TrainStep(probe, keras.optimizers.Adam(0.05), adv, seed=0)
    for i in range(steps):
        j = (i * 64) % 512
        step(x[j : j + 64], y[j : j + 64], adv.eps if adv else 0.0)
    return probe


@pytest.fixture(scope="module")
def standard():
    return _train(None)


@pytest.mark.parametrize("method", ["fgsm-rs", "pgd", "trades"])
def test_adversarial_training_buys_robustness_standard_training_lacks(method, standard):
    from interpret.zoo.adversarial import robust_accuracy

    x, y = toy_data(400, seed=1)
    settings = {"eps": 0.15, "steps": 10, "step_size": 0.03}
    standard = robust_accuracy(standard, x, y, **settings)
    steps = None if method == "fgsm-rs" else 3  # few attack steps: quick to trace
    robust = robust_accuracy(
        _train(Adversarial(method, 0.15, attack_steps=steps).checked()), x, y, **settings
    )
    assert standard[0] > 0.95 and standard[1] < 0.5
    assert robust[0] > 0.9 and robust[1] > 0.9


def test_robust_accuracy_counts_every_image_and_matches_evaluate_attack(standard):
    from interpret.attacks.run import evaluate_attack
    from interpret.zoo.adversarial import robust_accuracy

    probe = standard
    x, y = toy_data(300, seed=2)
    clean, robust = robust_accuracy(probe, x, y, eps=0.1, steps=10, step_size=0.025)
    ev = evaluate_attack(probe, x, y, method="pgd", eps=0.1, steps=10, step_size=0.025)
    assert clean == pytest.approx(ev.clean_correct / ev.n)
    # the same attack, other random starts: robust counts agree to a few images
    assert robust == pytest.approx(ev.rows[0].robust / ev.n, abs=0.03)


def test_l2_training_buys_l2_robustness_standard_training_lacks(standard):
    from interpret.zoo.adversarial import robust_accuracy

    x, y = toy_data(400, seed=1)
    settings = {"eps": 0.5, "steps": 10, "step_size": 0.125, "norm": "l2"}
    before = robust_accuracy(standard, x, y, **settings)
    trained = _train(Adversarial("pgd", 0.5, attack_steps=3, norm="l2").checked())
    after = robust_accuracy(trained, x, y, **settings)
    # the 63 weak pixels move 0.5 / sqrt(63) each: enough to flip the standard model
    assert before[0] > 0.95 and before[1] < 0.1
    assert after[0] > 0.95 and after[1] > 0.7


def test_l2_robust_accuracy_matches_evaluate_attack(standard):
    from interpret.attacks.run import evaluate_attack
    from interpret.zoo.adversarial import robust_accuracy

    x, y = toy_data(300, seed=2)
    settings = {"eps": 0.3, "steps": 10, "step_size": 0.075, "norm": "l2"}
    _, robust = robust_accuracy(standard, x, y, **settings)
    ev = evaluate_attack(standard, x, y, method="pgd", **settings)
    assert 0.2 < ev.rows[0].robust / ev.n < 0.9  # a budget where the random starts matter
    assert robust == pytest.approx(ev.rows[0].robust / ev.n, abs=0.05)
