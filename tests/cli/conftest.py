"""Fixtures of the CLI tests: the tiny CNN of ``tests.maxi_models`` saved once as a .keras file."""

import pytest

from tests.maxi_models import small_cnn


@pytest.fixture(scope="session")
def model_file(tmp_path_factory):
    """``small_cnn()`` saved as a .keras file (a test module may define its own)."""
    path = tmp_path_factory.mktemp("m") / "tiny.keras"
    small_cnn().save(path)
    return str(path)
