# %% [markdown]
# # S6 Three-year rotation (轮岗交流)
#
# 23 investment cadres (招商干部) rotate over three years; **9 of them** through the 9
# stationed out-of-town posts (驻外招商岗位, one cadre per post at a time),
# the other 14 through investment posts of other units at home. Periods are
# **quarters** from 2025Q1 (12 periods); a placement lasts a year (4
# quarters). The 9 are the 23 best suited to stationed work (investment and
# communication); each takes one or two stationed placements and never holds
# a post twice, counting the posts they held **before** this plan (their
# posting history); the 14 take one home placement in another unit.
#
# Five of the 9 already served a year in a stationed office in 2023. To make
# the rule visible, their past post is the one a plan that ignored history
# would give them.

# %%
import datetime as dt

import attrs
import pandas as pd

from cadredev.calendar import Calendar
from cadredev.datasets import sample_zone, stationed_rotation_problem
from cadredev.events import Left
from cadredev.model import Eligibility, Line, Post, Posting
from cadredev.plot import rotation_gantt
from cadredev.rotation import Program, replan, schedule

zone = sample_zone()
base = stationed_rotation_problem(zone)
members = sorted(base.program("stationed-rotation").cadres or ())
by_id = {c.id: c for c in zone.cadres}


def stationed_fit(cadre_id: str) -> float:
    """Suitability for a stationed office: investment plus communication."""
    comps = by_id[cadre_id].competencies
    return comps.get("investment", 0.0) + comps.get("communication", 0.0)


stationed_ids = sorted(sorted(members, key=lambda i: (-stationed_fit(i), i))[:9])
home_ids = sorted(set(members) - set(stationed_ids))
home_units = ("招商一局", "招商二局", "经济发展局", "产业投资公司", "重大项目办", "企业服务局")
home_posts = [
    Post(
        id=f"rotate-{k + 1}",
        unit=unit,
        category="rotation",
        capacity=1,
        requirements={"investment": 0.5},
        name=f"{unit}招商轮岗",
    )
    for k, unit in enumerate(home_units)
]
programs = [
    Program(
        name="stationed-rotation",
        length=4,
        placements=(1, 2),
        categories="stationed",
        eligibility=Eligibility(lines={Line.INVESTMENT}),
        cadres=stationed_ids,
        no_repeat=True,
    ),
    Program(
        name="home-rotation",
        length=4,
        placements=(1, 1),
        categories="rotation",
        cadres=home_ids,
        other_unit=True,
    ),
]
blind_problem = attrs.evolve(
    base, posts=[*base.posts, *home_posts], programs=programs, calendar=Calendar("2025Q1")
)
blind = schedule(blind_problem, seed=0)
stationed_posts = {p.id for p in base.posts}

first_post: dict[str, str] = {}
for a in blind.assignments:
    if a.post_id in stationed_posts:
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
problem = attrs.evolve(blind_problem, cadres=cadres)
plan = schedule(problem, seed=0)
plan

# %% [markdown]
# The plan lists every placement, a year (four quarters) long.

# %%
ax = rotation_gantt(plan, problem, labels="zh")

# %% [markdown]
# One row per cadre over the three years: nine of them pass through the
# stationed offices, the other fourteen through investment posts of other
# units at home.
#
# The five who served in 2023 do not go back to the post they held then,
# which the history-blind plan would have given them:

# %%
stationed = {a.cadre_id for a in plan.assignments if a.post_id in stationed_posts}
pd.DataFrame(
    [
        {
            "cadre": cid,
            "held in 2023": post,
            "history-blind plan": ", ".join(
                a.post_id for a in blind.assignments if a.cadre_id == cid
            ),
            "plan": ", ".join(a.post_id for a in plan.assignments if a.cadre_id == cid),
        }
        for cid, post in served.items()
    ]
)

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
again.explain(leaver)

# %% [markdown]
# What the re-plan says about the leaver; the placements it added in their
# place:

# %%
pd.DataFrame(
    [
        {
            "cadre": a.cadre_id,
            "post": a.post_id,
            "from": again.dates(a)[0],
            "to": again.dates(a)[1],
            "ended early": a.ended_early,
        }
        for a in plan.diff(again).added
    ]
)

# %% [markdown]
# ## Checks

# %%
assert len(members) == 23
assert {a.cadre_id for a in plan.assignments} == set(members)
assert len(stationed) == 9  # 其中驻外招商岗位占9人
assert stationed == set(stationed_ids)
assert not plan.unplaced
assert plan.occupancy().max() <= 1
held = [(a.cadre_id, a.post_id) for a in plan.assignments]
assert len(held) == len(set(held))  # nobody repeats a post within the plan
assert plan.violations(problem) == ()

# the history-blind plan repeats the 2023 posts; the plan with history does not
for cid, post in served.items():
    assert post in {a.post_id for a in blind.assignments if a.cadre_id == cid}
    assert post not in {a.post_id for a in plan.assignments if a.cadre_id == cid}
assert blind.violations(problem)

assert again.moved == len(gone)
assert all(a in again.assignments for a in plan.assignments if a not in gone)
assert [a.end for a in again.assignments if a.cadre_id == leaver] == [start - 1]
assert [a.ended_early for a in again.assignments if a.cadre_id == leaver] == [True]
assert leaver not in {u.cadre_id for u in again.unplaced}
assert again.violations(problem) == ()
