# %% [markdown]
# # S3 Growth mentors for shadowing trainees (成长导师)
#
# Post-90s cadres (90后干部) shadow in another unit (跟班学习). Each trainee
# gets a growth mentor (成长导师) **in the host unit** whose expertise covers
# the trainee's weakest competency (短板能力).
#
# Host units come from the shadowing plan of S4 (`cross_shadowing_problem`:
# 27 trainees, 3 months each in a host post of another unit, host capacity
# and home staffing respected). Scheduled on its own, that plan ignores
# mentoring, and some hosts have no growth mentor at all; so the plan is
# made with a development benefit that values a host post whose unit has a
# growth mentor covering the trainee's weakest ability, and the hosts are
# read from the plan. During the placement the trainee works in the host
# unit, so the matching pairs trainees and mentors of the same unit
# (`same_unit_only`) and keeps only mentors who cover the weakest
# competency (`cover_weakest`).

# %%
from collections import Counter

import attrs

from cadredev.datasets import ABILITIES, cross_shadowing_problem, sample_zone
from cadredev.matching import Criteria, Matching, compatibility_graph, match
from cadredev.model import Cadre, Mentor, MentorRole
from cadredev.plot import mentor_graph
from cadredev.rotation import replan, schedule

zone = sample_zone()
growth = sorted((m for m in zone.mentors if m.role is MentorRole.GROWTH), key=lambda m: m.id)
shadowing = cross_shadowing_problem(zone)
program = shadowing.program("cross-shadowing")
by_id = {c.id: c for c in zone.cadres}
trainees = [by_id[i] for i in sorted(program.cadres or ())]

MARGIN = 0.1


def weakest(cadre: Cadre) -> str:
    """The trainee's weakest of the five abilities (ties by name)."""
    return min(sorted(ABILITIES), key=lambda k: cadre.competencies.get(k, 0.0))


def covers(mentor: Mentor, cadre: Cadre) -> bool:
    """Whether the mentor is MARGIN above the trainee in its weakest ability (to rounding)."""
    k = weakest(cadre)
    return mentor.competencies.get(k, 0.0) >= cadre.competencies.get(k, 0.0) + MARGIN - 1e-9


# %% [markdown]
# The S4 problem, planned with the mentoring benefit: a placement is worth the
# number of covering growth mentors in the host unit (at most 2, the places
# a mentor has), plus the problem's own competency-gap benefit.

# %%
benefit = {}
for c in trainees:
    for post in shadowing.posts:
        able = sum(m.unit == post.unit and covers(m, c) for m in growth)
        benefit[(c.id, post.id)] = min(able, 2) + shadowing.benefit_of(c, post)
plan = schedule(attrs.evolve(shadowing, benefit=benefit), seed=0)
posts = {p.id: p for p in shadowing.posts}
host = {a.cadre_id: posts[a.post_id].unit for a in plan.assignments}
initial, initial_host = plan, host
plan

# %% [markdown]
# The 27 placements of the plan, each three months in a host post of
# another unit; the host units decide who can mentor whom.
#
# Match: the weakest-competency gap dominates the weight; shared industries
# and the general competency gap break ties. Shadowing develops the five
# abilities, so the trainees' profiles are restricted to them for the match.

# %%
criteria = Criteria(
    weakest=3.0,
    gap_cover=1.0,
    industries=0.5,
    cross_unit=0.0,
    cohort_gap=0.0,
    same_grid=0.0,
    same_unit_only=True,
    cover_weakest=MARGIN,
)


def place(host: dict[str, str]) -> list[Cadre]:
    """The trainees as they work during the placement: in the host unit, five abilities."""
    return [
        attrs.evolve(
            c, unit=host[c.id], competencies={k: c.competencies.get(k, 0.0) for k in ABILITIES}
        )
        for c in trainees
    ]


def mentoring(host: dict[str, str]) -> Matching:
    """Match every trainee, placed in their host unit, to a growth mentor there."""
    return match(compatibility_graph(place(host), growth, criteria=criteria))


