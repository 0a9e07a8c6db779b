"""The result of ``form_teams``: :class:`Teams` and its :class:`TeamsReport`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from attrs import field, frozen

from cadredev._display import html_table, need_pandas
from cadredev._frozendict import FrozenDict
from cadredev._validate import is_int, is_real
from cadredev.errors import InvalidInputError
from cadredev.model import Cadre

from ._args import label

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

__all__ = ["Teams", "TeamsReport", "summarise"]


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def _texts(value: object) -> bool:
    return type(value) is tuple and all(isinstance(x, str) for x in value)


def _reals(value: object) -> bool:
    return isinstance(value, Mapping) and all(
        isinstance(k, str) and is_real(v) for k, v in value.items()
    )


def _nested(value: object) -> bool:
    return isinstance(value, Mapping) and all(
        isinstance(k, str) and _reals(v) for k, v in value.items()
    )


def _count(value: object) -> bool:
    return is_int(value) and value >= 0  # type: ignore[operator]


_REPORT_FIELDS: tuple[tuple[str, Any, str], ...] = (
    ("attributes", _texts, "a tuple of attribute names"),
    (
        "categories",
        lambda v: (
            isinstance(v, Mapping) and all(isinstance(k, str) and _texts(c) for k, c in v.items())
        ),
        "a mapping of attribute names to tuples of categories",
    ),
    ("overall", _nested, "a mapping of attribute names to category shares"),
    (
        "shares",
        lambda v: type(v) is tuple and all(_nested(x) for x in v),
        "a tuple of per-team shares",
    ),
    (
        "deviation",
        lambda v: type(v) is tuple and all(_reals(x) for x in v),
        "a tuple of per-team deviations",
    ),
    ("worst_deviation", is_real, "a finite number"),
    ("worst_by_attribute", _reals, "a mapping of attribute names to numbers"),
    ("initial_worst_deviation", is_real, "a finite number"),
    ("sizes", lambda v: type(v) is tuple and all(_count(x) for x in v), "a tuple of integers >= 0"),
    ("cohesion", _texts, "a tuple of attribute names"),
    (
        "shared",
        lambda v: (
            type(v) is tuple
            and all(isinstance(x, frozenset) and all(isinstance(k, str) for k in x) for x in v)
        ),
        "a tuple of frozensets of keys",
    ),
    ("cohesive_teams", _count, "an integer >= 0"),
    (
        "cohesion_share",
        lambda v: v is None or (is_real(v) and 0 <= v <= 1),
        "None or a number in [0, 1]",
    ),
)


def _check_fields(record: object, table: tuple[tuple[str, Any, str], ...]) -> None:
    for name, ok, what in table:
        value = getattr(record, name)
        if not ok(value):
            raise InvalidInputError(
                f"{type(record).__name__}: {name} must be {what}, got {value!r}"
            )


@frozen(kw_only=True)
class TeamsReport:
    """How balanced and how cohesive a set of teams is.

    Shares are fractions in ``[0, 1]``; deviations are in percentage points
    (``100 * (team share - overall share)``).

    Parameters
    ----------
    attributes
        The balanced attributes, in the order given.
    categories
        Attribute name to its categories, in a fixed order.
    overall
        Attribute name to category to the share over the whole roster.
    shares
        Per team: attribute name to category to the team's share.
    deviation
        Per team: attribute name to the team's worst absolute deviation
        from the overall shares, in points.
    worst_deviation
        The worst absolute deviation over every team, attribute and
        category, in points (0 when nothing is balanced).
    worst_by_attribute
        Attribute name to its worst absolute deviation, in points.
    initial_worst_deviation
        The worst deviation of the starting assignment (the stratified deal,
        or the cohesive build) before the local search; never below
        ``worst_deviation``.
    sizes
        Team sizes.
    cohesion
        The cohesion attributes, in the order given.
    shared
        Per team: the keys every member holds.
    cohesive_teams
        How many teams have at least one shared key.
    cohesion_share
        ``cohesive_teams / number of teams``; ``None`` when no cohesion
        attribute was asked for, ``0.0`` when there are no teams.

    Examples
    --------
    >>> from cadredev import form_teams, sample_zone
    >>> zone = sample_zone()
    >>> report = form_teams(zone.cadres, n_teams=6, seed=1, as_of=zone.as_of).report()
    >>> report.worst_deviation <= report.initial_worst_deviation
    True
    >>> report.categories["cohort"]
    ('old', 'middle', 'young')

    .. versionadded:: 0.1
    """

    attributes: tuple[str, ...]
    categories: FrozenDict[str, tuple[str, ...]]
    overall: FrozenDict[str, FrozenDict[str, float]]
    shares: tuple[FrozenDict[str, FrozenDict[str, float]], ...]
    deviation: tuple[FrozenDict[str, float], ...]
    worst_deviation: float
    worst_by_attribute: FrozenDict[str, float]
    initial_worst_deviation: float
    sizes: tuple[int, ...]
    cohesion: tuple[str, ...]
    shared: tuple[frozenset[str], ...]
    cohesive_teams: int
    cohesion_share: float | None

    def __attrs_post_init__(self) -> None:
        _check_fields(self, _REPORT_FIELDS)

    def __repr__(self) -> str:
        worst = f"worst deviation {self.worst_deviation:.1f} pts"
        if self.attributes:
            worst += f" ({', '.join(self.attributes)})"
        cohesive = ""
        if self.cohesion_share is not None:
            cohesive = f", {self.cohesive_teams} cohesive on {', '.join(self.cohesion)}"
        sizes = f"{min(self.sizes)}-{max(self.sizes)}" if self.sizes else "0"
        return f"TeamsReport({len(self.sizes)} teams of {sizes}, {worst}{cohesive})"

    def rows(self) -> list[dict[str, Any]]:
        """Return one row per team, attribute and category (long format).

        Each row has ``team``, ``attribute``, ``category``, ``share``,
        ``overall`` and ``deviation`` (points).

        Examples
        --------
        >>> from cadredev import form_teams, sample_zone
        >>> zone = sample_zone()
        >>> teams = form_teams(zone.cadres, n_teams=6, as_of=zone.as_of, seed=0)
        >>> len(teams.report().rows())
        18
        """
        out: list[dict[str, Any]] = []
        for team, shares in enumerate(self.shares):
            for attr in self.attributes:
                for cat in self.categories[attr]:
                    share = shares[attr][cat]
                    overall = self.overall[attr][cat]
                    out.append(
                        {
                            "team": team,
                            "attribute": attr,
                            "category": cat,
                            "share": share,
                            "overall": overall,
                            "deviation": 100.0 * (share - overall),
                        }
                    )
        return out

    def to_pandas(self) -> pd.DataFrame:
        """Return :meth:`rows` as a pandas DataFrame (needs the ``pandas`` extra).

        Raises
        ------
        MissingDependencyError
            If pandas is not installed.
        """
        pandas = need_pandas("TeamsReport.to_pandas()")
        frame: pd.DataFrame = pandas.DataFrame(
            self.rows(),
            columns=["team", "attribute", "category", "share", "overall", "deviation"],
        )
        return frame

    def _repr_html_(self) -> str:
        cells = [(a, c) for a in self.attributes for c in self.categories[a]]
        cohesive = self.cohesion_share is not None
        header = ["team", "size", *(f"{a}: {c}" for a, c in cells), "worst dev. (pts)"]
        overall = ["overall", sum(self.sizes), *(_pct(self.overall[a][c]) for a, c in cells)]
        overall.append(_fmt(self.worst_deviation))
        if cohesive:
            header.append("shared")
            overall.append(f"{self.cohesive_teams}/{len(self.sizes)}")
        rows = [overall]
        for t, size in enumerate(self.sizes):
            row = [t, size, *(_pct(self.shares[t][a][c]) for a, c in cells)]
            row.append(_fmt(max(self.deviation[t].values(), default=0.0)))
            if cohesive:
                row.append(", ".join(sorted(self.shared[t])))
            rows.append(row)
        worst = _fmt(self.worst_deviation)
        return html_table(
            f"TeamsReport: {len(self.sizes)} teams, worst deviation {worst} points", header, rows
        )


_TEAMS_FIELDS: tuple[tuple[str, Any, str], ...] = (
    (
        "teams",
        lambda v: type(v) is tuple and all(_texts(t) for t in v),
        "a tuple of tuples of cadre ids",
    ),
    (
        "leaders",
        lambda v: type(v) is tuple and all(x is None or isinstance(x, str) for x in v),
        "a tuple of cadre ids or None",
    ),
    ("balance", _texts, "a tuple of attribute names"),
    ("cohesion", _texts, "a tuple of attribute names"),
    ("as_of", lambda v: v is None or is_int(v), "None or an integer year"),
    ("seed", lambda v: v is None or _count(v), "None or an integer >= 0"),
)


@frozen(kw_only=True)
class Teams:
    """Teams (or grids) formed by :func:`form_teams`.

    Parameters
    ----------
    teams
        One tuple of cadre ids per team, ids sorted. Teams with a leader come
        first, in leader id order; the others follow ordered by their members.
    leaders
        Per team, the leader's cadre id or ``None``.
    balance
        Names of the balanced attributes.
    cohesion
        Names of the cohesion attributes.
    as_of
        The reference year used for cohorts, or ``None`` when no attribute
        needed one and none was given.
    seed
        The integer seed the teams were formed with; ``None`` when no seed
        or a :class:`numpy.random.Generator` was given.
    summary
        The :class:`TeamsReport` (also returned by :meth:`report`).

    Examples
    --------
    >>> from cadredev import form_teams, sample_zone
    >>> zone = sample_zone()
    >>> teams = form_teams(zone.cadres, n_teams=6, seed=0, as_of=zone.as_of)
    >>> len(teams), teams.sizes
    (6, (41, 41, 41, 41, 41, 41))
    >>> teams.team_of("c001") in range(6)
    True

    .. versionadded:: 0.1
    """

    teams: tuple[tuple[str, ...], ...]
    leaders: tuple[str | None, ...]
    balance: tuple[str, ...]
    cohesion: tuple[str, ...]
    as_of: int | None
    seed: int | None
    _summary: TeamsReport = field(alias="summary", repr=False)

    def __attrs_post_init__(self) -> None:
        _check_fields(self, _TEAMS_FIELDS)
        if len(self.leaders) != len(self.teams):
            raise InvalidInputError(
                f"Teams: leaders must have one entry per team ({len(self.teams)}), "
                f"got {len(self.leaders)}"
            )
        if not isinstance(self._summary, TeamsReport):
            raise InvalidInputError(f"Teams: summary must be a TeamsReport, got {self._summary!r}")

    def __repr__(self) -> str:
        people = sum(len(t) for t in self.teams)
        how = []
        if self.balance:
            how.append(f"balance {', '.join(self.balance)}")
        if self.cohesion:
            how.append(f"cohesion {', '.join(self.cohesion)}")
        led = sum(leader is not None for leader in self.leaders)
        detail = "; ".join(
            [*how, f"{led} led", f"worst deviation {self._summary.worst_deviation:.1f} pts"]
        )
        return f"Teams({len(self.teams)} teams, {people} cadres; {detail})"

    @property
    def sizes(self) -> tuple[int, ...]:
        """Team sizes, in team order."""
        return tuple(len(t) for t in self.teams)

    def __len__(self) -> int:
        return len(self.teams)

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return iter(self.teams)

    def report(self) -> TeamsReport:
        """Return the balance and cohesion report.

        Examples
        --------
        >>> from cadredev import form_teams, sample_zone
        >>> zone = sample_zone()
        >>> teams = form_teams(zone.cadres, n_teams=6, seed=0, as_of=zone.as_of)
        >>> teams.report().worst_deviation < 3
        True
        """
        return self._summary

    def team_of(self, cadre_id: str) -> int:
        """Return the index of the team ``cadre_id`` belongs to.

        Raises
        ------
        InvalidInputError
            If the cadre is in no team.

        Examples
        --------
        >>> from cadredev import form_teams, sample_zone
        >>> zone = sample_zone()
        >>> teams = form_teams(zone.cadres[:10], n_teams=2, seed=0, as_of=2025)
        >>> teams.team_of(teams.teams[1][0])
        1
        """
        for index, members in enumerate(self.teams):
            if cadre_id in members:
                return index
        raise InvalidInputError(f"Teams: cadre {cadre_id!r} is in no team")

    def leader_of(self, team: int | str) -> str | None:
        """Return the leader of a team (by index) or of a cadre's team (by cadre id).

        Returns ``None`` when the team has no leader.

        Raises
        ------
        InvalidInputError
            If the index is out of range or the cadre is in no team.

        Examples
        --------
        >>> from cadredev import form_teams, sample_zone
        >>> zone = sample_zone()
        >>> teams = form_teams(zone.cadres, n_teams=6, leaders=["c001", "c027"], seed=0, as_of=2025)
        >>> teams.leader_of(0), teams.leader_of(1), teams.leader_of(5)
        ('c001', 'c027', None)
        >>> teams.leader_of("c001")
        'c001'
        """
        if isinstance(team, str):
            return self.leaders[self.team_of(team)]
        if not is_int(team) or not 0 <= team < len(self.teams):
            raise InvalidInputError(
                f"Teams: team index must be in 0..{len(self.teams) - 1}, got {team!r}"
            )
        return self.leaders[team]

    def explain(self, cadre_id: str) -> str:
        """Explain where ``cadre_id`` went: team, leader, team mix and shared keys.

        Examples
        --------
        >>> from cadredev import form_teams, sample_zone
        >>> zone = sample_zone()
        >>> teams = form_teams(zone.cadres, n_teams=6, seed=0, as_of=2025)
        >>> teams.explain("c001").splitlines()[0]
        'c001 is in team ... of 41 members (no leader)'
        """
        t = self.team_of(cadre_id)
        report = self._summary
        leader = self.leaders[t]
        who = "no leader" if leader is None else f"led by {leader}"
        if leader == cadre_id:
            who = "its leader"
        lines = [f"{cadre_id} is in team {t} of {len(self.teams[t])} members ({who})"]
        for attr in report.attributes:
            mix = ", ".join(
                f"{cat} {100 * report.shares[t][attr][cat]:.0f}% "
                f"(overall {100 * report.overall[attr][cat]:.0f}%)"
                for cat in report.categories[attr]
            )
            lines.append(f"  {attr}: {mix}")
        if report.cohesion_share is not None:
            keys = ", ".join(sorted(report.shared[t])) or "none"
            lines.append(f"  shared {'/'.join(report.cohesion)}: {keys}")
        return "\n".join(lines)

    def to_pandas(self) -> pd.DataFrame:
        """Return one row per cadre: ``team``, ``cadre_id``, ``leader`` (bool).

        Raises
        ------
        MissingDependencyError
            If pandas is not installed.
        """
        pandas = need_pandas("Teams.to_pandas()")
        rows = [
            {"team": t, "cadre_id": cid, "leader": cid == self.leaders[t]}
            for t, members in enumerate(self.teams)
            for cid in members
        ]
        frame: pd.DataFrame = pandas.DataFrame(rows, columns=["team", "cadre_id", "leader"])
        return frame

    def _repr_html_(self) -> str:
        report = self._summary
        header = ("team", "size", "leader", "worst dev. (pts)", "shared", "members")
        rows = [
            (
                t,
                len(members),
                self.leaders[t] or "",
                _fmt(max(report.deviation[t].values(), default=0.0)),
                ", ".join(sorted(report.shared[t])),
                " ".join(members),
            )
            for t, members in enumerate(self.teams)
        ]
        sizes = sorted(set(self.sizes))
        span = (
            "" if not sizes else f" of {sizes[0]}" + (f" to {sizes[-1]}" if len(sizes) > 1 else "")
        )
        return html_table(f"Teams: {len(self.teams)} teams{span} members", header, rows)


def summarise(
    roster: tuple[Cadre, ...],
    *,
    team: NDArray[np.int64],
    sizes: NDArray[np.int64],
    leader_ids: tuple[str, ...],
    index: Mapping[str, int],
    keys: list[frozenset[str]],
    bal_names: tuple[str, ...],
    categories: list[tuple[Any, ...]],
    codes: NDArray[np.int64],
    coh_names: tuple[str, ...],
    initial: float,
    as_of: int | None,
    seed: int | None,
) -> Teams:
    """Return the :class:`Teams` of an assignment (cadre -> team index), with its report."""
    k = len(sizes)
    groups = _ordered_groups(roster, team=team, k=k, leader_ids=leader_ids, index=index)
    members = [m for _, _, m in groups]
    labels = [tuple(label(v) for v in cats) for cats in categories]
    overall: dict[str, FrozenDict[str, float]] = {}
    n = len(roster)
    for a, name in enumerate(bal_names):
        counts = np.bincount(codes[:, a], minlength=len(labels[a]))
        overall[name] = FrozenDict({lab: float(counts[c]) / n for c, lab in enumerate(labels[a])})
    shares, deviation, worst_by = _team_mix(members, codes, bal_names, labels, overall)
    shared = [
        frozenset.intersection(*(keys[i] for i in m)) if m and coh_names else frozenset()
        for m in members
    ]
    worst = max(worst_by.values(), default=0.0)
    cohesive = sum(1 for s in shared if s)
    report = TeamsReport(
        attributes=bal_names,
        categories=FrozenDict(dict(zip(bal_names, labels, strict=True))),
        overall=FrozenDict(overall),
        shares=shares,
        deviation=deviation,
        worst_deviation=worst,
        worst_by_attribute=FrozenDict(worst_by),
        initial_worst_deviation=max(initial, worst),
        sizes=tuple(len(g[0]) for g in groups),
        cohesion=coh_names,
        shared=tuple(shared),
        cohesive_teams=cohesive,
        cohesion_share=(cohesive / k if k else 0.0) if coh_names else None,
    )
    return Teams(
        teams=tuple(g[0] for g in groups),
        leaders=tuple(g[1] for g in groups),
        balance=bal_names,
        cohesion=coh_names,
        as_of=as_of,
        seed=seed,
        summary=report,
    )


def _ordered_groups(
    roster: tuple[Cadre, ...],
    *,
    team: NDArray[np.int64],
    k: int,
    leader_ids: tuple[str, ...],
    index: Mapping[str, int],
) -> list[tuple[tuple[str, ...], str | None, list[int]]]:
    """Return (member ids, leader id, member indices) per team, in the documented team order.

    Teams with a leader come first, in leader id order; the others follow,
    ordered by their members.
    """
    members: list[list[int]] = [[] for _ in range(k)]
    for i, t in enumerate(team):
        members[int(t)].append(i)
    lead_of = {index[lid]: t for t, lid in enumerate(leader_ids)}
    groups = [
        (
            tuple(roster[i].id for i in m),
            next((roster[i].id for i in m if i in lead_of), None),
            m,
        )
        for m in members
    ]
    groups.sort(key=lambda g: (g[1] is None, g[1] or "", g[0]))
    return groups


def _team_mix(
    members: list[list[int]],
    codes: NDArray[np.int64],
    bal_names: tuple[str, ...],
    labels: list[tuple[str, ...]],
    overall: Mapping[str, Mapping[str, float]],
) -> tuple[
    tuple[FrozenDict[str, FrozenDict[str, float]], ...],
    tuple[FrozenDict[str, float], ...],
    dict[str, float],
]:
    """Return per team the shares and worst deviations, and the worst deviation per attribute."""
    shares: list[FrozenDict[str, FrozenDict[str, float]]] = []
    deviation: list[FrozenDict[str, float]] = []
    worst_by: dict[str, float] = dict.fromkeys(bal_names, 0.0)
    for m in members:
        size = len(m)
        team_shares: dict[str, FrozenDict[str, float]] = {}
        team_dev: dict[str, float] = {}
        for a, name in enumerate(bal_names):
            counts = np.bincount(codes[m, a], minlength=len(labels[a]))
            sh = {lab: float(counts[c]) / size if size else 0.0 for c, lab in enumerate(labels[a])}
            team_shares[name] = FrozenDict(sh)
            dev = max((100.0 * abs(sh[lab] - overall[name][lab]) for lab in labels[a]), default=0.0)
            team_dev[name] = dev
            worst_by[name] = max(worst_by[name], dev)
        shares.append(FrozenDict(team_shares))
        deviation.append(FrozenDict(team_dev))
    return tuple(shares), tuple(deviation), worst_by
