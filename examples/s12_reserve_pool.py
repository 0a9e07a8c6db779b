# %% [markdown]
# # S12 Promotion reserve pool: the top N per line with a minimum tenure
#
# 后备库: after the yearly assessment the best performers of each line (条线)
# enter the promotion reserve pool (后备干部库) if they have served long
# enough, are not vetoed and hold 优秀 or 称职 ("the able go up", 能者上).
# Everyone passed over on the way down the ranking is listed with the reason.
#
# Tenure comes from each cadre's record: whole years from 1 January of the
# year they joined the zone (or, when that is unknown, the start of their
# earliest posting) to the last day of the period scored, here 2025-12-31.

# %%
import datetime as dt
from collections import Counter

import attrs
import pandas as pd

from cadredev import Posting
from cadredev.datasets import sample_zone
from cadredev.scoring import rollup, score

zone = sample_zone()
scheme = zone.scheme
year = rollup(zone.records, scheme, to="year")
table = score(scheme, zone.cadres, year)
pool = table.reserve_pool(per_line=5, min_tenure=3)
pool

# %% [markdown]
# Five per line, in score order within the line, each with grade and tenure.
# Passed over on the way down:

# %%
pd.DataFrame(pool.excluded, columns=["cadre", "reason"])

# %% [markdown]
# Three top scorers joined less than three years ago and wait for a later
# pool.
#
# A cadre without a known joining year counts from the earliest posting in
# the history: from 1 September 2022, that is 3 full years at the end of
# 2025, and 2 if counted to 30 June 2025 (``as_of``).

# %%
by_id = {c.id: c for c in zone.cadres}
top = pool.entries[0]
newcomer = attrs.evolve(
    by_id[top.cadre_id],
    joined_year=None,
    history=(Posting(post_id="sz-office", start=dt.date(2022, 9, 1)),),
)
again = score(scheme, [newcomer if c.id == top.cadre_id else c for c in zone.cadres], year)
everyone = [g.id for g in scheme.grades]


def tenure_on(as_of: dt.date | None) -> int:
    """The newcomer's tenure counted to the end of the period, or to ``as_of``."""
    entries = again.reserve_pool(per_line=len(zone.cadres), grades=everyone, as_of=as_of).entries
    return next(e.tenure for e in entries if e.cadre_id == top.cadre_id)


pd.DataFrame(
    [
        {"counted to": "2025-12-31 (end of the period)", "tenure": tenure_on(None)},
        {"counted to": "2025-06-30 (as_of)", "tenure": tenure_on(dt.date(2025, 6, 30))},
    ]
)

# %% [markdown]
# ## Checks

# %%
per_line = Counter(e.line for e in pool.entries)
assert per_line == {"investment": 5, "project": 5, "service": 5}
assert len(pool.excluded) == 3  # three top scorers joined less than 3 years ago
assert all(e.tenure >= 3 for e in pool.entries)
assert all(e.grade in ("excellent", "competent") for e in pool.entries)
assert all(by_id[e.cadre_id].line.value == e.line for e in pool.entries)
assert all(e.tenure == 2025 - by_id[e.cadre_id].joined_year for e in pool.entries)
assert all(reason for _, reason in pool.excluded)
for line in per_line:
    totals = [e.total for e in pool.entries if e.line == line]
    assert totals == sorted(totals, reverse=True)
assert tenure_on(None) == 3
assert tenure_on(dt.date(2025, 6, 30)) == 2
