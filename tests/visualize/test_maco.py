import numpy as np
import pytest

from interpret.core import objectives as obj
from interpret.core.errors import UserError
from interpret.core.models import resolve
from interpret.visualize.maco import blend, maco, magnitude_for
from interpret.visualize.render import RenderSettings, evaluate, render
from tests.maxi_models import small_cnn

FAST = {"steps": 32, "lr": 0.1, "precision": "float32"}


@pytest.fixture(scope="module")
def cnn():
    return resolve(small_cnn())


def test_maco_climbs_and_returns_alpha_maps(cnn, tmp_path):
    r = maco(cnn, "c2", "0-2", **FAST)
    assert r.images.shape == (3, 12, 12, 3) and r.alpha.shape == (3, 12, 12)
    assert 0 <= r.alpha.min() and r.alpha.max() == pytest.approx(1.0)
    grey = evaluate(cnn.probe, obj.channel("c2", [0, 1, 2]), np.full((3, 12, 12, 3), 0.5))
    assert r.activations.sum() > grey.sum()
    assert r.transparent().shape == (3, 12, 12, 4)
    arts = r.save(tmp_path)
    assert {a.png.name for a in arts} >= {"c2-f0.png", "c2-f0-alpha.png", "grid-c2-0-2.png"}


def test_maco_is_a_parameterization_every_render_can_use(cnn):
    s = RenderSettings(param="maco", **FAST)
    out = render(cnn.probe, obj.class_logit([0, 1]), batch=2, settings=s)
    assert out.settings["param"] == "maco" and out.images.shape == (2, 12, 12, 3)


def test_spectrum_sources(cnn):
    images = np.random.default_rng(0).random((4, 12, 12, 3)).astype("float32")
    assert magnitude_for(cnn, images, (12, 12), True).shape == (3, 12, 7)
    assert magnitude_for(cnn, "natural", (12, 12), True).shape == (3, 12, 7)
    with pytest.raises(UserError, match="no known data set"):
        magnitude_for(cnn, "data", (12, 12), True)
    with pytest.raises(UserError) as e:
        magnitude_for(cnn, images[..., :1], (12, 12), True)
    assert e.value.param == "spectrum"
    with pytest.raises(UserError):
        maco(cnn, "c2", 0, contrast=0)


def test_blend_over_white():
    out = blend(np.zeros((1, 2, 2, 1)), np.asarray([[[0.0, 1.0], [0.5, 0.5]]]))
    assert out[0, :, :, 0].tolist() == [[1.0, 0.0], [0.5, 0.5]]
