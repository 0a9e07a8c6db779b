"""Sample programs and problems on the sample zone (scenarios S4, S5, S6).

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cadredev.errors import InvalidInputError
from cadredev.model import Cadre, Cohort, Eligibility, Line, Post, Rank
from cadredev.rotation import Program, RotationProblem

if TYPE_CHECKING:
    from ._zone import Zone

__all__ = [
    "cross_shadowing_problem",
    "frontline_problem",
    "sample_programs",
    "stationed_rotation_problem",
    "tiny_rotation_problem",
]

HOME_SHARE = 0.8
"""Share of each unit's cadres that stays home in every period (S4)."""


def _round_robin(cadres: list[Cadre], count: int) -> list[str]:
    by_unit: dict[str, list[Cadre]] = {}
    for c in sorted(cadres, key=lambda c: c.id):
        by_unit.setdefault(c.unit, []).append(c)
    out: list[str] = []
    depth = 0
    while len(out) < count and any(depth < len(v) for v in by_unit.values()):
        for unit in sorted(by_unit):
            if depth < len(by_unit[unit]) and len(out) < count:
                out.append(by_unit[unit][depth].id)
        depth += 1
    return sorted(out)


def _check_zone(zone: object, where: str) -> None:
    """Raise unless *zone* is a :class:`~cadredev.datasets.Zone` (or a subclass).

    The zone module builds on this one, so the class is recognised by name
    rather than imported.
    """
    if not any(
        k.__name__ == "Zone" and k.__module__ == "cadredev.datasets._zone"
        for k in type(zone).__mro__
    ):
        raise InvalidInputError(f"{where}: expected a Zone, got {type(zone).__name__}")


def sample_programs(zone: Zone) -> dict[str, Program]:
    """Return the sample zone's programs, by name.

    - ``cross-shadowing`` (S4, months): 27 post-90s cadres, one 3-month
      placement each in a ``host`` post of another unit.
    - ``frontline-young`` and ``frontline`` (S5, months): one-month frontline
      postings; young cadres need at least one (up to 3, a month apart),
      other section-level and researcher cadres may take up to 2.
    - ``stationed-rotation`` (S6, quarters): 23 investment cadres rotate
      through the 9 stationed posts, a year (4 quarters) per placement, one or
      two placements, never the same post twice.

    Examples
    --------
    >>> from cadredev.datasets import sample_zone
    >>> from cadredev.datasets import sample_programs
    >>> progs = sample_programs(sample_zone())
    >>> sorted(progs), len(progs["cross-shadowing"].cadres or ())
    (['cross-shadowing', 'frontline', 'frontline-young', 'stationed-rotation'], 27)

    .. versionadded:: 0.1
    """
    _check_zone(zone, "sample_programs")
    post90 = [c for c in zone.cadres if c.birth_year >= 1990]
    investment = [
        c for c in zone.cadres if c.line is Line.INVESTMENT and c.rank is not Rank.LEADERSHIP
    ]
    return {
        "cross-shadowing": Program(
            name="cross-shadowing",
            length=3,
            placements=(1, 1),
            categories="host",
            eligibility=Eligibility(born_after=1990),
            cadres=_round_robin(post90, 27),
            other_unit=True,
        ),
        "frontline-young": Program(
            name="frontline-young",
            length=1,
            placements=(1, 3),
            categories="frontline",
            eligibility=Eligibility(cohorts={Cohort.YOUNG}, ranks={Rank.SECTION}),
            gap=1,
        ),
        "frontline": Program(
            name="frontline",
            length=1,
            placements=(0, 2),
            categories="frontline",
            eligibility=Eligibility(
                cohorts={Cohort.MIDDLE, Cohort.OLD}, ranks={Rank.SECTION, Rank.RESEARCHER}
            ),
            gap=1,
        ),
        "stationed-rotation": Program(
            name="stationed-rotation",
            length=4,
            placements=(1, 2),
            categories="stationed",
            eligibility=Eligibility(lines={Line.INVESTMENT}),
            cadres=_round_robin(investment, 23),
            no_repeat=True,
        ),
    }


def _home(zone: Zone, share: float) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for c in zone.cadres:
        sizes[c.unit] = sizes.get(c.unit, 0) + 1
    return {u: int(share * n) for u, n in sorted(sizes.items())}


