"""The enterprise service loop (走访-收集-立件-研判-办理-回访) and its indicators.

Grids serve the zone's enterprises: cadres visit them (走访), collect their
demands (收集), register a case (立件), analyse it (研判), handle it (办理) and
revisit the enterprise (回访) before the case is closed. A :class:`Case` records
that path as :class:`Step` records; :func:`open_case` and :func:`advance` are
the only ways to move it, and an event the loop does not allow in the case's
state (anything on a closed case) is an error naming the case, the state and
the event.

A :class:`ServicePolicy` gives each state a deadline (an SLA in days) and
names the owners of the three levels of the demand-closing mechanism
(诉求闭环三级机制): the grid, the unit responsible for the demand's category,
the grid's leader. When a deadline passes the case moves one level up, the
day after the deadline: :func:`advance` does so before each step and
:func:`escalate_overdue` for every open case on a given day (``as_of``; never
the wall clock). A grid whistle-blower's risk warning (吹哨人) opens a case as
already collected.

:func:`service_metrics` counts the service line's indicators (visits, cases
registered, resolved, on time, revisits, escalations, days to resolve) per
cadre or grid and period, as scoring :class:`~cadredev.scoring.Records`.
:func:`case_events` and :func:`cases_from_events` turn cases into ledger
events and back.

.. versionadded:: 0.3
"""

from __future__ import annotations

from ._case import Case, Step, advance, open_case
from ._events import case_events, cases_from_events
from ._metrics import INDICATORS, MetricRow, ServiceMetrics, service_metrics
from ._policy import EVENTS, LEVELS, CaseState, ServicePolicy
from ._sweep import Escalation, Sweep, escalate_overdue

__all__ = [
    "EVENTS",
    "INDICATORS",
    "LEVELS",
    "Case",
    "CaseState",
    "Escalation",
    "MetricRow",
    "ServiceMetrics",
    "ServicePolicy",
    "Step",
    "Sweep",
    "advance",
    "case_events",
    "cases_from_events",
    "escalate_overdue",
    "open_case",
    "service_metrics",
]
