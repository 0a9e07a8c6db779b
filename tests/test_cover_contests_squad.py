"""Contest records and squad selection: inputs refused with named errors, and
an infeasible squad that says so in every view."""

from __future__ import annotations

from typing import Any

import pytest

from cadredev import Cadre
from cadredev.contests import Criterion, Judge, Mark, Panel, as_contestants
from cadredev.errors import InvalidInputError
from cadredev.selection import Quota, select_squad

PEOPLE = [Cadre(id=f"c{k}", name="", birth_year=1990, rank="section", unit="u") for k in range(3)]


def _any(value: object) -> Any:
    """Return *value* typed as anything: the wrong types these cases pass on purpose."""
    return value


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: Criterion(id="x", weight=_any("heavy")),
            "Criterion 'x': weight must be a finite number, got 'heavy'",
        ),
        (
            lambda: Criterion(id="x", low=10, high=5),
            "Criterion 'x': high must be above low (10), got 5.0",
        ),
        (
            lambda: Mark(judge_id="j", contestant_id="c", criterion="x", value=float("nan")),
            "Mark: value must be a finite number, got nan",
        ),
        (
            lambda: Panel(judges=[_any("j")], criteria=[Criterion(id="x")]),
            "Panel: judges must be Judge records, got 'j'",
        ),
        (
            lambda: Panel(judges=[Judge(id="j")], criteria=[_any("x")]),
            "Panel: criteria must be Criterion records, got 'x'",
        ),
        (
            lambda: Panel(judges=[], criteria=[Criterion(id="x")]),
            "Panel: judges must not be empty",
        ),
        (lambda: Panel(judges=[Judge(id="j")], criteria=[]), "Panel: criteria must not be empty"),
        (
            lambda: Panel(judges=[Judge(id="j")], criteria=[Criterion(id="x")], recuse=_any(1)),
            "Panel: recuse must be a bool, got 1",
        ),
        (lambda: as_contestants([3]), "as_contestants: each item needs an id, got 3"),
        (
            lambda: select_squad([_any("a")], 1),
            "select_squad: candidates must be Cadre records, got 'a'",
        ),
        (
            lambda: select_squad(PEOPLE, -1),
            "select_squad: size must be an integer >= 0, got -1",
        ),
        (lambda: select_squad(PEOPLE, 2).explain("zz"), "explain: 'zz' is not a candidate"),
    ],
)
def test_inputs_are_named(build: Any, message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        build()
    assert str(info.value) == message


def test_an_infeasible_squad_says_so_everywhere() -> None:
    squad = select_squad(PEOPLE, 2, composition=[Quota(by="unit", at_most=1)])
    assert not squad.feasible
    assert squad.members == ()
    assert repr(squad) == f"Squad(infeasible, {len(squad.conflicts)} conflict(s))"
    assert squad.conflicts
    assert squad._repr_html_().count("No squad of 2: ") == 1
    assert squad.explain("c0") == "c0: no squad meets the rules; see conflicts"
    assert squad != "squad"
    assert squad == select_squad(
        list(reversed(PEOPLE)), 2, composition=[Quota(by="unit", at_most=1)]
    )
