"""The one progress protocol of the API: ``progress=True``, a bar factory, or nothing.

Every API function that can take seconds accepts ``progress``:

* ``None`` or ``False``: silent (the default);
* ``True``: a text bar on stderr (:func:`terminal`);
* a *factory* ``progress(total, label)`` returning a context manager that yields a
  bar with ``update(n)``; :func:`terminal` is one, ``tqdm``-style wrappers are easy.

Inside, :func:`advance` turns any of these into one ``step(n)`` callable. The bar
opens on the first step, so a call that fails its checks prints nothing but the
error.

Example:
    >>> with advance(None, 10, "work") as step:
    ...     step(10)
    >>> seen = []
    >>> class Bar:
    ...     def __init__(self, total, label): seen.append((total, label))
    ...     def __enter__(self): return self
    ...     def __exit__(self, *exc): pass
    ...     def update(self, n): seen.append(n)
    >>> with advance(Bar, 4, "rendering") as step:
    ...     step(2); step(2)
    >>> seen
    [(4, 'rendering'), 2, 2]
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

Progress = Callable[[int, str], AbstractContextManager]
ProgressSpec = Progress | bool | None
Step = Callable[[int], None]


@contextmanager
def terminal(total: int, label: str) -> Iterator[Any]:
    """A progress bar on stderr (click's), the factory ``progress=True`` uses.

    Example:
        >>> with terminal(2, "demo") as bar:
        ...     bar.update(2)
    """
    import click

    with click.progressbar(
        length=total, label=label, file=sys.stderr, show_pos=True, show_eta=True
    ) as bar:
        yield bar


@contextmanager
def advance(progress: ProgressSpec, total: int, label: str) -> Iterator[Step]:
    """A ``step(n)`` callable for ``progress`` (see the module docstring); opens lazily.

    Example:
        >>> with advance(False, 3, "quiet") as step:
        ...     step(3)
    """
    if progress is None or progress is False:
        yield lambda n: None
        return
    factory: Progress = terminal if progress is True else progress  # type: ignore[assignment]
    opened: list[Any] = []

    def step(n: int) -> None:
        if not opened:
            cm = factory(int(total), label)
            opened.append(cm)
            opened.append(cm.__enter__())
        opened[1].update(int(n))

    try:
        yield step
    except BaseException as e:
        if opened:
            opened[0].__exit__(type(e), e, e.__traceback__)
        raise
    else:
        if opened:
            opened[0].__exit__(None, None, None)
