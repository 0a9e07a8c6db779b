"""Arenas (擂台赛): measured results and a judge panel's scores on one board.

.. versionadded:: 0.3
"""

from __future__ import annotations

import math
from typing import Any

from attrs import field, frozen

from cadredev._display import html_table, need_pandas
from cadredev._frozendict import id_key
from cadredev._validate import (
    as_float,
    field_pairs,
    field_records,
    id_field,
    int_field,
    is_real,
    named_errors,
    real_field,
    text_field,
)
from cadredev.errors import InvalidInputError

from ._judge import DIGITS, ContestResult

__all__ = ["ArenaResult", "ArenaRow", "arena"]


@named_errors
@frozen(kw_only=True)
class ArenaRow:
    """One contestant on an arena board: ``combined = w * judged + (1 - w) * measured``.

    Examples
    --------
    >>> row = ArenaRow(
    ...     position=1,
    ...     cadre_id="c1",
    ...     name="",
    ...     judged=80.0,
    ...     measured=90.0,
    ...     judged_weight=0.4,
    ...     combined=86.0,
    ... )
    >>> print(row)
    1. c1 : 86 = 0.4 x judged 80 + 0.6 x measured 90

    .. versionadded:: 0.3
    """

    position: int = field(validator=int_field(1))
    cadre_id: str = field(validator=id_field)
    name: str = field(validator=text_field)
    judged: float = field(converter=as_float, validator=real_field)
    measured: float = field(converter=as_float, validator=real_field)
    judged_weight: float = field(converter=as_float, validator=real_field)
    combined: float = field(converter=as_float, validator=real_field)

    def __str__(self) -> str:
        w = self.judged_weight
        return (
            f"{self.position}. {self.cadre_id} {self.name}: {self.combined:g} = {w:g} x judged "
            f"{self.judged:g} + {1 - w:g} x measured {self.measured:g}"
        )


def _rows(value: object) -> tuple[ArenaRow, ...]:
    return field_records(value, ArenaRow, name="rows")


def _unscored(value: object) -> tuple[tuple[str, str], ...]:
    return field_pairs(value, name="unscored")


@named_errors
@frozen(kw_only=True)
class ArenaResult:
    """The board of :func:`arena`: rows best first, and who could not be placed and why.

    Examples
    --------
    >>> from cadredev.contests import Criterion, Judge, Panel, arena, judge
    >>> from cadredev.datasets import demo_score_table
    >>> panel = Panel(judges=[Judge(id="j")], criteria=[Criterion(id="ideas")])
    >>> heard = judge(panel, [{"id": "a"}], [("j", "a", "ideas", 70)])
    >>> board = arena(heard, demo_score_table())
    >>> board.ranking, board.unscored
    (('a',), (('b', 'has a measured total but no judged score'),))

    .. versionadded:: 0.3
    """

    period: str = field(validator=text_field)
    judged_weight: float = field(converter=as_float, validator=real_field)
    rows: tuple[ArenaRow, ...] = field(converter=_rows)
    unscored: tuple[tuple[str, str], ...] = field(default=(), converter=_unscored)

    @property
    def ranking(self) -> tuple[str, ...]:
        """Cadre ids, best first."""
        return tuple(r.cadre_id for r in self.rows)

    def explain(self, cadre_id: str) -> ArenaRow:
        """Return a contestant's row (print it for the sum that makes the combined score).

        Raises
        ------
        InvalidInputError
            For a contestant not on the board (the reason is given).

        Examples
        --------
        >>> from cadredev.contests import Criterion, Judge, Panel, judge
        >>> from cadredev.datasets import demo_score_table
        >>> panel = Panel(judges=[Judge(id="j")], criteria=[Criterion(id="ideas")])
        >>> heard = judge(panel, [{"id": "a"}], [("j", "a", "ideas", 70)])
        >>> print(arena(heard, demo_score_table()).explain("a"))
        1. a a: 80 = 0.5 x judged 70 + 0.5 x measured 90

        .. versionadded:: 0.3
        """
        for r in self.rows:
            if r.cadre_id == cadre_id:
                return r
        for cid, reason in self.unscored:
            if cid == cadre_id:
                raise InvalidInputError(f"explain: {cadre_id!r} {reason}")
        raise InvalidInputError(f"explain: unknown contestant {cadre_id!r}")

    def to_records(self, *, indicator: str = "arena") -> Any:
        """Return the combined scores as scoring :class:`~cadredev.scoring.Records`.

        .. versionadded:: 0.3
        """
        from cadredev.scoring import Records  # noqa: PLC0415

        return Records.from_rows(
            (r.cadre_id, self.period, indicator, r.combined) for r in self.rows
        )

    def _rows(self) -> list[tuple[Any, ...]]:
        return [
            (r.position, r.cadre_id, r.name, r.judged, r.measured, r.combined) for r in self.rows
        ]

    def to_pandas(self) -> Any:
        """Return the board as a DataFrame.

        .. versionadded:: 0.3
        """
        pd = need_pandas()
        return pd.DataFrame(
            self._rows(), columns=["position", "cadre", "name", "judged", "measured", "combined"]
        )

    def _repr_html_(self) -> str:
        w = self.judged_weight
        title = (
            f"Arena {self.period}: combined = {w:g} x judged + {1 - w:g} x measured; "
            f"{len(self.unscored)} not placed"
        )
        return html_table(
            title, ("position", "cadre", "name", "judged", "measured", "combined"), self._rows()
        )


