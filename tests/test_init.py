"""``import interpret``: every public name resolves lazily to its module's object."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import interpret
from tests.conftest import ROOT


@pytest.mark.parametrize("name", sorted(interpret._API))
def test_every_public_name_is_its_modules_object(name):
    module = importlib.import_module(interpret._API[name])
    assert getattr(interpret, name) is getattr(module, interpret._ALIASES.get(name, name))
    assert name in interpret.__all__


def test_dir_offers_the_lazy_names_to_tab_completion():
    names = dir(interpret)
    assert {"explain", "trust", "attack", "compare", "zoo", "__version__"} <= set(names)
    assert "importlib" not in names


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="nope"):
        interpret.nope  # noqa: B018


def test_importing_the_package_does_not_import_tensorflow():
    code = "import sys, interpret; interpret.UserError; print('tensorflow' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert out.stdout.strip() == "False", out.stderr
