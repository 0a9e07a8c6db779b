"""The columns of every table kind: English names, Chinese headers, aliases, and records.

A *spec* lists a kind's columns in the order they are written. Each column
has an English name (usually the record's field), a Chinese header written by
``labels="zh"``, aliases accepted on reading, a cell type and a default for an
empty optional cell. Headers match after removing spaces, ``_`` and ``-`` and
ignoring case, so ``Birth Year``, ``birth-year`` and ``姓 名`` are recognised.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from cadredev.errors import InvalidInputError
from cadredev.model import Cadre, Eligibility, Line, Mentor, MentorRole, Post, Rank

from ._cells import (
    ANY_TEXT,
    BOOLEAN,
    INTEGER,
    LEVELS,
    NUMBER,
    OPTIONAL_STRINGS,
    PERIOD,
    POLICY,
    STRINGS,
    TEXT,
    YEAR,
    BadCell,
    Cell,
    Labels,
    enum_cell,
)

__all__ = ["TABLE_KINDS", "Column", "Spec", "map_header", "normalise", "spec"]

TABLE_KINDS = ("Cadre", "Mentor", "Post", "Program", "Records", "Exemption")
"""The record kinds that tables hold."""


@attrs.frozen
class Column:
    """One column of a table kind."""

    key: str
    cell: Cell
    zh: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    default: Any = None


@attrs.frozen
class Spec:
    """The columns of one kind and how rows become records and back."""

    kind: str
    title_zh: str
    columns: tuple[Column, ...]
    unique: str | None
    make: Callable[..., Any]
    """Column name -> value, as keyword arguments, to a record."""
    cells: Callable[[Any], dict[str, Any]]
    label: Callable[[Any], str]

    @functools.cached_property
    def by_key(self) -> dict[str, Column]:
        """Return the columns by English name."""
        return {c.key: c for c in self.columns}

    @functools.cached_property
    def lookup(self) -> dict[str, str]:
        """Return normalised header -> column name, for every name, Chinese header and alias."""
        out: dict[str, str] = {}
        for c in self.columns:
            for name in (c.key, c.zh, *c.aliases):
                out[normalise(name)] = c.key
        return out

    def headers(self, labels: Labels) -> list[str]:
        """Return the header row a writer writes."""
        return [c.zh if labels == "zh" else c.key for c in self.columns]


_NOISE = re.compile(r"[\s_\-]+")


def normalise(header: str) -> str:
    """Return the form headers are matched in: no spaces, ``_`` or ``-``; case folded."""
    return _NOISE.sub("", header).casefold()


# --------------------------------------------------------------------------
# the shared column groups

_ID = ("编号", "人员编号", "干部编号", "职工编号", "员工编号", "人员代码")
_UNIT = ("部门", "所在单位", "工作单位", "所在部门", "单位名称")
_BIRTH = ("出生年月", "出生日期", "出生年", "出生时间")
_INDUSTRIES = ("专业方向", "产业方向", "熟悉产业", "行业")
_COMPETENCIES = ("能力水平", "能力素质", "能力评价")
_GRID = ("所属网格", "网格名称")

_ELIGIBILITY = (
    Column("cohorts", OPTIONAL_STRINGS, "年龄段", ("老中青", "梯队")),
    Column("born_after", YEAR, "出生不早于", ("出生年份不早于", "最早出生年份")),
    Column("min_rank", enum_cell(Rank), "最低职级", ("职级下限",)),
    Column("ranks", OPTIONAL_STRINGS, "限定职级", ("职级范围", "适用职级")),
    Column("lines", OPTIONAL_STRINGS, "限定条线", ("条线范围", "适用条线")),
    Column("units", OPTIONAL_STRINGS, "限定单位", ("单位范围", "适用单位")),
)
_ELIGIBILITY_KEYS = tuple(c.key for c in _ELIGIBILITY)


def _default(cls: type[Any], name: str) -> Any:
    """Return an attrs field's default (a factory is called once: defaults are immutable)."""
    default: Any = attrs.fields_dict(cls)[name].default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return default.factory()
    return default


