"""``interpret._tf``: TensorFlow and Keras 3 imported with the runtime's start-up banners muted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

CODE = (
    "import sys; from interpret._tf import tf, keras; tf.constant(1.0);"
    "print('stderr works', file=sys.stderr); print(keras.backend.backend())"
)


def run_with_log_level_0(root: Path, env: dict) -> subprocess.CompletedProcess:
    """CODE in a fresh Python at TensorFlow's chattiest log level; the session's background
    job (tests/conftest.py)."""
    env = {**env, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "0"}
    env.pop("INTERPRET_TF_LOGS", None)
    return subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, env=env, cwd=root, timeout=300
    )


def test_banners_are_muted_and_stderr_is_given_back(background):
    out = background.result("tests/test_tf.py")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "tensorflow"
    assert out.stderr.strip() == "stderr works"  # no oneDNN/CUDA lines, even at log level 0
