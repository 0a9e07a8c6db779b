from __future__ import annotations

import itertools
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace as NS  # noqa: N814
from typing import Any

import attrs
import matplotlib as mpl
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from cadredev import (
    Exemption,
    InvalidInputError,
    MissingDependencyError,
    rollup,
    sample_zone,
    score,
)
from cadredev._pipeline import form_grids, match_grid_mentors
from cadredev.calendar import Calendar
from cadredev.datasets import cross_shadowing_problem, demo_score_table, tiny_rotation_problem
from cadredev.plot import (
    cjk_font,
    enterprise_split_map,
    explanation_waterfall,
    grade_flows,
    leaderboard_chart,
    mentor_graph,
    occupancy,
    post_fit_chart,
    rotation_gantt,
    scenario_chart,
    score_distribution,
    sensitivity_bars,
    team_balance,
)
from cadredev.plot._fonts import font_for, needs_cjk
from cadredev.plot._rotation import lanes
from cadredev.rotation import Assignment, RotationPlan, schedule
from cadredev.scenarios import Scenario, grid, run
from cadredev.scoring import compare, post_fit, sensitivity

mpl.use("Agg")


def _png(ax: Axes, path: Path) -> None:
    figure = ax.get_figure(root=True)
    assert figure is not None
    figure.savefig(path, dpi=60)
    assert path.stat().st_size > 1000
    plt.close("all")


def _texts(ax: Axes) -> list[str]:
    figure = ax.get_figure(root=True)
    assert figure is not None
    return [t.get_text() for t in figure.findobj(Text) if t.get_text()]


@pytest.fixture(scope="module")
def zone() -> Any:
    return sample_zone()


@pytest.fixture(scope="module")
def pieces(zone: Any) -> NS:
    """The sample zone's grids, mentoring, S4 plan and year table (the demo without S5)."""
    grids, split = form_grids(zone, seed=0)
    graph, matching = match_grid_mentors(zone, grids)
    problem = cross_shadowing_problem(zone)
    yearly = rollup(zone.records, zone.scheme, to="year")
    year = score(zone.scheme, zone.cadres, yearly)
    zone_wide = score(
        attrs.evolve(zone.scheme, name="全区统排", group_by=None), zone.cadres, yearly
    )
    return NS(
        grids=grids,
        split=split,
        graph=graph,
        matching=matching,
        problem=problem,
        plan=schedule(problem, seed=0),
        year=year,
        zone_wide=zone_wide,
        names={c.id: c.name for c in zone.cadres},
    )


# ------------------------------------------------------------------ fonts


def test_the_plot_extra_brings_a_cjk_font() -> None:
    assert cjk_font() == "Noto Sans SC"


def test_the_font_rule() -> None:
    assert not needs_cjk("grid 1 (27)")
    assert needs_cjk("网格一")
    assert needs_cjk("（")
    assert font_for("plain text") is None
    props = font_for("网格一")
    assert props is not None
    assert props.get_family()[0] == "Noto Sans SC"


def test_plots_leave_rcparams_alone(pieces: NS) -> None:
    before = dict(mpl.rcParams)
    rotation_gantt(pieces.plan, pieces.problem, by="post")
    team_balance(pieces.grids)
    plt.close("all")
    assert dict(mpl.rcParams) == before


def test_chinese_labels_without_a_font_say_how_to_get_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("cadredev.plot._common.cjk_font", lambda: None)
    with pytest.raises(MissingDependencyError, match=r"cadredev\[plot\]"):
        rotation_gantt(NS(assignments=[]), labels="zh")
    # English words still work, and "auto" falls back to them
    assert rotation_gantt(NS(assignments=[]), labels="auto").get_xlabel() == "period"
    plt.close("all")


