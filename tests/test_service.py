"""The enterprise service loop: cases, transitions, deadlines, escalation, events, metrics."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadredev import InvalidInputError, io
from cadredev.calendar import period_of
from cadredev.events import CaseOpened, CaseStepped, EnterpriseVisited
from cadredev.ledger import Ledger
from cadredev.service import (
    EVENTS,
    INDICATORS,
    Case,
    CaseState,
    ServiceMetrics,
    ServicePolicy,
    Step,
    Sweep,
    advance,
    case_events,
    cases_from_events,
    escalate_overdue,
    open_case,
    service_metrics,
)
from hostile import (
    hostile_values,
    init_fields,
    named_or_round_trips,
    outcome,
    rebuilt_with_hostile_field,
)

DAY = dt.date(2025, 1, 6)

# The loop written out again, independently of cadredev.service.EVENTS:
# event -> {from state: to state}; escalate keeps the state.
ORACLE: dict[str, dict[str, str]] = {
    "collect": {"visited": "collected"},
    "register": {"collected": "registered"},
    "analyse": {"registered": "analysed"},
    "handle": {"analysed": "handled"},
    "revisit": {"handled": "closed"},
    "reopen": {"handled": "analysed"},
    "withdraw": dict.fromkeys(("visited", "collected", "registered", "analysed"), "closed"),
    "escalate": {s: s for s in ("visited", "collected", "registered", "analysed", "handled")},
}


def _reachable() -> set[str]:
    seen = {"visited", "collected"}
    frontier = list(seen)
    while frontier:
        state = frontier.pop()
        for table in ORACLE.values():
            nxt = table.get(state)
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return seen


POLICY = ServicePolicy(
    sla={"visited": 3, "collected": 2, "registered": 3, "analysed": 6, "handled": 10},
    grids=["grid-1", "grid-2"],
    units={"用地": "建设管理局"},
    leaders={"grid-1": "c001", "grid-2": "c002"},
)


def _open(case_id: str = "k1", *, source: Any = "visit", policy: Any = None) -> Case:
    return open_case(
        case_id,
        enterprise_id="e1",
        grid="grid-1",
        cadre_id="c101",
        at=DAY,
        source=source,
        category="用地",
        policy=policy,
    )


@st.composite
def walks(draw: st.DrawFn, *, case_id: str = "k1", policy: bool = False) -> Case:
    """A case taken through a random sequence of allowed events."""
    cadre = draw(st.sampled_from(["c101", "c102", "c103"]))
    grid = draw(st.sampled_from(["grid-1", "grid-2"]))
    start = DAY + dt.timedelta(days=draw(st.integers(0, 300)))
    source = draw(st.sampled_from(["visit", "whistle"]))
    rules = POLICY if policy else None
    case = open_case(
        case_id,
        enterprise_id=draw(st.sampled_from(["e1", "e2", "e3"])),
        grid=grid,
        cadre_id=cadre,
        at=start,
        source=source,  # type: ignore[arg-type]
        category=draw(st.sampled_from(["用地", "用工"])),
        policy=rules,
    )
    day = start
    for _ in range(draw(st.integers(0, 9))):
        if rules is not None:
            case = _settle(case, rules, day)
        allowed = sorted(
            e
            for e, (sources, _) in EVENTS.items()
            if case.state in sources and (e != "escalate" or case.level < 3)
        )
        if not allowed:
            break
        event = draw(st.sampled_from(allowed))
        day += dt.timedelta(days=draw(st.integers(0, 8)))
        owner = None
        if event == "escalate" and rules is None:
            owner = f"owner-{case.level + 1}"
        if rules is not None:
            case = _settle(case, rules, day)
            if case.state not in EVENTS[event][0] or (event == "escalate" and case.level == 3):
                break
        case = advance(case, event, at=day, policy=rules, owner=owner, by=cadre)
    return case


def _settle(case: Case, policy: ServicePolicy, day: dt.date) -> Case:
    return escalate_overdue([case], policy, as_of=day).cases[0]


# ------------------------------------------------------------------ bad input


def test_a_transition_from_a_closed_state_names_case_state_and_event() -> None:
    case = _open()
    for event in ("withdraw",):
        case = advance(case, event, at=DAY)
    assert case.closed
    for event in EVENTS:
        with pytest.raises(
            InvalidInputError, match=rf"Case 'k1': cannot '{event}' from state 'closed'"
        ):
            advance(case, event, at=DAY, owner="x")


def test_an_event_not_allowed_in_the_state_is_an_error() -> None:
    with pytest.raises(InvalidInputError, match=r"cannot 'handle' from state 'visited'.*allowed"):
        advance(_open(), "handle", at=DAY)
    with pytest.raises(InvalidInputError, match="unknown event 'fly' in state 'visited'"):
        advance(_open(), "fly", at=DAY)


@pytest.mark.parametrize("days", [0, -3])
def test_an_sla_of_zero_days_is_a_named_error(days: int) -> None:
    with pytest.raises(
        InvalidInputError, match=r"ServicePolicy: sla\['analysed'\] must be at least 1 day"
    ):
        ServicePolicy(sla={"analysed": days})


@pytest.mark.parametrize(
    ("sla", "match"),
    [
        ({"closed": 3}, "closed case has no deadline"),
        ({"nowhere": 3}, "unknown state 'nowhere'"),
        ({"handled": 1.5}, "whole number of days"),
        ([1, 2], "must map states to days"),
    ],
)
def test_malformed_slas_are_errors(sla: Any, match: str) -> None:
    with pytest.raises(InvalidInputError, match=match):
        ServicePolicy(sla=sla)


def test_an_unknown_owner_is_an_error() -> None:
    case = _open(policy=POLICY)
    with pytest.raises(InvalidInputError, match="unknown owner '某局' at level 2"):
        advance(case, "escalate", at=DAY, owner="某局", policy=POLICY)
    with pytest.raises(InvalidInputError, match="unknown owner 'grid-9' at level 1"):
        open_case("k2", enterprise_id="e", grid="grid-9", cadre_id="c", at=DAY, policy=POLICY)
    with pytest.raises(InvalidInputError, match="only 'escalate' changes the owner"):
        advance(case, "collect", at=DAY, owner="建设管理局")


@pytest.mark.parametrize("level", [0, 4, "2", 1.0, None])
def test_an_unknown_level_is_an_error(level: Any) -> None:
    with pytest.raises(InvalidInputError, match="unknown level"):
        POLICY.owner_for(level, grid="grid-1")
    with pytest.raises(InvalidInputError, match="level must be 1, 2 or 3"):
        Step(event="open", at=DAY, state="visited", level=level, owner="grid-1")


def test_escalation_stops_at_the_top_level() -> None:
    case = _open()
    case = advance(case, "escalate", at=DAY, owner="u")
    case = advance(case, "escalate", at=DAY, owner="boss")
    assert (case.level, case.owner) == (3, "boss")
    with pytest.raises(InvalidInputError, match=r"at level 3 .*top level"):
        advance(case, "escalate", at=DAY, owner="more")
    with pytest.raises(InvalidInputError, match="needs an owner for level 2"):
        advance(_open(), "escalate", at=DAY)


def test_steps_go_forward_in_time_and_cases_check_their_path() -> None:
    case = advance(_open(), "collect", at=DAY + dt.timedelta(days=2))
    with pytest.raises(InvalidInputError, match="before the last step"):
        advance(case, "register", at=DAY)
    bad = Step(event="handle", at=DAY, state="handled", level=1, owner="grid-1")
    with pytest.raises(InvalidInputError, match="Case 'k1': step 1: cannot 'handle'"):
        attrs.evolve(case, steps=(case.steps[0], bad))
    with pytest.raises(InvalidInputError, match="must start with an 'open' step"):
        attrs.evolve(case, steps=())
    with pytest.raises(InvalidInputError, match="source must be 'visit' or 'whistle'"):
        _open(source="phone")
    with pytest.raises(InvalidInputError, match=r"at must be a datetime.date"):
        advance(case, "register", at=dt.datetime(2025, 2, 1, 9, 0))  # noqa: DTZ001


def test_case_events_validate_their_fields() -> None:
    with pytest.raises(InvalidInputError, match="level must be an integer from 0 to 3"):
        CaseStepped(at=DAY, recorded_by="x", case_id="k", step="collect", level=5)
    with pytest.raises(InvalidInputError, match="case_id"):
        CaseOpened(at=DAY, recorded_by="x", case_id="", cadre_id="c", enterprise_id="e", grid="g")


def test_orphan_or_invalid_steps_in_events_are_errors() -> None:
    step = CaseStepped(at=DAY, recorded_by="x", case_id="k9", step="collect")
    with pytest.raises(InvalidInputError, match=r"Case 'k9': step 'collect' .* before the case"):
        cases_from_events([step])
    events = list(case_events([advance(_open(), "withdraw", at=DAY)]))
    events.append(CaseStepped(at=DAY, recorded_by="x", case_id="k1", step="handle"))
    with pytest.raises(InvalidInputError, match="cannot 'handle' from state 'closed'"):
        cases_from_events(events)
    with pytest.raises(InvalidInputError, match="opened twice"):
        cases_from_events([events[0], events[0]])


def test_metrics_reject_bad_options() -> None:
    with pytest.raises(InvalidInputError, match="period must be"):
        service_metrics([], period="week")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="by must be"):
        service_metrics([], by="unit")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="duplicate case id"):
        service_metrics([_open(), _open()])
    with pytest.raises(InvalidInputError, match=r"as_of must be a datetime.date"):
        escalate_overdue([], POLICY, as_of="2025-01-01")  # type: ignore[arg-type]


# ---------------------------------------------------------- the state machine


@given(walks())
def test_any_valid_walk_stays_in_a_reachable_state(case: Case) -> None:
    assert case.state.value in _reachable()
    # replay the walk on the oracle table
    state = "collected" if case.source == "whistle" else "visited"
    level = 1
    for step in case.steps[1:]:
        state = ORACLE[step.event][state]
        level += step.event == "escalate"
        assert (step.state.value, step.level) == (state, level)
    assert 1 <= case.level <= 3
    assert attrs.evolve(case) == case  # the record revalidates its own path


@given(walks(policy=True))
def test_deadlines_escalate_one_level_the_day_after(case: Case) -> None:
    for prev, step in itertools.pairwise(case.steps):
        if step.event == "escalate":
            assert step.level == prev.level + 1
            assert POLICY.knows(step.level, step.owner)
            assert step.due == step.at + dt.timedelta(days=POLICY.sla[step.state])
        if step.note == "deadline passed":  # automatic: the day after the deadline
            assert prev.due is not None
            assert step.at == prev.due + dt.timedelta(days=1)
        elif prev.due is not None and prev.level < 3:
            assert step.at <= prev.due  # a passed deadline would have escalated first
    late = any(s.note == "deadline passed" for s in case.steps)
    if case.on_time:
        assert case.resolved_at is not None
        handled = max(n for n, s in enumerate(case.steps) if s.event == "handle")
        assert not any(s.note == "deadline passed" for s in case.steps[:handled])
    elif case.resolved_at is not None and case.level < 3:
        assert late


@given(walks(policy=True), st.integers(0, 60), st.integers(0, 60))
def test_sweeps_compose_and_are_idempotent(case: Case, a: int, b: int) -> None:
    first = case.steps[-1].at + dt.timedelta(days=a)
    later = first + dt.timedelta(days=b)
    once = escalate_overdue([case], POLICY, as_of=later)
    twice = escalate_overdue(
        escalate_overdue([case], POLICY, as_of=first).cases, POLICY, as_of=later
    )
    assert once.cases == twice.cases
    assert escalate_overdue(once.cases, POLICY, as_of=later).escalations == ()
    done = once.cases[0]
    if not done.closed and done.due is not None and done.due < later:
        assert done.level == 3
        assert once.overdue == (done.id,)


def test_a_late_case_climbs_grid_unit_leader() -> None:
    case = _open(policy=POLICY)
    case = advance(case, "collect", at=DAY, policy=POLICY)
    sweep = escalate_overdue([case], POLICY, as_of=DAY + dt.timedelta(days=30))
    owners = [(e.to_level, e.owner, e.at) for e in sweep.escalations]
    assert owners == [
        (2, "建设管理局", DAY + dt.timedelta(days=3)),
        (3, "c001", DAY + dt.timedelta(days=6)),
    ]
    assert sweep.overdue == ("k1",)
    assert "overdue at level 3" in sweep.explain()
    assert "<table>" in sweep._repr_html_()


def test_a_whistle_blower_warning_opens_a_collected_case() -> None:
    case = _open(source="whistle", policy=POLICY)
    assert case.state is CaseState.COLLECTED
    assert case.due == DAY + dt.timedelta(days=2)
    assert "whistle-blower" in case.explain()


# ------------------------------------------------------- events and io


@given(st.lists(walks(policy=True), max_size=4), st.randoms(use_true_random=False))
def test_replaying_the_ledger_gives_the_same_cases(cases: list[Case], rnd: Any) -> None:
    cases = [attrs.evolve(c, id=f"k{n}") for n, c in enumerate(cases)]
    ledger = Ledger()
    ledger.extend(case_events(cases))
    ledger.append(
        EnterpriseVisited(at=DAY, recorded_by="c1", cadre_id="c1", enterprise_id="e1", grid="g")
    )
    back = cases_from_events(ledger.events())
    assert back == tuple(sorted(cases, key=lambda c: c.id))
    shuffled = list(cases)
    rnd.shuffle(shuffled)
    assert case_events(shuffled) == case_events(cases)


@given(walks(policy=True))
def test_cases_round_trip_through_io(case: Case) -> None:
    assert io.load(Case, io.dump(case)) == case
    assert io.load(ServicePolicy, io.dump(POLICY)) == POLICY


def test_case_events_are_stored_in_a_database_ledger() -> None:
    case = advance(
        advance(_open(policy=POLICY), "collect", at=DAY, policy=POLICY),
        "register",
        at=DAY + dt.timedelta(days=9),
        policy=POLICY,
    )
    ledger = Ledger.connect("sqlite://")
    ledger.extend(case_events([case]))
    assert cases_from_events(ledger.events()) == (case,)
    assert [e.kind for e in ledger.history("c101")] == ["CaseOpened"]


# ---------------------------------------------------------------- metrics


def _naive(
    cases: list[Case], visits: list[EnterpriseVisited], level: Any
) -> Counter[tuple[str, str, str]]:
    """Count every indicator by walking the steps: an oracle sharing no code with the metrics."""
    out: Counter[tuple[str, str, str]] = Counter()
    for v in visits:
        out[(v.cadre_id, period_of(v.at, level), "visits")] += 1
    for c in cases:
        registered = [s for s in c.steps if s.event == "register"]
        if registered:
            out[(c.cadre_id, period_of(registered[0].at, level), "cases_registered")] += 1
        for s in c.steps:
            if s.event in ("revisit", "reopen"):
                out[(c.cadre_id, period_of(s.at, level), "revisits")] += 1
            if s.event == "escalate":
                out[(c.cadre_id, period_of(s.at, level), "escalations")] += 1
        events = [s.event for s in c.steps]
        last_handle = max((n for n, e in enumerate(events) if e == "handle"), default=None)
        if last_handle is None or "reopen" in events[last_handle:]:
            continue
        done = c.steps[last_handle].at
        key = (c.cadre_id, period_of(done, level))
        out[(*key, "issues_resolved")] += 1
        out[(*key, "days_to_resolve.num")] += (done - registered[0].at).days
        out[(*key, "days_to_resolve.den")] += 1
        late = any(
            p.due is not None and s.at > p.due
            for p, s in zip(c.steps, c.steps[1 : last_handle + 1], strict=False)
        )
        out[(*key, "resolved_on_time")] += not late
    return +out


case_lists = st.lists(walks(policy=True), max_size=6).map(
    lambda cs: [attrs.evolve(c, id=f"k{n}") for n, c in enumerate(cs)]
)
visit_lists = st.lists(
    st.builds(
        EnterpriseVisited,
        at=st.dates(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        recorded_by=st.just("x"),
        cadre_id=st.sampled_from(["c101", "c102", "c104"]),
        enterprise_id=st.just("e1"),
        grid=st.sampled_from(["grid-1", "grid-2"]),
    ),
    max_size=8,
)


@given(
    case_lists,
    visit_lists,
    st.sampled_from(["month", "quarter", "year"]),
    st.randoms(use_true_random=False),
)
def test_metrics_match_a_naive_count_whatever_the_order(
    cases: list[Case], visits: list[EnterpriseVisited], level: Any, rnd: Any
) -> None:
    metrics = service_metrics(cases, visits=visits, period=level)
    got = Counter(
        {
            (r.key, r.period, name): v
            for r in metrics.rows
            for name, v in zip(INDICATORS, r.values, strict=True)
            if v
        }
    )
    assert got == _naive(cases, visits, level)
    shuffled_cases, shuffled_visits = list(cases), list(visits)
    rnd.shuffle(shuffled_cases)
    rnd.shuffle(shuffled_visits)
    assert service_metrics(shuffled_cases, visits=shuffled_visits, period=level) == metrics
    records = metrics.records()
    for r in metrics.rows:
        for name in INDICATORS:
            assert records.value(r.key, r.period, name) == r[name]


@given(case_lists, visit_lists)
def test_months_add_up_to_the_year_and_grids_to_the_zone(
    cases: list[Case], visits: list[EnterpriseVisited]
) -> None:
    months = service_metrics(cases, visits=visits, period="month")
    year = service_metrics(cases, visits=visits, period="year")
    grids = service_metrics(cases, visits=visits, period="quarter", by="grid")
    assert months.totals == year.totals == grids.totals
    assert year.totals["visits"] == len(visits)
    assert year.totals["issues_resolved"] == sum(c.resolved_at is not None for c in cases)


def test_metrics_explain_themselves() -> None:
    case = _open()
    for event, day in [
        ("collect", 0),
        ("register", 1),
        ("analyse", 2),
        ("handle", 9),
        ("revisit", 12),
    ]:
        case = advance(case, event, at=DAY + dt.timedelta(days=day))
    metrics = service_metrics([case], period="month")
    assert metrics.mean_days_to_resolve == 8.0
    text = metrics.explain("c101")
    assert "1 resolved (1 on time), 1 revisits" in text
    assert "<table>" in metrics._repr_html_()
    with pytest.raises(InvalidInputError, match="no row for cadre 'nobody'"):
        metrics.explain("nobody")
    assert service_metrics([]).rows == ()
    assert service_metrics([]).mean_days_to_resolve is None
    assert service_metrics([]).records().n_rows == 0


@given(case_lists, visit_lists, st.dates(dt.date(2025, 1, 1), dt.date(2026, 6, 30)))
def test_metrics_and_sweeps_round_trip_through_io(
    cases: list[Case], visits: list[EnterpriseVisited], as_of: dt.date
) -> None:
    metrics = service_metrics(cases, visits=visits, period="quarter", by="grid")
    assert io.load(ServiceMetrics, io.dump(metrics)) == metrics
    sweep = escalate_overdue(cases, POLICY, as_of=as_of)
    assert io.load(Sweep, io.dump(sweep)) == sweep
    for event in case_events(sweep.cases):
        assert io.load(type(event), io.dump(event)) == event


@given(
    case_lists,
    st.dates(dt.date(2025, 1, 1), dt.date(2026, 6, 30)),
    st.randoms(use_true_random=False),
)
def test_a_sweep_does_not_depend_on_the_case_order(
    cases: list[Case], as_of: dt.date, rnd: Any
) -> None:
    shuffled = list(cases)
    rnd.shuffle(shuffled)
    assert escalate_overdue(shuffled, POLICY, as_of=as_of) == escalate_overdue(
        cases, POLICY, as_of=as_of
    )


def test_policy_owners_must_be_named() -> None:
    with pytest.raises(InvalidInputError, match="grids must be non-empty text"):
        ServicePolicy(grids=["grid-1", " "])
    with pytest.raises(InvalidInputError, match="units must map non-empty text"):
        ServicePolicy(units={"用地": ""})
    with pytest.raises(InvalidInputError, match="default_leader must be non-empty text"):
        ServicePolicy(default_leader="")


# ------------------------------------------------------------ hostile input

hostile = hostile_values(" k1 ", DAY)


def _any(value: Any) -> Any:
    """Return *value* typed as ``Any``: a wrong value passed on purpose."""
    return value


@settings(max_examples=200, deadline=None)
@given(st.one_of(walks(policy=True), st.just(POLICY)), st.data())
def test_cases_and_policies_from_hostile_fields_are_named_errors_or_round_trip(
    record: Any, data: st.DataObject
) -> None:
    cls, name, built = rebuilt_with_hostile_field(record, data, hostile)
    if named_or_round_trips(cls, name, built) and isinstance(built, Case):
        # whatever is accepted still replays from its events
        assert cases_from_events(case_events([built])) == (built,)


@settings(max_examples=100, deadline=None)
@given(hostile, st.sampled_from(["case", "policy", "cases", "events", "recorded_by"]))
def test_service_functions_check_what_they_are_given(value: Any, where: str) -> None:
    calls = {
        "case": lambda: advance(value, "collect", at=DAY),
        "policy": lambda: advance(_open(), "collect", at=DAY, policy=value),
        "cases": lambda: case_events(value),
        "events": lambda: cases_from_events(value),
        "recorded_by": lambda: case_events([_open()], recorded_by=value),
    }
    outcome(calls[where])  # a result or a named error; any other exception fails the test


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: advance(_any(None), "collect", at=DAY), "advance: case must be a Case, got None"),
        (lambda: advance(_any({"id": "k1"}), "collect", at=DAY), "advance: case must be a Case"),
        (
            lambda: advance(_open(), "collect", at=DAY, policy=_any({"sla": {}})),
            "Case 'k1': policy must be a ServicePolicy or None",
        ),
        (
            lambda: _open(policy=frozenset()),
            "open_case 'k1': policy must be a ServicePolicy or None",
        ),
        (lambda: case_events(_any(None)), "case_events: cases must be a collection, got None"),
        (lambda: case_events(_any(["k1"])), "case_events: cases must hold Case records, got 'k1'"),
        (lambda: case_events([_open()], recorded_by=" 网格"), "case_events: recorded_by must be"),
        (lambda: cases_from_events(_any(1)), "cases_from_events: events must be a collection"),
        (
            lambda: Case(id="k1", enterprise_id="e1", grid="g", cadre_id="c", steps=_any(None)),
            "Case 'k1': steps must be a collection, got None",
        ),
        (
            lambda: Case(id="k1", enterprise_id="e1", grid="g", cadre_id="c", steps=_any(["open"])),
            "Case 'k1': steps must hold Step records, got 'open'",
        ),
        (
            lambda: ServicePolicy(grids=_any([["g"]])),
            r"ServicePolicy: grids must be non-empty text",
        ),
        (lambda: ServicePolicy(grids="grid-1"), "ServicePolicy: grids must be a collection"),
        (lambda: ServicePolicy(units=["用地"]), "ServicePolicy: units must map text to text"),
        (lambda: ServicePolicy(leaders=None), "ServicePolicy: leaders must map text to text"),
        (lambda: service_metrics(_any(None)), "service_metrics: cases must be a collection"),
        (
            lambda: service_metrics([], visits=_any(1)),
            "service_metrics: visits must be a collection, got 1",
        ),
    ],
)
def test_bad_service_input_names_the_function_or_record(call: Any, message: str) -> None:
    with pytest.raises(InvalidInputError, match=f"^{message}"):
        call()


def _service_results() -> list[Any]:
    case = _open(policy=POLICY)
    sweep = escalate_overdue([case], POLICY, as_of=DAY + dt.timedelta(days=30))
    metrics = service_metrics([sweep.cases[0]])
    assert sweep.escalations
    assert metrics.rows
    return [sweep, sweep.escalations[0], metrics, metrics.rows[0]]


SERVICE_RESULTS = _service_results()


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SERVICE_RESULTS), st.data())
def test_sweeps_and_metrics_from_hostile_fields_are_named_errors_or_round_trip(
    record: Any, data: st.DataObject
) -> None:
    named_or_round_trips(*rebuilt_with_hostile_field(record, data, hostile))


@pytest.mark.parametrize("record", SERVICE_RESULTS, ids=lambda r: type(r).__name__)
def test_sweeps_and_metrics_rebuilt_from_their_fields_are_equal(record: Any) -> None:
    assert type(record)(**init_fields(record)) == record


def test_escalate_overdue_checks_its_cases() -> None:
    with pytest.raises(InvalidInputError, match=r"^escalate_overdue: cases must be a collection"):
        escalate_overdue(_any(None), POLICY, as_of=DAY)
    with pytest.raises(InvalidInputError, match=r"^escalate_overdue: cases\[0\] must be a Case"):
        escalate_overdue(_any(["k1"]), POLICY, as_of=DAY)
    with pytest.raises(InvalidInputError, match=r"^escalate_overdue: cases repeat the id 'k1'"):
        escalate_overdue([_open(), _open()], POLICY, as_of=DAY)
