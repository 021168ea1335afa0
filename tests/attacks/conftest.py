"""Fixtures of the attack tests: linear models with known gradients (see linear.py)."""

from __future__ import annotations

import pytest

from tests.attacks.linear import linear_model


@pytest.fixture(scope="module")
def linear2():
    return linear_model(2)


@pytest.fixture(scope="module")
def linear5():
    return linear_model(5, seed=1)
