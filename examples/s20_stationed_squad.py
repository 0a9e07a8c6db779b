# %% [markdown]
# # S20 Selecting the 24-person stationed investment squad
#
# 驻点招商: a city sends 24 cadres to Shenzhen for a month of investment
# attraction. They are chosen for knowledge structure, age levels,
# professional types and character; 19 of the 24 (79.16 %) come from the
# investment promotion system (投资促进系统), 7 of them deputy heads of
# county investment bureaus (区县投资促进局副局长). Before that, open
# recruitment shortlisted 15 and hired 5, and a youth camp took its members
# by self-nomination, recommendation and organisational inspection
# (个人自荐+部门举荐+组织考察). Afterwards "the able go up, the mediocre step
# down, the poor leave" (能者上、庸者下、劣者汰): 20 promotions.

# %% [markdown]
# ## Open recruitment: 15 shortlisted, 5 hired
#
# 48 applicants; a qualification check (资格审查), a written test whose best
# 15 are shortlisted (入围), and an interview whose best 5 are hired.

# %%
import numpy as np

from cadredev.selection import Nominee, Stage, funnel

rng = np.random.default_rng(20)
applicants = [Nominee(id=f"a{k:02d}", route="self") for k in range(48)]
written = {a.id: int(v) for a, v in zip(applicants, rng.integers(55, 98, size=48), strict=True)}
recruitment = funnel(
    applicants,
    [
        Stage(
            id="qualification",
            label="资格审查",
            reject={"a07": "no investment experience", "a31": "over the age limit"},
        ),
        Stage(id="written", label="笔试", scores=written, top=15),
        Stage(
            id="interview",
            label="面试",
            scores={
                a.id: int(v) for a, v in zip(applicants, rng.integers(60, 96, size=48), strict=True)
            },
            top=5,
        ),
    ],
)
recruitment

# %% [markdown]
# One row per applicant: passed, or the stage that stopped them and why;
# the title follows the numbers through the stages.

# %%
assert [(s.entered, s.passed) for s in recruitment.stages] == [(48, 46), (46, 15), (15, 5)]
assert len(recruitment.passed) == 5
assert len(recruitment.rejections) == 43
print(recruitment.explain("a07"))
print(recruitment.explain(recruitment.passed[0]))

# %% [markdown]
# ## The youth camp: 自荐 + 举荐 + 组织考察

# %%
from cadredev.datasets import sample_zone

zone = sample_zone()
young = sorted((c for c in zone.cadres if c.birth_year >= 1990), key=lambda c: c.id)
routes = ["self", "recommended", "organisational"]
nominees = [
    Nominee(
        id=c.id,
        route=routes[k % 3],
        recommended_by=c.unit if routes[k % 3] == "recommended" else None,
        name=c.name,
        unit=c.unit,
    )
    for k, c in enumerate(young[:30])
]
camp = funnel(
    nominees,
    [
        Stage(
            id="inspection", label="组织考察", reject={nominees[4].id: "考察未通过: 作风评议不合格"}
        ),
        Stage(
            id="review",
            label="评审",
            scores={n.id: 60 + (k * 13) % 40 for k, n in enumerate(nominees)},
            pass_mark=70,
        ),
    ],
)
print(camp.by_route())
assert sum(n for n, _ in camp.by_route().values()) == 30
assert len(camp.passed) + len(camp.rejections) == 30

# %% [markdown]
# ## The squad: 24 from the zone, 19 of the investment system, 7 deputy bureau heads
#
# Fit is the person-post fit (S14) against a squad member's requirements
# (investment and communication 0.9, judgment and coordination 0.8), for
# every cadre. The rules: exactly 19 from the investment line and exactly
# 7 deputy bureau heads (the division-level investment cadres carry that
# title here), every age level at
# least 5, at most 4 from one unit, at least 2 who know each of the seed's
# industries present in the zone (stone, logistics, furniture and
# lighting), and at least 8 industries in all.

# %%
from cadredev import Post
from cadredev.scoring import post_fit
from cadredev.selection import Diversity, Quota, select_squad

