"""interpret.core.specs: the one grammar for index and number lists."""

from __future__ import annotations

import pytest

from interpret.core.errors import UserError
from interpret.core.specs import parse_float_list, parse_indices, plural


@pytest.mark.parametrize(
    "spec,expected",
    [
        ("all", [0, 1, 2, 3]),
        (None, [0, 1, 2, 3]),
        ("2", [2]),
        (2, [2]),
        ("0-2", [0, 1, 2]),
        ("3,1,3", [3, 1]),
        ("0-1,3", [0, 1, 3]),
        ([3, "0-1"], [3, 0, 1]),
        (range(2), [0, 1]),
    ],
)
def test_parse_indices(spec, expected):
    assert parse_indices(spec, 4) == expected


@pytest.mark.parametrize(
    "spec,message",
    [
        ("4", "filter 4 is out of range for c1: it has 4 filters \\(0-3\\)"),
        ("-1", "filter -1 is out of range"),
        ("3-1", "runs backwards; write it as 1-3"),
        ("x", "cannot read filter 'x' in filters=; use an index"),
        ([], "no filters given in filters="),
    ],
)
def test_parse_indices_errors(spec, message):
    with pytest.raises(UserError, match=message) as err:
        parse_indices(spec, 4, where="c1", param="filters")
    assert err.value.param == "filters"


def test_names_are_indices_and_unknown_names_list_them():
    names = ["plane", "car", "bird", "cat"]
    assert parse_indices("cat,0-1,cat", 4, "class", names=names) == [3, 0, 1]
    with pytest.raises(UserError, match="unknown class 'zebra'; classes: plane, car, bird, cat"):
        parse_indices("zebra", 4, "class", names=names)
    with pytest.raises(UserError, match="class 7 is out of range for m: it has 4 classes"):
        parse_indices(7, 4, "class", names=names, where="m")


def test_plural():
    assert [plural(w) for w in ("filter", "class", "unit", "box")] == [
        "filters",
        "classes",
        "units",
        "boxes",
    ]


def test_parse_float_list():
    assert parse_float_list("0.05, 0.1", "eps") == [0.05, 0.1]
    assert parse_float_list(0.3, "eps") == [0.3]
    assert parse_float_list([0.1, "0.2"], "eps") == [0.1, 0.2]
    with pytest.raises(UserError, match="cannot read eps= 'a,b'") as err:
        parse_float_list("a,b", "eps")
    assert err.value.message({"eps": "--eps"}).startswith("cannot read --eps 'a,b'")
