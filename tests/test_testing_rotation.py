from __future__ import annotations

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from cadredev._hypothesis_plugin import _hypothesis_setup_hook
from cadredev.rotation import RotationProblem, diagnose, schedule
from cadredev.testing import rotation_problems


@settings(max_examples=25, deadline=None)
@given(rotation_problems(feasible=True))
def test_feasible_problems_are_solved_in_full(problem: RotationProblem) -> None:
    plan = schedule(problem, seed=0)
    assert plan.violations(problem) == ()
    assert plan.unplaced == ()


@settings(max_examples=15, deadline=None)
@given(rotation_problems(feasible=False))
def test_infeasible_problems_leave_someone_unplaced(problem: RotationProblem) -> None:
    plan = schedule(problem, seed=0)
    assert plan.violations(problem) == ()
    assert plan.unplaced
    assert diagnose(problem)


@settings(max_examples=15, deadline=None)
@given(rotation_problems(max_cadres=2, max_posts=1, max_horizon=2))
def test_size_options_are_respected(problem: RotationProblem) -> None:
    assert 1 <= len(problem.cadres) <= 2
    assert len(problem.posts) == 1
    assert 1 <= problem.horizon <= 2


def test_shrinks_to_a_small_problem() -> None:
    smallest = find(rotation_problems(feasible=True), lambda p: len(p.programs) >= 1)
    assert len(smallest.cadres) == 1
    assert smallest.horizon == 1


def test_from_type_draws_rotation_problems() -> None:
    _hypothesis_setup_hook()

    @settings(max_examples=5, deadline=None)
    @given(st.from_type(RotationProblem))
    def check(problem: RotationProblem) -> None:
        assert isinstance(problem, RotationProblem)

    check()


@pytest.mark.parametrize(
    "kwargs",
    [{"max_cadres": 0}, {"max_posts": -1}, {"max_horizon": True}, {"feasible": "yes"}],
)
def test_bad_options(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidArgument, match="rotation_problems"):
        rotation_problems(**kwargs)  # type: ignore[arg-type]