def _every_plot(pieces: NS, zone: Any) -> dict[str, tuple[Callable[[], Axes], list[str]]]:
    """Each plot drawn with Chinese labels, and Chinese text it must show."""
    calendar = Calendar(f"{zone.as_of}-01")
    table = pieces.year
    first = table.leaderboard().rows[0]
    host = next(p for p in zone.posts if p.category == "host")
    c = pieces.plan.assignments[0]
    return {
        "gantt by post": (
            lambda: rotation_gantt(pieces.plan, pieces.problem, by="post", calendar=calendar),
            ["轮岗计划：27 人次", "1月", "2025年", "岗位", pieces.names[c.cadre_id]],
        ),
        "gantt by cadre": (
            lambda: rotation_gantt(pieces.plan, pieces.problem, calendar=calendar),
            ["干部", pieces.names[c.cadre_id]],
        ),
        "occupancy": (
            lambda: occupancy(pieces.plan, pieces.problem, calendar=calendar),
            ["岗位（容量）", "占容量比例", "12月"],
        ),
        "mentor graph": (
            lambda: mentor_graph(pieces.matching, pieces.graph, mentee_labels=True),
            ["单位", "招商一局", "跨单位结对", pieces.graph.nodes["c001"]["name"]],
        ),
        "team balance (cohort)": (
            lambda: team_balance(pieces.grids),
            ["网格一", "网格六", "老", "青", "全区占比"],
        ),
        "enterprise split": (
            lambda: enterprise_split_map(pieces.split, zone.enterprises),
            ["网格一", "合计", "高新园 *"],
        ),
        "score distribution": (
            lambda: score_distribution(table),
            ["优秀 (34)", "等次分数线", "全区比例线", "总分"],
        ),
        "waterfall": (
            lambda: explanation_waterfall(table, "c001", name=pieces.names["c001"]),
            ["走访企业", "总分", f"距优秀还差 {table.explain('c001').gap:.1f} 分", "赵晨嘉 (c001)"],
        ),
        "leaderboard": (
            lambda: leaderboard_chart(table.leaderboard(group="line"), scheme=zone.scheme, top=3),
            ["招商引资", f"1 {first.name}" if first.group == "zone" else "1 ", "指标"],
        ),
        "scenario chart": (
            lambda: scenario_chart(_sweep()),
            ["各方案安排人次", "上界", "horizon=4", "失败"],
        ),
        "grade flows": (
            lambda: grade_flows(compare(table, pieces.zone_wide), scheme=zone.scheme),
            ["等次流向", "全区统排", "优秀", "称职"],
        ),
        "sensitivity bars": (
            lambda: sensitivity_bars(sensitivity(table), "c001", scheme=zone.scheme),
            ["等次不变的权重范围", "走访企业", "现行权重"],
        ),
        "post fit": (
            lambda: post_fit_chart(
                post_fit(host, zone.cadres, as_of=zone.as_of), names=pieces.names
            ),
            ["匹配度（1 = 全部达标）", "全部达标"],
        ),
    }


def _sweep() -> Any:
    """Two horizons of the tiny problem, and one scenario whose task fails."""
    base = tiny_rotation_problem()
    broken = Scenario(name="broken", base=attrs.evolve(base, horizon=5))
    scenarios = [*grid(base, horizon=[4, 6]), broken]

    def task(problem: Any, *, seed: int) -> Any:
        if problem.horizon == 5:
            raise ValueError("no plan today")
        return schedule(problem, seed=seed)

    return run(scenarios, task, executor="serial", progress=False)


def test_scenario_chart_marks_failures_and_refuses_unknown_columns() -> None:
    results = _sweep()
    ax = scenario_chart(results, labels="en")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["horizon=4", "horizon=6", "broken"]
    assert any("failed" in t for t in _texts(ax))
    assert len(ax.patches) == 2  # no bar for the failed scenario
    ax = scenario_chart(results, by="runtime", labels="en")
    assert ax.get_xlabel() == "runtime"
    with pytest.raises(InvalidInputError, match="by must name a numeric column"):
        scenario_chart(results, by="nope")
    with pytest.raises(InvalidInputError, match="needs results of score tables"):
        scenario_chart(results, by="grades")
    plt.close("all")


def test_scenario_chart_stacks_grade_counts() -> None:
    table = demo_score_table()
    results = run(
        [Scenario(name="a", base=table), Scenario(name="b", base=table)],
        lambda t, *, seed: t,
        executor="serial",
        progress=False,
    )
    ax = scenario_chart(results, labels="en")
    assert ax.get_title() == "grade counts by scenario"
    per_bar = sum(p.get_width() for p in ax.patches if isinstance(p, Rectangle))
    assert per_bar == 2 * len(table.cadre_ids)
    plt.close("all")


