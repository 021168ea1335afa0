"""The "explain" section of ``interpret report``: every method that applies, on a few test images."""

from __future__ import annotations

from interpret.model_report import report


def test_the_report_section_writes_every_applicable_method_and_the_comparison(tmp_path):
    out = report("mnist-mlp", gallery=tmp_path, quick=True, sections=["explain"])
    (section,) = out.sections
    names = sorted(a.png.name.split("-mnist")[0] for a in section.artifacts)
    assert len(names) == 10 and "compare" in names and "gradcam" not in names  # 9 + comparison
    assert all(a.png.is_file() and a.sidecar.is_file() for a in section.artifacts)
