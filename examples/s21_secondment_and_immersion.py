# %% [markdown]
# # S21 Secondment to partner regions and a one-week immersion (挂职锻炼、"一周员工")
#
# Two ways a zone takes its young cadres out of the office:
#
# * **secondment** (挂职锻炼): young cadres are recommended to advanced
#   regions and well-known parks, here the partner parks in Suzhou and Nanjing
#   (苏州工业园区, 南京江北新区), for half a year each; each partner takes two
#   at a time and every unit keeps 80 % of its cadres at home;
# * **immersion** ("一周员工"): 12 post-90s cadres work one week inside
#   companies and on project sites, in 4 industry groups (smart
#   manufacturing, biomedicine, home textiles, project sites), all 12 completing
#   it (锻炼小组共计12人已全部完成实践).

# %%
import datetime as dt
from collections import Counter

import networkx as nx

from cadredev import Cadre, Line
from cadredev.calendar import Calendar
from cadredev.datasets import sample_zone
from cadredev.events import Completed, Enrolled, Placed
from cadredev.ledger import Ledger
from cadredev.matching import match
from cadredev.model import Eligibility
from cadredev.rotation import Program, RotationProblem, schedule

zone = sample_zone()
partners = [p for p in zone.posts if p.category == "secondment" and p.location in {"苏州", "南京"}]
print([(p.id, p.name, p.location, p.capacity) for p in partners])
assert sorted(p.location for p in partners) == ["南京", "苏州"]

# %% [markdown]
# ## Secondment: a year in two halves
#
# Periods are months of 2025. The programme places post-90s section-level
# cadres for 6 months, at most once; the solver fills every place with the
# cadres who gain most (the posts ask for judgment and coordination, so the
# cadres weakest there gain most), keeping each unit's home staffing.

# %%
secondment = Program(
    name="secondment",
    length=6,
    placements=(0, 1),
    categories="secondment",
    eligibility=Eligibility(born_after=1990),
    other_unit=True,
)
sizes = Counter(c.unit for c in zone.cadres)
problem = RotationProblem(
    cadres=zone.cadres,
    posts=partners,
    horizon=12,
    programs=[secondment],
    min_home_staffing={u: int(0.8 * n) for u, n in sorted(sizes.items())},
    as_of=zone.as_of,
    calendar=Calendar("2025-01"),
)
plan = schedule(problem, seed=0)
by_id = {c.id: c for c in zone.cadres}
for a in plan.assignments:
    first, last = plan.dates(a)
    post = next(p for p in partners if p.id == a.post_id)
    print(f"{a.cadre_id} ({by_id[a.cadre_id].unit}) -> {post.name}, {first} to {last}")

# %%
seconded = {a.cadre_id for a in plan.assignments}
assert len(plan.assignments) == 8  # 2 partners x 2 places x 2 half-years
assert len(seconded) == 8
assert all(by_id[c].birth_year >= 1990 for c in seconded)
assert {next(p.location for p in partners if p.id == a.post_id) for a in plan.assignments} == {
    "苏州",
    "南京",
}
assert plan.occupancy().max() <= 2
assert plan.violations(problem) == ()
plan

# %% [markdown]
# ## Immersion: choosing the 12 and their groups
#
# A cadre fits a group when their industries (or the project line) match it.
# Choosing 12 of the post-90s cadres not on secondment, 3 per group, so that
# the fit is greatest is a capacitated assignment: groups are the "mentors"
# of a bipartite graph with capacity 3, each edge weighted by the cadre's
# best competency in the group's industries. `match` solves it exactly.

# %%
GROUPS = {
    "smart_manufacturing": {"smart_manufacturing", "semiconductor_equipment", "ai"},
    "biomedicine": {"biomedicine", "in_vitro_diagnostics", "digital_economy"},
    "home_textiles": {"home_textiles", "furniture_lighting", "stone"},
    "project_sites": {"green_energy", "logistics"},
}
LABELS = {
    "smart_manufacturing": "智能制造",
    "biomedicine": "生物医药",
    "home_textiles": "家纺布艺",
    "project_sites": "项目工地",
}


def fit(cadre: Cadre, group: str) -> float:
    """How well the cadre's background fits the group (0 when it does not)."""
    levels = [cadre.competencies.get(i, 0.0) for i in cadre.industries & GROUPS[group]]
    if group == "project_sites" and cadre.line is Line.PROJECT:
        levels.append(cadre.competencies.get("construction", 0.0))
    return max(levels, default=0.0)


young = sorted(
    (c for c in zone.cadres if c.birth_year >= 1990 and c.id not in seconded), key=lambda c: c.id
)
graph = nx.Graph()
graph.add_nodes_from((c.id for c in young), bipartite=0)
graph.add_nodes_from(GROUPS, bipartite=1, capacity=3)
graph.add_weighted_edges_from(
    (c.id, g, round(fit(c, g), 2)) for c in young for g in GROUPS if fit(c, g) > 0
)
chosen = match(graph)
groups = {g: sorted(chosen.mentees_of(g)) for g in GROUPS}
for g, members in groups.items():
    print(f"{LABELS[g]} ({g}): {members}")
print(
    f"{len(chosen.pairs)} chosen of {len(young)} post-90s cadres; total fit {chosen.total_weight}"
)

# %%
assert len(chosen.pairs) == 12
assert all(len(m) == 3 for m in groups.values())
assert all(by_id[c].birth_year >= 1990 and c not in seconded for c in chosen.pairs)
assert all(fit(by_id[c], g) > 0 for c, g in chosen.pairs.items())

# %% [markdown]
# ## One week, kept in the ledger
#
# The week runs Monday 12 May to Friday 16 May 2025. The ledger records each
# secondment as a placement and each immersion as an enrolment and its
# completion; the week is read back from it.

# %%
ledger = Ledger()
for a in plan.assignments:
    first, last = plan.dates(a)
    ledger.append(
        Placed(
            at=first,
            recorded_by="组织部",
            cadre_id=a.cadre_id,
            post_id=a.post_id,
            programme="挂职锻炼",
            category="secondment",
            until=last,
        )
    )
monday, friday = dt.date(2025, 5, 12), dt.date(2025, 5, 16)
for cadre_id, group in sorted(chosen.pairs.items()):
    programme = f"一周员工·{LABELS[group]}"
    ledger.append(Enrolled(at=monday, recorded_by="组织部", cadre_id=cadre_id, programme=programme))
    ledger.append(
        Completed(at=friday, recorded_by="组织部", cadre_id=cadre_id, programme=programme)
    )

done = [e for e in ledger.events(kind=Completed) if isinstance(e, Completed)]
started = {e.cadre_id: e.at for e in ledger.events(kind=Enrolled) if isinstance(e, Enrolled)}
assert len(done) == 12
assert all((e.at - started[e.cadre_id]).days == 4 for e in done)
assert (monday.weekday(), friday.weekday()) == (0, 4)
assert len(ledger.events(kind=Placed)) == 8

# %%
print(
    f"{len(seconded)} post-90s cadres seconded for six months to the partner parks in Suzhou "
    f"and Nanjing, and {len(done)} more spent the week of {monday:%d %B} as company employees "
    f"in {len(GROUPS)} industry groups of 3, all completing it."
)
