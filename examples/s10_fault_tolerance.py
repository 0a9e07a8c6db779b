# %% [markdown]
# # S10 Fault tolerance: an approved exemption removes a safety penalty
#
# 容错纠错: a project cadre skipped a procedure to finish a shelter on time, and a
# safety incident was recorded that month. The deviation was approved, so
# the incident's penalty does not count. The exemption is an overlay applied
# while scoring: the records are not edited, the cadre's score never drops
# because of it, and nobody else's score changes.

# %%
import numpy as np

from cadredev.datasets import sample_zone
from cadredev.scoring import Exemption, Records, rollup, score

zone = sample_zone()
scheme = zone.scheme
monthly = zone.records

incidents = monthly.columns()
hits = [
    (c, p)
    for c, p, i, v in zip(
        incidents["cadre_id"],
        incidents["period"],
        incidents["indicator"],
        incidents["value"],
        strict=True,
    )
    if i == "safety_incidents" and v > 0
]
print("safety incidents:", hits)
assert len(hits) == 4
cadre_id, month = hits[0]

# %%
exemption = Exemption(
    cadre_id=cadre_id,
    period=month,
    target="safety_incidents",
    policy="waive",
    reason="skipped a procedure to finish an emergency shelter on time",
    approved_by="纪工委",
)
before = score(scheme, zone.cadres, monthly, period=month)
after = score(scheme, zone.cadres, monthly, period=month, exemptions=[exemption])
row = list(before.cadre_ids).index(cadre_id)
print(f"{cadre_id} {month}: {before.total[row]:.2f} -> {after.total[row]:.2f}")
assert after.total[row] - before.total[row] == 10.0  # one incident, 10 points
assert after.penalties[row] == 0.0
others = np.arange(len(before)) != row
assert np.array_equal(after.total[others], before.total[others])

# %% [markdown]
# The explanation lists the exemption and who approved it. Applying it twice
# is the same as once, and the records are unchanged.

# %%
ex = after.explain(cadre_id)
print(ex)
assert ex.exemptions[0].exemption.approved_by == "纪工委"
(entry,) = after.audit(cadre_id)
print(entry)
assert (entry.kind, entry.points, entry.approved_by) == ("exemption", 10.0, "纪工委")
assert score(scheme, zone.cadres, monthly, period=month, exemptions=[exemption] * 2) == after
assert monthly == sample_zone().records  # the overlay left the records untouched

# %% [markdown]
# A month's exemption also applies when the year containing it is scored.

# %%
year = rollup(monthly, scheme, to="year")
y_before = score(scheme, zone.cadres, year)
y_after = score(scheme, zone.cadres, year, exemptions=[exemption])
yrow = list(y_before.cadre_ids).index(cadre_id)
assert y_after.total[yrow] == y_before.total[yrow] + 10.0
assert isinstance(year, Records)
