# %% [markdown]
# # S6 Three-year rotation (轮岗交流)
#
# 23 investment cadres rotate through the 9 stationed out-of-town posts
# (one cadre per post at a time) over three years. Periods are **quarters**
# (12 periods); a placement lasts a year (4 quarters); each cadre gets one or
# two placements and never the same post twice. After the first year a cadre
# leaves: the plan is re-made with everyone else's placements kept.

# %%
import attrs

from cadredev.datasets import sample_zone
from cadredev.rotation import RotationProblem, replan, schedule
from cadredev.datasets import stationed_rotation_problem

zone = sample_zone()
problem = stationed_rotation_problem(zone)
plan = schedule(problem, seed=0)
print(plan.method, plan.objective, "gap", plan.gap)

# %%
prog = problem.program("stationed-rotation")
cadres = set(prog.cadres or ())
assert len(cadres) == 23
assert {a.cadre_id for a in plan.assignments} == cadres
assert not plan.unplaced
assert plan.occupancy().max() <= 1
held = [(a.cadre_id, a.post_id) for a in plan.assignments]
assert len(held) == len(set(held))  # nobody repeats a post
assert plan.violations(problem) == ()

# %% [markdown]
# A cadre whose placement starts in the second year leaves. Re-plan from
# quarter 4: that cadre's placements go, every other placement is kept.

# %%
now = 4
leaver = min(a.cadre_id for a in plan.assignments if a.start >= now)
changed = RotationProblem(
    cadres=[c for c in problem.cadres if c.id != leaver],
    posts=problem.posts,
    horizon=problem.horizon,
    programs=[attrs.evolve(prog, cadres=cadres - {leaver})],
    as_of=problem.as_of,
)
again = replan(changed, plan, released=[leaver], now=now, seed=0)
gone = [a for a in plan.assignments if a.cadre_id == leaver]
print(f"{leaver} leaves; moved {again.moved}; diff {len(plan.diff(again).added)} added")
assert again.moved == len(gone)
assert all(a in again.assignments for a in plan.assignments if a.cadre_id != leaver)
assert again.violations(changed) == ()
print("S6 ok:", len(again.assignments), "placements after the re-plan")
