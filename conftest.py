"""Doctest namespace for ``pytest --doctest-modules interpret``: ``np`` and ``tf``, as everywhere."""

import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    from interpret._tf import tf

    doctest_namespace["np"] = np
    doctest_namespace["tf"] = tf
