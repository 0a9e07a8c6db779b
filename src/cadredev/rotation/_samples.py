"""Sample programs and problems on the sample zone (scenarios S4, S5, S6).

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cadredev.model import Cadre, Cohort, Eligibility, Line, Post, Rank

from ._problem import Program, RotationProblem

if TYPE_CHECKING:
    from cadredev.datasets import Zone

__all__ = [
    "cross_shadowing_problem",
    "frontline_problem",
    "sample_programs",
    "stationed_rotation_problem",
    "tiny_problem",
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
    >>> from cadredev.rotation._samples import sample_programs
    >>> progs = sample_programs(sample_zone())
    >>> sorted(progs), len(progs["cross-shadowing"].cadres or ())
    (['cross-shadowing', 'frontline', 'frontline-young', 'stationed-rotation'], 27)

    .. versionadded:: 0.1
    """
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
    """S4: 12 months, host posts, each unit keeps 80% of its cadres at home."""
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
    """S5: 12 months of one-month frontline postings, 75% of each unit at home."""
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
    """S6: three years in quarters (12 periods), the 9 stationed posts."""
    prog = sample_programs(zone)["stationed-rotation"]
    return RotationProblem(
        cadres=zone.cadres,
        posts=[p for p in zone.posts if p.category == "stationed"],
        horizon=12,
        programs=[prog],
        as_of=zone.as_of,
    )


def tiny_problem(*, capacity: int = 1, without: str | None = None) -> RotationProblem:
    """Return a three-cadre, two-post problem used in examples.

    Examples
    --------
    >>> from cadredev.rotation._samples import tiny_problem
    >>> [c.id for c in tiny_problem().cadres]
    ['a', 'b', 'c']
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
    return RotationProblem(
        cadres=[c for c in cadres if c.id != without],
        posts=posts,
        horizon=4,
        programs=[Program(name="s", length=2, placements=(1, 1), categories="host")],
        min_home_staffing={"u1": 1} if without not in {"a", "b"} else {},
    )
