"""The zone report page (extra ``report``: Jinja2; figures with the ``plot`` extra).

:func:`build` turns a zone, or the demo's results on it, into one
self-contained HTML page to hand to a zone's leadership: the zone in
figures, its grids, mentoring, rotation plans, the year's assessment with
the audit of vetoes and exemptions, and the reserve pool, in Chinese or
English. :func:`write` saves it atomically; ``cadredev report ZONE.json
--out report.html`` does the same from the command line.

.. versionadded:: 0.2
"""

from __future__ import annotations

from ._build import build, write

__all__ = ["build", "write"]
