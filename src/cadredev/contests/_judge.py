"""A judged contest: marks in, a ranked result that explains every judge's part out.

.. versionadded:: 0.3
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from attrs import field, frozen

from cadredev._display import html_table, need_pandas
from cadredev._frozendict import FrozenDict, id_key
from cadredev._validate import (
    FieldError,
    as_float,
    check_items,
    choice_field,
    field_id_map,
    field_pairs,
    field_records,
    id_field,
    int_field,
    named_errors,
    real_field,
    text_field,
)
from cadredev.errors import InvalidInputError

from ._aggregate import Part, aggregate, score_of
from ._records import Contestant, Mark, Panel, as_contestants

__all__ = ["ContestResult", "JudgePart", "Standing", "Ties", "judge"]

Ties = Literal["criteria", "share"]
DIGITS = 9
"""Scores are compared for ties after rounding to this many decimals."""


def _criteria(value: object) -> FrozenDict[str, float]:
    out: FrozenDict[str, float] = field_id_map(value, name="criteria", real=True)
    return out


def _severity(value: object) -> FrozenDict[str, float]:
    out: FrozenDict[str, float] = field_id_map(value, name="severity", real=True)
    return out


@named_errors
@frozen(kw_only=True)
class JudgePart:
    """One judge's part in one contestant's score.

    ``score == sum(part.contribution)`` over a contestant's parts; a recused
    or dropped judge has weight 0 and says why in ``status``.

    Examples
    --------
    >>> JudgePart(judge_id="j1", raw=80.0, adjusted=80.0, weight=0.5, status="counted")
    JudgePart(j1: raw 80 -> 80 x 0.5 = 40 (counted))

    .. versionadded:: 0.3
    """

    judge_id: str = field(validator=id_field)
    raw: float = field(converter=as_float, validator=real_field)
    adjusted: float = field(converter=as_float, validator=real_field)
    weight: float = field(converter=as_float, validator=real_field)
    status: str = field(validator=text_field)

    @property
    def contribution(self) -> float:
        """``weight * adjusted``: the points this judge adds to the score."""
        return self.weight * self.adjusted

    def __repr__(self) -> str:
        return (
            f"JudgePart({self.judge_id}: raw {self.raw:g} -> {self.adjusted:g} x "
            f"{self.weight:g} = {self.contribution:g} ({self.status}))"
        )


def _parts(value: object) -> tuple[JudgePart, ...]:
    return field_records(value, JudgePart, name="parts")


@named_errors
@frozen(kw_only=True)
class Standing:
    """One contestant's place in a contest.

    ``criteria`` holds the mean mark per criterion over the judges counted
    (the tie-break keys, in the panel's order).

    Examples
    --------
    >>> from cadredev.contests import Criterion, Judge, Panel, judge
    >>> panel = Panel(judges=[Judge(id="j1")], criteria=[Criterion(id="x")])
    >>> judge(panel, [{"id": "a"}], [("j1", "a", "x", 70)]).standings[0].score
    70.0

    .. versionadded:: 0.3
    """

    position: int = field(validator=int_field(1))
    contestant_id: str = field(validator=id_field)
    name: str = field(validator=text_field)
    unit: str = field(validator=text_field)
    score: float = field(converter=as_float, validator=real_field)
    judges: int = field(validator=int_field())
    criteria: FrozenDict[str, float] = field(converter=_criteria)
    parts: tuple[JudgePart, ...] = field(repr=False, converter=_parts)

    def __str__(self) -> str:
        head = (
            f"{self.position}. {self.contestant_id} {self.name} ({self.unit}): "
            f"{self.score:.3f} from {self.judges} judge(s)"
        )
        lines = [head]
        lines += [f"   {p!r}" for p in self.parts]
        return "\n".join(lines)


def _standings(value: object) -> tuple[Standing, ...]:
    return field_records(value, Standing, name="standings")


def _unscored(value: object) -> tuple[tuple[str, str], ...]:
    return field_pairs(value, name="unscored")


def _recusals(value: object) -> tuple[tuple[str, str], ...]:
    return field_pairs(value, name="recusals")


def _panel(_: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, Panel):
        raise FieldError(f"{attribute.name} must be a Panel, got {value!r}")


@named_errors
@frozen(kw_only=True, eq=False)
class ContestResult:
    """The result of :func:`judge`: standings, judges' parts, recusals and the unscored.

    Attributes
    ----------
    panel
        The panel that judged.
    standings
        Ranked, best first (see :func:`judge` for the tie rules).
    unscored
        ``(contestant id, reason)`` for contestants without a score.
    recusals
        ``(judge id, contestant id)`` pairs whose marks were excluded (回避).
    severity
        Judge id -> points the judge gives below the panel (positive: harsher).

    Examples
    --------
    >>> from cadredev.contests import Criterion, Judge, Panel, judge
    >>> panel = Panel(judges=[Judge(id="j1"), Judge(id="j2")], criteria=[Criterion(id="x")])
    >>> result = judge(
    ...     panel, [{"id": "a"}, {"id": "b"}], [("j1", "a", "x", 70), ("j2", "a", "x", 80)]
    ... )
    >>> result.ranking, result.unscored
    (('a',), (('b', "not scored: has 0 counted judge(s); method 'mean' needs at least 1"),))

    .. versionadded:: 0.3
    """

    panel: Panel = field(validator=_panel)
    standings: tuple[Standing, ...] = field(converter=_standings)
    unscored: tuple[tuple[str, str], ...] = field(converter=_unscored)
    recusals: tuple[tuple[str, str], ...] = field(converter=_recusals)
    severity: FrozenDict[str, float] = field(converter=_severity)
    ties: str = field(default="criteria", validator=choice_field(("criteria", "share")))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ContestResult):
            return NotImplemented
        return (
            self.panel,
            self.standings,
            self.unscored,
            self.recusals,
            self.severity,
            self.ties,
        ) == (
            other.panel,
            other.standings,
            other.unscored,
            other.recusals,
            other.severity,
            other.ties,
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def scores(self) -> dict[str, float]:
        """Contestant id -> score, best first."""
        return {s.contestant_id: s.score for s in self.standings}

    @property
    def ranking(self) -> tuple[str, ...]:
        """Contestant ids, best first."""
        return tuple(s.contestant_id for s in self.standings)

    def explain(self, contestant_id: str) -> Standing:
        """Return a contestant's standing with every judge's part (print it to read it).

        Raises
        ------
        InvalidInputError
            For a contestant not scored (the message gives the reason) or unknown.

        Examples
        --------
        >>> from cadredev.contests import Criterion, Judge, Panel, judge
        >>> panel = Panel(judges=[Judge(id="j1"), Judge(id="j2")], criteria=[Criterion(id="x")])
        >>> result = judge(panel, [{"id": "c1"}], [("j1", "c1", "x", 80), ("j2", "c1", "x", 90)])
        >>> print(result.explain("c1"))
        1. c1  (): 85.000 from 2 judge(s)
           JudgePart(j1: raw 80 -> 80 x 0.5 = 40 (counted))
           JudgePart(j2: raw 90 -> 90 x 0.5 = 45 (counted))

        .. versionadded:: 0.3
        """
        for s in self.standings:
            if s.contestant_id == contestant_id:
                return s
        for cid, reason in self.unscored:
            if cid == contestant_id:
                raise InvalidInputError(f"explain: contestant {contestant_id!r} {reason}")
        raise InvalidInputError(f"explain: unknown contestant {contestant_id!r}")

    def to_records(self, *, period: str, indicator: str = "contest") -> Any:
        """Return the scores as scoring :class:`~cadredev.scoring.Records` (one indicator).

        Examples
        --------
        >>> from cadredev.contests import Criterion, Judge, Panel, judge
        >>> panel = Panel(judges=[Judge(id="j1")], criteria=[Criterion(id="x")])
        >>> r = judge(panel, [{"id": "c1"}], [("j1", "c1", "x", 80)]).to_records(period="2025")
        >>> r.value("c1", "2025", "contest")
        80.0

        .. versionadded:: 0.3
        """
        from cadredev.scoring import Records  # noqa: PLC0415

        return Records.from_rows(
            (s.contestant_id, period, indicator, s.score) for s in self.standings
        )

    def _rows(self) -> list[tuple[Any, ...]]:
        ids = [c.id for c in self.panel.criteria]
        return [
            (
                s.position,
                s.contestant_id,
                s.name,
                s.unit,
                s.score,
                s.judges,
                *(s.criteria[i] for i in ids),
            )
            for s in self.standings
        ]

    def _header(self) -> tuple[str, ...]:
        names = tuple(c.label or c.id for c in self.panel.criteria)
        return ("position", "contestant", "name", "unit", "score", "judges", *names)

    def to_pandas(self) -> Any:
        """Return the standings as a DataFrame (one row per contestant scored).

        .. versionadded:: 0.3
        """
        pd = need_pandas()
        return pd.DataFrame(self._rows(), columns=list(self._header()))

    def _repr_html_(self) -> str:
        title = (
            f"Contest {self.panel.name or ''} ({self.panel.method}): "
            f"{len(self.standings)} scored, {len(self.unscored)} unscored, "
            f"{len(self.recusals)} recusal(s)"
        )
        return html_table(title, self._header(), self._rows())

    def __repr__(self) -> str:
        return (
            f"ContestResult({len(self.standings)} scored by {len(self.panel.judges)} judges "
            f"({self.panel.method}), {len(self.unscored)} unscored, "
            f"{len(self.recusals)} recusals)"
        )


def _marks(items: Iterable[Any]) -> list[Mark]:
    out: list[Mark] = []
    for n, m in enumerate(check_items(items, where="judge", name="marks")):
        if isinstance(m, Mark):
            out.append(m)
        elif isinstance(m, Mapping):
            out.append(Mark(**m))
        else:
            try:
                j, c, k, v = m
            except (TypeError, ValueError):
                raise InvalidInputError(
                    f"judge: marks[{n}] must be a Mark or (judge, contestant, criterion, value), "
                    f"got {m!r}"
                ) from None
            out.append(Mark(judge_id=j, contestant_id=c, criterion=k, value=v))
    return out


def _check(
    panel: Panel, people: Sequence[Contestant], marks: list[Mark]
) -> dict[tuple[str, str], dict[str, float]]:
    judges = {j.id for j in panel.judges}
    crits = {c.id: c for c in panel.criteria}
    ids: set[str] = set()
    for p in people:
        if p.id in ids:
            raise InvalidInputError(f"judge: contestant {p.id!r} is listed twice")
        ids.add(p.id)
    cells: dict[tuple[str, str], dict[str, float]] = {}
    for m in marks:
        where = f"judge: mark ({m.judge_id!r}, {m.contestant_id!r}, {m.criterion!r})"
        if m.judge_id not in judges:
            raise InvalidInputError(f"{where}: judge {m.judge_id!r} is not on the panel")
        if m.contestant_id not in ids:
            raise InvalidInputError(f"{where}: contestant {m.contestant_id!r} is not listed")
        crit = crits.get(m.criterion)
        if crit is None:
            raise InvalidInputError(f"{where}: criterion {m.criterion!r} is not the panel's")
        if not crit.low <= m.value <= crit.high:
            raise InvalidInputError(
                f"{where}: value must be within [{crit.low:g}, {crit.high:g}], got {m.value:g}"
            )
        cell = cells.setdefault((m.judge_id, m.contestant_id), {})
        if m.criterion in cell:
            raise InvalidInputError(
                f"{where}: judge {m.judge_id!r} scored contestant {m.contestant_id!r} twice "
                f"on criterion {m.criterion!r}"
            )
        cell[m.criterion] = m.value
    for (j, c), cell in cells.items():
        missing = [k for k in crits if k not in cell]
        if missing:
            raise InvalidInputError(
                f"judge: judge {j!r} scored contestant {c!r} on {len(cell)} of {len(crits)} "
                f"criteria; missing {', '.join(missing)}"
            )
    return cells


def _split(
    panel: Panel, people: Sequence[Contestant], cells: Mapping[tuple[str, str], Mapping[str, float]]
) -> tuple[dict[str, dict[str, float]], list[tuple[str, str]], list[tuple[str, str]]]:
    """Return counted totals per contestant, recusals and the unscored."""
    weights = panel.weights
    unit_of = {j.id: j.unit for j in panel.judges}
    by_id = {p.id: p for p in people}
    counted: dict[str, dict[str, float]] = {p.id: {} for p in people}
    recusals: list[tuple[str, str]] = []
    for (j, c), cell in sorted(cells.items(), key=lambda kv: (id_key(kv[0][1]), id_key(kv[0][0]))):
        if panel.recuse and unit_of[j] and unit_of[j] == by_id[c].unit:
            recusals.append((j, c))
            continue
        counted[c][j] = math.fsum(weights[k] * v for k, v in cell.items())
    need = 3 if panel.method == "trimmed" else 1
    unscored: list[tuple[str, str]] = []
    recused_of: dict[str, int] = {}
    for _, c in recusals:
        recused_of[c] = recused_of.get(c, 0) + 1
    for c in sorted(counted, key=id_key):
        n = len(counted[c])
        if n < need:
            why = f"has {n} counted judge(s)"
            if recused_of.get(c):
                why += f" after {recused_of[c]} recusal(s)"
            reason = f"not scored: {why}; method {panel.method!r} needs at least {need}"
            unscored.append((c, reason))
            del counted[c]
    return counted, recusals, unscored


def judge(
    panel: Panel,
    contestants: Iterable[Any],
    marks: Iterable[Any],
    *,
    ties: Ties = "criteria",
) -> ContestResult:
    """Aggregate a panel's marks into ranked scores (评委打分).

    Each judge's marks for a contestant are first combined into the judge's
    total, the criterion marks weighted by the criteria's weight shares. The
    panel's ``method`` then turns the judges' totals into one score (see
    :class:`Panel`); with ``recuse`` a judge's marks for a contestant of the
    judge's own unit are excluded and listed in ``recusals``.

    Ties: scores are compared after rounding to 9 decimals. With
    ``ties="criteria"`` (the default) equal scores are ordered by the mean
    mark on each criterion in the panel's order, higher first, and then by
    contestant id; every position is distinct. With ``ties="share"`` equal
    scores share a position (1, 2, 2, 4) and are listed by id.

    Parameters
    ----------
    panel
        The panel: judges, criteria, method, recusal.
    contestants
        :class:`Contestant` records, cadres, or mappings with ``id`` (and ``unit``, ``name``).
    marks
        :class:`Mark` records, ``(judge, contestant, criterion, value)`` tuples or mappings.
    ties
        ``"criteria"`` or ``"share"``.

    Returns
    -------
    ContestResult
        Contestants without a counted mark (or too few for ``trimmed``) are
        in ``unscored`` with the reason; nothing is dropped silently.

    Raises
    ------
    InvalidInputError
        For a mark of a judge not on the panel, an unknown contestant or
        criterion, a value off the criterion's scale, a judge scoring a
        contestant twice on a criterion, a judge who left out some criteria,
        a contestant listed twice, or (``additive``) contestants not linked
        through shared judges.

    Examples
    --------
    >>> from cadredev.contests import Criterion, Judge, Panel, judge
    >>> panel = Panel(
    ...     judges=[Judge(id=f"j{k}") for k in range(1, 4)],
    ...     criteria=[Criterion(id="results"), Criterion(id="ideas")],
    ...     method="trimmed",
    ... )
    >>> marks = [
    ...     (j, c, k, v)
    ...     for j, c, v in [
    ...         ("j1", "a", 80),
    ...         ("j2", "a", 90),
    ...         ("j3", "a", 70),
    ...         ("j1", "b", 85),
    ...         ("j2", "b", 85),
    ...         ("j3", "b", 60),
    ...     ]
    ...     for k in ("results", "ideas")
    ... ]
    >>> result = judge(panel, [{"id": "a"}, {"id": "b"}], marks)
    >>> result.scores
    {'b': 85.0, 'a': 80.0}

    .. versionadded:: 0.3
    """
    if ties not in ("criteria", "share"):
        raise InvalidInputError(f"judge: ties must be 'criteria' or 'share', got {ties!r}")
    if not isinstance(panel, Panel):
        raise InvalidInputError(f"judge: panel must be a Panel, got {panel!r}")
    people = as_contestants(contestants)
    cells = _check(panel, people, _marks(marks))
    counted, recusals, unscored = _split(panel, people, cells)
    parts, severity = aggregate(counted, panel.method) if counted else ({}, {})
    by_id = {p.id: p for p in people}
    standings = _rank(
        panel,
        by_id=by_id,
        cells=cells,
        counted=counted,
        parts=parts,
        recusals=recusals,
        ties=ties,
    )
    return ContestResult(
        panel=panel,
        standings=standings,
        unscored=tuple(unscored),
        recusals=tuple(recusals),
        severity=FrozenDict(severity),
        ties=ties,
    )


def _rank(
    panel: Panel,
    *,
    by_id: Mapping[str, Contestant],
    cells: Mapping[tuple[str, str], Mapping[str, float]],
    counted: Mapping[str, Mapping[str, float]],
    parts: Mapping[str, list[Part]],
    recusals: Sequence[tuple[str, str]],
    ties: str,
) -> tuple[Standing, ...]:
    rows: list[tuple[str, float, dict[str, float], tuple[JudgePart, ...]]] = []
    weights = panel.weights
    recused: dict[str, list[JudgePart]] = {}
    for j, c in recusals:
        total = math.fsum(weights[k] * v for k, v in cells[(j, c)].items())
        recused.setdefault(c, []).append(
            JudgePart(judge_id=j, raw=total, adjusted=total, weight=0.0, status="recused (回避)")
        )
    for c in counted:
        judges = list(counted[c])
        crit = {
            k.id: math.fsum(cells[(j, c)][k.id] for j in judges) / len(judges)
            for k in panel.criteria
        }
        jp = tuple(
            JudgePart(judge_id=j, raw=counted[c][j], adjusted=v, weight=w, status=s)
            for j, v, w, s in parts[c]
        ) + tuple(recused.get(c, ()))
        rows.append((c, score_of(parts[c]), crit, jp))

    def key(row: tuple[str, float, dict[str, float], Any]) -> tuple[Any, ...]:
        c, s, crit, _ = row
        keys = [-round(crit[k.id], DIGITS) for k in panel.criteria] if ties == "criteria" else []
        return (-round(s, DIGITS), *keys, id_key(c))

    rows.sort(key=key)
    out: list[Standing] = []
    for n, (c, s, crit, jp) in enumerate(rows, start=1):
        position = n
        if ties == "share" and out and round(out[-1].score, DIGITS) == round(s, DIGITS):
            position = out[-1].position
        person = by_id[c]
        out.append(
            Standing(
                position=position,
                contestant_id=c,
                name=person.name,
                unit=person.unit,
                score=s,
                judges=len(counted[c]),
                criteria=FrozenDict(crit),
                parts=jp,
            )
        )
    return tuple(out)
