"""The ledger: the same suite in memory, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

import _postgres
from cadredev import InvalidInputError, io
from cadredev.calendar import Calendar
from cadredev.datasets import Zone, sample_scheme, sample_zone, tiny_rotation_problem
from cadredev.events import (
    Assessed,
    Completed,
    Enrolled,
    Event,
    Feedback,
    Goal,
    GoalReached,
    GradeOverride,
    Left,
    Meeting,
    MentorshipEnded,
    MentorshipStarted,
    Placed,
    PlacementEnded,
    PostClosed,
    Retracted,
    Withdrawn,
)
from cadredev.ledger import SCHEMA_VERSION, Ledger, SchemeAdopted, register_event
from cadredev.ledger._memory import Query
from cadredev.ledger._sql import _tables
from cadredev.rotation import schedule

D = dt.date
BY = "组织部"
CROSS = "cross-shadowing"
ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- backends


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    given_url = os.environ.get("CADREDEV_POSTGRES_URL")
    if given_url:
        yield given_url
        return
    if _postgres.bindir() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the PostgreSQL tests: install the server programs")
        pytest.skip("no PostgreSQL server programs installed")
    with _postgres.cluster() as url:
        yield url


def _fresh_postgres(base: str) -> str:
    name = f"ledger_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def open_ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[..., Ledger]:
    """Return a function opening (or reopening) one ledger of the parametrised kind."""
    kind = request.param
    if kind == "memory":
        made: list[Ledger] = []

        def memory(**kwargs: Any) -> Ledger:
            if not made:
                made.append(Ledger(**kwargs))
            return made[0]

        return memory
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'zone.db'}"
    else:
        url = _fresh_postgres(request.getfixturevalue("postgres_url"))
    opened: list[Ledger] = []

    def connect(**kwargs: Any) -> Ledger:
        ledger = Ledger.connect(url, **kwargs)
        opened.append(ledger)
        return ledger

    def close_all() -> None:
        for ledger in opened:
            ledger.close()

    request.addfinalizer(close_all)  # noqa: PT021
    return connect


@pytest.fixture(scope="module")
def zone() -> Zone:
    return sample_zone()


def _mentoring(mentee: str = "c101", mentor: str = "c007") -> list[Event]:
    return [
        MentorshipStarted(at=D(2025, 3, 1), recorded_by=BY, mentee_id=mentee, mentor_id=mentor),
        Goal(
            at=D(2025, 3, 1),
            recorded_by=mentor,
            mentee_id=mentee,
            mentor_id=mentor,
            goal_id="g1",
            text="独立完成一次项目洽谈",
        ),
        Meeting(at=D(2025, 3, 15), recorded_by=mentor, mentee_id=mentee, mentor_id=mentor),
        Feedback(
            at=D(2025, 6, 1),
            recorded_by=mentee,
            mentee_id=mentee,
            mentor_id=mentor,
            by="mentee",
            rating=4,
            stage="mid",
        ),
        GoalReached(
            at=D(2025, 8, 1), recorded_by=mentor, mentee_id=mentee, mentor_id=mentor, goal_id="g1"
        ),
        MentorshipEnded(at=D(2025, 12, 31), recorded_by=BY, mentee_id=mentee, mentor_id=mentor),
    ]


# ------------------------------------------------------------------ basics


def test_append_read_and_filter(open_ledger: Callable[..., Ledger]) -> None:
    ledger = open_ledger()
    ids = ledger.extend(_mentoring())
    assert ids == tuple(f"ev-{i:09d}" for i in range(1, 7))
    assert len(ledger) == 6
    assert [e.id for e in ledger.events()] == list(ids)
    assert [e.kind for e in ledger.history("c007")][:2] == ["MentorshipStarted", "Goal"]
    assert [e.kind for e in ledger.events(kind=Meeting)] == ["Meeting"]
    assert [e.kind for e in ledger.events(kind="Feedback")] == ["Feedback"]
    window = ledger.events(since=D(2025, 3, 2), until=D(2025, 7, 1))
    assert [e.kind for e in window] == ["Meeting", "Feedback"]
    assert ledger.history("nobody") == ()
    back = ledger.events()
    assert [attrs.evolve(e, id=None) for e in back] == _mentoring()


def test_reopened_in_another_process_reads_equal(tmp_path: Path) -> None:
    db = tmp_path / "zone.db"
    sent = tmp_path / "events.json"
    sent.write_text(json.dumps([io.dump(e) for e in _mentoring()]), "utf-8")
    code = (
        "import json, sys\n"
        "from cadredev import io\n"
        "from cadredev.ledger import Ledger\n"
        "docs = json.loads(open(sys.argv[1], encoding='utf-8').read())\n"
        "with Ledger.connect(sys.argv[2]) as ledger:\n"
        "    ledger.extend(io.load(io.kind(d['kind']), d) for d in docs)\n"
    )
    subprocess.run(  # noqa: S603
        [sys.executable, "-c", code, str(sent), f"sqlite:///{db}"], check=True, cwd=ROOT
    )
    memory = Ledger()
    memory.extend(_mentoring())
    with Ledger.connect(f"sqlite:///{db}") as ledger:
        assert ledger.events() == memory.events()
        assert ledger.history("c101") == memory.history("c101")


def test_user_event_types_persist(open_ledger: Callable[..., Ledger]) -> None:
    ledger = open_ledger()
    visit = _SiteVisit(at=D(2025, 5, 6), recorded_by=BY, cadre_id="c1", site="某园区", hours=3.5)
    (event_id,) = ledger.extend([visit])
    assert ledger.history("c1") == (attrs.evolve(visit, id=event_id),)


@register_event
@attrs.frozen(kw_only=True)
class _SiteVisit(Event):
    cadre_id: str
    site: str
    hours: float = 0.0
    subject_fields: ClassVar[tuple[str, ...]] = ("cadre_id",)


@attrs.frozen
class _Fragile:
    text: str


def _explode(_: _Fragile) -> Any:
    msg = "serialiser failed"
    raise RuntimeError(msg)


io.register(_Fragile, unstructure=_explode, structure=_Fragile)


@register_event
@attrs.frozen(kw_only=True)
class _Exploding(Event):
    cadre_id: str
    payload: _Fragile
    subject_fields: ClassVar[tuple[str, ...]] = ("cadre_id",)


def test_a_crash_mid_extend_stores_nothing(open_ledger: Callable[..., Ledger]) -> None:
    ledger = open_ledger()
    ledger.extend(_mentoring()[:1])
    batch = [
        Left(at=D(2025, 4, 1), recorded_by=BY, cadre_id="c300"),
        _Exploding(at=D(2025, 4, 2), recorded_by=BY, cadre_id="c301", payload=_Fragile("x")),
    ]
    with pytest.raises(RuntimeError, match="serialiser failed"):
        ledger.extend(batch)
    assert len(ledger) == 1
    # the state was rolled back too: the departure can be recorded again
    ledger.append(batch[0])
    assert [e.kind for e in ledger.events()] == ["MentorshipStarted", "Left"]


# ------------------------------------------------------------- bad input


def test_unknown_ids_are_refused_with_a_zone(
    open_ledger: Callable[..., Ledger], zone: Zone
) -> None:
    ledger = open_ledger(zone=zone)
    with pytest.raises(InvalidInputError, match="unknown cadre or mentor 'nobody'"):
        ledger.append(Left(at=D(2025, 1, 2), recorded_by=BY, cadre_id="nobody"))
    with pytest.raises(InvalidInputError, match="unknown programme 'nope'"):
        ledger.append(Enrolled(at=D(2025, 1, 2), recorded_by=BY, cadre_id="c001", programme="nope"))
    with pytest.raises(InvalidInputError, match="unknown post 'p-x'"):
        ledger.append(Placed(at=D(2025, 1, 2), recorded_by=BY, cadre_id="c001", post_id="p-x"))
    assert len(ledger) == 0


def test_relationships_are_checked(open_ledger: Callable[..., Ledger]) -> None:
    ledger = open_ledger()
    start = _mentoring()[0]
    ledger.append(start)
    with pytest.raises(InvalidInputError, match="mentors 'c101' already"):
        ledger.append(attrs.evolve(start, at=D(2025, 4, 1)))
    with pytest.raises(InvalidInputError, match="dated before the mentorship began"):
        ledger.append(
            MentorshipEnded(at=D(2025, 2, 1), recorded_by=BY, mentee_id="c101", mentor_id="c007")
        )
    with pytest.raises(InvalidInputError, match="does not mentor"):
        ledger.append(Meeting(at=D(2025, 3, 2), recorded_by=BY, mentee_id="c101", mentor_id="c999"))
    with pytest.raises(InvalidInputError, match="no goal 'g9' was set"):
        ledger.append(
            GoalReached(
                at=D(2025, 3, 2), recorded_by=BY, mentee_id="c101", mentor_id="c007", goal_id="g9"
            )
        )
    with pytest.raises(InvalidInputError, match="is not enrolled"):
        ledger.append(Completed(at=D(2025, 3, 2), recorded_by=BY, cadre_id="c1", programme="s"))
    ledger.append(Placed(at=D(2025, 1, 1), recorded_by=BY, cadre_id="c1", post_id="p1"))
    with pytest.raises(InvalidInputError, match="holds post 'p1'"):
        ledger.append(Placed(at=D(2025, 2, 1), recorded_by=BY, cadre_id="c1", post_id="p2"))
    with pytest.raises(InvalidInputError, match="dated before the placement began"):
        ledger.append(
            PlacementEnded(at=D(2024, 12, 1), recorded_by=BY, cadre_id="c1", post_id="p1")
        )
    ledger.append(PostClosed(at=D(2025, 6, 1), recorded_by=BY, post_id="p3"))
    ledger.append(Left(at=D(2025, 6, 30), recorded_by=BY, cadre_id="c2"))
    with pytest.raises(InvalidInputError, match="'c2' left on 2025-06-30"):
        ledger.append(Enrolled(at=D(2025, 7, 1), recorded_by=BY, cadre_id="c2", programme="s"))
    assert len(ledger) == 4


def _adopted() -> SchemeAdopted:
    return SchemeAdopted(
        at=D(2024, 12, 1), recorded_by=BY, scheme=sample_scheme(), effective=D(2025, 1, 1)
    )


def test_an_override_must_name_grades_of_the_scheme(open_ledger: Callable[..., Ledger]) -> None:
    ledger = open_ledger()
    ledger.append(
        SchemeAdopted(
            at=D(2024, 12, 1), recorded_by=BY, scheme=sample_scheme(), effective=D(2025, 1, 1)
        )
    )
    bad = GradeOverride(
        at=D(2025, 12, 20),
        recorded_by=BY,
        reason="calibration",
        cadre_id="c1",
        period="2025",
        from_grade="competent",
        to_grade="heroic",
        approved_by="党工委",
    )
    with pytest.raises(InvalidInputError, match="grade 'heroic' is not in scheme"):
        ledger.append(bad)
    ledger.append(attrs.evolve(bad, to_grade="excellent"))
    assert ledger.scheme_for("2025-06") == sample_scheme()
    assert ledger.scheme_for(D(2024, 12, 31)) is None


def test_corrections_supersede_by_id(open_ledger: Callable[..., Ledger]) -> None:
    ledger = open_ledger()
    (first,) = ledger.extend(_mentoring()[:1])
    with pytest.raises(InvalidInputError, match="'ev-000000099', which is not in the ledger"):
        ledger.append(attrs.evolve(_mentoring()[0], supersedes="ev-000000099"))
    with pytest.raises(InvalidInputError, match="a correction is an event of the same kind"):
        ledger.append(Left(at=D(2025, 3, 1), recorded_by=BY, cadre_id="c101", supersedes=first))
    # the mentorship really began a week later: the correction replaces the first record
    fixed = attrs.evolve(_mentoring()[0], at=D(2025, 3, 8), supersedes=first, reason="typo")
    (second,) = ledger.extend([fixed])
    assert [e.id for e in ledger.history("c101")] == [second]
    assert [e.id for e in ledger.history("c101", in_force=False)] == [first, second]
    with pytest.raises(InvalidInputError, match="is superseded already"):
        ledger.append(attrs.evolve(fixed, supersedes=first))
    with pytest.raises(InvalidInputError, match="dated before the mentorship began"):
        ledger.append(Meeting(at=D(2025, 3, 2), recorded_by=BY, mentee_id="c101", mentor_id="c007"))
    ledger.append(Retracted(at=D(2025, 3, 9), recorded_by=BY, supersedes=second, reason="error"))
    assert ledger.history("c101") == ()
    # with the mentorship retracted, it may start again
    ledger.append(_mentoring()[0])


def test_own_ids_are_unique_and_not_automatic(open_ledger: Callable[..., Ledger]) -> None:
    ledger = open_ledger()
    left = Left(at=D(2025, 1, 1), recorded_by=BY, cadre_id="c1", id="hr-2025-001")
    assert ledger.extend([left]) == ("hr-2025-001",)
    with pytest.raises(InvalidInputError, match="is taken already"):
        ledger.append(Left(at=D(2025, 1, 1), recorded_by=BY, cadre_id="c2", id="hr-2025-001"))
    with pytest.raises(InvalidInputError, match="starts with 'ev-'"):
        ledger.append(Left(at=D(2025, 1, 1), recorded_by=BY, cadre_id="c3", id="ev-7"))


# ------------------------------------------------------------ databases


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"this is not a database, just some notes\n" * 40)
    with pytest.raises(InvalidInputError, match="is not a database cadredev can open"):
        Ledger.connect(f"sqlite:///{junk}")
    other = tmp_path / "other.db"
    engine = sa.create_engine(f"sqlite:///{other}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE payroll (id INTEGER)"))
    engine.dispose()
    with pytest.raises(InvalidInputError, match="is not a cadredev ledger"):
        Ledger.connect(f"sqlite:///{other}")
    assert junk.read_bytes().startswith(b"this is not")


def _write_version(url: str, version: int) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE cadredev_meta SET value = :v WHERE key = 'schema_version'"),
            {"v": str(version)},
        )
    engine.dispose()


def test_a_newer_ledger_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'zone.db'}"
    Ledger.connect(url).close()
    _write_version(url, SCHEMA_VERSION + 1)
    with pytest.raises(InvalidInputError, match="is newer than this cadredev"):
        Ledger.connect(url)


def test_an_older_ledger_is_upgraded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    metadata, meta, events = _tables(sa, 1)
    engine = sa.create_engine(url)
    rows = Ledger()
    rows.extend(_mentoring())
    with engine.begin() as conn:
        metadata.create_all(conn)
        conn.execute(
            meta.insert(),
            [
                {"key": "format", "value": "cadredev ledger"},
                {"key": "schema_version", "value": "1"},
            ],
        )
        for seq, row in rows._store.read(_query()):
            conn.execute(
                events.insert(),
                {
                    "seq": seq,
                    "id": row.id,
                    "kind": row.kind,
                    "at": row.at,
                    "subject": row.subject,
                    "recorded_by": row.recorded_by,
                    "supersedes": row.supersedes,
                    "data": row.data,
                },
            )
    engine.dispose()
    with Ledger.connect(url) as upgraded:
        assert upgraded._store.schema_version() == SCHEMA_VERSION  # type: ignore[union-attr]
        # version 2 finds a mentor's history through the new column
        assert upgraded.history("c007") == rows.history("c007")
        assert upgraded.events() == rows.events()


def _query() -> Query:
    return Query()


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "zone.db"
    Ledger.connect(f"sqlite:///{db}").close()
    code = (
        "import datetime as dt, sys\n"
        "from cadredev.events import Assessed\n"
        "from cadredev.ledger import Ledger\n"
        "who = sys.argv[1]\n"
        f"with Ledger.connect('sqlite:///{db}') as ledger:\n"
        "    for k in range(100):\n"
        "        ledger.extend(\n"
        "            Assessed(at=dt.date(2025, 1, 1), recorded_by=who, cadre_id=f'{who}-{k}-{i}',\n"
        "                     period='2025-01', total=1.0, grade='competent')\n"
        "            for i in range(10)\n"
        "        )\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, who], cwd=ROOT)  # noqa: S603
        for who in ("a", "b")
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    with Ledger.connect(f"sqlite:///{db}") as ledger:
        found = ledger.events()
    assert len(found) == 2000
    assert len({e.id for e in found}) == 2000
    assert sorted(e.recorded_by for e in found) == ["a"] * 1000 + ["b"] * 1000


# ------------------------------------------------------- zone and results


def test_snapshot_applies_what_happened(open_ledger: Callable[..., Ledger], zone: Zone) -> None:
    ledger = open_ledger(zone=zone)
    shadowing = next(p for p in zone.programs if p.name == "cross-shadowing")
    mentee = min(shadowing.cadres or ())
    ledger.extend(
        [
            SchemeAdopted(
                at=D(2024, 12, 1), recorded_by=BY, scheme=sample_scheme(), effective=D(2025, 1, 1)
            ),
            Enrolled(
                at=D(2025, 1, 5), recorded_by=BY, cadre_id=mentee, programme="cross-shadowing"
            ),
            Enrolled(
                at=D(2025, 1, 5), recorded_by=BY, cadre_id="c002", programme="cross-shadowing"
            ),
            Withdrawn(
                at=D(2025, 2, 5),
                recorded_by=BY,
                cadre_id="c002",
                programme="cross-shadowing",
                reason="病假",
            ),
            Placed(
                at=D(2025, 1, 6),
                recorded_by=BY,
                cadre_id=mentee,
                post_id="station-1",
                category="stationed",
            ),
            PlacementEnded(at=D(2025, 4, 5), recorded_by=BY, cadre_id=mentee, post_id="station-1"),
            MentorshipStarted(at=D(2025, 1, 6), recorded_by=BY, mentee_id=mentee, mentor_id="c001"),
            Left(at=D(2025, 5, 1), recorded_by=BY, cadre_id="c003"),
        ]
    )
    before = ledger.snapshot(zone, as_of=D(2025, 1, 31))
    assert before.cadre("c003").id == "c003"
    assert before.cadre(mentee).history[-1].end is None
    later = ledger.snapshot(zone, as_of=D(2025, 6, 1))
    assert "c003" not in {c.id for c in later.cadres}
    posting = later.cadre(mentee).history[-1]
    assert (posting.post_id, posting.start, posting.end, posting.category) == (
        "station-1",
        D(2025, 1, 6),
        D(2025, 4, 5),
        "stationed",
    )
    assert [m.mentor_id for m in later.cadre(mentee).mentorships] == ["c001"]
    programs = {p.name: p for p in later.programs}
    assert programs["cross-shadowing"].cadres == {mentee}
    assert later.scheme == sample_scheme()
    assert later.as_of == 2025


def test_record_turns_results_into_events(open_ledger: Callable[..., Ledger]) -> None:
    ledger = open_ledger()
    problem = tiny_rotation_problem()
    plan = schedule(problem, seed=0)
    with pytest.raises(InvalidInputError, match="needs calendar"):
        ledger.record(plan, at=D(2025, 1, 1), recorded_by=BY)
    ids = ledger.record(plan, at=D(2025, 1, 1), recorded_by=BY, calendar=Calendar("2025-01"))
    placed = ledger.events(kind=Placed)
    assert len(ids) == len(plan.assignments) == len(placed)
    first = plan.assignments[0]
    event = next(e for e in placed if isinstance(e, Placed) and e.cadre_id == first.cadre_id)
    assert event.at == Calendar("2025-01").span(first.start)[0]
    with pytest.raises(InvalidInputError, match="expected a Matching"):
        ledger.record("a plan", at=D(2025, 1, 1), recorded_by=BY)


# -------------------------------------------------------------- property


_PEOPLE = ("c1", "c2", "c3")


@st.composite
def _event_stream(draw: st.DrawFn) -> list[Event]:
    """A random stream of events, valid or not: the ledger decides."""
    out: list[Event] = []
    for _ in range(draw(st.integers(0, 25))):
        at = D(2025, 1, 1) + dt.timedelta(days=draw(st.integers(0, 60)))
        a, b = draw(st.sampled_from(_PEOPLE)), draw(st.sampled_from(_PEOPLE))
        out.append(
            draw(
                st.sampled_from(
                    [
                        MentorshipStarted(at=at, recorded_by=BY, mentee_id=a, mentor_id=b),
                        MentorshipEnded(at=at, recorded_by=BY, mentee_id=a, mentor_id=b),
                        Meeting(at=at, recorded_by=BY, mentee_id=a, mentor_id=b, minutes=30),
                        Enrolled(at=at, recorded_by=BY, cadre_id=a, programme="s"),
                        Completed(at=at, recorded_by=BY, cadre_id=a, programme="s"),
                        Placed(at=at, recorded_by=BY, cadre_id=a, post_id="p1"),
                        PlacementEnded(at=at, recorded_by=BY, cadre_id=a, post_id="p1"),
                        Left(at=at, recorded_by=BY, cadre_id=a),
                        Assessed(
                            at=at,
                            recorded_by=BY,
                            cadre_id=a,
                            period="2025-01",
                            total=71.5,
                            grade="competent",
                        ),
                    ]
                )
            )
        )
    return out


def _feed(ledger: Ledger, stream: list[Event]) -> list[bool]:
    accepted = []
    for event in stream:
        try:
            ledger.append(event)
        except InvalidInputError:
            accepted.append(False)
        else:
            accepted.append(True)
    return accepted


@settings(max_examples=25, deadline=None)
@given(_event_stream())
def test_memory_and_sqlite_agree(stream: list[Event]) -> None:
    memory = Ledger()
    database = Ledger.connect("sqlite://")
    try:
        assert _feed(memory, stream) == _feed(database, stream)
        assert memory.events() == database.events()
        for person in _PEOPLE:
            assert memory.history(person) == database.history(person)
    finally:
        database.close()


def test_events_survive_json(open_ledger: Callable[..., Ledger]) -> None:
    ledger = open_ledger()
    ledger.extend(_mentoring())
    for event in ledger.events():
        doc = json.loads(json.dumps(io.dump(event)))
        assert io.load(type(event), doc) == event


# ------------------------------------------------------- the base's checks


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"at": None, "recorded_by": BY}, "at must be a datetime.date, got None"),
        ({"at": "2025-04-01", "recorded_by": BY}, "at must be a datetime.date"),
        ({"at": D(2025, 4, 1), "recorded_by": " hr "}, "recorded_by must be a non-empty string"),
        ({"at": D(2025, 4, 1), "recorded_by": BY, "reason": 1}, "reason must be a string"),
        ({"at": D(2025, 4, 1), "recorded_by": BY, "id": ["e1"]}, "id must be a non-empty"),
    ],
)
def test_the_event_base_names_its_bad_fields(fields: dict[str, Any], message: str) -> None:
    # the record's name first (with the id given, if any), then the field
    with pytest.raises(InvalidInputError, match=f"^Event[^:]*: {message}"):
        Event(**fields)
    with pytest.raises(InvalidInputError, match=f"^Left[^:]*: {message}"):
        Left(**fields, cadre_id="c1")
    with pytest.raises(InvalidInputError, match=f"^_SiteVisit[^:]*: {message}"):
        _SiteVisit(**fields, cadre_id="c1", site="x")  # registered: named like the built-ins


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["at", "recorded_by", "reason", "id", "supersedes"]),
    st.one_of(
        st.none(), st.integers(), st.floats(), st.text(max_size=4), st.dates(), st.lists(st.none())
    ),
)
def test_events_take_any_field_value_or_name_it(name: str, value: Any) -> None:
    fields: dict[str, Any] = {"at": D(2025, 4, 1), "recorded_by": BY, name: value}
    try:
        event = Left(**fields, cadre_id="c1")
    except InvalidInputError as exc:
        assert str(exc).startswith("Left")  # noqa: PT017
        assert f": {name} must" in str(exc)  # noqa: PT017
        return
    assert io.load(Left, io.dump(event)) == event
