"""Shared fixtures: tiny data sets and models made on the spot (no downloads, no real data)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
# The repository's conftest.py points INTERPRET_DATA_DIR at an empty directory (no real
# data, no download); fixtures override it with tiny npz files.


def make_npz(path: Path, name: str, n_train: int = 64, n_test: int = 32, seed: int = 0) -> Path:
    """Write a tiny data set npz with the standard keys and layout."""
    rng = np.random.default_rng(seed)
    shape = {"mnist": (28, 28), "cifar10": (32, 32, 3)}[name]
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, *shape), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, *shape), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    if name == "cifar10":  # keras.datasets gives (N, 1) labels for CIFAR-10
        arrays["y_train"] = arrays["y_train"][:, None]
    np.savez(path / f"{name}.npz", **arrays)
    return path / f"{name}.npz"


# Slow jobs that run outside this process (a fresh Python that must start TensorFlow its own
# way, the example scripts in one fresh Python, each notebook in a fresh kernel), by the test
# file that checks their results: "module:function", the function taking an empty directory
# and the environment the session started with (tests change os.environ while the jobs run)
# and returning what the file's tests look at.
BACKGROUND_JOBS = {
    "tests/attacks/test_distributed.py": "tests.attacks.test_distributed:run_on_two_logical_cpus",
    "tests/test_examples.py": "tests.test_examples:run_examples",
    "tests/test_notebooks.py": "tests.test_notebooks:run_notebooks",
    "tests/test_tf.py": "tests.test_tf:run_with_log_level_0",
}


class Background:
    """Runs the selected BACKGROUND_JOBS one after another in a worker thread, started with the
    session: the work is in other processes, so it proceeds on the second core while this
    process runs the in-process tests, and a test asking for a result waits for it."""

    def __init__(self, tmp_path_factory):
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="background-tests")
        self._factory = tmp_path_factory
        self._jobs: dict[str, Future] = {}
        self._env = dict(os.environ)  # now, before any test's monkeypatch

    def start(self, name: str) -> Future:
        if name not in self._jobs:
            module, function = BACKGROUND_JOBS[name].split(":")
            job = getattr(importlib.import_module(module), function)
            root = self._factory.mktemp(Path(name).stem)
            self._jobs[name] = self._pool.submit(job, root, dict(self._env))
        return self._jobs[name]

    def result(self, name: str):
        """The job's result (waiting for it); its exception, raised again, if it failed."""
        return self.start(name).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(scope="session", autouse=True)
def background(request, tmp_path_factory):
    """Starts the background job of every selected test file in BACKGROUND_JOBS at once, in the
    order their tests run."""
    jobs = Background(tmp_path_factory)
    for name in dict.fromkeys(
        item.path.relative_to(ROOT).as_posix() for item in request.session.items
    ):
        if name in BACKGROUND_JOBS:
            jobs.start(name)
    yield jobs
    jobs.close()


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """An INTERPRET_DATA_DIR holding tiny mnist.npz and cifar10.npz."""
    d = tmp_path / "data"
    d.mkdir()
    make_npz(d, "mnist")
    make_npz(d, "cifar10")
    monkeypatch.setenv("INTERPRET_DATA_DIR", str(d))
    return d


@pytest.fixture
def tiny_cnn():
    """A small untrained CNN on 16x16 RGB images, logits output."""
    from interpret._tf import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input((16, 16, 3)),
            keras.layers.Conv2D(4, 3, activation="relu", name="c1"),
            keras.layers.MaxPooling2D(2, name="p1"),
            keras.layers.Conv2D(6, 3, activation="relu", name="c2"),
            keras.layers.Flatten(name="flat"),
            keras.layers.Dense(5, name="out"),
        ],
        name="tiny",
    )


def run_cli(
    *args: str, cwd: Path | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run ``python -m interpret ARGS`` in a subprocess with this checkout importable."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "interpret", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def run_main(args: list, capsys) -> tuple[int, str, str]:
    """Run ``interpret ARGS`` in this process: (exit code, stdout, stderr)."""
    from interpret.cli import main

    with pytest.raises(SystemExit) as e:
        main(args)
    out = capsys.readouterr()
    return e.value.code, out.out, out.err


def make_user_data(root: Path, shape=(16, 16, 3), n_classes: int = 3, per_class: int = 4, seed=0):
    """A person's own data in both forms: ``root/own.npz`` (x, y uint8 at ``shape``, no
    channel axis when grey) and ``root/own/<class>/<i>.png`` (one subfolder per class, the
    images 4 pixels larger than ``shape``, so the loader resizes them)."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    h, w, c = shape
    n = n_classes * per_class
    x = rng.integers(0, 256, (n, h, w, c), dtype=np.uint8)
    y = np.arange(n) % n_classes
    np.savez(root / "own.npz", x=x[..., 0] if c == 1 else x, y=y)
    folder = root / "own"
    for k in range(n_classes):
        (folder / f"class_{k}").mkdir(parents=True)
        for i in range(per_class):
            img = rng.integers(0, 256, (h + 4, w + 4, c), dtype=np.uint8)
            Image.fromarray(img[..., 0] if c == 1 else img).save(folder / f"class_{k}" / f"{i}.png")
    return root / "own.npz", folder


@pytest.fixture
def user_data(tmp_path):
    """(npz, folder): tiny own data for a 16x16 RGB model with >= 3 classes (see make_user_data)."""
    d = tmp_path / "user-data"
    d.mkdir()
    return make_user_data(d)
