"""The arena names every contestant it could not combine, and why."""

from __future__ import annotations

import pytest

from cadredev.contests import Criterion, Judge, Panel, arena, judge
from cadredev.datasets import demo_score_table
from cadredev.errors import InvalidInputError


def test_contestants_left_out_are_explained() -> None:
    table = demo_score_table()
    period = str(table.periods[0])
    panel = Panel(judges=[Judge(id="j")], criteria=[Criterion(id="ideas")])
    heard = judge(
        panel, [{"id": "a"}, {"id": "zz"}], [("j", "a", "ideas", 70), ("j", "zz", "ideas", 50)]
    )
    board = arena(heard, table)
    assert board.ranking == ("a",)
    assert board.unscored == (
        ("b", "has a measured total but no judged score"),
        ("zz", f"has a judged score but no measured total in {period}"),
    )
    for cid, reason in board.unscored:
        with pytest.raises(InvalidInputError) as info:
            board.explain(cid)
        assert str(info.value) == f"explain: {cid!r} {reason}"
    with pytest.raises(InvalidInputError, match=r"^explain: unknown contestant 'nobody'$"):
        board.explain("nobody")
    assert board.explain("a").cadre_id == "a"
