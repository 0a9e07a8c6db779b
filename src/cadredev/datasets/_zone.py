"""The sample zone: a synthetic development zone shaped on published figures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import numpy as np
from attrs import field, frozen

from cadredev._validate import check_id, check_seed, check_text, is_int, require_as_of
from cadredev.errors import InvalidInputError
from cadredev.model import (
    Cadre,
    Cohort,
    Eligibility,
    Enterprise,
    Line,
    Mentor,
    MentorRole,
    Post,
    Rank,
)
from cadredev.rotation import Program
from cadredev.scoring import Records, Scheme

from ._rotation import sample_programs
from ._scoring import sample_records, sample_scheme

__all__ = ["ABILITIES", "INDUSTRIES", "Zone", "sample_zone"]

ABILITIES = ("communication", "judgment", "coordination", "problem_discovery", "deep_thinking")
"""The "five abilities" (五大能力) used as competency names."""

INDUSTRIES = (
    "semiconductor_equipment",
    "in_vitro_diagnostics",
    "green_energy",
    "ai",
    "biomedicine",
    "digital_economy",
    "logistics",
    "stone",
    "furniture_lighting",
    "smart_manufacturing",
    "home_textiles",
)
"""Industry tracks of the sample zone."""

_LINE_SKILL = {Line.INVESTMENT: "investment", Line.PROJECT: "construction", Line.SERVICE: "service"}

# unit, size, line mix (investment, project, service)
_UNITS: tuple[tuple[str, int, tuple[float, float, float]], ...] = (
    ("招商一局", 26, (0.9, 0.0, 0.1)),
    ("招商二局", 24, (0.9, 0.0, 0.1)),
    ("经济发展局", 22, (0.4, 0.1, 0.5)),
    ("建设管理局", 24, (0.0, 0.9, 0.1)),
    ("重大项目办", 18, (0.2, 0.8, 0.0)),
    ("企业服务局", 22, (0.1, 0.0, 0.9)),
    ("行政审批局", 18, (0.0, 0.1, 0.9)),
    ("应急管理局", 14, (0.0, 0.6, 0.4)),
    ("党政办公室", 16, (0.1, 0.1, 0.8)),
    ("新城街道", 26, (0.1, 0.2, 0.7)),
    ("城投集团", 20, (0.1, 0.8, 0.1)),
    ("产业投资公司", 16, (0.7, 0.1, 0.2)),
)

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢"  # one character each
    "宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"  # one character each
    "桂英华玉兰萍建红鹏飞宇浩然欣怡晨阳子涵思远嘉琪梓轩雨桐博文"
)
_AREAS = ("东区", "西区", "南区", "北区", "中心区", "高新园")
_STATIONED = ("深圳", "上海", "北京", "广州", "杭州", "苏州", "南京", "合肥", "武汉")
_SECONDMENT = (("苏州工业园区", "苏州"), ("南京江北新区", "南京"), ("深圳前海", "深圳"))


def _as_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidInputError(f"Zone: expected a collection of records, got {value!r}")
    return tuple(value)


@frozen(kw_only=True)
class Zone:
    """A development zone: its people, posts and enterprises.

    Parameters
    ----------
    name
        Display name of the zone.
    as_of
        The reference year for ages and cohorts.
    cadres, mentors, posts, enterprises
        The zone's records; ids are unique within each collection.
    units
        The zone's units, in display order.
    scheme
        The zone's scoring scheme, if any.
    records
        Assessment records (monthly for the sample zone), if any.
    programs
        Rotation programs (shadowing, frontline postings, stationed rotation).

    Examples
    --------
    >>> zone = sample_zone()
    >>> len(zone.cadres), len(zone.grid_mentors()), len(zone.enterprises)
    (246, 16, 1600)

    .. versionadded:: 0.1
    """

    name: str
    as_of: int
    cadres: tuple[Cadre, ...] = field(converter=_as_tuple)
    mentors: tuple[Mentor, ...] = field(converter=_as_tuple)
    posts: tuple[Post, ...] = field(converter=_as_tuple)
    enterprises: tuple[Enterprise, ...] = field(converter=_as_tuple)
    units: tuple[str, ...] = field(converter=_as_tuple)
    scheme: Scheme | None = None
    records: Records | None = None
    programs: tuple[Program, ...] = field(default=(), converter=_as_tuple)

    def __attrs_post_init__(self) -> None:
        check_text(self.name, where="Zone", name="name")
        require_as_of(self.as_of, where="Zone", why="ages and cohorts")
        kinds: tuple[tuple[str, tuple[Any, ...], type], ...] = (
            ("cadres", self.cadres, Cadre),
            ("mentors", self.mentors, Mentor),
            ("posts", self.posts, Post),
            ("enterprises", self.enterprises, Enterprise),
            ("programs", self.programs, Program),
        )
        for label, records, kind in kinds:
            for i, record in enumerate(records):
                if not isinstance(record, kind):
                    raise InvalidInputError(
                        f"Zone: {label}[{i}] must be a {kind.__name__}, got {record!r}"
                    )
            if kind is not Program:
                _check_unique(label, [r.id for r in records])
        for i, unit in enumerate(self.units):
            check_id(unit, where="Zone", name=f"units[{i}]")
        if self.scheme is not None and not isinstance(self.scheme, Scheme):
            raise InvalidInputError(f"Zone: scheme must be a Scheme or None, got {self.scheme!r}")
        if self.records is not None and not isinstance(self.records, Records):
            raise InvalidInputError(f"Zone: records must be Records or None, got {self.records!r}")

    def cadre(self, cadre_id: str) -> Cadre:
        """Return the cadre with id ``cadre_id``.

        Raises
        ------
        InvalidInputError
            If there is none.
        """
        for c in self.cadres:
            if c.id == cadre_id:
                return c
        raise InvalidInputError(f"Zone {self.name!r}: no cadre with id {cadre_id!r}")

    def cohorts(self) -> dict[str, Cohort]:
        """Return every cadre's cohort in :attr:`as_of`, by cadre id."""
        return {c.id: c.cohort(as_of=self.as_of) for c in self.cadres}

    def grid_mentors(self) -> tuple[Mentor, ...]:
        """Return the mentor-team members (role ``GRID``)."""
        return tuple(m for m in self.mentors if m.role is MentorRole.GRID)

    def describe(self) -> str:
        """Return a readable multi-line summary of the zone.

        Examples
        --------
        >>> print(sample_zone().describe().splitlines()[0])
        Sample development zone (as of 2025): 246 cadres in 12 units
        """
        cohorts = Counter(self.cohorts().values())
        lines = Counter(c.line for c in self.cadres)
        ranks = Counter(c.rank for c in self.cadres)
        roles = Counter(m.role for m in self.mentors)
        categories = Counter(p.category for p in self.posts)
        capacity: Counter[str] = Counter()
        for p in self.posts:
            capacity[p.category] += p.capacity
        areas = {e.area for e in self.enterprises}
        post90 = sum(c.birth_year >= 1990 for c in self.cadres)
        n = len(self.cadres)

        def share(count: int) -> str:
            return f"{count} ({100 * count / n:.0f}%)" if n else "0"

        out = [
            f"{self.name} (as of {self.as_of}): {n} cadres in {len(self.units)} units",
            "  cohorts: "
            + ", ".join(f"{c.label} {c.value} {share(cohorts[c])}" for c in Cohort)
            + f"; post-90s {post90}",
            "  lines:   "
            + ", ".join(f"{line.label} {share(lines[line])}" for line in Line if lines[line]),
            "  ranks:   " + ", ".join(f"{r.label} {ranks[r]}" for r in reversed(Rank)),
            "  mentors: " + ", ".join(f"{r.label} {roles[r]}" for r in MentorRole if roles[r]),
            "  posts:   "
            + ", ".join(
                f"{cat} {count} (capacity {capacity[cat]}/period)"
                for cat, count in sorted(categories.items())
            ),
            f"  enterprises: {len(self.enterprises)} in {len(areas)} areas",
        ]
        if self.scheme is not None:
            out.append(
                f"  scheme:  {self.scheme.name}: {len(self.scheme.indicator_ids)} indicators, "
                f"grades {'/'.join(g.label for g in self.scheme.grades)}"
            )
        if self.records is not None:
            periods = self.records.periods
            span = f"{periods[0]} to {periods[-1]}" if periods else "no periods"
            out.append(f"  records: {len(self.records.cadres)} cadres, {span}")
        if self.programs:
            out.append("  programs: " + ", ".join(p.name for p in self.programs))
        return "\n".join(out)


