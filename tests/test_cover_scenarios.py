"""Scenarios on the paths the workflow tests leave: saving odd tags, malformed
documents, changes that name nothing, the matching task and argument errors."""

from __future__ import annotations

import sys
from typing import Any

import attrs
import networkx as nx
import numpy as np
import pytest

from cadredev import MissingDependencyError, io
from cadredev.datasets import sample_zone, tiny_rotation_problem
from cadredev.errors import InvalidInputError
from cadredev.matching import Criteria, compatibility_graph, match
from cadredev.scenarios import Change, Results, Scenario, connect, province, run
from cadredev.scenarios import _io as scenario_io
from cadredev.scenarios._tasks import metrics_of

TINY = tiny_rotation_problem()


def _doc(value: Any) -> dict[str, Any]:
    return io.dump(value)


def test_tags_of_every_container_round_trip() -> None:
    tags = {
        "axis": {"a": (1, 2.5), 3: [True, None]},
        "set": {2, 1},
        "big": float("inf"),
        "small": float("-inf"),
        "numpy": np.int64(7),
    }
    s = Scenario(name="x", base=TINY, changes={"length": 1}, tags=tags)
    assert s.tags["numpy"] == 7
    assert type(s.tags["numpy"]) is int
    assert s.tags["set"] == frozenset({1, 2})
    assert s.tags["axis"][3] == (True, None)
    doc = _doc(s)
    assert doc["data"]["changes"] == [{"path": "programs.length", "op": "set", "value": 1}]
    assert io.load(Scenario, doc) == s


def test_a_value_that_cannot_be_saved_is_named() -> None:
    s = Scenario(name="y", base=TINY, tags={"c": 1j})
    with pytest.raises(
        InvalidInputError, match=r"^Scenario 'y': cannot save a value of type complex$"
    ):
        io.dump(s)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d.pop("name"),
            (
                "$.data: Scenario: malformed document (KeyError: 'name'); "
                "expected an object with name, base, changes and tags"
            ),
        ),
        (
            lambda d: d.update(changes=[{"path": "length"}]),
            (
                "$.data: Scenario: malformed document (KeyError: 'op'); "
                "expected an object with name, base, changes and tags"
            ),
        ),
        (
            lambda d: d.update(tags={"colour": "red"}),
            "$.data: expected a tagged value (document, map, set, float), got {'colour': 'red'}",
        ),
    ],
)
def test_malformed_scenario_documents(change: Any, message: str) -> None:
    doc = _doc(Scenario(name="x", base=TINY, changes={"length": 1}))
    change(doc["data"])
    with pytest.raises(InvalidInputError) as info:
        io.load(Scenario, doc)
    assert str(info.value) == message


def test_malformed_results_documents() -> None:
    results = run([Scenario(name="one", base=TINY)], "schedule", executor="serial", progress=False)
    doc = _doc(results)
    assert io.load(Results, doc) == results
    del doc["data"]["outcomes"][0]["seed"]
    with pytest.raises(InvalidInputError) as info:
        io.load(Results, doc)
    assert str(info.value) == (
        "$.data: Results: malformed document (KeyError: 'seed'); expected an object with "
        "task, scenarios, outcomes, failures, cancelled, seed, executor and wall_time"
    )


def test_decode_reads_what_encode_wrote() -> None:
    value = {"k": (frozenset({"a"}), float("nan"), TINY.cadres[0])}
    back = scenario_io.decode(scenario_io.encode(value, where="w"))
    assert back["k"][0] == frozenset({"a"})
    assert np.isnan(back["k"][1])
    assert back["k"][2] == TINY.cadres[0]


# ------------------------------------------------------------------ changes


def test_change_arguments_are_checked() -> None:
    with pytest.raises(InvalidInputError, match=r"^Change: path must be dotted field names"):
        Change(path="programs..length")
    with pytest.raises(InvalidInputError, match=r"^Change: path must be dotted field names"):
        Change(path=3)  # type: ignore[arg-type]
    with pytest.raises(
        InvalidInputError, match=r"^Change: op must be 'set', 'add' or 'remove', got 'drop'$"
    ):
        Change(path="cadres", op="drop")  # type: ignore[arg-type]
    with pytest.raises(
        InvalidInputError, match=r"^Scenario: changes must be Change records, got 'length'$"
    ):
        Scenario(name="x", base=TINY, changes=["length"])  # type: ignore[list-item]
    with pytest.raises(InvalidInputError, match=r"^Scenario: name must be a non-empty string"):
        Scenario(name=" x", base=TINY)


