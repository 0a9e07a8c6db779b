"""Team and grid formation: balanced grids and cohesive industry teams.

:func:`form_teams` splits a roster into teams of given sizes. Two goals can be
asked for, together or apart:

* **balance** (网格化 grid shuffle): every team's mix of an attribute (cohort,
  unit, line, rank, gender) should match the roster's overall mix;
* **cohesion** (industry teams, immersion groups): the members of a team
  should share a key such as an industry.

:func:`assign_enterprises` then splits a list of enterprises across the
teams as evenly as possible, optionally keeping an area or industry together.

Algorithms
----------
Balance starts from a *stratified deal*: cadres are sorted into strata (one
stratum per combination of the balanced attributes, strata in a fixed order),
shuffled inside each stratum with the seeded generator, and dealt round-robin
to the teams, each stratum first to the teams holding the least of its
categories so far (leaders count from the start). A swap-based local search
then exchanges two cadres of different teams whenever the exchange lowers the
sum of squared deviations of the teams' shares from the overall shares
without raising the worst deviation, so the result is never worse than the
deal it starts from, and it stops at a local optimum: no single swap is
acceptable. Cadres with the same strata profile are interchangeable, so the
search works on a numpy count matrix (teams x profiles); the swaps of one team
against all others are scored in vectorised blocks, partner teams that
cannot help are pruned by a lower bound, and a team is only re-examined
against teams whose mix changed since it was last examined. The cost grows
with the number of profiles (the product of the attributes' category
counts): a few dozen profiles are fast at 20,000 cadres, several hundred
take noticeably longer.

Cohesion is solved exactly: a team is cohesive when all its members hold one
common key, so the largest number of cohesive teams is an integer program over
*(key set, key)* assignments: choose how many teams of each size are labelled
with each key and which cadres fill them (cadres with equal key sets are
interchangeable, so the program has one variable per cadre type and key, not
per cadre). It is solved with scipy's HiGHS ``milp``. For teams of two it is
the maximum matching of the "shares a key" graph; for larger teams it is the
same count, still exact; ties between equally cohesive splits go, in a
bounded second search, to the one using the most different keys. Balance is
then improved by swapping cadres with equal key sets only, which never changes
any team's shared keys.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import enum
import html
import itertools
import numbers
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from attrs import field, frozen

from ._frozendict import FrozenDict
from .errors import InvalidInputError, MissingDependencyError
from .model import Cadre, Enterprise

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

__all__ = [
    "EnterpriseSplit",
    "Teams",
    "TeamsReport",
    "assign_enterprises",
    "form_teams",
]

BalanceAttribute = str | Callable[[Cadre], Hashable]
"""A balanced attribute: a built-in name or a function of a cadre."""

CohesionAttribute = str | Callable[[Cadre], Iterable[str]]
"""A cohesion attribute: a built-in name or a function giving a cadre's keys."""

_BALANCE_NAMES = ("cohort", "gender", "grid", "line", "rank", "unit")
_COHESION_NAMES = ("cohort", "gender", "grid", "industries", "line", "rank", "unit")
_TOL = 1e-12
_MAX_PASSES = 200
_CHECKED_CANDIDATES = 64
_CHUNK = 2_000_000
_NODE_LIMIT = 200


# --------------------------------------------------------------------------
# result objects


