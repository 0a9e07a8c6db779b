"""Rotation with a posting history, a calendar and re-plans driven by events."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _rotation_oracle import best_over, heuristic_only
from cadredev import Cadre, InvalidInputError, Post, io
from cadredev.calendar import Calendar
from cadredev.events import Left, Meeting, PlacementEnded, PostClosed
from cadredev.model import Posting
from cadredev.rotation import (
    Assignment,
    Program,
    RotationPlan,
    RotationProblem,
    diagnose,
    replan,
    schedule,
)
from cadredev.rotation._check import check_assignments
from cadredev.rotation._compile import compile_problem

UNITS = ("u1", "u2", "u3")
CATS = ("a", "b")
MONTHS = Calendar("2025-01")
DAY = dt.date(2025, 1, 1)


@st.composite
def postings(draw: st.DrawFn, post_ids: list[str], horizon: int, *, dated: bool) -> Posting:
    """A past posting, mostly before the plan, sometimes reaching into it or ongoing."""
    start = draw(st.integers(-8, horizon))
    end = draw(st.none() | st.integers(start, start + 4))
    post_id = draw(st.sampled_from([*post_ids, "elsewhere"]))
    category = draw(st.sampled_from(("", *CATS)))
    if dated and draw(st.booleans()):
        return Posting(
            post_id=post_id,
            start=MONTHS.span(start)[0],
            end=None if end is None else MONTHS.span(end)[1],
            category=category,
        )
    return Posting(post_id=post_id, start=start, end=end, category=category)


@st.composite
def history_problems(
    draw: st.DrawFn, *, max_cadres: int = 4, max_posts: int = 3, max_horizon: int = 5
) -> RotationProblem:
    """Small problems whose cadres have random histories and whose programs use them."""
    horizon = draw(st.integers(1, max_horizon))
    posts = [
        Post(
            id=f"p{j}",
            unit=draw(st.sampled_from(UNITS)),
            category=draw(st.sampled_from(CATS)),
            capacity=draw(st.integers(0, 2)),
            requirements={"s": draw(st.sampled_from((0.2, 0.5, 0.9)))},
        )
        for j in range(draw(st.integers(1, max_posts)))
    ]
    calendar = MONTHS if draw(st.booleans()) else None
    post_ids = [p.id for p in posts]
    cadres = [
        Cadre(
            id=f"c{i}",
            name="x",
            birth_year=1990,
            rank=draw(st.sampled_from(("section", "division"))),
            unit=draw(st.sampled_from(UNITS)),
            competencies={"s": draw(st.sampled_from((0.0, 0.3, 0.6)))},
            history=draw(
                st.lists(postings(post_ids, horizon, dated=calendar is not None), max_size=2)
            ),
        )
        for i in range(draw(st.integers(1, max_cadres)))
    ]
    present = sorted({p.category for p in posts})
    programs = []
    for k in range(draw(st.integers(1, 2))):
        lo = draw(st.integers(0, 2))
        cats = draw(st.sets(st.sampled_from(present), min_size=1))
        programs.append(
            Program(
                name=f"g{k}",
                length=draw(st.integers(1, min(2, horizon))),
                placements=(lo, draw(st.integers(max(lo, 1), 2))),
                categories=cats,
                other_unit=draw(st.booleans()),
                no_repeat=draw(st.booleans()),
                gap=draw(st.integers(0, 1)),
                career_max=draw(st.dictionaries(st.sampled_from(sorted(cats)), st.integers(0, 3))),
                cooldown=draw(st.dictionaries(st.sampled_from(sorted(cats)), st.integers(0, 3))),
            )
        )
    unavailable = {
        c.id: draw(st.sets(st.integers(0, horizon - 1), max_size=1))
        for c in cadres
        if draw(st.booleans())
    }
    return RotationProblem(
        cadres=cadres,
        posts=posts,
        horizon=horizon,
        programs=programs,
        unavailable=unavailable,
        calendar=calendar,
    )


def all_options(problem: RotationProblem) -> list[Assignment]:
    """Every (cadre, program, post, start), whatever the rules say."""
    return [
        Assignment(cadre_id=c.id, post_id=p.id, program=k.name, start=s, length=k.length)
        for k in problem.programs
        for c in problem.cadres
        for p in problem.posts
        for s in range(problem.horizon - k.length + 1)
    ]


def single_valid(problem: RotationProblem) -> list[Assignment]:
    """Placements the independent checker accepts alone, but for limits shared with others.

    (A post of capacity 0 or a unit with no one to spare still has options: the
    search finds them blocked.)
    """
    shared = {"capacity", "home_staffing"}
    return sorted(
        a
        for a in all_options(problem)
        if {v.kind for v in check_assignments(problem, [a], pinned_check=False)} <= shared
    )


def brute_force(problem: RotationProblem) -> tuple[int, float]:
    """Best (placed, value) over every set of placements the checker accepts."""
    return best_over(problem, single_valid(problem))


def past_categories(problem: RotationProblem, cadre: Cadre) -> list[str]:
    """Each past posting's category, read plainly (own, else the problem's post's)."""
    out = []
    for h in cadre.history:
        if h.category:
            out.append(h.category)
        elif h.post_id in problem.posts_by_id:
            out.append(problem.post(h.post_id).category)
        else:
            out.append("")
    return out


