"""Options and helpers shared by the commands (list parsing: :mod:`interpret.core.specs`).

Example:
    >>> @click.command()
    ... @model_option
    ... @gallery_option
    ... def demo(model, gallery): ...
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from interpret._fast.precision import CHOICES
from interpret.core.errors import UserError

model_option = click.option(
    "--model",
    "-m",
    default="cifar10-cnn",
    show_default=True,
    help="Zoo name (cifar10-cnn, mnist-mlp, mnist-cnn) or path to a .keras/.h5 file.",
)
gallery_option = click.option(
    "--gallery",
    "gallery_dir",
    default=None,
    metavar="DIR",
    help="Gallery directory to write into [default: $INTERPRET_GALLERY or ./gallery].",
)
seed_option = click.option(
    "--seed", default=0, show_default=True, type=int, help="Random seed (recorded in the sidecar)."
)


def precision_option(default: str = "auto", note: str = "") -> Any:
    """The ``--precision`` option; ``default`` is the command's, ``note`` adds to the help.

    The option's value is None unless given, so each command can apply its own default.

    Example:
        >>> @precision_option("float32")
        ... def cmd(precision): ...
    """
    what = {
        "auto": "auto = bfloat16 on CPUs with AMX or AVX512-BF16, float32 elsewhere",
        "float32": "float32",
    }[default]
    return click.option(
        "--precision",
        type=click.Choice(CHOICES),
        default=None,
        help=f"Arithmetic of the gradient loop [default: {what}].{note} "
        "Results are always scored in float32.",
    )


def require_positive(value: float, name: str) -> None:
    """Raise a UserError unless ``value > 0``.

    Example:
        >>> require_positive(3, "--steps")
    """
    if value is None or value <= 0:
        raise UserError(f"{name} must be greater than 0, got {value}")


@contextmanager
def progress(total: int, label: str) -> Iterator[Any]:
    """A progress bar on stderr; ``bar.update(n)`` advances it.

    Example:
        >>> with progress(10, "rendering") as bar:
        ...     bar.update(10)
    """
    with click.progressbar(
        length=total, label=label, file=sys.stderr, show_pos=True, show_eta=True
    ) as bar:
        yield bar


def echo_artifact(path: Any) -> None:
    """Tell the user where an artifact landed.

    Example:
        >>> echo_artifact("gallery/x.png")
        wrote gallery/x.png
    """
    click.echo(f"wrote {path}")