def test_grade_flows_bands_count_the_flips(pieces: NS, zone: Any) -> None:
    comparison = compare(pieces.year, pieces.zone_wide)
    ax = grade_flows(comparison, scheme=zone.scheme, labels="en")
    flips = len(comparison.flips)
    assert flips > 0
    assert f"({flips} of {len(comparison.cadre_ids)} cadres change grade)" in ax.get_title()
    # each grade's column bar holds its cadres on either side
    left = Counter(comparison.grade_a.tolist())
    right = Counter(comparison.grade_b.tolist())
    texts = _texts(ax)
    for grade, count in (*left.items(), *right.items()):
        assert f"{grade} {count}" in texts
    plt.close("all")


def test_sensitivity_bars_draw_each_interval(pieces: NS, zone: Any) -> None:
    s = sensitivity(pieces.year)
    ax = sensitivity_bars(s, "c001", scheme=zone.scheme, labels="en")
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) == len(s.indicator_ids)
    edge = ax.get_xlim()[1]
    for bar, ind in zip(bars, s.indicator_ids, strict=True):
        low, high = s.interval("c001", ind)
        assert bar.get_x() == pytest.approx(low)
        if np.isfinite(high):
            assert bar.get_x() + bar.get_width() == pytest.approx(high)
        else:
            assert bar.get_x() + bar.get_width() <= edge
    with pytest.raises(InvalidInputError, match="0 rows for cadre 'nobody'"):
        sensitivity_bars(s, "nobody")
    plt.close("all")


def test_grade_flows_refuses_an_empty_comparison() -> None:
    table = demo_score_table()
    nothing = np.zeros(0)
    no_grade = np.zeros(0, dtype=object)
    empty = attrs.evolve(
        compare(table, table),
        cadre_ids=(),
        periods=(),
        units=(),
        total_a=nothing,
        total_b=nothing,
        grade_a=no_grade,
        grade_b=no_grade,
        flips=(),
        unit_changes=(),
        kendall_tau=None,
        spearman=None,
    )
    with pytest.raises(InvalidInputError, match="matched no row"):
        grade_flows(empty)


def test_every_plot_draws_chinese_with_no_missing_glyph(
    pieces: NS, zone: Any, tmp_path: Path
) -> None:
    for name, (draw, expected) in _every_plot(pieces, zone).items():
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "Glyph ... missing from font(s)" fails
            ax = draw()
            figure = ax.get_figure(root=True)
            assert figure is not None
            figure.savefig(tmp_path / f"{name}.png", dpi=50)
            figure.savefig(tmp_path / f"{name}.svg")
        texts = _texts(ax)
        for want in expected:
            assert any(want in t for t in texts), f"{name}: {want!r} not drawn in {texts[:40]}"
        for text in figure.findobj(Text):
            if needs_cjk(text.get_text()):
                assert text.get_fontproperties().get_family()[0] == "Noto Sans SC", (name, text)
        plt.close("all")


def test_english_labels_use_english_words(pieces: NS) -> None:
    ax = team_balance(pieces.grids, labels="en")
    assert ax.get_xticklabels()[0].get_text() == "Grid 1"
    assert ax.get_title().isascii()
    ax = rotation_gantt(pieces.plan, pieces.problem, labels="en")
    assert ax.get_title() == "rotation plan: 27 assignments"
    plt.close("all")


# ------------------------------------------------------------------ rotation


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(1, 6)), max_size=25))
def test_lanes_never_overlap_and_use_the_fewest(spans: list[tuple[int, int]]) -> None:
    got = lanes(spans)
    for (a, la), (b, lb) in itertools.combinations(zip(spans, got, strict=True), 2):
        if la == lb:
            assert a[0] + a[1] <= b[0] or b[0] + b[1] <= a[0]
    depth = max(
        (sum(s <= t < s + n for s, n in spans) for t in range(27)),
        default=0,
    )
    assert len(set(got)) == depth


def _bars(ax: Axes) -> list[tuple[float, float, float, float]]:
    return [
        (p.get_x(), p.get_y(), p.get_width(), p.get_height())
        for p in ax.patches
        if isinstance(p, Rectangle)
    ]


def test_s4_gantt_by_post_shows_27_distinct_bars(pieces: NS, tmp_path: Path) -> None:
    ax = rotation_gantt(pieces.plan, pieces.problem, by="post")
    bars = _bars(ax)
    assert len(pieces.plan.assignments) == 27
    assert len(bars) == 27
    for (x1, y1, w1, h1), (x2, y2, w2, h2) in itertools.combinations(bars, 2):
        apart = x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1
        assert apart, "two placements drawn on top of each other"
    _png(ax, tmp_path / "s4.png")


