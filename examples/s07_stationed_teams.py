# %% [markdown]
# # S7 Stationed industry teams (驻点招商)
#
# Twenty-four investment cadres (招商干部) go to Shenzhen for a month, grouped
# into 12 industry teams (产业小分队) of two by shared industry background. The
# stationed squad is the 24 investment-line cadres with the strongest
# investment competency (ties by id); on this roster every one of them can be
# paired with someone who knows the same industry, and `form_teams` finds
# such a pairing (its cohesion step is exact: the largest possible number of
# teams sharing an industry).

# %%
import pandas as pd

from cadredev import Line
from cadredev.datasets import sample_zone
from cadredev.teams import form_teams

zone = sample_zone()
investment = [c for c in zone.cadres if c.line is Line.INVESTMENT]
squad = sorted(investment, key=lambda c: (-c.competencies.get("investment", 0.0), c.id))[:24]
teams = form_teams(squad, n_teams=12, size=(2, 3), cohesion=("industries",), balance=(), seed=0)
report = teams.report()
by_id = {c.id: c for c in squad}
pd.DataFrame(
    [
        {
            "team": t + 1,
            "members": "、".join(f"{by_id[m].name}（{by_id[m].unit}）" for m in members),
            "shared industries": ", ".join(sorted(report.shared[t])),
        }
        for t, members in enumerate(teams.teams)
    ]
).set_index("team")

# %% [markdown]
# The twelve pairs with their units and the industries each pair shares:
# every team shares at least one.

# %%
report

# %% [markdown]
# ## Checks

# %%
assert len(investment) >= 24
assert len(teams) == 12
assert teams.sizes == (2,) * 12
assert report.cohesion_share == 1.0
for members in teams.teams:
    assert set.intersection(*(set(by_id[m].industries) for m in members))
