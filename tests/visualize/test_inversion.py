import numpy as np
import pytest

from interpret.core.errors import UserError
from interpret.core.models import resolve
from interpret.visualize.inversion import InversionSettings, invert, pick_layers
from tests.maxi_models import small_cnn

FAST = {"steps": 48, "precision": "float32"}


@pytest.fixture(scope="module")
def cnn():
    return resolve(small_cnn())


@pytest.fixture(scope="module")
def photo():
    rng = np.random.default_rng(0)
    return rng.random((12, 12, 3)).astype("float32")


def test_inversion_matches_each_layer_and_caricatures_exaggerate(cnn, photo, tmp_path):
    r = invert(cnn, photo, "c1,c2", seed=0, **FAST)
    assert r.layers == ["c1", "c2"] and r.inversions.shape == (2, 1, 12, 12, 3)
    grey = invert(cnn, photo, "c1,c2", steps=1, caricature=False, precision="float32")
    assert np.all(r.errors < grey.errors)  # the climb matched the activations better
    assert r.caricatures.shape == r.inversions.shape and np.all(r.gains > 0)
    assert r.pixel_errors.shape == (2, 1) and r.labels == ["array"]
    arts = r.save(tmp_path)
    names = {a.png.name for a in arts}
    assert {"array-c1-inversion.png", "array-c2-caricature.png", "rows-array.png"} <= names
    side = next(a for a in arts if a.png.name == "array-c1-inversion.png").meta
    assert side["figures"]["relative_activation_error"] == pytest.approx(float(r.errors[0, 0]))


def test_batches_of_images_and_open_canvas(cnn):
    x = np.random.default_rng(1).random((2, 20, 16, 3)).astype("float32")
    r = invert(cnn, x, "c1", steps=4, caricature=False)
    assert r.originals.shape == (2, 20, 16, 3) and r.errors.shape == (1, 2)
    assert r.labels == ["array #0", "array #1"]


def test_layers_and_defaults(cnn):
    assert pick_layers(cnn.probe, "all") == ["c1", "c2"]
    assert InversionSettings().steps == 1024 and InversionSettings(steps=8).tv == 0.1


def test_dense_layer_needs_the_model_size(cnn, photo):
    big = np.random.default_rng(2).random((20, 20, 3)).astype("float32")
    with pytest.raises(UserError, match="needs the model's 12x12 input") as e:
        invert(cnn, big, "c2,d1", steps=2)
    assert e.value.param == "size"
    r = invert(cnn, big, "d1", size=12, steps=2, caricature=False)
    assert r.originals.shape == (1, 12, 12, 3)
    assert any("resized" in n for n in r.parameters["notes"])


@pytest.mark.parametrize(
    "kwargs, param",
    [({"layers": ""}, "layers"), ({"cossim_pow": -1}, "cossim_pow"), ({"image": None}, "image")],
)
def test_bad_input(cnn, photo, kwargs, param):
    args = {"image": photo, "layers": "c1", "steps": 2, **kwargs}
    with pytest.raises(UserError) as e:
        invert(cnn, **args)
    assert e.value.param == param


def test_images_of_your_own_data_by_index(cnn, tmp_path):
    from interpret.data.user import load_user_data
    from tests.conftest import make_user_data

    npz, folder = make_user_data(tmp_path, shape=(12, 12, 3))
    r = invert(cnn, layers="c1", data=str(folder), index="2,5", steps=2, caricature=False)
    own = load_user_data(str(folder), cnn)  # the folder's images are larger: resized
    np.testing.assert_allclose(r.originals, own.x[[2, 5]])
    assert r.labels == [own.label(2), own.label(5)]
    assert r.parameters["data"] == str(folder)
    assert r.parameters["data_notes"][0] == "6 of 6 images resized to 12x12"  # read up to #5
    first = invert(cnn, layers="c1", data=str(npz), steps=2, caricature=False)
    assert first.originals.shape == (1, 12, 12, 3)  # no index: the first image
    with pytest.raises(UserError) as e:
        invert(cnn, np.zeros((12, 12, 3)), "c1", data=str(npz))
    assert e.value.param == "data"
    with pytest.raises(UserError, match="own.npz") as e:
        invert(cnn, layers="c1", data=str(npz), index=12, steps=2)
    assert e.value.param == "index"
