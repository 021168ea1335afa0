"""The progress-bar protocol the API functions accept, and the silent default.

A progress factory is called as ``progress(total, label)`` and returns a context
manager yielding a bar with ``update(n)`` (e.g. :func:`interpret.cli.common.progress`).

Example:
    >>> with no_progress(10, "work") as bar:
    ...     bar.update(10)
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

Progress = Callable[[int, str], AbstractContextManager]


class _SilentBar:
    def update(self, n: int) -> None:
        """Ignore progress."""


def no_progress(total: int, label: str) -> AbstractContextManager:
    """A progress factory that shows nothing.

    Example:
        >>> with no_progress(3, "x") as bar:
        ...     bar.update(1)
    """
    return nullcontext(_SilentBar())
