# %% [markdown]
# # S9 Differentiated scoring: one scheme per line, monthly records, roll-ups
#
# The sample zone scores its three work lines on different indicators
# (差异化考核): investment cadres on enterprises visited, projects signed,
# contracted amount and funds in place; project cadres on the on-time
# completion rate (with a penalty per safety incident); service cadres on
# issues resolved, revisits and approval days saved. Records are monthly; the
# quarter and the year are rolled up from the months by indicator kind, and
# month -> year equals month -> quarter -> year.

# %%
import numpy as np

from cadredev.datasets import sample_zone
from cadredev.model import Line
from cadredev.scoring import rollup, score

zone = sample_zone()
scheme = zone.scheme
monthly = zone.records
print(len(monthly.cadres), "cadres,", len(monthly.periods), "months")

# %% [markdown]
# Each line has its own indicators; an indicator of another line is *not
# applicable* (left out and the weights renormalised), not a zero.

# %%
for line in (Line.INVESTMENT, Line.PROJECT, Line.SERVICE):
    print(line.label, [i.label for i in scheme.for_line(line)])
assert [i.id for i in scheme.for_line(Line.PROJECT)] == ["on_time"]
assert len(scheme.for_line(Line.INVESTMENT)) == 4
assert len(scheme.for_line(Line.SERVICE)) == 3

# %% [markdown]
# Score one month, then the quarters and the year.

# %%
january = score(scheme, zone.cadres, monthly, period="2025-01")
quarters = rollup(monthly, scheme, to="quarter")
year = rollup(monthly, scheme, to="year")
assert quarters.periods == ("2025Q1", "2025Q2", "2025Q3", "2025Q4")
assert year.periods == ("2025",)
assert np.allclose(rollup(quarters, scheme, to="year").matrix, year.matrix, equal_nan=True)

q_table = score(scheme, zone.cadres, quarters)
y_table = score(scheme, zone.cadres, year)
# project cadres with no milestone due in January have nothing to be scored on:
# they are excluded, with the reason, rather than graded on a zero
assert len(january) + len(january.excluded) == 246
print(january.excluded[0])
assert len(q_table) == 4 * 246
assert len(y_table) == 246

# %% [markdown]
# Visits add up over the months (a flow); the on-time rate is a ratio of
# sums (milestones met over milestones due), not a mean of monthly ratios.

# %%
cid = next(c.id for c in zone.cadres if c.line is Line.INVESTMENT)
months = [monthly.value(cid, f"2025-{m:02d}", "visits") for m in range(1, 13)]
assert year.value(cid, "2025", "visits") == sum(v for v in months if v is not None)
pid = next(c.id for c in zone.cadres if c.line is Line.PROJECT)
met = year.value(pid, "2025", "on_time.num")
due = year.value(pid, "2025", "on_time.den")
print(f"{pid}: {met:.0f} of {due:.0f} milestones on time")

# %%
for line in ("investment", "project", "service"):
    board = y_table.leaderboard(group="line", top=3)
    rows = [r for r in board.rows if r.group == line]
    print(line, [(r.cadre_id, round(r.total, 1)) for r in rows])
explanation = y_table.explain(cid)
print(explanation)
assert abs(sum(c.points for c in explanation.contributions) - explanation.total) < 1e-9

# %% [markdown]
# A score table is data: it keeps what it was scored from, prints one line,
# and comes back from JSON equal, explaining itself as before.

# %%
import json

from cadredev import io

print(y_table)
doc = io.dump(y_table)
text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
print(f"{len(text.encode()):,} bytes of JSON for {len(y_table)} rows")
back = io.load(type(y_table), json.loads(text))
assert back == y_table
assert back.explain(cid) == explanation
