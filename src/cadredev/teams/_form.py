"""``form_teams``: check the arguments, encode the roster, build, improve, report."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from attrs import frozen

from cadredev._validate import check_seed, rng_from
from cadredev.model import Cadre

from ._args import (
    BALANCE_NAMES,
    COHESION_NAMES,
    WHERE,
    BalanceAttribute,
    CohesionAttribute,
    attributes,
    category_key,
    key_getter,
    leaders_of,
    reference_year,
    roster,
    team_sizes,
    value_getter,
)
from ._balance import deal_strata, local_search, worst
from ._cohesion import cohesive_build
from ._result import Teams, summarise

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["build_teams", "form_teams"]


def form_teams(
    cadres: Iterable[Cadre],
    *,
    n_teams: int | None = None,
    size: int | tuple[int, int] | None = None,
    balance: Sequence[BalanceAttribute] | BalanceAttribute = ("cohort",),
    cohesion: Sequence[CohesionAttribute] | CohesionAttribute = (),
    leaders: Iterable[str] | None = None,
    seed: int | np.random.Generator | None = None,
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
        ``None``, an integer >= 0 for :func:`numpy.random.default_rng`, or a
        :class:`numpy.random.Generator`, which is used as it is (and so
        advanced). It only decides which of several interchangeable cadres
        goes where. ``None`` draws fresh entropy, so two calls may differ.
    as_of
        Reference year for the ``"cohort"`` attribute (ages are
        ``as_of - birth_year``, cohorts as in :func:`~cadredev.cohort_of`).
        Required whenever ``"cohort"`` is balanced (as by default) or a
        cohesion attribute; ``Zone.as_of`` is the natural source. It is
        never read from the clock, so results do not change with the date.
        Where no attribute depends on age it may be left ``None``.

    Returns
    -------
    Teams

    Raises
    ------
    InvalidInputError
        For duplicate cadre ids, more teams than cadres, an impossible or
        inconsistent size, an unknown attribute name, a leader who is not
        among the cadres, more leaders than teams, a seed that is not
        ``None``, an integer >= 0 or a generator, or a missing or invalid
        ``as_of`` where cohorts are needed.

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

    >>> from cadredev import form_teams, sample_zone
    >>> zone = sample_zone()
    >>> grids = form_teams(zone.cadres, n_teams=6, seed=0, as_of=zone.as_of)
    >>> grids.sizes
    (41, 41, 41, 41, 41, 41)
    >>> grids.report().worst_deviation < 3  # points
    True

    A generator may stand in for the seed:

    >>> import numpy as np
    >>> again = form_teams(zone.cadres, n_teams=6, seed=np.random.default_rng(0), as_of=zone.as_of)
    >>> again.teams == grids.teams
    True

    Industry pairs, where nothing depends on age, so ``as_of`` is not needed:

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
    return build_teams(
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


def build_teams(
    cadres: Iterable[Cadre],
    *,
    n_teams: int | None,
    size: int | tuple[int, int] | None,
    balance: Sequence[BalanceAttribute] | BalanceAttribute,
    cohesion: Sequence[CohesionAttribute] | CohesionAttribute,
    leaders: Iterable[str] | None,
    seed: int | np.random.Generator | None,
    as_of: int | None,
    improve: bool,
) -> Teams:
    """Do the work of :func:`form_teams`; ``improve=False`` stops after the starting assignment."""
    people = roster(cadres)
    sizes = team_sizes(len(people), n_teams, size)
    bal_names, bal_attrs = attributes(balance, BALANCE_NAMES, "balance")
    coh_names, coh_attrs = attributes(cohesion, COHESION_NAMES, "cohesion")
    checked_seed = check_seed(seed, where=WHERE)
    index = {c.id: i for i, c in enumerate(people)}
    leader_ids = leaders_of(leaders, index, len(sizes))
    year = reference_year(as_of, balance=bal_attrs, cohesion=coh_attrs)
    rng = rng_from(checked_seed, where=WHERE)
    enc = _encode(people, bal_attrs=bal_attrs, coh_names=coh_names, coh_attrs=coh_attrs, as_of=year)

    # leaders are fixed in teams 0..L-1; a seeded order inside every stratum
    n = len(people)
    team = np.full(n, -1, dtype=np.int64)
    for t, lid in enumerate(leader_ids):
        team[index[lid]] = t
    movable = team < 0
    pos_rank = np.empty(n, dtype=np.int64)
    pos_rank[rng.permutation(n)] = np.arange(n)
    if coh_attrs:
        cohesive_build(
            team,
            movable=movable,
            ctype=enc.ctype,
            type_sets=enc.type_sets,
            profile=enc.profile,
            pos_rank=pos_rank,
            sizes=sizes,
            leader_ids=leader_ids,
            index=index,
        )
    else:
        _stratified_deal(team, movable=movable, pos_rank=pos_rank, sizes=sizes, enc=enc)

    initial = worst(team, enc.x_cadre, sizes, enc.overall)
    if improve:
        team = local_search(
            team,
            movable=movable,
            profile=enc.profile,
            pos_rank=pos_rank,
            xp=enc.xp,
            sizes=sizes,
            overall=enc.overall,
            allowed=enc.p_type[:, None] == enc.p_type[None, :] if coh_attrs else None,
        )
    return summarise(
        people,
        team=team,
        sizes=sizes,
        leader_ids=leader_ids,
        index=index,
        keys=enc.keys,
        bal_names=bal_names,
        categories=enc.categories,
        codes=enc.codes,
        coh_names=coh_names,
        initial=initial,
        as_of=year,
        seed=checked_seed if isinstance(checked_seed, int) else None,
    )


@frozen(kw_only=True, eq=False)
class _Encoded:
    """The roster as numbers.

    ``codes`` (cadres x balanced attributes) indexes ``categories``; cadres
    with equal key sets share a type (``ctype`` into ``type_sets``); cadres
    with equal type and codes share a profile, and ``xp`` (profiles x
    categories of every balanced attribute) is its 0/1 indicator row.
    """

    categories: list[tuple[Any, ...]]
    codes: NDArray[np.int64]
    keys: list[frozenset[str]]
    type_sets: list[frozenset[str]]
    ctype: NDArray[np.int64]
    profile: NDArray[np.int64]
    p_type: NDArray[np.int64]
    xp: NDArray[np.float64]
    x_cadre: NDArray[np.float64]
    overall: NDArray[np.float64]


def _encode(
    people: tuple[Cadre, ...],
    *,
    bal_attrs: tuple[Any, ...],
    coh_names: tuple[str, ...],
    coh_attrs: tuple[Any, ...],
    as_of: int | None,
) -> _Encoded:
    """Turn the balanced attributes into codes and the cohesion keys into types and profiles."""
    n = len(people)
    categories: list[tuple[Any, ...]] = []
    codes = np.zeros((n, len(bal_attrs)), dtype=np.int64)
    for a, attr in enumerate(bal_attrs):
        value = value_getter(attr, as_of)
        values = [value(c) for c in people]
        cats = tuple(sorted(set(values), key=category_key))
        pos = {v: i for i, v in enumerate(cats)}
        codes[:, a] = [pos[v] for v in values]
        categories.append(cats)
    keys = _keys(people, coh_names=coh_names, coh_attrs=coh_attrs, as_of=as_of)
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
    x_cadre = xp[profile] if n else np.zeros((0, n_cols))
    return _Encoded(
        categories=categories,
        codes=codes,
        keys=keys,
        type_sets=type_sets,
        ctype=ctype,
        profile=profile,
        p_type=uniq[:, 0] if len(uniq) else np.zeros(0, dtype=np.int64),
        xp=xp,
        x_cadre=x_cadre,
        overall=x_cadre.sum(axis=0) / n if n else np.zeros(n_cols),
    )


def _keys(
    people: tuple[Cadre, ...],
    *,
    coh_names: tuple[str, ...],
    coh_attrs: tuple[Any, ...],
    as_of: int | None,
) -> list[frozenset[str]]:
    """Return each cadre's cohesion keys, prefixed by the attribute name when there are several."""
    keys: list[frozenset[str]] = [frozenset()] * len(people)
    if coh_attrs:
        multi = len(coh_attrs) > 1
        getters = [
            (name, key_getter(attr, as_of)) for name, attr in zip(coh_names, coh_attrs, strict=True)
        ]
        for i, c in enumerate(people):
            found: set[str] = set()
            for name, get in getters:
                got = get(c)
                found |= {f"{name}:{x}" for x in got} if multi else set(got)
            keys[i] = frozenset(found)
    return keys


def _stratified_deal(
    team: NDArray[np.int64],
    *,
    movable: NDArray[np.bool_],
    pos_rank: NDArray[np.int64],
    sizes: NDArray[np.int64],
    enc: _Encoded,
) -> None:
    """Deal the movable cadres (in place), stratum by stratum, in seeded order inside each."""
    n_lead = int((~movable).sum())
    open_slots = sizes.copy()
    open_slots[:n_lead] -= 1
    order = np.flatnonzero(movable)
    order = order[np.lexsort((pos_rank[order], enc.profile[order]))]
    seeded = np.zeros((len(sizes), enc.xp.shape[1]))
    np.add.at(seeded, team[~movable], enc.x_cadre[~movable])
    team[order] = deal_strata(
        enc.profile[order],
        xp=enc.xp,
        open_slots=open_slots,
        sizes=sizes,
        overall=enc.overall,
        counts=seeded,
    )
