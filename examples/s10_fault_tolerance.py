# %% [markdown]
# # S10 Fault tolerance: an approved exemption removes a safety penalty
#
# 容错纠错: a project cadre skipped a procedure to finish a shelter on time, and a
# safety incident (安全事故) was recorded that month. The deviation was
# approved by the discipline committee (纪工委), so the incident's penalty
# does not count (免责). The exemption is an overlay applied while scoring:
# the records are not edited, the cadre's score never drops because of it,
# and nobody else's score changes.

# %%
import attrs
import numpy as np
import pandas as pd

from cadredev.datasets import sample_zone
from cadredev.plot import explanation_waterfall
from cadredev.scoring import Exemption, Records, rollup, score

zone = sample_zone()
scheme = zone.scheme
monthly = zone.records
incidents = pd.DataFrame(monthly.columns())
incidents = incidents[(incidents["indicator"] == "safety_incidents") & (incidents["value"] > 0)]
incidents

# %% [markdown]
# The four safety incidents of the year. The first is excused:

# %%
cadre_id, month = incidents[["cadre_id", "period"]].iloc[0]
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
ex = after.explain(cadre_id)
ex

# %% [markdown]
# The explanation lists the exemption, the points it restored and who
# approved it.

# %%
ax = explanation_waterfall(after, cadre_id, labels="zh")

# %% [markdown]
# The incident's 10-point penalty (the red step down) is matched by the
# hatched step of the 10 points the exemption gives back.
#
# The audit records the exemption; a month's exemption also applies when
# the year containing it is scored.

# %%
pd.DataFrame([attrs.asdict(e) for e in after.audit(cadre_id)])

# %%
year = rollup(monthly, scheme, to="year")
y_before = score(scheme, zone.cadres, year)
y_after = score(scheme, zone.cadres, year, exemptions=[exemption])
yrow = list(y_before.cadre_ids).index(cadre_id)
print(
    f"{cadre_id}: {month} {before.total[row]:.2f} -> {after.total[row]:.2f}; "
    f"year {y_before.total[yrow]:.2f} -> {y_after.total[yrow]:.2f}"
)

# %% [markdown]
# ## Checks
#
# One incident is 10 points; nobody else moves; applying the exemption twice
# is the same as once, and the records are unchanged.

# %%
assert len(incidents) == 4
assert after.total[row] - before.total[row] == 10.0  # one incident, 10 points
assert after.penalties[row] == 0.0
others = np.arange(len(before)) != row
assert np.array_equal(after.total[others], before.total[others])
assert ex.exemptions[0].exemption.approved_by == "纪工委"
(entry,) = after.audit(cadre_id)
assert (entry.kind, entry.points, entry.approved_by) == ("exemption", 10.0, "纪工委")
assert score(scheme, zone.cadres, monthly, period=month, exemptions=[exemption] * 2) == after
assert monthly == sample_zone().records  # the overlay left the records untouched
assert y_after.total[yrow] == y_before.total[yrow] + 10.0
assert isinstance(year, Records)
