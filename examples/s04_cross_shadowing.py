# %% [markdown]
# # S4 Cross shadowing (交叉跟班)
#
# 27 post-90s cadres (90后干部) each spend 3 months shadowing (跟班学习) in a
# host post of another unit. Every host post takes at most 3 trainees a month
# and every unit keeps 80% of its cadres at home each month (在岗率). Periods
# are months of one year.

# %%
from cadredev.datasets import cross_shadowing_problem, sample_zone
from cadredev.plot import occupancy, rotation_gantt
from cadredev.rotation import diagnose, schedule

zone = sample_zone()
problem = cross_shadowing_problem(zone)
program = problem.program("cross-shadowing")
issues = diagnose(problem)  # () when nothing makes the problem infeasible
plan = schedule(problem, seed=0)
plan

# %% [markdown]
# Every trainee gets one 3-month placement in another unit; the table lists
# each placement with its post and months.

# %%
ax = rotation_gantt(plan, problem, labels="zh")

# %% [markdown]
# One bar per trainee: 27 distinct three-month placements, spread over the
# year so that no unit loses more than a fifth of its cadres in a month.

# %%
ax = occupancy(plan, problem, labels="zh")

# %% [markdown]
# How full each host post is in each month: no cell goes over the post's
# capacity of 3.
#
# ## Checks

# %%
by_id = {c.id: c for c in zone.cadres}
posts = {p.id: p for p in problem.posts}
assert issues == ()
assert len(plan.assignments) == 27
assert not plan.unplaced
assert {a.cadre_id for a in plan.assignments} == set(program.cadres or ())
assert all(by_id[a.cadre_id].birth_year >= 1990 for a in plan.assignments)
assert all(a.length == 3 for a in plan.assignments)
assert all(posts[a.post_id].unit != by_id[a.cadre_id].unit for a in plan.assignments)
assert plan.occupancy().max() <= 3
assert plan.violations(problem) == ()