def _check_unique(label: str, ids: Sequence[str]) -> None:
    counts = Counter(ids)
    dupes = sorted(i for i, k in counts.items() if k > 1)
    if dupes:
        raise InvalidInputError(f"Zone: {label} has duplicate id(s) {dupes}")


def _name(rng: np.random.Generator) -> str:
    surname = _SURNAMES[rng.integers(len(_SURNAMES))]
    given = "".join(_GIVEN[i] for i in rng.integers(len(_GIVEN), size=int(rng.integers(1, 3))))
    return surname + given


def _age_and_rank(rng: np.random.Generator, index: int) -> tuple[int, Rank]:
    """Draw an age and rank so that about 8 are on the leadership team."""
    u = rng.random()
    if index < 8:
        return int(rng.integers(45, 58)), Rank.LEADERSHIP
    if u < 0.16:
        return int(rng.integers(36, 58)), Rank.DIVISION
    if u < 0.23:
        return int(rng.integers(50, 60)), Rank.RESEARCHER
    # section level and below: mostly young, some middle-aged, a few older
    v = rng.random()
    if v < 0.58:
        return int(rng.integers(24, 35)), Rank.SECTION
    if v < 0.88:
        return int(rng.integers(35, 50)), Rank.SECTION
    return int(rng.integers(50, 59)), Rank.SECTION


