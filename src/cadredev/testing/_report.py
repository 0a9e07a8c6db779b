"""Property reports: which properties hold, with shrunk counterexamples.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from attrs import field, frozen

from cadredev._display import html_table, need_pandas
from cadredev.model import Cadre

__all__ = ["Counterexample", "PropertyReport", "PropertyResult"]


def _fmt(value: float) -> str:
    return f"{value:.6g}"


@frozen(kw_only=True)
class Counterexample:
    """A small input on which a property fails (or its worst case), readable as text.

    Parameters
    ----------
    description
        What went wrong, in one sentence.
    cadres
        ``(id, unit, line)`` of each cadre in the example.
    rows
        The record rows ``(cadre_id, period, indicator, value)``.
    details
        Further ``(name, value)`` items: the change made, the exemptions, ...

    Examples
    --------
    >>> ex = Counterexample(
    ...     description="c00's total moved",
    ...     cadres=(("c00", "u1", "investment"),),
    ...     rows=(("c00", "2025-01", "visits", 0.0),),
    ... )
    >>> print(ex)
    c00's total moved
      cadres: c00 (u1, investment)
      rows:
        c00 2025-01 visits = 0
    >>> ex
    Counterexample(c00's total moved; 1 cadre, 1 row)

    .. versionadded:: 0.1
    """

    description: str
    cadres: tuple[tuple[str, str, str], ...] = ()
    rows: tuple[tuple[str, str, str, float], ...] = ()
    details: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(
        cls,
        description: str,
        cadres: Sequence[Cadre] = (),
        rows: Any = (),
        details: Mapping[str, Any] | None = None,
    ) -> Counterexample:
        """Build one from cadre records, rows and details."""
        return cls(
            description=description,
            cadres=tuple(
                (c.id, c.unit, "none" if c.line is None else c.line.value) for c in cadres
            ),
            rows=tuple((str(a), str(b), str(c), float(d)) for a, b, c, d in rows),
            details=tuple((k, str(v)) for k, v in (details or {}).items()),
        )

    def __repr__(self) -> str:
        parts = [
            f"{len(self.cadres)} cadre{'' if len(self.cadres) == 1 else 's'}",
            f"{len(self.rows)} row{'' if len(self.rows) == 1 else 's'}",
        ]
        parts += [k for k, _ in self.details]
        return f"Counterexample({self.description}; {', '.join(parts)})"

    def __str__(self) -> str:
        lines = [self.description]
        if self.cadres:
            lines.append("  cadres: " + ", ".join(f"{i} ({u}, {ln})" for i, u, ln in self.cadres))
        if self.rows:
            lines.append("  rows:")
            lines += [f"    {c} {p} {k} = {_fmt(v)}" for c, p, k, v in self.rows]
        lines += [f"  {k}: {v}" for k, v in self.details]
        return "\n".join(lines)


@frozen(kw_only=True)
class PropertyResult:
    """The outcome of one property.

    Parameters
    ----------
    name
        The property's snake_case name.
    holds
        Whether no counterexample was found.
    summary
        What the property says.
    counterexample
        The shrunk failing example, or ``None``.
    examples
        How many examples were tried.
    worst
        The worst value of the property's measure seen (such as the largest
        rank jump), or ``None``.
    worst_label
        What ``worst`` measures.
    worst_case
        The example that gave ``worst``.
    note
        A remark, such as why a property holds vacuously.
    scorer_error
        Non-empty when the property could not be checked because the scorer
        under test raised or returned a wrong type (what happened); the
        counterexample is then the input it failed on.

    Examples
    --------
    >>> result = PropertyResult(
    ...     name="quota", holds=True, examples=100, worst=0, worst_label="excess"
    ... )
    >>> print(result)
    quota: holds (100 examples); worst excess: 0
    >>> result
    PropertyResult(quota: holds, 100 examples)

    .. versionadded:: 0.1
    """

    name: str
    holds: bool
    summary: str = ""
    counterexample: Counterexample | None = None
    examples: int = 0
    worst: float | None = None
    worst_label: str = ""
    worst_case: Counterexample | None = None
    note: str = ""
    scorer_error: str = ""

    @property
    def status(self) -> str:
        """``"holds"``, ``"FAILS"`` or ``"SCORER FAILED"``."""
        if self.scorer_error:
            return "SCORER FAILED"
        return "holds" if self.holds else "FAILS"

    def __repr__(self) -> str:
        status = self.status
        shrunk = ", with a counterexample" if self.counterexample is not None else ""
        return f"PropertyResult({self.name}: {status}, {self.examples} examples{shrunk})"

    def __str__(self) -> str:
        text = f"{self.name}: {self.status} ({self.examples} examples)"
        if self.note:
            text += f" - {self.note}"
        if self.worst is not None:
            text += f"; worst {self.worst_label}: {_fmt(self.worst)}"
        if self.counterexample is not None:
            body = str(self.counterexample).replace("\n", "\n    ")
            text += f"\n    counterexample: {body}"
        return text


def _ordered(results: Mapping[str, PropertyResult]) -> Mapping[str, PropertyResult]:
    return MappingProxyType(dict(results))


@frozen(kw_only=True, unsafe_hash=False)
class PropertyReport:
    """Which properties hold, from :func:`check_scheme` or :func:`check_matching`.

    Parameters
    ----------
    subject
        What was checked (the scheme's name, or ``"matching"``).
    results
        Property name -> :class:`PropertyResult`, in the order checked.

    Examples
    --------
    >>> report = PropertyReport(
    ...     subject="demo", results={"quota": PropertyResult(name="quota", holds=True)}
    ... )
    >>> report.ok, report.failed
    (True, ())
    >>> print(report)
    demo: 1 property checked, all hold
      quota: holds (0 examples)
    >>> report
    PropertyReport(demo: 1 property checked, all hold)

    A report is data: it round-trips through :mod:`cadredev.io`.

    >>> from cadredev import io
    >>> io.load(PropertyReport, io.dump(report)) == report
    True

    .. versionadded:: 0.1
    """

    subject: str
    results: Mapping[str, PropertyResult] = field(converter=_ordered)

    @property
    def ok(self) -> bool:
        """Whether every property checked holds."""
        return all(r.holds for r in self.results.values())

    @property
    def failed(self) -> tuple[str, ...]:
        """Names of the properties that fail (not counting the scorer's own failures)."""
        return tuple(k for k, r in self.results.items() if not r.holds and not r.scorer_error)

    @property
    def scorer_failures(self) -> tuple[str, ...]:
        """Names of the properties the scorer failed on (it raised or returned a wrong type)."""
        return tuple(k for k, r in self.results.items() if r.scorer_error)

    def __getitem__(self, name: str) -> PropertyResult:
        return self.results[name]

    def _head(self) -> str:
        n = len(self.results)
        noun = "property" if n == 1 else "properties"
        head = f"{self.subject}: {n} {noun} checked, "
        if self.ok:
            return head + "all hold"
        parts = []
        if self.failed:
            parts.append(f"{len(self.failed)} fail ({', '.join(self.failed)})")
        if self.scorer_failures:
            parts.append(f"the scorer failed on {', '.join(self.scorer_failures)}")
        return head + "; ".join(parts)

    def __repr__(self) -> str:
        return f"PropertyReport({self._head()})"

    def __str__(self) -> str:
        head = self._head()
        body = [("  " + str(r).replace("\n", "\n  ")) for r in self.results.values()]
        return "\n".join([head, *body])

    def _repr_html_(self) -> str:
        rows = [
            (
                r.name,
                r.status,
                r.examples,
                "" if r.worst is None else f"{r.worst_label}: {_fmt(r.worst)}",
                "" if r.counterexample is None else str(r.counterexample),
                r.note,
            )
            for r in self.results.values()
        ]
        return html_table(
            f"{self.subject}: " + ("all hold" if self.ok else f"{', '.join(self.failed)} fail"),
            ("property", "result", "examples", "worst case", "counterexample", "note"),
            rows,
        )

    def to_pandas(self) -> Any:
        """Return one row per property as a :class:`pandas.DataFrame`."""
        return need_pandas("PropertyReport.to_pandas()").DataFrame(
            {
                "property": list(self.results),
                "holds": [r.holds for r in self.results.values()],
                "examples": [r.examples for r in self.results.values()],
                "worst": [r.worst for r in self.results.values()],
                "counterexample": [
                    None if r.counterexample is None else str(r.counterexample)
                    for r in self.results.values()
                ],
            }
        )
