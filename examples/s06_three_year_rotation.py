# %% [markdown]
# # S6 Three-year rotation (轮岗交流)
#
# 23 investment cadres rotate through the 9 stationed out-of-town posts
# (one cadre per post at a time) over three years. Periods are **quarters**
# from 2025Q1 (12 periods); a placement lasts a year (4 quarters); each
# cadre gets one or two placements and never holds a post twice, counting
# the posts they held **before** this plan (their posting history).
#
# Five cadres already served a year in a stationed office in 2023. To make
# the rule visible, their past post is the one a plan that ignored history
# would give them.

# %%
import datetime as dt

import attrs

from cadredev.calendar import Calendar
from cadredev.datasets import sample_zone, stationed_rotation_problem
from cadredev.events import Left
from cadredev.model import Posting
from cadredev.rotation import replan, schedule

zone = sample_zone()
blind_problem = stationed_rotation_problem(zone)
blind = schedule(blind_problem, seed=0)

first_post: dict[str, str] = {}
for a in blind.assignments:
    first_post.setdefault(a.cadre_id, a.post_id)
served = dict(sorted(first_post.items())[:5])
in_2023 = {"start": dt.date(2023, 1, 1), "end": dt.date(2023, 12, 31)}
cadres = [
    attrs.evolve(
        c,
        history=(
            *c.history,
            Posting(post_id=served[c.id], category="stationed", program="驻点招商", **in_2023),
        ),
    )
    if c.id in served
    else c
    for c in blind_problem.cadres
]
problem = attrs.evolve(blind_problem, cadres=cadres, calendar=Calendar("2025Q1"))
plan = schedule(problem, seed=0)
print(plan.method, plan.objective, "gap", plan.gap)

# %%
prog = problem.program("stationed-rotation")
members = set(prog.cadres or ())
assert len(members) == 23
assert {a.cadre_id for a in plan.assignments} == members
assert not plan.unplaced
assert plan.occupancy().max() <= 1
held = [(a.cadre_id, a.post_id) for a in plan.assignments]
assert len(held) == len(set(held))  # nobody repeats a post within the plan
assert plan.violations(problem) == ()

# the history-blind plan repeats the 2023 posts; the plan with history does not
for cid, post in served.items():
    now_held = [a.post_id for a in plan.assignments if a.cadre_id == cid]
    assert post in {a.post_id for a in blind.assignments if a.cadre_id == cid}
    assert post not in now_held
    print(f"{cid} held {post} in 2023; history-blind plan: {post} again; now: {now_held}")
print(blind.violations(problem)[0].message)

# %% [markdown]
# A cadre leaves in July 2026, halfway through a placement. The re-plan is
# driven by the `Left` event: that placement is cut short at the end of June
# (kept as what happened, marked `ended_early`), the cadre's later placements
# go and they are placed no more; every other placement is kept, and the
# freed posts are planned again from 2026Q3.

# %%
now = dt.date(2026, 7, 1)
start = problem.period(now)
leaver = min(a.cadre_id for a in plan.assignments if a.start < start <= a.end)
event = Left(at=dt.date(2026, 7, 10), recorded_by="组织部", cadre_id=leaver, reason="调任")
again = replan(problem, plan, [event], now=now, seed=0)
gone = [a for a in plan.assignments if a.cadre_id == leaver and a.end >= start]
print(f"{leaver} leaves; moved {again.moved}; diff {len(plan.diff(again).added)} added")
print(again.explain(leaver))
assert again.moved == len(gone)
assert all(a in again.assignments for a in plan.assignments if a not in gone)
assert [a.end for a in again.assignments if a.cadre_id == leaver] == [start - 1]
assert [a.ended_early for a in again.assignments if a.cadre_id == leaver] == [True]
assert leaver not in {u.cadre_id for u in again.unplaced}
assert again.violations(problem) == ()
for a in plan.diff(again).added:
    first, last = again.dates(a)
    print(f"{a.cadre_id} in {a.post_id} from {first} to {last}{' (ended early)' * a.ended_early}")
print("S6 ok:", len(again.assignments), "placements after the re-plan")
