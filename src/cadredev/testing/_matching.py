"""Check a matching against its graph: valid, within capacity, stable when claimed.

Works on any object with a ``pairs`` mapping (mentee id -> mentor id) and
any graph following the matching contract (mentee nodes ``bipartite=0``,
mentor nodes ``bipartite=1`` with ``capacity``, edges with ``weight`` and
optionally ``mentee_score`` / ``mentor_score``).

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cadredev.errors import InvalidInputError

from ._report import Counterexample, PropertyReport, PropertyResult

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["assert_matching", "check_matching"]


def _pairs(matching: Any) -> dict[Any, Any]:
    pairs = getattr(matching, "pairs", matching)
    if not isinstance(pairs, Mapping):
        raise InvalidInputError(
            "check_matching: matching must have a .pairs mapping (mentee -> mentor) or be one, "
            f"got {type(matching).__name__}"
        )
    return dict(pairs)


def _score(graph: nx.Graph[Any], mentee: Any, mentor: Any, side: str) -> float:
    data = graph.edges[mentee, mentor]
    value = data.get(f"{side}_score", data.get("weight", 1.0))
    return float(value)


def _fail(name: str, summary: str, description: str, details: dict[str, Any]) -> PropertyResult:
    return PropertyResult(
        name=name,
        holds=False,
        summary=summary,
        counterexample=Counterexample.of(description, details=details),
        examples=1,
    )


def check_matching(graph: nx.Graph[Any], matching: Any, *, stable: bool = False) -> PropertyReport:
    """Check a matching (yours or the library's) against its graph.

    Properties: ``valid`` (every pair is an edge from a mentee node to a
    mentor node, every node exists), ``within_capacity`` (no mentor holds more
    mentees than its ``capacity``; a mentee node's ``capacity`` defaults to 1
    and bounds its mentors), ``unmatched_listed`` (when the matching has
    ``unmatched``, it lists exactly the mentees with no pair) and, with
    ``stable=True``, ``stable``: no blocking pair, i.e. no edge whose mentee
    strictly prefers its mentor to its own (or has none) while the mentor has
    room or strictly prefers the mentee to one of its own. Each side ranks by
    the edge's ``mentee_score`` / ``mentor_score`` when present, else by ``weight``.

    Parameters
    ----------
    graph
        A bipartite ``networkx.Graph`` following the matching contract.
    matching
        An object with ``pairs`` (mentee -> mentor), or such a mapping.
    stable
        Also check stability (when the matching claims to be stable).

    Returns
    -------
    PropertyReport

    Raises
    ------
    InvalidInputError
        If ``matching`` has no pairs mapping or ``graph`` is not a graph.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_nodes_from(["ana", "bo"], bipartite=0)
    >>> g.add_node("wang", bipartite=1, capacity=1)
    >>> g.add_edge("ana", "wang", weight=2.0)
    >>> g.add_edge("bo", "wang", weight=3.0)
    >>> report = check_matching(g, {"ana": "wang"}, stable=True)
    >>> report.failed
    ('stable',)
    >>> print(report.results["stable"].counterexample)
    bo and wang block: bo is unmatched, wang prefers bo (3) to ana (2)

    .. versionadded:: 0.1
    """
    if not hasattr(graph, "nodes") or not hasattr(graph, "edges"):
        raise InvalidInputError(f"check_matching: graph must be a networkx graph, got {graph!r}")
    pairs = _pairs(matching)
    results: dict[str, PropertyResult] = {}

    name = "valid"
    summary = "every pair is an edge from a mentee (bipartite=0) to a mentor (bipartite=1)"
    bad: tuple[str, dict[str, Any]] | None = None
    for mentee, mentor in sorted(pairs.items(), key=lambda p: str(p[0])):
        if mentee not in graph or mentor not in graph:
            missing = mentee if mentee not in graph else mentor
            bad = (f"{mentee} -> {mentor}: node {missing} is not in the graph", {})
        elif graph.nodes[mentee].get("bipartite") != 0 or graph.nodes[mentor].get("bipartite") != 1:
            bad = (f"{mentee} -> {mentor}: not a mentee -> mentor pair", {})
        elif not graph.has_edge(mentee, mentor):
            bad = (f"{mentee} -> {mentor}: no such edge", {})
        if bad:
            break
    results[name] = (
        _fail(name, summary, *bad)
        if bad
        else PropertyResult(name=name, holds=True, summary=summary, examples=1)
    )

    name = "within_capacity"
    summary = "no mentor holds more mentees than its capacity"
    load: dict[Any, list[Any]] = {}
    for mentee, mentor in pairs.items():
        load.setdefault(mentor, []).append(mentee)
    over = None
    for mentor in sorted(load, key=str):
        cap = graph.nodes[mentor].get("capacity", 1) if mentor in graph else 0
        if len(load[mentor]) > cap:
            over = (
                f"{mentor} holds {len(load[mentor])} mentees but has capacity {cap}",
                {"mentees": ", ".join(sorted(map(str, load[mentor])))},
            )
            break
    results[name] = (
        _fail(name, summary, *over)
        if over
        else PropertyResult(name=name, holds=True, summary=summary, examples=1)
    )

    if hasattr(matching, "unmatched"):
        name = "unmatched_listed"
        summary = "the unmatched mentees are exactly the mentees with no pair"
        mentees = {n for n, d in graph.nodes(data=True) if d.get("bipartite") == 0}
        listed = set(getattr(matching, "unmatched", ()) or ())
        expected = mentees - set(pairs)
        if listed != expected:
            wrong = sorted(map(str, listed ^ expected))
            results[name] = _fail(
                name, summary, f"unmatched lists {sorted(map(str, listed))}", {"differs at": wrong}
            )
        else:
            results[name] = PropertyResult(name=name, holds=True, summary=summary, examples=1)

    if stable:
        results["stable"] = _stability(graph, pairs, load)
    return PropertyReport(subject="matching", results=results)


def _stability(
    graph: nx.Graph[Any], pairs: dict[Any, Any], load: dict[Any, list[Any]]
) -> PropertyResult:
    name = "stable"
    summary = "no blocking pair (both sides would rather be matched to each other)"
    for mentee in sorted(
        (n for n, d in graph.nodes(data=True) if d.get("bipartite") == 0), key=str
    ):
        mine = pairs.get(mentee)
        have = (
            _score(graph, mentee, mine, "mentee")
            if mine is not None and graph.has_edge(mentee, mine)
            else None
        )
        for mentor in sorted(graph.neighbors(mentee), key=str):
            if mentor == mine or graph.nodes[mentor].get("bipartite") != 1:
                continue
            want = _score(graph, mentee, mentor, "mentee")
            if have is not None and want <= have:
                continue
            held = load.get(mentor, [])
            cap = graph.nodes[mentor].get("capacity", 1)
            why_mentee = (
                "is unmatched"
                if mine is None
                else f"prefers {mentor} ({want:g}) to {mine} ({have:g})"
            )
            if len(held) < cap:
                return _fail(
                    name,
                    summary,
                    f"{mentee} and {mentor} block: {mentee} {why_mentee}, {mentor} has room",
                    {},
                )
            if not held:
                continue
            offer = _score(graph, mentee, mentor, "mentor")
            worst = min(held, key=lambda m: (_score(graph, m, mentor, "mentor"), str(m)))
            if offer > _score(graph, worst, mentor, "mentor"):
                return _fail(
                    name,
                    summary,
                    f"{mentee} and {mentor} block: {mentee} {why_mentee}, {mentor} prefers "
                    f"{mentee} ({offer:g}) to {worst} ({_score(graph, worst, mentor, 'mentor'):g})",
                    {},
                )
    return PropertyResult(name=name, holds=True, summary=summary, examples=1)


def assert_matching(graph: nx.Graph[Any], matching: Any, *, stable: bool = False) -> PropertyReport:
    """Assert that a matching is valid, within capacity (and stable); return the report.

    Raises
    ------
    AssertionError
        With the report when a property fails.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph([("ana", "wang", {"weight": 2.0})])
    >>> nx.set_node_attributes(g, {"ana": 0, "wang": 1}, "bipartite")
    >>> g.nodes["wang"]["capacity"] = 1
    >>> assert_matching(g, {"ana": "wang"}, stable=True).ok
    True

    .. versionadded:: 0.1
    """
    report = check_matching(graph, matching, stable=stable)
    if not report.ok:
        raise AssertionError(str(report))
    return report
