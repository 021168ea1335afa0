"""Training curves and sample grids: what each panel shows."""

from __future__ import annotations

import numpy as np

from interpret.gallery.plots import plot_history, plot_samples, sample_indices


def test_history_without_loss_is_one_panel_of_train_and_test_accuracy():
    fig = plot_history({"accuracy": [0.5, 0.7, 0.8], "val_accuracy": [0.4, 0.6, 0.7]}, "run")
    (ax,) = fig.axes
    assert ax.get_title() == "run" and ax.get_xlabel() == "epoch"
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"train accuracy", "test accuracy"}
    np.testing.assert_array_equal(lines["test accuracy"].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(lines["train accuracy"].get_ydata(), [0.5, 0.7, 0.8])


def test_history_with_loss_adds_a_loss_panel():
    fig = plot_history({"accuracy": [0.5], "loss": [2.0], "val_loss": [2.5]})
    assert [ax.get_ylabel() for ax in fig.axes] == ["accuracy", "loss"]
    assert {line.get_label() for line in fig.axes[1].get_lines()} == {"train loss", "test loss"}


def test_samples_are_titled_with_their_class_names():
    images = np.zeros((6, 4, 4, 3), np.uint8)
    fig = plot_samples(images, [2, 0, 1, 2, 0, 1], ["cat", "dog", "eel"], title="pets", cols=3)
    titles = [ax.get_title() for ax in fig.axes if ax.get_images()]
    assert titles == ["eel", "cat", "dog", "eel", "cat", "dog"]
    assert fig._suptitle.get_text() == "pets"


def test_sample_indices_are_seeded_distinct_and_capped():
    a = sample_indices(np.arange(50), 10, seed=1)
    assert len(set(a.tolist())) == 10 and a.max() < 50
    np.testing.assert_array_equal(a, sample_indices(np.arange(50), 10, seed=1))
    assert not np.array_equal(a, sample_indices(np.arange(50), 10, seed=2))
    assert sorted(sample_indices(np.arange(3), 10).tolist()) == [0, 1, 2]
