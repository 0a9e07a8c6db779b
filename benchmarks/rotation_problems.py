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
