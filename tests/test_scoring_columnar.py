"""The columnar roster: validation against the record path, and scoring that gives equal tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cadredev import Cadre, InvalidInputError, Roster, io
from cadredev.model import Line, Rank
from cadredev.roster import ROSTER_COLUMNS, factorize
from cadredev.scoring import Exemption, Indicator, Records, Scheme, ScoredCadres, Target, score
from cadredev.scoring._cadres import line_key
from cadredev.scoring._columnar import roster_columns
from cadredev.scoring._records import _encode
from cadredev.testing import cadres, records, schemes


def flat(c: Cadre) -> Cadre:
    """Return the cadre without the fields a roster does not hold."""
    return attrs.evolve(c, industries=frozenset(), competencies={}, history=(), mentorships=())


people = st.lists(cadres(with_history=False), max_size=8, unique_by=lambda c: c.id).map(
    lambda cs: [flat(c) for c in cs]
)


# ------------------------------------------------------------------- building


@given(people)
def test_from_cadres_round_trips(cs: list[Cadre]) -> None:
    roster = Roster.from_cadres(cs)
    assert roster.to_cadres() == tuple(cs)
    assert len(roster) == len(cs)
    assert Roster.from_pandas(roster.to_pandas()) == roster
    columns = {name: roster.column(name) for name in ROSTER_COLUMNS}
    assert Roster.from_arrays(**columns) == roster


@given(people)
def test_json_round_trip(cs: list[Cadre]) -> None:
    roster = Roster.from_cadres(cs)
    doc = io.dump(roster)
    assert io.load(Roster, doc) == roster


def test_json_schema_accepts_a_dumped_roster() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    roster = Roster.from_arrays(
        id=["a", "b"], birth_year=[1990, 1991], rank=["section"] * 2, unit=["u", "v"]
    )
    jsonschema.validate(io.dump(roster), io.schema("Roster"))
    assert "Roster" in io.kinds()


def test_from_pandas_categorical_and_missing() -> None:
    df = pd.DataFrame(
        {
            "id": ["b", "a", "c"],
            "name": ["王", "李", "张"],
            "birth_year": [1990, 1985, 2000],
            "rank": pd.Categorical(["section", "处级", "section"]),
            "unit": pd.Categorical(["u", "v", "u"]),
            "line": ["investment", None, np.nan],
            "joined_year": [2019, None, 2020],
        }
    )
    roster = Roster.from_pandas(df)
    assert roster.ranks.tolist() == [Rank.SECTION, Rank.DIVISION, Rank.SECTION]
    assert roster.lines.tolist() == [Line.INVESTMENT, None, None]
    assert roster.joined_years.tolist() == [2019, None, 2020]
    assert roster.order().tolist() == [1, 0, 2]
    few = Roster.from_arrays(
        id=["a", "b", "c"],
        birth_year=[1990] * 3,
        rank=["section"] * 3,
        unit=["u"] * 3,
        gender=np.array(["F", np.nan, "M"], dtype=object),
    )
    assert few.genders.tolist() == ["F", None, "M"]
    with pytest.raises(InvalidInputError, match="expected a pandas DataFrame"):
        Roster.from_pandas({"id": ["a"]})


BAD_COLUMNS: list[tuple[dict[str, Any], str]] = [
    ({"birth_year": [1990, 1800]}, r"Roster row 1 \(cadre 'b'\): birth_year must be a year"),
    ({"birth_year": [1990, 1990.5]}, r"row 1 .*birth_year"),
    ({"rank": ["section", "general"]}, r"row 1 \(cadre 'b'\): rank must be one of"),
    ({"unit": ["u", " "]}, r"row 1 \(cadre 'b'\): unit must be a non-empty string"),
    ({"line": ["investment", "space"]}, r"row 1 \(cadre 'b'\): line must be one of"),
    ({"grid": ["g1", ""]}, r"row 1 \(cadre 'b'\): grid must be a non-empty string or None"),
    ({"joined_year": [None, 3000]}, r"row 1 \(cadre 'b'\): joined_year must be a year"),
    ({"name": ["x", 3]}, r"row 1 \(cadre 'b'\): name must be a string"),
    ({"id": ["a", "a"]}, r"Roster row 1: duplicate cadre id 'a' \(first at row 0\)"),
    ({"id": ["a", ""]}, r"Roster row 1: id must be a non-empty string"),
    ({"unit": ["u"]}, r"column 'unit' must have one entry per cadre \(2\), got 1"),
    ({"history": [(), ()]}, r"unknown column\(s\) \['history'\] \(nested fields"),
]


@pytest.mark.parametrize(("change", "message"), BAD_COLUMNS)
def test_bad_columns_are_named(change: dict[str, Any], message: str) -> None:
    columns: dict[str, Any] = {
        "id": ["a", "b"],
        "birth_year": [1990, 1991],
        "rank": ["section", "section"],
        "unit": ["u", "u"],
    }
    columns.update(change)
    with pytest.raises(InvalidInputError, match=message):
        Roster.from_arrays(**columns)


def test_required_columns_and_nested_data() -> None:
    with pytest.raises(InvalidInputError, match=r"missing required column\(s\) \['rank'\]"):
        Roster.from_arrays(id=["a"], birth_year=[1990], unit=["u"])
    c = Cadre(id="a", name="a", birth_year=1990, rank="section", unit="u", industries={"ai"})
    with pytest.raises(InvalidInputError, match="industries is not a roster column"):
        Roster.from_cadres([c])
    assert Roster.from_cadres([c], drop_nested=True).to_cadres() == (flat(c),)


# the naive reference: build a Cadre per row and let the record validate it
cells = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["a", "b", "c", "", 7]),
        "birth_year": st.sampled_from([1990, 1929, 2101, 1990.0, None, True]),
        "rank": st.sampled_from(["section", "处级", "nope", None]),
        "unit": st.sampled_from(["u", "v", "", None]),
        "line": st.sampled_from([None, "investment", "招商引资", "bad"]),
        "grid": st.sampled_from([None, "g1", ""]),
        "joined_year": st.sampled_from([None, 2020, 1800]),
    }
)


@given(st.lists(cells, max_size=5))
def test_validation_agrees_with_cadre_records(rows: list[dict[str, Any]]) -> None:
    def naive() -> tuple[Cadre, ...]:
        made = tuple(Cadre(name="", **row) for row in rows)
        ids = [c.id for c in made]
        if len(set(ids)) != len(ids):
            raise InvalidInputError("duplicate")
        return made

    try:
        expected: tuple[Cadre, ...] | None = naive()
    except (InvalidInputError, TypeError):
        expected = None
    columns = {name: [row[name] for row in rows] for name in cells_keys()}
    if expected is None:
        with pytest.raises(InvalidInputError, match=r"^Roster"):
            Roster.from_arrays(**columns)
    else:
        assert Roster.from_arrays(**columns).to_cadres() == expected


def cells_keys() -> tuple[str, ...]:
    return ("id", "birth_year", "rank", "unit", "line", "grid", "joined_year")


@given(st.lists(st.sampled_from(["b", "a", "c", "aa", "招商"]), max_size=12))
def test_factorize_and_encode_agree_with_naive(items: list[str]) -> None:
    arr = np.array(items, dtype=object)
    labels, codes = factorize(arr)
    assert [labels[k] for k in codes.tolist()] == items
    assert labels == list(dict.fromkeys(items))
    ordered, ecodes = _encode(arr, "ids")
    assert ordered == tuple(sorted(set(items)))
    assert [ordered[k] for k in ecodes.tolist()] == items
    distinct = list(dict.fromkeys(items))
    ordered, ecodes = _encode(distinct, "ids")
    assert [ordered[k] for k in ecodes.tolist()] == distinct


# --------------------------------------------------------------------- scoring


@st.composite
def scored_cases(draw: st.DrawFn) -> tuple[Scheme, list[Cadre], Records]:
    scheme = draw(schemes(max_indicators=3))
    cs = draw(
        st.lists(
            cadres(with_history=False, units=["u1", "u2", "u3"]),
            min_size=1,
            max_size=8,
            unique_by=lambda c: c.id,
        )
    )
    cs = sorted((flat(c) for c in cs), key=lambda c: not scheme.for_line(c.line))
    assume(scheme.for_line(cs[0].line))
    rec = draw(
        records(scheme, cs, periods=draw(st.sampled_from([("2025-01",), ("2025-01", "2025-02")])))
    )
    return scheme, cs, rec


@settings(max_examples=60)
@given(scored_cases(), st.randoms(use_true_random=False))
def test_roster_and_records_give_equal_tables(
    case: tuple[Scheme, list[Cadre], Records], rnd: Any
) -> None:
    scheme, cs, rec = case
    expected = score(scheme, cs, rec)
    shuffled = list(cs)
    rnd.shuffle(shuffled)
    got = score(scheme, Roster.from_cadres(shuffled), rec)
    assert got == expected
    assert got.excluded == expected.excluded
    back = io.load(type(got), io.dump(got))
    assert back == expected


@given(people)
def test_roster_columns_agree_with_the_records(cs: list[Cadre]) -> None:
    scheme = Scheme(
        name="s", indicators={"investment": [Indicator(id="x", normalise=Target(0, 1))]}
    )
    roster = Roster.from_cadres(cs)
    fast, excluded = roster_columns(scheme, roster)
    kept = sorted((c for c in cs if c.line == Line.INVESTMENT), key=lambda c: c.id)
    naive = ScoredCadres.of(kept)
    assert fast == naive
    assert [cid for cid, _ in excluded] == sorted(c.id for c in cs if c.line != Line.INVESTMENT)
    for name in ("unit", "line"):
        labels, codes = fast.codes(name)
        values = naive.units if name == "unit" else naive.lines
        key = line_key if name == "line" else None
        assert labels == tuple(sorted(set(values), key=key))  # type: ignore[arg-type,type-var]
        assert [labels[k] for k in codes.tolist()] == list(values)


def test_roster_scores_with_exemptions_and_unknown_cadres() -> None:
    scheme = Scheme(name="s", indicators=[Indicator(id="x", normalise=Target(0, 10))])
    roster = Roster.from_arrays(
        id=["b", "a"],
        birth_year=[1990, 1990],
        rank=["section"] * 2,
        unit=["u"] * 2,
        joined_year=[2015, None],
    )
    rec = Records.from_rows([("a", "2025-01", "x", 5), ("b", "2025-01", "x", 2)])
    ex = Exemption(cadre_id="b", period="2025-01", target="x", reason="leave", approved_by="组织部")
    table = score(scheme, roster, rec, exemptions=[ex])
    assert table == score(scheme, roster.to_cadres(), rec, exemptions=[ex])
    assert table.cadres.joined == (None, dt.date(2015, 1, 1))
    stranger = Records.from_rows([("z", "2025-01", "x", 5)])
    with pytest.raises(InvalidInputError, match="records hold cadre 'z'"):
        score(scheme, roster, stranger)
    bad = Exemption(cadre_id="q", period="2025-01", target="x", reason="r", approved_by="o")
    with pytest.raises(InvalidInputError, match="exemption for unknown cadre 'q'"):
        score(scheme, roster, rec, exemptions=[bad])


def test_a_large_dense_roster_matches_the_record_path() -> None:
    rng = np.random.default_rng(3)
    n, k = 3000, 6
    ids = np.array([f"c{i:05d}" for i in rng.permutation(n)], dtype=object)
    inds = [f"x{j}" for j in range(k)]
    scheme = Scheme(
        name="big",
        indicators=[
            Indicator(
                id=i,
                normalise=Target(0, 10 + j, stretch=20 + j, cap=1.2) if j % 2 else Target(1, 8 + j),
                weight=1 + j,
            )
            for j, i in enumerate(inds)
        ],
    )
    units = np.array([f"u{i % 37}" for i in range(n)], dtype=object)
    roster = Roster.from_arrays(
        id=ids, birth_year=np.full(n, 1990), rank=np.full(n, "section", dtype=object), unit=units
    )
    rec = Records.from_matrix(
        ids.tolist(), inds, rng.gamma(2.0, 5.0, size=(n, k)), period="2025-03"
    )
    assert score(scheme, roster, rec) == score(scheme, roster.to_cadres(), rec)


@given(st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), unique=True))
def test_index_by_bisection_agrees_with_a_dictionary(ids: list[str]) -> None:
    for order in (sorted(ids), ids):
        n = len(order)
        cadres = ScoredCadres(
            ids=tuple(order),
            names=("",) * n,
            units=("u",) * n,
            lines=(None,) * n,
            joined=(None,) * n,
        )
        index = cadres.index()
        assert dict(index) == {cid: k for k, cid in enumerate(order)}
        assert index.get("z") is None
        assert index.get(3) is None  # type: ignore[call-overload]


def test_a_roster_is_scored_without_cadre_records(monkeypatch: pytest.MonkeyPatch) -> None:
    scheme = Scheme(name="s", indicators=[Indicator(id="x", normalise=Target(0, 10))])
    roster = Roster.from_arrays(
        id=["a", "b"], birth_year=[1990, 1990], rank=["section"] * 2, unit=["u", "v"]
    )
    rec = Records.from_matrix(["a", "b"], ["x"], [[5.0], [2.0]], period="2025-01")
    expected = score(scheme, roster.to_cadres(), rec)

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a Cadre record or a per-cadre loop was used")

    monkeypatch.setattr(ScoredCadres, "of", refuse)
    monkeypatch.setattr(Cadre, "__init__", refuse)
    monkeypatch.setattr(ScoredCadres, "index", refuse)
    assert score(scheme, roster, rec) == expected
