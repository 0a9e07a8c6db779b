"""Strategies for the domain records (cadres, mentors, posts, graphs).

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cadredev._validate import is_int
from cadredev.errors import MissingDependencyError
from cadredev.model import (
    MIN_BIRTH_YEAR,
    Cadre,
    Cohort,
    Eligibility,
    Enterprise,
    Line,
    Mentor,
    MentorRole,
    Post,
    Posting,
    Rank,
)

if TYPE_CHECKING:
    import networkx as nx

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ImportError as exc:  # pragma: no cover - exercised without the extra
    raise MissingDependencyError(
        "cadredev.testing needs hypothesis: pip install 'cadredev[hypothesis]'"
    ) from exc

__all__ = [
    "bipartite_graphs",
    "cadres",
    "eligibilities",
    "enterprises",
    "mentors",
    "postings",
    "posts",
    "rosters",
]

_UNITS = ("招商局", "经发局", "建设局", "企业服务局", "新城街道", "城投集团")
_COMPETENCIES = (
    "communication",
    "judgment",
    "coordination",
    "problem_discovery",
    "ai",
    "logistics",
)
_INDUSTRIES = ("ai", "biomedicine", "green_energy", "logistics", "stone", "digital_economy")
_NAME_CHARS = "王李张刘陈杨黄赵吴周伟芳娜敏静丽强磊军洋abcxyz "


def _names(*, min_size: int = 0, max_size: int) -> st.SearchStrategy[str]:
    """Names with inner spaces but none at the edges (tables strip cell edges)."""
    return (
        st.text(alphabet=_NAME_CHARS, min_size=min_size, max_size=max_size)
        .map(str.strip)
        .filter(lambda name: len(name) >= min_size)
    )


def _check_size(name: str, min_size: int, max_size: int | None) -> tuple[int, int | None]:
    if (
        not is_int(min_size)
        or min_size < 0
        or (max_size is not None and (not is_int(max_size) or max_size < min_size))
    ):
        raise InvalidArgument(
            f"{name}: need integers 0 <= min_size <= max_size, got min_size={min_size!r}, "
            f"max_size={max_size!r}"
        )
    return int(min_size), None if max_size is None else int(max_size)


def _check_ids(name: str, ids: object) -> None:
    if ids is not None and not isinstance(ids, st.SearchStrategy):
        raise InvalidArgument(f"{name}: ids must be a strategy of strings or None, got {ids!r}")


def _ids(prefix: str) -> st.SearchStrategy[str]:
    return st.integers(min_value=0, max_value=9999).map(lambda k: f"{prefix}{k:04d}")


def _levels(keys: Sequence[str]) -> st.SearchStrategy[dict[str, float]]:
    return st.dictionaries(
        st.sampled_from(keys), st.floats(min_value=0.0, max_value=1.0), max_size=len(keys)
    )


def _units(name: str, units: Sequence[str] | None) -> st.SearchStrategy[str]:
    if isinstance(units, str):
        units = (units,)
    chosen = tuple(units) if units is not None else _UNITS
    if not chosen or not all(isinstance(u, str) and u.strip() for u in chosen):
        raise InvalidArgument(
            f"{name}: units must be non-empty strings, at least one, got {units!r}"
        )
    return st.sampled_from(chosen)


def _year_range(birth_years: object) -> tuple[int, int]:
    if (
        not isinstance(birth_years, tuple | list)
        or len(birth_years) != 2
        or not all(is_int(y) for y in birth_years)
        or not MIN_BIRTH_YEAR <= birth_years[0] <= birth_years[1]
    ):
        raise InvalidArgument(
            f"cadres: birth_years must be an increasing range of integer years from "
            f"{MIN_BIRTH_YEAR}, got {birth_years!r}"
        )
    return int(birth_years[0]), int(birth_years[1])


def postings() -> st.SearchStrategy[Posting]:
    """Draw a :class:`~cadredev.Posting` with ``end`` at or after ``start``.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(postings())
    ... def test(p):
    ...     assert p.end is None or p.end >= p.start
    >>> test()

    .. versionadded:: 0.1
    """

    @st.composite
    def build(draw: st.DrawFn) -> Posting:
        start = draw(st.integers(min_value=0, max_value=60))
        end = draw(st.none() | st.integers(min_value=start, max_value=start + 36))
        return Posting(
            post_id=draw(_ids("p")),
            start=start,
            end=end,
            unit=draw(st.sampled_from(("", *_UNITS))),
            program=draw(st.sampled_from(("", "rotation", "secondment", "frontline"))),
        )

    return build()


def cadres(
    *,
    ids: st.SearchStrategy[str] | None = None,
    units: Sequence[str] | None = None,
    birth_years: tuple[int, int] = (1960, 2002),
    with_history: bool = True,
) -> st.SearchStrategy[Cadre]:
    """Draw a valid :class:`~cadredev.Cadre`.

    Parameters
    ----------
    ids
        Strategy for the id (default ``c0000`` to ``c9999``).
    units
        Home units to draw from.
    birth_years
        Inclusive range of birth years.
    with_history
        Whether to draw a posting history.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        For a bad ``ids`` strategy, ``units`` or ``birth_years`` range.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(cadres(units=["招商局"]))
    ... def test(c):
    ...     assert c.unit == "招商局"
    >>> test()

    .. versionadded:: 0.1
    """
    low, high = _year_range(birth_years)
    _check_ids("cadres", ids)
    unit_strategy = _units("cadres", units)
    id_strategy = ids if ids is not None else _ids("c")

    @st.composite
    def build(draw: st.DrawFn) -> Cadre:
        birth_year = draw(st.integers(min_value=low, max_value=high))
        return Cadre(
            id=draw(id_strategy),
            name=draw(_names(min_size=1, max_size=4)),
            birth_year=birth_year,
            rank=draw(st.sampled_from(Rank)),
            unit=draw(unit_strategy),
            line=draw(st.none() | st.sampled_from(Line)),
            industries=draw(st.frozensets(st.sampled_from(_INDUSTRIES), max_size=3)),
            competencies=draw(_levels(_COMPETENCIES)),
            history=tuple(draw(st.lists(postings(), max_size=2))) if with_history else (),
            grid=draw(st.none() | st.sampled_from(("g1", "g2", "g3"))),
            gender=draw(st.none() | st.sampled_from(("F", "M"))),
            joined_year=draw(
                st.none()
                | st.integers(min_value=min(max(2000, birth_year), 2024), max_value=2024).filter(
                    lambda year: year >= birth_year
                )
            ),
        )

    return build()


def rosters(
    *, min_size: int = 0, max_size: int | None = 20, units: Sequence[str] | None = None
) -> st.SearchStrategy[tuple[Cadre, ...]]:
    """Draw a tuple of cadres with unique ids.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        For sizes that are not integers ``0 <= min_size <= max_size`` or bad ``units``.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(rosters(min_size=2, max_size=5))
    ... def test(roster):
    ...     assert len({c.id for c in roster}) == len(roster)
    >>> test()

    .. versionadded:: 0.1
    """
    min_size, max_size = _check_size("rosters", min_size, max_size)
    _units("rosters", units)
    return st.lists(
        cadres(units=units), min_size=min_size, max_size=max_size, unique_by=lambda c: c.id
    ).map(tuple)


def mentors(
    *, units: Sequence[str] | None = None, max_capacity: int = 5
) -> st.SearchStrategy[Mentor]:
    """Draw a valid :class:`~cadredev.Mentor`.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        For a negative ``max_capacity`` or bad ``units``.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(mentors(max_capacity=2))
    ... def test(m):
    ...     assert 0 <= m.capacity <= 2
    >>> test()

    .. versionadded:: 0.1
    """
    if not is_int(max_capacity) or max_capacity < 0:
        raise InvalidArgument(
            f"mentors: max_capacity must be an integer >= 0, got {max_capacity!r}"
        )
    unit_strategy = _units("mentors", units)

    @st.composite
    def build(draw: st.DrawFn) -> Mentor:
        return Mentor(
            id=draw(_ids("m")),
            unit=draw(unit_strategy),
            capacity=draw(st.integers(min_value=0, max_value=max_capacity)),
            role=draw(st.sampled_from(MentorRole)),
            name=draw(_names(max_size=4)),
            industries=draw(st.frozensets(st.sampled_from(_INDUSTRIES), max_size=3)),
            competencies=draw(_levels(_COMPETENCIES)),
            birth_year=draw(st.none() | st.integers(min_value=1960, max_value=1995)),
            grid=draw(st.none() | st.sampled_from(("g1", "g2", "g3"))),
        )

    return build()


def eligibilities() -> st.SearchStrategy[Eligibility]:
    """Draw an :class:`~cadredev.Eligibility` (most criteria left open).

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(eligibilities())
    ... def test(e):
    ...     assert e.min_rank is None or isinstance(e.min_rank, Rank)
    >>> test()

    .. versionadded:: 0.1
    """

    def optional_set(elements: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.none() | st.frozensets(elements, min_size=1, max_size=3)

    return st.builds(
        Eligibility,
        cohorts=optional_set(st.sampled_from(Cohort)),
        born_after=st.none() | st.integers(min_value=1960, max_value=2000),
        min_rank=st.none() | st.sampled_from(Rank),
        ranks=optional_set(st.sampled_from(Rank)),
        lines=optional_set(st.sampled_from(Line)),
        units=optional_set(st.sampled_from(_UNITS)),
    )


def posts(
    *, units: Sequence[str] | None = None, categories: Sequence[str] = ("frontline", "host")
) -> st.SearchStrategy[Post]:
    """Draw a valid :class:`~cadredev.Post`.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        For no ``categories`` or bad ``units``.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(posts(categories=["stationed"]))
    ... def test(p):
    ...     assert p.category == "stationed"
    >>> test()

    .. versionadded:: 0.1
    """
    if isinstance(categories, str):
        categories = (categories,)
    if not categories or not all(isinstance(c, str) and c.strip() for c in categories):
        raise InvalidArgument(
            f"posts: categories must be non-empty strings, at least one, got {categories!r}"
        )
    unit_strategy = _units("posts", units)

    @st.composite
    def build(draw: st.DrawFn) -> Post:
        return Post(
            id=draw(_ids("p")),
            unit=draw(unit_strategy),
            category=draw(st.sampled_from(tuple(categories))),
            capacity=draw(st.integers(min_value=0, max_value=4)),
            requirements=draw(_levels(_COMPETENCIES)),
            eligibility=draw(eligibilities()),
            name=draw(_names(max_size=6)),
            location=draw(st.sampled_from(("", "深圳", "苏州"))),
        )

    return build()


def enterprises() -> st.SearchStrategy[Enterprise]:
    """Draw a valid :class:`~cadredev.Enterprise`.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(enterprises())
    ... def test(e):
    ...     assert e.id.startswith("e")
    >>> test()

    .. versionadded:: 0.1
    """
    return st.builds(
        Enterprise,
        id=_ids("e"),
        name=st.text(alphabet=_NAME_CHARS, max_size=6),
        industry=st.sampled_from(("", *_INDUSTRIES)),
        area=st.sampled_from(("", "东区", "西区")),
    )


def bipartite_graphs(
    *,
    max_mentees: int = 8,
    max_mentors: int = 4,
    max_capacity: int = 3,
    max_weight: int = 10,
    integer_weights: bool = True,
    scores: bool = False,
    mentee_capacity: bool = False,
) -> st.SearchStrategy[nx.Graph[str]]:
    """Draw a bipartite graph that follows the matching contract.

    Mentee nodes (``"e0"``, ``"e1"``, ...) carry ``bipartite=0``; mentor nodes
    (``"m0"``, ...) carry ``bipartite=1`` and a ``capacity``. Each edge carries
    a ``weight`` and ``components`` summing to it. Small weight ranges make ties
    common, which is where matching code tends to go wrong.

    Parameters
    ----------
    max_mentees, max_mentors
        Upper bounds on the number of nodes on each side (either may be 0).
    max_capacity
        Largest mentor capacity (0 is drawn too).
    max_weight
        Weights are drawn from ``1 .. max_weight``.
    integer_weights
        Draw integer weights (as floats) rather than arbitrary floats.
    scores
        Also draw ``mentee_score`` and ``mentor_score`` on every edge.
    mentee_capacity
        Also draw a ``capacity`` of 1 or 2 on mentees.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        For a negative bound or ``max_weight < 1``.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(bipartite_graphs(max_mentees=3, max_mentors=2))
    ... def test(g):
    ...     for u, v, w in g.edges(data="weight"):
    ...         assert {g.nodes[u]["bipartite"], g.nodes[v]["bipartite"]} == {0, 1}
    >>> test()

    .. versionadded:: 0.1
    """
    for name, value in (
        ("max_mentees", max_mentees),
        ("max_mentors", max_mentors),
        ("max_capacity", max_capacity),
    ):
        if not is_int(value) or value < 0:
            raise InvalidArgument(
                f"bipartite_graphs: {name} must be an integer >= 0, got {value!r}"
            )
    if not is_int(max_weight) or max_weight < 1:
        raise InvalidArgument(
            f"bipartite_graphs: max_weight must be an integer >= 1, got {max_weight!r}"
        )
    weight = (
        st.integers(min_value=1, max_value=max_weight).map(float)
        if integer_weights
        else st.floats(min_value=0.0, max_value=float(max_weight), allow_nan=False)
    )

    @st.composite
    def build(draw: st.DrawFn) -> nx.Graph[str]:
        import networkx as nx  # noqa: PLC0415

        n_e = draw(st.integers(min_value=0, max_value=max_mentees))
        n_m = draw(st.integers(min_value=0, max_value=max_mentors))
        graph: nx.Graph[str] = nx.Graph()
        for i in range(n_e):
            attrs: dict[str, Any] = {"bipartite": 0}
            if mentee_capacity:
                attrs["capacity"] = draw(st.integers(min_value=1, max_value=2))
            graph.add_node(f"e{i}", **attrs)
        for j in range(n_m):
            capacity = draw(st.integers(min_value=0, max_value=max_capacity))
            graph.add_node(f"m{j}", bipartite=1, capacity=capacity)
        pairs = [(f"e{i}", f"m{j}") for i in range(n_e) for j in range(n_m)]
        chosen = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
        for mentee, mentor in sorted(chosen):
            w = draw(weight)
            data: dict[str, Any] = {"weight": w, "components": {"drawn": w}}
            if scores:
                data["mentee_score"] = draw(weight)
                data["mentor_score"] = draw(weight)
            graph.add_edge(mentee, mentor, **data)
        return graph

    return build()