def _levels(rng: np.random.Generator, keys: Sequence[str], mean: float) -> dict[str, float]:
    a = 2 + 6 * mean
    b = 2 + 6 * (1 - mean)
    return {k: round(float(rng.beta(a, b)), 2) for k in keys}


def _unit_sizes(n_cadres: int) -> list[int]:
    """Scale the units' sizes to ``n_cadres`` in total (largest remainders, ties by order)."""
    base = [size for _, size, _ in _UNITS]
    total = sum(base)
    if n_cadres == total:
        return base
    exact = [size * n_cadres / total for size in base]
    sizes = [int(x) for x in exact]
    order = sorted(range(len(base)), key=lambda k: (-(exact[k] - sizes[k]), k))
    for k in order[: n_cadres - sum(sizes)]:
        sizes[k] += 1
    return sizes


def sample_zone(seed: int | np.random.Generator | None = 0, *, n_cadres: int = 246) -> Zone:
    """Return the embedded synthetic zone.

    Parameters
    ----------
    seed
        Seed for :func:`numpy.random.default_rng`; equal seeds give equal zones.
    n_cadres
        How many cadres (at least 24): the units' sizes are scaled to it, the
        posts, mentors and enterprises stay. The default 246 is the grid
        zone of the source reports; a larger zone stands in for a zone whose
        programme needs more people (300+ frontline postings, scenario S5).

    Returns
    -------
    Zone
        246 cadres in 12 units, 16 grid mentors and 36 growth mentors (all
        also cadres, same ids), 54 posts in the categories ``frontline``,
        ``host``, ``secondment`` and ``stationed``, 1,600 enterprises, a
        scoring scheme with one indicator set per line, and a year of monthly
        records (2025-01 to 2025-12) with a few safety incidents and one
        discipline veto, and the rotation programs of scenarios S4 to S6.

    Examples
    --------
    >>> zone = sample_zone(seed=0)
    >>> zone == sample_zone(seed=0)
    True
    >>> sum(p.category == "stationed" for p in zone.posts)
    9
    >>> len(sample_zone(n_cadres=500).cadres)
    500

    .. versionadded:: 0.1
    """
    seed = check_seed(seed, where="sample_zone")
    if not is_int(n_cadres) or n_cadres < 24:
        msg = f"sample_zone: n_cadres must be an integer >= 24, got {n_cadres!r}"
        raise InvalidInputError(msg)
    sizes = _unit_sizes(int(n_cadres))
    units = [(unit, size, mix) for (unit, _, mix), size in zip(_UNITS, sizes, strict=True)]
    return build_zone(seed, name="Sample development zone", units=units, n_enterprises=1600)


