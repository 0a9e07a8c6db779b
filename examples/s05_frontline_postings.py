# %% [markdown]
# # S5 Frontline postings (一线岗位)
#
# Over 12 months, section-level cadres are posted to the 30 frontline posts
# (project attraction and construction, administrative reform, subdistricts;
# capacity 1-2 per month) for one month at a time. Every young cadre gets at
# least one frontline month (up to 3, with a month between postings); middle
# and older section-level cadres and researchers may take up to 2. Each unit
# keeps 75% of its cadres at home every month.
#
# We count **postings** (assignments of one month each), so postings equal
# cadre-months here.

# %%
from cadredev import Cohort
from cadredev.datasets import frontline_problem, sample_zone
from cadredev.rotation import schedule

zone = sample_zone()
problem = frontline_problem(zone)
plan = schedule(problem, seed=0)
print(plan.method, plan.objective, "bound", plan.bound)
print(plan.breakdown()["program"], plan.breakdown()["cohort"])

# %%
young = {c.id for c in zone.cadres if c.cohort(as_of=zone.as_of) is Cohort.YOUNG}
posted = {a.cadre_id for a in plan.assignments}
capacity = {p.id: p.capacity for p in problem.posts}
occ = plan.occupancy()
assert len(plan.assignments) >= 300
assert young <= posted, sorted(young - posted)[:5]
assert all(occ[i].max() <= capacity[p] for i, p in enumerate(plan.post_ids))
assert plan.violations(problem) == ()
print(
    f"S5 ok: {len(plan.assignments)} postings, {len(posted)} cadres posted, "
    f"all {len(young)} young cadres at least once"
)