post = Post(
    id="shenzhen-squad",
    unit="市投资促进局",
    category="stationed",
    name="深圳驻点招商队员",
    requirements={"investment": 0.9, "communication": 0.9, "judgment": 0.8, "coordination": 0.8},
)
fit = {r.cadre_id: r.fit for r in post_fit(post, zone.cadres, as_of=zone.as_of).ranking}
assert len(fit) == len(zone.cadres)
titles = {
    c.id: "副局长"
    for c in zone.cadres
    if c.line is not None and c.line.value == "investment" and c.rank.value == "division"
}
rules = [
    Quota(by="line", value="investment", at_least=19, at_most=19, name="投资促进系统"),
    Quota(by="title", value="副局长", at_least=7, at_most=7, name="区县投资促进局副局长"),
    Quota(by="cohort", at_least=5, name="each age level"),
    Quota(by="unit", at_most=4, name="each unit"),
    Quota(by="industry", value="stone", at_least=2),
    Quota(by="industry", value="logistics", at_least=2),
    Quota(by="industry", value="furniture_lighting", at_least=2),
    Diversity(by="industry", at_least=8),
]
squad = select_squad(
    zone.cadres, 24, composition=rules, fit=fit, labels={"title": titles}, as_of=zone.as_of
)
squad

# %% [markdown]
# One row per rule: the members it counts, its bounds and whether the squad
# meets it; the title gives the squad's total fit, the best any squad of 24
# can reach under these rules.

# %%
by_id = {c.id: c for c in zone.cadres}
members = [by_id[m] for m in squad.members]
investment = sum(c.line is not None and c.line.value == "investment" for c in members)
deputies = sum(m in titles for m in squad.members)
share = investment / len(members)
percent = np.floor(share * 10000) / 100  # the seed truncates 79.1666 %
print(f"{len(members)} members, {investment} from the investment system ({percent} %)")
print(f"{deputies} deputy bureau heads")
assert len(members) == 24
assert investment == 19
assert percent == 79.16
assert deputies == 7
assert all(c.met for c in squad.counts)
print(squad.explain(squad.members[0]))
outside = max(
    (c for c in zone.cadres if c.id not in squad.members), key=lambda c: (fit[c.id], c.id)
)
print(squad.explain(outside.id))

# %% [markdown]
# Asking for 6 more from the project line on top of the 19 cannot work in a
# squad of 24 that the line quota closes at 19 + 5 others: the result names
# the conflicting rules and by how many people they must be missed.

# %%
too_many = select_squad(
    zone.cadres,
    24,
    composition=[*rules[:2], Quota(by="line", value="project", at_least=6, name="项目建设")],
    fit=fit,
    labels={"title": titles},
)
print(too_many.conflicts[0])
assert not too_many.feasible
assert too_many.conflicts[0].rules == (
    "投资促进系统: at least 19 and at most 19",
    "项目建设: at least 6",
)
assert too_many.conflicts[0].short_by == 1

# %% [markdown]
# The squad's members go into the ledger as enrolments.

# %%
import datetime as dt

from cadredev.ledger import Ledger

ledger = Ledger()
for event in squad.events(
    at=dt.date(2020, 3, 2), recorded_by="市投资促进局", programme="深圳驻点招商"
):
    ledger.append(event)
assert len(ledger.history(squad.members[0])) == 1

# %% [markdown]
# ## 能者上、庸者下、劣者汰: 20 promotions
#
# After the year's assessment of the investment cadres, the reserve pool
# takes their best 25 with at least 3 years in the zone (S12's rules); 20 of
# them are promoted one rank tier (提拔招商干部20人次), the basically competent
# step down and the incompetent leave. The decisions go into the ledger as
# events.

# %%
from cadredev.scoring import rollup, score
from cadredev.selection import decide

investors = [c for c in zone.cadres if c.line is not None and c.line.value == "investment"]
year = rollup(zone.records.select(cadres=[c.id for c in investors]), zone.scheme, to="year")
table = score(zone.scheme, investors, year)
pool = table.reserve_pool(per_line=25, min_tenure=3)
decisions = decide(table, investors, pool=pool, promotions=20)
decisions

# %% [markdown]
# One row per cadre scored: the grade, the decision and why.

# %%
promoted = decisions.of("promote")
print(
    len(promoted),
    "promoted;",
    len(decisions.of("demote")),
    "step down;",
    len(decisions.of("exit")),
    "leave",
)
assert len(promoted) == 20
assert all(d.reason for d in decisions.rows)
events = decisions.events(at=dt.date(2026, 1, 15), recorded_by="组织部")
for event in events:
    ledger.append(event)
assert sum(type(e).__name__ == "Promoted" for e in events) == 20
print(decisions.explain(promoted[0]))
