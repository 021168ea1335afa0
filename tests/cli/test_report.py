"""``interpret report``: a bad section is one line, exit code 2, nothing written."""

from __future__ import annotations

from interpret.model_report import SECTIONS
from tests.conftest import run_cli


def test_cli_bad_section_exits_2_and_writes_nothing(tmp_path):
    result = run_cli("report", "--sections", "summary,bogus", "--gallery", str(tmp_path / "g"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: unknown report section(s) bogus; sections: {', '.join(SECTIONS)}"
    ]
    assert not (tmp_path / "g").exists()
