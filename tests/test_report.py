from __future__ import annotations

import base64
import contextlib
import datetime as dt
import glob
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import matplotlib.image
import numpy as np
import pytest

from cadredev import (
    Exemption,
    InvalidInputError,
    MissingDependencyError,
    _pipeline,
    rollup,
    sample_zone,
    score,
)
from cadredev.cli import main
from cadredev.events import GradeOverride
from cadredev.io import save_json
from cadredev.report import build, write

ROOT = Path(__file__).resolve().parents[1]
ZH_TITLES = ("开发区概况", "网格", "导师帮带", "轮岗计划", "考核评价", "后备干部库")
EN_TITLES = ("Zone summary", "Grids", "Mentoring", "Rotation plans", "Assessment", "Reserve pool")


@pytest.fixture(scope="module")
def demo() -> _pipeline.Demo:
    """The demo's results on the sample zone, computed once for the module."""
    return _pipeline.run_demo(sample_zone(), seed=0)


@pytest.fixture(scope="module")
def page(demo: _pipeline.Demo) -> str:
    return build(demo, lang="zh")


class _Page(HTMLParser):
    """Collects the page's text, headings, images and any script or external reference."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.headings: list[str] = []
        self.images: list[str] = []
        self.external: list[str] = []
        self.scripts = 0
        self._heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag in {"h1", "h2", "h3"}:
            self._heading = True
        if tag == "img":
            self.images.append(values.get("src") or "")
        for key in ("src", "href"):
            value = values.get(key) or ""
            if value and not value.startswith(("#", "data:")):
                self.external.append(value)
        if tag == "link":
            self.external.append(str(values))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"h1", "h2", "h3"}:
            self._heading = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading and data.strip():
            self.headings.append(data.strip())


def _parse(text: str) -> _Page:
    parser = _Page()
    parser.feed(text)
    parser.close()
    return parser


# ------------------------------------------------------------------ the page


def test_the_page_has_every_section_in_chinese(page: str) -> None:
    parsed = _parse(page)
    for title in ZH_TITLES:
        assert title in parsed.headings
    text = "".join(parsed.text)
    assert "网格一" in text
    assert "一票否决" in text
    assert "赵晨嘉（c001）" in text
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in page


def test_the_page_is_self_contained(page: str) -> None:
    parsed = _parse(page)
    assert parsed.scripts == 0
    assert parsed.external == []
    assert not re.search(r"url\((?!data:)", page)
    assert "@import" not in page
    assert len(parsed.images) >= 8
    for src in parsed.images:
        assert src.startswith("data:image/svg+xml;base64,")
        svg = ET.fromstring(base64.b64decode(src.split(",", 1)[1]))  # noqa: S314
        assert svg.tag.endswith("svg")
    # the Chinese font travels with the page, cut down to what it uses
    faces = re.findall(
        r"@font-face\{font-family:'cadredev-cjk';src:url\(data:font/otf;base64,([^)]*)\)", page
    )
    assert len(faces) == 1
    assert len(faces[0]) < 400_000


def test_the_page_in_english(demo: _pipeline.Demo) -> None:
    parsed = _parse(build(demo, lang="en"))
    for title in EN_TITLES:
        assert title in parsed.headings
    text = "".join(parsed.text)
    assert "Grid 1" in text
    assert "excellent" in text


def test_equal_results_give_an_equal_page(demo: _pipeline.Demo, page: str) -> None:
    assert build(demo, lang="zh") == page


def test_names_are_escaped(demo: _pipeline.Demo) -> None:
    odd = attrs.evolve(demo, zone=attrs.evolve(demo.zone, name="<b>东区</b> & co"))
    text = build(odd, lang="en")
    assert "<b>东区</b>" not in text
    assert html.escape("<b>东区</b> & co") in text


def test_the_audit_lists_exemptions(demo: _pipeline.Demo) -> None:
    zone = demo.zone
    assert zone.scheme is not None
    assert zone.records is not None
    exemption = Exemption(
        cadre_id="c001",
        period="2025",
        target="visits",
        reason="抗洪抢险借调",
        approved_by="党工委",
    )
    year = score(
        zone.scheme,
        zone.cadres,
        rollup(zone.records, zone.scheme, to="year"),
        exemptions=[exemption],
    )
    text = "".join(_parse(build(attrs.evolve(demo, year=year), lang="zh")).text)
    assert "抗洪抢险借调" in text
    assert "党工委" in text


def test_the_audit_lists_overrides(demo: _pipeline.Demo) -> None:
    zone = demo.zone
    assert zone.scheme is not None
    assert zone.records is not None
    year = rollup(zone.records, zone.scheme, to="year")
    computed = score(zone.scheme, zone.cadres, year).explain("c049").grade
    raised = GradeOverride(
        at=dt.date(2026, 1, 12),
        recorded_by="组织部",
        cadre_id="c049",
        period="2025",
        from_grade=str(computed),
        to_grade="excellent",
        approved_by="考核委员会",
        reason="年末落地项目补录",
    )
    table = score(zone.scheme, zone.cadres, year, overrides=[raised])
    text = "".join(_parse(build(attrs.evolve(demo, year=table), lang="zh")).text)
    assert "等次校准" in text
    assert "年末落地项目补录" in text
    assert "考核委员会" in text


def test_without_matplotlib_the_page_keeps_its_tables(
    demo: _pipeline.Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cadredev.report._build.can_draw", lambda: False)
    parsed = _parse(build(demo, lang="en"))
    assert parsed.images == []
    assert "pip install 'cadredev[plot]'" in "".join(parsed.text)
    assert "Reserve pool" in parsed.headings


def test_without_jinja2_the_error_says_what_to_install(
    demo: _pipeline.Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "jinja2", None)
    with pytest.raises(MissingDependencyError, match=r"cadredev\[report\]"):
        build(demo)


def test_bad_arguments(demo: _pipeline.Demo) -> None:
    with pytest.raises(InvalidInputError, match="lang must be"):
        build(demo, lang="fr")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="expected a Zone"):
        build(42)


def test_write_replaces_the_file(demo: _pipeline.Demo, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")
    write(demo, target, lang="en")
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_the_templates_are_package_data() -> None:
    from importlib.resources import files  # noqa: PLC0415

    folder = files("cadredev.report") / "templates"
    names = {p.name for p in folder.iterdir()}
    assert {"report.html.j2", "_macros.html.j2", "style.css"} <= names


# ------------------------------------------------------------------ the command line


@pytest.fixture
def quick_demo(demo: _pipeline.Demo, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Let the command line reuse the module's demo; record the zones it was run on."""
    seen: list[Any] = []

    def run(zone: Any, **_: Any) -> _pipeline.Demo:
        seen.append(zone)
        return demo

    monkeypatch.setattr(_pipeline, "run_demo", run)
    return seen


