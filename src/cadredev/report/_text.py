"""The report's own words, in English and Chinese."""

from __future__ import annotations

from typing import Literal

__all__ = ["WORDS", "Lang", "words"]

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
