"""Synthetic rotation problems for the benchmark (C cadres, C/10 posts, 12 periods)."""

from __future__ import annotations

import math

import numpy as np

from cadredev import Cadre, Eligibility, Post
from cadredev.rotation import Program, RotationProblem

LINES = ("investment", "project", "service")
SKILLS = ("communication", "coordination", "investment", "construction", "service", "judgment")
CATEGORIES = ("frontline", "host", "secondment", "stationed")


def generate(n_cadres: int, *, seed: int = 0, home_share: float = 0.85) -> RotationProblem:
    """Rotations of length 3 over 12 periods, up to 2 per cadre (at least 1 wanted),
    a gap of 1, one per category, another unit, binding capacities and home staffing,
    and some unavailability."""
    rng = np.random.default_rng(seed)
    n_units = max(2, n_cadres // 20)
    units = [f"unit-{u:03d}" for u in range(n_units)]
    cadres = []
    for i in range(n_cadres):
        levels = rng.beta(2.5, 2.5, size=len(SKILLS))
        cadres.append(
            Cadre(
                id=f"c{i:05d}",
                name=f"cadre {i}",
                birth_year=int(rng.integers(1970, 2000)),
                rank="section",
                unit=units[int(rng.integers(n_units))],
                line=LINES[int(rng.integers(3))],
                competencies={s: round(float(v), 2) for s, v in zip(SKILLS, levels, strict=True)},
            )
        )
    n_posts = max(1, n_cadres // 10)
    posts = []
    for j in range(n_posts):
        skills = rng.choice(len(SKILLS), size=2, replace=False)
        posts.append(
            Post(
                id=f"p{j:04d}",
                unit=units[int(rng.integers(n_units))],
                category=CATEGORIES[j % len(CATEGORIES)],
                capacity=int(rng.integers(1, 3)),
                requirements={SKILLS[s]: round(float(rng.uniform(0.5, 0.95)), 2) for s in skills},
                eligibility=Eligibility(lines={LINES[int(rng.integers(3))]}),
            )
        )
    sizes: dict[str, int] = {}
    for c in cadres:
        sizes[c.unit] = sizes.get(c.unit, 0) + 1
    home = {u: math.ceil(home_share * n) for u, n in sorted(sizes.items())}
    unavailable = {}
    for c in cadres:
        if rng.random() < 0.1:
            start = int(rng.integers(0, 12))
            unavailable[c.id] = set(range(start, min(12, start + int(rng.integers(1, 4)))))
    program = Program(
        name="rotation",
        length=3,
        placements=(1, 2),
        categories=set(CATEGORIES),
        other_unit=True,
        no_repeat=True,
        one_per_category=True,
        gap=1,
    )
    return RotationProblem(
        cadres=cadres,
        posts=posts,
        horizon=12,
        programs=[program],
        min_home_staffing=home,
        unavailable=unavailable,
    )


DISCIPLINES = ("medicine", "surgery", "paediatrics", "obstetrics", "psychiatry", "community")


def generate_tight(
    n_cadres: int, horizon: int, *, seed: int = 0, slack: float = 1.08
) -> RotationProblem:
    """A tight family shaped like a medical-student rotation: students x wards x periods.

    Each student belongs to one of four tracks; every ward admits two or three
    tracks (per-student ward eligibility). Each discipline is a programme of a
    fixed block length with a required number of blocks, and the blocks fill at
    least 95 % of a student's periods. Ward capacities give each discipline
    only ``slack`` times the ward-periods its students need, so most
    students' plans are nearly forced.
    """
    rng = np.random.default_rng(seed)
    tracks = [f"track-{t}" for t in range(4)]
    cadres = [
        Cadre(
            id=f"s{i:03d}",
            name=f"student {i}",
            birth_year=2000,
            rank="section",
            unit=tracks[i % len(tracks)],
            competencies={
                s: round(float(v), 2) for s, v in zip(SKILLS, rng.beta(2, 2, 6), strict=True)
            },
        )
        for i in range(n_cadres)
    ]
    # block lengths and required blocks filling 95-100 % of the horizon
    while True:
        n_disc = int(rng.integers(4, len(DISCIPLINES) + 1))
        lengths = rng.integers(1, 4, size=n_disc)
        need = rng.integers(1, 3, size=n_disc)
        filled = int((lengths * need).sum())
        if 0.95 * horizon <= filled <= horizon:
            break
    programs = []
    posts = []
    for d in range(n_disc):
        name = DISCIPLINES[d]
        programs.append(
            Program(
                name=name,
                length=int(lengths[d]),
                placements=(int(need[d]), int(need[d])),
                categories={name},
                no_repeat=False,
            )
        )
        demand = n_cadres * int(lengths[d]) * int(need[d])
        supply = math.ceil(slack * demand / horizon)
        n_wards = int(rng.integers(2, 5))
        caps = np.full(n_wards, supply // n_wards)
        caps[: supply % n_wards] += 1
        for w in range(n_wards):
            admitted = rng.choice(len(tracks), size=int(rng.integers(2, 4)), replace=False)
            skills = rng.choice(len(SKILLS), size=2, replace=False)
            posts.append(
                Post(
                    id=f"{name[:4]}-{w}",
                    unit=f"ward-{name}",
                    category=name,
                    capacity=max(1, int(caps[w])),
                    requirements={
                        SKILLS[s]: round(float(rng.uniform(0.5, 0.9)), 2) for s in skills
                    },
                    eligibility=Eligibility(units={tracks[t] for t in admitted}),
                )
            )
    return RotationProblem(cadres=cadres, posts=posts, horizon=horizon, programs=programs)
