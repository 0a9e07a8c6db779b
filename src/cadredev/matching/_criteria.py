"""The criteria that score a mentee-mentor pair, and their validators."""

from __future__ import annotations

from typing import Any, Literal, TypeAlias

from attrs import NOTHING, field, fields, frozen

from cadredev._validate import FieldError, is_int, is_real, named_errors

__all__ = ["MAX_WEIGHT", "PREVIOUS", "Criteria", "PreviousMentor"]

MAX_WEIGHT = 1e12
"""The largest magnitude of a criterion weight (and ``previous_weight``): far
beyond any sensible scale, and small enough that edge weights stay finite."""

PreviousMentor: TypeAlias = Literal["ignore", "avoid", "forbid", "prefer"]
"""What a pair with a previous mentor gets: nothing, a penalty, no edge, a bonus."""

PREVIOUS: tuple[str, ...] = ("ignore", "avoid", "forbid", "prefer")


def _finite(_: object, attribute: Any, value: Any) -> None:
    if not is_real(value):
        raise FieldError(f"{attribute.name} must be a finite number, got {value!r}")
    _at_most(attribute, value)


def _at_most(attribute: Any, value: Any) -> None:
    if abs(value) > MAX_WEIGHT:
        raise FieldError(
            f"{attribute.name} must be of magnitude at most {MAX_WEIGHT:g}, got {value!r}"
        )


def _optional_finite(_: object, attribute: Any, value: Any) -> None:
    if value is not None and not is_real(value):
        raise FieldError(f"{attribute.name} must be a finite number or None, got {value!r}")


def _float_or_keep(value: Any) -> Any:
    """Turn finite numbers into ``float``; leave anything else for the validator."""
    return float(value) if is_real(value) else value


def _weight_field(default: float = 1.0) -> Any:
    return field(default=default, validator=_finite, converter=_float_or_keep)


def _check_top_k(_: object, attribute: Any, value: Any) -> None:
    if value is not None and (not is_int(value) or value < 1):
        raise FieldError(f"{attribute.name} must be an integer >= 1 or None, got {value!r}")


def _check_as_of(_: object, attribute: Any, value: Any) -> None:
    if value is not None and not is_int(value):
        raise FieldError(f"{attribute.name} must be an integer year or None, got {value!r}")


def _check_previous(_: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, str) or value not in PREVIOUS:
        raise FieldError(f"{attribute.name} must be one of {list(PREVIOUS)}, got {value!r}")


def _check_non_negative(_: object, attribute: Any, value: Any) -> None:
    if not is_real(value) or value < 0:
        raise FieldError(f"{attribute.name} must be a finite number >= 0, got {value!r}")
    _at_most(attribute, value)


def _check_bool(_: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, bool):
        raise FieldError(f"{attribute.name} must be True or False, got {value!r}")


