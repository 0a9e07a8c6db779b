"""Sample data: an embedded synthetic zone and small fixtures built on it.

:func:`sample_zone` builds a development zone with the proportions the source
reports give: 246 cadres across a dozen units (局办, a subdistrict, platform
companies) and the three work lines, 16 grid mentors (导师帮带团), growth
mentors for shadowing, posts for frontline work, shadowing hosts, secondment
partner regions and 9 stationed investment offices, 1,600 enterprises, a
scoring scheme and a year of monthly records. Everyone in it is invented; the
same seed always gives the same zone.

The other builders return the problems and tables that the documentation's
examples use: the rotation scenarios S4 to S6 on the sample zone, a tiny
rotation problem and a two-cadre score table.

.. versionadded:: 0.1
"""

from __future__ import annotations

from ._province import sample_province
from ._rotation import (
    cross_shadowing_problem,
    frontline_problem,
    sample_programs,
    stationed_rotation_problem,
    tiny_rotation_problem,
)
from ._scoring import MONTHS, demo_score_table, sample_records, sample_scheme
from ._service import ServiceYear, sample_service_year
from ._zone import ABILITIES, INDUSTRIES, Zone, sample_zone

__all__ = [
    "ABILITIES",
    "INDUSTRIES",
    "MONTHS",
    "ServiceYear",
    "Zone",
    "cross_shadowing_problem",
    "demo_score_table",
    "frontline_problem",
    "sample_programs",
    "sample_province",
    "sample_records",
    "sample_scheme",
    "sample_service_year",
    "sample_zone",
    "stationed_rotation_problem",
    "tiny_rotation_problem",
]
