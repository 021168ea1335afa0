"""Shared by the tests and the doctests (``pytest tests interpret --doctest-modules``).

The doctest namespace holds ``np`` and ``tf``, as everywhere. Every run is offline and
the same on every machine: ``INTERPRET_DATA_DIR`` points at an empty directory, so
every data-set lookup falls back to the 500-image samples shipped with the package
(tests that need other data make tiny npz files in fixtures). Figures are closed after
each test.
"""

import os
import sys
import tempfile

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")
# Never real data or a download, whatever the developer's shell has set.
os.environ["INTERPRET_DATA_DIR"] = tempfile.mkdtemp(prefix="interpret-no-data-")

# ``python -m interpret`` runs the CLI at import: not a module to collect doctests from.
collect_ignore = ["interpret/__main__.py"]


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    from interpret._tf import tf

    doctest_namespace["np"] = np
    doctest_namespace["tf"] = tf


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
