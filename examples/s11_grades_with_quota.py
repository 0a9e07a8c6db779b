# %% [markdown]
# # S11 Grades with a quota: excellent <= 20 % per unit, vetoes, ties
#
# Grading is a separate, pure step after the absolute score. The sample
# scheme gives 优秀 to at most 20 % of each unit (seats rounded down), needs at
# least 85 points for it, 60 for 称职 and 40 for 基本称职. A discipline veto
# (一票否决) caps the grade at 不称职 whatever the score. Ties at the quota
# boundary are never split by luck: the whole tied block is left out
# (``exclude_block``), let in (``include_all``), or broken by declared
# secondary indicators and then by id (``secondary_keys``).

# %%
from collections import Counter

import attrs
import numpy as np

from cadredev.datasets import sample_zone
from cadredev.scoring import grade, quota_seats, rollup, score

zone = sample_zone()
scheme = zone.scheme
year = rollup(zone.records, scheme, to="year")
table = score(scheme, zone.cadres, year)
print(Counter(table.grade.tolist()))
assert Counter(table.grade.tolist()) == {
    "excellent": 34,
    "competent": 88,
    "basic": 86,
    "incompetent": 38,
}

# %%
sizes = Counter(c.unit for c in zone.cadres)
for unit, size in sorted(sizes.items()):
    excellent = int(np.sum((table.groups == unit) & (table.grade == "excellent")))
    seats = int(quota_seats([size], 0.2)[0])
    print(f"{unit}: {size} cadres, {seats} seats, {excellent} excellent")
    assert excellent <= seats

# %% [markdown]
# The vetoed cadre is graded 不称职 whatever the score.

# %%
vetoed = [str(c) for c in table.cadre_ids[table.vetoed]]
assert vetoed == ["c225"]
ex = table.explain(vetoed[0])
print(vetoed[0], ex.vetoes, f"{ex.total:.1f}", ex.grade)
assert ex.grade == "incompetent"
assert ex.vetoes == ("discipline",)

# %% [markdown]
# Rounding policies and tie rules on one unit's scores.

# %%
unit = "招商一局"
scores = table.total[table.groups == unit]
for rounding in ("floor", "half_up", "ceil"):
    g = grade(scores, grades=scheme.grades, quota_rounding=rounding)
    print(rounding, int(np.sum(g.codes == 0)), "excellent of", scores.size)
tied = [92.0, 90.0, 90.0, 80.0, 70.0, 60.0, 60.0, 50.0, 50.0, 40.0]
for ties in ("exclude_block", "include_all"):
    g = grade(tied, grades=scheme.grades, ties=ties)
    print(ties, g.grade.tolist()[:4])
assert grade(tied, grades=scheme.grades).grade.tolist()[:3] == [
    "excellent",
    "competent",
    "competent",
]
assert grade(tied, grades=scheme.grades, ties="include_all").grade.tolist()[:3] == ["excellent"] * 3

# %% [markdown]
# Deterministic: shuffling the cadres gives the same table; with
# ``secondary_keys`` ties go to the better contracted amount, then the id.

# %%
order = np.random.default_rng(7).permutation(len(zone.cadres))
shuffled = [zone.cadres[i] for i in order]
assert score(scheme, shuffled, year) == table
by_keys = attrs.evolve(scheme, ties="secondary_keys", secondary_keys=("contracted",))
again = score(by_keys, zone.cadres, year)
assert again == score(by_keys, list(reversed(zone.cadres)), year)
