"""interpret.zoo: the shipped weights and cards, loading offline, saving and installing."""

from __future__ import annotations

import numpy as np
import pytest

from interpret import zoo
from interpret.core.errors import UserError
from interpret.zoo.architectures import build
from interpret.zoo.recipes import RECIPES


@pytest.mark.parametrize("name", zoo.names())
def test_shipped_weights_load_offline_and_meet_their_target(name):
    card = zoo.card(name)
    assert card["test_accuracy"] >= card["target_accuracy"] > 0
    assert card["epochs"] == card["recipe"]["epochs"] and "seed" in card and "data_source" in card
    model = zoo.load(name)
    assert model.count_params() == build(name).count_params() == card["params"]
    x = np.zeros((1, *model.input_shape[1:]), "float32")
    assert np.isfinite(model(x)).all()


def test_unknown_zoo_name():
    with pytest.raises(
        UserError, match="unknown zoo model 'resnet'; zoo models: cifar10-cnn, mnist-mlp, mnist-cnn"
    ):
        zoo.load("resnet")


ROBUST = [name for name in zoo.names() if zoo.twin(name) and RECIPES[name].adversarial]


@pytest.mark.parametrize("name", ROBUST)
def test_robust_twins_share_the_architecture_and_record_their_robustness(name):
    card, twin = zoo.card(name), zoo.twin(name)
    recipe = RECIPES[name]
    assert card["twin"] == twin == recipe.twin
    assert zoo.twin(twin) == next(k for k, r in RECIPES.items() if r.twin == twin)  # the first
    assert card["params"] == zoo.card(twin)["params"]
    assert [la.name for la in build(name).layers] == [la.name for la in build(twin).layers]
    assert card["adversarial"] == recipe.adversarial.checked().to_dict()
    robust = card["robust_accuracy"]
    assert robust["images"] == 10000 and robust["eps"] == recipe.adversarial.eps
    assert [robust["steps"], robust["step_size"]] == list(recipe.robust_eval)
    assert 0 < robust["value"] < card["test_accuracy"] and card["seconds"] > 0
    assert len(card["history"]["val_robust_accuracy"]) == card["epochs"]
    assert zoo.weights_path(name).stat().st_size < 5e6


def test_twins_of_models_without_one():
    assert zoo.twin("mnist-mlp") is None and zoo.twin("cifar10-cnn") in (None, *zoo.names())


def test_save_model_keeps_weights_without_optimizer_state(tmp_path, tiny_cnn):
    import zipfile

    import h5py

    from interpret._tf import keras

    tiny_cnn.compile(optimizer="adam", loss="mse")
    tiny_cnn.fit(np.zeros((2, 16, 16, 3)), np.zeros((2, 5)), verbose=0)  # Adam has moments now
    path = zoo.save_model(tiny_cnn, tmp_path / "sub" / "tiny.keras")
    assert path.is_file() and not list(path.parent.glob(".*tmp*"))  # no temp file left
    loaded = keras.models.load_model(path, compile=False)
    for a, b in zip(loaded.get_weights(), tiny_cnn.get_weights()):
        np.testing.assert_array_equal(a, b)
    with zipfile.ZipFile(path) as z, z.open("model.weights.h5") as f, h5py.File(f) as h5:
        assert "optimizer" not in h5 and "layers" in h5


def test_install_writes_the_weights_and_the_card_side_by_side(tmp_path, tiny_cnn):
    import json

    target = zoo.install("mnist-mlp", tiny_cnn, {"test_accuracy": 0.5}, directory=tmp_path)
    assert target == tmp_path / "mnist-mlp.keras" and target.is_file()
    assert json.loads((tmp_path / "mnist-mlp.json").read_text()) == {"test_accuracy": 0.5}


def test_missing_weights_say_how_to_get_them_back(monkeypatch, tmp_path):
    monkeypatch.setattr(zoo, "WEIGHTS_DIR", tmp_path)
    with pytest.raises(UserError, match="mnist-cnn.keras is missing; reinstall interpret"):
        zoo.load("mnist-cnn")
    with pytest.raises(UserError, match="mnist-cnn.json is missing"):
        zoo.card("mnist-cnn")
