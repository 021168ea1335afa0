"""interpret report: sections run in order into one gallery, skipped ones say why, index built."""

from __future__ import annotations

import json

import pytest

from interpret.core.errors import UserError
from interpret.model_report import SECTIONS, report


def test_dense_model_skips_dream_with_a_reason_and_builds_the_index(tmp_path):
    out = report(
        "mnist-mlp",
        gallery=tmp_path,
        quick=True,
        sections=["summary", "training", "kernels", "dream", "index"],
    )
    by_name = {s.name: s for s in out.sections}
    assert [s.name for s in out.sections] == ["summary", "training", "kernels", "dream", "index"]
    assert by_name["dream"].skipped.startswith("DeepDream needs convolution layers")
    assert [len(by_name[n].artifacts) for n in ("summary", "training", "kernels")] == [1, 1, 1]
    html = out.index.read_text()
    for section in ("summary", "training", "kernels"):
        for art in by_name[section].artifacts:
            assert art.png.name in html  # every artifact is in the page
    record = json.loads((tmp_path / "mnist-mlp" / "report.json").read_text())
    assert [s["name"] for s in record["sections"]] == [s.name for s in out.sections]
    assert record["quick"] is True


def test_techniques_write_their_artifacts(tmp_path):
    out = report(
        "mnist-cnn", gallery=tmp_path, quick=True, sections=["classes", "fooling", "attack"]
    )
    counts = {s.name: len(s.artifacts) for s in out.sections}
    assert counts["classes"] == 11  # ten class renders and the grid
    assert counts["fooling"] == 11  # ten fooling images and the grid
    assert counts["attack"] == 2  # robustness curve and triplet sheet
    meta = json.loads(out.sections[0].artifacts[0].sidecar.read_text())
    assert meta["technique"] == "maximize" and meta["seed"] == 0
    assert "Report" not in out.table() and "total" in out.table()


def test_unknown_section():
    with pytest.raises(
        UserError, match="unknown report section.*bogus.*sections: " + ", ".join(SECTIONS)
    ):
        report("mnist-cnn", sections=["summary", "bogus"])


def test_report_on_own_model_and_data(tmp_path, tiny_cnn, user_data):
    """--data feeds the samples, feature maps, dataset examples, trust, inversion and the attack."""
    import numpy as np

    from interpret.data.user import load_user_data

    model = tmp_path / "mine.keras"
    tiny_cnn.save(model)
    own = load_user_data(user_data[0], (16, 16, 3))
    labelled = tmp_path / "labelled.npz"  # labels the model agrees with: every image attacked
    np.savez(labelled, x=own.x, y=tiny_cnn.predict(own.x, verbose=0).argmax(1))
    sections = ["samples", "featuremaps", "maximize", "trust", "inversion", "attack"]
    out = report(str(model), gallery=tmp_path / "g", quick=True, sections=sections, data=labelled)
    counts = {s.name: len(s.artifacts) for s in out.sections}
    assert counts == {
        "samples": 1, "featuremaps": 3, "maximize": 12, "trust": 5, "inversion": 6, "attack": 2
    }  # fmt: skip
    for s in out.sections:
        meta = json.loads(s.artifacts[-1].sidecar.read_text())
        text = json.dumps(meta)
        assert str(labelled) in text, s.name
    (attack_section,) = [s for s in out.sections if s.name == "attack"]
    attack = json.loads(attack_section.artifacts[0].sidecar.read_text())
    assert attack["parameters"]["data_source"] == "labelled.npz: x, y (12 images)"
    assert attack["figures"]["clean_accuracy"] == 1.0


def test_twin_section_compares_a_zoo_model_with_its_robust_twin(tmp_path, monkeypatch):
    from interpret import model_compare as compare_module

    calls = []

    def fake(a, b, **kw):  # the comparison itself is tested in tests/test_model_compare.py
        calls.append((a.name, b, kw["steps"]))
        return compare_module.Comparison((a.name, b), [])

    monkeypatch.setattr(compare_module, "compare", fake)
    out = report("mnist-cnn", gallery=tmp_path, quick=True, sections=["twin"])
    assert not out.sections[0].skipped and calls == [("mnist-cnn", "mnist-cnn-robust", 16)]
    skipped = report("mnist-mlp", gallery=tmp_path, quick=True, sections=["twin"]).sections[0]
    assert "no standard or robust twin" in skipped.skipped


def test_canon_sections(tmp_path):
    out = report(
        "mnist-cnn", gallery=tmp_path, quick=True, sections=["diversity", "inversion", "maco"]
    )
    counts = {s.name: len(s.artifacts) for s in out.sections}
    assert counts["diversity"] == 5  # 2 filters x 2 diverse images and the grid
    assert counts["inversion"] == 6  # 2 layers x inversion and caricature, rows, depth
    assert counts["maco"] == 5  # 2 renders, 2 blended with their alpha, the grid
    dense = report("mnist-mlp", gallery=tmp_path, quick=True, sections=["inversion", "maco"])
    assert dense.sections[0].skipped.startswith("feature inversion here runs on conv layers")
    assert len(dense.sections[1].artifacts) == 21  # every class: render, alpha, and the grid
