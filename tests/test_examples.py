"""Every script in examples/ runs in its fast mode and writes what it says it writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

EXAMPLES = sorted(p.name for p in (ROOT / "examples").glob("*.py") if not p.name.startswith("_"))


def test_there_are_examples_for_each_technique():
    assert {
        "train_cifar10_cnn.py",
        "visualize_filters.py",
        "dense_units_and_classes.py",
        "fooling_images.py",
        "deepdream.py",
        "attack_sweep.py",
        "showcase.py",
    } <= set(EXAMPLES)


@pytest.mark.parametrize("script", EXAMPLES)
def test_example_runs_in_fast_mode(tmp_path, script):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "INTERPRET_DATA_DIR": str(tmp_path / "no-data")}
    args = (
        [] if script == "inspect_model.py" else ["--fast", "--gallery", str(tmp_path / "gallery")]
    )
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / script), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    written = [
        Path(line.split(" ", 1)[1]) for line in out.stdout.splitlines() if line.startswith("wrote ")
    ]
    pngs = list((tmp_path / "gallery").rglob("*.png"))
    assert pngs, out.stdout
    for path in written:
        path = path if path.is_absolute() else tmp_path / path
        assert path.is_file(), path
