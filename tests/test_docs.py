"""The README and docs: every image they show exists; results land in an untracked gallery/."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_image_link_resolves(page):
    links = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", page.read_text())
    missing = [link for link in links if not (page.parent / link).is_file()]
    assert not missing, missing


def test_the_showcase_is_tracked_outside_the_ignored_gallery():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "gallery/cifar10-cnn/maximize/x.png"], cwd=ROOT
    )
    assert ignored.returncode == 0  # results written by the README's command stay untracked
    tracked = subprocess.run(
        ["git", "ls-files", "docs/showcase/index.html"], cwd=ROOT, capture_output=True, text=True
    )
    assert tracked.stdout.strip() == "docs/showcase/index.html"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_api_call_the_docs_show_exists(page):
    import interpret

    called = set(re.findall(r"\binterpret\.([A-Za-z_]\w*)\(", page.read_text()))
    missing = [n for n in sorted(called) if not callable(getattr(interpret, n, None))]
    assert not missing, missing


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_command_line_the_docs_show_uses_real_flags(page):
    """Each `interpret CMD ... --flag` (in code blocks and inline code) names an option CMD has."""
    import click

    from interpret.cli import cli

    wrong = []
    for line in page.read_text().splitlines():
        for words in re.findall(r"(?:^|\$ |`)interpret ([a-z][^`#]*)", line):
            name, *rest = words.split(" ")
            cmd = cli.commands.get(name)
            if isinstance(cmd, click.Group) and rest and rest[0] in cmd.commands:
                cmd = cmd.commands[rest[0]]
            if cmd is None:
                wrong.append(f"no command {name!r}: {line.strip()}")
                continue
            opts = {o for p in cmd.params for o in [*p.opts, *p.secondary_opts]} | {"--help"}
            flags = re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", " ".join(rest))
            wrong += [f"{name} has no {f}: {line.strip()}" for f in flags if f not in opts]
    assert not wrong, wrong


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_file_path_the_docs_name_exists(page):
    """Paths like `interpret/_fast/conv_grad.py` or `benchmarks/trust_speed.py` in the text."""
    pattern = (
        r"(?<![\w/.-])((?:interpret|tests|benchmarks|examples|docs)/[\w/.-]*\w\.(?:py|md|ipynb))"
    )
    named = set(re.findall(pattern, page.read_text()))
    missing = [path for path in sorted(named) if not (ROOT / path).is_file()]
    assert not missing, missing
