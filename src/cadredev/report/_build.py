"""Build the zone report page: the demo's results, put in words, tables and figures."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from cadredev._version import __version__
from cadredev.errors import InvalidInputError, MissingDependencyError

from ._assets import FONT_FAMILY, can_draw, font_face, svg_data
from ._text import POLICIES, Lang, reason, term, words

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from cadredev._pipeline import Demo
    from cadredev.datasets import Zone

__all__ = ["build", "write"]

TABLE_ROWS = 60
"""Rows a table of the page shows before it says how many more there are."""


def _environment() -> Any:
    try:
        import jinja2  # noqa: PLC0415
    except ImportError as exc:
        raise MissingDependencyError("the report needs: pip install 'cadredev[report]'") from exc
    return jinja2.Environment(
        loader=jinja2.PackageLoader("cadredev.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _demo(source: Any, seed: int) -> Demo:
    from cadredev._pipeline import Demo, run_demo  # noqa: PLC0415
    from cadredev.datasets import Zone  # noqa: PLC0415

    if isinstance(source, Demo):
        return source
    if isinstance(source, Zone):
        return run_demo(source, seed=seed)
    raise InvalidInputError(
        f"report.build: expected a Zone (or the demo's results), got {type(source).__name__}"
    )


def _table(
    header: Sequence[str], rows: Sequence[Sequence[Any]], w: dict[str, str]
) -> dict[str, Any]:
    shown = [[_cell(v) for v in row] for row in rows[:TABLE_ROWS]]
    more = len(rows) - len(shown)
    return {
        "header": list(header),
        "rows": shown,
        "more": f"… {more} {w['more_rows']}" if more > 0 else "",
    }


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


class _Page:
    """Collects the page's sections from one demo in one language."""

    def __init__(self, demo: Demo, lang: Lang) -> None:
        from cadredev.calendar import Calendar  # noqa: PLC0415

        self.demo = demo
        self.zone: Zone = demo.zone
        self.lang: Lang = lang
        self.zh = lang == "zh"
        self.w = words(lang)
        self.names = {c.id: c.name for c in self.zone.cadres}
        self.cadre = {c.id: c for c in self.zone.cadres}
        self.calendar = Calendar(f"{self.zone.as_of}-01")
        self.draw = can_draw()
        self.figures_missing = False
        self.terms = self._terms()

    # -- helpers

    def _terms(self) -> dict[str, str]:
        """Chinese labels of the ids the library's reasons name."""
        from cadredev.model import Cohort, Line, Rank  # noqa: PLC0415

        out: dict[str, str] = {m.value: m.label for e in (Cohort, Line, Rank) for m in e}
        scheme = self.zone.scheme
        if scheme is not None:
            out |= {g.id: g.label for g in scheme.grades if g.label}
            out |= {i.id: i.label for i in scheme.all_indicators if i.label}
            out |= {p.id: p.label for p in scheme.penalties if p.label}
            out |= {v.id: v.label for v in scheme.vetoes if v.label}
        return out

    def why(self, text: str) -> str:
        """Return a reason of the library's in the page's language."""
        return reason(str(text), self.lang, self.terms)

    def name_of(self, value: Any) -> str:
        """Return a programme, indicator or policy id by its Chinese name on a Chinese page."""
        text = str(value)
        return (POLICIES.get(text) or term(text, self.terms)) if self.zh else text

    def figure(
        self, draw: Callable[[Axes], Any], size: tuple[float, float], alt: str
    ) -> dict[str, str] | None:
        if not self.draw:
            self.figures_missing = True
            return None
        return {"src": svg_data(draw, size), "alt": alt}

    def who(self, cadre_id: Any) -> str:
        cid = str(cadre_id)
        name = self.names.get(cid)
        return f"{name}（{cid}）" if name and self.zh else f"{name} ({cid})" if name else cid

    def grade(self, grade_id: str) -> str:
        scheme = self.zone.scheme
        labels = {g.id: g.label for g in scheme.grades} if scheme is not None else {}
        return labels.get(grade_id) or grade_id if self.zh else grade_id

    def line(self, value: Any) -> str:
        from cadredev.model import Line  # noqa: PLC0415

        if value is None or value == "none":
            return "—"
        try:
            member = Line(str(getattr(value, "value", value)))
        except ValueError:
            return str(value)
        return member.label if self.zh else member.value

    def month(self, period: int) -> str:
        label = self.calendar.label(period)
        return f"{int(label[5:7])}月" if self.zh else label

    def grid(self, index: int) -> str:
        from cadredev.plot._common import grid_name  # noqa: PLC0415

        return grid_name(index, self.zh)

    def say(self, en: str, zh: str) -> str:
        return zh if self.zh else en

    # -- sections

    def summary(self) -> dict[str, Any]:
        zone, w = self.zone, self.w
        cohorts = zone.cohorts()
        cards = [
            (w["cadres"], len(zone.cadres)),
            (w["units"], len(zone.units)),
            (w["mentors"], len(zone.mentors)),
            (w["posts"], len(zone.posts)),
            (w["enterprises"], len(zone.enterprises)),
        ]
        rows = []
        for unit in zone.units:
            members = [c for c in zone.cadres if c.unit == unit]
            count = Counter(str(cohorts[c.id].value) for c in members)
            rows.append([unit, len(members), count["old"], count["middle"], count["young"]])
        header = [w["unit"], w["size"], w["cohort_old"], w["cohort_middle"], w["cohort_young"]]
        return {
            "id": "summary",
            "title": w["summary"],
            "lead": self.say(
                f"{zone.name}, as of {zone.as_of}: {len(zone.cadres)} cadres in "
                f"{len(zone.units)} units, {len(zone.mentors)} mentors, {len(zone.posts)} posts "
                f"and {len(zone.enterprises)} enterprises.",
                f"{zone.name}（截至 {zone.as_of} 年）：{len(zone.units)} 个单位共有干部 "
                f"{len(zone.cadres)} 名，导师 {len(zone.mentors)} 名，岗位 {len(zone.posts)} 个，"
                f"服务企业 {len(zone.enterprises)} 家。",
            ),
            "cards": [{"label": k, "value": f"{v:,}"} for k, v in cards],
            "tables": [_table(header, rows, w)],
            "figures": [],
            "notes": [],
        }

    def grids(self) -> dict[str, Any]:
        from cadredev import plot  # noqa: PLC0415

        demo, w = self.demo, self.w
        grids, split = demo.grids, demo.enterprises
        cohorts = self.zone.cohorts()
        report = grids.report()
        rows = []
        for t, team in enumerate(grids.teams):
            count = Counter(str(cohorts[c].value) for c in team)
            leader = grids.leader_of(t)
            rows.append(
                [
                    self.grid(t),
                    len(team),
                    self.who(leader) if leader else "—",
                    count["old"],
                    count["middle"],
                    count["young"],
                    split.counts[t] if t < len(split.counts) else 0,
                ]
            )
        header = [
            w["grid"],
            w["size"],
            w["leader"],
            w["cohort_old"],
            w["cohort_middle"],
            w["cohort_young"],
            w["enterprises"],
        ]
        worst = report.worst_by_attribute.get("cohort", 0.0)
        low, high = min(grids.sizes), max(grids.sizes)
        sizes = str(low) if low == high else f"{low}-{high}"
        labels = self.lang
        figures = [
            self.figure(
                lambda ax: plot.team_balance(grids, attribute="cohort", ax=ax, labels=labels),
                (8, 3.8),
                self.say("cohort shares per grid", "各网格年龄段构成"),
            ),
            self.figure(
                lambda ax: plot.enterprise_split_map(
                    split, self.zone.enterprises, ax=ax, labels=labels
                ),
                (8, 4.2),
                self.say("enterprises per grid", "各网格联系企业"),
            ),
        ]
        return {
            "id": "grids",
            "title": w["grids"],
            "lead": self.say(
                f"{len(grids.teams)} grids of {sizes} cadres; "
                f"each grid's cohort shares are within {worst:.1f} points of the zone's. "
                f"{sum(split.counts):,} enterprises are split {min(split.counts)}-"
                f"{max(split.counts)} per grid.",
                f"全区干部分为 {len(grids.teams)} 个网格，每格 {sizes.replace('-', '–')} 人，"
                f"各网格老中青比例与全区相差不超过 {worst:.1f} 个百分点；"
                f"{sum(split.counts):,} 家企业按片区分到各网格，每格 {min(split.counts)}–"
                f"{max(split.counts)} 家。",
            ),
            "cards": [],
            "tables": [_table(header, rows, w)],
            "figures": [f for f in figures if f],
            "notes": [],
        }

    def mentoring(self) -> dict[str, Any]:
        from cadredev import plot  # noqa: PLC0415

        demo, w = self.demo, self.w
        matching, graph = demo.mentoring, demo.mentor_graph
        summary = matching.summary()
        rows = []
        for mentor in sorted(
            (n for n, d in graph.nodes(data=True) if d.get("bipartite") == 1), key=str
        ):
            data = graph.nodes[mentor]
            rows.append(
                [
                    self.who(mentor),
                    data.get("unit", ""),
                    self.grid(int(str(data.get("grid", "grid-0")).rpartition("-")[2]) - 1)
                    if str(data.get("grid", "")).startswith("grid-")
                    else data.get("grid", ""),
                    f"{len(matching.mentees_of(mentor))} / {data.get('capacity', '')}",
                ]
            )
        share = summary.cross_unit_share
        labels = self.lang
        figure = self.figure(
            lambda ax: plot.mentor_graph(matching, graph, ax=ax, labels=labels),
            (9, 8),
            self.say("mentors and their mentees", "导师与徒弟"),
        )
        unmatched = [
            [self.who(m), self.why(reason)]
            for m, reason in sorted(matching.unmatched.items(), key=lambda kv: str(kv[0]))
        ]
        tables = [_table([w["mentor"], w["unit"], w["grid"], w["load"]], rows, w)]
        if unmatched:
            tables.append(_table([w["cadre"], w["reason"]], unmatched, w))
        return {
            "id": "mentoring",
            "title": w["mentoring"],
            "lead": self.say(
                f"{summary.n_matched} of {summary.n_mentees} cadres have a grid mentor of "
                f"their own grid; {len(matching.unmatched)} unmatched"
                + ("." if share is None else f"; {share:.0%} of pairs cross units."),
                f"{summary.n_mentees} 名干部中 {summary.n_matched} 名在本网格结对导师，"
                f"未匹配 {len(matching.unmatched)} 名"
                + ("。" if share is None else f"；跨单位结对占 {share:.0%}。"),
            ),
            "cards": [],
            "tables": tables,
            "figures": [figure] if figure else [],
            "notes": [],
        }

    def rotation(self) -> dict[str, Any]:
        from cadredev import plot  # noqa: PLC0415

        demo, w = self.demo, self.w
        labels = self.lang
        plans = (
            (
                self.say("Cross shadowing (S4)", "跨部门跟岗（S4）"),
                demo.shadowing,
                demo.shadowing_problem,
            ),
            (
                self.say("Frontline postings (S5)", "一线锻炼（S5）"),
                demo.frontline,
                demo.frontline_problem,
            ),
        )
        parts = []
        for title, plan, problem in plans:
            violations = len(plan.violations(problem))
            cadres = len({a.cadre_id for a in plan.assignments})
            months = sum(a.length for a in plan.assignments)
            bound = "" if plan.bound is None else f"{plan.bound.value:.1f}"
            text = self.say(
                f"{len(plan.assignments)} placements of {cadres} cadres ({months} cadre-months), "
                f"{len(plan.unplaced)} unmet minimums, {violations} rule violations; "
                f"development benefit {plan.objective.value:.1f}"
                + (f" (bound {bound})." if bound else "."),
                f"{cadres} 名干部共安排 {len(plan.assignments)} 人次（{months} 人·月），"
                f"未满足最低安排 {len(plan.unplaced)} 项，违反规则 {violations} 项；"
                f"培养收益 {plan.objective.value:.1f}" + (f"（上界 {bound}）。" if bound else "。"),
            )
            posts = {p.id: p.name or p.id for p in problem.posts}
            if len(plan.assignments) <= TABLE_ROWS:

                def gantt(ax: Axes, plan: Any = plan, problem: Any = problem) -> Axes:
                    return plot.rotation_gantt(
                        plan, problem, by="post", ax=ax, labels=labels, calendar=self.calendar
                    )

                figure = self.figure(gantt, (10, 0.3 * len(plan.assignments) + 2), title)
                rows: list[list[Any]] = [
                    [
                        self.who(a.cadre_id),
                        self.cadre[a.cadre_id].unit if a.cadre_id in self.cadre else "",
                        posts.get(a.post_id, a.post_id),
                        self.month(a.start),
                        self.month(a.start + a.length - 1),
                    ]
                    for a in sorted(
                        plan.assignments, key=lambda a: (a.start, a.post_id, a.cadre_id)
                    )
                ]
                table = _table([w["cadre"], w["unit"], w["post"], w["from"], w["to"]], rows, w)
            else:

                def heat(ax: Axes, plan: Any = plan, problem: Any = problem) -> Axes:
                    return plot.occupancy(
                        plan, problem, ax=ax, labels=labels, calendar=self.calendar
                    )

                figure = self.figure(heat, (10, 0.3 * len(problem.posts) + 2), title)
                per_post = Counter(a.post_id for a in plan.assignments)
                rows = [
                    [posts.get(p.id, p.id), p.unit, p.capacity, per_post.get(p.id, 0)]
                    for p in sorted(problem.posts, key=lambda p: p.id)
                ]
                table = _table(
                    [
                        w["post"],
                        w["unit"],
                        self.say("capacity", "容量"),
                        self.say("placements", "人次"),
                    ],
                    rows,
                    w,
                )
            unplaced = [
                [self.who(u.cadre_id), self.name_of(u.program), self.why(u.reason)]
                for u in plan.unplaced
            ]
            parts.append(
                {
                    "title": title,
                    "text": text,
                    "figure": figure,
                    "tables": [table]
                    + (
                        [_table([w["cadre"], w["program"], w["reason"]], unplaced, w)]
                        if unplaced
                        else []
                    ),
                }
            )
        return {
            "id": "rotation",
            "title": w["rotation"],
            "lead": self.say(
                f"A year of placements from {self.month(0)} {self.zone.as_of}.",
                f"{self.zone.as_of} 年全年的轮岗与锻炼安排。",
            ),
            "cards": [],
            "tables": [],
            "figures": [],
            "parts": parts,
            "notes": [],
        }

    def assessment(self) -> dict[str, Any]:
        from cadredev import plot  # noqa: PLC0415

        demo, w = self.demo, self.w
        table, pay = demo.year, demo.pay
        scheme = table.scheme
        grades = [str(g) for g in table.grade.tolist()]
        counts = Counter(grades)
        amounts = pay.amounts
        by_grade: dict[str, float] = {}
        for g, amount in zip(pay.grades, amounts.tolist(), strict=True):
            by_grade[g] = by_grade.get(g, 0.0) + float(amount)
        n = max(1, len(grades))
        rows = [
            [
                self.grade(g.id),
                counts.get(g.id, 0),
                f"{counts.get(g.id, 0) / n:.0%}",
                f"{by_grade.get(g.id, 0.0):,.2f}",
                f"{by_grade.get(g.id, 0.0) / counts[g.id]:,.2f}" if counts.get(g.id) else "—",
            ]
            for g in scheme.grades
        ]
        grade_table = _table([w["grade"], w["count"], w["share"], w["pay"], w["mean_pay"]], rows, w)
        labels = self.lang
        # the first of a line's leaders with the most indicators: the richest explanation
        leaders = [r for r in table.leaderboard(group="line").rows if r.position == 1]
        top = max(leaders, key=lambda r: (len(r.breakdown), r.total), default=None)
        figures = [
            self.figure(
                lambda ax: plot.score_distribution(table, ax=ax, labels=labels),
                (9, 4),
                self.say("scores by grade", "得分分布"),
            ),
            self.figure(
                lambda ax: plot.leaderboard_chart(
                    table.leaderboard(group="line"), scheme=scheme, top=5, ax=ax, labels=labels
                ),
                (9, 6),
                w["leaderboard"],
            ),
        ]
        if top is not None:
            figures.append(
                self.figure(
                    lambda ax: plot.explanation_waterfall(
                        table, top.cadre_id, ax=ax, labels=labels, name=top.name
                    ),
                    (8, 4.5),
                    w["explanation"],
                )
            )
        veto_labels = {v.id: v.label or v.id for v in scheme.vetoes}
        vetoed = []
        for cid in table.cadre_ids[table.vetoed].tolist():
            ex = table.explain(str(cid))
            vetoed.append(
                [
                    self.who(cid),
                    self.cadre[str(cid)].unit if str(cid) in self.cadre else "",
                    "、".join(veto_labels.get(v, v) for v in ex.vetoes)
                    if self.zh
                    else ", ".join(ex.vetoes),
                    self.grade(ex.grade),
                ]
            )
        applied = [
            [
                self.who(a.exemption.cadre_id),
                self.name_of(a.exemption.target),
                self.name_of(a.exemption.policy),
                a.exemption.reason,
                a.exemption.approved_by,
                f"{a.gain:.2f}",
            ]
            for a in table.exemptions_applied
        ]
        unused = [
            [self.who(e.cadre_id), self.name_of(e.target), self.why(reason)]
            for e, reason in table.exemptions_unused
        ]
        overridden = [
            [
                self.who(o.override.cadre_id),
                self.grade(o.override.from_grade),
                self.grade(o.override.to_grade),
                o.override.reason,
                o.override.approved_by,
                w["over_quota"] if o.over_quota else "",
            ]
            for o in table.overrides
        ]
        excluded = [[self.who(c), self.why(reason)] for c, reason in table.excluded]
        audit = [
            (w["vetoed"], _table([w["cadre"], w["unit"], w["veto"], w["grade"]], vetoed, w)),
            (
                w["exemptions"],
                _table(
                    [
                        w["cadre"],
                        w["target"],
                        w["policy"],
                        w["reason"],
                        w["approved_by"],
                        w["gain"],
                    ],
                    applied,
                    w,
                ),
            ),
            (w["exemptions_unused"], _table([w["cadre"], w["target"], w["reason"]], unused, w)),
            (
                w["overrides"],
                _table(
                    [w["cadre"], w["from_grade"], w["to_grade"], w["reason"], w["approved_by"], ""],
                    overridden,
                    w,
                ),
            ),
            (w["excluded"], _table([w["cadre"], w["reason"]], excluded, w)),
        ]
        period = str(table.periods[0]) if len(table.periods) else ""
        return {
            "id": "assessment",
            "title": w["assessment"],
            "lead": self.say(
                f"{scheme.name}, {period}: {len(grades)} cadres graded with quotas; "
                f"{pay.pool:,.2f} of incentive pay allocated by grade and score.",
                f"{scheme.name}，{period} 年度：{len(grades)} 名干部按比例评定等次；"
                f"绩效奖金 {pay.pool:,.2f} 元按等次和得分分配。",
            ),
            "cards": [
                {"label": self.grade(g.id), "value": str(counts.get(g.id, 0))}
                for g in scheme.grades
            ],
            "tables": [grade_table],
            "figures": [f for f in figures if f],
            "audit": [{"title": t, "table": tab} for t, tab in audit],
            "notes": [],
        }

    def reserve(self) -> dict[str, Any]:
        w, pool = self.w, self.demo.pool
        rows = [
            [
                self.line(e.line),
                self.who(e.cadre_id),
                self.cadre[e.cadre_id].unit if e.cadre_id in self.cadre else "",
                f"{e.total:.1f}",
                self.grade(e.grade),
                e.tenure,
            ]
            for e in pool.entries
        ]
        tables = [
            _table([w["line"], w["cadre"], w["unit"], w["total"], w["grade"], w["tenure"]], rows, w)
        ]
        kept_out = [[self.who(c), self.why(reason)] for c, reason in pool.excluded]
        return {
            "id": "reserve",
            "title": w["reserve"],
            "lead": self.say(
                f"{len(pool.entries)} cadres enter the {pool.period} reserve pool: the top "
                "scorers of each line with an admitting grade and enough years in service.",
                f"{pool.period} 年度共 {len(pool.entries)} 名干部进入后备干部库：各条线得分靠前、"
                "等次合格且任职年限达到要求者。",
            ),
            "cards": [],
            "tables": tables,
            "figures": [],
            "kept_out": _table([w["cadre"], w["reason"]], kept_out, w) if kept_out else None,
            "notes": [],
        }


