"""Training, lecturers, learning plans, teaching sites and routes (大培训).

Records: :class:`Course`, :class:`Session`, :class:`LearningPlan`,
:class:`Lecturer`, :class:`Attendance`, :class:`QuizResult`, and for
teaching routes :class:`Site`, :class:`Theme` and :class:`Booking`.
Decisions, each a function returning a result that explains itself:

* :func:`lecturer_rota`: qualified lecturers to sessions within turn budgets,
  without clashes, turns spread fairly; exact through HiGHS;
* :func:`enrol`: menu choices (菜单式点选) to seats, through
  :func:`cadredev.match`;
* :func:`plan_routes`: a route of sites per theme covering its topics in the
  shortest order, within the sites' daily capacities;
* :func:`training_records`: training hours, attendance and quiz pass rates,
  lecturer turns as scoring :class:`~cadredev.scoring.Records`.

.. versionadded:: 0.3
"""

from __future__ import annotations

from ._enrol import Enrolment, Seat, Shortfall, enrol
from ._indicators import TRAINING_INDICATORS, training_records
from ._records import (
    FORMAT_LABELS,
    FORMATS,
    LECTURER_KINDS,
    Attendance,
    Booking,
    Course,
    CourseFormat,
    LearningPlan,
    Lecturer,
    LecturerKind,
    QuizResult,
    Session,
    Site,
    Theme,
)
from ._rota import LecturerRota, Turn, Unfilled, lecturer_rota
from ._routes import Route, RoutePlan, SiteLoad, Unrouted, plan_routes

__all__ = [
    "FORMATS",
    "FORMAT_LABELS",
    "LECTURER_KINDS",
    "TRAINING_INDICATORS",
    "Attendance",
    "Booking",
    "Course",
    "CourseFormat",
    "Enrolment",
    "LearningPlan",
    "Lecturer",
    "LecturerKind",
    "LecturerRota",
    "QuizResult",
    "Route",
    "RoutePlan",
    "Seat",
    "Session",
    "Shortfall",
    "Site",
    "SiteLoad",
    "Theme",
    "Turn",
    "Unfilled",
    "Unrouted",
    "enrol",
    "lecturer_rota",
    "plan_routes",
    "training_records",
]
