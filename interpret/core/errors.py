"""The one exception type a person is meant to read (and its warning, :class:`AdviceWarning`).

Every check of user input raises :class:`UserError` with a single line that names
the problem and the fix. A message names the parameters it is about as
``{name}`` placeholders: the Python API shows them as the argument (``size=``),
the command line as the flag (``--size``), so neither kind of user is told about
spellings they never used. The CLI prints the message and exits with code 2;
scripts can catch it like any ``ValueError``.

Example:
    >>> from interpret.core.errors import UserError
    >>> e = UserError("{steps} must be greater than 0, got 0", "steps")
    >>> print(e)
    steps= must be greater than 0, got 0
    >>> e.param
    'steps'
    >>> e.message({"steps": "--steps"})
    '--steps must be greater than 0, got 0'
    >>> try:
    ...     raise UserError("unknown layer 'conv9'; valid layers: conv2d, conv2d_1")
    ... except ValueError as err:
    ...     print(err)
    unknown layer 'conv9'; valid layers: conv2d, conv2d_1
"""

from __future__ import annotations

from collections.abc import Mapping


class UserError(ValueError):
    """Bad input from a person: one actionable line, exit code 2 in the CLI.

    Args:
        template: the message; ``{name}`` stands for parameter ``name``.
        *params: the parameters the message names, the one at fault first.

    Example:
        >>> str(UserError("give {layer} or {classes}, not both", "layer", "classes"))
        'give layer= or classes=, not both'
    """

    def __init__(self, template: str, *params: str):
        self.template = template
        self.params = tuple(params)
        super().__init__(self.message())

    @property
    def param(self) -> str | None:
        """The parameter at fault, or None when the message names none.

        Example:
            >>> UserError("no images given").param is None
            True
        """
        return self.params[0] if self.params else None

    def message(self, spellings: Mapping[str, str] | None = None) -> str:
        """The message with each parameter spelled as ``spellings`` says (default ``name=``).

        Example:
            >>> UserError("drop {size}", "size").message({"size": "--size"})
            'drop --size'
        """
        text = self.template
        for name in self.params:
            spelled = (spellings or {}).get(name, f"{name}=")
            text = text.replace("{" + name + "}", spelled)
        return text


class AdviceWarning(UserWarning):
    """A warning a person is meant to read: one line that names the parameters to try as
    ``{name}`` placeholders, spelled as in a :class:`UserError`. The CLI prints it as one
    ``warning: ...`` line with the flags the command takes.

    Example:
        >>> w = AdviceWarning("the renders stayed grey; raise {init_sd}", "init_sd")
        >>> str(w)
        'the renders stayed grey; raise init_sd='
        >>> w.message({"init_sd": "--init-sd"})
        'the renders stayed grey; raise --init-sd'
    """

    def __init__(self, template: str, *params: str):
        self.template = template
        self.params = tuple(params)
        super().__init__(self.message())

    message = UserError.message