@pytest.mark.parametrize("share", [-0.1, 1.5, "half", True])
def test_home_share_must_be_a_share(share: Any) -> None:
    s = Scenario(name="x", base=TINY, changes={"home_share": share})
    with pytest.raises(
        InvalidInputError, match=rf"^home_share: expected a share in \[0, 1\], got {share!r}$"
    ):
        s.apply()


def test_home_share_keeps_that_share_of_each_unit_home() -> None:
    problem = Scenario(name="x", base=TINY, changes={"home_share": 0.5}).apply()
    sizes: dict[str, int] = {}
    for c in TINY.cadres:
        sizes[c.unit] = sizes.get(c.unit, 0) + 1
    assert dict(problem.min_home_staffing) == {u: n // 2 for u, n in sizes.items()}


@attrs.frozen
class _Box:
    inner: Any
    weights: Any = None
    notes: Any = ()


@attrs.frozen
class _Item:
    id: str
    size: int = 1


def test_changes_inside_a_nested_record_and_a_mapping_field() -> None:
    base = _Box(inner=_Box(inner=(_Item(id="a"), _Item(id="b"))), weights={"x": 1})
    s = Scenario(
        name="n",
        base=base,
        changes=[
            Change(path="inner.inner[b].size", value=5),
            Change(path="weights[y]", value=2),
        ],
    )
    out = s.apply()
    assert out.inner.inner == (_Item(id="a"), _Item(id="b", size=5))
    assert out.weights == {"x": 1, "y": 2}


@pytest.mark.parametrize(
    ("base", "change", "message"),
    [
        (
            _Box(inner=(_Item(id="a"),)),
            Change(path="inner[zz].size", value=2),
            "Scenario 's': _Box.inner has no 'zz'",
        ),
        (
            _Box(inner=(_Item(id="a"),), weights=3),
            Change(path="weights[k]", value=2),
            "Scenario 's': _Box.weights is not a mapping",
        ),
        (
            _Box(inner=(_Item(id="a"),)),
            Change(path="inner", value=["a", "q", "r"], op="remove"),
            "Scenario 's': inner: cannot remove ['q', 'r']: no such records",
        ),
        (
            _Box(inner=(), notes=()),
            Change(path="inner.size", value=2),
            "Scenario 's': _Box.inner holds no records, so 'inner.size' names nothing",
        ),
        (
            _Box(inner=(_Item(id="a"),), notes=(_Item(id="n"),)),
            Change(path="size", value=2),
            (
                "Scenario 's': _Box has no field or knob 'size' (ambiguous: ['inner', 'notes']); "
                "expected one of ['inner', 'notes', 'weights']"
            ),
        ),
    ],
)
def test_changes_that_name_nothing(base: Any, change: Change, message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        Scenario(name="s", base=base, changes=[change]).apply()
    assert str(info.value) == message


def test_a_base_that_is_no_record_has_no_fields() -> None:
    with pytest.raises(InvalidInputError) as info:
        Scenario(name="s", base=3, changes={"size": 2})
    assert str(info.value) == "Scenario 's': int has no field or knob 'size'; expected one of []"


@attrs.frozen
class _Nameless:
    size: int = 1


def test_records_without_id_or_name_are_removed_by_nothing() -> None:
    base = _Box(inner=(_Nameless(),))
    s = Scenario(name="s", base=base, changes=[Change(path="inner", value="1", op="remove")])
    with pytest.raises(InvalidInputError, match=r"cannot remove \['1'\]: no such records$"):
        s.apply()
    assert "set inner.size = 3" in Scenario(name="t", base=base, changes={"size": 3}).explain()


def test_add_and_remove_records() -> None:
    base = _Box(inner=(_Item(id="a"), _Item(id="b")))
    added = Scenario(
        name="s", base=base, changes=[Change(path="inner", value=_Item(id="c"), op="add")]
    )
    assert [r.id for r in added.apply().inner] == ["a", "b", "c"]
    removed = Scenario(name="s", base=base, changes=[Change(path="inner", value="a", op="remove")])
    assert removed.apply().inner == (_Item(id="b"),)
    assert "remove inner = " in removed.explain()
    assert "<table" in removed._repr_html_()


# ------------------------------------------------------------------ tasks and run


def test_the_match_task_on_a_zone_equals_matching_it_directly() -> None:
    zone = sample_zone(0, n_cadres=24)
    results = run([Scenario(name="z", base=zone)], "match", executor="serial", progress=False)
    taken = {m.id for m in zone.mentors}
    graph = compatibility_graph(
        [c for c in zone.cadres if c.id not in taken],
        zone.grid_mentors(),
        criteria=Criteria(as_of=zone.as_of),
    )
    expected = match(graph)
    outcome = results.outcomes["z"]
    assert outcome.value == expected
    assert outcome.metrics == {
        "total_weight": float(expected.total_weight),
        "matched": len(expected.pairs),
        "unmatched": len(expected.unmatched),
    }


@pytest.mark.parametrize(
    ("task", "base", "message"),
    [
        ("match", 3, "match: expected a bipartite networkx.Graph or a Zone, got int"),
        ("schedule", "plan", "schedule: expected a RotationProblem or a Zone, got str"),
        ("form_teams", TINY, "form_teams: expected a Zone, got RotationProblem"),
        ("score", TINY, "score: expected a Zone with a scheme and records, got RotationProblem"),
    ],
)
def test_built_in_tasks_name_a_wrong_base(task: str, base: Any, message: str) -> None:
    results = run([Scenario(name="s", base=base)], task, executor="serial", progress=False)
    assert not results.ok
    with pytest.raises(InvalidInputError) as info:
        results["s"]
    assert str(info.value) == f"Results: scenario 's' failed: InvalidInputError: {message}"


def test_a_zone_without_programs_cannot_be_scheduled() -> None:
    zone = attrs.evolve(sample_zone(0, n_cadres=24), programs=())
    results = run([Scenario(name="s", base=zone)], "schedule", executor="serial", progress=False)
    with pytest.raises(
        InvalidInputError, match=r"InvalidInputError: schedule: zone '.*' has no rotation programs$"
    ):
        results["s"]


def test_metrics_of_plain_values() -> None:
    assert metrics_of(3) == {"value": 3}
    assert metrics_of(np.float64(np.inf)) == {"value": None}
    assert metrics_of(2.5) == {"value": 2.5}
    assert metrics_of("done") == {"value": "done"}
    assert metrics_of(None) == {"value": None}
    assert metrics_of(nx.Graph()) == {}


def _double(value: Any, *, seed: int) -> Any:
    del seed
    return value * 2


def test_run_arguments() -> None:
    with pytest.raises(InvalidInputError, match=r"^run: expected Scenario records, got str$"):
        run(["s"], _double, executor="serial")  # type: ignore[list-item]
    with pytest.raises(InvalidInputError, match=r"^run: progress and broadcast must be True"):
        run([], _double, executor="serial", progress=1)  # type: ignore[arg-type]
    # A generator seed draws the run's seed from it: equal generators, equal runs (and one
    # scenario alone is accepted in place of a collection).
    a = run(
        Scenario(name="s", base=2),  # type: ignore[arg-type]
        _double,
        executor="serial",
        progress=False,
        seed=np.random.default_rng(5),
    )
    b = run(
        [Scenario(name="s", base=2)],
        _double,
        executor="serial",
        progress=False,
        seed=np.random.default_rng(5),
    )
    assert a.seed == b.seed
    assert a["s"] == 4
    # No seed: fresh entropy, and still a result.
    assert (
        run([Scenario(name="s", base=3)], _double, executor="serial", progress=False, seed=None)[
            "s"
        ]
        == 6
    )


def test_province_arguments() -> None:
    zone = sample_zone(0, n_cadres=24)
    with pytest.raises(InvalidInputError, match=r"^province: expected zones with a name, got 3$"):
        province([3], _double, executor="serial")
    with pytest.raises(InvalidInputError, match=rf"^province: two zones are named {zone.name!r}$"):
        province([zone, zone], _double, executor="serial")


def test_connect_without_dask_or_an_address(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(
        InvalidInputError, match=r"^connect: expected a scheduler address, got ' '$"
    ):
        connect(" ")
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'cadredev\[distributed\]'"):
        connect("tcp://127.0.0.1:1")