def arena(
    judged: ContestResult,
    measured: Any,
    *,
    judged_weight: float = 0.5,
    period: str | None = None,
) -> ArenaResult:
    """Combine a panel's scores with measured results (擂台赛: 亮成绩、找不足、谈思路).

    The combined score is the weighted mean
    ``judged_weight * judged + (1 - judged_weight) * measured``, where
    ``judged`` is the contestant's score from :func:`judge` and ``measured``
    the total of a :class:`~cadredev.scoring.ScoreTable` for ``period``; both
    should be on the same scale (0 to 100 by default). The board is ordered
    by combined score (compared after rounding to 9 decimals), then by the
    measured total, then by id; positions are distinct. A contestant found in
    only one of the two is listed in ``unscored`` with the reason.

    Raises
    ------
    InvalidInputError
        For a weight outside ``[0, 1]``, or a period the table does not hold.

    Examples
    --------
    >>> from cadredev.contests import Criterion, Judge, Panel, judge
    >>> from cadredev.datasets import demo_score_table
    >>> panel = Panel(judges=[Judge(id="j1")], criteria=[Criterion(id="ideas")])
    >>> heard = judge(
    ...     panel, [{"id": "a"}, {"id": "b"}], [("j1", "a", "ideas", 100), ("j1", "b", "ideas", 80)]
    ... )
    >>> board = arena(heard, demo_score_table(), judged_weight=0.5)
    >>> [(r.cadre_id, r.combined) for r in board.rows]
    [('a', 95.0), ('b', 87.5)]

    .. versionadded:: 0.3
    """
    if not is_real(judged_weight) or not 0.0 <= judged_weight <= 1.0:
        raise InvalidInputError(f"arena: judged_weight must be in [0, 1], got {judged_weight!r}")
    if not isinstance(judged, ContestResult):
        raise InvalidInputError(
            f"arena: judged must be a ContestResult, got {type(judged).__name__}"
        )
    board = measured.leaderboard(period=period)
    totals = {r.cadre_id: (r.total, r.name) for r in board.rows}
    scores = judged.scores
    w = float(judged_weight)
    rows: list[tuple[str, str, float, float, float]] = []
    unscored: list[tuple[str, str]] = []
    panel_reason = dict(judged.unscored)
    for cid in sorted(set(scores) | set(totals) | set(panel_reason), key=id_key):
        if cid not in scores:
            why = panel_reason.get(cid, "has a measured total but no judged score")
            unscored.append((cid, f"{why} (panel)" if cid in panel_reason else why))
        elif cid not in totals:
            unscored.append((cid, f"has a judged score but no measured total in {board.period}"))
        else:
            m, name = totals[cid]
            s = scores[cid]
            rows.append((cid, name, s, m, math.fsum((w * s, (1.0 - w) * m))))
    rows.sort(key=lambda r: (-round(r[4], DIGITS), -round(r[3], DIGITS), id_key(r[0])))
    return ArenaResult(
        period=board.period,
        judged_weight=w,
        rows=tuple(
            ArenaRow(
                position=n, cadre_id=c, name=name, judged=s, measured=m, judged_weight=w, combined=t
            )
            for n, (c, name, s, m, t) in enumerate(rows, start=1)
        ),
        unscored=tuple(unscored),
    )
