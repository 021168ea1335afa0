"""Package-wide rules: the CLI is reached only from ``cli/``, each subpackage imports only what
its docstring allows, and library messages name parameters."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import interpret

PACKAGE = Path(interpret.__file__).parent
LIBRARY = [p for p in sorted(PACKAGE.rglob("*.py")) if "cli" not in p.relative_to(PACKAGE).parts]
LIBRARY = [p for p in LIBRARY if p.name != "__main__.py"]  # `python -m interpret` is the CLI


def _strings(tree: ast.AST) -> list[ast.Constant]:
    """Every string constant that is not a docstring (f-string pieces included)."""
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docs.add(id(body[0].value))
    return [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    ]


def _cli_flags() -> set[str]:
    import click

    from interpret.cli import cli

    flags, stack = set(), [cli]
    while stack:
        command = stack.pop()
        flags.update(o for p in command.params if isinstance(p, click.Option) for o in p.opts)
        if isinstance(command, click.Group):
            stack.extend(command.commands.values())
    return {f for f in flags if f.startswith("--")}


def test_no_library_module_imports_the_cli():
    offenders = []
    for path in LIBRARY:
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n == "interpret.cli" or n.startswith("interpret.cli.") for n in names):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not offenders, f"library modules importing interpret.cli: {offenders}"


ALWAYS = ("_tf", "_version")  # the quiet TensorFlow import and the version: any module may


def _allowed(package: Path) -> tuple[str, ...] | None:
    """What the subpackage's docstring says it may import (None: anything)."""
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text())) or ""
    found = re.search(r"May import:(.*?)(?:\n\n|$)", doc, re.S)
    assert found, f"{package.name}/__init__.py does not say what it may import"
    if found.group(1).strip().lower().startswith("anything"):
        return None
    return (*re.findall(r"``interpret\.([\w.]+)``", found.group(1)), *ALWAYS)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module under interpret.) of every import of the package in ``path``, lazy ones too."""
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "interpret":
                out += [(node.lineno, a.name) for a in node.names]
            elif node.module.startswith("interpret."):
                out.append((node.lineno, node.module.removeprefix("interpret.")))
        elif isinstance(node, ast.Import):
            out += [
                (node.lineno, a.name[10:]) for a in node.names if a.name.startswith("interpret.")
            ]
    return out


def test_subpackages_import_only_what_their_docstring_allows():
    packages = sorted(p.parent for p in PACKAGE.glob("*/__init__.py"))
    assert {"core", "visualize", "attacks", "gallery"} <= {p.name for p in packages}
    offenders = []
    for package in packages:
        allowed = _allowed(package)
        if allowed is None:
            continue
        for path in sorted(package.rglob("*.py")):
            for line, module in _imports(path):
                if module.split(".")[0] == package.name:
                    continue
                if not any(module == a or module.startswith(a + ".") for a in allowed):
                    offenders.append(f"{path.relative_to(PACKAGE)}:{line} imports {module}")
    assert not offenders, "imports the subpackage's docstring does not allow:\n" + "\n".join(
        offenders
    )


def test_library_messages_name_parameters_not_cli_flags():
    flags = _cli_flags()
    assert {"--steps", "--size", "--model"} <= flags  # the scan below looks for real flags
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(flags))) + r")(?![\w-])")
    offenders = [
        f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value!r}"
        for path in LIBRARY
        for node in _strings(ast.parse(path.read_text()))
        if pattern.search(node.value)
    ]
    assert not offenders, "spell parameters as UserError placeholders ({name}):\n" + "\n".join(
        offenders
    )
