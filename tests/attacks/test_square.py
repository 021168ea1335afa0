"""Square Attack: the schedule, the L2 proposal, bounds, query counts, independence of the batch."""

from __future__ import annotations

import numpy as np
import pytest

from tests.attacks.linear import linear_model


def test_the_window_shrinks_on_the_papers_schedule():
    from interpret.attacks.square import centred, p_selection, side

    assert [p_selection(0.8, i, 5000, False) for i in (0, 10, 11, 51, 201, 8001)] == [
        0.8,
        0.8,
        0.4,
        0.2,
        0.1,
        0.8 / 512,
    ]
    assert p_selection(0.8, 2500, 5000, True) == p_selection(0.8, 5000, 10000, False)
    assert side(0.8, 28, 28, "linf") == 25 and side(0.001, 28, 28, "l2") == 3
    assert side(0.05, 32, 32, "l2") % 2 == 1
    e = centred(7)
    assert abs((e**2).sum() - 1) < 1e-6 and e[:3].sum() > 0 > e[4:].sum()


@pytest.mark.parametrize("norm, eps", [("linf", 0.3), ("l2", 1.5)])
def test_square_stays_in_the_ball_counts_queries_and_only_claims_real_wins(norm, eps):
    from interpret.attacks.square import square
    from interpret.core.models import as_probe

    model, _, _ = linear_model(5, seed=2, side=6)
    probe = as_probe(model)
    x = np.random.default_rng(1).uniform(0, 1, (16, 6, 6, 1)).astype("float32")
    y = probe.predict(x).argmax(1).astype("int32")
    adv, fooled, queries = square(probe, x, y, eps=eps, norm=norm, queries=150, devices="one")
    d = (adv - x).reshape(16, -1)
    size = np.abs(d).max(1) if norm == "linf" else np.sqrt((d**2).sum(1))
    assert size.max() <= eps + 1e-5 and adv.min() >= 0 and adv.max() <= 1
    assert 0 < fooled.sum() < 16 or fooled.all()
    assert (probe.predict(adv[fooled]).argmax(1) != y[fooled]).all()
    assert queries.min() >= 1 and queries.max() <= 151
    assert (queries[~fooled] == 151).all() and queries[fooled].mean() < 151


def test_an_images_search_does_not_depend_on_its_batch(tiny_cnn):
    from interpret.attacks.square import square
    from interpret.core.models import as_probe

    probe = as_probe(tiny_cnn)
    x = np.random.default_rng(2).uniform(0, 1, (8, 16, 16, 3)).astype("float32")
    y = probe.predict(x).argmax(1).astype("int32")
    kw = {"eps": 0.01, "queries": 120, "devices": "one", "seed": 3}
    adv, fooled, q = square(probe, x, y, **kw)
    adv1, fooled1, q1 = square(probe, x[2:3], y[2:3], ids=[2], **kw)
    assert fooled[2] and fooled1[0] and q[2] == q1[0] < 121  # found mid-search, alone or not
    np.testing.assert_allclose(adv[2], adv1[0], atol=1e-6)