def cross_shadowing_problem(zone: Zone) -> RotationProblem:
    """Return scenario S4: a year of cross shadowing (跨部门跟岗) on the zone.

    Twelve monthly periods, the zone's ``host`` posts, the
    ``cross-shadowing`` programme, and each unit keeps 80 % of its cadres at
    home in every month.

    Examples
    --------
    >>> from cadredev.datasets import cross_shadowing_problem, sample_zone
    >>> problem = cross_shadowing_problem(sample_zone())
    >>> problem.horizon, [p.name for p in problem.programs]
    (12, ['cross-shadowing'])

    .. versionadded:: 0.2
    """
    _check_zone(zone, "cross_shadowing_problem")
    prog = sample_programs(zone)["cross-shadowing"]
    return RotationProblem(
        cadres=zone.cadres,
        posts=[p for p in zone.posts if p.category == "host"],
        horizon=12,
        programs=[prog],
        min_home_staffing=_home(zone, HOME_SHARE),
        as_of=zone.as_of,
    )


def frontline_problem(zone: Zone) -> RotationProblem:
    """Return scenario S5: a year of one-month frontline postings (一线锻炼).

    Young cadres need at least one posting, others may take up to two; each
    unit keeps 75 % of its cadres at home.

    Examples
    --------
    >>> from cadredev.datasets import frontline_problem, sample_zone
    >>> sorted(p.name for p in frontline_problem(sample_zone()).programs)
    ['frontline', 'frontline-young']

    .. versionadded:: 0.2
    """
    _check_zone(zone, "frontline_problem")
    progs = sample_programs(zone)
    return RotationProblem(
        cadres=zone.cadres,
        posts=[p for p in zone.posts if p.category == "frontline"],
        horizon=12,
        programs=[progs["frontline-young"], progs["frontline"]],
        min_home_staffing=_home(zone, 0.75),
        as_of=zone.as_of,
    )


def stationed_rotation_problem(zone: Zone) -> RotationProblem:
    """Return scenario S6: three years in quarters through the 9 stationed posts (驻点招商).

    Examples
    --------
    >>> from cadredev.datasets import sample_zone, stationed_rotation_problem
    >>> problem = stationed_rotation_problem(sample_zone())
    >>> problem.horizon, len(problem.posts)
    (12, 9)

    .. versionadded:: 0.2
    """
    _check_zone(zone, "stationed_rotation_problem")
    prog = sample_programs(zone)["stationed-rotation"]
    return RotationProblem(
        cadres=zone.cadres,
        posts=[p for p in zone.posts if p.category == "stationed"],
        horizon=12,
        programs=[prog],
        as_of=zone.as_of,
    )


def tiny_rotation_problem(*, capacity: int = 1, without: str | None = None) -> RotationProblem:
    """Return a three-cadre, two-post problem, small enough to read whole.

    Cadres ``a`` and ``b`` (unit ``u1``, which keeps one at home) and ``c``
    (unit ``u2``) each need one two-period placement in host posts ``p1``
    and ``p2`` over four periods.

    Parameters
    ----------
    capacity
        Places per period in each post.
    without
        The id of a cadre to leave out.

    Examples
    --------
    >>> from cadredev.datasets import tiny_rotation_problem
    >>> [c.id for c in tiny_rotation_problem().cadres]
    ['a', 'b', 'c']

    .. versionadded:: 0.2
    """
    cadres = [
        Cadre(
            id="a",
            name="甲",
            birth_year=1994,
            rank="section",
            unit="u1",
            competencies={"service": 0.2},
        ),
        Cadre(
            id="b",
            name="乙",
            birth_year=1991,
            rank="section",
            unit="u1",
            competencies={"service": 0.5},
        ),
        Cadre(
            id="c",
            name="丙",
            birth_year=1989,
            rank="section",
            unit="u2",
            competencies={"service": 0.4, "investment": 0.9},
        ),
    ]
    posts = [
        Post(id="p1", unit="u3", category="host", capacity=capacity, requirements={"service": 0.8}),
        Post(
            id="p2", unit="u3", category="host", capacity=capacity, requirements={"investment": 0.6}
        ),
    ]
    if without is not None and not isinstance(without, str):
        raise InvalidInputError(
            f"tiny_rotation_problem: without must be a cadre id or None, got {without!r}"
        )
    return RotationProblem(
        cadres=[c for c in cadres if c.id != without],
        posts=posts,
        horizon=4,
        programs=[Program(name="s", length=2, placements=(1, 1), categories="host")],
        min_home_staffing={"u1": 1} if without not in {"a", "b"} else {},
    )