def test_gantt_rows_and_titles(tmp_path: Path) -> None:
    plan = NS(
        assignments=[
            NS(
                cadre_id=f"c{i}",
                post_id=f"p{i % 3}",
                program=("shadow", "front")[i % 2],
                start=i % 6,
                length=3,
            )
            for i in range(12)
        ]
    )
    ax = rotation_gantt(plan, by="post", labels="en")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["p0", "p1", "p2"]
    assert len(_bars(ax)) == 12
    assert ax.get_xlabel() == "period"
    assert ax.get_xticklabels()[0].get_text() == "1"
    _png(ax, tmp_path / "gantt.png")
    ax = rotation_gantt(plan, max_rows=5, labels="en")
    assert "7 cadres not shown" in ax.get_title()
    _png(ax, tmp_path / "gantt2.png")


def test_gantt_uses_the_plans_calendar_and_names() -> None:
    problem = tiny_rotation_problem()
    plan = schedule(problem, seed=0)
    dated = RotationPlan(assignments=plan.assignments, calendar=Calendar("2025Q3"))
    ax = rotation_gantt(dated, problem, labels="en")
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["2025Q3", "2025Q4"]
    assert {t.get_text() for t in ax.get_yticklabels()} == {"甲", "乙", "丙"}
    plt.close("all")


def test_gantt_on_an_empty_plan(tmp_path: Path) -> None:
    _png(rotation_gantt(NS(assignments=[])), tmp_path / "empty.png")


def test_occupancy_counts_and_flags_over_capacity() -> None:
    problem = tiny_rotation_problem()
    plan = schedule(problem, seed=0)
    ax = occupancy(plan, problem, labels="en")
    written = [int(t.get_text()) for t in ax.texts]
    assert sum(written) == int(plan.occupancy().sum()) == 6
    crowded = RotationPlan(
        assignments=[
            Assignment(cadre_id=c, post_id="p1", program="s", start=0, length=2) for c in "ab"
        ]
    )
    ax = occupancy(crowded, problem, labels="en")
    assert ax.get_title().endswith("2 over capacity")
    with pytest.raises(InvalidInputError, match="post 'nowhere'"):
        occupancy(
            RotationPlan(
                assignments=[
                    Assignment(cadre_id="a", post_id="nowhere", program="s", start=0, length=1)
                ]
            ),
            problem,
        )
    plt.close("all")


def test_bad_options() -> None:
    with pytest.raises(InvalidInputError, match="by must be"):
        rotation_gantt(NS(assignments=[]), by="unit")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="labels must be"):
        rotation_gantt(NS(assignments=[]), labels="fr")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="max_rows"):
        rotation_gantt(NS(assignments=[]), max_rows=0)
    table = demo_score_table()
    with pytest.raises(InvalidInputError, match="top"):
        leaderboard_chart(table.leaderboard(), top=0)
    with pytest.raises(InvalidInputError, match="bins"):
        score_distribution(table, bins=0)


# ------------------------------------------------------------------ matching and teams


def test_mentor_graph_marks_unused_mentors(tmp_path: Path) -> None:
    g: nx.Graph[str] = nx.Graph()
    for i in range(6):
        g.add_node(f"e{i}", bipartite=0, unit="u1" if i % 2 else "u2")
    g.add_node("m1", bipartite=1, capacity=3, unit="u1", name="李明")
    g.add_node("m2", bipartite=1, capacity=3, unit="u2", name="王芳")
    g.add_node("m3", bipartite=1, capacity=3, unit="u2", name="张伟")
    pairs = {f"e{i}": ("m1", "m2")[i % 2] for i in range(5)}
    for e, m in pairs.items():
        g.add_edge(e, m, weight=1.0)
    ax = mentor_graph(NS(pairs=pairs, unmatched=("e5",)), g, labels="en")
    assert ax.get_title() == (
        "3 mentors, 5 pairs (5 cross-unit), 1 unmatched, 1 mentor without mentees"
    )
    assert "张伟\n0/3\nno mentees" in _texts(ax)
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()][:2] == ["u1", "u2"]
    _png(ax, tmp_path / "mentors.png")
    with pytest.raises(InvalidInputError, match="color_by"):
        mentor_graph(NS(pairs=pairs, unmatched=()), g, color_by="")


