# %% [markdown]
# # S9 Differentiated scoring: one scheme per line, monthly records, roll-ups
#
# The sample zone scores its three work lines (条线) on different indicators
# (差异化考核): investment cadres (招商) on enterprises visited, projects
# signed, contracted amount and funds in place; project cadres (项目建设) on
# the on-time completion rate (with a penalty per safety incident); service
# cadres (企业服务) on issues resolved, revisits and approval days saved.
# Records are monthly; the quarter and the year are rolled up from the months
# by indicator kind, and month -> year equals month -> quarter -> year.

# %%
import json

import numpy as np
import pandas as pd

from cadredev import io
from cadredev.datasets import sample_zone
from cadredev.model import Line
from cadredev.plot import explanation_waterfall, leaderboard_chart
from cadredev.scoring import rollup, score

zone = sample_zone()
scheme = zone.scheme
monthly = zone.records
pd.DataFrame(
    [
        {"line": line.label, "indicators": "、".join(i.label for i in scheme.for_line(line))}
        for line in (Line.INVESTMENT, Line.PROJECT, Line.SERVICE)
    ]
).set_index("line")

# %% [markdown]
# Each line has its own indicators; an indicator of another line is *not
# applicable* (left out and the weights renormalised), not a zero.
#
# Score one month, then roll the months up to quarters and the year and
# score those.

# %%
january = score(scheme, zone.cadres, monthly, period="2025-01")
quarters = rollup(monthly, scheme, to="quarter")
year = rollup(monthly, scheme, to="year")
q_table = score(scheme, zone.cadres, quarters)
y_table = score(scheme, zone.cadres, year)
y_table

# %% [markdown]
# The year's table: every cadre's total and grade (等次), scored on their own
# line's indicators.

# %%
board = y_table.leaderboard(group="line", top=3)
board

# %%
ax = leaderboard_chart(board, scheme=scheme, labels="zh")

# %% [markdown]
# The top three of each line, their points stacked by indicator: each line
# earns its points on different indicators.
#
# Visits add up over the months (a flow); the on-time rate is a ratio of
# sums (milestones met over milestones due), not a mean of monthly ratios.
# How the first investment cadre's year total is made:

# %%
cid = next(c.id for c in zone.cadres if c.line is Line.INVESTMENT)
explanation = y_table.explain(cid)
ax = explanation_waterfall(y_table, cid, labels="zh")

# %% [markdown]
# One step per indicator, from zero to the total; the last bar is coloured
# by the grade.

# %%
explanation

# %% [markdown]
# A score table is data: it keeps what it was scored from and comes back
# from JSON equal, explaining itself as before.

# %%
text = json.dumps(io.dump(y_table), ensure_ascii=False, separators=(",", ":"))
back = io.load(type(y_table), json.loads(text))
print(f"{len(text.encode()):,} bytes of JSON for {len(y_table)} rows")

# %% [markdown]
# ## Checks

# %%
assert len(monthly.periods) == 12
assert [i.id for i in scheme.for_line(Line.PROJECT)] == ["on_time"]
assert len(scheme.for_line(Line.INVESTMENT)) == 4
assert len(scheme.for_line(Line.SERVICE)) == 3
assert quarters.periods == ("2025Q1", "2025Q2", "2025Q3", "2025Q4")
assert year.periods == ("2025",)
assert np.allclose(rollup(quarters, scheme, to="year").matrix, year.matrix, equal_nan=True)
# project cadres with no milestone due in January have nothing to be scored on:
# they are excluded, with the reason, rather than graded on a zero
assert len(january) + len(january.excluded) == 246
assert len(q_table) == 4 * 246
assert len(y_table) == 246
months = [monthly.value(cid, f"2025-{m:02d}", "visits") for m in range(1, 13)]
assert year.value(cid, "2025", "visits") == sum(v for v in months if v is not None)
pid = next(c.id for c in zone.cadres if c.line is Line.PROJECT)
met = year.value(pid, "2025", "on_time.num")
due = year.value(pid, "2025", "on_time.den")
assert met is not None
assert due is not None
assert 0 <= met <= due
assert {r.group for r in board.rows} == {"investment", "project", "service"}
assert abs(sum(c.points for c in explanation.contributions) - explanation.total) < 1e-9
assert back == y_table
assert back.explain(cid) == explanation
