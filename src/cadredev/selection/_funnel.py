"""The nomination funnel: nominees by route through stages, every rejection recorded.

.. versionadded:: 0.3
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from attrs import field, frozen

from cadredev._display import html_table, need_pandas
from cadredev._frozendict import FrozenDict, id_key
from cadredev._validate import (
    ID_RULE,
    FieldError,
    choice_field,
    field_id_map,
    field_ids,
    field_items,
    field_records,
    id_problem,
    int_field,
    is_int,
    is_real,
    named_errors,
    optional_field,
    text_problem,
)
from cadredev._validate import id_field as _check_id
from cadredev._validate import text_field as _check_text
from cadredev.errors import InvalidInputError

__all__ = ["Funnel", "Nominee", "Rejection", "Route", "Stage", "StageOutcome", "funnel"]

Route = Literal["self", "recommended", "organisational"]
ROUTES: dict[str, str] = {
    "self": "个人自荐",
    "recommended": "部门举荐",
    "organisational": "组织考察",
}


@named_errors
@frozen(kw_only=True)
class Nominee:
    """A person put forward, and by which route (自荐 / 举荐 / 组织考察).

    ``recommended_by`` names the recommending unit or person and is required
    for (and only for) the ``"recommended"`` route.

    Examples
    --------
    >>> Nominee(id="c1", route="recommended", recommended_by="招商局").route_label
    '部门举荐'

    .. versionadded:: 0.3
    """

    id: str = field(validator=_check_id)
    route: Route = field(validator=choice_field(ROUTES))
    recommended_by: str | None = field(default=None, validator=optional_field(_check_text))
    name: str = field(default="", validator=_check_text)
    unit: str = field(default="", validator=_check_text)

    def __attrs_post_init__(self) -> None:
        if self.route == "recommended":
            if not isinstance(self.recommended_by, str) or not self.recommended_by.strip():
                raise FieldError(
                    f"recommended_by must name who recommended, got {self.recommended_by!r}"
                )
        elif self.recommended_by is not None:
            raise FieldError(
                f"recommended_by is only for route 'recommended', got {self.recommended_by!r} "
                f"with route {self.route!r}"
            )

    @property
    def route_label(self) -> str:
        """The route's Chinese label."""
        return ROUTES[self.route]


def _scores(value: Any) -> FrozenDict[str, float] | None:
    if value is None:
        return None
    out: FrozenDict[str, float] = field_id_map(value, name="scores", real=True)
    return out


def _reasons(value: Any) -> FrozenDict[str, str]:
    if value is None:
        return FrozenDict()
    if not isinstance(value, Mapping):
        raise FieldError(f"reject must be a mapping nominee id -> reason, got {value!r}")
    for k, v in value.items():
        if id_problem(k) is not None:
            raise FieldError(f"reject must have nominee ids ({ID_RULE}) as keys, got {k!r}")
        if text_problem(v, multiline=True) is not None or not v.strip():
            raise FieldError(f"reject[{k!r}] must be a reason in words, got {v!r}")
    return FrozenDict(value)


def _routes(value: Any) -> frozenset[str] | None:
    if value is None:
        return None
    items = field_items(value, name="routes")
    bad = sorted((i for i in items if not isinstance(i, str) or i not in ROUTES), key=repr)
    if bad:
        raise FieldError(f"routes must be among {', '.join(ROUTES)}, got {bad}")
    return frozenset(items)


@named_errors
@frozen(kw_only=True)
class Stage:
    """One stage of a funnel and its pass rules, applied in this order.

    1. ``routes``: only nominees of these routes enter (``None``: all).
    2. ``reject``: nominee id -> reason, for judgments made outside the
       library (a failed inspection, say).
    3. ``scores`` with ``pass_mark``: a nominee without a score, or below the
       mark, is rejected.
    4. ``top``: only the best ``top`` by score go on (ties at the cut by id).

    Examples
    --------
    >>> Stage(id="written", scores={"a": 80, "b": 50}, pass_mark=60).pass_mark
    60.0

    .. versionadded:: 0.3
    """

    id: str = field(validator=_check_id)
    label: str = field(default="", validator=_check_text)
    routes: frozenset[str] | None = field(default=None, converter=_routes)
    reject: FrozenDict[str, str] = field(factory=FrozenDict, converter=_reasons)
    scores: FrozenDict[str, float] | None = field(default=None, converter=_scores)
    pass_mark: float | None = field(default=None)
    top: int | None = field(default=None)

    def __attrs_post_init__(self) -> None:
        if self.pass_mark is not None:
            if not is_real(self.pass_mark):
                raise FieldError(f"pass_mark must be a finite number, got {self.pass_mark!r}")
            object.__setattr__(self, "pass_mark", float(self.pass_mark))
        if self.top is not None and (not is_int(self.top) or self.top < 0):
            raise FieldError(f"top must be an integer >= 0, got {self.top!r}")
        if (self.pass_mark is not None or self.top is not None) and self.scores is None:
            raise FieldError("pass_mark and top need scores")


