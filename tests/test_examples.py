"""Every script in examples/ runs in its fast mode and writes what it says it writes.

The scripts run one after the other in a single fresh Python (each as ``__main__``, with
its own argv, working directory and output), not one Python each: every new process pays
seconds of TensorFlow import, which was most of this file's time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

EXAMPLES = sorted(p.name for p in (ROOT / "examples").glob("*.py") if not p.name.startswith("_"))

# Runs each example as a script would run: examples/ first on sys.path, sys.argv set, run as
# __main__ in its own working directory; records its exit code, stdout and stderr (with the
# traceback of a failure) in a JSON report, so one script failing does not hide the others.
DRIVER = r"""
import contextlib, io, json, os, runpy, sys, traceback
examples, runs, report = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
sys.path.insert(0, examples)
results = {}
for script, cwd, args in runs:
    os.chdir(cwd)
    sys.argv = [os.path.join(examples, script), *args]
    out, err, code = io.StringIO(), io.StringIO(), 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            runpy.run_path(sys.argv[0], run_name="__main__")
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:
        code = 1
        err.write(traceback.format_exc())
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    results[script] = {"returncode": code, "stdout": out.getvalue(), "stderr": err.getvalue()}
with open(report, "w") as f:
    json.dump(results, f)
"""


def run_examples(root: Path, env: dict) -> dict:
    """Run every example in fast mode, each in its own folder under ``root``: {script: (its
    folder, {returncode, stdout, stderr})}. The session's background job (tests/conftest.py)."""
    runs = []
    for script in EXAMPLES:
        cwd = root / script.removesuffix(".py")
        cwd.mkdir()
        args = [] if script == "inspect_model.py" else ["--fast", "--gallery", str(cwd / "gallery")]
        runs.append((script, str(cwd), args))
    env = {**env, "PYTHONPATH": str(ROOT), "INTERPRET_DATA_DIR": str(root / "no-data")}
    report = root / "report.json"
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(ROOT / "examples"), json.dumps(runs), str(report)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(report.read_text())
    return {script: (Path(cwd), results[script]) for script, cwd, _ in runs}


@pytest.fixture(scope="module")
def example_runs(background):
    return background.result("tests/test_examples.py")


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
def test_example_runs_in_fast_mode(example_runs, script):
    cwd, out = example_runs[script]
    assert out["returncode"] == 0, out["stderr"][-2000:]
    written = [
        Path(line.split(" ", 1)[1])
        for line in out["stdout"].splitlines()
        if line.startswith("wrote ")
    ]
    pngs = list((cwd / "gallery").rglob("*.png"))
    assert pngs, out["stdout"]
    for path in written:
        path = path if path.is_absolute() else cwd / path
        assert path.is_file(), path
