# %% [markdown]
# # S12 Promotion reserve pool: the top N per line with a minimum tenure
#
# 后备库: after the yearly assessment the best performers of each line enter
# the promotion reserve pool if they have served long enough, are not
# vetoed and hold 优秀 or 称职 ("the able go up"). Everyone passed over on the
# way down the ranking is listed with the reason.

# %%
from collections import Counter

from cadredev.datasets import sample_zone
from cadredev.scoring import rollup, score

zone = sample_zone()
scheme = zone.scheme
year = rollup(zone.records, scheme, to="year")
table = score(scheme, zone.cadres, year)

pool = table.reserve_pool(per_line=5, min_tenure=3)
for entry in pool.entries:
    print(entry.line, entry.cadre_id, f"{entry.total:.1f}", entry.grade, entry.tenure)
print("passed over:", pool.excluded)

# %%
per_line = Counter(e.line for e in pool.entries)
assert per_line == {"investment": 5, "project": 5, "service": 5}
assert len(pool.excluded) == 3  # three top scorers joined less than 3 years ago
assert all(e.tenure >= 3 for e in pool.entries)
assert all(e.grade in ("excellent", "competent") for e in pool.entries)
by_id = {c.id: c for c in zone.cadres}
assert all(by_id[e.cadre_id].line.value == e.line for e in pool.entries)
assert all(reason for _, reason in pool.excluded)

# %% [markdown]
# Within a line the pool follows the score order.

# %%
for line in per_line:
    totals = [e.total for e in pool.entries if e.line == line]
    assert totals == sorted(totals, reverse=True)
