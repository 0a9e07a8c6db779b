"""Personnel decisions from grades and the reserve pool (能者上、庸者下、劣者汰).

.. versionadded:: 0.3
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from attrs import field, frozen

from cadredev._display import html_table, need_pandas
from cadredev._frozendict import id_key
from cadredev._validate import (
    as_float,
    choice_field,
    field_records,
    id_field,
    is_int,
    named_errors,
    optional_field,
    real_field,
    text_field,
)
from cadredev.errors import InvalidInputError
from cadredev.events import Demoted, Event, Left, Promoted
from cadredev.model import Cadre, Rank
from cadredev.scoring import ReservePool, ScoreTable

__all__ = ["Action", "Decision", "Decisions", "decide"]

Action = Literal["promote", "keep", "demote", "exit"]
ACTION_LABELS = {"promote": "能者上", "keep": "留任", "demote": "庸者下", "exit": "劣者汰"}


@named_errors
@frozen(kw_only=True)
class Decision:
    """One cadre's decision: the action, the new rank (if any) and why.

    Examples
    --------
    >>> Decision(
    ...     cadre_id="c1",
    ...     action="exit",
    ...     grade="incompetent",
    ...     total=20.0,
    ...     rank=None,
    ...     reason="graded 不称职",
    ... ).label
    '劣者汰'

    .. versionadded:: 0.3
    """

    cadre_id: str = field(validator=id_field)
    action: Action = field(validator=choice_field(ACTION_LABELS))
    grade: str = field(validator=id_field)
    total: float = field(converter=as_float, validator=real_field)
    rank: str | None = field(validator=optional_field(id_field))
    reason: str = field(validator=text_field)

    @property
    def label(self) -> str:
        """The action's Chinese label."""
        return ACTION_LABELS[self.action]


def _rows(value: object) -> tuple[Decision, ...]:
    return field_records(value, Decision, name="rows")


@named_errors
@frozen(kw_only=True)
class Decisions:
    """The result of :func:`decide`: one decision per cadre scored, best total first.

    Examples
    --------
    >>> import datetime as dt
    >>> row = Decision(
    ...     cadre_id="c1",
    ...     action="promote",
    ...     grade="excellent",
    ...     total=95.0,
    ...     rank="division",
    ...     reason="in the reserve pool, place 1 of 1",
    ... )
    >>> Decisions(period="2025", rows=(row,)).events(at=dt.date(2026, 1, 5), recorded_by="hr")[
    ...     0
    ... ].rank
    'division'

    .. versionadded:: 0.3
    """

    period: str = field(validator=text_field)
    rows: tuple[Decision, ...] = field(converter=_rows)

    def of(self, action: Action) -> tuple[str, ...]:
        """Return the ids of the cadres with ``action``, in row order."""
        return tuple(d.cadre_id for d in self.rows if d.action == action)

    def explain(self, cadre_id: str) -> str:
        """Say what was decided for a cadre and why.

        .. versionadded:: 0.3
        """
        for d in self.rows:
            if d.cadre_id == cadre_id:
                to = f" to {d.rank}" if d.rank else ""
                return f"{cadre_id}: {d.action}{to} ({d.label}): {d.reason}"
        raise InvalidInputError(f"explain: {cadre_id!r} was not scored in {self.period}")

    def events(self, *, at: dt.date, recorded_by: str) -> tuple[Event, ...]:
        """Return the ledger events: Promoted, Demoted and Left (kept cadres have none).

        .. versionadded:: 0.3
        """
        out: list[Event] = []
        for d in self.rows:
            common: dict[str, Any] = {"at": at, "recorded_by": recorded_by, "reason": d.reason}
            if d.action == "promote" and d.rank is not None:
                out.append(Promoted(cadre_id=d.cadre_id, rank=d.rank, **common))
            elif d.action == "demote":
                out.append(Demoted(cadre_id=d.cadre_id, rank=d.rank, **common))
            elif d.action == "exit":
                out.append(Left(cadre_id=d.cadre_id, **common))
        return tuple(out)

    def _rows(self) -> list[tuple[Any, ...]]:
        return [
            (d.cadre_id, d.grade, d.total, d.action, d.label, d.rank or "", d.reason)
            for d in self.rows
        ]

    def to_pandas(self) -> Any:
        """Return the decisions as a DataFrame.

        .. versionadded:: 0.3
        """
        pd = need_pandas()
        return pd.DataFrame(
            self._rows(), columns=["cadre", "grade", "total", "action", "label", "rank", "reason"]
        )

    def _repr_html_(self) -> str:
        counts = ", ".join(f"{len(self.of(a))} {a}" for a in ACTION_LABELS)  # type: ignore[arg-type]
        return html_table(
            f"Decisions {self.period}: {counts}",
            ("cadre", "grade", "total", "action", "label", "rank", "reason"),
            self._rows(),
        )


