"""Mentor matching over a bipartite networkx graph.

Build a compatibility graph from cadres and mentors with explicit, weighted
criteria (:class:`Criteria`, :func:`compatibility_graph`) or from ranked
preference lists (:func:`preferences_graph`), then match mentees
to mentors with capacities (:func:`match`): an exact maximum-weight matching,
the mentee-optimal stable matching, or a greedy baseline. The result
(:class:`Matching`) explains itself: why a mentee got a mentor, why not
another one, why someone stayed unmatched.

**Graph contract.** :func:`match` accepts any undirected, simple ``networkx.Graph`` in which

* every mentee node has ``bipartite=0`` and may have ``capacity`` (most
  mentors it takes, default 1);
* every mentor node has ``bipartite=1`` and ``capacity`` (default 1), and in a
  role-typed graph (``graph.graph["roles"]``) a ``role``;
* every edge joins a mentee and a mentor and carries ``weight`` (higher is
  better, default 1); optional ``mentee_score`` / ``mentor_score`` rank the
  pair for one side in the stable method.

Optional graph attributes written by :func:`compatibility_graph` and read by
:func:`match`: ``forbidden`` (pairs that are never matched, by any method,
even where the graph has their edge: a mapping ``(mentee, mentor) -> why``,
or plain pairs, which read as 回避; each must name a mentee and a mentor of
the graph), ``required`` (pairs that are always kept; never also
forbidden) and ``roles``. A pair of negative weight is never matched
unless the objective puts the number of pairs first (see :func:`match`).

A :class:`Matching` keeps a ``Candidates`` table (each mentee's
candidate mentors with weights, the chosen pairs' criterion contributions,
the mentors' capacities, the reasons), so it leaves the process as a
:mod:`cadredev.io` document and comes back equal, still able to explain and
summarise itself.
Node ids may be any hashable values, of mixed types too; wherever an order
is needed they are ordered by ``(str(id), repr(id))``.

.. versionadded:: 0.1
"""

from __future__ import annotations

from cadredev import _strategy_hook

from ._contract import Pair as Pair
from ._criteria import Criteria
from ._explain import MatchExplanation
from ._graph import compatibility_graph
from ._match import ALL_FULL as ALL_FULL
from ._match import FORBIDDEN as FORBIDDEN
from ._match import GROUP_FULL as GROUP_FULL
from ._match import METHODS as METHODS
from ._match import NO_CAPACITY as NO_CAPACITY
from ._match import NO_COMPATIBLE as NO_COMPATIBLE
from ._match import NOT_WORTH as NOT_WORTH
from ._match import OBJECTIVES as OBJECTIVES
from ._match import Method as Method
from ._match import Objective as Objective
from ._match import Proposing as Proposing
from ._match import match
from ._prefs import preferences_graph
from ._result import MatchDiff, Matching
from ._summary import GroupLoad, MatchSummary, MentorLoad
from ._table import Candidates

__all__ = [
    "Candidates",
    "Criteria",
    "GroupLoad",
    "MatchDiff",
    "MatchExplanation",
    "MatchSummary",
    "Matching",
    "MentorLoad",
    "compatibility_graph",
    "match",
    "preferences_graph",
]

_strategy_hook.imported()  # lets the hypothesis plugin register the types above
