"""Hypothesis strategies and property checkers, for your own property tests.

Needs the ``hypothesis`` extra (``pip install 'cadredev[hypothesis]'``). Every
strategy takes keyword-only options, checks them eagerly (raising
:class:`hypothesis.errors.InvalidArgument`, as hypothesis' own strategies do)
and draws structure (not seeds), so failures shrink to small, readable
counterexamples. The record strategies are registered with hypothesis, so
``st.from_type(Cadre)`` and ``st.builds`` work in your tests once cadredev is
installed.

For people who write scoring rules, :func:`check_scheme` runs a battery of
named fairness properties on a :class:`~cadredev.scoring.Scheme` and returns a
:class:`PropertyReport` with a shrunk counterexample for each property that
fails; the ``assert_*`` helpers turn it into pytest assertions;
:func:`check_matching` checks a matching against its graph; and
:class:`AssessmentYear` is a stateful test of a whole assessment year.

.. versionadded:: 0.1
"""

from __future__ import annotations

from cadredev.errors import MissingDependencyError

try:
    import hypothesis  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised without the extra
    raise MissingDependencyError(
        "cadredev.testing needs hypothesis: pip install 'cadredev[hypothesis]'"
    ) from exc

from ._matching import assert_matching, check_matching
from ._models import (
    bipartite_graphs,
    cadres,
    eligibilities,
    enterprises,
    mentors,
    postings,
    posts,
    rosters,
)
from ._records import exemptions, records
from ._report import Counterexample, PropertyReport, PropertyResult
from ._rotation import rotation_problems
from ._runner import (
    ALL,
    assert_exemption_safe,
    assert_independent,
    assert_quota_respected,
    assert_scheme,
    assert_scheme_property,
    check_scheme,
)
from ._scoring import indicators, schemes
from ._state import AssessmentYear, assessment_year

__all__ = [
    "ALL",
    "AssessmentYear",
    "Counterexample",
    "PropertyReport",
    "PropertyResult",
    "assert_exemption_safe",
    "assert_independent",
    "assert_matching",
    "assert_quota_respected",
    "assert_scheme",
    "assert_scheme_property",
    "assessment_year",
    "bipartite_graphs",
    "cadres",
    "check_matching",
    "check_scheme",
    "eligibilities",
    "enterprises",
    "exemptions",
    "indicators",
    "mentors",
    "postings",
    "posts",
    "records",
    "rosters",
    "rotation_problems",
    "schemes",
]
