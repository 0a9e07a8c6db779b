# %% [markdown]
# # S4 Cross shadowing (交叉跟班)
#
# 27 post-90s cadres each spend 3 months shadowing in a host post of another
# unit. Every host post takes at most 3 trainees a month and every unit keeps
# 80% of its cadres at home each month. Periods are months of one year.

# %%
from cadredev.datasets import cross_shadowing_problem, sample_zone
from cadredev.rotation import diagnose, schedule

zone = sample_zone()
problem = cross_shadowing_problem(zone)
program = problem.program("cross-shadowing")
print(len(program.cadres or ()), "trainees,", len(problem.posts), "host posts")

# %%
assert diagnose(problem) == ()
plan = schedule(problem, seed=0)
print(plan.method, plan.objective, "gap", round(plan.gap, 4))
print(plan.breakdown()["unit"])

# %% [markdown]
# Every trainee gets one 3-month placement in another unit; no host post is
# over capacity and no unit falls below its home staffing.

# %%
by_id = {c.id: c for c in zone.cadres}
posts = {p.id: p for p in problem.posts}
assert len(plan.assignments) == 27
assert not plan.unplaced
assert {a.cadre_id for a in plan.assignments} == set(program.cadres or ())
assert all(by_id[a.cadre_id].birth_year >= 1990 for a in plan.assignments)
assert all(a.length == 3 for a in plan.assignments)
assert all(posts[a.post_id].unit != by_id[a.cadre_id].unit for a in plan.assignments)
assert plan.occupancy().max() <= 3
assert plan.violations(problem) == ()
print("S4 ok:", len(plan.assignments), "placements, max host load", plan.occupancy().max())
