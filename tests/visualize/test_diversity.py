import numpy as np
import pytest

from interpret.core import objectives as obj
from interpret.core.errors import UserError
from interpret.core.models import resolve
from interpret.visualize import diversity as div
from interpret.visualize.maximize import maximize
from interpret.visualize.render import RenderSettings, render
from tests.maxi_models import small_cnn

FAST = RenderSettings(steps=32, lr=0.1, precision="float32")


@pytest.fixture(scope="module")
def cnn():
    return resolve(small_cnn())


def test_the_penalty_makes_the_images_of_a_target_less_alike(cnn):
    probe = cnn.probe
    target = obj.channel("c2", [1, 1, 1, 3, 3, 3])
    plain = render(probe, target, batch=6, settings=FAST, seed=0)
    apart = render(probe, div.objective(target, "c2", 3, 1.0), batch=6, settings=FAST, seed=0)
    before = div.similarity(probe, plain.images, "c2", 3)
    after = div.similarity(probe, apart.images, "c2", 3)
    assert before["gram"].shape == (2,) and np.all(before["gram"] <= 1 + 1e-6)
    assert after["gram"].mean() < before["gram"].mean()
    # the scale-free weight: an image whose activation is 0 feels no push
    assert div.objective(target, "c2", 3, 0.5).layers == {"c2"}


def test_maximize_diverse_lays_out_k_images_per_target(cnn, tmp_path):
    r = maximize(cnn, "c2", [0, 2], diverse=3, steps=8, batch_size=4)  # 1 target per loop
    assert r.targets == [0, 0, 0, 2, 2, 2] and r.labels[:3] == ["f0"] * 3
    assert r.images.shape == (6, 12, 12, 3) and r.activations.shape == (6,)
    assert r.parameters["diverse"] == 3 and r.parameters["diversity_layer"] == "c1"
    assert r.objectives[0] == "channel(c2, 0)"  # what each image is scored on
    assert set(r.similarity) == {"gram", "cosine"} and r.similarity["gram"].shape == (2,)
    arts = r.save(tmp_path)
    names = sorted(a.png.name for a in arts)
    assert names[0] == "c2-f0-d0.png" and names[-1] == "grid-c2-0-2-diverse3.png"
    assert "similarity_gram" in arts[0].meta["figures"]


def test_default_layer_and_classes(cnn):
    assert div.default_layer(cnn.probe, "c1") == "c1"  # the first: its own
    assert div.default_layer(cnn.probe, "c2") == "c1"  # the conv layer before
    assert div.default_layer(cnn.probe, "d1") == "c2"  # the last conv layer before a dense one
    assert div.default_layer(cnn.probe, None) == "c2"
    r = maximize(cnn, classes=[1], diverse=2, steps=4)
    assert r.parameters["diversity_layer"] == "c2" and r.probabilities.shape == (2,)


@pytest.mark.parametrize(
    "kwargs, param",
    [
        ({"diverse": 1}, "diverse"),
        ({"diverse": 0}, "diverse"),
        ({"diverse": 2, "diversity_layer": "flat"}, "diversity_layer"),
        ({"diverse": 2, "diversity_weight": 0}, "diversity_weight"),
    ],
)
def test_bad_diversity_input(cnn, kwargs, param):
    with pytest.raises(UserError) as e:
        maximize(cnn, "c2", 0, steps=2, **kwargs)
    assert e.value.param == param
