from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadredev import Cadre, Eligibility, Enterprise, InvalidInputError, Mentor, Post, Posting, io
from cadredev.io import (
    SCHEMA_VERSION,
    dump,
    load,
    load_json,
    load_many,
    read_roster_csv,
    save_json,
    write_roster_csv,
)
from cadredev.testing import (
    cadres,
    eligibilities,
    enterprises,
    mentors,
    postings,
    posts,
    rosters,
)

RECORD_STRATEGIES = [
    (Cadre, cadres()),
    (Mentor, mentors()),
    (Post, posts()),
    (Posting, postings()),
    (Eligibility, eligibilities()),
    (Enterprise, enterprises()),
]


@pytest.mark.parametrize(
    ("cls", "strategy"), RECORD_STRATEGIES, ids=lambda x: getattr(x, "__name__", "")
)
def test_dump_load_round_trip(cls: type, strategy: st.SearchStrategy[object]) -> None:
    @given(strategy)
    def check(record: object) -> None:
        doc = dump(record)
        assert doc["schema_version"] == SCHEMA_VERSION
        assert doc["kind"] == cls.__name__
        # the document survives real JSON text
        assert load(cls, json.loads(json.dumps(doc, ensure_ascii=False))) == record

    check()


@given(rosters(max_size=8))
def test_load_many_round_trip(roster: tuple[Cadre, ...]) -> None:
    if not roster:
        return
    assert load_many(Cadre, json.loads(json.dumps(dump(roster)))) == roster


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rosters(max_size=8))
def test_roster_csv_round_trip(tmp_path: Path, roster: tuple[Cadre, ...]) -> None:
    path = tmp_path / "roster.csv"
    write_roster_csv(roster, path)
    expected = tuple(
        Cadre(
            **{
                **{f: getattr(c, f) for f in ("id", "name", "birth_year", "rank", "unit", "line")},
                "industries": c.industries,
                "competencies": c.competencies,
                "grid": c.grid,
                "gender": c.gender,
                "joined_year": c.joined_year,
            }
        )
        for c in roster
    )
    if roster:
        assert read_roster_csv(path) == expected
    else:
        assert read_roster_csv(path) == ()


def test_save_and_load_json_keep_chinese(tmp_path: Path) -> None:
    c = Cadre(id="c1", name="李娜", birth_year=1994, rank="section", unit="招商局")
    path = tmp_path / "c.json"
    save_json(c, path)
    assert "李娜" in path.read_text(encoding="utf-8")
    assert load_json(Cadre, path) == c
    save_json([c], path)
    assert load_json(Cadre, path) == (c,)


# ---------------------------------------------------------------- bad JSON

GOOD = {"id": "m1", "unit": "u", "capacity": 2}


