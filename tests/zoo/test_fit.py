"""The adversarial epoch loop: history, the guard against catastrophic overfitting, resuming."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from interpret.zoo.adversarial import Adversarial
from interpret.zoo.recipes import Recipe
from tests.zoo.test_adversarial import linear, toy_data

RECIPE = Recipe(
    dataset="",
    epochs=2,
    batch_size=64,
    learning_rate=0.05,
    adversarial=Adversarial("fgsm-rs", 0.15),
    eval_images=100,
    eval_steps=3,
)


def _fit(recipe=RECIPE, **kwargs):
    from interpret.core.probe import Probe
    from interpret.zoo.fit import fit

    probe = Probe(linear(seed=0))
    history = fit(probe, toy_data(256), toy_data(100, seed=1), recipe, seed=0, **kwargs)
    return probe, history


def test_history_has_one_row_per_epoch_and_the_robust_accuracy():
    lines = []
    _, history = _fit(log=lines.append)
    for key in ("loss", "accuracy", "val_accuracy", "val_robust_accuracy", "guard_accuracy", "eps"):
        assert len(history[key]) == 2, key
    assert history["guard"] is None and history["resumed_from"] is None
    assert 0 <= history["val_robust_accuracy"][-1] <= history["val_accuracy"][-1] <= 1
    assert history["train_seconds"] <= history["fit_seconds"]
    assert len(lines) == 2 and "PGD acc" in lines[0]


def test_the_guard_keeps_the_weights_from_before_a_collapse(monkeypatch):
    from interpret.zoo import fit as fit_module

    seen = []

    def fake(probe, x, y, **kw):  # guard accuracy 0.9, then 0.3: a collapse in epoch 2
        seen.append(probe.model.get_weights())
        return 1.0, 0.9 if len(seen) <= 2 else 0.3

    monkeypatch.setattr(fit_module, "robust_accuracy", fake)
    probe, history = _fit(replace(RECIPE, epochs=4))
    assert history["guard"] == {"epoch": 2, "kept_epoch": 1, "drop": pytest.approx(0.6)}
    assert len(history["loss"]) == 2  # stopped: epochs 3 and 4 never ran
    for kept, now in zip(seen[0], probe.model.get_weights()):  # the weights measured after epoch 1
        np.testing.assert_array_equal(kept, now)


def test_an_interrupted_run_resumes_to_the_same_weights(tmp_path):
    full, straight = _fit(checkpoint=tmp_path / "a")

    class Stop(Exception):
        pass

    def stop_at_epoch_2(line: str) -> None:
        if line.startswith("epoch 2/"):
            raise Stop

    with pytest.raises(Stop):
        _fit(checkpoint=tmp_path / "b", log=stop_at_epoch_2)
    resumed, history = _fit(checkpoint=tmp_path / "b")
    assert history["resumed_from"] == 1 and len(history["loss"]) == 2
    assert history["loss"][0] == straight["loss"][0]
    for a, b in zip(full.model.get_weights(), resumed.model.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_a_checkpoint_of_other_settings_is_not_resumed(tmp_path):
    _fit(checkpoint=tmp_path)
    _, history = _fit(replace(RECIPE, learning_rate=0.01), checkpoint=tmp_path)
    assert history["resumed_from"] is None