def assert_history_holds(problem: RotationProblem, plan: RotationPlan) -> None:
    """The history rules, stated once more, plainly, next to the checker."""
    assert plan.violations(problem) == ()
    for a in plan.assignments:
        cadre = problem.cadre(a.cadre_id)
        prog = problem.program(a.program)
        if prog.no_repeat:
            assert a.post_id not in {h.post_id for h in cadre.history}, a
    for (cid, pname), group in itertools.groupby(
        sorted(plan.assignments, key=lambda a: (a.cadre_id, a.program)),
        key=lambda a: (a.cadre_id, a.program),
    ):
        prog = problem.program(pname)
        cadre = problem.cadre(cid)
        mine = list(group)
        for cat, limit in prog.career_max.items():
            planned = sum(problem.post(a.post_id).category == cat for a in mine)
            if planned:
                assert past_categories(problem, cadre).count(cat) + planned <= limit


# ---------------------------------------------------------------- the case


def _stationed(history: tuple[Posting, ...], *, no_repeat: bool = True) -> RotationProblem:
    cadres = [
        Cadre(id="wang", name="王", birth_year=1990, rank="section", unit="zone", history=history),
        Cadre(id="li", name="李", birth_year=1991, rank="section", unit="zone"),
    ]
    posts = [
        Post(id="sz", unit="shenzhen", category="stationed", requirements={"investment": 1.0}),
        Post(id="sh", unit="shanghai", category="stationed", requirements={"investment": 0.2}),
    ]
    return RotationProblem(
        cadres=cadres,
        posts=posts,
        horizon=8,
        programs=[
            Program(
                name="stationed",
                length=4,
                placements=(1, 2),
                categories="stationed",
                no_repeat=no_repeat,
            )
        ],
    )


def test_a_post_held_before_is_never_assigned_again_under_no_repeat() -> None:
    past = (Posting(post_id="sz", start=dt.date(2022, 1, 1), end=dt.date(2023, 6, 30)),)
    problem = _stationed(past)  # dated, no calendar: no_repeat needs no timing
    for plan in (schedule(problem, seed=0), schedule(problem, seed=5)):
        assert [a.post_id for a in plan.assignments if a.cadre_id == "wang"] == ["sh"]
        assert plan.violations(problem) == ()
    with heuristic_only():
        plan = schedule(problem, seed=2)
    assert "sz" not in {a.post_id for a in plan.assignments if a.cadre_id == "wang"}
    # without the history, the most valuable post (sz) is wang's first choice
    fresh = schedule(_stationed(()), seed=0)
    assert "sz" in {a.post_id for a in fresh.assignments if a.cadre_id == "wang"}
    # and the rule is the program's: without no_repeat the history does not bind
    free = schedule(_stationed(past, no_repeat=False), seed=0)
    assert "sz" in {a.post_id for a in free.assignments if a.cadre_id == "wang"}


def test_the_checker_catches_a_post_held_before() -> None:
    past = (Posting(post_id="sz", start=-6, end=-3),)
    problem = _stationed(past)
    again = Assignment(cadre_id="wang", post_id="sz", program="stationed", start=0, length=4)
    found = RotationPlan(assignments=[again]).violations(problem)
    assert [v.kind for v in found] == ["repeat"]
    assert "held post 'sz' before" in found[0].message


