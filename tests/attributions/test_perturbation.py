"""Occlusion and RISE against plain loops over the masks."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.attributions import attribute
from interpret.attributions.perturbation import occlusion_masks, rise_grids, rise_masks
from interpret.core.probe import Probe


@pytest.fixture(scope="module")
def setup():
    from tests.maxi_models import small_cnn

    model = small_cnn()
    x = np.random.default_rng(2).random((3, 12, 12, 3), dtype=np.float32)
    return model, Probe(model), x


def test_occlusion_is_the_mean_score_drop_over_the_patches_hiding_a_pixel(setup):
    model, probe, x = setup
    out = attribute(probe, x, "occlusion", 0, patch=4, stride=3, fill=0.5, memory=0.05)
    base = model(x).numpy()[:, 0]
    total, count = np.zeros((3, 12, 12)), np.zeros((12, 12))
    for y0 in (0, 3, 6, 8):  # the last patch sits on the edge
        for x0 in (0, 3, 6, 8):
            v = x.copy()
            v[:, y0 : y0 + 4, x0 : x0 + 4] = 0.5
            total[:, y0 : y0 + 4, x0 : x0 + 4] += (base - model(v).numpy()[:, 0])[:, None, None]
            count[y0 : y0 + 4, x0 : x0 + 4] += 1
    np.testing.assert_allclose(out.maps, total / count, rtol=1e-4, atol=1e-6)
    assert out.figures["patches"] == 16


def test_occlusion_masks_cover_every_pixel():
    for size, patch, stride in [((7, 9), 3, 2), ((8, 8), 8, 1), ((10, 4), 1, 1), ((9, 5), 2, 2)]:
        hidden = (1 - occlusion_masks(size, patch, stride)).sum(0)
        assert hidden.min() >= 1


def test_rise_is_the_mean_score_of_the_masks_keeping_a_pixel_less_the_mean(setup):
    model, probe, x = setup
    n = 40
    out = attribute(probe, x, "rise", 1, masks=n, cell=3, keep=0.4, fill=0.2, seed=5, memory=0.05)
    grids, shifts = rise_grids(n, (12, 12), 3, 0.4, 5)
    masks = rise_masks(grids, shifts, (12, 12), 3)
    scores = np.stack(
        [model(x * m[..., None] + 0.2 * (1 - m[..., None])).numpy()[:, 1] for m in masks], 1
    )
    want = np.einsum("nk,khw->nhw", scores, masks) / masks.sum(0) - scores.mean(1)[:, None, None]
    np.testing.assert_allclose(out.maps, want, rtol=1e-3, atol=1e-5)


def test_rise_masks_are_soft_shifted_cells_of_the_kept_probability():
    grids, shifts = rise_grids(500, (16, 16), 4, 0.3, 0)
    masks = rise_masks(grids, shifts, (16, 16), 4)
    assert masks.shape == (500, 16, 16) and masks.min() >= 0 and masks.max() <= 1
    assert abs(masks.mean() - 0.3) < 0.03
    assert len({tuple(s) for s in shifts}) > 1
