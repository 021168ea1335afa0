"""interpret.core.specs: the index and number lists a person types."""

from __future__ import annotations

import pytest

from interpret.core.errors import UserError
from interpret.core.specs import parse_float_list, parse_int_list


@pytest.mark.parametrize(
    "text,expected",
    [
        ("all", [0, 1, 2, 3]),
        ("2", [2]),
        ("0-2", [0, 1, 2]),
        ("3,1,3", [3, 1]),
        ("0-1,3", [0, 1, 3]),
    ],
)
def test_parse_int_list(text, expected):
    assert parse_int_list(text, 4) == expected


@pytest.mark.parametrize(
    "text,message",
    [
        ("4", "filter 4 is out of range: valid filters are 0-3"),
        ("3-1", "runs backwards; write it as 1-3"),
        ("x", "cannot read filter 'x'"),
    ],
)
def test_parse_int_list_errors(text, message):
    with pytest.raises(UserError, match=message):
        parse_int_list(text, 4)


def test_parse_float_list():
    assert parse_float_list("0.05, 0.1", "eps") == [0.05, 0.1]
    with pytest.raises(UserError, match="cannot read eps 'a,b'"):
        parse_float_list("a,b", "eps")
