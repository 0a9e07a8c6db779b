from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace as NS  # noqa: N814

import matplotlib as mpl
import matplotlib.pyplot as plt
import networkx as nx
import pytest

from cadredev import (
    InvalidInputError,
    MissingDependencyError,
    form_teams,
    rollup,
    sample_zone,
    score,
)
from cadredev.datasets import cross_shadowing_problem
from cadredev.plot import (
    cjk_font,
    mentor_graph,
    rotation_gantt,
    score_distribution,
    team_balance,
)
from cadredev.rotation import schedule

mpl.use("Agg")


def _png(ax: object, path: Path) -> None:
    ax.figure.savefig(path, dpi=60)  # type: ignore[attr-defined]
    assert path.stat().st_size > 1000
    plt.close("all")


def test_rotation_gantt_renders(tmp_path: Path) -> None:
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
    ax = rotation_gantt(plan, by="post")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["p0", "p1", "p2"]
    _png(ax, tmp_path / "gantt.png")
    ax = rotation_gantt(plan, max_rows=5)
    assert "7 cadres not shown" in ax.get_title()
    _png(ax, tmp_path / "gantt2.png")


def test_rotation_gantt_on_an_empty_plan(tmp_path: Path) -> None:
    _png(rotation_gantt(NS(assignments=[])), tmp_path / "empty.png")


def test_mentor_graph_renders(tmp_path: Path) -> None:
    g: nx.Graph[str] = nx.Graph()
    for i in range(6):
        g.add_node(f"e{i}", bipartite=0, unit="u1" if i % 2 else "u2")
    g.add_node("m1", bipartite=1, capacity=3, unit="u1")
    g.add_node("m2", bipartite=1, capacity=3, unit="u2")
    pairs = {f"e{i}": ("m1", "m2")[i % 2] for i in range(5)}
    for e, m in pairs.items():
        g.add_edge(e, m, weight=1.0)
    ax = mentor_graph(NS(pairs=pairs, unmatched=("e5",)), g)
    assert ax.get_title() == "2 mentors, 5 pairs (5 cross-unit), 1 unmatched"
    _png(ax, tmp_path / "mentors.png")


def test_bad_options() -> None:
    with pytest.raises(InvalidInputError, match="by must be"):
        rotation_gantt(NS(assignments=[]), by="unit")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="labels must be"):
        rotation_gantt(NS(assignments=[]), labels="fr")  # type: ignore[arg-type]


def test_chinese_labels_need_a_font() -> None:
    if cjk_font() is not None:
        pytest.skip("a CJK font is installed here")
    with pytest.raises(MissingDependencyError, match="CJK font"):
        rotation_gantt(NS(assignments=[]), labels="zh")


def test_team_balance_renders(tmp_path: Path) -> None:
    zone = sample_zone()
    grids = form_teams(zone.cadres, n_teams=6, balance=("cohort", "line"), seed=0, as_of=2025)
    ax = team_balance(grids, attribute="line")
    assert ax.get_title().startswith("line shares per team")
    _png(ax, tmp_path / "balance.png")
    with pytest.raises(InvalidInputError, match="not balanced"):
        team_balance(grids, attribute="rank")


def test_score_distribution_renders(tmp_path: Path) -> None:
    zone = sample_zone()
    assert zone.scheme is not None
    assert zone.records is not None
    year = score(zone.scheme, zone.cadres, rollup(zone.records, zone.scheme, to="year"))
    ax = score_distribution(year, bins=20)
    assert ax.get_title().startswith("246 scores")
    legend_box = ax.get_legend()
    assert legend_box is not None
    legend = [t.get_text() for t in legend_box.get_texts()]
    assert legend[0] == "excellent (34)" or legend[0].endswith("(34)")
    _png(ax, tmp_path / "scores.png")
    with pytest.raises(InvalidInputError, match="bins"):
        score_distribution(year, bins=0)


def test_rotation_gantt_on_a_real_plan(tmp_path: Path) -> None:
    plan = schedule(cross_shadowing_problem(sample_zone()), seed=0)
    ax = rotation_gantt(plan)
    assert len(ax.get_yticklabels()) == 27
    _png(ax, tmp_path / "shadowing.png")
