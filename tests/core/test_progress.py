"""The one progress protocol: None/False silent, True a bar on stderr, or a factory; opened lazily."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.core.errors import UserError
from interpret.core.progress import advance, terminal


class Recorder:
    """A bar factory that records what it was told."""

    def __init__(self):
        self.events = []

    def __call__(self, total, label):
        self.events.append(("open", total, label))
        return self

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        self.events.append(("close", kind.__name__ if kind else None))

    def update(self, n):
        self.events.append(n)


@pytest.mark.parametrize("spec", [None, False])
def test_none_and_false_are_silent(spec, capsys):
    with advance(spec, 5, "quiet") as step:
        step(5)
    assert capsys.readouterr().err == ""


def test_a_factory_opens_on_the_first_step_and_closes_at_the_end():
    bar = Recorder()
    with advance(bar, 6, "work") as step:
        assert bar.events == []  # nothing yet: the bar opens lazily
        step(2)
        step(4)
    assert bar.events == [("open", 6, "work"), 2, 4, ("close", None)]


def test_a_call_that_fails_before_any_step_shows_no_bar():
    bar = Recorder()
    with pytest.raises(UserError), advance(bar, 3, "work"):
        raise UserError("{steps} must be at least 1", "steps")
    assert bar.events == []


def test_a_failure_after_a_step_closes_the_bar_with_the_error():
    bar = Recorder()
    with pytest.raises(RuntimeError), advance(bar, 3, "work") as step:
        step(1)
        raise RuntimeError("boom")
    assert bar.events == [("open", 3, "work"), 1, ("close", "RuntimeError")]


def test_true_draws_a_bar_on_stderr(capsys):
    with advance(True, 4, "rendering") as step:
        step(4)
    captured = capsys.readouterr()
    assert "rendering" in captured.err and captured.out == ""
    with terminal(2, "demo") as bar:
        bar.update(2)
    assert "demo" in capsys.readouterr().err


def test_the_api_reports_steps_and_says_nothing_when_its_checks_fail(tiny_cnn, capsys):
    import interpret

    x = np.random.default_rng(0).random((4, 16, 16, 3), dtype=np.float32)
    y = np.array([0, 1, 2, 3])
    bar = Recorder()
    with pytest.raises(UserError, match="eps"):
        interpret.attack(tiny_cnn, x, y, method="pgd", eps=-1.0, steps=2, progress=bar)
    with pytest.raises(UserError):
        interpret.attack(tiny_cnn, x, y, method="pgd", eps=-1.0, steps=2, progress=True)
    assert bar.events == [] and capsys.readouterr().err == ""

    interpret.attack(tiny_cnn, x, y, method="pgd", eps=0.1, steps=2, progress=bar)
    assert bar.events[0][:2] == ("open", 4) and sum(e for e in bar.events[1:-1]) == 4
    assert bar.events[-1] == ("close", None)
