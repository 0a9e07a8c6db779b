# %% [markdown]
# # S5 Frontline postings (一线岗位)
#
# Over 12 months a zone sends **300+ cadres** to its 30 frontline posts
# (project attraction and construction, administrative reform,
# subdistricts; capacity 1-2 per month) to grow on the job
# (选派300余名干部到项目招引建设、"放管服"改革、街道等重点工作岗位上增才干).
# The sample zone has 246 cadres, fewer than such a zone, so this scenario
# generates a larger zone of 400 cadres with the same units, mix and posts.
#
# Each posting lasts one month and nobody is posted twice, so the year
# reaches as many people as it can: every young (青年) section-level (科级)
# cadre must go once; middle-aged and older section-level cadres and
# researchers may go once. Each unit keeps 75% of its cadres at home every
# month. The fast search effort is enough to reach well over 300 cadres.

# %%
import attrs

from cadredev import Cohort
from cadredev.datasets import frontline_problem, sample_zone
from cadredev.plot import occupancy
from cadredev.rotation import schedule

zone = sample_zone(n_cadres=400)
base = frontline_problem(zone)
once = {"frontline-young": (1, 1), "frontline": (0, 1)}
problem = attrs.evolve(
    base, programs=[attrs.evolve(p, placements=once[p.name]) for p in base.programs]
)
plan = schedule(problem, seed=0, effort="fast")
plan

# %% [markdown]
# The plan lists one posting per cadre: who goes, to which post, in which
# month, under which programme.

# %%
ax = occupancy(plan, problem, labels="zh")

# %% [markdown]
# The 30 frontline posts month by month: almost every cell is full, which is
# how one year reaches more than 300 different cadres.
#
# ## Checks

# %%
young = {c.id for c in zone.cadres if c.cohort(as_of=zone.as_of) is Cohort.YOUNG}
posted = {a.cadre_id for a in plan.assignments}
capacity = {p.id: p.capacity for p in problem.posts}
occ = plan.occupancy()
assert (len(zone.cadres), len(problem.posts)) == (400, 30)
assert len(posted) >= 300  # 300余名干部
assert len(posted) == len(plan.assignments)  # distinct cadres, one posting each
eligible_young = {c.id for c in problem.cadres if c.id in young and c.rank.value == "section"}
assert eligible_young <= posted, sorted(eligible_young - posted)[:5]
assert all(occ[i].max() <= capacity[p] for i, p in enumerate(plan.post_ids))
assert plan.violations(problem) == ()
print(f"{len(posted)} cadres posted, all {len(eligible_young)} young section-level among them")
