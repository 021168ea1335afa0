"""Time every notebook in examples/ in its fast mode (INTERPRET_FAST=1), as the tests run them.

Prints, per notebook, the wall time and the CPU time of its kernel (user + system, which
does not swing with the load of a shared machine the way wall time does), and the totals.

    python benchmarks/notebooks_fast.py
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(path: Path, workdir: str) -> tuple[float, float]:
    """(wall seconds, kernel CPU seconds) of one notebook, executed top to bottom."""
    import nbformat
    from nbclient import NotebookClient

    book = nbformat.read(path, as_version=4)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    NotebookClient(
        book, timeout=600, kernel_name="python3", resources={"metadata": {"path": workdir}}
    ).execute()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    work = tempfile.mkdtemp(prefix="notebooks-")
    os.environ.update(
        INTERPRET_FAST="1",
        INTERPRET_GALLERY=str(Path(work) / "gallery"),
        INTERPRET_DATA_DIR=tempfile.mkdtemp(prefix="no-data-"),  # the bundled samples, as in CI
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        MPLBACKEND="module://matplotlib_inline.backend_inline",
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    total_wall = total_cpu = 0.0
    print(f"{'notebook':<36}{'wall s':>8}{'CPU s':>8}")
    for path in sorted((ROOT / "examples").glob("*.ipynb")):
        wall, cpu = run(path, work)
        total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        print(f"{path.stem:<36}{wall:>8.1f}{cpu:>8.1f}", flush=True)
    print(f"{'total':<36}{total_wall:>8.1f}{total_cpu:>8.1f}")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    sys.exit(main())
