"""Strategies for rotation problems, feasible or not by construction."""

from __future__ import annotations

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from cadredev._validate import is_int
from cadredev.model import Cadre, Eligibility, Post
from cadredev.rotation import Assignment, Program, RotationProblem
from cadredev.rotation._check import check_assignments

__all__ = ["rotation_problems"]

_UNITS = ("u1", "u2", "u3")
_CATEGORIES = ("host", "frontline")


def rotation_problems(
    *,
    max_cadres: int = 6,
    max_posts: int = 3,
    max_horizon: int = 6,
    feasible: bool | None = None,
) -> st.SearchStrategy[RotationProblem]:
    """Draw a small, well-formed rotation problem.

    Parameters
    ----------
    max_cadres, max_posts, max_horizon
        Upper bounds on the problem's size (all at least 1).
    feasible
        ``True``: every program minimum and home-staffing rule can be met;
        the problem is drawn together with a hidden valid plan that meets
        them, so ``schedule`` must leave nothing in ``unplaced``.
        ``False``: some minimum cannot be met (two cadres need the only
        post-period there is), so ``unplaced`` must not be empty.
        ``None``: either.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        For a bound that is not an integer >= 1, or another ``feasible``.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from cadredev.rotation import schedule
    >>> @settings(max_examples=5, deadline=None)
    ... @given(rotation_problems(feasible=True))
    ... def test(problem):
    ...     plan = schedule(problem, seed=0)
    ...     assert plan.unplaced == () and plan.violations(problem) == ()
    >>> test()

    .. versionadded:: 0.1
    """
    for name, value in (
        ("max_cadres", max_cadres),
        ("max_posts", max_posts),
        ("max_horizon", max_horizon),
    ):
        if not is_int(value) or value < 1:
            raise InvalidArgument(
                f"rotation_problems: {name} must be an integer >= 1, got {value!r}"
            )
    max_cadres, max_posts, max_horizon = int(max_cadres), int(max_posts), int(max_horizon)
    if feasible not in (True, False, None):
        raise InvalidArgument(
            f"rotation_problems: feasible must be True, False or None, got {feasible!r}"
        )

    @st.composite
    def build(draw: st.DrawFn) -> RotationProblem:
        if feasible is False:
            # one post with room for one placement, and every cadre needs one
            return draw(_infeasible(max_cadres, max_horizon))
        return draw(_with_witness(max_cadres, max_posts, max_horizon, strict=feasible is True))

    return build()


def _cadres(draw: st.DrawFn, n: int) -> list[Cadre]:
    return [
        Cadre(
            id=f"c{i}",
            name="x",
            birth_year=draw(st.sampled_from((1970, 1985, 1995))),
            rank=draw(st.sampled_from(("section", "division"))),
            unit=draw(st.sampled_from(_UNITS)),
            competencies={"s": draw(st.sampled_from((0.0, 0.3, 0.6)))},
        )
        for i in range(n)
    ]


def _posts(draw: st.DrawFn, m: int, *, min_capacity: int) -> list[Post]:
    return [
        Post(
            id=f"p{j}",
            unit=draw(st.sampled_from(_UNITS)),
            category=draw(st.sampled_from(_CATEGORIES)),
            capacity=draw(st.integers(min_capacity, 2)),
            requirements={"s": draw(st.sampled_from((0.2, 0.5, 0.9)))},
            eligibility=draw(st.sampled_from((Eligibility(), Eligibility(born_after=1980)))),
        )
        for j in range(m)
    ]


@st.composite
def _with_witness(
    draw: st.DrawFn, max_cadres: int, max_posts: int, max_horizon: int, *, strict: bool
) -> RotationProblem:
    cadres = _cadres(draw, draw(st.integers(1, max_cadres)))
    posts = _posts(draw, draw(st.integers(1, max_posts)), min_capacity=1)
    horizon = draw(st.integers(1, max_horizon))
    categories = sorted({p.category for p in posts})
    loose = [
        Program(
            name=f"g{k}",
            length=draw(st.integers(1, min(3, horizon))),
            placements=(0, draw(st.integers(1, 2))),
            categories=draw(st.sets(st.sampled_from(categories), min_size=1)),
            eligibility=draw(st.sampled_from((Eligibility(), Eligibility(ranks={"section"})))),
            other_unit=draw(st.booleans()),
            no_repeat=draw(st.booleans()),
            gap=draw(st.integers(0, 1)),
        )
        for k in range(draw(st.integers(1, 2)))
    ]
    unavailable = {
        c.id: draw(st.sets(st.integers(0, horizon - 1), max_size=1))
        for c in cadres
        if draw(st.booleans())
    }
    base = RotationProblem(
        cadres=cadres, posts=posts, horizon=horizon, programs=loose, unavailable=unavailable
    )
    # A hidden plan, built one drawn placement at a time, kept only while valid.
    witness: list[Assignment] = []
    for _ in range(draw(st.integers(0, 2 * len(cadres)))):
        program = draw(st.sampled_from(loose))
        candidate = Assignment(
            cadre_id=draw(st.sampled_from(cadres)).id,
            post_id=draw(st.sampled_from(posts)).id,
            program=program.name,
            start=draw(st.integers(0, horizon - program.length)),
            length=program.length,
        )
        if not check_assignments(base, [*witness, candidate], pinned_check=False):
            witness.append(candidate)
    # Minimums no higher than what the witness gives every eligible cadre.
    programs = []
    for program in loose:
        eligible = [c for c in cadres if not base.is_eligible(c, program)]
        counts = [
            sum(a.cadre_id == c.id and a.program == program.name for a in witness) for c in eligible
        ]
        floor = min(counts, default=0)
        low = draw(st.integers(0, floor)) if strict else draw(st.integers(0, max(floor, 1)))
        programs.append(attrs.evolve(program, placements=(low, program.placements[1])))
    home: dict[str, int] = {}
    for unit in draw(st.sets(st.sampled_from(sorted({c.unit for c in cadres})))):
        members = {c.id for c in cadres if c.unit == unit}
        away = [
            len({a.cadre_id for a in witness if a.cadre_id in members and a.start <= t <= a.end})
            for t in range(horizon)
        ]
        home[unit] = draw(st.integers(0, len(members) - max(away, default=0)))
    problem = RotationProblem(
        cadres=draw(st.permutations(cadres)),
        posts=draw(st.permutations(posts)),
        horizon=horizon,
        programs=programs,
        min_home_staffing=home,
        unavailable=unavailable,
    )
    if strict and check_assignments(problem, witness, pinned_check=False):  # pragma: no cover
        raise AssertionError("internal error: the witness plan is not valid")
    return problem


@st.composite
def _infeasible(draw: st.DrawFn, max_cadres: int, max_horizon: int) -> RotationProblem:
    n = draw(st.integers(2, max(2, max_cadres)))
    cadres = _cadres(draw, n)
    length = draw(st.integers(1, min(3, max_horizon)))
    post = Post(id="p0", unit="elsewhere", category="host", capacity=1)
    program = Program(
        name="g0",
        length=length,
        placements=(1, 1),
        categories={"host"},
        cadres=[c.id for c in cadres],
    )
    # the single post has room for one placement over the horizon, and
    # every cadre needs one
    return RotationProblem(cadres=cadres, posts=[post], horizon=length, programs=[program])
