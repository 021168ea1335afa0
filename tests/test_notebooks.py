"""Every notebook in examples/ runs top to bottom in its fast mode, and its results show inline."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "examples").glob("*.ipynb"))


def test_there_are_notebooks_for_each_story():
    assert {p.stem for p in NOTEBOOKS} >= {
        "cifar10_cnn_look_inside",
        "mnist_convolution_shifted_one",
        "fooling_and_adversarial",
        "explanations_and_trust",
    }


def run_notebooks(root: Path, env: dict) -> dict:
    """Execute every notebook in fast mode, each top to bottom in a fresh kernel of its own,
    in its own folder under ``root`` with its own gallery: {notebook stem: (its folder, the
    executed notebook, the error it raised or None)}. The session's background job
    (tests/conftest.py)."""
    import nbformat
    from nbclient import NotebookClient

    env = {
        **env,
        "INTERPRET_FAST": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    out = {}
    for path in NOTEBOOKS:
        folder = root / path.stem
        folder.mkdir()
        book = nbformat.read(path, as_version=4)
        client = NotebookClient(
            book, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
        )
        # the kernel's own output goes to a file, not into whichever test is running meanwhile
        with open(folder / "kernel.log", "wb") as log:
            try:
                asyncio.run(
                    client.async_execute(
                        env={**env, "INTERPRET_GALLERY": str(folder / "gallery")},
                        stdout=log,
                        stderr=log,
                    )
                )
                out[path.stem] = (folder, book, None)
            except Exception as e:  # raised again by the notebook's own test
                out[path.stem] = (folder, book, e)
    return out


@pytest.fixture(scope="module")
def executed(background):
    return background.result("tests/test_notebooks.py")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_fast_mode(path, executed):
    tmp_path, book, error = executed[path.stem]
    if error is not None:
        raise error
    outputs = [o for cell in book.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    shown = [o for o in outputs if o.output_type in ("execute_result", "display_data")]
    pictures = [
        o for o in shown if {"image/png", "image/gif", "text/html"} & set(o.get("data", {}))
    ]
    assert len(pictures) >= 3, [sorted(o.get("data", {})) for o in shown]
    # every result object a cell ends with is shown as its picture, not as a repr string
    for o in (o for o in shown if o.output_type == "execute_result"):
        text = o["data"].get("text/plain", "")
        if "Result(" in text or "Sheet(" in text or "Evaluation(" in text:
            assert {"image/png", "text/html"} & set(o["data"]), text[:80]
    assert list((tmp_path / "gallery").rglob("*.png")) or path.stem != "cifar10_cnn_look_inside"
