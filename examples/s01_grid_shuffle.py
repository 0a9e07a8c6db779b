# %% [markdown]
# # S1 Grid shuffle (网格化)
#
# A zone shuffles its 246 cadres into 6 grids. Every grid should mirror the
# zone's mix of old, middle-aged and young cadres (老中青) within 3 points,
# be led by one member of the 16-strong grid mentor team (导师帮带团), and
# together the grids cover the zone's 1,600 enterprises.
#
# The six leaders are the six most senior mentors (highest rank, then the
# oldest, then by id). The other ten mentors are ordinary grid members; a
# second balanced attribute spreads them over the grids too.

# %%
from collections import Counter

from cadredev import Cadre
from cadredev.datasets import sample_zone
from cadredev.teams import assign_enterprises, form_teams

zone = sample_zone()
by_id = {c.id: c for c in zone.cadres}
mentor_ids = {m.id for m in zone.grid_mentors() if m.id in by_id}
leaders = sorted(mentor_ids, key=lambda i: (-by_id[i].rank.level, by_id[i].birth_year, i))[:6]
print(f"{len(zone.cadres)} cadres, {len(mentor_ids)} grid mentors; leaders: {leaders}")


def grid_mentor(cadre: Cadre) -> bool:
    """Whether the cadre is on the grid mentor team."""
    return cadre.id in mentor_ids


# %%
grids = form_teams(
    zone.cadres,
    n_teams=6,
    balance=("cohort", grid_mentor),
    leaders=leaders,
    seed=0,
    as_of=zone.as_of,
)
report = grids.report()
cohorts = report.categories["cohort"]  # old, middle, young
overall = report.overall["cohort"]
print("zone:   " + "  ".join(f"{c} {100 * overall[c]:4.1f}%" for c in cohorts))
for t, members in enumerate(grids.teams):
    shares = report.shares[t]["cohort"]
    mentors_here = sum(m in mentor_ids for m in members)
    print(
        f"grid {t}: "
        + "  ".join(f"{c} {100 * shares[c]:4.1f}%" for c in cohorts)
        + f"  ({len(members)} cadres, leader {grids.leader_of(t)}, {mentors_here} mentors)"
    )
print(
    f"worst cohort deviation {report.worst_by_attribute['cohort']:.2f} points "
    f"(stratified deal: {report.initial_worst_deviation:.2f})"
)

# %%
assert len(grids) == 6
assert sum(grids.sizes) == 246
assert set(grids.sizes) == {41}
assert report.worst_by_attribute["cohort"] <= 3.0
assert all(grids.leader_of(t) in mentor_ids for t in range(6))
assert sorted(grids.leader_of(t) or "" for t in range(6)) == sorted(leaders)
assert all(2 <= sum(m in mentor_ids for m in members) <= 3 for members in grids.teams)

# %% [markdown]
# ## 1,600 enterprises across the grids
#
# Each grid looks after a share of the enterprises. Counts differ by at most
# one; keeping each area in one grid comes second, so only a few areas are
# split where a grid is full.

# %%
split = assign_enterprises(grids, zone.enterprises, by="area")
areas = {e.id: e.area for e in zone.enterprises}
for t in range(len(grids)):
    mix = Counter(areas[e] for e in split[t])
    print(f"grid {t}: {len(split[t])} enterprises, areas {dict(sorted(mix.items()))}")
print(f"areas split across grids: {dict(split.split_groups)}")

assert sum(split.counts) == 1600
assert max(split.counts) - min(split.counts) <= 1
assert len(split.split_groups) <= len(grids) - 1