result = mentoring(host)
result.summary()

# %% [markdown]
# A mentor takes two trainees at most, which the shadowing plan does not
# know: a trainee whose host unit's covering mentors are all taken is left
# unmatched, with the reason. Their placements are released and re-planned
# (`replan`, every other placement kept) with the benefit counting only
# mentors who still have room, until everyone has a mentor.

# %%
rounds = 1
first_unmatched = dict(result.unmatched)
while result.unmatched and rounds < 4:
    load = Counter(result.pairs.values())
    for cid in result.unmatched:
        c = by_id[cid]
        for post in shadowing.posts:
            room = sum(
                m.unit == post.unit and covers(m, c) and load[m.id] < m.capacity for m in growth
            )
            benefit[(cid, post.id)] = min(room, 2) + shadowing.benefit_of(c, post)
    plan = replan(
        attrs.evolve(shadowing, benefit=benefit), plan, released=sorted(result.unmatched), seed=0
    )
    host = {a.cadre_id: posts[a.post_id].unit for a in plan.assignments}
    result = mentoring(host)
    rounds += 1
placed = place(host)
first = trainees[0]
print(f"{rounds} matching round(s); left unmatched at first: {len(first_unmatched)} trainees")
result

# %%
ax = mentor_graph(result, compatibility_graph(placed, growth, criteria=criteria), labels="zh")

# %% [markdown]
# Each growth mentor with the trainees hosted in their unit: no mentor takes
# more than two, and the hollow ones have no trainee this term.
#
# Why the first trainee got their mentor (their weakest ability and the
# host unit are in the table):

# %%
result.explain(first.id)

# %% [markdown]
# A second term: the trainees stay in their host units, and each should now
# learn from a **new** growth mentor. Their history (`Cadre.mentorships`)
# records this term's mentor; `previous_mentor="forbid"` keeps previous
# mentors out of the graph, and `explain` says why they are missing. (With
# `"avoid"` or `"prefer"` previous mentors stay, with a penalty or a bonus
# that shows as their own `previous_mentor` component.)

# %%
from cadredev.model import Mentorship

history = [
    attrs.evolve(c, mentorships=[Mentorship(mentor_id=result.pairs[c.id], start=zone.as_of)])
    for c in placed
]
new_mentor = attrs.evolve(criteria, previous_mentor="forbid")
second = match(compatibility_graph(history, growth, criteria=new_mentor))
why = second.explain(first.id)
why

# %% [markdown]
# The first trainee's explanation for the second term lists the previous
# mentor as forbidden.
#
# ## Checks
#
# The plan keeps S4's constraints; every trainee has a growth mentor in the
# host unit (never the home unit) who covers the weakest competency, no
# mentor exceeds capacity 2, and in the second term every mentor is new.

# %%
mentor_by_id = {m.id: m for m in growth}
home = {c.id: c.unit for c in trainees}
for p, h in ((initial, initial_host), (plan, host)):
    assert p.violations(shadowing) == ()  # S4's constraints all hold
    assert sorted(h) == [c.id for c in trainees]
    assert all(h[c.id] != c.unit for c in trainees)
assert not result.unmatched, result.unmatched
for c in trainees:
    mentor = mentor_by_id[result.pairs[c.id]]
    assert mentor.unit == host[c.id] != home[c.id]
    assert covers(mentor, c), (c.id, mentor.id)
assert all(load <= cap for load, cap in result.summary().loads.values())
assert not second.unmatched, second.unmatched
for c in trainees:
    mentor = mentor_by_id[second.pairs[c.id]]
    assert mentor.id != result.pairs[c.id]
    assert mentor.unit == host[c.id]
    assert covers(mentor, c), (c.id, mentor.id)
assert why.forbidden == ((result.pairs[first.id], "previous mentor"),)
assert f"not {result.pairs[first.id]}: forbidden: previous mentor" in str(why)
