# %% [markdown]
# # S2 Grid mentor team (导师帮带团)
#
# The zone's 16 grid mentors (capacity 20 each) lead its 6 grids. Every other
# cadre belongs to one grid and gets one mentor of that grid. The criteria
# prefer cross-unit pairs (breaking departmental silos), then shared
# industries, competency-gap cover and an older mentor.
#
# The grids are those of the grid shuffle (S1): `form_teams` balances the
# cohorts and spreads the mentors over the grids, each led by one of the six
# most senior mentors; `with_grids` writes that result onto the cadres' and
# mentors' `grid` field, which the matching criteria read.

# %%
from collections import Counter

import attrs

from cadredev import Cadre
from cadredev.datasets import sample_zone
from cadredev.matching import Criteria, compatibility_graph, match
from cadredev.teams import form_teams, with_grids

zone = sample_zone()
by_id = {c.id: c for c in zone.cadres}
mentor_ids = {m.id for m in zone.grid_mentors()}
leaders = sorted(mentor_ids, key=lambda i: (-by_id[i].rank.level, by_id[i].birth_year, i))[:6]


def grid_mentor(cadre: Cadre) -> bool:
    """Whether the cadre is on the grid mentor team."""
    return cadre.id in mentor_ids


grids = form_teams(
    zone.cadres,
    n_teams=6,
    balance=("cohort", grid_mentor),
    leaders=leaders,
    seed=0,
    as_of=zone.as_of,
)
mentors = sorted(with_grids(zone.grid_mentors(), grids), key=lambda m: m.id)
mentees = [c for c in with_grids(zone.cadres, grids) if c.id not in mentor_ids]
print(len(mentors), "mentors,", len(mentees), "mentees")
print("grid sizes:", dict(sorted(Counter(c.grid for c in mentees).items())))
print("mentors per grid:", dict(sorted(Counter(m.grid for m in mentors).items())))
assert all(m.grid == f"grid-{grids.team_of(m.id) + 1}" for m in mentors)
assert sum(m.capacity for m in mentors if m.grid == "grid-1") >= sum(
    c.grid == "grid-1" for c in mentees
)

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