def test_unplaced_reason_names_the_history() -> None:
    past = (
        Posting(post_id="sz", start=-9, end=-5),
        Posting(post_id="sh", start=-4, end=-1),
    )
    plan = schedule(_stationed(past))
    (short,) = plan.unplaced
    assert short.cadre_id == "wang"
    assert short.reason.startswith("the posting history leaves no post")
    assert "sz" in short.reason
    assert "sh" in short.reason
    (conflict,) = diagnose(_stationed(past))
    assert conflict.kind == "history"
    assert conflict.cadres == ("wang",)
    assert "任职经历" in conflict.message_zh


# ---------------------------------------------------------------- career and cooldown


def _rules(
    history: tuple[Posting, ...], *, calendar: Calendar | None = None, **program: Any
) -> RotationProblem:
    cadre = Cadre(id="c", name="x", birth_year=1990, rank="section", unit="u", history=history)
    posts = [Post(id=f"s{j}", unit="v", category="stationed", capacity=1) for j in range(3)] + [
        Post(id=f"f{j}", unit="v", category="frontline", capacity=1) for j in range(3)
    ]
    options: dict[str, Any] = {
        "name": "p",
        "length": 2,
        "placements": (0, 3),
        "categories": {"stationed"},
    }
    options.update(program)
    return RotationProblem(
        cadres=[cadre],
        posts=posts,
        horizon=12,
        programs=[Program(**options)],
        benefit={("c", p.id): 1.0 for p in posts},
        calendar=calendar,
    )


def test_career_limit_counts_past_postings() -> None:
    past = (
        Posting(post_id="old", start=-10, end=-6, category="stationed"),
        Posting(post_id="s0", start=-5, end=-1),  # category from the problem's post
    )
    plan = schedule(_rules(past, career_max={"stationed": 3}))
    assert len(plan.assignments) == 1
    assert plan.violations(_rules(past, career_max={"stationed": 3})) == ()
    assert len(schedule(_rules((), career_max={"stationed": 3})).assignments) == 3
    assert schedule(_rules(past, career_max={"stationed": 2})).assignments == ()
    two = [
        Assignment(cadre_id="c", post_id=f"s{j}", program="p", start=3 * j, length=2)
        for j in (1, 2)
    ]
    found = RotationPlan(assignments=two).violations(_rules(past, career_max={"stationed": 3}))
    assert [v.kind for v in found] == ["career_max"]
    assert "2 past and 2 planned postings in category 'stationed'" in found[0].message


def test_cooldown_after_past_and_planned_postings() -> None:
    past = (Posting(post_id="f0", start=dt.date(2024, 3, 1), end=dt.date(2024, 12, 31)),)
    problem = _rules(
        past,
        calendar=MONTHS,
        categories={"frontline"},
        cooldown={"frontline": 3},
        no_repeat=False,
    )
    plan = schedule(problem)
    starts = sorted(a.start for a in plan.assignments)
    # the past posting ends in period -1: no start before 3, then 3 idle periods
    # after each two-period placement leave room for two placements in 12 periods
    assert len(starts) == 2
    assert starts[0] >= 3
    assert starts[1] - (starts[0] + 2) >= 3
    assert plan.violations(problem) == ()
    early = [Assignment(cadre_id="c", post_id="f1", program="p", start=2, length=2)]
    found = RotationPlan(assignments=early).violations(problem)
    assert [v.kind for v in found] == ["cooldown"]
    close = [
        Assignment(cadre_id="c", post_id="f1", program="p", start=3, length=2),
        Assignment(cadre_id="c", post_id="f2", program="p", start=6, length=2),
    ]
    found = RotationPlan(assignments=close).violations(problem)
    assert [v.kind for v in found] == ["cooldown"]
    assert "1 idle period(s)" in found[0].message


