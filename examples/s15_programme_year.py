# %% [markdown]
# # S15 A programme year, kept in a ledger (台账)
#
# One year of the sample zone's programme, decision by decision, written to a
# SQLite ledger: the scheme adopted for the year, grid mentors matched and
# their meetings and feedback, a quarter of cross shadowing, monthly
# assessments, one approved exemption (容错免责) and one calibrated grade
# (校准), and at the end the reserve pool (后备库) from each cadre's tenure.
# Every event says when it happened and who recorded it; nothing is edited
# in place. At the end the database is opened again, as another process
# would, and one cadre's audit is read back.

# %%
import datetime as dt
import tempfile
from pathlib import Path

import attrs
import pandas as pd

from cadredev import Criteria, Exemption, compatibility_graph, form_teams, match
from cadredev.calendar import Calendar, period_span
from cadredev.datasets import cross_shadowing_problem, sample_zone
from cadredev.events import (
    Completed,
    Enrolled,
    Exempted,
    Feedback,
    GradeOverride,
    Meeting,
    PlacementEnded,
)
from cadredev.ledger import Ledger, SchemeAdopted
from cadredev.rotation import schedule
from cadredev.scoring import rollup, score

zone = sample_zone()
months = Calendar("2025-01")
db = Path(tempfile.mkdtemp()) / "zone.db"
ledger = Ledger.connect(f"sqlite:///{db}", zone=zone)
ledger.append(
    SchemeAdopted(
        at=dt.date(2024, 12, 20),
        recorded_by="党工委",
        scheme=zone.scheme,
        effective=dt.date(2025, 1, 1),
    )
)
adopted = ledger.scheme_for("2025-03")

# %% [markdown]
# **Grids and mentors.** The 246 cadres are shuffled into 6 grids balanced
# across generations; each grid's mentors are matched to its cadres,
# preferring cross-unit pairs. The matching is recorded as mentorships.

# %%
grids = form_teams(zone.cadres, n_teams=6, seed=0, as_of=zone.as_of)
grid_of = {cid: f"grid-{t + 1}" for t, team in enumerate(grids.teams) for cid in team}
mentors = zone.grid_mentors()
mentor_ids = {m.id for m in zone.mentors}
mentees = [c for c in zone.cadres if c.id not in mentor_ids]
graph = compatibility_graph(mentees, mentors, criteria=Criteria(as_of=zone.as_of, cross_unit=2.0))
mentoring = match(graph)
started = ledger.record(mentoring, at=dt.date(2025, 1, 6), recorded_by="组织部")
grids

# %% [markdown]
# The six grids and their mix of generations; the mentoring is recorded as
# one mentorship event per pair.

#
# Mentors meet their mentees monthly and both sides give feedback at mid-year
# (1 to 5).

# %%
pairs = sorted(mentoring.pairs.items())
events = []
for month in range(1, 7):
    day = dt.date(2025, month, 15)
    events += [
        Meeting(at=day, recorded_by=str(m), mentee_id=str(c), mentor_id=str(m), minutes=45)
        for c, m in pairs
    ]
for k, (c, m) in enumerate(pairs):
    events += [
        Feedback(
            at=dt.date(2025, 6, 30),
            recorded_by=str(c),
            mentee_id=str(c),
            mentor_id=str(m),
            by="mentee",
            rating=5 if k % 3 else 4,
            stage="mid",
        ),
        Feedback(
            at=dt.date(2025, 6, 30),
            recorded_by=str(m),
            mentee_id=str(c),
            mentor_id=str(m),
            by="mentor",
            rating=4,
            stage="mid",
        ),
    ]
ledger.extend(events)
feedback = pd.DataFrame([{"by": e.by, "rating": e.rating} for e in ledger.events(kind=Feedback)])
pd.crosstab(feedback["by"], feedback["rating"])

# %% [markdown]
# The mid-year feedback: how many mentees and mentors gave each rating.

#
# **Cross shadowing.** 27 post-90s cadres are enrolled; the plan is recorded
# as placements dated by the monthly calendar; each placement ends as planned
# and the programme is completed.

# %%
problem = cross_shadowing_problem(zone)
plan = schedule(problem, seed=0)
shadowing = problem.programs[0]
trainees = sorted(shadowing.cadres or ())
ledger.extend(
    Enrolled(at=dt.date(2025, 1, 2), recorded_by="组织部", cadre_id=c, programme=shadowing.name)
    for c in trainees
)
ledger.record(plan, at=dt.date(2025, 1, 2), recorded_by="组织部", calendar=months)
ledger.extend(
    PlacementEnded(
        at=months.span(a.end)[1], recorded_by="组织部", cadre_id=a.cadre_id, post_id=a.post_id
    )
    for a in plan.assignments
)
ledger.extend(
    Completed(at=dt.date(2025, 12, 31), recorded_by="组织部", cadre_id=c, programme=shadowing.name)
    for c in trainees
)
placed = len(ledger.events(kind="Placed"))

