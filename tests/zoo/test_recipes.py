"""Recipes: one per zoo model, on a data set the toolkit knows, JSON-ready for the card."""

from __future__ import annotations

import json

from interpret import zoo
from interpret.data.datasets import names as dataset_names
from interpret.zoo.recipes import RECIPES


def test_every_zoo_model_has_a_recipe_on_a_known_data_set():
    assert tuple(RECIPES) == zoo.names()
    for recipe in RECIPES.values():
        assert recipe.dataset in dataset_names()
        assert recipe.epochs >= 1 and recipe.batch_size >= 1 and 0 < recipe.target_accuracy < 1


def test_only_cifar_models_are_augmented_and_the_card_round_trips():
    assert {r.dataset for r in RECIPES.values() if r.augment} == {"cifar10"}
    d = RECIPES["mnist-cnn"].to_dict()
    assert json.loads(json.dumps(d)) == d and d["dataset"] == "mnist"


def test_the_shipped_cards_were_trained_with_these_recipes():
    for name, recipe in RECIPES.items():
        assert zoo.card(name)["recipe"] == recipe.to_dict()
