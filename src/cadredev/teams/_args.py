"""Checking and normalising the arguments of ``form_teams``; reading attributes off cadres."""

from __future__ import annotations

import enum
import operator
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from cadredev._validate import is_int, require_as_of
from cadredev.errors import InvalidInputError
from cadredev.model import Cadre

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "BALANCE_NAMES",
    "COHESION_NAMES",
    "WHERE",
    "BalanceAttribute",
    "CohesionAttribute",
    "attributes",
    "category_key",
    "key_getter",
    "label",
    "leaders_of",
    "reference_year",
    "roster",
    "team_sizes",
    "value_getter",
]

BalanceAttribute = str | Callable[[Cadre], Hashable]
"""A balanced attribute: a built-in name or a function of a cadre."""

CohesionAttribute = str | Callable[[Cadre], Iterable[str]]
"""A cohesion attribute: a built-in name or a function giving a cadre's keys."""

BALANCE_NAMES = ("cohort", "gender", "grid", "line", "rank", "unit")
COHESION_NAMES = ("cohort", "gender", "grid", "industries", "line", "rank", "unit")
AGE_NAMES = ("cohort",)
"""The built-in attributes derived from age: they need a reference year."""
WHERE = "form_teams"


def roster(cadres: Iterable[Cadre]) -> tuple[Cadre, ...]:
    """Return the cadres sorted by id, after checking they are cadres with unique ids."""
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
    if is_int(size):
        lo = hi = int(size)  # type: ignore[arg-type]
    elif isinstance(size, tuple | list) and len(size) == 2 and all(is_int(v) for v in size):
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


def _team_count(n: int, n_teams: int | None, bounds: tuple[int, int] | None) -> int:
    if n_teams is None:
        if bounds is None:
            raise InvalidInputError("form_teams: give n_teams, size or both")
        return -(-n // bounds[1])
    if not is_int(n_teams) or n_teams < 1:
        raise InvalidInputError(f"form_teams: n_teams must be an integer >= 1, got {n_teams!r}")
    if n == 0:  # no cadres: no teams, whatever the request (docs/security.md)
        return 0
    if n_teams > n:
        raise InvalidInputError(
            f"form_teams: n_teams={n_teams} is more teams than the {n} cadres given"
        )
    return int(n_teams)


def team_sizes(
    n: int, n_teams: int | None, size: int | tuple[int, int] | None
) -> NDArray[np.int64]:
    """Return the team sizes: as even as possible, the larger teams first."""
    bounds = None if size is None else _size_range(size)
    k = _team_count(n, n_teams, bounds)
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


def attributes(
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


def reference_year(
    as_of: object, *, balance: tuple[Any, ...], cohesion: tuple[Any, ...]
) -> int | None:
    """Return the checked reference year, required when an attribute is derived from age.

    ``None`` when no balanced or cohesion attribute needs a year and none is
    given; a year given where none is needed is still checked.
    """
    needs = [
        f"{what} on {item!r}"
        for what, items in (("balance", balance), ("cohesion", cohesion))
        for item in items
        if isinstance(item, str) and item in AGE_NAMES
    ]
    if as_of is None and not needs:
        return None
    return require_as_of(as_of, where=WHERE, why=" and ".join(needs) or "cohorts")


def leaders_of(leaders: Iterable[str] | None, ids: Mapping[str, int], k: int) -> tuple[str, ...]:
    """Return the leaders' ids sorted, after checking they are distinct cadres, one per team."""
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


def category_key(value: object) -> tuple[int, int, str]:
    """Order categories: enum members in declaration order, then others by text, then None."""
    if value is None:
        return (2, 0, "")
    if isinstance(value, enum.Enum):
        return (0, list(type(value)).index(value), str(value.value))
    return (1, 0, str(value))


def label(value: object) -> str:
    """Return the text shown for a category."""
    if value is None:
        return "none"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def value_getter(attr: Any, as_of: int | None) -> Callable[[Cadre], Hashable]:
    """Return the function giving a cadre's category for a balanced attribute."""
    if callable(attr):

        def category(cadre: Cadre) -> Hashable:
            got = attr(cadre)
            try:
                hash(got)
            except TypeError:
                raise InvalidInputError(
                    f"form_teams: balance function returned {got!r} for cadre {cadre.id!r}; "
                    "expected a hashable category (a string, a number, a tuple)"
                ) from None
            return got  # type: ignore[no-any-return]

        return category
    if attr == "cohort":
        year = require_as_of(as_of, where=WHERE, why="the 'cohort' attribute")

        def cohort(cadre: Cadre) -> Hashable:
            try:
                return cadre.cohort(as_of=year)
            except InvalidInputError as exc:
                raise InvalidInputError(f"form_teams: cadre {cadre.id!r}: {exc}") from None

        return cohort
    return operator.attrgetter(attr)


def key_getter(attr: Any, as_of: int | None) -> Callable[[Cadre], frozenset[str]]:
    """Return the function giving a cadre's keys for a cohesion attribute."""
    if callable(attr):

        def keys(cadre: Cadre) -> frozenset[str]:
            raw = attr(cadre)
            if isinstance(raw, str) or not isinstance(raw, Iterable):
                raise InvalidInputError(
                    f"form_teams: cohesion function returned {raw!r} for cadre {cadre.id!r}; "
                    "expected a collection of strings"
                )
            return frozenset(str(v) for v in raw)

        return keys
    if attr == "industries":
        return operator.attrgetter("industries")
    value = value_getter(attr, as_of)

    def single(cadre: Cadre) -> frozenset[str]:
        got = value(cadre)
        return frozenset() if got is None else frozenset({label(got)})

    return single
