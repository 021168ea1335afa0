"""The attack and fooling figures: what the sheet shows, what the sidecars record, checks first."""

from __future__ import annotations

import json

import numpy as np
import pytest

from interpret.attacks import report
from interpret.attacks.run import evaluate_attack
from interpret.core.errors import UserError
from tests.attacks.linear import linear_model


@pytest.fixture(scope="module")
def digits_model():
    """A linear model on 28x28 images, so the bundled MNIST sample can feed it."""
    return linear_model(10, side=28, seed=3)[0]


@pytest.fixture(scope="module")
def evaluation(linear5):
    model, _, _ = linear5
    x = np.random.default_rng(0).uniform(size=(12, 4, 4, 1)).astype(np.float32)
    y = model.predict(x, verbose=0).argmax(1)
    return evaluate_attack(model, x, y, method="fgsm", eps=[0.01, 0.5])


def test_amplify_fills_the_range_around_grey():
    img, k = report.amplify(np.array([[-0.02, 0.0, 0.01]]))
    assert k == pytest.approx(25.0)
    np.testing.assert_allclose(img, [[0.0, 0.5, 0.75]])
    img, k = report.amplify(np.zeros((2, 2)))
    assert k == 1.0 and np.all(img == 0.5)


def test_confidence_text_keeps_the_distance_from_one_visible():
    assert report.confidence_text(0.5) == "0.50000"
    assert report.confidence_text(0.99999) == "1-1.0e-05"


def test_sheet_row_is_the_first_eps_that_fools_enough(evaluation):
    fooled = [r.n_attacked - r.robust for r in evaluation.rows]
    assert fooled[0] < fooled[1]
    assert report.sheet_row(evaluation, rows=fooled[1]) == 1
    assert report.sheet_row(evaluation, rows=100) == 1  # never enough: the largest eps
    if fooled[0]:
        assert report.sheet_row(evaluation, rows=fooled[0]) == 0


def test_triplet_sheet_shows_fooled_images_only(evaluation):
    fig, shown = report.triplet_sheet(evaluation, 1, [str(i) for i in range(5)], rows=3)
    res = evaluation.rows[1].result
    assert shown == [int(i) for i in np.flatnonzero(res.success)[:3]]
    assert len(fig.axes) == 3 * len(shown)
    fig, shown = report.triplet_sheet(evaluation, 0, [str(i) for i in range(5)], rows=0)
    assert shown == [] and "no image was fooled" in fig.axes[0].texts[0].get_text()


def test_save_evaluation_writes_the_curve_and_the_sheet_with_sidecars(evaluation, tmp_path):
    arts = report.save_evaluation(evaluation, tmp_path)
    assert [a.png.name for a in arts] == [
        "fgsm-linf-robust-accuracy.png",
        "fgsm-linf-examples-eps0.5.png",
    ]
    meta = json.loads(arts[1].sidecar.read_text())
    assert meta["sheet_eps"] == 0.5 and meta["figures"]["clean_correct"] == evaluation.clean_correct
    assert meta["parameters"]["seed"] == 0 and meta["shown"]


def test_attack_report_checks_everything_before_any_work(digits_model, tmp_path):
    g = tmp_path / "g"
    for kwargs, message in [
        ({"eps": [0.1, 2.0]}, "beyond the input range"),
        ({"eps": [0.1], "n": 501}, "n= 501 is more than the 500 test images of mnist"),
        ({"eps": [0.1], "n": 501}, "bundled sample.*set INTERPRET_DATA_DIR.*mnist.npz"),
        ({"eps": [0.1], "steps": 0}, "steps= must be"),
        ({"eps": [0.1], "dataset": None}, "has no card naming its data set; pass dataset="),
    ]:
        kwargs = {"dataset": "mnist", "method": "pgd", **kwargs}
        with pytest.raises(UserError, match=message):
            report.attack_report(digits_model, gallery=g, **kwargs)
    assert not g.exists()


def test_attack_report_on_the_bundled_sample(tmp_path):
    out = report.attack_report("mnist-mlp", method="fgsm", eps=[0.1], n=8, gallery=tmp_path)
    ev = out["evaluation"]
    assert ev.n == 8 and ev.data_info["data_source"].startswith("bundled sample")
    assert ev.model_info["model"] == "mnist-mlp"
    assert out["table"] == ev.table() and len(out["artifacts"]) == 2


def test_fool_report_saves_the_grid_and_one_image_per_class(digits_model, tmp_path):
    out = report.fool_report(digits_model, "3,7", steps=200, step_size=0.05, gallery=tmp_path)
    res = out["result"]
    names = [a.png.name for a in out["artifacts"]]
    assert names == ["gradient-grid.png", "gradient-class-3-3.png", "gradient-class-7-7.png"]
    meta = json.loads(out["artifacts"][1].sidecar.read_text())
    assert meta["figures"]["confidence"] == pytest.approx(float(res.confidence[0]))
    assert meta["figures"]["reached"] == bool(res.reached[0])
