"""The exceptions cadredev raises on purpose.

Every error inherits from :class:`CadreError` and from the builtin exception a
caller would naturally catch, so both ``except ValueError`` and
``except cadredev.CadreError`` work.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["CadreError", "InfeasibleError", "InvalidInputError", "MissingDependencyError"]


class CadreError(Exception):
    """Base of every error cadredev raises on purpose.

    Examples
    --------
    >>> issubclass(InvalidInputError, CadreError)
    True

    .. versionadded:: 0.1
    """


class InvalidInputError(CadreError, ValueError):
    """An argument or record is malformed.

    The message names the record, the field, the offending value and what was
    expected, for example ``Mentor 'm07': capacity must be >= 0, got -1``.

    Examples
    --------
    >>> from cadredev import Mentor
    >>> try:
    ...     Mentor(id="m07", unit="招商局", capacity=-1)
    ... except ValueError as exc:
    ...     print(exc)
    Mentor 'm07': capacity must be an integer >= 0, got -1

    .. versionadded:: 0.1
    """


class InfeasibleError(CadreError):
    """No plan satisfies the hard constraints.

    Parameters
    ----------
    message
        A one-line summary.
    conflicts
        The conflicts that explain the infeasibility, in policy terms.

    Examples
    --------
    >>> err = InfeasibleError("no plan", conflicts=("too few posts",))
    >>> err.conflicts
    ('too few posts',)

    .. versionadded:: 0.1
    """

    def __init__(self, message: str, *, conflicts: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.conflicts: tuple[Any, ...] = tuple(conflicts)


class MissingDependencyError(CadreError, ImportError):
    """An optional dependency is needed; the message says how to install it.

    Examples
    --------
    >>> issubclass(MissingDependencyError, ImportError)
    True

    .. versionadded:: 0.1
    """
