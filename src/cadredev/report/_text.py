"""The report's own words, in English and Chinese."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Literal

__all__ = [
    "CATEGORIES",
    "METHODS",
    "POLICIES",
    "PROGRAMMES",
    "WORDS",
    "Lang",
    "reason",
    "term",
    "words",
]

Lang = Literal["zh", "en"]

WORDS: dict[str, tuple[str, str]] = {
    "title": ("Zone report", "开发区干部工作报告"),
    "contents": ("Contents", "目录"),
    "summary": ("Zone summary", "开发区概况"),
    "grids": ("Grids", "网格"),
    "mentoring": ("Mentoring", "导师帮带"),
    "rotation": ("Rotation plans", "轮岗计划"),
    "assessment": ("Assessment", "考核评价"),
    "reserve": ("Reserve pool", "后备干部库"),
    "as_of": ("as of", "截至"),
    "cadres": ("cadres", "干部"),
    "units": ("units", "单位"),
    "mentors": ("mentors", "导师"),
    "posts": ("posts", "岗位"),
    "enterprises": ("enterprises", "企业"),
    "unit": ("unit", "单位"),
    "cohort_old": ("old", "老"),
    "cohort_middle": ("middle", "中"),
    "cohort_young": ("young", "青"),
    "grid": ("grid", "网格"),
    "size": ("cadres", "人数"),
    "leader": ("leader", "网格长"),
    "name": ("name", "姓名"),
    "mentor": ("mentor", "导师"),
    "load": ("mentees / capacity", "带徒数 / 上限"),
    "post": ("post", "岗位"),
    "program": ("program", "项目"),
    "from": ("from", "开始"),
    "to": ("to", "结束"),
    "reason": ("reason", "原因"),
    "grade": ("grade", "等次"),
    "count": ("cadres", "人数"),
    "share": ("share", "占比"),
    "pay": ("pay", "绩效奖金"),
    "mean_pay": ("mean pay", "人均"),
    "line": ("line", "条线"),
    "total": ("score", "总分"),
    "tenure": ("years in service", "任职年限"),
    "cadre": ("cadre", "干部"),
    "veto": ("veto", "否决事项"),
    "target": ("target", "豁免对象"),
    "policy": ("policy", "方式"),
    "approved_by": ("approved by", "批准"),
    "gain": ("points restored", "恢复分值"),
    "audit": (
        "Audit: vetoes, exemptions, overrides and exclusions",
        "审计：否决、豁免、等次校准与排除",
    ),
    "overrides": ("Grades calibrated", "等次校准"),
    "from_grade": ("computed grade", "原等次"),
    "to_grade": ("calibrated grade", "校准后等次"),
    "over_quota": ("over quota", "超出比例"),
    "vetoed": ("Vetoed", "一票否决"),
    "exemptions": ("Exemptions applied", "已适用的豁免"),
    "exemptions_unused": ("Exemptions not applied", "未适用的豁免"),
    "excluded": ("Records left out", "未计分记录"),
    "none": ("None.", "无。"),
    "pool_excluded": ("Top scorers kept out of the pool", "未入库的高分干部"),
    "leaderboard": ("Leaderboard", "排行榜"),
    "explanation": ("How the top score is made", "最高分的构成"),
    "unplaced": ("Unmet minimums", "未满足的最低安排"),
    "no_figures": (
        "Figures need matplotlib: pip install 'cadredev[plot]'.",
        "图表需要 matplotlib：pip install 'cadredev[plot]'。",
    ),
    "made_by": ("Made by cadredev", "由 cadredev 生成"),
    "seed": ("seed", "随机种子"),
    "more_rows": ("more rows", "行未列出"),
}


def words(lang: Lang) -> dict[str, str]:
    """Return every word of the report in ``lang``."""
    index = 1 if lang == "zh" else 0
    return {key: pair[index] for key, pair in WORDS.items()}


PROGRAMMES: dict[str, str] = {
    "cross-shadowing": "跨部门跟岗",
    "frontline-young": "青年干部一线锻炼",
    "frontline": "一线锻炼",
    "stationed-rotation": "驻外招商轮岗",
    "home-rotation": "招商轮岗",
}
"""Chinese names of the sample programmes (names the report does not know are kept)."""

METHODS: dict[str, str] = {
    "optimal": "最优",
    "stable": "稳定",
    "greedy": "贪心",
    "exact": "精确求解",
    "heuristic": "启发式",
    "replan": "调整重排",
    "lp": "线性松弛",
    "counting": "计数上界",
    "lagrangian": "拉格朗日上界",
}
"""Chinese names of the matching and planning methods."""

POLICIES: dict[str, str] = {"waive": "免除", "mitigate": "减轻"}
"""Chinese names of the exemption policies."""

CATEGORIES: dict[str, str] = {
    "host": "跟岗",
    "frontline": "一线",
    "stationed": "驻外招商",
    "rotation": "轮岗",
    "secondment": "借调",
    "none": "无",
}
"""Chinese names of the sample post categories."""

_BLOCKERS: dict[str, str] = {
    "own schedule": "本人时间冲突",
    "post capacity": "岗位容量已满",
    "home-unit staffing": "原单位在岗人数不足",
    "maximum placements": "已达最多安排次数",
    "no repeated post": "不得重复任同一岗位",
    "one per category": "每类岗位限一次",
    "gap between placements": "两次安排间隔不足",
    "career limit": "已达任职经历上限",
    "cooldown": "冷却期未满",
}

_FIXED: dict[str, str] = {
    # matching
    "no compatible mentor": "没有可匹配的导师",
    "all compatible mentors full": "可匹配的导师均已满额",
    "forbidden: every candidate mentor is excluded (回避)": "所有候选导师均须回避",
    "not matched: every remaining pair has negative weight": "剩余结对的匹配度均为负，未匹配",
    "mentee capacity is 0": "该干部不需结对",
    "excluded (回避)": "回避",
    "previous mentor": "曾任导师",
    # scoring
    "cadre not scored": "该干部未计分",
    "vetoed": "一票否决",
    "start in the zone unknown (no joined_year, no dated posting)": (
        "入区时间不详（无入区年份，也无有日期的任职记录）"
    ),
}


def term(value: str, terms: Mapping[str, str]) -> str:
    """Return the Chinese label of an id (a grade, a line, a programme), or the id."""
    key = value.strip("'\"")
    return terms.get(key) or PROGRAMMES.get(key) or METHODS.get(key) or CATEGORIES.get(key) or key


def _rules(terms: Mapping[str, str]) -> list[tuple[str, Callable[[re.Match[str]], str]]]:
    """Return the patterns of the library's reasons, outermost last, with their Chinese forms."""

    def t(m: re.Match[str], key: str) -> str:
        return term(m.group(key), terms)

    return [
        (
            r"held before, so not again: (?P<p>.+?)(?=; |\)|$)",
            lambda m: f"曾任岗位不再安排：{m['p']}",
        ),
        (
            r"career limit of (?P<n>\d+) (?P<c>'[^']*') posting\(s\) reached \((?P<k>\d+) past\)",
            lambda m: f"{t(m, 'c')}类岗位已达上限 {m['n']} 次（已任 {m['k']} 次）",
        ),
        (
            r"a (?P<c>'[^']*') posting is still ongoing \(cooldown (?P<k>\d+)\)",
            lambda m: f"{t(m, 'c')}类岗位仍在任（冷却期 {m['k']}）",
        ),
        (
            (
                r"cooldown: no (?P<c>'[^']*') start before period (?P<p>\d+) \(last one ended in "
                r"period (?P<e>\d+), (?P<k>\d+) idle period\(s\) needed\)"
            ),
            lambda m: (
                f"冷却期：第 {m['p']} 期前不得开始{t(m, 'c')}类岗位"
                f"（上次于第 {m['e']} 期结束，需间隔 {m['k']} 期）"
            ),
        ),
        (r"category (?P<c>'[^']*') not in the program", lambda m: f"{t(m, 'c')}类岗位不在本项目"),
        (r"post is in the cadre's own unit (?P<u>[^;)]+)", lambda m: f"岗位在本人单位（{m['u']}）"),
        (r"cohort (?P<c>\w+) not admitted", lambda m: f"{t(m, 'c')}年干部不在范围"),
        (r"born (?P<b>\d+), before (?P<a>\d+)", lambda m: f"{m['b']} 年出生，早于 {m['a']} 年"),
        (r"rank (?P<r>\w+) below (?P<m>\w+)", lambda m: f"职级{t(m, 'r')}低于{t(m, 'm')}"),
        (r"rank (?P<r>\w+) not admitted", lambda m: f"职级{t(m, 'r')}不在范围"),
        (r"line (?P<l>\w+) not admitted", lambda m: f"{t(m, 'l')}条线不在范围"),
        (r"unit (?P<u>[^;)]+?) not admitted", lambda m: f"{m['u']}不在范围"),
        (r"grade (?P<g>\w+) not admitted", lambda m: f"等次{t(m, 'g')}不能入库"),
        (r"tenure (?P<n>\d+) < (?P<m>\d+) years", lambda m: f"任职 {m['n']} 年，不足 {m['m']} 年"),
        (r"joined (?P<j>[\d-]+), after (?P<e>[\d-]+)", lambda m: f"{m['j']} 入区，晚于 {m['e']}"),
        (r"period (?P<p>\S+) not scored", lambda m: f"{m['p']} 期未计分"),
        (
            r"scheme (?P<s>'[^']*'|\"[^\"]*\") has no indicator for line (?P<l>\w+)",
            lambda m: f"考核方案{m['s'][1:-1]}没有{t(m, 'l')}条线的指标",
        ),
        (r"not matched by the (?P<m>\w+) method", lambda m: f"{t(m, 'm')}算法未匹配"),
        (
            r"forbidden: every candidate mentor is kept out \((?P<w>.*)\)$",
            lambda m: f"所有候选导师均被排除（{m['w']}）",
        ),
        (r"; posting history: (?P<n>.*)$", lambda m: f"；任职经历：{m['n']}"),
        (
            r"all (?P<n>\d+) eligible post-start options are taken or blocked: ",
            lambda m: f"全部 {m['n']} 个可选岗位和开始时间均被占用或受限：",
        ),
        (
            r"no eligible post in categories \[(?P<c>[^\]]*)\] \(e\.g\. (?P<p>[^:]+): ",
            lambda m: (
                "没有符合条件的岗位（类别 "
                + "、".join(term(c.strip(), terms) for c in m["c"].split(","))
                + f"；例如 {m['p']}："
            ),
        ),
        (r"the posting history leaves no post: ", lambda _m: "任职经历排除了全部岗位："),
        (
            r"unavailable in every (?P<k>\d+)-period window of the horizon",
            lambda m: f"在计划期内每个连续 {m['k']} 期的时段都不可安排",
        ),
        (
            r"no (?P<k>\d+)-period window left in the horizon",
            lambda m: f"计划期内已没有连续 {m['k']} 期的空档",
        ),
    ]