def build(source: Any, *, lang: Lang = "zh", seed: int = 0) -> str:
    """Return the zone report: one self-contained HTML page.

    The page has the demo's sections: zone summary, grids, mentoring,
    rotation plans, assessment with grades and the audit of vetoes,
    exemptions and left-out records, and the reserve pool. Figures are
    inline SVG and the Chinese font is embedded (cut down to the characters
    the page uses), so the file opens anywhere with no network; the layout
    reads on a phone as well as on a desktop and has no script.

    Parameters
    ----------
    source
        A :class:`~cadredev.datasets.Zone` (the demo's steps are run on it)
        or the demo's results.
    lang
        ``"zh"`` or ``"en"``: the language of the page's own words (names
        in the data are shown as they are).
    seed
        The seed for the demo's steps when ``source`` is a zone.

    Returns
    -------
    str
        The HTML text.

    Raises
    ------
    InvalidInputError
        For an unknown ``lang`` or a ``source`` that is neither.
    MissingDependencyError
        Without Jinja2 (``pip install 'cadredev[report]'``). Without
        matplotlib the page is built with its tables and no figures.

    Examples
    --------
    >>> from cadredev.report import build
    >>> build("zone.json")
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: report.build: expected a Zone (or the demo's ...), got str

    Building the page for the sample zone runs the whole demo (about half a
    minute): ``page = build(sample_zone(), lang="zh")``.

    .. versionadded:: 0.2
    """
    if lang not in ("zh", "en"):
        raise InvalidInputError(f"report.build: lang must be 'zh' or 'en', got {lang!r}")
    environment = _environment()
    demo = _demo(source, seed)
    page = _Page(demo, lang)
    sections = [
        page.summary(),
        page.grids(),
        page.mentoring(),
        page.rotation(),
        page.assessment(),
        page.reserve(),
    ]
    template = environment.get_template("report.html.j2")
    context = {
        "lang": "zh-CN" if lang == "zh" else "en",
        "w": page.w,
        "zone": demo.zone,
        "sections": sections,
        "figures_missing": page.figures_missing,
        "version": __version__,
        "seed": demo.seed,
        "font_family": FONT_FAMILY,
    }
    draft = template.render(font_face="", **context)
    return str(template.render(font_face=font_face(draft), **context))


def write(source: Any, path: str | os.PathLike[str], *, lang: Lang = "zh", seed: int = 0) -> None:
    """Write :func:`build`'s page to ``path`` atomically (a failed write leaves the old file).

    Examples
    --------
    >>> import tempfile
    >>> from cadredev.report import write
    >>> write(None, tempfile.mkdtemp() + "/report.html")
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: report.build: expected a Zone ..., got NoneType

    .. versionadded:: 0.2
    """
    from cadredev.io._atomic import write_text  # noqa: PLC0415

    write_text(path, build(source, lang=lang, seed=seed), what="report")
