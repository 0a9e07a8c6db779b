# %% [markdown]
# # S2 Grid mentor team (导师帮带团)
#
# The zone's 16 grid mentors (capacity 20 each) lead its 6 grids. Every other
# cadre belongs to one grid and gets one mentor of that grid. The criteria
# prefer cross-unit pairs (breaking departmental silos), then shared
# industries, competency-gap cover and an older mentor.
#
# Grids are formed here with a simple deterministic rule: mentors are dealt to
# the 6 grids in id order, and cadres, sorted by cohort and birth year, are
# dealt in turn to one grid per mentor slot, so each grid is cohort-balanced
# and sized to its mentors' capacity.

# %%
from collections import Counter

import attrs

from cadredev.datasets import sample_zone
from cadredev.matching import Criteria, compatibility_graph, match
from cadredev.model import Cohort

zone = sample_zone()
grid_mentors = sorted(zone.grid_mentors(), key=lambda m: m.id)
grids = [f"grid-{k + 1}" for k in range(6)]
mentors = [attrs.evolve(m, grid=grids[k % 6]) for k, m in enumerate(grid_mentors)]
mentor_ids = {m.id for m in mentors}
order = {Cohort.YOUNG: 0, Cohort.MIDDLE: 1, Cohort.OLD: 2}
others = sorted(
    (c for c in zone.cadres if c.id not in mentor_ids),
    key=lambda c: (order[c.cohort(as_of=zone.as_of)], c.birth_year, c.id),
)
slots = [m.grid for m in mentors]  # one entry per mentor: grids with 3 mentors come up 3 times
mentees = [attrs.evolve(c, grid=slots[k % len(slots)]) for k, c in enumerate(others)]
print(len(mentors), "mentors,", len(mentees), "mentees")
print("grid sizes:", dict(sorted(Counter(c.grid for c in mentees).items())))

# %% [markdown]
# Build the compatibility graph (only pairs within a grid) and match.

# %%
criteria = Criteria(
    as_of=zone.as_of,
    cross_unit=3.0,
    industries=1.0,
    gap_cover=1.0,
    cohort_gap=0.5,
    same_grid=0.0,
    same_grid_only=True,
)
graph = compatibility_graph(mentees, mentors, criteria=criteria)
result = match(graph)
summary = result.summary()
print(summary)

# %%
print(result.explain(mentees[0].id))

# %% [markdown]
# Checks: everyone is matched within their grid, no mentor is over capacity,
# and nearly every pair crosses units. Without the cross-unit criterion the
# share drops.

# %%
assert not result.unmatched, result.unmatched
assert len(result.pairs) == len(mentees) == 230
grid_of = {c.id: c.grid for c in mentees} | {m.id: m.grid for m in mentors}
assert all(grid_of[a] == grid_of[b] for a, b in result.assignments)
assert all(load <= cap for load, cap in summary.loads.values())
assert summary.cross_unit_share is not None
assert summary.cross_unit_share >= 0.9, summary.cross_unit_share

plain = match(
    compatibility_graph(mentees, mentors, criteria=attrs.evolve(criteria, cross_unit=0.0))
)
plain_share = plain.summary().cross_unit_share
assert plain_share is not None
assert summary.cross_unit_share > plain_share
print(
    f"cross-unit pairs: {summary.cross_unit_share:.0%} (without the criterion: {plain_share:.0%})"
)

# %% [markdown]
# The matching is a document like any other record: saved and read back, it
# compares equal and still explains itself, without the graph.

# %%
import tempfile
from pathlib import Path

from cadredev import io
from cadredev.matching import Matching

path = Path(tempfile.mkdtemp()) / "mentoring.json"
io.save_json(result, path)
back = io.load_json(Matching, path)
assert back == result
assert back.explain(mentees[0].id) == result.explain(mentees[0].id)
assert back.summary() == result.summary()
print(f"{path.name}: {path.stat().st_size:,} bytes; {back}")
