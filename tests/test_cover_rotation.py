"""Every malformed field of a RotationProblem is refused with a message naming
the field and the value; the lenient shapes the converters accept are normalised."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

from cadredev.calendar import Calendar
from cadredev.datasets import tiny_rotation_problem
from cadredev.errors import InvalidInputError

P = tiny_rotation_problem()
S = P.programs[0]
T = attrs.evolve(S, name="t")
U = attrs.evolve(S, name="u")
W = "RotationProblem: "


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"cadres": [1, 2]}, W + "cadres must hold Cadre records, got 1"),
        ({"posts": "abc"}, W + "posts must be a sequence, got 'abc'"),
        ({"posts": [P.posts[0], P.posts[0]]}, W + "posts has duplicate id(s) ['p1']"),
        ({"programs": [1]}, W + "programs must be a sequence of Program, got (1,)"),
        ({"horizon": 0}, W + "horizon must be an integer >= 1, got 0"),
        ({"as_of": "2025"}, W + "as_of must be a year or None, got '2025'"),
        ({"calendar": 5}, W + "calendar must be a Calendar or None, got 5"),
        (
            {"programs": [attrs.evolve(S, length=99)]},
            "Program 's': length 99 is longer than the horizon 4",
        ),
        (
            {"programs": [attrs.evolve(S, categories={"nope"})]},
            "Program 's': unknown post category 'nope'; posts have ['host']",
        ),
        (
            {"programs": [attrs.evolve(S, cadres={"zz"})]},
            "Program 's': cadres lists unknown cadre id 'zz'",
        ),
        ({"min_home_staffing": "x"}, W + "min_home_staffing must be a mapping, got 'x'"),
        (
            {"min_home_staffing": {"nounit": 1}},
            W + "min_home_staffing names unknown unit 'nounit' (no cadre has it)",
        ),
        ({"max_away": {"u1": -1}}, W + "max_away['u1'] must be an integer >= 0, got -1"),
        (
            {"min_home_staffing": {"u1": 99}},
            W + "min_home_staffing['u1'] = 99 is above the unit's size 2",
        ),
        ({"unavailable": "x"}, W + "unavailable must map cadre id to periods, got 'x'"),
        ({"unavailable": {"zz": [1]}}, W + "unavailable names unknown cadre id 'zz'"),
        (
            {"unavailable": {"a": 3}},
            W + "unavailable['a'] must be a collection of periods, got 3",
        ),
        ({"unavailable": {"a": [99]}}, W + "unavailable['a'] has period 99, expected 0..3"),
        ({"benefit": [1]}, W + "benefit must be a mapping or None, got [1]"),
        ({"benefit": {"a": 1.0}}, W + "benefit keys must be pairs, got 'a'"),
        ({"benefit": {("zz", "p1"): 1.0}}, W + "benefit names unknown cadre id 'zz'"),
        ({"benefit": {("a", "zz"): 1.0}}, W + "benefit names unknown post id 'zz'"),
        (
            {"benefit": {("a", "p1"): float("nan")}},
            W + "benefit[('a', 'p1')] must be a finite number, got nan",
        ),
        ({"period_bonus": {("zz", 0): 1.0}}, W + "period_bonus names unknown post id 'zz'"),
        (
            {"period_bonus": {("p1", 99): 1.0}},
            W + "period_bonus[('p1', 99)] names period 99, expected 0..3",
        ),
        ({"allowed": "x"}, W + "allowed must map cadre id to post ids, got 'x'"),
        ({"allowed": {"zz": ["p1"]}}, W + "allowed names unknown cadre id 'zz'"),
        ({"allowed": {"a": 5}}, W + "allowed['a'] must be a collection of post ids, got 5"),
        ({"allowed": {"a": ["zz"]}}, W + "allowed['a'] names unknown post id 'zz'"),
        (
            {"capacity": "x"},
            W + "capacity must map (post id, period) to an integer, got 'x'",
        ),
        ({"capacity": {"p1": 1}}, W + "capacity keys must be (post id, period) pairs, got 'p1'"),
        (
            {"programs": [S, T, U], "precedence": [("s", "t"), ("t", "u"), ("u", "t")]},
            W + "precedence has a cycle t -> u -> t; no cadre could take part in all of "
            "these programs",
        ),
        (
            # Pairs that do not sort (a str against an int) are kept as given and named.
            {"programs": [S, T], "precedence": [("s", "t"), ("s", 1)]},
            W + "precedence names unknown program 1",
        ),
        ({"pinned": [1]}, W + "pinned must be a sequence of Assignment, got (1,)"),
        (
            {"horizon": "2025-06"},
            W + "horizon '2025-06' is a date or a period label; it needs "
            "RotationProblem(calendar=...), or give the number of periods",
        ),
        (
            {"horizon": "2025-06", "calendar": 5},
            W + "calendar must be a Calendar or None, got 5",
        ),
        (
            {"horizon": "2024-03", "calendar": Calendar("2025-01")},
            W + "horizon '2024-03' ends before the calendar's first period '2025-01'",
        ),
    ],
)
def test_malformed_fields_are_named(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        attrs.evolve(P, **changes)
    assert str(info.value) == message


def test_lenient_shapes_are_normalised() -> None:
    q = attrs.evolve(
        P,
        allowed={"a": "p1"},
        capacity={},
        min_staffing={},
        precedence=None,
        min_home_staffing=None,
        unavailable=None,
        max_away=None,
        programs=S,
    )
    assert q.allowed == {"a": frozenset({"p1"})}
    assert q.capacity is None
    assert q.min_staffing is None
    assert q.precedence == ()
    assert q.min_home_staffing == {}
    assert q.unavailable == {}
    assert q.max_away == {}
    assert q.programs == (S,)
    assert attrs.evolve(P, allowed={"a": ["p1"]}).allowed == q.allowed


def test_a_horizon_given_as_the_last_period() -> None:
    calendar = Calendar("2025-01")
    assert attrs.evolve(P, horizon="2025-03", calendar=calendar).horizon == 3
    assert attrs.evolve(P, horizon=dt.date(2025, 4, 30), calendar=calendar).horizon == 4


@pytest.mark.parametrize("when", [object(), 2.5, None])
def test_period_refuses_what_is_no_period(when: Any) -> None:
    with pytest.raises(InvalidInputError) as info:
        P.period(when)
    assert str(info.value) == (
        W + f"expected a period number, a date or a period label, got {when!r}"
    )


@pytest.mark.parametrize(
    ("method", "key", "what"),
    [("cadre", "zz", "cadre"), ("post", ["x"], "post"), ("program", "nope", "program")],
)
def test_lookups_of_unknown_ids(method: str, key: Any, what: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        getattr(P, method)(key)
    assert str(info.value) == W + f"unknown {what} {key!r}"
    found = getattr(P, method)
    assert found("a" if what == "cadre" else "p1" if what == "post" else "s") in (
        *P.cadres,
        *P.posts,
        *P.programs,
    )