def _step(rank: Rank, by: int) -> Rank | None:
    tiers = list(Rank)
    k = rank.level + by
    return tiers[k] if 0 <= k < len(tiers) else None


def decide(
    table: ScoreTable,
    cadres: Iterable[Cadre],
    *,
    pool: ReservePool,
    promotions: int | None = None,
    demote: Sequence[str] | None = None,
    exit: Sequence[str] | None = None,  # noqa: A002
    period: str | None = None,
) -> Decisions:
    """Decide promotions, demotions and exits from a period's grades and the reserve pool.

    能者上: the pool's entries, best total first (ties by id), are promoted one
    rank tier, at most ``promotions`` of them (``None``: all); places go
    down the pool's order to entries below the highest tier, and an entry at
    the highest tier or beyond the places is kept, with the reason. 庸者下: a
    cadre graded in ``demote`` steps down one tier (from the lowest tier:
    from the post, rank ``None``). 劣者汰: a cadre graded in
    ``exit`` leaves. By default ``demote`` is 基本称职 (``"basic"``) and ``exit``
    不称职 (``"incompetent"``), where the scheme has them. Everyone else is
    kept. :meth:`Decisions.events` turns the decisions into ledger events.

    Raises
    ------
    InvalidInputError
        For a negative ``promotions``, an unknown grade id, a grade in both
        lists, a pool of another period, or a scored cadre missing from ``cadres``.

    Examples
    --------
    >>> from cadredev import Cadre
    >>> from cadredev.datasets import demo_score_table
    >>> table = demo_score_table()  # cadres a and b, both at section level
    >>> cadres = [Cadre(id=i, name=i, birth_year=1990, rank="section", unit="u") for i in "ab"]
    >>> result = decide(table, cadres, pool=table.reserve_pool(per_line=1))
    >>> result.explain("b")
    'b: promote to researcher (能者上): in the reserve pool, place 1 of 1'

    .. versionadded:: 0.3
    """
    if promotions is not None and (not is_int(promotions) or promotions < 0):
        raise InvalidInputError(
            f"decide: promotions must be None or an integer >= 0, got {promotions!r}"
        )
    known = {g.id for g in table.scheme.grades}
    demote = tuple(g for g in ("basic",) if g in known) if demote is None else tuple(demote)
    exit = tuple(g for g in ("incompetent",) if g in known) if exit is None else tuple(exit)  # noqa: A001
    for gid in (*demote, *exit):
        table.scheme.grade_index(gid)
    both = sorted(set(demote) & set(exit))
    if both:
        raise InvalidInputError(f"decide: grades {both} are both in demote and in exit")
    board = table.leaderboard(period=period)
    if pool.period != board.period:
        raise InvalidInputError(
            f"decide: the pool is of period {pool.period!r}, the decisions of {board.period!r}"
        )
    by_id = {c.id: c for c in cadres}
    missing = sorted({r.cadre_id for r in board.rows} - set(by_id), key=id_key)
    if missing:
        raise InvalidInputError(f"decide: no cadre record for {', '.join(missing)}")
    entries = sorted(pool.entries, key=lambda e: (-e.total, id_key(e.cadre_id)))
    places = len(entries) if promotions is None else promotions
    pooled = {e.cadre_id for e in entries}
    eligible = [
        e.cadre_id
        for e in entries
        if e.cadre_id in by_id
        and _step(by_id[e.cadre_id].rank, +1) is not None
        and e.grade not in (*demote, *exit)
    ]
    place = {cid: k for k, cid in enumerate(eligible)}
    labels = dict(board.grade_labels)
    rows: list[Decision] = []
    for r in sorted(board.rows, key=lambda r: (-r.total, id_key(r.cadre_id))):
        rank = by_id[r.cadre_id].rank
        grade = labels.get(r.grade, r.grade)
        action: Action = "keep"
        new: Rank | None = None
        if r.grade in exit:
            action, reason = "exit", f"graded {grade}"
        elif r.grade in demote:
            action, new = "demote", _step(rank, -1)
            reason = f"graded {grade}" + (
                "" if new else "; at the lowest tier: steps down from the post"
            )
        elif r.cadre_id in pooled:
            k = place.get(r.cadre_id)
            if k is None:
                reason = "in the reserve pool, already at the highest rank tier"
            elif k >= places:
                reason = f"in the reserve pool, place {k + 1}; only {places} promotion(s)"
            else:
                new = _step(rank, +1)
                action, reason = "promote", f"in the reserve pool, place {k + 1} of {places}"
        else:
            reason = f"graded {grade}; not in the reserve pool"
        rows.append(
            Decision(
                cadre_id=r.cadre_id,
                action=action,
                grade=r.grade,
                total=r.total,
                rank=None if new is None else new.value,
                reason=reason,
            )
        )
    return Decisions(period=board.period, rows=tuple(rows))