@named_errors
@frozen(kw_only=True)
class Criteria:
    """Explicit, weighted criteria that score a mentee-mentor pair.

    Each criterion gives a contribution in ``[0, 1]`` times its weight; the
    edge ``weight`` is the sum of the contributions (each rounded to six
    decimals). A weight of 0 switches a criterion off. Weights are finite
    numbers of magnitude at most ``1e12`` (so that edge weights stay finite).

    Parameters
    ----------
    industries
        Shared industries: the share of the mentee's industries the mentor
        also knows.
    gap_cover
        Competency-gap cover: the mean, over the mentee's competencies, of
        how far the mentor's level exceeds the mentee's (0 where it does not).
    weakest
        The same gap on the mentee's weakest competency only (lowest level,
        ties by name).
    cross_unit
        1 when mentee and mentor are in different units (breaking departmental
        silos).
    cohort_gap
        Mentor older by generation: (mentor cohort - mentee cohort) / 2 with
        young=0, middle=1, old=2, 0 if the mentor is not older. Needs
        ``as_of`` and the mentor's ``birth_year``; otherwise it contributes 0.
    same_grid
        1 when mentee and mentor belong to the same grid.
    as_of
        Reference year for cohorts.
    top_k
        Keep only the ``top_k`` best mentors per mentee (per role with roles),
        ties by mentor id; ``None`` keeps all.
    top_per_slot
        With ``top_k``: also keep the pairs of the greedy matching (pairs by
        weight, highest first; ties by mentee id, then mentor id) in which
        every capacity is multiplied by ``top_per_slot`` (a mentee takes
        ``top_per_slot`` mentors per role, a mentor ``capacity *
        top_per_slot`` mentees). Each mentor's candidate places are then
        spread over the mentees, so a few mentors at the top of everyone's
        list no longer leave most mentees without a free candidate. ``None``
        keeps only each mentee's best. 2 is a good value (see the matching
        tutorial).
    min_weight
        Drop pairs whose weight is below this; ``None`` keeps all.
    same_grid_only
        Hard filter: pair only mentees and mentors of the same grid.
    same_unit_only
        Hard filter: pair only mentees and mentors of the same unit.
    cover_weakest
        Hard filter: the mentor's level on the mentee's weakest competency
        must be at least the mentee's level plus this margin (mentees without
        competencies pass); ``None`` switches the filter off.
    previous_mentor
        What a pair gets when the mentor is a previous mentor of the mentee
        (any entry of the mentee's :attr:`~cadredev.Cadre.mentorships`, past
        or current, names the mentor): ``"ignore"`` nothing; ``"avoid"`` the
        criterion ``previous_mentor`` contributes ``-previous_weight``;
        ``"prefer"`` it contributes ``+previous_weight`` (continuity);
        ``"forbid"`` the pair gets no edge and is recorded as forbidden
        ("previous mentor"), unless it is required.
    previous_weight
        The penalty (``"avoid"``) or bonus (``"prefer"``) of a previous
        mentor, ``>= 0``.

    Examples
    --------
    >>> from cadredev.matching import Criteria
    >>> Criteria(cross_unit=2.0, top_k=5)
    Criteria(cross_unit=2.0, top_k=5)
    >>> Criteria(previous_mentor="avoid", previous_weight=2).weights()["previous_mentor"]
    -2.0
    >>> Criteria(top_k=0)
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: Criteria: top_k must be an integer >= 1 or None, got 0
    >>> Criteria(industries=1e308)
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: Criteria: industries must be of magnitude at most 1e+12, ...
    >>> Criteria(previous_mentor="never")
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: Criteria: previous_mentor must be one of [...], got 'never'

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``previous_mentor``, ``previous_weight`` and ``top_per_slot``; the
       repr shows only what differs from the defaults; weights of magnitude
       above ``1e12`` are rejected.
    """

    industries: float = _weight_field()
    gap_cover: float = _weight_field()
    weakest: float = _weight_field(0.0)
    cross_unit: float = _weight_field()
    cohort_gap: float = _weight_field(0.5)
    same_grid: float = _weight_field()
    as_of: int | None = field(default=None, validator=_check_as_of)
    top_k: int | None = field(default=None, validator=_check_top_k)
    min_weight: float | None = field(default=None, validator=_optional_finite)
    same_grid_only: bool = field(default=False, validator=_check_bool)
    same_unit_only: bool = field(default=False, validator=_check_bool)
    cover_weakest: float | None = field(default=None, validator=_optional_finite)
    previous_mentor: PreviousMentor = field(default="ignore", validator=_check_previous)
    previous_weight: float = field(
        default=1.0, validator=_check_non_negative, converter=_float_or_keep
    )
    top_per_slot: int | None = field(default=None, validator=_check_top_k)

    def __repr__(self) -> str:
        changed = [
            f"{a.name}={getattr(self, a.name)!r}"
            for a in fields(Criteria)
            if a.default is NOTHING or getattr(self, a.name) != a.default
        ]
        return f"Criteria({', '.join(changed)})"

    def weights(self) -> dict[str, float]:
        """Return the non-zero criterion weights, in a fixed order.

        ``previous_mentor`` is there with ``-previous_weight`` for
        ``"avoid"`` and ``+previous_weight`` for ``"prefer"``.

        Examples
        --------
        >>> from cadredev.matching import Criteria
        >>> Criteria(gap_cover=0.0, cohort_gap=0.0).weights()
        {'industries': 1.0, 'cross_unit': 1.0, 'same_grid': 1.0}
        """
        out = {
            "industries": self.industries,
            "gap_cover": self.gap_cover,
            "weakest": self.weakest,
            "cross_unit": self.cross_unit,
            "cohort_gap": self.cohort_gap,
            "same_grid": self.same_grid,
            "previous_mentor": {"avoid": -1.0, "prefer": 1.0}.get(self.previous_mentor, 0.0)
            * self.previous_weight,
        }
        return {k: v for k, v in out.items() if v != 0.0}
