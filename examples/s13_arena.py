# %% [markdown]
# # S13 Arena: 9 department heads ranked, with score breakdowns
#
# 擂台赛: the heads (一把手) of 9 units report their year's results and are
# ranked on one board (擂台). Each head is the most senior cadre of the unit
# (highest rank, then the earliest born). Heads of different lines are scored
# on their own line's indicators against fixed references, so the totals are
# comparable attainment scores; the board shows each total's breakdown.

# %%
import attrs

from cadredev.datasets import sample_zone
from cadredev.plot import leaderboard_chart
from cadredev.scoring import rollup, score

zone = sample_zone()
units = zone.units[:9]
heads = [
    min(
        (c for c in zone.cadres if c.unit == unit),
        key=lambda c: (-c.rank.level, c.birth_year, c.id),
    )
    for unit in units
]
scheme = attrs.evolve(zone.scheme, group_by=None)
records = zone.records.select(cadres=[h.id for h in heads])
year = rollup(records, scheme, to="year")
arena = score(scheme, heads, year)
board = arena.leaderboard()
board

# %% [markdown]
# The nine heads in order, with each total's points per indicator.

# %%
ax = leaderboard_chart(board, scheme=scheme, top=9, labels="zh")

# %% [markdown]
# Each bar is one head's total split by indicator: the project heads score
# on the on-time rate alone (the head of 建设管理局 leads), the investment
# heads on four indicators and the service heads on three.
#
# ## Checks

# %%
assert len(heads) == 9
assert [r.position for r in board.rows] == list(range(1, 10))
assert board.rows[0].cadre_id == "c073"  # head of 建设管理局, on-time rate above target
assert round(board.rows[0].total, 1) == 100.9
totals = [r.total for r in board.rows]
assert totals == sorted(totals, reverse=True)
for row in board.rows:
    ex = arena.explain(row.cadre_id)
    penalty = sum(p for _, _, p in ex.penalties)
    assert abs(sum(row.breakdown.values()) - penalty - row.total) < 1e-9
