"""The scheme-version event: which scoring scheme is in force from which day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from attrs import field, frozen

from cadredev._validate import FieldError, named_errors
from cadredev.events import Event
from cadredev.scoring import Scheme

__all__ = ["SchemeAdopted"]


def _check_scheme(_: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, Scheme):
        raise FieldError(f"{attribute.name} must be a Scheme, got {type(value).__name__}")


def _check_day(_: object, attribute: Any, value: Any) -> None:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise FieldError(f"{attribute.name} must be a datetime.date, got {value!r}")


@named_errors
@frozen(kw_only=True)
class SchemeAdopted(Event):
    """A scoring scheme (a version of it) adopted, in force from ``effective`` on.

    Supervision rules are revised over a programme's life; each revision is
    adopted with its own effective day, and a period is scored with the
    scheme in force on its first day (:meth:`Ledger.scheme_for`).

    Examples
    --------
    >>> import datetime as dt
    >>> from cadredev.datasets import sample_scheme
    >>> adopted = SchemeAdopted(
    ...     at=dt.date(2024, 12, 20),
    ...     recorded_by="党工委",
    ...     scheme=sample_scheme(),
    ...     effective=dt.date(2025, 1, 1),
    ... )
    >>> adopted.scheme.name == sample_scheme().name
    True

    .. versionadded:: 0.2
    """

    scheme: Scheme = field(validator=_check_scheme)
    effective: dt.date = field(validator=_check_day)