def test_an_ongoing_posting_blocks_its_category() -> None:
    past = (Posting(post_id="f0", start=-3, category="frontline"),)
    problem = _rules(past, categories={"frontline", "stationed"}, cooldown={"frontline": 1})
    plan = schedule(problem)
    assert {problem.post(a.post_id).category for a in plan.assignments} == {"stationed"}
    assert plan.violations(problem) == ()
    bad = [Assignment(cadre_id="c", post_id="f1", program="p", start=9, length=2)]
    found = RotationPlan(assignments=bad).violations(problem)
    assert "still ongoing" in found[0].message


def test_cooldown_reason_and_diagnosis() -> None:
    past = (Posting(post_id="f0", start=-2, end=8, category="frontline"),)
    problem = _rules(past, categories={"frontline"}, cooldown={"frontline": 3}, placements=(1, 1))
    plan = schedule(problem)
    assert plan.assignments == ()
    assert "cooldown: no 'frontline' start before period 12" in plan.unplaced[0].reason
    assert [c.kind for c in diagnose(problem)] == ["history"]


# ---------------------------------------------------------------- properties


@settings(max_examples=40)
@given(history_problems())
def test_plans_honour_the_history(problem: RotationProblem) -> None:
    plan = schedule(problem, seed=0)
    assert_history_holds(problem, plan)
    with heuristic_only():
        heuristic = schedule(problem, seed=1)
    assert_history_holds(problem, heuristic)
    if heuristic.bound is not None:
        assert heuristic.objective.placed <= heuristic.bound.placed
        assert heuristic.objective.value <= heuristic.bound.value + 1e-6


@settings(max_examples=30)
@given(history_problems())
def test_compiled_options_are_what_the_checker_accepts_alone(problem: RotationProblem) -> None:
    comp = compile_problem(problem)
    fast = sorted(comp.assignment(o) for o in range(comp.n_options))
    assert fast == single_valid(problem)


@settings(max_examples=30)
@given(history_problems(max_cadres=2, max_posts=2, max_horizon=4))
def test_exact_matches_brute_force_with_history(problem: RotationProblem) -> None:
    if len(single_valid(problem)) > 12:
        return
    plan = schedule(problem)
    assert plan.method == "exact"
    placed, value = brute_force(problem)
    assert plan.objective.placed == placed
    assert plan.objective.value == pytest.approx(value, abs=1e-6)
    with heuristic_only():
        heuristic = schedule(problem, seed=0)
    assert (heuristic.objective.placed, heuristic.objective.value) <= (placed, value + 1e-6)


@settings(max_examples=30)
@given(history_problems())
def test_history_conflicts_are_real(problem: RotationProblem) -> None:
    conflicts = [c for c in diagnose(problem) if c.kind == "history"]
    if conflicts:
        plan = schedule(problem)
        assert plan.method == "exact"
        short = {u.cadre_id for u in plan.unplaced}
        assert {cid for c in conflicts for cid in c.cadres} <= short


@settings(max_examples=30)
@given(history_problems(), st.data())
def test_replan_after_a_left_event(problem: RotationProblem, data: st.DataObject) -> None:
    dated = attrs.evolve(problem, calendar=MONTHS)
    plan = schedule(dated, seed=0)
    leaver = data.draw(st.sampled_from([c.id for c in dated.cadres]))
    when = data.draw(st.integers(0, dated.horizon))
    now = data.draw(st.integers(0, dated.horizon))  # before or after the event
    event = Left(at=MONTHS.span(when)[0], recorded_by="hr", cadre_id=leaver)
    again = replan(dated, plan, [event], now=MONTHS.label(now), seed=0)
    assert again.violations(dated) == ()
    assert_history_holds(dated, again)
    theirs = [a for a in again.assignments if a.cadre_id == leaver]
    assert all(a.end < when for a in theirs)
    assert leaver not in {u.cadre_id for u in again.unplaced}
    # the leaver's placements before they left are kept, cut at the event if under way
    for a in plan.assignments:
        if a.cadre_id == leaver and a.start < when:
            kept = attrs.evolve(a, length=min(a.length, when - a.start))
            if kept.length < a.length:
                kept = attrs.evolve(kept, ended_early=True)
            assert kept in again.assignments
    # every earlier assignment of the others still fits, so it is kept
    others = [a for a in plan.assignments if a.cadre_id != leaver]
    assert set(others) <= set(again.assignments)
    new = [a for a in again.assignments if a not in plan.assignments and not a.ended_early]
    assert all(a.start >= now for a in new)


