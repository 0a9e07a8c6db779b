"""``assign_enterprises``: split enterprises across teams as evenly as possible."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Literal

from attrs import frozen

from cadredev._display import html_table, need_pandas
from cadredev._frozendict import FrozenDict
from cadredev._validate import is_int
from cadredev.errors import InvalidInputError
from cadredev.model import Enterprise

from ._result import Teams

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["EnterpriseSplit", "assign_enterprises"]


def _is_assignment(value: object) -> bool:
    return isinstance(value, Mapping) and all(
        is_int(k) and type(ids) is tuple and all(isinstance(x, str) for x in ids)
        for k, ids in value.items()
    )


def _is_split(value: object) -> bool:
    return isinstance(value, Mapping) and all(
        isinstance(k, str) and type(ts) is tuple and all(is_int(t) for t in ts)
        for k, ts in value.items()
    )


@frozen(kw_only=True)
class EnterpriseSplit:
    """Enterprises split across teams by :func:`assign_enterprises`.

    Parameters
    ----------
    assignment
        Team index to the ids of its enterprises (sorted), for every team.
    by
        The grouping key used (``"area"``, ``"industry"``, a function's
        name) or ``None``.
    split_groups
        Group key to the team indices it was spread over, for every group
        that could not be kept in one team (empty without ``by``).

    Examples
    --------
    >>> from cadredev import assign_enterprises, sample_zone
    >>> zone = sample_zone()
    >>> split = assign_enterprises(6, zone.enterprises, by="area")
    >>> split.counts
    (267, 267, 267, 267, 266, 266)

    .. versionadded:: 0.1
    """

    assignment: FrozenDict[int, tuple[str, ...]]
    by: str | None
    split_groups: FrozenDict[str, tuple[int, ...]]

    def __attrs_post_init__(self) -> None:
        checks = (
            ("assignment", _is_assignment, "a mapping of team indices to tuples of enterprise ids"),
            ("by", lambda v: v is None or isinstance(v, str), "None or text"),
            ("split_groups", _is_split, "a mapping of group keys to tuples of team indices"),
        )
        for name, ok, what in checks:
            value = getattr(self, name)
            if not ok(value):
                raise InvalidInputError(f"EnterpriseSplit: {name} must be {what}, got {value!r}")

    def __repr__(self) -> str:
        counts = [len(v) for v in self.assignment.values()]
        spread = f"{min(counts)}-{max(counts)} each" if counts else "none"
        by = f" by {self.by}" if self.by else ""
        return (
            f"EnterpriseSplit({sum(counts)} enterprises over {len(counts)} teams{by}, "
            f"{spread}, {len(self.split_groups)} groups split)"
        )

    @property
    def counts(self) -> tuple[int, ...]:
        """Number of enterprises per team, in team order."""
        return tuple(len(self.assignment[t]) for t in sorted(self.assignment))

    def __getitem__(self, team: int) -> tuple[str, ...]:
        return self.assignment[team]

    def __len__(self) -> int:
        return len(self.assignment)

    def team_of(self, enterprise_id: str) -> int:
        """Return the team index an enterprise was assigned to.

        Raises
        ------
        InvalidInputError
            If the enterprise was not assigned.

        Examples
        --------
        >>> from cadredev import Enterprise, assign_enterprises
        >>> split = assign_enterprises(2, [Enterprise(id="e1"), Enterprise(id="e2")])
        >>> split.team_of("e2")
        1
        """
        for t, ids in self.assignment.items():
            if enterprise_id in ids:
                return t
        raise InvalidInputError(f"EnterpriseSplit: enterprise {enterprise_id!r} is not assigned")

    def to_pandas(self) -> pd.DataFrame:
        """Return one row per enterprise: ``team``, ``enterprise_id``.

        Raises
        ------
        MissingDependencyError
            If pandas is not installed.
        """
        pandas = need_pandas("EnterpriseSplit.to_pandas()")
        rows = [
            {"team": t, "enterprise_id": e}
            for t in sorted(self.assignment)
            for e in self.assignment[t]
        ]
        frame: pd.DataFrame = pandas.DataFrame(rows, columns=["team", "enterprise_id"])
        return frame

    def _repr_html_(self) -> str:
        rows = [
            (t, len(ids), ", ".join(ids[:5]) + (" ..." if len(ids) > 5 else ""))
            for t, ids in sorted(self.assignment.items())
        ]
        by = f", grouped by {self.by}" if self.by is not None else ""
        title = f"EnterpriseSplit: {sum(self.counts)} enterprises across {len(self)} teams{by}"
        return html_table(title, ("team", "enterprises", "first ids"), rows)


def assign_enterprises(
    teams: Teams | int,
    enterprises: Iterable[Enterprise],
    *,
    by: Literal["area", "industry"] | Callable[[Enterprise], str] | None = None,
) -> EnterpriseSplit:
    """Split enterprises across teams as evenly as possible.

    Parameters
    ----------
    teams
        The :class:`Teams` (or just the number of teams).
    enterprises
        The enterprises; ids must be unique. Input order does not matter.
    by
        ``"area"`` or ``"industry"`` (an :class:`~cadredev.Enterprise` field), a
        function of an enterprise returning a group key, or ``None``.

    Returns
    -------
    EnterpriseSplit

    Raises
    ------
    InvalidInputError
        For duplicate enterprise ids, a non-enterprise, an unknown ``by``, or
        enterprises to split across no teams.

    Notes
    -----
    Evenness is a hard rule: the counts differ by at most one, the first
    ``len(enterprises) % n_teams`` teams taking the extra one. Without ``by``
    the enterprises, sorted by id, are cut into consecutive blocks.

    With ``by``, keeping groups together comes second. Groups are taken
    largest first (ties by key) and each goes whole into the team with the
    least remaining room that still fits it. The groups that fit nowhere are
    then laid end to end (largest first) into the remaining room of the
    teams in team order, so a group is split only where a team is full.
    Hence at most ``n_teams - 1`` cuts are made in all: at most
    ``n_teams - 1`` groups are split, and the number of (group, team) pieces
    is at most ``groups + n_teams - 1``. This is not always the fewest
    possible splits (finding those is a bin-packing problem), and a group
    larger than a team's quota is always split.

    Examples
    --------
    >>> from cadredev import form_teams, sample_zone
    >>> zone = sample_zone()
    >>> grids = form_teams(zone.cadres, n_teams=6, seed=0, as_of=zone.as_of)
    >>> split = assign_enterprises(grids, zone.enterprises, by="area")
    >>> sum(split.counts), max(split.counts) - min(split.counts)
    (1600, 1)
    >>> len(split.split_groups) <= 5
    True

    .. versionadded:: 0.1
    """
    k = _team_count(teams)
    items = _enterprises(enterprises)
    key_of, by_name = _grouping(by)
    if k == 0:
        if items:
            raise InvalidInputError(
                f"assign_enterprises: {len(items)} enterprises but no teams to assign them to"
            )
        return EnterpriseSplit(assignment=FrozenDict({}), by=by_name, split_groups=FrozenDict({}))
    ordered = sorted(items, key=lambda e: e.id)
    base, extra = divmod(len(ordered), k)
    quota = [base + (t < extra) for t in range(k)]
    split: dict[str, tuple[int, ...]] = {}
    if key_of is None:
        result: list[list[str]] = []
        at = 0
        for t in range(k):
            result.append([e.id for e in ordered[at : at + quota[t]]])
            at += quota[t]
    else:
        result, split = _pack_groups(_groups(ordered, key_of), quota)
    return EnterpriseSplit(
        assignment=FrozenDict({t: tuple(sorted(result[t])) for t in range(k)}),
        by=by_name,
        split_groups=FrozenDict(split),
    )


def _team_count(teams: Teams | int) -> int:
    if isinstance(teams, Teams):
        return len(teams)
    if is_int(teams) and teams >= 0:
        return int(teams)
    raise InvalidInputError(
        f"assign_enterprises: teams must be Teams or a number of teams >= 0, got {teams!r}"
    )


def _enterprises(enterprises: Iterable[Enterprise]) -> tuple[Enterprise, ...]:
    raw: object = enterprises
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Iterable):
        raise InvalidInputError(
            "assign_enterprises: enterprises must be an iterable of Enterprise, "
            f"got {enterprises!r}"
        )
    items = tuple(enterprises)
    for i, e in enumerate(items):
        if not isinstance(e, Enterprise):
            raise InvalidInputError(
                f"assign_enterprises: enterprises[{i}] must be an Enterprise, got {e!r}"
            )
    counts = Counter(e.id for e in items)
    dupes = sorted(i for i, v in counts.items() if v > 1)
    if dupes:
        raise InvalidInputError(f"assign_enterprises: duplicate enterprise id(s) {dupes}")
    return items


def _grouping(by: object) -> tuple[Callable[[Enterprise], str] | None, str | None]:
    """Return the group key function and its name for ``by``."""
    if by is None:
        return None, None
    if by in ("area", "industry"):
        field_name = str(by)
        return (lambda e: str(getattr(e, field_name))), field_name
    if callable(by):
        return by, str(getattr(by, "__name__", repr(by)))
    raise InvalidInputError(
        f"assign_enterprises: unknown by={by!r}; expected 'area', 'industry', "
        "a function of an enterprise or None"
    )


def _groups(ordered: list[Enterprise], key_of: Callable[[Enterprise], str]) -> dict[str, list[str]]:
    """Return group key -> enterprise ids, in the order given."""
    groups: dict[str, list[str]] = {}
    for e in ordered:
        key = key_of(e)
        if not isinstance(key, str):
            raise InvalidInputError(
                f"assign_enterprises: by returned {key!r} for enterprise {e.id!r}; "
                "expected a string"
            )
        groups.setdefault(key, []).append(e.id)
    return groups


def _pack_groups(
    groups: dict[str, list[str]], quota: list[int]
) -> tuple[list[list[str]], dict[str, tuple[int, ...]]]:
    """Fill each team to its quota: whole groups best-fit first, the rest laid end to end.

    Returns the ids per team and, for every group that was cut, the teams it went to.
    """
    k = len(quota)
    result: list[list[str]] = [[] for _ in range(k)]
    room = list(quota)
    spill: list[str] = []
    for key in sorted(groups, key=lambda g: (-len(groups[g]), g)):
        size = len(groups[key])
        fits = [t for t in range(k) if room[t] >= size]
        if fits:
            t = min(fits, key=lambda t: (room[t], t))
            result[t].extend(groups[key])
            room[t] -= size
        else:
            spill.append(key)
    split: dict[str, tuple[int, ...]] = {}
    t = 0
    for key in spill:
        ids = groups[key]
        used: list[int] = []
        at = 0
        while at < len(ids):
            while room[t] == 0:
                t += 1
            take = min(room[t], len(ids) - at)
            result[t].extend(ids[at : at + take])
            room[t] -= take
            at += take
            used.append(t)
        if len(used) > 1:
            split[key] = tuple(used)
    return result, split
