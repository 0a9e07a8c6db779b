"""The selection funnel's records and arguments refused with named errors."""

from __future__ import annotations

from typing import Any

import pytest

from cadredev.errors import InvalidInputError
from cadredev.selection import Nominee, Stage, funnel

A = Nominee(id="a", route="self")


def _any(value: object) -> Any:
    """Return *value* typed as anything: the wrong types these cases pass on purpose."""
    return value


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: Nominee(id="a", route=_any("walk-in")),
            "Nominee 'a': route must be one of self, recommended, organisational, got 'walk-in'",
        ),
        (
            lambda: Stage(id="s", scores={"a": _any("high")}),
            "Stage 's': scores['a'] must be a finite number, got 'high'",
        ),
        (
            lambda: Stage(id="s", reject={"a": " "}),
            "Stage 's': reject['a'] must be a reason in words, got ' '",
        ),
        (
            lambda: Stage(id="s", routes={"self", "x"}),
            "Stage 's': routes must be among self, recommended, organisational, got ['x']",
        ),
        (
            lambda: Stage(id="s", scores={"a": 1}, pass_mark=_any("60")),
            "Stage 's': pass_mark must be a finite number, got '60'",
        ),
        (
            lambda: Stage(id="s", scores={"a": 1}, top=-1),
            "Stage 's': top must be an integer >= 0, got -1",
        ),
        (lambda: funnel([_any("a")], []), "funnel: nominees must be Nominee records, got 'a'"),
        (lambda: funnel([A, A], []), "funnel: nominee 'a' is listed twice"),
        (lambda: funnel([A], [_any("s")]), "funnel: stages must be Stage records, got 's'"),
        (
            lambda: funnel([A], [Stage(id="s"), Stage(id="s")]),
            "funnel: stage 's' is listed twice",
        ),
        (lambda: funnel([A], [Stage(id="s")]).explain("zz"), "explain: unknown nominee 'zz'"),
    ],
)
def test_funnel_inputs_are_named(build: Any, message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        build()
    assert str(info.value) == message


def test_a_stage_of_routes_and_marks_passes_the_right_nominees() -> None:
    people = [
        Nominee(id="a", route="self"),
        Nominee(id="b", route="recommended", recommended_by="招商局"),
        Nominee(id="c", route="organisational"),
    ]
    stages = [
        Stage(id="route", routes={"self", "recommended"}),
        Stage(id="exam", scores={"a": 59.5, "b": 60}, pass_mark=60),
    ]
    result = funnel(people, stages)
    assert result.passed == ("b",)
    assert {(r.nominee_id, r.stage) for r in result.rejections} == {("c", "route"), ("a", "exam")}
