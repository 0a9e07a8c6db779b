# %% [markdown]
# # S1 Grid shuffle (网格化)
#
# A zone shuffles its 246 cadres into 6 grids (网格). Every grid should mirror
# the zone's mix of old, middle-aged and young cadres (老中青) within 3 points,
# be led by one member of the 16-strong grid mentor team (导师帮带团), and
# together the grids look after the zone's 1,600 enterprises.
#
# The six grid leaders (网格长) are the six most senior mentors (highest rank,
# then the oldest, then by id). The other ten mentors are ordinary grid
# members; a second balanced attribute spreads them over the grids too.

# %%
from cadredev import Cadre
from cadredev.datasets import sample_zone
from cadredev.plot import enterprise_split_map, team_balance
from cadredev.teams import assign_enterprises, form_teams

zone = sample_zone()
by_id = {c.id: c for c in zone.cadres}
mentor_ids = {m.id for m in zone.grid_mentors() if m.id in by_id}
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
report = grids.report()
report

# %% [markdown]
# Each grid's share of old, middle-aged and young cadres (first row: the
# zone) and its worst deviation from the zone's mix, in percentage points.

# %%
ax = team_balance(grids, attribute="cohort", labels="zh")

# %% [markdown]
# The bars of the six grids line up with the dashed lines of the zone's mix:
# no grid is much older or younger than the zone.
#
# ## 1,600 enterprises across the grids
#
# Each grid looks after a share of the enterprises. Counts differ by at most
# one; keeping each area in one grid comes second, so only a few areas are
# split where a grid is full.

# %%
split = assign_enterprises(grids, zone.enterprises, by="area")
split

# %%
ax = enterprise_split_map(split, zone.enterprises, by="area", labels="zh")

# %% [markdown]
# Each row is an area, each column a grid; most areas sit in one grid, and
# the few marked `*` were split to keep the grids' counts even.
#
# ## Checks

# %%
assert len(grids) == 6
assert sum(grids.sizes) == 246
assert set(grids.sizes) == {41}
assert report.worst_by_attribute["cohort"] <= 3.0
assert all(grids.leader_of(t) in mentor_ids for t in range(6))
assert sorted(grids.leader_of(t) or "" for t in range(6)) == sorted(leaders)
assert all(2 <= sum(m in mentor_ids for m in members) <= 3 for members in grids.teams)
assert sum(split.counts) == 1600
assert max(split.counts) - min(split.counts) <= 1
assert len(split.split_groups) <= len(grids) - 1