@settings(max_examples=25)
@given(history_problems(), st.data())
def test_replan_after_a_post_closes(problem: RotationProblem, data: st.DataObject) -> None:
    dated = attrs.evolve(problem, calendar=MONTHS)
    plan = schedule(dated, seed=0)
    post = data.draw(st.sampled_from([p.id for p in dated.posts]))
    when = data.draw(st.integers(0, dated.horizon))
    event = PostClosed(at=MONTHS.span(when)[0], recorded_by="office", post_id=post)
    again = replan(dated, plan, [event], now=when, seed=0)
    assert again.violations(dated) == ()
    assert not [a for a in again.assignments if a.post_id == post and a.start >= when]
    assert {a for a in plan.assignments if a.post_id == post and a.start < when} <= set(
        again.assignments
    )


def test_replan_placement_ended_early() -> None:
    problem = attrs.evolve(_stationed(()), calendar=MONTHS)
    plan = schedule(problem, seed=0)
    first = min(plan.assignments, key=lambda a: (a.start, a.cadre_id))
    last_day = MONTHS.span(first.start + 1)[1]
    ended = PlacementEnded(
        at=last_day, recorded_by="hr", cadre_id=first.cadre_id, post_id=first.post_id
    )
    again = replan(problem, plan, [ended], now=first.start + 2, seed=0)
    cut = attrs.evolve(first, length=2, ended_early=True)
    assert cut in again.assignments
    assert first not in again.assignments
    assert again.violations(problem) == ()
    assert "ended early" in again.explain(first.cadre_id)
    # the cut placement still counts: the post is not given to the cadre again
    assert [a.post_id for a in again.assignments if a.cadre_id == first.cadre_id].count(
        first.post_id
    ) == 1
    # applying the same event again changes nothing
    assert replan(problem, again, [ended], now=first.start + 2, seed=0).assignments == (
        again.assignments
    )
    # an event that matches no assignment (here: of a placement not in the plan)
    # changes nothing
    other = "li" if first.cadre_id == "wang" else "wang"
    stray = PlacementEnded(at=last_day, recorded_by="hr", cadre_id=other, post_id=first.post_id)
    alone = RotationPlan(assignments=[first])
    assert first in replan(problem, alone, [stray], now=problem.horizon).assignments


def test_an_ended_early_assignment_must_be_shorter() -> None:
    problem = _stationed(())
    long = Assignment(
        cadre_id="li", post_id="sz", program="stationed", start=0, length=4, ended_early=True
    )
    short = attrs.evolve(long, length=1)
    assert [v.kind for v in RotationPlan(assignments=[long]).violations(problem)] == ["length"]
    assert RotationPlan(assignments=[short]).violations(problem) == ()


# ---------------------------------------------------------------- calendar


def test_calendar_dates_the_plan_and_reads_the_horizon() -> None:
    base = _stationed(())
    quarters = Calendar("2025Q1")
    by_label = attrs.evolve(base, horizon="2026Q4", calendar=quarters)
    by_date = attrs.evolve(base, horizon=dt.date(2026, 11, 30), calendar=quarters)
    assert by_label == by_date
    assert by_label.horizon == 8
    plan = schedule(by_label, seed=0)
    assert plan.calendar == quarters
    first = plan.assignments[0]
    assert plan.dates(first) == (quarters.span(first.start)[0], quarters.span(first.end)[1])
    assert "2025Q" in plan.explain(first.cadre_id)
    with pytest.raises(InvalidInputError, match="the plan has no calendar"):
        schedule(base).dates(first)


def test_problem_and_plan_with_history_round_trip() -> None:
    past = (Posting(post_id="sz", start=dt.date(2022, 1, 1), end=dt.date(2023, 6, 30)),)
    base = _stationed(past)
    program = attrs.evolve(base.programs[0], career_max={"stationed": 2}, cooldown={"stationed": 1})
    problem = attrs.evolve(base, programs=[program], horizon="2025-12", calendar=MONTHS)
    assert problem.horizon == 12
    assert io.load(RotationProblem, io.dump(problem)) == problem
    plan = schedule(problem, seed=0)
    cut = attrs.evolve(plan.assignments[0], length=1, ended_early=True)
    plan = attrs.evolve(plan, assignments=[cut, *plan.assignments[1:]])
    assert io.load(RotationPlan, io.dump(plan)) == plan