def test_team_balance_names_and_attributes(pieces: NS, zone: Any, tmp_path: Path) -> None:
    from cadredev import form_teams  # noqa: PLC0415

    grids = form_teams(zone.cadres, n_teams=6, balance=("cohort", "line"), seed=0, as_of=2025)
    ax = team_balance(grids, attribute="line", names=[f"T{i}" for i in range(6)])
    assert ax.get_title().startswith("各网格条线构成")
    assert ax.get_xticklabels()[0].get_text() == "T0"
    legend = ax.get_legend()
    assert legend is not None
    assert "招商引资" in [t.get_text() for t in legend.get_texts()]
    _png(ax, tmp_path / "balance.png")
    with pytest.raises(InvalidInputError, match="not balanced"):
        team_balance(grids, attribute="rank")
    with pytest.raises(InvalidInputError, match="names must name each"):
        team_balance(grids, names=["a"])


def test_enterprise_split_map_counts(pieces: NS, zone: Any) -> None:
    ax = enterprise_split_map(pieces.split, zone.enterprises)
    numbers = [int(t.get_text()) for t in ax.texts]
    # the tiles and the totals row each add up to every enterprise
    assert sum(numbers) == 2 * len(zone.enterprises)
    ax = enterprise_split_map(pieces.split, labels="en")
    assert [int(t.get_text()) for t in ax.texts] == list(pieces.split.counts)
    plt.close("all")


# ------------------------------------------------------------------ scoring


def test_score_distribution_legend(pieces: NS, tmp_path: Path) -> None:
    ax = score_distribution(pieces.year, bins=20, labels="en")
    assert ax.get_title() == "246 scores by grade"
    legend_box = ax.get_legend()
    assert legend_box is not None
    legend = [t.get_text() for t in legend_box.get_texts()]
    assert legend[0] == "excellent (34)"
    assert legend[-2:] == ["cut-off", "zone-wide quota"]
    _png(ax, tmp_path / "scores.png")


def _heights(ax: Axes) -> list[float]:
    return [p.get_height() for p in ax.patches if isinstance(p, Rectangle)]


def test_waterfall_adds_up_to_the_total(zone: Any) -> None:
    year = rollup(zone.records, zone.scheme, to="year")
    plain = score(zone.scheme, zone.cadres, year)
    penalised = next(
        str(c)
        for c in plain.cadre_ids
        if plain.explain(str(c)).penalties and not plain.explain(str(c)).vetoes
    )
    exemption = Exemption(
        cadre_id=penalised,
        period="2025",
        target="safety_incidents",
        reason="flood duty",
        approved_by="党工委",
    )
    table = score(zone.scheme, zone.cadres, year, exemptions=[exemption])
    ex = table.explain(penalised)
    assert ex.exemptions
    ax = explanation_waterfall(table, penalised, labels="en")
    *steps, total = _heights(ax)
    assert sum(steps) == pytest.approx(ex.total, abs=1e-6)
    assert total == pytest.approx(ex.total)
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert "exemption: safety_incidents" in ticks
    assert "safety_incidents" in ticks
    plt.close("all")


def test_waterfall_shows_vetoes(pieces: NS) -> None:
    vetoed = str(pieces.year.cadre_ids[pieces.year.vetoed][0])
    ax = explanation_waterfall(pieces.year, vetoed)
    assert any(t.startswith("否决：") for t in _texts(ax))
    plt.close("all")


def test_leaderboard_chart_groups(pieces: NS, zone: Any) -> None:
    board = pieces.year.leaderboard(group="line")
    ax = leaderboard_chart(board, scheme=zone.scheme, top=2, labels="en")
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert len(rows) == 6
    assert [r.split()[0] for r in rows] == ["1", "2"] * 3
    assert {"investment", "project", "service"} <= set(_texts(ax))
    plt.close("all")


def test_post_fit_chart_lists_gaps(zone: Any) -> None:
    post = next(p for p in zone.posts if p.requirements)
    demanding = type(post)(
        id="hard",
        unit=post.unit,
        category=post.category,
        requirements=dict.fromkeys(post.requirements, 0.95),
    )
    fit = post_fit(demanding, zone.cadres, as_of=zone.as_of)
    ax = post_fit_chart(fit, top=5, labels="en")
    assert len(ax.get_yticklabels()) == 5
    assert any("short: " in t for t in _texts(ax))
    plt.close("all")
