"""Write a :class:`Teams` result onto people's ``grid`` field."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import attrs

from cadredev._validate import check_text
from cadredev.errors import InvalidInputError

from ._result import Teams

__all__ = ["grid_names", "with_grids"]

P = TypeVar("P")


def grid_names(teams: Teams, *, prefix: str = "grid-") -> tuple[str, ...]:
    """Return the default grid names of ``teams``: ``grid-1``, ``grid-2`` ... in team order.

    Raises
    ------
    InvalidInputError
        If ``teams`` is not a :class:`Teams` result, or ``prefix`` is not
        text that can start an id.

    Examples
    --------
    >>> from cadredev.datasets import sample_zone
    >>> from cadredev.teams import form_teams, grid_names
    >>> zone = sample_zone()
    >>> grid_names(form_teams(zone.cadres[:6], n_teams=3, seed=0, as_of=2025))
    ('grid-1', 'grid-2', 'grid-3')

    .. versionadded:: 0.3
    """
    if not isinstance(teams, Teams):
        raise InvalidInputError(f"grid_names: teams must be a Teams result, got {teams!r}")
    check_text(prefix, where="grid_names", name="prefix")
    if prefix != prefix.lstrip():
        raise InvalidInputError(
            "grid_names: prefix must not start with whitespace (grid names are ids), "
            f"got {prefix!r}"
        )
    return tuple(f"{prefix}{k + 1}" for k in range(len(teams.teams)))


def with_grids(
    people: Iterable[P],
    teams: Teams,
    *,
    names: Sequence[str] | None = None,
    strict: bool = True,
) -> tuple[P, ...]:
    """Return ``people`` with ``grid`` set to the name of the team each belongs to.

    Works on any record with ``id`` and ``grid`` fields (a
    :class:`~cadredev.Cadre`, a :class:`~cadredev.Mentor`), so grids formed by
    :func:`form_teams` (the grid shuffle, 网格化) feed matching's
    ``same_grid`` criteria directly. The records are copied, never changed;
    their order is kept.

    Parameters
    ----------
    people
        The records to place.
    teams
        The grids, from :func:`form_teams`.
    names
        One name per team, in team order; default ``grid-1``, ``grid-2`` ...
    strict
        If true, a record in no team is an error; if false it keeps its grid.

    Raises
    ------
    InvalidInputError
        For a record without ``id`` and ``grid`` fields, names of the wrong
        count or repeated, or (``strict``) a record in no team.

    Examples
    --------
    >>> from cadredev.datasets import sample_zone
    >>> from cadredev.teams import form_teams, with_grids
    >>> zone = sample_zone()
    >>> teams = form_teams(zone.cadres[:6], n_teams=2, seed=0, as_of=zone.as_of)
    >>> placed = with_grids(zone.cadres[:6], teams, names=["东网格", "西网格"])
    >>> sorted({c.grid for c in placed})
    ['东网格', '西网格']

    .. versionadded:: 0.3
    """
    if not isinstance(teams, Teams):
        raise InvalidInputError(f"with_grids: teams must be a Teams result, got {teams!r}")
    labels = grid_names(teams) if names is None else tuple(names)
    if len(labels) != len(teams.teams) or len(set(labels)) != len(labels):
        raise InvalidInputError(
            f"with_grids: names must be {len(teams.teams)} distinct names, one per team, "
            f"got {list(labels)!r}"
        )
    if not all(isinstance(n, str) and n.strip() for n in labels):
        raise InvalidInputError(f"with_grids: names must be non-empty text, got {list(labels)!r}")
    team_of = {member: k for k, members in enumerate(teams.teams) for member in members}
    out: list[Any] = []
    for person in people:
        if not (attrs.has(type(person)) and hasattr(person, "id") and hasattr(person, "grid")):
            raise InvalidInputError(
                f"with_grids: expected records with id and grid fields, got {person!r}"
            )
        record: Any = person
        k = team_of.get(record.id)
        if k is None:
            if strict:
                raise InvalidInputError(
                    f"with_grids: {type(person).__name__} {person.id!r} is in no team "
                    "(pass strict=False to keep its grid)"
                )
            out.append(person)
        else:
            out.append(attrs.evolve(record, grid=labels[k]))
    return tuple(out)
