"""Data-parallel evaluation: on two logical CPUs the answer equals the one-device run's."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import ROOT

SCRIPT = textwrap.dedent(
    """
    import json
    import numpy as np
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]  # before TensorFlow starts its devices
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    from interpret._tf import keras
    from interpret.attacks import autoattack as stages
    from interpret.attacks.autoattack import autoattack
    from interpret.attacks.distributed import make_runner
    from interpret.core.models import as_probe

    stages.STANDARD = {"steps": 10, "restarts": 1, "targets": 4, "queries": 100, "p_init": 0.8}
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(3, 3, activation="relu"),
        keras.layers.Flatten(),
        keras.layers.Dense(5),
    ])
    probe = as_probe(model)
    x = np.random.default_rng(0).uniform(0, 1, (21, 8, 8, 1)).astype("float32")
    y = probe.predict(x).argmax(1).astype("int32")
    out = {"runner": make_runner("auto").name}
    for devices in ("auto", "one"):
        run = autoattack(probe, x, y, eps=0.03, attacks="apgd-ce,apgd-t,fab-t,square",
                         devices=devices)
        out[devices] = run.stage.tolist()
    print(json.dumps(out))
    """
)


def run_on_two_logical_cpus(root: Path, env: dict) -> subprocess.CompletedProcess:
    """SCRIPT in a fresh Python (the logical devices are set before TensorFlow starts them);
    the session's background job (tests/conftest.py)."""
    env = {**env, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_two_logical_cpus_give_the_single_device_answer(background):
    done = background.result("tests/attacks/test_distributed.py")
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["runner"] == "MirroredStrategy x2"
    assert out["auto"] == out["one"]
    stages = out["one"]
    assert 0 < sum(s >= 0 for s in stages) < len(stages)  # some fooled, some robust: a real test
