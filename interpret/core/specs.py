"""The one grammar for the index lists a person types: ``all``, ``5``, ``0-11``, ``1,5,9``, ``cat``.

Filters, units, classes and channels are all picked with :func:`parse_indices`;
number lists (eps values) with :func:`parse_float_list`.

Example:
    >>> parse_indices("0-2,7", 10)
    [0, 1, 2, 7]
    >>> parse_indices("cat,0-1", 10, "class", names=["plane", "car", "bird", "cat"])
    [3, 0, 1]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from interpret.core.errors import UserError

__all__ = ["parse_indices", "parse_float_list"]


def parse_indices(
    spec: Any,
    upper: int,
    what: str = "filter",
    *,
    names: Sequence[str] | None = None,
    where: str = "",
    param: str | None = None,
) -> list[int]:
    """Indices below ``upper`` from ``all``/None, an int, ``"0-11"``, ``"1,5,9"``, a name, or a list.

    ``names`` lets an index be given by name (class names); ``where`` says what the
    indices belong to in messages ("conv2d", "cifar10-cnn"); ``param`` names the
    parameter in errors. Duplicates are dropped, order is kept.

    Example:
        >>> parse_indices("all", 3)
        [0, 1, 2]
        >>> parse_indices([2, "0"], 3, "unit")
        [2, 0]
        >>> parse_indices("3-1", 4)
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: filter range '3-1' runs backwards; write it as 1-3
        >>> parse_indices("4", 4, where="conv2d")
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: filter 4 is out of range for conv2d: it has 4 filters (0-3)
    """
    params = (param,) if param else ()
    if spec is None or (isinstance(spec, str) and spec.strip().lower() == "all"):
        return list(range(upper))
    if isinstance(spec, str):
        parts: list[Any] = [p for p in spec.split(",") if p.strip()]
    elif isinstance(spec, (int, np.integer)):
        parts = [int(spec)]
    else:
        parts = list(spec)
    out: list[int] = []
    for part in parts:
        out.extend(_part(part, upper, what, names, where, params))
    if not out:
        raise UserError(
            f"no {what}s given{_in(params)}; pass indices, a range like 0-11, or 'all'", *params
        )
    return list(dict.fromkeys(out))


def _in(params: tuple) -> str:
    return f" in {{{params[0]}}}" if params else ""


def _part(
    part: Any, upper: int, what: str, names: Sequence[str] | None, where: str, params: tuple
) -> list[int]:
    if isinstance(part, (int, np.integer)) and not isinstance(part, bool):
        return [_check(int(part), upper, what, where, params)]
    text = str(part).strip()
    if names is not None and text in names:
        return [list(names).index(text)]
    bounds = text.split("-", 1) if "-" in text[1:] and not text.startswith("-") else [text]
    try:
        numbers = [int(b) for b in bounds]
    except ValueError:
        if names is not None:
            message = f"unknown {what} {text!r}{_in(params)}; {plural(what)}: {', '.join(names)}"
        else:
            message = (
                f"cannot read {what} {text!r}{_in(params)}; use an index, a range like 0-11, "
                "a list like 1,5,9, or 'all'"
            )
        raise UserError(message, *params) from None
    if len(numbers) == 2 and numbers[1] < numbers[0]:
        raise UserError(
            f"{what} range {text!r} runs backwards; write it as {numbers[1]}-{numbers[0]}",
            *params,
        )
    return [_check(i, upper, what, where, params) for i in range(numbers[0], numbers[-1] + 1)]


def _check(i: int, upper: int, what: str, where: str, params: tuple) -> int:
    if not 0 <= i < upper:
        place = f" for {where}" if where else ""
        raise UserError(
            f"{what} {i} is out of range{place}: it has {upper} {plural(what)} (0-{upper - 1})",
            *params,
        )
    return i


def plural(word: str) -> str:
    """``filter`` -> ``filters``, ``class`` -> ``classes``.

    Example:
        >>> plural("class"), plural("unit")
        ('classes', 'units')
    """
    return word + ("es" if word.endswith(("s", "x", "ch")) else "s")


def parse_float_list(text: Any, param: str) -> list[float]:
    """Parse ``0.05,0.1`` (or a number, or a list of numbers; fractions like ``8/255``) into floats.

    Example:
        >>> parse_float_list("0.1, 0.3", "eps")
        [0.1, 0.3]
        >>> [round(v, 4) for v in parse_float_list("2/255,8/255", "eps")]
        [0.0078, 0.0314]
        >>> parse_float_list("a", "eps")
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: cannot read eps= 'a'; give numbers separated by commas, e.g. 0.05,0.1
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return [float(text)]
    parts = str(text).split(",") if isinstance(text, str) else list(text)
    try:
        return [_fraction(p) for p in parts if str(p).strip()]
    except (ValueError, ZeroDivisionError):
        raise UserError(
            f"cannot read {{{param}}} {text!r}; give numbers separated by commas, e.g. 0.05,0.1",
            param,
        ) from None


def _fraction(part: Any) -> float:
    """A number, or ``a/b`` (how eps is often written: 8/255)."""
    text = str(part).strip()
    if "/" in text:
        num, den = text.split("/", 1)
        return float(num) / float(den)
    return float(text)
