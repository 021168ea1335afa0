"""The ``interpret`` command line: a thin click group over the Python API.

Importing this module must not import TensorFlow (``interpret --help`` stays fast);
each command imports what it needs when it runs. Command modules live beside this
file and are listed in ``COMMAND_MODULES``; each exposes ``COMMANDS``. A command is a
thin wrapper of one API call: options named like the API's parameters, defaults read
from the API (:mod:`interpret.cli.common`), a :class:`~interpret.core.errors.UserError`
shown with the flag the person typed (and an
:class:`~interpret.core.errors.AdviceWarning` as one ``warning:`` line, the same way).

May import: anything. Nothing outside ``cli/`` imports it.

Example:
    $ interpret --help
    $ interpret layers cifar10-cnn
"""

from __future__ import annotations

import functools
import importlib
import sys
import warnings
from collections.abc import Callable
from typing import Any

import click

from interpret._version import __version__
from interpret.core.errors import AdviceWarning, UserError

COMMAND_MODULES = (
    "foundation",
    "maximize",
    "inspect",
    "dream",
    "attack",
    "robustness",
    "explain",
    "report",
    "gallery",
    "invert",
    "directions",
    "maco",
    "trust",
    "compare",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="interpret")
def cli() -> None:
    """Train small Keras CNNs, then open them up.

    Every command that opens a model takes --model (a zoo name: cifar10-cnn, mnist-mlp,
    mnist-cnn, the robust twins mnist-cnn-robust, mnist-cnn-robust-l2 and cifar10-cnn-robust,
    or a path to your own .keras/.h5 file; compare takes its two models as arguments) and
    writes its pictures, each with a JSON sidecar saying how it was made, into a gallery directory
    (--gallery, default ./gallery). Your own images: --data FILE.npz or a folder of class
    folders.
    """


def _speaking_flags(command: click.Command) -> click.Command:
    """Make ``command`` attach its flag spellings to a UserError, so the message shows flags."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _speaking_flags(sub)
        return command
    from interpret.cli.common import spellings

    names = spellings(command)
    callback = command.callback

    @functools.wraps(callback)
    def run(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.showwarning = _one_line(names, warnings.showwarning)
            try:
                return callback(*args, **kwargs)
            except UserError as e:
                e.spellings = names
                raise

    command.callback = run
    return command


def _one_line(names: dict[str, str], show: Callable) -> Callable:
    """A ``warnings.showwarning`` that prints an :class:`AdviceWarning` as one line with
    the command's flags (``names``), and any other warning as ``show`` does."""

    def showwarning(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: Any = None,
        line: str | None = None,
    ) -> None:
        if isinstance(message, AdviceWarning):
            click.echo(f"warning: {message.message(names)}", err=True)
        else:
            show(message, category, filename, lineno, file, line)

    return showwarning


for _module in COMMAND_MODULES:
    for _command in importlib.import_module(f"interpret.cli.{_module}").COMMANDS:
        cli.add_command(_speaking_flags(_command))


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning bad input into one line on stderr and exit code 2.

    Example:
        >>> try:
        ...     main(["--version"])
        ... except SystemExit as e:
        ...     print("exit code", e.code)
        interpret, version 0.1.0
        exit code 0
    """
    try:
        rv = cli.main(args=argv, prog_name="interpret", standalone_mode=False)
    except UserError as e:
        click.echo(f"error: {e.message(getattr(e, 'spellings', None))}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as e:
        hint = ""
        ctx = getattr(e, "ctx", None)
        if ctx is not None:
            hint = f" (see '{ctx.command_path} --help')"
        click.echo(f"error: {e.format_message()}{hint}", err=True)
        sys.exit(e.exit_code if e.exit_code != 1 else 2)
    sys.exit(rv if isinstance(rv, int) else 0)