def _opt(cls: type[Any], key: str, cell: Cell, zh: str, aliases: tuple[str, ...] = ()) -> Column:
    return Column(key, cell, zh, aliases, default=_default(cls, key))


def _req(key: str, cell: Cell, zh: str, aliases: tuple[str, ...] = ()) -> Column:
    return Column(key, cell, zh, aliases, required=True)


@functools.lru_cache(maxsize=1024)
def _eligibility(values: tuple[Any, ...]) -> Eligibility:
    return Eligibility(**dict(zip(_ELIGIBILITY_KEYS, values, strict=True)))


def _make_eligibility(row: dict[str, Any]) -> Eligibility:
    values = tuple(row.pop(k) for k in _ELIGIBILITY_KEYS)
    try:
        return _eligibility(values)
    except TypeError:  # an unhashable cell from a DataFrame
        return Eligibility(**dict(zip(_ELIGIBILITY_KEYS, values, strict=True)))


def _eligibility_cells(e: Eligibility) -> dict[str, Any]:
    return {k: getattr(e, k) for k in _ELIGIBILITY_KEYS}


def _fields(obj: Any, keys: Sequence[str]) -> dict[str, Any]:
    return {k: getattr(obj, k) for k in keys}


# --------------------------------------------------------------------------
# the kinds


def _cadre() -> Spec:
    columns = (
        _req("id", TEXT, "工号", (*_ID, "cadre_id")),
        _req("name", ANY_TEXT, "姓名", ("名字", "干部姓名")),
        _req("birth_year", YEAR, "出生年份", _BIRTH),
        _req("rank", enum_cell(Rank), "职级", ("级别", "职务层次", "职级层次")),
        _req("unit", TEXT, "单位", _UNIT),
        _opt(Cadre, "line", enum_cell(Line), "条线", ("工作条线", "所属条线")),
        _opt(Cadre, "industries", STRINGS, "产业", _INDUSTRIES),
        _opt(Cadre, "competencies", LEVELS, "能力", _COMPETENCIES),
        _opt(Cadre, "grid", TEXT, "网格", _GRID),
        _opt(Cadre, "gender", TEXT, "性别", ("sex",)),
        _opt(
            Cadre,
            "joined_year",
            YEAR,
            "参加工作年份",
            ("入职年份", "参加工作时间", "参加工作年月", "入职时间", "入职日期"),
        ),
    )
    keys = tuple(c.key for c in columns)
    return Spec(
        "Cadre",
        "干部花名册",
        columns,
        "id",
        Cadre,
        lambda c: _fields(c, keys),
        lambda c: f"Cadre {c.id!r}",
    )


def _mentor() -> Spec:
    columns = (
        _req("id", TEXT, "工号", (*_ID, "导师编号")),
        _req("unit", TEXT, "单位", _UNIT),
        _opt(Mentor, "capacity", INTEGER, "带教人数", ("名额", "容量", "带教名额", "最多带教人数")),
        _opt(Mentor, "role", enum_cell(MentorRole), "导师类型", ("类型", "角色", "导师角色")),
        _opt(Mentor, "name", ANY_TEXT, "姓名", ("名字", "导师姓名")),
        _opt(Mentor, "industries", STRINGS, "产业", _INDUSTRIES),
        _opt(Mentor, "competencies", LEVELS, "能力", _COMPETENCIES),
        _opt(Mentor, "birth_year", YEAR, "出生年份", _BIRTH),
        _opt(Mentor, "grid", TEXT, "网格", _GRID),
    )
    keys = tuple(c.key for c in columns)
    return Spec(
        "Mentor",
        "导师",
        columns,
        "id",
        Mentor,
        lambda m: _fields(m, keys),
        lambda m: f"Mentor {m.id!r}",
    )


