# %% [markdown]
# # S18 Business contest of 190+ cadres, and an arena of 9 department heads with a judge panel
#
# 大比武: around the zone's enterprise-service handbook (《企业服务基础业务一本通》)
# the zone holds a business contest that everyone below the leadership team
# sits, "learning through exams" (以考促学): 190+ cadres take part. Then the
# arena (擂台赛) of S13 is held in full: the heads of 9 departments each take
# the stage to show results, find shortcomings and talk about ideas
# (亮成绩、找不足、谈思路), a panel of 7 judges marks them on those three
# criteria, and the board puts the judged score beside the measured year
# score of S13. Last, a "double-hundred-day" competition (双百日竞赛)
# promotes its winners.

# %%
import numpy as np

from cadredev.contests import exam
from cadredev.datasets import sample_zone

zone = sample_zone()
participants = [c for c in zone.cadres if c.rank.value in ("section", "researcher")]
rng = np.random.default_rng(18)
raw = np.clip(rng.normal(76, 11, size=len(participants)), 0, 100)
marks = {c.id: float(np.round(v * 2) / 2) for c, v in zip(participants, raw, strict=True)}
contest = exam(marks, pass_mark=60, name="一本通业务大比武")
contest

# %% [markdown]
# The table lists every participant by exam score, best first, with whether
# they reached the pass mark of 60; the title gives the pass rate.

# %%
print(
    f"{contest.participants} participants, {len(contest.passed)} passed ({contest.pass_rate:.1%})"
)
print(contest.explain(contest.rows[-1].cadre_id))
assert contest.participants >= 190  # 参与干部190余人
assert contest.participants == 194
assert len(contest.passed) == 181
assert all(r.score >= 60 for r in contest.rows if r.passed)
by_unit: dict[str, list[bool]] = {}
unit_of = {c.id: c.unit for c in participants}
for r in contest.rows:
    by_unit.setdefault(unit_of[r.cadre_id], []).append(r.passed)
for unit, flags in sorted(by_unit.items()):
    print(f"{unit}: {sum(flags)}/{len(flags)} passed")

# %% [markdown]
# The exam scores feed scoring as an indicator, like any other record.

# %%
records = contest.to_records(period="2025", indicator="contest_exam")
assert records.indicators == ("contest_exam",)
assert len(records.cadres) == 194

# %% [markdown]
# ## The arena: 9 department heads before a panel of 7 judges
#
# The heads are those of S13 (the most senior cadre of each of the first 9
# units). Two judges work in units that have a head on the stage, so with
# recusal (回避) each of them does not mark their own unit's head. Judges are
# not equally strict; the panel's scores remove judge severity with a
# two-way additive model fitted by least squares (mark = head + judge
# severity), which matters here because recusal leaves the panel unbalanced.

# %%
import attrs

from cadredev.contests import Criterion, Judge, Panel, arena, as_contestants, judge
from cadredev.scoring import rollup, score

heads = [
    min(
        (c for c in zone.cadres if c.unit == unit),
        key=lambda c: (-c.rank.level, c.birth_year, c.id),
    )
    for unit in zone.units[:9]
]
judges = [
    Judge(id="j1", name="党工委书记", unit="党工委"),
    Judge(id="j2", name="纪检监察工委书记", unit="纪工委"),
    Judge(id="j3", name="组织部部长", unit="组织部"),
    Judge(id="j4", name="经济发展局局长", unit="经济发展局"),
    Judge(id="j5", name="企业服务局局长", unit="企业服务局"),
    Judge(id="j6", name="营商环境专家", unit=""),
    Judge(id="j7", name="企业代表", unit=""),
]
criteria = [
    Criterion(id="results", label="亮成绩", weight=0.4, low=60, high=100),
    Criterion(id="shortcomings", label="找不足", weight=0.3, low=60, high=100),
    Criterion(id="ideas", label="谈思路", weight=0.3, low=60, high=100),
]
panel = Panel(judges=judges, criteria=criteria, method="additive", recuse=True, name="专题擂台赛")
talent = dict(zip((h.id for h in heads), rng.uniform(72, 92, size=9), strict=True))
leniency = dict(zip((j.id for j in judges), [-4.0, -2.0, 0.0, 1.0, 1.0, 2.0, 2.0], strict=True))
marks_given = [
    (
        j.id,
        h.id,
        k.id,
        float(np.clip(np.round(talent[h.id] + leniency[j.id] + rng.normal(0, 2)), 60, 100)),
    )
    for h in heads
    for j in judges
    for k in criteria
]
heard = judge(panel, as_contestants(heads), marks_given)
heard

