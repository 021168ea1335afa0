"""Tests of the command line; :func:`run` runs a command in-process."""

import pytest


def run(args, capsys):
    """Run the CLI on ``args`` in-process; (exit code, stdout, stderr)."""
    from interpret.cli import main

    with pytest.raises(SystemExit) as e:
        main(args)
    out = capsys.readouterr()
    return e.value.code, out.out, out.err
