"""Options and helpers shared by the commands.

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

from interpret.errors import UserError

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


def parse_int_list(text: str, upper: int, what: str = "filter") -> list[int]:
    """Parse ``all``, ``5``, ``0-11`` or ``1,5,9`` (and mixes) into indices below ``upper``.

    Example:
        >>> parse_int_list("0-2,7", 10)
        [0, 1, 2, 7]
        >>> parse_int_list("all", 3)
        [0, 1, 2]
    """
    text = str(text).strip()
    if text == "all":
        return list(range(upper))
    out: list[int] = []
    for part in text.split(","):
        part = part.strip()
        try:
            if "-" in part[1:]:
                a, b = part.split("-", 1) if not part.startswith("-") else (part, "")
                lo, hi = int(a), int(b)
                if hi < lo:
                    raise UserError(f"{what} range {part!r} runs backwards; write it as {hi}-{lo}")
                out.extend(range(lo, hi + 1))
            else:
                out.append(int(part))
        except ValueError:
            raise UserError(
                f"cannot read {what} {part!r}; use an index, a range like 0-11, a list like 1,5,9, or 'all'"
            ) from None
    for i in out:
        if not 0 <= i < upper:
            raise UserError(f"{what} {i} is out of range: valid {what}s are 0-{upper - 1}")
    return list(dict.fromkeys(out))


def parse_float_list(text: str, what: str) -> list[float]:
    """Parse ``0.05,0.1`` into floats.

    Example:
        >>> parse_float_list("0.1, 0.3", "eps")
        [0.1, 0.3]
    """
    try:
        return [float(p) for p in str(text).split(",") if p.strip()]
    except ValueError:
        raise UserError(
            f"cannot read {what} {text!r}; give numbers separated by commas, e.g. 0.05,0.1"
        ) from None


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