# %% [markdown]
# Each row is a head with the panel's score (severity removed) and the mean
# mark on each of the three criteria; the title counts the recusals.

# %%
assert len(heard.standings) == 9
assert len(heard.recusals) == 2  # the heads of 经济发展局 and 企业服务局
assert {h.unit for h in heads if h.id in {c for _, c in heard.recusals}} == {
    "经济发展局",
    "企业服务局",
}
assert all(
    s.judges == 6 for s in heard.standings if s.contestant_id in {c for _, c in heard.recusals}
)
print(heard.explain(heard.ranking[0]))
for s in heard.standings:
    assert abs(sum(p.contribution for p in s.parts) - s.score) < 1e-9
# the harshest judge is found as the harshest
assert max(heard.severity, key=heard.severity.get) == "j1"
plain = judge(attrs.evolve(panel, method="mean"), as_contestants(heads), marks_given)
print(
    "mean of marks vs severity removed:",
    [
        (s.contestant_id, round(plain.scores[s.contestant_id], 2), round(s.score, 2))
        for s in heard.standings
    ],
)

# %% [markdown]
# ## The board: judged score beside the measured year score
#
# The combined score is 0.4 x the panel's score + 0.6 x the year's measured
# score of S13 (attainment against fixed references, 0 to 100+).

# %%
scheme = attrs.evolve(zone.scheme, group_by=None)
year = rollup(zone.records.select(cadres=[h.id for h in heads]), scheme, to="year")
measured = score(scheme, heads, year)
board = arena(heard, measured, judged_weight=0.4)
board

# %% [markdown]
# The board ranks the 9 heads by the combined score; each row shows the two
# parts it is made of.

# %%
assert len(board.rows) == 9
assert board.unscored == ()
combined = [r.combined for r in board.rows]
assert combined == sorted(combined, reverse=True)
for r in board.rows:
    assert abs(r.combined - (0.4 * r.judged + 0.6 * r.measured)) < 1e-9
print(board.explain(board.ranking[0]))
arena_records = board.to_records(indicator="arena")
assert set(arena_records.cadres) == {h.id for h in heads}

# %% [markdown]
# ## 双百日竞赛: the winners go up
#
# In a "double-hundred-day" competition the contest result is the measure:
# the exam scores enter a scheme as an indicator (60 marks is attainment 0,
# 100 is full), the best of each line enters the reserve pool, and the
# winners are promoted one rank tier. A contest alone demotes nobody, so
# demotions and exits are switched off.

# %%
from cadredev.scoring import Indicator, Scheme, Target
from cadredev.selection import decide

contest_scheme = Scheme(
    name="双百日竞赛",
    indicators={
        line: [Indicator(id="contest_exam", label="竞赛成绩", normalise=Target(60, 100))]
        for line in ("investment", "project", "service")
    },
    group_by=None,
)
contest_table = score(contest_scheme, participants, records)
winners = contest_table.reserve_pool(per_line=1)
decisions = decide(contest_table, participants, pool=winners, demote=(), exit=())
decisions

# %% [markdown]
# One row per participant: the three line winners are promoted, everyone
# else keeps their post.

# %%
assert len(decisions.of("promote")) == 3
assert set(decisions.of("promote")) == set(winners.cadre_ids)
assert len(decisions.of("keep")) == 194 - 3
best = {e.line: e.cadre_id for e in winners.entries}
line_of = {c.id: c.line.value for c in participants if c.line is not None}
top_investment = min(
    (r for r in contest.rows if line_of.get(r.cadre_id) == "investment"),
    key=lambda r: (-r.score, r.cadre_id),
)
assert best["investment"] == top_investment.cadre_id  # 招商引资能手
print(decisions.explain(best["investment"]))
