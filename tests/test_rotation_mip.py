"""The option model's solve: its shortcuts never change the optimum.

``run_milp`` tries the linear relaxation first and, given an incumbent,
returns it when the relaxation proves nothing better. Both are checked
against scipy's HiGHS MIP on the same model, called directly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from cadredev.rotation import RotationProblem
from cadredev.rotation._compile import compile_problem
from cadredev.rotation._construct import State, greedy
from cadredev.rotation._mip import _matrix, build_model, solve_model
from test_rotation import problems
from test_rotation_rules import rule_problems


def _first_level(model: Any, chosen: np.ndarray | None = None) -> float:
    """The model's first-level optimum by HiGHS's MIP, with no shortcut.

    With ``chosen``, the options are fixed to those (the counters still at
    their best): the objective of that plan.
    """
    n_x, n_int = len(model.cand), len(model.cand) + model.n_counters
    lower, upper = model.lower()[:n_int], model.upper()[:n_int]
    if chosen is not None:
        lower[:n_x] = upper[:n_x] = np.isin(np.arange(n_x), chosen)
    a = _matrix(model)[: model.first_rows, :n_int]
    res = milp(
        model.costs()[:n_int],
        integrality=model.integrality()[:n_int],
        bounds=Bounds(lower, upper),
        constraints=[LinearConstraint(a, -np.inf, model.rhs[: model.first_rows])]
        if a.shape[0]
        else [],
        options={"mip_rel_gap": 1e-9},
    )
    assert res.status == 0
    return float(res.fun)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(problems(), rule_problems()), st.sampled_from(("none", "greedy", "half")))
def test_shortcuts_keep_the_optimum(problem: RotationProblem, incumbent_from: str) -> None:
    """Incumbents: none, the greedy plan, or its first half (often far from the optimum)."""
    comp = compile_problem(problem)
    base = State(comp)
    cand = np.array(
        [o for o in range(comp.n_options) if base.feasible(*comp.key(o))], dtype=np.int64
    )
    if len(cand) == 0:
        return
    model = build_model(comp, base, cand, np.arange(len(comp.cadre_ids)))
    incumbent = None
    if incumbent_from != "none":
        built = State(comp)
        greedy(comp, built)
        incumbent = np.flatnonzero([comp.key(o) in built.chosen for o in cand.tolist()])
        if incumbent_from == "half":
            incumbent = incumbent[: len(incumbent) // 2]
    got = solve_model(model, incumbent=incumbent)
    assert got is not None
    assert got.optimal
    best = _first_level(model)
    assert _first_level(model, got.chosen) == pytest.approx(best, abs=1e-6 * max(1.0, abs(best)))