def _post() -> Spec:
    columns = (
        _req("id", TEXT, "岗位编号", ("编号", "岗位代码", "岗位号")),
        _req("unit", TEXT, "单位", ("所属单位", "部门", "岗位单位")),
        _req("category", TEXT, "岗位类别", ("类别", "岗位类型")),
        _opt(Post, "capacity", INTEGER, "岗位数", ("名额", "容量", "每期人数", "人数")),
        _opt(Post, "requirements", LEVELS, "能力要求", ("任职要求", "岗位要求")),
        _opt(Post, "name", ANY_TEXT, "岗位名称", ("名称", "岗位")),
        _opt(Post, "location", ANY_TEXT, "地点", ("工作地点", "所在地", "城市")),
        *_ELIGIBILITY,
    )
    keys = tuple(c.key for c in columns if c.key not in _ELIGIBILITY_KEYS)

    def make(**row: Any) -> Post:
        return Post(eligibility=_make_eligibility(row), **row)

    return Spec(
        "Post",
        "岗位",
        columns,
        "id",
        make,
        lambda p: _fields(p, keys) | _eligibility_cells(p.eligibility),
        lambda p: f"Post {p.id!r}",
    )


def _program() -> Spec:
    from cadredev.rotation import Program  # noqa: PLC0415

    columns = (
        _req("name", TEXT, "项目名称", ("名称", "项目", "培养项目")),
        _req("length", INTEGER, "每次期数", ("期数", "时长", "周期")),
        Column("min_placements", INTEGER, "最少次数", ("最少安排次数",), default=0),
        Column("max_placements", INTEGER, "最多次数", ("最多安排次数",), default=1),
        _req("categories", STRINGS, "岗位类别", ("类别",)),
        *_ELIGIBILITY,
        _opt(Program, "cadres", OPTIONAL_STRINGS, "指定人员", ("人员名单", "名单")),
        _opt(Program, "other_unit", BOOLEAN, "跨单位", ("须跨单位",)),
        _opt(Program, "no_repeat", BOOLEAN, "不重复岗位", ("岗位不重复",)),
        _opt(Program, "one_per_category", BOOLEAN, "每类一次", ("每类限一次",)),
        _opt(Program, "gap", INTEGER, "间隔期数", ("间隔",)),
    )
    plain: tuple[str, ...] = ("name", "length", "categories", "cadres", "other_unit")
    plain += ("no_repeat", "one_per_category", "gap")

    def make(**row: Any) -> Any:
        placements = (row.pop("min_placements"), row.pop("max_placements"))
        return Program(placements=placements, eligibility=_make_eligibility(row), **row)

    def cells(p: Any) -> dict[str, Any]:
        lo, hi = p.placements
        out = _fields(p, plain) | _eligibility_cells(p.eligibility)
        return out | {"min_placements": lo, "max_placements": hi}

    return Spec(
        "Program", "培养项目", columns, "name", make, cells, lambda p: f"Program {p.name!r}"
    )


def _records() -> Spec:
    columns = (
        _req("cadre_id", TEXT, "工号", (*_ID, "cadre")),
        _req("period", PERIOD, "期间", ("月份", "时期", "考核期间", "考核期", "年月")),
        _req("indicator", TEXT, "指标", ("指标编号", "考核指标", "指标代码")),
        _req("value", NUMBER, "数值", ("值", "完成值", "实际值", "指标值")),
    )

    def unavailable(_: Any) -> Any:  # pragma: no cover - records are built column-wise
        raise NotImplementedError

    return Spec(
        "Records",
        "考核记录",
        columns,
        None,
        unavailable,
        unavailable,
        lambda r: f"Records row {tuple(r)!r}",
    )


def _exemption() -> Spec:
    from cadredev.scoring import Exemption  # noqa: PLC0415

    columns = (
        _req("cadre_id", TEXT, "工号", _ID),
        _req("period", PERIOD, "期间", ("月份", "时期", "考核期间")),
        _req("target", TEXT, "免责对象", ("对象", "指标", "事项", "扣分项")),
        _opt(Exemption, "policy", POLICY, "处理方式", ("方式", "免责方式")),
        _opt(Exemption, "factor", NUMBER, "减责系数", ("系数",)),
        _opt(Exemption, "reason", ANY_TEXT, "事由", ("原因", "理由", "情形")),
        _opt(Exemption, "approved_by", ANY_TEXT, "批准人", ("审批人", "批准单位", "审批单位")),
    )
    keys = tuple(c.key for c in columns)
    return Spec(
        "Exemption",
        "容错免责",
        columns,
        None,
        Exemption,
        lambda e: _fields(e, keys),
        lambda e: f"Exemption for {e.cadre_id!r} ({e.period}, {e.target})",
    )