def build_zone(
    seed: int | np.random.Generator | None,
    *,
    name: str,
    units: Sequence[tuple[str, int, tuple[float, float, float]]],
    n_enterprises: int,
) -> Zone:
    """Build a zone by the sample zone's rules with the given units and enterprise count."""
    rng = np.random.default_rng(seed)
    as_of = 2025
    lines3 = (Line.INVESTMENT, Line.PROJECT, Line.SERVICE)
    cadres: list[Cadre] = []
    index = 0
    for unit_no, (unit, size, mix) in enumerate(units):
        for k in range(size):
            # one leadership member in each of the first 8 units
            age, rank = _age_and_rank(rng, 0 if (k == 0 and unit_no < 8) else 99)
            line = lines3[int(rng.choice(3, p=mix))]
            n_ind = int(rng.choice((1, 2, 3), p=(0.5, 0.35, 0.15)))
            industries = frozenset(
                INDUSTRIES[i] for i in rng.choice(len(INDUSTRIES), size=n_ind, replace=False)
            )
            seniority = min(1.0, max(0.0, (age - 22) / 40))
            base = 0.3 + 0.35 * seniority + 0.05 * rank.level
            comps = _levels(rng, ABILITIES, base)
            comps[_LINE_SKILL[line]] = round(float(rng.beta(2 + 6 * base, 3)), 2)
            comps.update(_levels(rng, sorted(industries), base + 0.1))
            birth = as_of - age
            joined = int(rng.integers(max(birth + 22, 2003), as_of + 1))
            cadres.append(
                Cadre(
                    id=f"c{index + 1:03d}",
                    name=_name(rng),
                    birth_year=birth,
                    rank=rank,
                    unit=unit,
                    line=line,
                    industries=industries,
                    competencies=comps,
                    gender="F" if rng.random() < 0.4 else "M",
                    joined_year=joined,
                )
            )
            index += 1

    def seniority_key(c: Cadre) -> tuple[int, int, str]:
        return (-c.rank.level, c.birth_year, c.id)

    senior = sorted(cadres, key=seniority_key)
    grid_ids = [c.id for c in senior if c.rank is Rank.LEADERSHIP][:8]
    grid_ids += [c.id for c in senior if c.rank is Rank.DIVISION][: 16 - len(grid_ids)]
    by_id = {c.id: c for c in cadres}
    mentors = [
        Mentor(
            id=cid,
            unit=by_id[cid].unit,
            capacity=20,
            role=MentorRole.GRID,
            name=by_id[cid].name,
            industries=by_id[cid].industries,
            competencies=by_id[cid].competencies,
            birth_year=by_id[cid].birth_year,
        )
        for cid in sorted(grid_ids)
    ]
    taken = set(grid_ids)
    growth_pool = [
        c
        for c in sorted(cadres, key=lambda c: c.id)
        if c.id not in taken
        and (
            c.rank in (Rank.DIVISION, Rank.RESEARCHER)
            or (c.rank is Rank.SECTION and c.cohort(as_of=as_of) is Cohort.MIDDLE)
        )
    ]
    picks = rng.choice(len(growth_pool), size=min(36, len(growth_pool)), replace=False)
    mentors += [
        Mentor(
            id=growth_pool[i].id,
            unit=growth_pool[i].unit,
            capacity=2,
            role=MentorRole.GROWTH,
            name=growth_pool[i].name,
            industries=growth_pool[i].industries,
            competencies=growth_pool[i].competencies,
            birth_year=growth_pool[i].birth_year,
        )
        for i in sorted(picks)
    ]

    posts: list[Post] = []
    frontline = (("项目攻坚", 12, 2), ("审批改革", 6, 1), ("街道一线", 12, 1))
    for label, count, capacity in frontline:
        for k in range(count):
            reqs = rng.choice(ABILITIES, size=2, replace=False)
            posts.append(
                Post(
                    id=f"front-{len(posts) + 1:02d}",
                    unit="重大项目办"
                    if label == "项目攻坚"
                    else ("行政审批局" if label == "审批改革" else "新城街道"),
                    category="frontline",
                    capacity=capacity,
                    requirements={str(r): round(float(rng.uniform(0.4, 0.7)), 2) for r in reqs},
                    name=f"{label}{k + 1}",
                )
            )
    for unit, _, _ in units:
        reqs = rng.choice(ABILITIES, size=2, replace=False)
        posts.append(
            Post(
                id=f"host-{len([p for p in posts if p.category == 'host']) + 1:02d}",
                unit=unit,
                category="host",
                capacity=3,
                requirements={str(r): round(float(rng.uniform(0.4, 0.7)), 2) for r in reqs},
                name=f"{unit}跟班岗",
            )
        )
    for k, (partner, city) in enumerate(_SECONDMENT):
        posts.append(
            Post(
                id=f"second-{k + 1}",
                unit=partner,
                category="secondment",
                capacity=2,
                requirements={"judgment": 0.5, "coordination": 0.5},
                eligibility=Eligibility(min_rank=Rank.SECTION),
                name=f"{partner}挂职",
                location=city,
            )
        )
    for k, city in enumerate(_STATIONED):
        posts.append(
            Post(
                id=f"station-{k + 1}",
                unit=f"{city}驻点",
                category="stationed",
                capacity=1,
                requirements={"communication": 0.5, "investment": 0.5},
                eligibility=Eligibility(lines={Line.INVESTMENT}),
                name=f"{city}驻点招商",
                location=city,
            )
        )

    weights = np.array([3, 2, 3, 4, 3, 4, 2, 1, 1, 4, 2], dtype=float)
    industry_draw = rng.choice(len(INDUSTRIES), size=n_enterprises, p=weights / weights.sum())
    area_draw = rng.choice(len(_AREAS), size=n_enterprises)
    enterprises = [
        Enterprise(
            id=f"e{k + 1:04d}",
            name=f"企业{k + 1:04d}",
            industry=INDUSTRIES[int(industry_draw[k])],
            area=_AREAS[int(area_draw[k])],
        )
        for k in range(n_enterprises)
    ]
    zone = Zone(
        name=name,
        as_of=as_of,
        cadres=cadres,
        mentors=mentors,
        posts=posts,
        enterprises=enterprises,
        units=[u for u, _, _ in units],
    )
    return attrs.evolve(
        zone,
        scheme=sample_scheme(),
        records=sample_records(zone, seed=seed),
        programs=tuple(sample_programs(zone).values()),
    )
