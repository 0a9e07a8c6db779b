# %% [markdown]
# # S8 Immersion groups (沉浸式 "一周员工")
#
# Post-90s cadres (born 1990 or later) spend **one week** working inside a
# company, in four industry groups: smart manufacturing, biomedicine, home
# textiles and project sites. Twelve take part, three per group, and all
# twelve complete the week (锻炼小组共计12人已全部完成实践). A cadre can join a
# group when their background fits it:
#
# | group               | industries (or line)                                  |
# |---------------------|-------------------------------------------------------|
# | smart_manufacturing | smart manufacturing, semiconductor equipment, AI      |
# | biomedicine         | biomedicine, in-vitro diagnostics, digital economy    |
# | home_textiles       | home textiles, furniture & lighting, stone            |
# | project_sites       | green energy, logistics, or the project line (项目建设) |
#
# `form_teams` takes this mapping as a cohesion function. The twelve are
# nominated three per group from three different units; the groups are then
# formed so that each shares one key, units mixed as a secondary balance.

# %%
import datetime as dt

import pandas as pd

from cadredev import Cadre, Line
from cadredev.datasets import sample_zone
from cadredev.events import Completed, Enrolled
from cadredev.plot import team_balance
from cadredev.teams import form_teams

GROUPS = {
    "smart_manufacturing": {"smart_manufacturing", "semiconductor_equipment", "ai"},
    "biomedicine": {"biomedicine", "in_vitro_diagnostics", "digital_economy"},
    "home_textiles": {"home_textiles", "furniture_lighting", "stone"},
    "project_sites": {"green_energy", "logistics"},
}
GROUP_NAMES = {
    "smart_manufacturing": "智能制造组",
    "biomedicine": "生物医药组",
    "home_textiles": "家居纺织组",
    "project_sites": "项目现场组",
}


def immersion_group(cadre: Cadre) -> set[str]:
    """The immersion groups a cadre's background fits."""
    fits = {group for group, industries in GROUPS.items() if cadre.industries & industries}
    if cadre.line is Line.PROJECT:
        fits.add("project_sites")
    return fits


zone = sample_zone()
post90s = [c for c in zone.cadres if c.birth_year >= 1990]

# %% [markdown]
# Nominate three per group: cadres whose background fits that group alone,
# each from a different unit (cadres by id). Then form the four groups.

# %%
nominated: list[Cadre] = []
for group in GROUPS:
    units: set[str] = set()
    for c in sorted(post90s, key=lambda c: c.id):
        if immersion_group(c) == {group} and c.unit not in units and len(units) < 3:
            nominated.append(c)
            units.add(c.unit)
groups = form_teams(
    nominated, n_teams=4, cohesion=(immersion_group,), balance=("unit",), seed=0, as_of=zone.as_of
)
report = groups.report()
by_id = {c.id: c for c in nominated}
names = [GROUP_NAMES[next(iter(shared))] for shared in report.shared]
pd.DataFrame(
    [
        {
            "group": names[t],
            "members": "、".join(f"{by_id[m].name}（{by_id[m].unit}）" for m in members),
            "industries": ", ".join(sorted(i for m in members for i in by_id[m].industries)),
        }
        for t, members in enumerate(groups.teams)
    ]
).set_index("group")

# %% [markdown]
# The four groups of three, each from three different units, with the
# industry backgrounds that put them in their group.

# %%
ax = team_balance(groups, attribute="unit", names=names, labels="zh")

# %% [markdown]
# Each group's mix of units: no unit fills a group on its own.
#
# The week: Monday to Friday, five working days, every one of the twelve
# completing it (each enrolment and completion is an event).

# %%
monday = dt.date(2025, 5, 12)
friday = monday + dt.timedelta(days=4)
week = [
    event
    for t, members in enumerate(groups.teams)
    for cid in members
    for event in (
        Enrolled(at=monday, recorded_by="组织部", cadre_id=cid, programme=f"一周员工-{t + 1}"),
        Completed(at=friday, recorded_by="组织部", cadre_id=cid, programme=f"一周员工-{t + 1}"),
    )
]
completed = {e.cadre_id for e in week if isinstance(e, Completed)}
pd.DataFrame(
    [{"date": e.at, "event": e.kind, "cadre": e.cadre_id, "programme": e.programme} for e in week]
).head(6)

# %% [markdown]
# ## Checks

# %%
assert all(immersion_group(c) for c in post90s)
assert len(nominated) == sum(groups.sizes) == 12
assert sorted(groups.sizes) == [3, 3, 3, 3]
assert all(c.birth_year >= 1990 for c in nominated)
assert report.cohesion_share == 1.0
assert sorted(next(iter(s)) for s in report.shared) == sorted(GROUPS)
assert all(len(s) == 1 for s in report.shared)
assert report.worst_deviation <= report.initial_worst_deviation
assert (monday.weekday(), friday.weekday()) == (0, 4)
assert (friday - monday).days + 1 == 5
assert completed == {c.id for c in nominated}
