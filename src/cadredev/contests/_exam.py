"""Exam-based contests (大比武, 以考促学): scores against a pass mark.

.. versionadded:: 0.3
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from attrs import field, frozen

from cadredev._display import html_table, need_pandas
from cadredev._frozendict import id_key
from cadredev._validate import (
    as_float,
    bool_field,
    check_ids,
    field_ids,
    field_records,
    id_field,
    id_problem,
    int_field,
    is_real,
    named_errors,
    real_field,
    text_field,
)
from cadredev.errors import InvalidInputError

__all__ = ["ExamResult", "ExamRow", "exam"]


@named_errors
@frozen(kw_only=True)
class ExamRow:
    """One participant's exam result; ``position`` 1 is the best score (ties share it).

    Examples
    --------
    >>> exam({"a": 72}, pass_mark=60).rows[0]
    ExamRow(position=1, cadre_id='a', score=72.0, passed=True)

    .. versionadded:: 0.3
    """

    position: int = field(validator=int_field(1))
    cadre_id: str = field(validator=id_field)
    score: float = field(converter=as_float, validator=real_field)
    passed: bool = field(validator=bool_field)


def _rows(value: object) -> tuple[ExamRow, ...]:
    return field_records(value, ExamRow, name="rows")


def _absent(value: object) -> tuple[str, ...]:
    return field_ids(value, name="absent")


@named_errors
@frozen(kw_only=True)
class ExamResult:
    """The result of :func:`exam`.

    Attributes
    ----------
    rows
        Participants who sat the exam, best first (ties by id, sharing a position).
    absent
        Enrolled ids without a score: they did not pass and count in :attr:`pass_rate`.
    pass_mark, full_marks
        The marks used.

    Examples
    --------
    >>> result = exam({"a": 72, "b": 55}, pass_mark=60)
    >>> result.passed, result.pass_rate
    (('a',), 0.5)

    .. versionadded:: 0.3
    """

    name: str = field(validator=text_field)
    pass_mark: float = field(converter=as_float, validator=real_field)
    full_marks: float = field(converter=as_float, validator=real_field)
    rows: tuple[ExamRow, ...] = field(converter=_rows)
    absent: tuple[str, ...] = field(default=(), converter=_absent)

    @property
    def participants(self) -> int:
        """Return how many were enrolled (those who sat the exam and the absent)."""
        return len(self.rows) + len(self.absent)

    @property
    def passed(self) -> tuple[str, ...]:
        """The ids of those who passed, best first."""
        return tuple(r.cadre_id for r in self.rows if r.passed)

    @property
    def pass_rate(self) -> float:
        """Passed over participants (absent included); 0 when nobody took part."""
        return len(self.passed) / self.participants if self.participants else 0.0

    def explain(self, cadre_id: str) -> str:
        """Say how a participant did against the pass mark.

        Examples
        --------
        >>> exam({"a": 72, "b": 55}, pass_mark=60).explain("b")
        'b: 55 of 100, position 2 of 2, failed (5 below the pass mark 60)'

        .. versionadded:: 0.3
        """
        if cadre_id in self.absent:
            return f"{cadre_id}: absent, counted as not passed"
        for r in self.rows:
            if r.cadre_id == cadre_id:
                gap = r.score - self.pass_mark
                verdict = (
                    f"passed ({gap:g} above the pass mark {self.pass_mark:g})"
                    if r.passed
                    else f"failed ({-gap:g} below the pass mark {self.pass_mark:g})"
                )
                return (
                    f"{cadre_id}: {r.score:g} of {self.full_marks:g}, position {r.position} "
                    f"of {len(self.rows)}, {verdict}"
                )
        raise InvalidInputError(f"explain: {cadre_id!r} did not take part")

    def to_records(self, *, period: str, indicator: str = "exam") -> Any:
        """Return the scores as scoring :class:`~cadredev.scoring.Records` (absent: 0).

        Examples
        --------
        >>> exam({"a": 72}, pass_mark=60).to_records(period="2025").value("a", "2025", "exam")
        72.0

        .. versionadded:: 0.3
        """
        from cadredev.scoring import Records  # noqa: PLC0415

        rows = [(r.cadre_id, period, indicator, r.score) for r in self.rows]
        rows += [(a, period, indicator, 0.0) for a in self.absent]
        return Records.from_rows(rows)

    def to_pandas(self) -> Any:
        """Return the rows as a DataFrame.

        .. versionadded:: 0.3
        """
        pd = need_pandas()
        return pd.DataFrame(
            [(r.position, r.cadre_id, r.score, r.passed) for r in self.rows],
            columns=["position", "cadre", "score", "passed"],
        )

    def _repr_html_(self) -> str:
        title = (
            f"Exam {self.name}: {len(self.passed)} of {self.participants} passed "
            f"({self.pass_rate:.1%}), pass mark {self.pass_mark:g} of {self.full_marks:g}"
        )
        return html_table(
            title,
            ("position", "cadre", "score", "passed"),
            [(r.position, r.cadre_id, r.score, "yes" if r.passed else "no") for r in self.rows],
        )


def exam(
    scores: Mapping[str, Any],
    *,
    pass_mark: float,
    full_marks: float = 100.0,
    enrolled: Iterable[str] | None = None,
    name: str = "",
) -> ExamResult:
    """Grade an exam: a score per participant against a pass mark (score >= pass mark passes).

    Parameters
    ----------
    scores
        Participant id -> score in ``[0, full_marks]``.
    pass_mark
        The lowest passing score, in ``[0, full_marks]``.
    full_marks
        The highest possible score (> 0).
    enrolled
        Everyone expected; those without a score are listed as absent.
    name
        A label.

    Raises
    ------
    InvalidInputError
        For a score that is not a finite number or is off the scale, a pass
        mark off the scale, or a score for someone not enrolled.

    Examples
    --------
    >>> result = exam({"a": 72, "b": 55, "c": 90}, pass_mark=60, enrolled=["a", "b", "c", "d"])
    >>> result.passed, result.absent, result.pass_rate
    (('c', 'a'), ('d',), 0.5)

    .. versionadded:: 0.3
    """
    if not is_real(full_marks) or full_marks <= 0:
        raise InvalidInputError(f"exam: full_marks must be a number > 0, got {full_marks!r}")
    if not is_real(pass_mark) or not 0 <= pass_mark <= full_marks:
        raise InvalidInputError(
            f"exam: pass_mark must be a number in [0, {full_marks:g}], got {pass_mark!r}"
        )
    if not isinstance(scores, Mapping):
        raise InvalidInputError(f"exam: scores must be a mapping of id -> score, got {scores!r}")
    checked: dict[str, float] = {}
    for cid, value in scores.items():
        if (problem := id_problem(cid)) is not None:
            raise InvalidInputError(f"exam: participant ids must be {problem}, got {cid!r}")
        if not is_real(value) or not 0 <= value <= full_marks:
            raise InvalidInputError(
                f"exam: score of {cid!r} must be a number in [0, {full_marks:g}], got {value!r}"
            )
        checked[cid] = float(value)
    absent: tuple[str, ...] = ()
    if enrolled is not None:
        listed = set(check_ids(enrolled, where="exam", name="enrolled"))
        extra = sorted(set(checked) - listed, key=id_key)
        if extra:
            raise InvalidInputError(f"exam: scores for ids not enrolled: {', '.join(extra)}")
        absent = tuple(sorted(listed - set(checked), key=id_key))
    order = sorted(checked, key=lambda c: (-checked[c], id_key(c)))
    rows: list[ExamRow] = []
    for n, cid in enumerate(order, start=1):
        same = rows and rows[-1].score == checked[cid]
        rows.append(
            ExamRow(
                position=rows[-1].position if same else n,
                cadre_id=cid,
                score=checked[cid],
                passed=checked[cid] >= pass_mark,
            )
        )
    return ExamResult(
        name=name,
        pass_mark=float(pass_mark),
        full_marks=float(full_marks),
        rows=tuple(rows),
        absent=absent,
    )