# ---------------------------------------------------------------- bad input


def test_bad_program_history_options() -> None:
    with pytest.raises(InvalidInputError, match=r"career_max\['host'\] must be an integer >= 0"):
        Program(name="x", length=1, categories="host", career_max={"host": -1})
    with pytest.raises(InvalidInputError, match=r"cooldown\['host'\] must be an integer >= 0"):
        Program(name="x", length=1, categories="host", cooldown={"host": 1.5})
    with pytest.raises(InvalidInputError, match="cooldown names category 'front', which is not"):
        Program(name="x", length=1, categories="host", cooldown={"front": 2})
    with pytest.raises(InvalidInputError, match="career_max must map post categories"):
        Program(name="x", length=1, categories="host", career_max=3)


def test_dates_need_a_calendar_only_where_timing_matters() -> None:
    past = (Posting(post_id="f0", start=dt.date(2024, 1, 1), end=dt.date(2024, 6, 30)),)
    with pytest.raises(InvalidInputError, match=r"Cadre 'c'.*needs RotationProblem\(calendar"):
        _rules(past, categories={"frontline"}, cooldown={"frontline": 2})
    # counting rules need no timing
    _rules(past, categories={"frontline"}, career_max={"frontline": 2})
    with pytest.raises(InvalidInputError, match="horizon '2026Q4' is a date or a period label"):
        attrs.evolve(_stationed(()), horizon="2026Q4")
    with pytest.raises(InvalidInputError, match="ends before the calendar's first period"):
        attrs.evolve(_stationed(()), horizon="2024-12", calendar=MONTHS)
    with pytest.raises(InvalidInputError, match="calendar must be a Calendar"):
        attrs.evolve(_stationed(()), calendar="2025-01")  # type: ignore[arg-type]


def test_replan_rejects_unknown_ids_and_undated_input() -> None:
    problem = _stationed(())
    plan = schedule(problem, seed=0)
    with pytest.raises(InvalidInputError, match="released names unknown id 'typo'"):
        replan(problem, plan, released=["typo"])
    stray = Assignment(cadre_id="li", post_id="sz", program="stationed", start=3, length=4)
    assert stray not in plan.assignments
    with pytest.raises(InvalidInputError, match=r"released assignment .* is not in the plan"):
        replan(problem, plan, released=[stray])
    gone = Left(at=DAY, recorded_by="hr", cadre_id="li")
    with pytest.raises(InvalidInputError, match=r"events are dated .*calendar"):
        replan(problem, plan, [gone])
    with pytest.raises(InvalidInputError, match=r"now: .*needs RotationProblem"):
        replan(problem, plan, now=DAY)
    dated = attrs.evolve(problem, calendar=MONTHS)
    with pytest.raises(InvalidInputError, match="Left names unknown cadre id 'zhao'"):
        replan(dated, plan, [Left(at=DAY, recorded_by="hr", cadre_id="zhao")])
    with pytest.raises(InvalidInputError, match="PostClosed names unknown post id 'bj'"):
        replan(dated, plan, [PostClosed(at=DAY, recorded_by="hr", post_id="bj")])
    meeting = Meeting(at=DAY, recorded_by="m", mentee_id="li", mentor_id="wang")
    with pytest.raises(InvalidInputError, match="events may hold Left, PostClosed"):
        replan(dated, plan, [meeting])
    with pytest.raises(InvalidInputError, match=r"now must be a period in 0\.\.8"):
        replan(dated, plan, now="2026-01")


def test_an_event_may_not_cut_a_pinned_assignment() -> None:
    problem = attrs.evolve(_stationed(()), calendar=MONTHS)
    pin = Assignment(cadre_id="li", post_id="sz", program="stationed", start=0, length=4)
    pinned = attrs.evolve(problem, pinned=[pin])
    plan = schedule(pinned, seed=0)
    gone = Left(at=MONTHS.span(2)[0], recorded_by="hr", cadre_id="li")
    with pytest.raises(InvalidInputError, match="cut pinned assignment"):
        replan(pinned, plan, [gone], now=2)
