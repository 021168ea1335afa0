"""APGD: exact answers on linear models, the paper's checkpoints, bounds, dropping fooled images."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.attacks.linear import linear_model


def test_checkpoints_follow_the_papers_schedule():
    from interpret.attacks.apgd import checkpoints

    # p_0 = 0, p_1 = 0.22, p_{j+1} = p_j + max(p_j - p_{j-1} - 0.03, 0.06); w_j = ceil(p_j N)
    p = [0.0, 0.22]
    while p[-1] + max(p[-1] - p[-2] - 0.03, 0.06) <= 1:
        p.append(p[-1] + max(p[-1] - p[-2] - 0.03, 0.06))
    paper = [math.ceil(round(v * 100, 9)) for v in p[1:]]  # exact arithmetic: 0.57 -> 57
    assert [i + 1 for i in checkpoints(100)] == paper
    assert list(checkpoints(100).values())[:3] == [22, 19, 16]


def _binary_case(seed: int = 3):
    model, w, b = linear_model(2, seed=seed, side=4)
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.3, 0.7, (48, 4, 4, 1)).astype("float32")
    z = x.reshape(48, -1) @ w + b
    return model, w, b, x, z.argmax(1).astype("int32"), z


@pytest.mark.parametrize("norm, eps", [("linf", 0.05), ("l2", 0.1)])
def test_apgd_ce_finds_exactly_the_images_a_linear_model_can_lose(norm, eps):
    from interpret.attacks.apgd import apgd
    from interpret.core.models import as_probe

    model, w, _, x, y, z = _binary_case()
    v = (w[:, 0] - w[:, 1])[None, :] * np.where(y == 0, 1, -1)[:, None]  # w_y - w_other
    margin = np.abs(z[:, 0] - z[:, 1])
    reach = eps * (np.abs(v).sum(1) if norm == "linf" else np.sqrt((v**2).sum(1)))
    clear = np.abs(margin - reach) > 1e-3  # leave out images on the edge of the ball
    assert 5 < (margin < reach)[clear].sum() < clear.sum() - 5  # both kinds are present
    adv, fooled = apgd(as_probe(model), x, y, eps=eps, norm=norm, steps=30, devices="one")
    np.testing.assert_array_equal(fooled[clear], (margin < reach)[clear])
    d = (adv - x).reshape(len(x), -1)
    size = np.abs(d).max(1) if norm == "linf" else np.sqrt((d**2).sum(1))
    assert size.max() <= eps + 1e-5 and adv.min() >= 0 and adv.max() <= 1


def test_a_targeted_run_succeeds_only_at_its_target():
    from interpret.attacks.apgd import apgd
    from interpret.core.models import as_probe

    model, w, b = linear_model(5, seed=1, side=4)
    x = np.random.default_rng(0).uniform(0, 1, (16, 4, 4, 1)).astype("float32")
    probe = as_probe(model)
    y = probe.predict(x).argmax(1).astype("int32")
    target = (y + 1) % 5
    for loss in ("ce", "dlr"):
        adv, fooled = apgd(probe, x, y, eps=0.5, loss=loss, steps=20, target=target, devices="one")
        assert fooled.any()
        np.testing.assert_array_equal(probe.predict(adv[fooled]).argmax(1), target[fooled])


def test_dropping_fooled_images_changes_no_answer(tiny_cnn):
    from interpret.attacks.apgd import Loss, run_once
    from interpret.attacks.distributed import make_runner
    from interpret.core.models import as_probe

    probe = as_probe(tiny_cnn)
    x = np.random.default_rng(0).uniform(0, 1, (24, 16, 16, 3)).astype("float32")
    y = probe.predict(x).argmax(1).astype("int32")
    kw = {"eps": 0.004, "norm": "linf", "loss": Loss("ce", False), "steps": 25}
    runner = make_runner("one")
    t = np.zeros(24, np.int32)
    a1, f1 = run_once(probe, x, y, t, x, runner=runner, drop=True, **kw)
    a2, f2 = run_once(probe, x, y, t, x, runner=runner, drop=False, **kw)
    assert 0 < f1.sum() < 24
    np.testing.assert_array_equal(f1, f2)  # the returned iterate may be an earlier one
    for adv in (a1, a2):
        assert (probe.predict(adv[f1]).argmax(1) != y[f1]).all()
        assert np.abs(adv - x).max() <= 0.004 + 1e-6


def test_a_checkpoint_halves_the_step_and_returns_to_the_best_point():
    from interpret._tf import tf
    from interpret.attacks.apgd import Loss, _Steps
    from interpret.attacks.distributed import make_runner
    from interpret.core.models import as_probe

    model, _, _ = linear_model(2)
    steps = _Steps(as_probe(model), "linf", Loss("ce", False), make_runner("one"))
    x, best = np.zeros((3, 4, 4, 1), "float32"), np.ones((3, 4, 4, 1), "float32")
    state = {
        "x": x,
        "x_best": best,
        "g": x,
        "g_best": best,
        "eta": np.full(3, 0.2, "float32"),
        "count": np.array([2.0, 9.0, 9.0], "float32"),  # loss rose 2, 9, 9 times of 10
        "reduced": np.array([True, True, False]),
        "best_at_check": np.array([0.0, 0.0, 5.0], "float32"),  # third: no gain since last
        "loss_best": np.array([1.0, 1.0, 5.0], "float32"),
    }
    out = steps._check({k: tf.constant(v) for k, v in state.items()}, tf.constant(7.5))
    np.testing.assert_allclose(out["eta"].numpy(), [0.1, 0.2, 0.1])
    assert out["x"].numpy()[0].min() == 1 and out["x"].numpy()[1].max() == 0
    assert out["count"].numpy().sum() == 0
