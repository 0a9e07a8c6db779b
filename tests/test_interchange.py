"""Every document kind leaves the process and comes back equal, and matches its schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadredev import Cadre, InvalidInputError, assign_enterprises, form_teams, io
from cadredev.datasets import sample_scheme, sample_zone, tiny_rotation_problem
from cadredev.rotation import RotationPlan, RotationProblem, diagnose, schedule
from cadredev.scoring import ExposureWarning, Records, rollup
from cadredev.testing import rotation_problems


def _through_text(obj: Any) -> Any:
    doc = json.loads(json.dumps(io.dump(obj), allow_nan=False))
    jsonschema.validate(doc, io.schema(doc["kind"]))
    return io.load(type(obj), doc)


@pytest.fixture(scope="module")
def documents() -> list[Any]:
    zone = sample_zone()
    problem = tiny_rotation_problem()
    plan = schedule(problem, seed=0)
    grids = form_teams(zone.cadres, n_teams=6, seed=0, as_of=zone.as_of)
    return [
        grids,
        grids.report(),
        assign_enterprises(grids, zone.enterprises),
        form_teams(zone.cadres[:40], size=(2, 3), balance=(), cohesion=("industries",), seed=0),
        zone,
        zone.cadres[0],
        zone.mentors[0],
        zone.posts[0],
        zone.enterprises[0],
        zone.scheme,
        zone.records,
        *zone.programs,
        problem,
        plan,
        plan.objective,
        plan.bound,
        plan.diff(schedule(problem, seed=1)),
        *diagnose(tiny_rotation_problem(capacity=0)),
    ]


def test_every_kind_has_a_valid_schema() -> None:
    for name in io.kinds():
        jsonschema.Draft202012Validator.check_schema(io.schema(name))


def test_sample_documents_validate_and_round_trip(documents: list[Any]) -> None:
    for obj in documents:
        assert _through_text(obj) == obj, type(obj).__name__
        assert io.load(type(obj), io.dump(obj)) == obj


def test_a_schema_rejects_a_malformed_document() -> None:
    doc = io.dump(tiny_rotation_problem())
    doc["data"]["horizon"] = "four"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, io.schema("RotationProblem"))
    doc = io.dump(tiny_rotation_problem())
    doc["data"]["unknown_field"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, io.schema("RotationProblem"))


def test_schema_of_an_unknown_kind_is_an_error() -> None:
    with pytest.raises(InvalidInputError, match="unknown document kind 'Nope'"):
        io.schema("Nope")


@settings(max_examples=25, deadline=None)
@given(rotation_problems(feasible=True))
def test_rotation_problems_round_trip_through_json_text(problem: RotationProblem) -> None:
    assert _through_text(problem) == problem


@settings(max_examples=10, deadline=None)
@given(rotation_problems(feasible=True), st.integers(0, 3))
def test_rotation_plans_round_trip_through_json_text(problem: RotationProblem, seed: int) -> None:
    plan = schedule(problem, seed=seed)
    back: RotationPlan = _through_text(plan)
    assert back == plan
    assert back.violations(problem) == ()


@attrs.frozen(eq=False)
class _Arrays:
    floats: npt.NDArray[np.float64]
    ints: npt.NDArray[np.int64]
    ids: npt.NDArray[np.object_]


def test_arrays_keep_their_dtype_and_nan() -> None:
    io.register(_Arrays)
    value = _Arrays(
        floats=np.array([1.5, np.nan]),
        ints=np.array([3, -1]),
        ids=np.array(["a", 7], dtype=object),
    )
    doc = json.loads(json.dumps(io.dump(value), allow_nan=False))
    assert doc["data"]["floats"] == [1.5, None]
    back = io.load(_Arrays, doc)
    assert back.floats.dtype == np.float64
    assert np.isnan(back.floats[1])
    assert back.ints.dtype == np.int64
    assert back.ints.tolist() == [3, -1]
    assert back.ids.tolist() == ["a", 7]


# ---------------------------------------------------------------- bad input


def test_a_failed_save_leaves_the_old_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "roster.json"
    zone = sample_zone()
    io.save_json(zone.cadres[:3], target)
    before = target.read_bytes()
    bad = attrs.evolve(zone.cadres[1])
    object.__setattr__(bad, "name", "\ud800")  # a lone surrogate, past the record's check
    with pytest.raises(InvalidInputError, match=r"\$\.items\[1\]\.name cannot be written"):
        io.save_json([zone.cadres[0], bad], target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roster.json"]


def test_a_failed_csv_save_leaves_the_old_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "roster.csv"
    zone = sample_zone()
    io.write_roster_csv(zone.cadres[:3], target)
    before = target.read_bytes()
    bad = attrs.evolve(zone.cadres[1])
    object.__setattr__(bad, "unit", "局\udcff")  # past the record's check: writers refuse it too
    with pytest.raises(InvalidInputError, match="cannot be written"):
        io.write_roster_csv([zone.cadres[0], bad], target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roster.csv"]


def test_a_write_into_a_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="cannot write file"):
        io.save_json(sample_zone().cadres[0], tmp_path / "missing" / "c.json")


def test_a_newer_schema_version_is_refused() -> None:
    doc = io.dump(sample_zone().cadres[0])
    doc["schema_version"] = io.SCHEMA_VERSION + 1
    with pytest.raises(InvalidInputError, match="newer than this cadredev reads"):
        io.load(Cadre, doc)


def test_a_truncated_document_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    io.save_json(sample_zone().cadres[:2], path)
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(InvalidInputError, match="malformed JSON at line"):
        io.load_json(Cadre, path)


def test_mappings_with_tuple_keys_are_written_as_pairs() -> None:
    problem = attrs.evolve(
        tiny_rotation_problem(),
        benefit={("a", "p1"): 1.5, ("b", "p2"): 2.0},
        period_bonus={("p1", 0): 0.5},
    )
    doc = json.loads(json.dumps(io.dump(problem)))
    assert doc["data"]["period_bonus"] == [[["p1", 0], 0.5]]
    assert _through_text(problem) == problem


def test_records_keep_their_exposure() -> None:
    rows = [
        ("a", "2025-01", "visits", 3.0),
        ("a", "2025-02", "visits", 4.0),
        ("b", "2025-03", "visits", 1.0),
    ]
    months = Records.from_rows(rows)
    with pytest.warns(ExposureWarning):
        quarter = rollup(months, sample_scheme(), to="quarter")
    assert quarter.exposure.tolist() != [1.0, 1.0]
    assert _through_text(quarter) == quarter
