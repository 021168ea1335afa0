"""The one exception type a person is meant to read.

Every check of user input raises :class:`UserError` with a single line that names
the problem and the fix. The CLI prints it and exits with code 2; scripts can
catch it like any ``ValueError``.

Example:
    >>> from interpret.core.errors import UserError
    >>> try:
    ...     raise UserError("unknown layer 'conv9'; valid layers: conv2d, conv2d_1")
    ... except ValueError as e:
    ...     print(e)
    unknown layer 'conv9'; valid layers: conv2d, conv2d_1
"""

from __future__ import annotations


class UserError(ValueError):
    """Bad input from a person: one actionable line, exit code 2 in the CLI."""
