# %% [markdown]
# # S7 Stationed industry teams (驻点招商)
#
# Twenty-four investment cadres go to Shenzhen for a month, grouped into 12
# industry teams of two by shared industry background. The stationed squad is
# the 24 investment-line cadres with the strongest investment competency
# (ties by id); on this roster every one of them can be paired with someone
# who knows the same industry, and `form_teams` finds such a pairing (its
# cohesion step is exact: the largest possible number of teams sharing an
# industry).

# %%
from cadredev import Line
from cadredev.datasets import sample_zone
from cadredev.teams import form_teams

zone = sample_zone()
investment = [c for c in zone.cadres if c.line is Line.INVESTMENT]
squad = sorted(investment, key=lambda c: (-c.competencies.get("investment", 0.0), c.id))[:24]
print(f"{len(investment)} investment cadres; squad of {len(squad)}")

# %%
teams = form_teams(squad, n_teams=12, size=(2, 3), cohesion=("industries",), balance=(), seed=0)
report = teams.report()
by_id = {c.id: c for c in squad}
for t, members in enumerate(teams.teams):
    names = ", ".join(f"{m} {by_id[m].name}" for m in members)
    print(f"team {t:2d}: {names:28s} shares {sorted(report.shared[t])}")
print(f"teams sharing an industry: {report.cohesive_teams}/{len(teams)}")

# %%
assert len(teams) == 12
assert teams.sizes == (2,) * 12
assert report.cohesion_share == 1.0
for members in teams.teams:
    assert set.intersection(*(set(by_id[m].industries) for m in members))
