"""Every notebook in examples/ runs top to bottom in its fast mode, and its results show inline."""

from __future__ import annotations

import os

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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_fast_mode(path, tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("INTERPRET_FAST", "1")
    monkeypatch.setenv("INTERPRET_GALLERY", str(tmp_path / "gallery"))
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    )
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    book = nbformat.read(path, as_version=4)
    NotebookClient(
        book, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
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