# %% [markdown]
# **Monthly assessment.** Each month is scored with the scheme in force for
# it, and every scored cadre's total and grade is recorded (a project cadre
# with no milestone due that month has nothing to be scored on and is
# excluded, with the reason).

# %%
unassessed = 0
for month in range(12):
    label = months.label(month)
    table = score(ledger.scheme_for(label), zone.cadres, zone.records, period=label)
    ledger.record(table, at=period_span(label)[1], recorded_by="考核办")
    unassessed += len(table.excluded)
assessed = ledger.events(kind="Assessed")

# %% [markdown]
# **Fault tolerance and calibration.** A project cadre's safety incident is
# excused by the committee (the shelter was finished on time by skipping a
# procedure in good faith), and one grade is calibrated after the year. Both
# are events first; scoring takes them as an overlay and lists them in its
# audit.

# %%
cadre, month = next(
    (c, p) for c, p, i, v in zone.records.to_rows() if i == "safety_incidents" and v > 0
)
excused = Exempted(
    at=dt.date(2025, 12, 10),
    recorded_by="纪工委",
    cadre_id=cadre,
    period=month,
    target="safety_incidents",
    approved_by="容错纠错委员会",
    reason="shelter finished on time; a procedure skipped in good faith",
)
ledger.append(excused)
exemptions = [
    Exemption(
        cadre_id=e.cadre_id,
        period=e.period,
        target=e.target,
        policy=e.policy,
        factor=e.factor,
        reason=e.reason,
        approved_by=e.approved_by,
    )
    for e in ledger.events(kind=Exempted, in_force=True)
]
year = rollup(zone.records, zone.scheme, to="year")
first = score(zone.scheme, zone.cadres, year, exemptions=exemptions)
raised = GradeOverride(
    at=dt.date(2026, 1, 12),
    recorded_by="组织部",
    cadre_id="c049",
    period="2025",
    from_grade=str(first.explain("c049").grade),
    to_grade="excellent",
    approved_by="考核委员会",
    reason="a project landed in December was recorded after the year closed",
)
ledger.append(raised)
overrides = ledger.events(kind=GradeOverride, in_force=True)
final = score(zone.scheme, zone.cadres, year, exemptions=exemptions, overrides=overrides)
ledger.record(final, at=dt.date(2026, 1, 15), recorded_by="考核办")
pd.DataFrame([attrs.asdict(e) for e in final.audit()])

# %% [markdown]
# The year's audit: the excused incident, the calibrated grade and the veto,
# each with who approved it.

#
# **Reserve pool.** The top cadres of each line with at least three years in
# the zone (tenure from each cadre's record) enter the pool.

# %%
pool = final.reserve_pool(per_line=3, min_tenure=3)
pool

# %% [markdown]
# **Read back.** The database opened again, as another process would: the
# same events, the zone as it stood at the end of the year, and one cadre's
# audit: what the ledger recorded about them and what scoring applied.

# %%
ledger.close()
again = Ledger.connect(f"sqlite:///{db}", zone=zone)
year_end = again.snapshot(zone, as_of=dt.date(2025, 12, 31))
trainee = trainees[0]
pd.DataFrame(
    [
        {"date": e.at, "event": e.kind, "recorded by": e.recorded_by, "reason": e.reason}
        for e in again.history(cadre)
        if e.kind != "Assessed"
    ]
)

# %% [markdown]
# What the ledger holds about the cadre whose incident was excused (the
# monthly assessments left out); scoring's audit of the same cadre:

# %%
pd.DataFrame([attrs.asdict(e) for e in final.audit(cadre)])

# %% [markdown]
# ## Checks

# %%
assert adopted == zone.scheme
assert placed == len(plan.assignments) == 27
assert len(assessed) + unassessed == 12 * len(zone.cadres)
assert final.explain("c049").grade == "excellent"
assert len(pool.entries) > 0
assert len(again) > 0
assert year_end.cadre(trainee).history[-1].end is not None
assert any(e.kind == "exemption" for e in final.audit(cadre))
assert [e.kind for e in final.audit("c049")] == ["override"]
again.close()