@named_errors
@frozen(kw_only=True)
class Rejection:
    """A nominee stopped at a stage, with the reason.

    Examples
    --------
    >>> funnel([Nominee(id="a", route="self")], [Stage(id="s", reject={"a": "absent"})]).rejections
    (Rejection(nominee_id='a', stage='s', reason='absent'),)

    .. versionadded:: 0.3
    """

    nominee_id: str = field(validator=_check_id)
    stage: str = field(validator=_check_id)
    reason: str = field(validator=_check_text)


@named_errors
@frozen(kw_only=True)
class StageOutcome:
    """How many entered a stage and how many went on.

    Examples
    --------
    >>> funnel([Nominee(id="a", route="self")], [Stage(id="s")]).stages
    (StageOutcome(stage='s', label='', entered=1, passed=1),)

    .. versionadded:: 0.3
    """

    stage: str = field(validator=_check_id)
    label: str = field(validator=_check_text)
    entered: int = field(validator=int_field())
    passed: int = field(validator=int_field())


def _nominees(value: object) -> tuple[Nominee, ...]:
    return field_records(value, Nominee, name="nominees")


def _outcomes(value: object) -> tuple[StageOutcome, ...]:
    return field_records(value, StageOutcome, name="stages")


def _passed(value: object) -> tuple[str, ...]:
    return field_ids(value, name="passed")


def _rejections(value: object) -> tuple[Rejection, ...]:
    return field_records(value, Rejection, name="rejections")


@named_errors
@frozen(kw_only=True)
class Funnel:
    """The result of :func:`funnel`: who passed every stage, and every rejection.

    Every nominee is either in :attr:`passed` or in exactly one rejection.

    Examples
    --------
    >>> result = funnel(
    ...     [Nominee(id="a", route="self"), Nominee(id="b", route="organisational")],
    ...     [Stage(id="s", routes=["organisational"])],
    ... )
    >>> result.passed, result.by_route()
    (('b',), {'self': (1, 0), 'organisational': (1, 1)})

    .. versionadded:: 0.3
    """

    nominees: tuple[Nominee, ...] = field(converter=_nominees)
    stages: tuple[StageOutcome, ...] = field(converter=_outcomes)
    passed: tuple[str, ...] = field(converter=_passed)
    rejections: tuple[Rejection, ...] = field(converter=_rejections)

    def by_route(self) -> dict[str, tuple[int, int]]:
        """Route -> (nominated, passed)."""
        passed = set(self.passed)
        out: dict[str, tuple[int, int]] = {}
        for n in self.nominees:
            a, b = out.get(n.route, (0, 0))
            out[n.route] = (a + 1, b + (n.id in passed))
        return out

    def explain(self, nominee_id: str) -> str:
        """Say how far a nominee went and why they stopped.

        Examples
        --------
        >>> result = funnel(
        ...     [Nominee(id="a", route="self")],
        ...     [Stage(id="exam", scores={"a": 50}, pass_mark=60)],
        ... )
        >>> result.explain("a")
        "a (个人自荐): rejected at 'exam': score 50 below the pass mark 60"

        .. versionadded:: 0.3
        """
        for n in self.nominees:
            if n.id == nominee_id:
                head = f"{n.id} ({n.route_label}" + (
                    f" by {n.recommended_by})" if n.recommended_by else ")"
                )
                break
        else:
            raise InvalidInputError(f"explain: unknown nominee {nominee_id!r}")
        for r in self.rejections:
            if r.nominee_id == nominee_id:
                return f"{head}: rejected at {r.stage!r}: {r.reason}"
        return f"{head}: passed all {len(self.stages)} stages"

    def to_pandas(self) -> Any:
        """Return one row per nominee: route, outcome, stage and reason.

        .. versionadded:: 0.3
        """
        pd = need_pandas()
        return pd.DataFrame(
            self._rows(), columns=["nominee", "route", "outcome", "stage", "reason"]
        )

    def _rows(self) -> list[tuple[str, str, str, str, str]]:
        why = {r.nominee_id: r for r in self.rejections}
        rows = []
        for n in self.nominees:
            r = why.get(n.id)
            rows.append(
                (n.id, n.route_label, "passed", "", "")
                if r is None
                else (n.id, n.route_label, "rejected", r.stage, r.reason)
            )
        return rows

    def _repr_html_(self) -> str:
        steps = " -> ".join(f"{s.label or s.stage} {s.entered}→{s.passed}" for s in self.stages)
        title = f"Funnel: {len(self.nominees)} nominated, {len(self.passed)} passed; {steps}"
        return html_table(title, ("nominee", "route", "outcome", "stage", "reason"), self._rows())


