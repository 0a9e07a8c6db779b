# %% [markdown]
# # S8 Immersion groups (沉浸式 "一周员工")
#
# Post-90s cadres (born 1990 or later) spend a week working inside a company,
# in four industry groups: smart manufacturing, biomedicine, home textiles
# and project sites. A cadre can join a group when their background fits it:
#
# | group               | industries (or line)                                  |
# |---------------------|-------------------------------------------------------|
# | smart_manufacturing | smart manufacturing, semiconductor equipment, AI      |
# | biomedicine         | biomedicine, in-vitro diagnostics, digital economy    |
# | home_textiles       | home textiles, furniture & lighting, stone            |
# | project_sites       | green energy, logistics, or the project line (项目建设) |
#
# `form_teams` takes this mapping as a cohesion function. Four groups of
# (nearly) equal size, each sharing one group key; units are mixed as a
# secondary balance.

# %%
from collections import Counter

from cadredev import Cadre, Line
from cadredev.datasets import sample_zone
from cadredev.teams import form_teams

GROUPS = {
    "smart_manufacturing": {"smart_manufacturing", "semiconductor_equipment", "ai"},
    "biomedicine": {"biomedicine", "in_vitro_diagnostics", "digital_economy"},
    "home_textiles": {"home_textiles", "furniture_lighting", "stone"},
    "project_sites": {"green_energy", "logistics"},
}


def immersion_group(cadre: Cadre) -> set[str]:
    """The immersion groups a cadre's background fits."""
    fits = {group for group, industries in GROUPS.items() if cadre.industries & industries}
    if cadre.line is Line.PROJECT:
        fits.add("project_sites")
    return fits


zone = sample_zone()
post90s = [c for c in zone.cadres if c.birth_year >= 1990]
fit_counts = Counter(g for c in post90s for g in immersion_group(c))
print(f"{len(post90s)} post-90s cadres; eligible per group: {dict(sorted(fit_counts.items()))}")
assert all(immersion_group(c) for c in post90s)

# %%
groups = form_teams(
    post90s, n_teams=4, cohesion=(immersion_group,), balance=("unit",), seed=0, as_of=zone.as_of
)
report = groups.report()
for t, members in enumerate(groups.teams):
    print(
        f"group {t}: {len(members)} cadres, shared {sorted(report.shared[t])}, "
        f"worst unit deviation {report.deviation[t]['unit']:.1f} points"
    )

# %%
assert sum(groups.sizes) == len(post90s) == 111
assert sorted(groups.sizes) == [27, 28, 28, 28]
assert report.cohesion_share == 1.0
assert sorted(next(iter(s)) for s in report.shared) == sorted(GROUPS)
assert all(len(s) == 1 for s in report.shared)
assert report.worst_deviation <= report.initial_worst_deviation