_BUILDERS: dict[str, Callable[[], Spec]] = {
    "Cadre": _cadre,
    "Mentor": _mentor,
    "Post": _post,
    "Program": _program,
    "Records": _records,
    "Exemption": _exemption,
}


@functools.cache
def spec(kind: str) -> Spec:
    """Return the spec of a table kind (built on first use)."""
    return _BUILDERS[kind]()


# --------------------------------------------------------------------------
# headers -> columns


def _known(s: Spec) -> str:
    return ", ".join(f"{c.key} ({c.zh})" for c in s.columns)


def map_header(
    s: Spec,
    header: Sequence[str],
    refs: Sequence[str],
    *,
    where: str,
    columns: Mapping[str, str | None] | None,
    extra: str,
) -> list[str | None]:
    """Return the column name each header cell stands for (None: ignored).

    Raises
    ------
    InvalidInputError
        For a duplicate header, two headers naming one column, an unknown
        header (unless ``extra="ignore"``) or a missing required column.
    """
    user: dict[str, str | None] = {}
    for theirs, ours in (columns or {}).items():
        if not isinstance(theirs, str) or (ours is not None and ours not in s.by_key):
            raise InvalidInputError(
                f"columns: {theirs!r} -> {ours!r}: expected a header mapped to one of "
                f"{[c.key for c in s.columns]} or None (ignore the column)"
            )
        user[normalise(theirs)] = ours
    first: dict[str, int] = {}
    for i, h in enumerate(header):
        if not h:
            continue
        if h in first:
            j = first[h]
            raise InvalidInputError(
                f"{where}: duplicate column(s) [{h!r}] ({refs[j]} and {refs[i]}); "
                "every column needs its own header"
            )
        first[h] = i
    out: list[str | None] = []
    unknown: list[str] = []
    owner: dict[str, int] = {}
    for i, h in enumerate(header):
        norm = normalise(h)
        key = user[norm] if norm in user else s.lookup.get(norm)
        if not h or key is None:
            if h and norm not in user:
                unknown.append(h)
            out.append(None)
            continue
        if key in owner:
            j = owner[key]
            raise InvalidInputError(
                f"{where}: columns {header[j]!r} ({refs[j]}) and {h!r} ({refs[i]}) both "
                f"mean {key!r}; keep one, or ignore one with columns={{{h!r}: None}}"
            )
        owner[key] = i
        out.append(key)
    title = (
        "; is the first row a title above the header? delete it"
        if sum(1 for h in header if h) == 1
        else ""
    )
    if unknown and extra != "ignore":
        raise InvalidInputError(
            f"{where}: unknown column(s) {unknown}; known columns for {s.kind}: {_known(s)} "
            "(Chinese headers and common aliases are accepted too). Name a column with "
            f"columns={{'header': 'field'}} or skip unknown ones with extra='ignore'{title}"
        )
    missing = [c for c in s.columns if c.required and c.key not in owner]
    if missing:
        raise InvalidInputError(
            f"{where}: missing required column(s) {[c.key for c in missing]} "
            f"(in Chinese: {[c.zh for c in missing]}){title}"
        )
    return out


def write_cells(s: Spec, obj: Any, labels: Labels) -> list[Any]:
    """Return the cells of one record in column order; BadCell names the column."""
    values = s.cells(obj)
    row = []
    for c in s.columns:
        try:
            row.append(c.cell.write(values[c.key], labels))
        except BadCell as exc:
            raise BadCell(f"{c.key} {exc.expected}") from None
    return row
