"""UserError: messages name parameters; the API spells them ``name=``, the CLI as its flags."""

from __future__ import annotations

import pytest

from interpret.core.errors import UserError


def test_parameters_are_spelled_as_arguments_by_default():
    e = UserError("give {layer} or {classes}, not both", "layer", "classes")
    assert str(e) == "give layer= or classes=, not both"
    assert e.param == "layer" and e.params == ("layer", "classes")
    assert e.template == "give {layer} or {classes}, not both"


def test_spellings_turn_parameters_into_flags_and_leave_the_rest():
    e = UserError("{steps} must be at least 1; {lr} is fine", "steps", "lr")
    assert e.message({"steps": "--steps"}) == "--steps must be at least 1; lr= is fine"
    assert (
        e.message({"steps": "--steps", "lr": "--lr"}) == "--steps must be at least 1; --lr is fine"
    )


def test_a_message_without_parameters_is_left_alone():
    e = UserError("unknown model 'x'; keep {braces} that are not parameters")
    assert e.param is None
    assert (
        str(e)
        == e.message({"x": "--x"})
        == "unknown model 'x'; keep {braces} that are not parameters"
    )


def test_it_is_a_value_error():
    with pytest.raises(ValueError, match="size= is too big"):
        raise UserError("{size} is too big", "size")


def test_the_cli_shows_the_flag_the_person_typed(capsys):
    from interpret.cli import main

    with pytest.raises(SystemExit) as e:
        main(["maximize", "--model", "mnist-mlp", "--layer", "dense", "--steps", "0"])
    assert e.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err == "error: --steps must be a whole number of at least 1, got 0"
