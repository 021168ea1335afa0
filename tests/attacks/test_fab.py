"""FAB: the box-constrained projections against independent solutions, minimal distances on linear models."""

from __future__ import annotations

import numpy as np
import pytest

from tests.attacks.linear import linear_model


def _hyperplanes(seed: int, n: int = 64, d: int = 7):
    """Points in [0, 1], hyperplanes through a point of the box (so one is reachable)."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 1, (n, d))
    w = rng.normal(size=(n, d))
    w[rng.uniform(size=(n, d)) < 0.15] = 0.0  # some coordinates do not matter
    b = (w * rng.uniform(0, 1, (n, d))).sum(1)
    return t, w, b


def _linf_oracle(t, w, b):
    """The smallest r with the hyperplane meeting the box [t-r, t+r] clipped to [0, 1] (bisection)."""
    lo, hi = np.zeros(len(t)), np.ones(len(t))
    for _ in range(60):
        r = (lo + hi) / 2
        low, high = np.clip(t - r[:, None], 0, 1), np.clip(t + r[:, None], 0, 1)
        reach_max = np.where(w > 0, w * high, w * low).sum(1)
        reach_min = np.where(w > 0, w * low, w * high).sum(1)
        ok = (reach_min <= b) & (b <= reach_max)
        hi, lo = np.where(ok, r, hi), np.where(ok, lo, r)
    return hi


def _l2_oracle(t, w, b):
    """The L2-nearest point of the hyperplane in the box: d = clip(lam * w), lam by bisection (KKT)."""
    lo, hi = np.full(len(t), -1e3), np.full(len(t), 1e3)
    for _ in range(200):
        lam = (lo + hi) / 2
        d = np.clip(lam[:, None] * w, -t, 1 - t)
        up = (w * (t + d)).sum(1) < b
        lo, hi = np.where(up, lam, lo), np.where(up, hi, lam)
    return np.clip(lo[:, None] * w, -t, 1 - t)


@pytest.mark.parametrize("seed", [0, 1])
def test_projections_reach_the_hyperplane_inside_the_box_at_the_least_distance(seed):
    from interpret._tf import tf
    from interpret.attacks.fab import project_l2, project_linf

    t, w, b = _hyperplanes(seed)
    args = [tf.constant(v.astype("float32")) for v in (t, w, b)]
    d_inf = project_linf(*args).numpy().astype(np.float64)
    d_2 = project_l2(*args).numpy().astype(np.float64)
    for d in (d_inf, d_2):
        np.testing.assert_allclose((w * (t + d)).sum(1), b, atol=1e-4)
        assert (t + d).min() >= -1e-5 and (t + d).max() <= 1 + 1e-5
    np.testing.assert_allclose(np.abs(d_inf).max(1), _linf_oracle(t, w, b), atol=1e-4)
    want = np.sqrt((_l2_oracle(t, w, b) ** 2).sum(1))
    np.testing.assert_allclose(np.sqrt((d_2**2).sum(1)), want, atol=1e-4)


@pytest.mark.parametrize("norm", ["linf", "l2"])
def test_fab_finds_the_minimal_perturbation_of_a_linear_model(norm):
    from interpret.attacks.fab import fab
    from interpret.core.models import as_probe

    model, w, b = linear_model(2, seed=3, side=4)
    x = np.random.default_rng(3).uniform(0.3, 0.7, (24, 4, 4, 1)).astype("float32")
    probe = as_probe(model)
    y = probe.predict(x).argmax(1).astype("int32")
    z = x.reshape(24, -1) @ w + b
    v = np.abs(w[:, 0] - w[:, 1])
    best = np.abs(z[:, 0] - z[:, 1]) / (v.sum() if norm == "linf" else np.sqrt((v**2).sum()))
    inside = best < 0.2  # far from the box's walls: the unconstrained answer holds
    adv, fooled, dist = fab(probe, x, y, norm=norm, steps=40, devices="one")
    assert fooled.all() and inside.sum() > 5
    assert (probe.predict(adv).argmax(1) != y).all()
    np.testing.assert_array_less(best[inside] * 0.999, dist[inside])
    np.testing.assert_array_less(dist[inside], best[inside] * 1.06 + 1e-4)
    _, counted, _ = fab(probe, x, y, eps=float(np.median(best)), norm=norm, steps=40, devices="one")
    np.testing.assert_array_equal(counted, dist <= np.median(best))


def test_fab_t_aims_at_the_ranked_classes(tiny_cnn):
    from interpret.attacks.fab import fab
    from interpret.core.models import as_probe

    probe = as_probe(tiny_cnn)
    x = np.random.default_rng(0).uniform(0, 1, (12, 16, 16, 3)).astype("float32")
    y = probe.predict(x).argmax(1).astype("int32")
    adv, fooled, dist = fab(probe, x, y, eps=0.02, steps=20, targets=2, devices="one")
    assert fooled.any()
    d = np.abs(adv - x).reshape(12, -1).max(1)
    np.testing.assert_allclose(d[fooled], dist[fooled], atol=1e-6)
    assert d[fooled].max() <= 0.02 and (probe.predict(adv[fooled]).argmax(1) != y[fooled]).all()
    np.testing.assert_array_equal(adv[~fooled], x[~fooled])


def test_fab_takes_a_target_or_ranked_targets_not_both(tiny_cnn):
    from interpret.attacks.fab import fab
    from interpret.core.errors import UserError
    from interpret.core.models import as_probe

    x = np.zeros((2, 16, 16, 3), "float32")
    y = np.zeros(2, "int32")
    with pytest.raises(UserError, match="not both"):
        fab(as_probe(tiny_cnn), x, y, target=np.ones(2, "int32"), targets=2, devices="one")
    with pytest.raises(UserError, match="targets"):
        fab(as_probe(tiny_cnn), x, y, targets=0, devices="one")