def _fmt(value: float) -> str:
    return f"{value:.1f}"


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
    >>> from cadredev.datasets import sample_zone
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

    def rows(self) -> list[dict[str, Any]]:
        """Return one row per team, attribute and category (long format).

        Each row has ``team``, ``attribute``, ``category``, ``share``,
        ``overall`` and ``deviation`` (points).

        Examples
        --------
        >>> from cadredev.datasets import sample_zone
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
        pandas = _pandas()
        frame: pd.DataFrame = pandas.DataFrame(
            self.rows(),
            columns=["team", "attribute", "category", "share", "overall", "deviation"],
        )
        return frame

    def _repr_html_(self) -> str:
        head = ["team", "size"]
        for attr in self.attributes:
            head += [f"{attr}: {cat}" for cat in self.categories[attr]]
        head += ["worst dev. (pts)"]
        if self.cohesion_share is not None:
            head += ["shared"]
        rows = [
            "<tr>"
            + "".join(f"<td>{html.escape(x)}</td>" for x in ["overall", str(sum(self.sizes))])
            + "".join(
                f"<td>{100 * self.overall[a][c]:.1f}%</td>"
                for a in self.attributes
                for c in self.categories[a]
            )
            + f"<td>{_fmt(self.worst_deviation)}</td>"
            + (
                f"<td>{self.cohesive_teams}/{len(self.sizes)}</td>"
                if self.cohesion_share is not None
                else ""
            )
            + "</tr>"
        ]
        for t, size in enumerate(self.sizes):
            cells = [str(t), str(size)]
            cells += [
                f"{100 * self.shares[t][a][c]:.1f}%"
                for a in self.attributes
                for c in self.categories[a]
            ]
            cells.append(_fmt(max(self.deviation[t].values(), default=0.0)))
            if self.cohesion_share is not None:
                cells.append(", ".join(sorted(self.shared[t])))
            rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        header = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        return f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


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
        The reference year used for cohorts.
    seed
        The seed the teams were formed with.
    summary
        The :class:`TeamsReport` (also returned by :meth:`report`).

    Examples
    --------
    >>> from cadredev.datasets import sample_zone
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
    as_of: int
    seed: int | None
    _summary: TeamsReport = field(alias="summary", repr=False)

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
        >>> from cadredev.datasets import sample_zone
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
        >>> from cadredev.datasets import sample_zone
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
        >>> from cadredev.datasets import sample_zone
        >>> zone = sample_zone()
        >>> teams = form_teams(zone.cadres, n_teams=6, leaders=["c001", "c027"], seed=0, as_of=2025)
        >>> teams.leader_of(0), teams.leader_of(1), teams.leader_of(5)
        ('c001', 'c027', None)
        >>> teams.leader_of("c001")
        'c001'
        """
        if isinstance(team, str):
            return self.leaders[self.team_of(team)]
        if not _is_int(team) or not 0 <= team < len(self.teams):
            raise InvalidInputError(
                f"Teams: team index must be in 0..{len(self.teams) - 1}, got {team!r}"
            )
        return self.leaders[team]

    def explain(self, cadre_id: str) -> str:
        """Explain where ``cadre_id`` went: team, leader, team mix and shared keys.

        Examples
        --------
        >>> from cadredev.datasets import sample_zone
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
        pandas = _pandas()
        rows = [
            {"team": t, "cadre_id": cid, "leader": cid == self.leaders[t]}
            for t, members in enumerate(self.teams)
            for cid in members
        ]
        frame: pd.DataFrame = pandas.DataFrame(rows, columns=["team", "cadre_id", "leader"])
        return frame

    def _repr_html_(self) -> str:
        report = self._summary
        head = ["team", "size", "leader", "worst dev. (pts)", "shared", "members"]
        body = []
        for t, members in enumerate(self.teams):
            cells = [
                str(t),
                str(len(members)),
                self.leaders[t] or "",
                _fmt(max(report.deviation[t].values(), default=0.0)),
                ", ".join(sorted(report.shared[t])),
                " ".join(members),
            ]
            body.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        header = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        return f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _pandas() -> Any:
    try:
        import pandas as pd  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - pandas is a test dependency
        raise MissingDependencyError(
            "to_pandas needs pandas: pip install 'cadredev[pandas]'"
        ) from exc
    return pd


# --------------------------------------------------------------------------
# validation


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _roster(cadres: Iterable[Cadre]) -> tuple[Cadre, ...]:
    raw: object = cadres
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Iterable):
        raise InvalidInputError(f"form_teams: cadres must be an iterable of Cadre, got {cadres!r}")
    items = tuple(cadres)
    for i, c in enumerate(items):
        if not isinstance(c, Cadre):
            raise InvalidInputError(f"form_teams: cadres[{i}] must be a Cadre, got {c!r}")
    counts = Counter(c.id for c in items)
    dupes = sorted(i for i, k in counts.items() if k > 1)
    if dupes:
        raise InvalidInputError(
            f"form_teams: duplicate cadre id(s) {dupes}; expected every id once"
        )
    return tuple(sorted(items, key=lambda c: c.id))


def _size_range(size: int | tuple[int, int]) -> tuple[int, int]:
    if _is_int(size):
        lo = hi = int(size)  # type: ignore[arg-type]
    elif isinstance(size, tuple | list) and len(size) == 2 and all(_is_int(v) for v in size):
        lo, hi = int(size[0]), int(size[1])
    else:
        raise InvalidInputError(
            f"form_teams: size must be an integer or a (min, max) pair of integers, got {size!r}"
        )
    if not 1 <= lo <= hi:
        raise InvalidInputError(
            f"form_teams: size={size!r} is an impossible size range; "
            "expected (min, max) with 1 <= min <= max"
        )
    return lo, hi


def _team_sizes(
    n: int, n_teams: int | None, size: int | tuple[int, int] | None
) -> NDArray[np.int64]:
    """Return the team sizes: as even as possible, the larger teams first."""
    if n_teams is None and size is None:
        raise InvalidInputError("form_teams: give n_teams, size or both")
    bounds = None if size is None else _size_range(size)
    if n_teams is not None:
        if not _is_int(n_teams) or n_teams < 1:
            raise InvalidInputError(f"form_teams: n_teams must be an integer >= 1, got {n_teams!r}")
        k = int(n_teams)
        if k > n:
            raise InvalidInputError(
                f"form_teams: n_teams={k} is more teams than the {n} cadres given"
            )
    else:
        assert bounds is not None  # noqa: S101  (one of the two is given)
        k = -(-n // bounds[1])
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    base, extra = divmod(n, k)
    if bounds is not None:
        lo, hi = bounds
        smallest, largest = base, base + (extra > 0)
        if smallest < lo or largest > hi:
            if n_teams is None:
                raise InvalidInputError(
                    f"form_teams: {n} cadres cannot be split into teams of {lo} to {hi}"
                )
            raise InvalidInputError(
                f"form_teams: n_teams={k} and size={size!r} are inconsistent for {n} cadres: "
                f"the teams would have {smallest} to {largest} members"
            )
    sizes = np.full(k, base, dtype=np.int64)
    sizes[:extra] += 1
    return sizes


def _attributes(
    spec: object, names: tuple[str, ...], what: str
) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """Return (names, getters) for a balance or cohesion specification."""
    items: tuple[Any, ...]
    if isinstance(spec, str) or callable(spec):
        items = (spec,)
    elif isinstance(spec, Iterable):
        items = tuple(spec)
    else:
        raise InvalidInputError(
            f"form_teams: {what} must be a sequence of attribute names, got {spec!r}"
        )
    labels: list[str] = []
    for item in items:
        if isinstance(item, str):
            if item not in names:
                raise InvalidInputError(
                    f"form_teams: unknown {what} attribute {item!r}; expected one of "
                    f"{', '.join(names)} or a function of a cadre"
                )
            labels.append(item)
        elif callable(item):
            labels.append(str(getattr(item, "__name__", repr(item))))
        else:
            raise InvalidInputError(
                f"form_teams: {what} attribute must be a name or a function, got {item!r}"
            )
    dupes = sorted(k for k, v in Counter(labels).items() if v > 1)
    if dupes:
        raise InvalidInputError(f"form_teams: {what} names {dupes} more than once")
    return tuple(labels), items


def _as_of(as_of: int | None) -> int:
    if as_of is None:
        return dt.datetime.now(tz=dt.UTC).year
    if not _is_int(as_of) or not 1900 <= as_of <= 3000:
        raise InvalidInputError(f"form_teams: as_of must be a year (an integer), got {as_of!r}")
    return int(as_of)


def _seed(seed: int | None) -> int | None:
    if seed is not None and (not _is_int(seed) or seed < 0):
        raise InvalidInputError(f"form_teams: seed must be an integer >= 0 or None, got {seed!r}")
    return None if seed is None else int(seed)


def _leaders(leaders: Iterable[str] | None, ids: Mapping[str, int], k: int) -> tuple[str, ...]:
    if leaders is None:
        return ()
    if isinstance(leaders, str) or not isinstance(leaders, Iterable):
        raise InvalidInputError(
            f"form_teams: leaders must be a collection of cadre ids, got {leaders!r}"
        )
    items = tuple(leaders)
    for lid in items:
        if lid not in ids:
            raise InvalidInputError(
                f"form_teams: leader {lid!r} is not among the cadres; "
                "expected the id of a cadre in the roster"
            )
    dupes = sorted(i for i, v in Counter(items).items() if v > 1)
    if dupes:
        raise InvalidInputError(f"form_teams: leader(s) {dupes} given more than once")
    if len(items) > k:
        raise InvalidInputError(
            f"form_teams: {len(items)} leaders for {k} teams; expected at most one per team"
        )
    return tuple(sorted(items))


def _category_key(value: object) -> tuple[int, int, str]:
    if value is None:
        return (2, 0, "")
    if isinstance(value, enum.Enum):
        return (0, list(type(value)).index(value), str(value.value))
    return (1, 0, str(value))


def _label(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def _balance_value(cadre: Cadre, attr: Any, as_of: int) -> Hashable:
    if callable(attr):
        return attr(cadre)  # type: ignore[no-any-return]
    if attr == "cohort":
        try:
            return cadre.cohort(as_of=as_of)
        except InvalidInputError as exc:
            raise InvalidInputError(f"form_teams: cadre {cadre.id!r}: {exc}") from None
    return getattr(cadre, attr)  # type: ignore[no-any-return]


def _cohesion_keys(cadre: Cadre, attr: Any, as_of: int) -> frozenset[str]:
    if callable(attr):
        raw = attr(cadre)
        if isinstance(raw, str) or not isinstance(raw, Iterable):
            raise InvalidInputError(
                f"form_teams: cohesion function returned {raw!r} for cadre {cadre.id!r}; "
                "expected a collection of strings"
            )
        return frozenset(str(v) for v in raw)
    if attr == "industries":
        return cadre.industries
    value = _balance_value(cadre, attr, as_of)
    return frozenset() if value is None else frozenset({_label(value)})


# --------------------------------------------------------------------------
# form_teams


def form_teams(
    cadres: Iterable[Cadre],
    *,
    n_teams: int | None = None,
    size: int | tuple[int, int] | None = None,
    balance: Sequence[BalanceAttribute] | BalanceAttribute = ("cohort",),
    cohesion: Sequence[CohesionAttribute] | CohesionAttribute = (),
    leaders: Iterable[str] | None = None,
    seed: int | None = None,
    as_of: int | None = None,
) -> Teams:
    """Split cadres into teams that are balanced, cohesive, or both.

    Parameters
    ----------
    cadres
        The roster; ids must be unique. Input order does not matter.
    n_teams
        Number of teams.
    size
        Team size, an integer or a ``(min, max)`` range. Team sizes are
        always as even as possible (they differ by at most one); with both
        ``n_teams`` and ``size`` given the two must
        agree. With ``size`` alone the fewest teams are formed
        (``ceil(len(cadres) / max)``).
    balance
        Attributes whose shares in every team should match the overall
        shares: any of ``"cohort"``, ``"unit"``, ``"line"``, ``"rank"``,
        ``"gender"``, ``"grid"`` (``None`` values form their own category) or
        a function of a cadre returning a hashable category.
    cohesion
        Attributes whose keys the members of a team should share:
        ``"industries"`` (set-valued), any balance name (single-valued), or a
        function of a cadre returning a collection of string keys. With more
        than one, a team is cohesive when its members share any one key.
        Cohesion comes first; balance is then improved without changing any
        team's shared keys.
    leaders
        Cadre ids of team leaders, at most one per team: leader ``i`` in id
        order leads team ``i``. Leaders stay in their team while the others
        are balanced around them.
    seed
        Seed for :func:`numpy.random.default_rng`; it only decides which of
        several interchangeable cadres goes where.
    as_of
        Reference year for the ``"cohort"`` attribute (ages are
        ``as_of - birth_year``, cohorts as in :func:`~cadredev.cohort_of`).
        Defaults to the current calendar year; pass the zone's year
        (``zone.as_of``) for results that do not change with the date.

    Returns
    -------
    Teams

    Raises
    ------
    InvalidInputError
        For duplicate cadre ids, more teams than cadres, an impossible or
        inconsistent size, an unknown attribute name, a leader who is not
        among the cadres, or more leaders than teams.

    Notes
    -----
    Balance is measured per team and attribute category as
    ``team share - overall share``; the search lowers the sum of squares of
    these deviations and never raises the worst one, starting from a
    stratified round-robin deal. It is a local search: the worst deviation it
    reaches is reported, not proven minimal. Cohesion is exact: the number
    of teams whose members all share a key is the maximum possible for the
    given sizes and leaders (an integer program solved with scipy's HiGHS).
    Keeping that count, a second, bounded search (a fixed node limit, so the
    result stays deterministic) looks for a split whose teams share as many
    different keys as possible: four immersion groups get four different
    industries when the roster allows.
    Equal inputs and seeds give equal results whatever the input order.

    Examples
    --------
    A grid shuffle of the sample zone, six grids balanced by cohort:

    >>> from cadredev.datasets import sample_zone
    >>> zone = sample_zone()
    >>> grids = form_teams(zone.cadres, n_teams=6, seed=0, as_of=zone.as_of)
    >>> grids.sizes
    (41, 41, 41, 41, 41, 41)
    >>> grids.report().worst_deviation < 3  # points
    True

    Industry pairs:

    >>> from cadredev import Cadre
    >>> people = [
    ...     Cadre(id=f"p{i}", name="", birth_year=1990, rank="section", unit="u", industries=ind)
    ...     for i, ind in enumerate([{"ai"}, {"stone"}, {"ai", "logistics"}, {"stone"}])
    ... ]
    >>> pairs = form_teams(people, size=2, cohesion=["industries"], balance=(), seed=0)
    >>> pairs.teams
    (('p0', 'p2'), ('p1', 'p3'))
    >>> pairs.report().cohesion_share
    1.0

    .. versionadded:: 0.1
    """
    return _form_teams(
        cadres,
        n_teams=n_teams,
        size=size,
        balance=balance,
        cohesion=cohesion,
        leaders=leaders,
        seed=seed,
        as_of=as_of,
        improve=True,
    )


def _form_teams(
    cadres: Iterable[Cadre],
    *,
    n_teams: int | None,
    size: int | tuple[int, int] | None,
    balance: Sequence[BalanceAttribute] | BalanceAttribute,
    cohesion: Sequence[CohesionAttribute] | CohesionAttribute,
    leaders: Iterable[str] | None,
    seed: int | None,
    as_of: int | None,
    improve: bool,
) -> Teams:
    """Do the work of :func:`form_teams`; ``improve=False`` stops after the deal."""
    roster = _roster(cadres)
    n = len(roster)
    sizes = _team_sizes(n, n_teams, size)
    k = len(sizes)
    bal_names, bal_attrs = _attributes(balance, _BALANCE_NAMES, "balance")
    coh_names, coh_attrs = _attributes(cohesion, _COHESION_NAMES, "cohesion")
    year = _as_of(as_of)
    seed_ = _seed(seed)
    index = {c.id: i for i, c in enumerate(roster)}
    leader_ids = _leaders(leaders, index, k)
    rng = np.random.default_rng(seed_)

    # balanced attributes as integer codes
    categories: list[tuple[Any, ...]] = []
    codes = np.zeros((n, len(bal_attrs)), dtype=np.int64)
    for a, attr in enumerate(bal_attrs):
        values = [_balance_value(c, attr, year) for c in roster]
        cats = tuple(sorted(set(values), key=_category_key))
        pos = {v: i for i, v in enumerate(cats)}
        codes[:, a] = [pos[v] for v in values]
        categories.append(cats)

    # cohesion keys and cadre types (equal key sets)
    keys: list[frozenset[str]] = [frozenset()] * n
    if coh_attrs:
        multi = len(coh_attrs) > 1
        for i, c in enumerate(roster):
            found: set[str] = set()
            for name, attr in zip(coh_names, coh_attrs, strict=True):
                got = _cohesion_keys(c, attr, year)
                found |= {f"{name}:{x}" for x in got} if multi else set(got)
            keys[i] = frozenset(found)
    type_sets = sorted(set(keys), key=lambda s: (len(s), sorted(s)))
    type_pos = {s: i for i, s in enumerate(type_sets)}
    ctype = np.array([type_pos[s] for s in keys], dtype=np.int64)

    # profiles: cadres with equal type and balanced codes are interchangeable
    rows = np.column_stack([ctype, codes]) if n else np.zeros((0, 1 + codes.shape[1]), np.int64)
    if n:
        uniq, profile = np.unique(rows, axis=0, return_inverse=True)
        profile = profile.reshape(-1)
    else:
        uniq, profile = rows, np.zeros(0, dtype=np.int64)
    offsets = np.cumsum([0] + [len(c) for c in categories])
    n_cols = int(offsets[-1])
    xp = np.zeros((len(uniq), n_cols), dtype=np.float64)
    for a in range(len(categories)):
        xp[np.arange(len(uniq)), offsets[a] + uniq[:, 1 + a]] = 1.0
    p_type = uniq[:, 0] if len(uniq) else np.zeros(0, dtype=np.int64)
    x_cadre = xp[profile] if n else np.zeros((0, n_cols))
    overall = x_cadre.sum(axis=0) / n if n else np.zeros(n_cols)

    # leaders are fixed in teams 0..L-1
    team = np.full(n, -1, dtype=np.int64)
    for t, lid in enumerate(leader_ids):
        team[index[lid]] = t
    movable = team < 0
    # seeded order inside every stratum
    pos_rank = np.empty(n, dtype=np.int64)
    pos_rank[rng.permutation(n)] = np.arange(n)
    open_slots = sizes.copy()
    open_slots[: len(leader_ids)] -= 1

    if coh_attrs:
        _cohesive_build(
            team,
            movable=movable,
            ctype=ctype,
            type_sets=type_sets,
            profile=profile,
            pos_rank=pos_rank,
            sizes=sizes,
            leader_ids=leader_ids,
            index=index,
        )
    else:
        order = np.flatnonzero(movable)
        order = order[np.lexsort((pos_rank[order], profile[order]))]
        seeded = np.zeros((len(sizes), xp.shape[1]))
        np.add.at(seeded, team[~movable], x_cadre[~movable])
        team[order] = _deal_strata(
            profile[order],
            xp=xp,
            open_slots=open_slots,
            sizes=sizes,
            overall=overall,
            counts=seeded,
        )

    initial = _worst(team, x_cadre, sizes, overall)
    allowed = p_type[:, None] == p_type[None, :] if coh_attrs else None
    if improve:
        team = _improve(
            team,
            movable=movable,
            profile=profile,
            pos_rank=pos_rank,
            xp=xp,
            sizes=sizes,
            overall=overall,
            allowed=allowed,
        )

    return _result(
        roster,
        team=team,
        sizes=sizes,
        leader_ids=leader_ids,
        index=index,
        keys=keys,
        bal_names=bal_names,
        categories=categories,
        codes=codes,
        coh_names=coh_names,
        initial=initial,
        as_of=year,
        seed=seed_,
    )


def _deal(count: int, open_slots: NDArray[np.int64]) -> NDArray[np.int64]:
    """Deal ``count`` items round-robin into teams with ``open_slots`` places each."""
    out = np.empty(count, dtype=np.int64)
    remaining = open_slots.copy()
    k = len(remaining)
    t = 0
    for i in range(count):
        while remaining[t] == 0:
            t = (t + 1) % k
        out[i] = t
        remaining[t] -= 1
        t = (t + 1) % k
    return out


def _deal_strata(
    strata: NDArray[np.int64],
    *,
    xp: NDArray[np.float64],
    open_slots: NDArray[np.int64],
    sizes: NDArray[np.int64],
    overall: NDArray[np.float64],
    counts: NDArray[np.float64],
) -> NDArray[np.int64]:
    """Deal cadres, sorted by stratum, stratum by stratum.

    Each stratum is dealt round-robin, one cadre per team and round, to the
    teams holding the least of its categories so far relative to their
    expected share (``counts / (size * overall share)``, summed over the
    balanced attributes); ties follow the round-robin order, which carries
    on from one stratum to the next. With one balanced attribute this is the
    plain round-robin deal.
    """
    k = len(open_slots)
    out = np.empty(len(strata), dtype=np.int64)
    remaining = open_slots.copy()
    counts = counts.copy()
    expected = np.maximum(sizes[:, None] * overall[None, :], 1e-12)
    pointer = 0
    starts = np.flatnonzero(np.r_[True, strata[1:] != strata[:-1]]) if len(strata) else ()
    bounds = [*(int(x) for x in starts), len(strata)]
    for lo, hi in itertools.pairwise(bounds):
        p = int(strata[lo])
        cols = np.flatnonzero(xp[p])
        at = lo
        while at < hi:
            avail = np.flatnonzero(remaining > 0)
            score = (counts[np.ix_(avail, cols)] / expected[np.ix_(avail, cols)]).sum(axis=1)
            rot = (avail - pointer) % k
            chosen = avail[np.lexsort((rot, score))][: hi - at]
            chosen = chosen[np.argsort((chosen - pointer) % k, kind="stable")]
            out[at : at + len(chosen)] = chosen
            counts[chosen] += xp[p]
            remaining[chosen] -= 1
            pointer = (int(chosen[-1]) + 1) % k
            at += len(chosen)
    return out


def _deviation(
    team: NDArray[np.int64], x_cadre: NDArray[np.float64], sizes: NDArray[np.int64], overall: Any
) -> NDArray[np.float64]:
    k = len(sizes)
    counts = np.zeros((k, x_cadre.shape[1]))
    np.add.at(counts, team, x_cadre)
    return counts / np.maximum(sizes, 1)[:, None] - overall[None, :]  # type: ignore[no-any-return]


def _worst(
    team: NDArray[np.int64], x_cadre: NDArray[np.float64], sizes: NDArray[np.int64], overall: Any
) -> float:
    if x_cadre.shape[1] == 0 or len(sizes) == 0:
        return 0.0
    return 100.0 * float(np.abs(_deviation(team, x_cadre, sizes, overall)).max())


def _improve(
    team: NDArray[np.int64],
    *,
    movable: NDArray[np.bool_],
    profile: NDArray[np.int64],
    pos_rank: NDArray[np.int64],
    xp: NDArray[np.float64],
    sizes: NDArray[np.int64],
    overall: NDArray[np.float64],
    allowed: NDArray[np.bool_] | None,
) -> NDArray[np.int64]:
    """Swap-based local search on the teams x profiles count matrix."""
    k, n_prof = len(sizes), xp.shape[0]
    if k < 2 or xp.shape[1] == 0 or n_prof == 0:
        return team
    counts = np.zeros((k, n_prof), dtype=np.int64)
    np.add.at(counts, (team, profile), 1)
    mov = np.zeros((k, n_prof), dtype=np.int64)
    np.add.at(mov, (team[movable], profile[movable]), 1)
    start = mov.copy()
    inv = 1.0 / sizes.astype(np.float64)
    inv2 = inv * inv
    dev = (counts @ xp) * inv[:, None] - overall[None, :]
    rowmax = np.abs(dev).max(axis=1)
    proj = dev @ xp.T  # dev_t . x_p
    gram = xp @ xp.T
    sq = np.diag(gram)
    dist = sq[:, None] + sq[None, :] - 2.0 * gram  # ||x_p - x_q||^2
    same = np.eye(n_prof, dtype=bool)
    ok_pair = ~same if allowed is None else allowed & ~same
    partners = [np.flatnonzero(ok_pair[p]) for p in range(n_prof)]
    # smallest ||x_p - x_q||^2 over allowed pairs: bounds every swap's cost term
    gap = float(dist[ok_pair].min()) if ok_pair.any() else 0.0

    # "don't look" stamps: a team found without an acceptable swap at clock
    # c only needs to look again at partner teams whose rows changed since
    # (a rejected swap stays rejected while both rows stay the same, because
    # the worst deviation never rises).
    clock = 0
    changed = np.zeros(k, dtype=np.int64)
    checked = np.full(k, -1, dtype=np.int64)
    for _ in range(_MAX_PASSES):
        moved = False
        for t in np.argsort(-rowmax, kind="stable"):
            if checked[t] >= changed[t]:
                partners_mask = changed > checked[t]
                if not partners_mask.any():
                    continue
            else:
                partners_mask = np.ones(k, dtype=bool)
            present = np.flatnonzero(mov[t] > 0)
            if present.size == 0:
                checked[t] = clock
                continue
            ps = np.concatenate([np.full(len(partners[p]), p) for p in present])
            qs = np.concatenate([partners[p] for p in present])
            if qs.size == 0:
                checked[t] = clock
                continue
            best = _best_swap(
                int(t),
                partners_mask=partners_mask,
                present=present,
                ps=ps,
                qs=qs,
                dist=dist,
                gap=gap,
                proj=proj,
                inv=inv,
                inv2=inv2,
                mov=mov,
                dev=dev,
                rowmax=rowmax,
                xp=xp,
            )
            if best is None:
                checked[t] = clock
                continue
            u, p, q = best
            clock += 1
            changed[t] = changed[u] = clock
            delta = xp[q] - xp[p]
            dev[t] += delta * inv[t]
            dev[u] -= delta * inv[u]
            for r in (t, u):
                rowmax[r] = np.abs(dev[r]).max()
                proj[r] = dev[r] @ xp.T
            for arr in (counts, mov):
                arr[t, p] -= 1
                arr[u, p] += 1
                arr[u, q] -= 1
                arr[t, q] += 1
            moved = True
        if not moved:
            break
    return _realise(
        team, movable=movable, profile=profile, pos_rank=pos_rank, start=start, final=mov
    )


def _best_swap(
    t: int,
    *,
    partners_mask: NDArray[np.bool_],
    present: NDArray[np.int64],
    ps: NDArray[np.int64],
    qs: NDArray[np.int64],
    dist: NDArray[np.float64],
    gap: float,
    proj: NDArray[np.float64],
    inv: NDArray[np.float64],
    inv2: NDArray[np.float64],
    mov: NDArray[np.int64],
    dev: NDArray[np.float64],
    rowmax: NDArray[np.float64],
    xp: NDArray[np.float64],
) -> tuple[int, int, int] | None:
    """Return the best swap (partner team, profile out of t, profile into t) or None.

    Swapping a profile-``p`` cadre of team ``t`` with a profile-``q`` cadre of
    team ``u`` changes the sum of squared deviations by
    ``a[u, q] - a[u, p] + ||x_p - x_q||^2 (1/s_t^2 + 1/s_u^2)`` with
    ``a[u, x] = 2 dev_t.x / s_t - 2 dev_u.x / s_u``. Pairs that would push
    team ``t`` itself past the worst deviation are dropped first. Partner teams whose
    lower bound (best ``q`` against best ``p``, smallest cost term) cannot
    improve are skipped; the rest are scanned most promising first, in
    growing blocks, and the first block holding an acceptable swap decides:
    its largest drop among swaps that do not raise the worst deviation, ties
    to the lowest partner team and pair index. ``None`` means no swap of
    team ``t`` with any other team is acceptable.
    """
    # swaps that would push team t itself past the worst deviation are out
    current = float(rowmax.max())
    delta = xp[qs] - xp[ps]
    new_t = np.abs(dev[t][None, :] + delta * inv[t]).max(axis=1)
    keep = new_t <= current + _TOL
    if not keep.any():
        return None
    ps, qs, delta, new_t = ps[keep], qs[keep], delta[keep], new_t[keep]
    present = np.unique(ps)
    # work on the profiles involved only: those of team t and their partners
    cols = np.unique(qs)
    pj = np.searchsorted(present, ps)
    qi = np.searchsorted(cols, qs)
    avail = mov[:, cols] > 0
    a = 2.0 * inv[t] * proj[t, cols][None, :] - 2.0 * inv[:, None] * proj[:, cols]
    a_p = 2.0 * inv[t] * proj[t, present][None, :] - 2.0 * inv[:, None] * proj[:, present]
    low_q = np.where(avail, a, np.inf).min(axis=1)
    high_p = a_p.max(axis=1)
    bound = low_q - high_p + gap * (inv2[t] + inv2)
    bound[t] = np.inf
    bound[~partners_mask] = np.inf
    teams_u = np.flatnonzero(bound < -_TOL)
    if teams_u.size == 0:
        return None
    teams_u = teams_u[np.argsort(bound[teams_u], kind="stable")]
    g = dist[ps, qs]
    tops = [int(r) for r in np.argsort(-rowmax, kind="stable")[:3] if r != t][:2]
    first = float(rowmax[tops[0]]) if tops else 0.0
    second = float(rowmax[tops[1]]) if len(tops) > 1 else 0.0
    limit = max(1, _CHUNK // max(len(ps), 1))
    lo, step = 0, min(8, limit)
    while lo < len(teams_u):
        block = teams_u[lo : lo + step]
        lo += step
        step = min(step * 4, limit)
        total = a[block][:, qi] - a_p[block][:, pj]
        total += g[None, :] * (inv2[t] + inv2[block])[:, None]
        total = np.where(avail[block][:, qi], total, np.inf)
        rows, cols = np.nonzero(total < -_TOL)
        if rows.size == 0:
            continue
        us, js, vs = block[rows], cols, total[rows, cols]
        order = np.lexsort((js, us, vs))
        us, js = us[order], js[order]
        at = 0
        width = _CHECKED_CANDIDATES
        while at < len(us):
            cu, cj = us[at : at + width], js[at : at + width]
            others = np.where(cu == (tops[0] if tops else -1), second, first)
            new_u = np.abs(dev[cu] - delta[cj] * inv[cu][:, None]).max(axis=1)
            worst = np.maximum(np.maximum(others, new_t[cj]), new_u)
            ok = np.flatnonzero(worst <= current + _TOL)
            if ok.size:
                c = int(ok[0])
                return int(cu[c]), int(ps[cj[c]]), int(qs[cj[c]])
            at += width
            width *= 8
    return None


def _realise(
    team: NDArray[np.int64],
    *,
    movable: NDArray[np.bool_],
    profile: NDArray[np.int64],
    pos_rank: NDArray[np.int64],
    start: NDArray[np.int64],
    final: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Turn the final count matrix into a concrete assignment, moving few cadres.

    Inside a (team, profile) cell cadres leave last-in-seeded-order first;
    they join teams in team order, earliest in seeded order first.
    """
    diff = final - start
    if not diff.any():
        return team
    out = team.copy()
    n_prof = start.shape[1]
    idx = np.flatnonzero(movable)
    cell = team[idx] * n_prof + profile[idx]
    order = idx[np.lexsort((pos_rank[idx], cell))]
    cells_sorted = team[order] * n_prof + profile[order]
    released: dict[int, list[int]] = {}
    for t, p in zip(*np.nonzero(diff < 0), strict=True):
        c = int(t) * n_prof + int(p)
        hi = int(np.searchsorted(cells_sorted, c, side="right"))
        take = int(-diff[t, p])
        released.setdefault(int(p), []).extend(int(i) for i in order[hi - take : hi])
    for p, pool in released.items():
        pool.sort(key=lambda i: int(pos_rank[i]))
        receivers = np.flatnonzero(diff[:, p] > 0)
        at = 0
        for t in receivers:
            for _ in range(int(diff[t, p])):
                out[pool[at]] = t
                at += 1
    return out


def _cohesive_build(
    team: NDArray[np.int64],
    *,
    movable: NDArray[np.bool_],
    ctype: NDArray[np.int64],
    type_sets: list[frozenset[str]],
    profile: NDArray[np.int64],
    pos_rank: NDArray[np.int64],
    sizes: NDArray[np.int64],
    leader_ids: tuple[str, ...],
    index: Mapping[str, int],
) -> None:
    """Fill ``team`` (in place) with the most cohesive teams possible."""
    k = len(sizes)
    n_lead = len(leader_ids)
    # team classes: each leader team alone, the other teams grouped by size
    classes: list[tuple[list[int], int, frozenset[str] | None]] = []
    for t, lid in enumerate(leader_ids):
        classes.append(([t], int(sizes[t]) - 1, type_sets[int(ctype[index[lid]])]))
    for s in sorted({int(v) for v in sizes[n_lead:]}, reverse=True):
        members = [t for t in range(n_lead, k) if sizes[t] == s]
        classes.append((members, s, None))
    mov_types = Counter(int(v) for v in ctype[movable])
    plan_x, plan_z = _cohesion_program(mov_types, type_sets, classes)

    # which cadres go to which key pool
    idx = np.flatnonzero(movable)
    by_type: dict[int, list[int]] = {}
    for i in idx[np.lexsort((pos_rank[idx], ctype[idx]))]:
        by_type.setdefault(int(ctype[i]), []).append(int(i))
    pools: dict[str, list[int]] = {}
    used: set[int] = set()
    for (tp, key), count in sorted(plan_x.items()):
        take = [i for i in by_type[tp] if i not in used][:count]
        used.update(take)
        pools.setdefault(key, []).extend(take)
    # label teams
    labelled: dict[str, list[int]] = {}
    free: list[int] = []
    for c, (members, _, _) in enumerate(classes):
        at = 0
        for key in sorted({kk for (cc, kk) in plan_z if cc == c}):
            for _ in range(plan_z[c, key]):
                labelled.setdefault(key, []).append(members[at])
                at += 1
        free.extend(members[at:])
    open_slots = sizes.copy()
    open_slots[:n_lead] -= 1
    for key, teams_k in sorted(labelled.items()):
        pool = np.array(pools.get(key, []), dtype=np.int64)
        pool = pool[np.lexsort((pos_rank[pool], profile[pool]))]
        tk = np.array(teams_k, dtype=np.int64)
        team[pool] = tk[_deal(len(pool), open_slots[tk])]
    rest = np.array([i for i in idx if int(i) not in used], dtype=np.int64)
    if rest.size:
        rest = rest[np.lexsort((pos_rank[rest], profile[rest]))]
        fr = np.array(sorted(free), dtype=np.int64)
        team[rest] = fr[_deal(len(rest), open_slots[fr])]


def _cohesion_program(
    type_counts: Mapping[int, int],
    type_sets: list[frozenset[str]],
    classes: list[tuple[list[int], int, frozenset[str] | None]],
) -> tuple[dict[tuple[int, str], int], dict[tuple[int, str], int]]:
    """Solve the cohesion integer program.

    Variables ``x[type, key]``: cadres of a type sent to a key's pool;
    ``z[class, key]``: teams of a class labelled with a key. Maximise the
    labelled teams subject to every pool exactly filling its teams' open
    places, every type sending at most its cadres and every class labelling
    at most its teams (exact). A second solve keeps that many labelled teams
    and maximises the distinct keys used (binary ``w[key] <= sum of
    z[., key]``) within a fixed node limit; if it finds nothing as good, the
    first solution stands.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp  # noqa: PLC0415
    from scipy.sparse import coo_array  # noqa: PLC0415

    all_keys = sorted(
        {key for tp in type_counts for key in type_sets[tp]}
        | {key for _, _, allowed in classes if allowed is not None for key in allowed}
    )
    key_pos = {key: i for i, key in enumerate(all_keys)}
    x_vars = [(tp, key) for tp in sorted(type_counts) for key in sorted(type_sets[tp])]
    z_vars = [
        (c, key)
        for c, (members, open_, allowed) in enumerate(classes)
        for key in (all_keys if allowed is None else sorted(allowed & set(key_pos)))
        if members and (open_ > 0 or allowed is not None)
    ]
    if not z_vars:
        return {}, {}
    n_x, n_z, n_k = len(x_vars), len(z_vars), len(all_keys)
    n_types, n_classes = len(type_counts), len(classes)
    type_row = {tp: r for r, tp in enumerate(sorted(type_counts))}
    key_row = n_types + n_classes  # first pool-balance row; then one "key used" row per key
    used_row = key_row + n_k
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for j, (tp, key) in enumerate(x_vars):
        rows += [type_row[tp], key_row + key_pos[key]]
        cols += [j, j]
        vals += [1.0, 1.0]
    for j, (c, key) in enumerate(z_vars):
        rows += [n_types + c, key_row + key_pos[key], used_row + key_pos[key]]
        cols += [n_x + j] * 3
        vals += [1.0, -float(classes[c][1]), -1.0]
    for r in range(n_k):
        rows.append(used_row + r)
        cols.append(n_x + n_z + r)
        vals.append(1.0)
    lb = np.concatenate([np.zeros(n_types + n_classes + n_k), np.full(n_k, -np.inf)])
    ub = np.concatenate(
        [
            [float(type_counts[tp]) for tp in sorted(type_counts)],
            [float(len(members)) for members, _, _ in classes],
            np.zeros(n_k),
            np.zeros(n_k),
        ]
    )
    n_vars = n_x + n_z + n_k
    matrix = coo_array((vals, (rows, cols)), shape=(len(lb), n_vars)).tocsr()
    upper = np.array(
        [float(type_counts[tp]) for tp, _ in x_vars]
        + [float(len(classes[c][0])) for c, _ in z_vars]
        + [1.0] * n_k
    )
    integrality = np.ones(n_vars, dtype=np.int64)
    bounds = Bounds(np.zeros(n_vars), upper)
    # stage 1, exact: the most cohesive teams
    cost = np.concatenate([np.zeros(n_x), -np.ones(n_z), np.zeros(n_k)])
    res = milp(
        cost,
        constraints=LinearConstraint(matrix, lb, ub),
        integrality=integrality,
        bounds=bounds,
    )
    if res.x is None:  # pragma: no cover - the zero solution is always feasible
        return {}, {}
    best = round(-float(res.fun))
    # stage 2, bounded search: keep that many, use as many distinct keys as found
    keep = coo_array(
        (np.ones(n_z), (np.zeros(n_z, dtype=np.int64), n_x + np.arange(n_z))),
        shape=(1, n_vars),
    ).tocsr()
    second = milp(
        np.concatenate([np.zeros(n_x + n_z), -np.ones(n_k)]),
        constraints=[LinearConstraint(matrix, lb, ub), LinearConstraint(keep, best, np.inf)],
        integrality=integrality,
        bounds=bounds,
        options={"node_limit": _NODE_LIMIT},
    )
    if second.x is not None and round(float(np.rint(second.x[n_x : n_x + n_z]).sum())) == best:
        res = second
    sol = np.rint(res.x).astype(np.int64)
    plan_x = {v: int(sol[j]) for j, v in enumerate(x_vars) if sol[j] > 0}
    plan_z = {v: int(sol[n_x + j]) for j, v in enumerate(z_vars) if sol[n_x + j] > 0}
    return plan_x, plan_z


def _result(
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
    as_of: int,
    seed: int | None,
) -> Teams:
    k = len(sizes)
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

    labels = [tuple(_label(v) for v in cats) for cats in categories]
    overall: dict[str, FrozenDict[str, float]] = {}
    n = len(roster)
    for a, name in enumerate(bal_names):
        counts = np.bincount(codes[:, a], minlength=len(labels[a]))
        overall[name] = FrozenDict({lab: float(counts[c]) / n for c, lab in enumerate(labels[a])})
    shares: list[FrozenDict[str, FrozenDict[str, float]]] = []
    deviation: list[FrozenDict[str, float]] = []
    shared: list[frozenset[str]] = []
    worst_by: dict[str, float] = dict.fromkeys(bal_names, 0.0)
    for _, _, m in groups:
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
        common = frozenset.intersection(*(keys[i] for i in m)) if m else frozenset()
        shared.append(common if coh_names else frozenset())
    worst = max(worst_by.values(), default=0.0)
    cohesive = sum(1 for s in shared if s)
    report = TeamsReport(
        attributes=bal_names,
        categories=FrozenDict(dict(zip(bal_names, labels, strict=True))),
        overall=FrozenDict(overall),
        shares=tuple(shares),
        deviation=tuple(deviation),
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


# --------------------------------------------------------------------------
# enterprises


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
    >>> from cadredev.datasets import sample_zone
    >>> zone = sample_zone()
    >>> split = assign_enterprises(6, zone.enterprises, by="area")
    >>> split.counts
    (267, 267, 267, 267, 266, 266)

    .. versionadded:: 0.1
    """

    assignment: FrozenDict[int, tuple[str, ...]]
    by: str | None
    split_groups: FrozenDict[str, tuple[int, ...]]

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
        >>> from cadredev import Enterprise
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
        pandas = _pandas()
        rows = [
            {"team": t, "enterprise_id": e}
            for t in sorted(self.assignment)
            for e in self.assignment[t]
        ]
        frame: pd.DataFrame = pandas.DataFrame(rows, columns=["team", "enterprise_id"])
        return frame

    def _repr_html_(self) -> str:
        body = "".join(
            f"<tr><td>{t}</td><td>{len(ids)}</td>"
            f"<td>{html.escape(', '.join(ids[:5]) + (' ...' if len(ids) > 5 else ''))}</td></tr>"
            for t, ids in sorted(self.assignment.items())
        )
        return (
            "<table><thead><tr><th>team</th><th>enterprises</th><th>first ids</th></tr>"
            f"</thead><tbody>{body}</tbody></table>"
        )


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
    >>> from cadredev.datasets import sample_zone
    >>> zone = sample_zone()
    >>> grids = form_teams(zone.cadres, n_teams=6, seed=0, as_of=zone.as_of)
    >>> split = assign_enterprises(grids, zone.enterprises, by="area")
    >>> sum(split.counts), max(split.counts) - min(split.counts)
    (1600, 1)
    >>> len(split.split_groups) <= 5
    True

    .. versionadded:: 0.1
    """
    if isinstance(teams, Teams):
        k = len(teams)
    elif _is_int(teams) and teams >= 0:
        k = int(teams)
    else:
        raise InvalidInputError(
            f"assign_enterprises: teams must be Teams or a number of teams >= 0, got {teams!r}"
        )
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
    key_of: Callable[[Enterprise], str] | None
    if by is None:
        key_of, by_name = None, None
    elif by in ("area", "industry"):
        field_name = str(by)
        key_of, by_name = (lambda e: str(getattr(e, field_name))), field_name
    elif callable(by):
        key_of, by_name = by, str(getattr(by, "__name__", repr(by)))
    else:
        raise InvalidInputError(
            f"assign_enterprises: unknown by={by!r}; expected 'area', 'industry', "
            "a function of an enterprise or None"
        )
    if k == 0:
        if items:
            raise InvalidInputError(
                f"assign_enterprises: {len(items)} enterprises but no teams to assign them to"
            )
        return EnterpriseSplit(assignment=FrozenDict({}), by=by_name, split_groups=FrozenDict({}))
    ordered = sorted(items, key=lambda e: e.id)
    base, extra = divmod(len(ordered), k)
    quota = [base + (t < extra) for t in range(k)]
    result: list[list[str]] = [[] for _ in range(k)]
    split: dict[str, tuple[int, ...]] = {}
    if key_of is None:
        at = 0
        for t in range(k):
            result[t] = [e.id for e in ordered[at : at + quota[t]]]
            at += quota[t]
    else:
        groups: dict[str, list[str]] = {}
        for e in ordered:
            key = key_of(e)
            if not isinstance(key, str):
                raise InvalidInputError(
                    f"assign_enterprises: by returned {key!r} for enterprise {e.id!r}; "
                    "expected a string"
                )
            groups.setdefault(key, []).append(e.id)
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
    return EnterpriseSplit(
        assignment=FrozenDict({t: tuple(sorted(result[t])) for t in range(k)}),
        by=by_name,
        split_groups=FrozenDict(split),
    )
