# %% [markdown]
# # S11 Grades with a quota: excellent <= 20 % per unit, vetoes, ties
#
# Grading (评定等次) is a separate, pure step after the absolute score. The sample
# scheme gives 优秀 to at most 20 % of each unit (seats rounded down), needs at
# least 85 points for it, 60 for 称职 and 40 for 基本称职. A discipline veto
# (一票否决) caps the grade at 不称职 whatever the score. Ties at the quota
# boundary are never split by luck: the whole tied block is left out
# (``exclude_block``), let in (``include_all``), or broken by declared
# secondary indicators and then by id (``secondary_keys``).

# %%
import datetime as dt
from collections import Counter

import attrs
import numpy as np
import pandas as pd

from cadredev import InvalidInputError
from cadredev.datasets import sample_zone
from cadredev.events import GradeOverride
from cadredev.plot import score_distribution
from cadredev.scoring import grade, quota_seats, rollup, score

zone = sample_zone()
scheme = zone.scheme
year = rollup(zone.records, scheme, to="year")
table = score(scheme, zone.cadres, year)
table

# %% [markdown]
# The year's table: each cadre's total, rank in the unit and grade.

# %%
ax = score_distribution(table, labels="zh")

# %% [markdown]
# The totals stacked by grade: solid lines are each grade's lowest total,
# dotted lines where a zone-wide quota would cut; the gap between them is
# the effect of the per-unit quota.

# %%
sizes = Counter(c.unit for c in zone.cadres)
seats = pd.DataFrame(
    [
        {
            "unit": unit,
            "cadres": size,
            "seats (20 %)": int(quota_seats([size], 0.2)[0]),
            "excellent": int(np.sum((table.groups == unit) & (table.grade == "excellent"))),
        }
        for unit, size in sorted(sizes.items())
    ]
).set_index("unit")
seats

# %% [markdown]
# Per unit: the seats for 优秀 (20 %, rounded down) and how many hold it; no
# unit goes over.
#
# The vetoed cadre is graded 不称职 whatever the score:

# %%
vetoed = [str(c) for c in table.cadre_ids[table.vetoed]]
veto_ex = table.explain(vetoed[0])
veto_ex

# %% [markdown]
# Rounding policies and tie rules: how many of one unit's cadres get 优秀
# under each rounding, and a made-up list of scores with a tie at the quota
# boundary under each tie rule.

# %%
unit = "招商一局"
scores = table.total[table.groups == unit]


def excellent(rounding: str) -> int:
    """How many of the unit's cadres get 优秀 under a quota rounding."""
    return int(np.sum(grade(scores, grades=scheme.grades, quota_rounding=rounding).codes == 0))


tied = [92.0, 90.0, 90.0, 80.0, 70.0, 60.0, 60.0, 50.0, 50.0, 40.0]
pd.DataFrame(
    [
        {
            "rule": f"quota_rounding={rounding}",
            "result": f"{excellent(rounding)} excellent of {scores.size} in {unit}",
        }
        for rounding in ("floor", "half_up", "ceil")
    ]
    + [
        {
            "rule": f"ties={ties}",
            "result": ", ".join(grade(tied, grades=scheme.grades, ties=ties).grade.tolist()[:4]),
        }
        for ties in ("exclude_block", "include_all")
    ]
).set_index("rule")

# %% [markdown]
# Calibration (校准): after grading, the assessment committee may change a
# grade, as an approved and audited overlay. 招商二局 has 4 seats for 优秀 and
# only 3 holders: c049 missed the 85-point minimum by 0.09 points, and the
# committee raises him. The override must name the grade computed for him;
# totals and ranks do not move.

# %%
ex = table.explain("c049")
raised = GradeOverride(
    at=dt.date(2026, 1, 12),
    recorded_by="组织部",
    cadre_id="c049",
    period="2025",
    from_grade="competent",
    to_grade="excellent",
    approved_by="考核委员会",
    reason="a project landed in December was recorded after the year closed",
)
calibrated = score(scheme, zone.cadres, year, overrides=[raised])
calibrated.explain("c049")

# %% [markdown]
# The explanation after calibration names the override and who approved it.
# The audit lists every exemption, veto and override that touched a grade:

# %%
pd.DataFrame([attrs.asdict(e) for e in calibrated.audit()])

# %% [markdown]
# An override that would take a unit past its quota is refused unless
# ``allow_over_quota=True``, and then flagged:

# %%
full = attrs.evolve(raised, cadre_id="c086")  # 建设管理局: 4 seats, 4 holders
refused = None
try:
    score(scheme, zone.cadres, year, overrides=[full])
except InvalidInputError as exc:
    refused = exc
    print(exc)
flagged = score(scheme, zone.cadres, year, overrides=[full], allow_over_quota=True)
print(flagged.audit("c086")[0])

# %% [markdown]
# ## Checks
#
# Besides the figures above: shuffling the cadres gives the same table, and
# with ``secondary_keys`` ties go to the better contracted amount, then the
# id, whatever the order.

# %%
assert Counter(table.grade.tolist()) == {
    "excellent": 34,
    "competent": 88,
    "basic": 86,
    "incompetent": 38,
}
assert (seats["excellent"] <= seats["seats (20 %)"]).all()
assert vetoed == ["c225"]
assert veto_ex.grade == "incompetent"
assert veto_ex.vetoes == ("discipline",)
assert grade(tied, grades=scheme.grades).grade.tolist()[:3] == [
    "excellent",
    "competent",
    "competent",
]
assert grade(tied, grades=scheme.grades, ties="include_all").grade.tolist()[:3] == ["excellent"] * 3
order = np.random.default_rng(7).permutation(len(zone.cadres))
assert score(scheme, [zone.cadres[i] for i in order], year) == table
by_keys = attrs.evolve(scheme, ties="secondary_keys", secondary_keys=("contracted",))
assert score(by_keys, zone.cadres, year) == score(by_keys, list(reversed(zone.cadres)), year)
assert (ex.grade, ex.group, round(ex.total, 1)) == ("competent", "招商二局", 84.9)
assert ex.gap is not None
assert round(ex.gap, 2) == 0.09  # a seat is free: the minimum score is all he misses
assert calibrated.grade[calibrated.cadre_ids == "c049"].tolist() == ["excellent"]
assert np.array_equal(calibrated.total, table.total)
changed = np.nonzero(calibrated.grade != table.grade)[0]
assert calibrated.cadre_ids[changed].tolist() == ["c049"]
assert [(e.kind, e.cadre_id) for e in calibrated.audit()] == [
    ("override", "c049"),
    ("veto", "c225"),
]
assert isinstance(refused, InvalidInputError)
assert flagged.overrides[0].over_quota
