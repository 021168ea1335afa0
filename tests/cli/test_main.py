"""The CLI entry point: --help without TensorFlow, every command has help, bad input -> exit 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_cli


def test_help_and_version_do_not_import_tensorflow():
    code = (
        "import sys\n"
        "from interpret.cli import main\n"
        "for args in (['--help'], ['--version']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit as e:\n"
        "        assert e.code == 0, e.code\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'TF imported'\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "Usage: interpret" in out.stdout and "version" in out.stdout


def test_every_command_has_help():
    """``interpret NAME --help`` for every command, all in one fresh Python (one process per
    command cost about a second each)."""
    from interpret.cli import cli

    code = (
        "import contextlib, io, sys\n"
        "from interpret.cli import main\n"
        "for name in sys.argv[1:]:\n"
        "    out = io.StringIO()\n"
        "    try:\n"
        "        with contextlib.redirect_stdout(out):\n"
        "            main([name, '--help'])\n"
        "    except SystemExit as e:\n"
        "        print(name, e.code, 'Usage:' in out.getvalue())\n"
    )
    names = list(cli.commands)
    out = subprocess.run(
        [sys.executable, "-c", code, *names], cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [f"{name} 0 True" for name in names], out.stderr


BAD_INPUT = [
    (["layers", "nope.keras"], "model file nope.keras does not exist"),
    (["layers", "resnet50"], "unknown model 'resnet50'"),
    (["train", "resnet"], "unknown zoo model 'resnet'"),
    (["samples", "svhn"], "'svhn' is not one of 'mnist', 'cifar10'"),
    (["train", "mnist-mlp", "--epochs", "0"], "--epochs must be a whole number of at least 1"),
    (["nosuchcommand"], "No such command 'nosuchcommand'"),
]


@pytest.mark.parametrize("args,message", BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_exits_2_with_one_line(tmp_path, data_dir, args, message):
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "gallery").exists()  # nothing half-written


def test_an_advice_warning_is_one_line_with_the_flag_and_others_pass_through(capsys):
    import warnings

    import click

    from interpret.cli import _speaking_flags
    from interpret.core.errors import AdviceWarning

    @click.command()
    @click.option("--init-sd", "init_sd", default=0.0)
    def cmd(init_sd: float) -> None:
        advice = AdviceWarning("the renders stayed put; raise {init_sd}", "init_sd")
        warnings.warn(advice, stacklevel=1)
        warnings.warn("something else", UserWarning, stacklevel=1)

    with pytest.warns(UserWarning, match="something else") as seen:
        _speaking_flags(cmd).main([], standalone_mode=False)
    assert capsys.readouterr().err == "warning: the renders stayed put; raise --init-sd\n"
    assert not [w for w in seen if isinstance(w.message, AdviceWarning)]