def reason(text: str, lang: Lang, terms: Mapping[str, str] | None = None) -> str:
    """Return one of the library's reasons in ``lang``.

    The library states its reasons in English; the Chinese page shows them in
    Chinese, phrase by phrase, with ids (grades, lines, programmes) by their
    Chinese labels from ``terms``. Words the report does not know are kept.

    Examples
    --------
    >>> reason("tenure 2 < 3 years", "zh")
    '任职 2 年，不足 3 年'
    >>> reason("grade basic not admitted", "zh", {"basic": "基本称职"})
    '等次基本称职不能入库'
    >>> reason("tenure 2 < 3 years", "en")
    'tenure 2 < 3 years'
    """
    if lang != "zh" or not text:
        return text
    known = dict(terms or {})
    if text in _FIXED:
        return _FIXED[text]
    out = text
    for phrase, chinese in sorted(_BLOCKERS.items(), key=lambda kv: -len(kv[0])):
        out = re.sub(rf"(?<![\w-]){re.escape(phrase)}(?= \(\d+\))", chinese, out)
    for pattern, render in _rules(known):
        out = re.sub(pattern, render, out)
    for phrase, chinese in _FIXED.items():
        out = out.replace(phrase, chinese)
    return out.replace("; ", "；").replace(", ", "，").replace(" (", "（").replace(")", "）")
