# %% [markdown]
# # S22 Policy sweep: variants side by side (政策方案比选)
#
# Analysts ask "what if shadowing lasts two months? what if each unit keeps
# 90% at home?"; policy designers compare scoring rules before adopting one.
# Each question is a grid of scenarios: a base input plus changes kept as
# data, run on a process pool (or a dask cluster) with a seed per scenario,
# and compared in one table.

# %%
import attrs
import pandas as pd

from cadredev.datasets import cross_shadowing_problem, sample_province, sample_zone
from cadredev.scenarios import grid, province, run

zone = sample_zone()
problem = cross_shadowing_problem(zone)
variants = grid(problem, length=[2, 3, 6], home_share=[0.8, 0.9, 0.95, 0.97])
print(len(variants), "variants, for example", variants[5].name)
print(variants[5].explain())

# %% [markdown]
# Twelve variants of the S4 cross-shadowing programme, on a process pool
# sized to the machine. The table gives each variant's objective, bound,
# gap, placements, unmet minimums and hard-rule violations.

# %%
rotation = run(variants, "schedule", progress=False)
assert rotation.ok
table = rotation.table()
print(table[["scenario", "objective", "gap", "placements", "unplaced", "violations"]])
assert (table["violations"] == 0).all()
best = rotation.best(by="objective")
print("best:", best.scenario, best.metrics["objective"])

# %% [markdown]
# Six-month placements while keeping 95% or more of every unit at home leave
# too few cadres free in the small units: some trainees cannot be placed.
# `diff` shows what moves between two variants.

# %%
rows = table.set_index("scenario")
tight, loose = rows.loc["length=6,home_share=0.97"], rows.loc["length=6,home_share=0.8"]
print("unplaced at 97%:", tight["unplaced"], "at 80%:", loose["unplaced"])
assert tight["unplaced"] > loose["unplaced"] == 0
moved = rotation.diff("length=3,home_share=0.8", "length=2,home_share=0.8").moved
print(moved, "trainees move when shadowing lasts two months instead of three")

# %% [markdown]
# The year's scoring under four schemes: the zone's scheme, a stricter
# excellent quota, quotas apportioned over the whole zone instead of per
# unit, and rounding quotas up. Grade flips and Kendall's tau are counted
# against the zone's own scheme.

# %%
scheme = zone.scheme
assert scheme is not None
stricter = tuple(attrs.evolve(g, quota=0.1) if g.id == "excellent" else g for g in scheme.grades)
schemes = [
    scheme,
    attrs.evolve(scheme, name=f"{scheme.name} (优秀 10%)", grades=stricter),
    attrs.evolve(scheme, name=f"{scheme.name} (全区统筹)", group_by=None),
    attrs.evolve(scheme, name=f"{scheme.name} (向上取整)", quota_rounding="ceil"),
]
scoring = run(grid(zone, scheme=schemes), "score", progress=False)
assert scoring.ok
print(scoring.table().drop(columns=["status", "runtime", "error"]))
assert scoring.table()["flips"].iloc[0] == 0

# %% [markdown]
# Both sweeps in one table, one row per variant.

# %%
both = pd.concat([rotation.table(), scoring.table()], ignore_index=True)
print(both[["scenario", "status", "objective", "unplaced", "grade:excellent", "flips", "tau"]])
assert len(both) == 16

# %% [markdown]
# A province runs the programme in many zones. `province` sweeps every zone
# (and every variant of each) at once and adds a `zone` column. Here four
# small zones of the sample province; the benchmark sweeps thirty.

# %%
zones = sample_province(n_zones=4, cadres=(200, 400))
bases = {z.name: cross_shadowing_problem(z) for z in zones}
sweep = province(bases, "schedule", axes={"length": [2, 3]}, progress=False)
print(sweep.table()[["zone", "scenario", "objective", "placements", "unplaced"]])
assert sweep.ok
assert sorted(set(sweep.table()["zone"])) == [z.name for z in zones]