def _apply(stage: Stage, entered: list[Nominee]) -> tuple[list[Nominee], list[Rejection]]:
    rejected: list[Rejection] = []
    going: list[Nominee] = []
    for n in entered:
        reason = None
        if stage.routes is not None and n.route not in stage.routes:
            reason = f"route {n.route!r} is not admitted at this stage"
        elif n.id in stage.reject:
            reason = stage.reject[n.id]
        elif stage.scores is not None and n.id not in stage.scores:
            reason = "no score recorded at this stage"
        elif (
            stage.pass_mark is not None
            and stage.scores is not None
            and stage.scores[n.id] < stage.pass_mark
        ):
            reason = f"score {stage.scores[n.id]:g} below the pass mark {stage.pass_mark:g}"
        if reason is None:
            going.append(n)
        else:
            rejected.append(Rejection(nominee_id=n.id, stage=stage.id, reason=reason))
    if stage.top is not None and stage.scores is not None and len(going) > stage.top:
        scores = stage.scores
        going.sort(key=lambda n: (-scores[n.id], id_key(n.id)))
        cut = going[stage.top :]
        going = going[: stage.top]
        rejected += [
            Rejection(
                nominee_id=n.id,
                stage=stage.id,
                reason=f"ranked {stage.top + 1 + k} (score {scores[n.id]:g}); only the top "
                f"{stage.top} go on",
            )
            for k, n in enumerate(cut)
        ]
    return going, rejected


def funnel(nominees: Iterable[Nominee], stages: Iterable[Stage]) -> Funnel:
    """Pass nominees through stages in order (自荐+举荐+组织考察, shortlist, interview ...).

    Each stage applies its rules (see :class:`Stage`) to the nominees still
    in; each one stopped is recorded once, with the stage and the reason.
    Nobody is dropped silently.

    Raises
    ------
    InvalidInputError
        For a nominee listed twice, stages with the same name, or a stage
        whose ``scores`` or ``reject`` name someone not nominated.

    Examples
    --------
    >>> people = [
    ...     Nominee(id="a", route="self"),
    ...     Nominee(id="b", route="recommended", recommended_by="招商局"),
    ... ]
    >>> stages = [Stage(id="shortlist", scores={"a": 70, "b": 90}, top=1)]
    >>> result = funnel(people, stages)
    >>> result.passed, result.rejections[0].reason
    (('b',), 'ranked 2 (score 70); only the top 1 go on')

    .. versionadded:: 0.3
    """
    people = sorted(nominees, key=lambda n: id_key(getattr(n, "id", "")))
    steps = tuple(stages)
    ids: set[str] = set()
    for n in people:
        if not isinstance(n, Nominee):
            raise InvalidInputError(f"funnel: nominees must be Nominee records, got {n!r}")
        if n.id in ids:
            raise InvalidInputError(f"funnel: nominee {n.id!r} is listed twice")
        ids.add(n.id)
    names: set[str] = set()
    for s in steps:
        if not isinstance(s, Stage):
            raise InvalidInputError(f"funnel: stages must be Stage records, got {s!r}")
        if s.id in names:
            raise InvalidInputError(f"funnel: stage {s.id!r} is listed twice")
        names.add(s.id)
        named: Mapping[str, Any] = {**(s.scores or {}), **s.reject}
        unknown = sorted(set(named) - ids, key=id_key)
        if unknown:
            raise InvalidInputError(
                f"funnel: stage {s.id!r} names people not nominated: {', '.join(unknown)}"
            )
    current = list(people)
    outcomes: list[StageOutcome] = []
    rejections: list[Rejection] = []
    for s in steps:
        entered = len(current)
        current, out = _apply(s, current)
        rejections += out
        outcomes.append(
            StageOutcome(stage=s.id, label=s.label, entered=entered, passed=len(current))
        )
    return Funnel(
        nominees=tuple(people),
        stages=tuple(outcomes),
        passed=tuple(sorted((n.id for n in current), key=id_key)),
        rejections=tuple(sorted(rejections, key=lambda r: id_key(r.nominee_id))),
    )