def test_report_command(
    quick_demo: list[Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zone_file = tmp_path / "zone.json"
    save_json(sample_zone(), zone_file)
    out = tmp_path / "page.html"
    assert main(["report", str(zone_file), "--out", str(out), "--lang", "en"]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out}"
    assert quick_demo == [sample_zone()]
    assert "Rotation plans" in _parse(out.read_text(encoding="utf-8")).headings
    assert main(["report", str(zone_file), "--out", str(out), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"report": str(out), "lang": "zh"}


def test_report_command_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.json"
    assert main(["report", str(missing), "--out", str(tmp_path / "r.html")]) == 2
    assert capsys.readouterr().err.startswith("cadredev report: error:")
    with pytest.raises(SystemExit) as stop:
        main(["report", str(missing), "--out", "r.html", "--lang", "fr"])
    assert stop.value.code == 2


def test_demo_out_writes_the_report(quick_demo: list[Any], tmp_path: Path) -> None:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["demo", "--out", str(tmp_path)]) == 0
    assert f"wrote {tmp_path / 'report.html'}" in buffer.getvalue()
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "后备干部库" in _parse(text).headings


# ------------------------------------------------------------------ in a real browser


def _chromium() -> str | None:
    for name in (
        "chromium-headless-shell",
        "chromium",
        "chromium-browser",
        "chrome-headless-shell",
    ):
        found = shutil.which(name)
        if found:
            return found
    for pattern in (
        "/usr/lib/chromium*/chrome-headless-shell",
        "/usr/lib/chromium*/headless_shell",
        "/usr/lib/chromium*/chromium",
    ):
        for found in sorted(glob.glob(pattern)):  # noqa: PTH207
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> str:
    found = _chromium()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no headless Chromium: apt-get install chromium-headless-shell")
        pytest.skip("no headless Chromium installed")
    return found


def _run(browser: str, url: str, *args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  (a browser we found, on a file we wrote)
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
            *args,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )


def _console(stderr: str) -> list[str]:
    """Return the console messages and failed loads the browser logged."""
    return [
        line
        for line in stderr.splitlines()
        if ":CONSOLE" in line or "Failed to load resource" in line or "Uncaught" in line
    ]


def _shoot(
    browser: str, page: Path, shot: Path, *, size: tuple[int, int], profile: Path
) -> list[str]:
    result = _run(
        browser,
        page.as_uri(),
        f"--window-size={size[0]},{size[1]}",
        f"--screenshot={shot}",
        profile=profile,
    )
    assert shot.stat().st_size > 10_000
    return _console(result.stderr)


def _assert_not_blank(shot: Path) -> None:
    pixels = np.asarray(matplotlib.image.imread(shot))[..., :3]
    assert pixels.std() > 0.05
    ink = (pixels.mean(axis=2) < 0.9).mean()
    assert ink > 0.02, f"only {ink:.1%} of the screenshot is not white"


@pytest.mark.browser
def test_the_console_check_sees_errors(browser: str, tmp_path: Path) -> None:
    # the checks below are worth something only if a broken page fails them
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><p>坏</p><script>console.error('boom'); undefined_call();</script>",
        encoding="utf-8",
    )
    messages = _console(_run(browser, bad.as_uri(), "--dump-dom", profile=tmp_path / "p").stderr)
    assert any("boom" in m for m in messages)
    assert any("undefined_call" in m for m in messages)


@pytest.mark.browser
def test_the_report_in_headless_chromium(
    browser: str, page: str, demo: _pipeline.Demo, tmp_path: Path
) -> None:
    shots = ROOT / "docs" / "_build"
    shots.mkdir(parents=True, exist_ok=True)
    target = tmp_path / "report.html"
    target.write_text(page, encoding="utf-8")
    dom = _run(browser, target.as_uri(), "--dump-dom", profile=tmp_path / "p1")
    assert _console(dom.stderr) == []
    parsed = _parse(dom.stdout)
    for title in ZH_TITLES:
        assert title in parsed.headings, f"{title} not in the rendered DOM"
    assert len(parsed.images) >= 8
    for name, width, height in (("report-zh.png", 1280, 3000), ("report-zh-phone.png", 390, 2400)):
        shot = shots / name
        assert _shoot(browser, target, shot, size=(width, height), profile=tmp_path / name) == []
        _assert_not_blank(shot)
    english = tmp_path / "report-en.html"
    english.write_text(build(demo, lang="en"), encoding="utf-8")
    shot = shots / "report-en.png"
    assert _shoot(browser, english, shot, size=(1280, 3000), profile=tmp_path / "p-en") == []
    _assert_not_blank(shot)


# ------------------------------------------------------- no stray English in Chinese


def _with_reasons(demo: _pipeline.Demo) -> _pipeline.Demo:
    """The demo with every kind of reason the page shows: unmatched, unplaced, unused."""
    from cadredev.matching import match  # noqa: PLC0415
    from cadredev.rotation import schedule  # noqa: PLC0415

    zone = demo.zone
    assert zone.scheme is not None
    assert zone.records is not None
    graph = demo.mentor_graph.copy()
    for node, data in graph.nodes(data=True):
        if data.get("bipartite") == 1:
            graph.nodes[node]["capacity"] = 2
    problem = demo.shadowing_problem
    narrow = attrs.evolve(problem, posts=[attrs.evolve(problem.posts[0], capacity=1)])
    exemptions = [
        Exemption(
            cadre_id="c001", period="2025", target="visits", reason="借调", approved_by="党工委"
        ),
        Exemption(
            cadre_id="c002", period="2024", target="visits", reason="借调", approved_by="党工委"
        ),
    ]
    year = score(
        zone.scheme,
        zone.cadres,
        rollup(zone.records, zone.scheme, to="year"),
        exemptions=exemptions,
    )
    return attrs.evolve(
        demo,
        mentor_graph=graph,
        mentoring=match(graph),
        shadowing_problem=narrow,
        shadowing=schedule(narrow, seed=0),
        year=year,
    )


def _english_words(page: str, demo: _pipeline.Demo) -> set[str]:
    """The English words left in a page's body once the data's own names are set aside."""
    body = re.sub(r"<(style|title)>.*?</\1>", " ", page, flags=re.DOTALL)
    text = "\n".join(_parse(body).text)
    zone = demo.zone
    data = [zone.name, zone.scheme.name if zone.scheme else "", "cadredev", "pip install"]
    data += [p.id for p in (*demo.shadowing_problem.posts, *demo.frontline_problem.posts)]
    for value in data:
        text = text.replace(value, " ")
    text = re.sub(r"'cadredev\[\w+\]'|\bc\d{3}\b|\d+\.\d+\.\d+\S*", " ", text)
    return set(re.findall(r"[A-Za-z][A-Za-z_-]{2,}", text))


def test_the_chinese_page_says_the_reasons_in_chinese(demo: _pipeline.Demo) -> None:
    odd = _with_reasons(demo)
    assert odd.mentoring.unmatched
    assert odd.shadowing.unplaced
    assert odd.year.exemptions_unused
    assert odd.pool.excluded
    page = build(odd, lang="zh")
    assert _english_words(page, odd) == set()
    text = "".join(_parse(page).text)
    assert "可匹配的导师均已满额" in text  # all compatible mentors full
    assert "跨部门跟岗" in text  # the programme by its Chinese name
    assert "任职 2 年，不足 3 年" in text  # tenure 2 < 3 years
    assert "2024 期未计分" in text  # period 2024 not scored
    assert "走访企业" in text  # the exempted indicator by its label
    # the English page keeps the library's words
    english = "".join(_parse(build(odd, lang="en")).text)
    assert "all compatible mentors full" in english
    assert "tenure 2 < 3 years" in english


@pytest.mark.parametrize(
    ("text", "chinese"),
    [
        ("no compatible mentor", "没有可匹配的导师"),
        ("not matched by the greedy method", "贪心算法未匹配"),
        (
            "forbidden: every candidate mentor is kept out (excluded (回避); previous mentor)",
            "所有候选导师均被排除（回避；曾任导师）",
        ),
        ("grade basic not admitted", "等次基本称职不能入库"),
        ("joined 2026-01-01, after 2025-12-31", "2026-01-01 入区，晚于 2025-12-31"),
        ("scheme 'x' has no indicator for line none", "考核方案x没有无条线的指标"),
        (
            (
                "all 4 eligible post-start options are taken or blocked: post capacity (3), "
                "home-unit staffing (1); posting history: held before, so not again: h1, h2"
            ),
            (
                "全部 4 个可选岗位和开始时间均被占用或受限："
                "岗位容量已满（3），原单位在岗人数不足（1）；"
                "任职经历：曾任岗位不再安排：h1，h2"
            ),
        ),
        (
            (
                "no eligible post in categories ['host'] (e.g. h1: post is in the cadre's own unit "
                "招商一局; cohort old not admitted; rank section below division)"
            ),
            (
                "没有符合条件的岗位（类别 跟岗；例如 h1：岗位在本人单位（招商一局）；"
                "老年干部不在范围；职级科级及以下低于处级）"
            ),
        ),
        (
            (
                "no 3-period window left in the horizon; posting history: cooldown: no 'stationed' "
                "start before period 9 (last one ended in period 4, 4 idle period(s) needed)"
            ),
            (
                "计划期内已没有连续 3 期的空档；任职经历：冷却期：第 9 期前不得开始驻外招商类岗位"
                "（上次于第 4 期结束，需间隔 4 期）"
            ),
        ),
    ],
)
def test_reasons_in_chinese(text: str, chinese: str) -> None:
    from cadredev.model import Cohort, Rank  # noqa: PLC0415
    from cadredev.report._text import reason  # noqa: PLC0415

    terms = {m.value: m.label for e in (Cohort, Rank) for m in e} | {"basic": "基本称职"}
    assert reason(text, "zh", terms) == chinese
    assert reason(text, "en", terms) == text
