# %% [markdown]
# # S3 Growth mentors for shadowing trainees (成长导师)
#
# Post-90s cadres shadow in another unit (跟班学习). Each trainee gets a
# growth mentor **in the host unit** whose expertise covers the trainee's
# weakest competency.
#
# Host units come from the shadowing plan (rotation scheduling decides them;
# here a simple deterministic rule stands in: each trainee is hosted by the
# next unit, counting from its own, that has a growth mentor who covers the
# trainee's weakest ability and still has room). During the placement the
# trainee works in the host unit, so the matching pairs trainees and mentors
# of the same unit (`same_unit_only`) and keeps only mentors who cover the
# weakest competency (`cover_weakest`).

# %%
import attrs

from cadredev.datasets import ABILITIES, sample_zone
from cadredev.matching import Criteria, compatibility_graph, match
from cadredev.model import Cadre, Mentor, MentorRole

zone = sample_zone()
growth = sorted((m for m in zone.mentors if m.role is MentorRole.GROWTH), key=lambda m: m.id)
mentor_ids = {m.id for m in zone.mentors}
trainees = [c for c in zone.cadres if c.birth_year >= 1990 and c.id not in mentor_ids][:27]
print(len(trainees), "trainees,", len(growth), "growth mentors")

MARGIN = 0.1


def weakest(cadre: Cadre) -> str:
    """The trainee's weakest of the five abilities (ties by name)."""
    return min(sorted(ABILITIES), key=lambda k: cadre.competencies.get(k, 0.0))


def covers(mentor: Mentor, cadre: Cadre) -> bool:
    k = weakest(cadre)
    return mentor.competencies.get(k, 0.0) >= cadre.competencies.get(k, 0.0) + MARGIN


room = {m.id: m.capacity for m in growth}
host: dict[str, str] = {}
units = list(zone.units)
for c in trainees:
    start = units.index(c.unit)
    for step in range(1, len(units)):
        unit = units[(start + step) % len(units)]
        able = [m for m in growth if m.unit == unit and room[m.id] > 0 and covers(m, c)]
        if able:
            room[able[0].id] -= 1
            host[c.id] = unit
            break
assert len(host) == len(trainees)

# %% [markdown]
# Match: the weakest-competency gap dominates the weight; shared industries
# and the general competency gap break ties. Shadowing develops the five
# abilities, so the trainees' profiles are restricted to them for the match.

# %%
placed = [
    attrs.evolve(
        c, unit=host[c.id], competencies={k: c.competencies.get(k, 0.0) for k in ABILITIES}
    )
    for c in trainees
]
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
graph = compatibility_graph(placed, growth, criteria=criteria)
result = match(graph)
print(result.summary())
first = trainees[0]
print(f"{first.id} (weakest: {weakest(first)}, hosted by {host[first.id]})")
print(result.explain(first.id))

# %% [markdown]
# Checks: every trainee has a growth mentor in the host unit (never the home
# unit) who covers the weakest competency, and no mentor exceeds capacity 2.

# %%
by_id = {m.id: m for m in growth}
home = {c.id: c.unit for c in trainees}
assert not result.unmatched, result.unmatched
for c in trainees:
    mentor = by_id[result.pairs[c.id]]
    assert mentor.unit == host[c.id] != home[c.id]
    assert covers(mentor, c), (c.id, mentor.id)
assert all(load <= cap for load, cap in result.summary().loads.values())
print(f"all {len(trainees)} trainees matched to a covering growth mentor in their host unit")

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
print(second)
why = second.explain(first.id)
print(why)

# %%
assert not second.unmatched, second.unmatched
for c in trainees:
    mentor = by_id[second.pairs[c.id]]
    assert mentor.id != result.pairs[c.id]
    assert mentor.unit == host[c.id]
    assert covers(mentor, c), (c.id, mentor.id)
assert why.forbidden == ((result.pairs[first.id], "previous mentor"),)
assert f"not {result.pairs[first.id]}: forbidden: previous mentor" in str(why)
print(f"second term: all {len(trainees)} trainees have a new covering mentor in their host unit")