def doc(data: object, **header: object) -> dict[str, object]:
    return {"schema_version": SCHEMA_VERSION, "kind": "Mentor", "data": data, **header}


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ([1, 2], "expected a JSON object"),
        ({"kind": "Mentor", "data": GOOD}, "$.schema_version: missing"),
        (doc(GOOD, schema_version=SCHEMA_VERSION + 1), "newer than this cadredev reads"),
        (doc(GOOD, schema_version="1"), "expected a positive integer"),
        (doc(GOOD, kind="Cadre"), "$.kind: expected 'Mentor'"),
        ({"schema_version": 1, "kind": "Mentor"}, "$.data: missing"),
        (doc({"unit": "u"}), "$.data.id: required field missing"),
        (doc({**GOOD, "colour": "red"}), "extra fields found (colour)"),
        (doc({**GOOD, "capacity": "2"}), "capacity must be an integer >= 0, got '2'"),
        (doc({**GOOD, "role": "boss"}), "role must be one of"),
        (doc({**GOOD, "competencies": {"ai": 7}}), "must be in [0, 1]"),
        (doc("m1"), "$.data"),
    ],
)
def test_bad_json_documents(document: object, fragment: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        load(Mentor, document)
    assert fragment in str(info.value)


def test_nested_errors_name_the_record() -> None:
    data = {
        "id": "c1",
        "name": "x",
        "birth_year": 1990,
        "rank": "section",
        "unit": "u",
        "history": [{"post_id": "p9", "start": 4, "end": 2}],
    }
    with pytest.raises(InvalidInputError, match=r"Posting 'p9': end must not be before start"):
        load(Cadre, {"schema_version": 1, "kind": "Cadre", "data": data})


def test_duplicate_ids_in_json() -> None:
    items = [GOOD, GOOD]
    with pytest.raises(InvalidInputError, match=r"\$.items\[1\].id: duplicate id 'm1'"):
        load_many(Mentor, {"schema_version": 1, "kind": "Mentor", "items": items})


def test_malformed_json_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"schema_version": 1,', encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"bad.json: malformed JSON at line 1"):
        load_json(Mentor, path)
    path.write_text('{"schema_version": NaN}', encoding="utf-8")
    with pytest.raises(InvalidInputError, match="malformed JSON"):
        load_json(Mentor, path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="cannot read file"):
        load_json(Mentor, tmp_path / "nope.json")


def test_dump_rejects_mixed_and_non_records() -> None:
    with pytest.raises(InvalidInputError, match="one type"):
        dump([Mentor(id="a", unit="u"), Enterprise(id="e")])
    with pytest.raises(InvalidInputError, match="expected an attrs record"):
        dump(42)


# ---------------------------------------------------------------- bad CSV

HEADER = "id,name,birth_year,rank,unit,line\n"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "empty file"),
        (b"   \n", "empty file"),
        (
            b"id,name,birth_year,rank\nc1,a,1990,section\n",
            "missing required column(s) ['unit']",
        ),
        (
            (HEADER.strip() + ",salary\nc1,a,1990,section,u,,9\n").encode(),
            "unknown column(s) ['salary']",
        ),
        (
            (HEADER + "c1,a,1990,section,u,investment\nc1,b,1991,section,u,\n").encode(),
            "duplicate id 'c1' (first on row 2)",
        ),
        (
            (HEADER + "c1,a,nineteen,section,u,\n").encode(),
            "row 2, column 'birth_year': expected an integer",
        ),
        ((HEADER + "c1,a,1990,general,u,\n").encode(), "row 2: Cadre 'c1': rank must be one of"),
        ((HEADER + "c1,a,1990,section,u\n").encode(), "row 2: expected 6 cells, got 5"),
        ((HEADER + ",a,1990,section,u,\n").encode(), "id must be a non-empty string"),
        ((HEADER + "c1,张伟,1990,section,u,\n").encode("gbk"), "not UTF-8"),
        (
            b"id,name,birth_year,rank,unit,competencies\nc1,a,1990,section,u,ai:0.5\n",
            "expected name=level pairs",
        ),
        (b"id,id,name,birth_year,rank,unit\n", "duplicate column(s) ['id']"),
    ],
)
def test_bad_roster_csv(tmp_path: Path, content: bytes, fragment: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(content)
    with pytest.raises(InvalidInputError) as info:
        read_roster_csv(path)
    assert fragment in str(info.value)
    assert "roster.csv" in str(info.value)


def test_roster_accepts_chinese_labels_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(("\ufeff" + HEADER + "c1,王芳,1992,处级,建设局,项目建设\n").encode())
    (c,) = read_roster_csv(path)
    assert (c.rank.value, c.line.value if c.line else None) == ("division", "project")


def test_roster_writer_refuses_unrepresentable_names(tmp_path: Path) -> None:
    c = Cadre(id="c1", name="a", birth_year=1990, rank="section", unit="u", industries={"a;b"})
    with pytest.raises(InvalidInputError, match="cannot hold"):
        write_roster_csv([c], tmp_path / "r.csv")


@attrs.frozen
class _Late:
    text: str


@attrs.frozen
class _HoldsLate:
    late: _Late


def test_a_hook_registered_after_first_use_reaches_every_dump_and_load() -> None:
    # the converters exist already (every earlier test used them); a later hook must still apply
    io.dump(Mentor(id="m1", unit="u"))
    io.register(_Late, unstructure=lambda v: v.text.upper(), structure=lambda v: _Late(v.lower()))
    io.register(_HoldsLate)
    doc = io.dump(_HoldsLate(late=_Late("abc")))
    assert doc["data"] == {"late": "ABC"}
    assert io.load(_HoldsLate, doc) == _HoldsLate(late=_Late("abc"))
