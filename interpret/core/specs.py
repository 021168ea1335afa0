"""Parsing the index and number lists a person types: ``all``, ``5``, ``0-11``, ``1,5,9``.

Example:
    >>> parse_int_list("0-2,7", 10)
    [0, 1, 2, 7]
"""

from __future__ import annotations

from interpret.core.errors import UserError

__all__ = ["parse_int_list", "parse_float_list"]


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
        bounds = part.split("-", 1) if "-" in part[1:] and not part.startswith("-") else [part]
        try:
            numbers = [int(b) for b in bounds]
        except ValueError:
            raise UserError(
                f"cannot read {what} {part!r}; use an index, a range like 0-11, a list like 1,5,9, or 'all'"
            ) from None
        if len(numbers) == 2 and numbers[1] < numbers[0]:
            raise UserError(
                f"{what} range {part!r} runs backwards; write it as {numbers[1]}-{numbers[0]}"
            )
        out.extend(range(numbers[0], numbers[-1] + 1))
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
