import numpy as np
import pytest

from interpret.core import objectives as obj
from interpret.core.errors import UserError
from interpret.core.models import resolve
from interpret.visualize.directions import (
    direction,
    interact,
    interpolate,
    load_vectors,
    parse_unit,
)
from interpret.visualize.render import evaluate
from tests.maxi_models import small_cnn

FAST = {"steps": 24, "lr": 0.1, "precision": "float32"}


@pytest.fixture(scope="module")
def cnn():
    return resolve(small_cnn())


def grey(probe, target, n):
    return evaluate(probe, target, np.full((n, 12, 12, 3), 0.5, "float32"))


def test_direction_climbs_along_each_vector(cnn, tmp_path):
    vec = np.eye(6, dtype="float32")[[1, 4]] + 0.2
    r = direction(cnn, "c2", vec, cossim_pow=1, **FAST)
    assert r.images.shape == (2, 12, 12, 3) and r.labels == ["direction 0", "direction 1"]
    assert np.all(r.values > grey(cnn.probe, obj.direction("c2", vec, 1), 2))
    assert all(-1 <= c <= 1 for c in r.figures["cosine"])
    arts = r.save(tmp_path)
    assert arts[-1].png.name == "grid-c2-direction.png" and arts[0].meta["figures"]["cosine"]


def test_load_vectors_from_text_files_and_arrays(tmp_path):
    np.save(tmp_path / "v.npy", np.ones((2, 3)))
    np.savetxt(tmp_path / "v.txt", np.ones(3))
    (tmp_path / "v.csv").write_text("1,2,3\n4,5,6\n")
    assert load_vectors(str(tmp_path / "v.npy"), 3, "c").shape == (2, 3)
    assert load_vectors(str(tmp_path / "v.txt"), 3, "c").shape == (1, 3)
    assert load_vectors(str(tmp_path / "v.csv"), 3, "c")[1].tolist() == [4, 5, 6]
    assert load_vectors([0, 1, 0], 3, "c").shape == (1, 3)
    for bad in ("1,2", "a,b,c", [0, 0, 0], [1, np.inf, 0], str(tmp_path / "v.npy") + "x"):
        with pytest.raises(UserError) as e:
            load_vectors(bad, 3, "c")
        assert e.value.param == "vector"


def test_interpolation_morphs_from_a_to_b_on_a_shared_parameterization(cnn, tmp_path):
    r = interpolate(cnn, "c2", 1, "c2:4", frames=4, **FAST)
    a, b = np.asarray(r.figures["activation_a"]), np.asarray(r.figures["activation_b"])
    assert r.labels[0] == "c2:1" and r.labels[-1] == "c2:4" and r.parameters["shared"]
    assert a[0] > a[-1] and b[-1] > b[0]  # the row moves from one neuron to the other
    assert r.settings["shared_levels"]
    assert r.save(tmp_path)[-1].png.name == "grid-c2-1-to-c2-4.png"
    assert not interpolate(cnn, "c2", 0, 1, frames=2, steps=2, param="pixel").parameters["shared"]


def test_interaction_grid_pairs_every_neuron(cnn, tmp_path):
    r = interact(cnn, "c2", "0-2", **FAST)
    assert r.labels == ["f0", "f0+f1", "f0+f2", "f1", "f1+f2", "f2"]
    assert r.grid == [[0, 1, 2], [None, 3, 4], [None, None, 5]]
    pairs = obj.channel("c2", [0, 0, 0, 1, 1, 2]) + obj.channel("c2", [0, 1, 2, 1, 2, 2])
    start = grey(cnn.probe, pairs, 6)
    assert evaluate(cnn.probe, pairs, r.images).sum() > start.sum()
    assert len(r.save(tmp_path)) == 7


def test_units_and_bad_neurons(cnn):
    assert parse_unit(cnn.probe, "d1:3", None, "a") == ("d1", 3)
    with pytest.raises(UserError) as e:
        parse_unit(cnn.probe, 9, "c2", "b")
    assert e.value.param == "b"
    with pytest.raises(UserError):
        parse_unit(cnn.probe, 1, None, "a")
    with pytest.raises(UserError, match="at least 2"):
        interact(cnn, "c2", "1", steps=2)
    with pytest.raises(UserError):
        interpolate(cnn, "c2", 0, 1, frames=1)
