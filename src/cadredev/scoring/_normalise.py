"""Normalisers: turn an indicator's raw value into an attainment score.

Absolute normalisers (:class:`Target`, :class:`Linear`, :class:`LookupTable`,
:class:`Reciprocal`, :class:`Step`) compare a value with references fixed in
advance, so one cadre's score never depends on anyone else's data.
:class:`MinMax` and :class:`Percentile` are opt-in and *cohort-relative*:
they rescale a value against the other cadres scored in the same period, so
one cadre's data moves everybody's score. Any object that keeps the
:class:`Normaliser` protocol can stand in for them.

.. versionadded:: 0.1
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np
from attrs import field, frozen

from cadredev._validate import is_real
from cadredev.errors import InvalidInputError

__all__ = [
    "BUILTIN_NORMALISERS",
    "Linear",
    "LookupTable",
    "MinMax",
    "Normaliser",
    "Percentile",
    "Reciprocal",
    "Step",
    "Target",
    "attain",
]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


def _finite(name: str, what: str) -> Any:
    def check(_: object, __: Any, value: Any) -> None:
        if not is_real(value):
            raise InvalidInputError(f"{name}: {what} must be a finite number, got {value!r}")

    return check


def _clip(x: FloatArray, lo: Any, hi: Any) -> FloatArray:
    """Clip in place (``np.minimum``/``np.maximum`` are much faster than ``np.clip``).

    The lower bound comes last so that ``-0.0`` becomes ``0.0``.
    """
    np.minimum(x, hi, out=x)
    np.maximum(x, lo, out=x)
    x += 0.0  # no negative zeros
    return x


def _float(value: Any) -> Any:
    """Turn a real number into a ``float``; leave anything else for the validator."""
    return float(value) if is_real(value) else value


@frozen(kw_only=False)
class Target:
    """Attainment of a target: 0 at ``floor``, 1 at ``target``, up to ``cap`` beyond.

    The value is compared with fixed references in the indicator's own unit.
    For a "more is better" indicator ``floor < target``; for a "less is
    better" one (days taken, incidents) ``floor > target``. Beyond the target
    the score keeps rising, up to ``cap`` (reached at ``stretch`` when given,
    else at the same slope as below the target); ``cap=1`` (the default)
    gives no credit beyond the target.

    Parameters
    ----------
    floor
        The value scoring 0 (and anything worse).
    target
        The value scoring 1.
    stretch
        The value scoring ``cap``; beyond ``target``, or ``None``.
    cap
        The highest attainment, ``>= 1``.

    Examples
    --------
    >>> import numpy as np
    >>> Target(10, 20, cap=1.2).apply(np.array([5.0, 15.0, 20.0, 22.0, 40.0]))
    array([0. , 0.5, 1. , 1.2, 1.2])
    >>> Target(10, 5).apply(np.array([10.0, 7.5, 2.0]))  # fewer days is better
    array([0. , 0.5, 1. ])

    .. versionadded:: 0.1
    """

    floor: float = field(converter=_float, validator=_finite("Target", "floor"))
    target: float = field(converter=_float, validator=_finite("Target", "target"))
    stretch: float | None = field(default=None, converter=_float)
    cap: float = field(default=1.0, converter=_float, validator=_finite("Target", "cap"))

    relative: ClassVar[bool] = False

    def __attrs_post_init__(self) -> None:
        if self.floor == self.target:
            raise InvalidInputError(
                f"Target: floor must differ from target, got floor={self.floor}, "
                f"target={self.target}"
            )
        if self.cap < 1:
            raise InvalidInputError(f"Target: cap must be >= 1, got {self.cap}")
        if self.stretch is not None:
            _finite("Target", "stretch")(self, None, self.stretch)
            if (self.stretch - self.target) * (self.target - self.floor) <= 0:
                raise InvalidInputError(
                    f"Target: stretch must lie beyond target ({self.target}) away from floor "
                    f"({self.floor}), got {self.stretch}"
                )

    @property
    def increasing(self) -> bool:
        """Whether a larger value scores higher."""
        return self.target > self.floor

    @property
    def upper(self) -> float:
        """The highest attainment."""
        return self.cap

    def apply(self, x: FloatArray) -> FloatArray:
        """Return the attainment of each value in ``x`` (vectorised)."""
        span = self.target - self.floor
        s = np.subtract(x, self.floor, dtype=np.float64)
        s *= 1.0 / span
        _clip(s, 0.0, 1.0)
        if self.cap > 1.0:
            extra = np.subtract(x, self.target, dtype=np.float64)
            if self.stretch is not None:
                extra *= 1.0 / (self.stretch - self.target)
                _clip(extra, 0.0, 1.0)
                extra *= self.cap - 1.0
            else:
                extra *= 1.0 / span
                _clip(extra, 0.0, self.cap - 1.0)
            s += extra
        return s

    def __call__(self, values: FloatArray) -> FloatArray:
        """Return the attainment of each value (the same as :meth:`apply`)."""
        return self.apply(np.asarray(values, dtype=np.float64))

    def describe(self) -> str:
        """Return the references in words, for explanations.

        Examples
        --------
        >>> Target(0, 20, cap=1.2).describe()
        '0 at 0, 1 at 20, up to 1.2 beyond'
        """
        beyond = "" if self.cap == 1 else f", up to {self.cap:g} beyond"
        if self.stretch is not None and self.cap > 1:
            beyond = f", {self.cap:g} at {self.stretch:g}"
        return f"0 at {self.floor:g}, 1 at {self.target:g}{beyond}"

    def inverse(self, s: float) -> float | None:
        """Return the value that first reaches attainment ``s``, ``None`` if unreachable."""
        span = self.target - self.floor
        if s <= 0:
            return self.floor
        if s <= 1:
            return self.floor + s * span
        if s > self.cap:
            return None
        if self.stretch is not None:
            return self.target + (s - 1) / (self.cap - 1) * (self.stretch - self.target)
        return self.target + (s - 1) * span


@frozen(kw_only=False)
class Linear:
    """A linear scale: 0 at ``lo``, 1 at ``hi``, clipped to ``[0, 1]``.

    With ``clip=False`` the scale is affine and unbounded (the scorer folds it
    into the weights). For a "less is better" indicator give ``lo > hi``.

    Parameters
    ----------
    lo
        The value scoring 0.
    hi
        The value scoring 1.
    clip
        Clip the score to ``[0, 1]`` (default).

    Examples
    --------
    >>> import numpy as np
    >>> Linear(0, 50).apply(np.array([-5.0, 25.0, 80.0]))
    array([0. , 0.5, 1. ])

    .. versionadded:: 0.1
    """

    lo: float = field(converter=_float, validator=_finite("Linear", "lo"))
    hi: float = field(converter=_float, validator=_finite("Linear", "hi"))
    clip: bool = field(default=True, kw_only=True)

    relative: ClassVar[bool] = False

    def __attrs_post_init__(self) -> None:
        if self.lo == self.hi:
            raise InvalidInputError(f"Linear: lo must differ from hi, got lo=hi={self.lo}")

    @property
    def increasing(self) -> bool:
        """Whether a larger value scores higher."""
        return self.hi > self.lo

    @property
    def upper(self) -> float:
        """The highest attainment (``inf`` when unclipped)."""
        return 1.0 if self.clip else math.inf

    def apply(self, x: FloatArray) -> FloatArray:
        """Return the score of each value in ``x`` (vectorised)."""
        s = (x - self.lo) / (self.hi - self.lo)
        s = np.asarray(s, dtype=np.float64)
        if self.clip:
            _clip(s, 0.0, 1.0)
        return s

    def __call__(self, values: FloatArray) -> FloatArray:
        """Return the score of each value (the same as :meth:`apply`)."""
        return self.apply(np.asarray(values, dtype=np.float64))

    def describe(self) -> str:
        """Return the scale in words, for explanations.

        Examples
        --------
        >>> Linear(0, 50).describe()
        'linear: 0 at 0, 1 at 50, clipped to [0, 1]'
        """
        tail = ", clipped to [0, 1]" if self.clip else ", unbounded"
        return f"linear: 0 at {self.lo:g}, 1 at {self.hi:g}{tail}"

    def inverse(self, s: float) -> float | None:
        """Return the value that first reaches score ``s``, ``None`` if unreachable."""
        if self.clip and s > 1:
            return None
        return self.lo + max(s, 0.0) * (self.hi - self.lo)


def _steps(value: Any) -> tuple[tuple[float, float], ...]:
    if isinstance(value, str) or not isinstance(value, Sequence) or not value:
        raise InvalidInputError(
            f"LookupTable: steps must be a non-empty sequence of (threshold, score), got {value!r}"
        )
    out = []
    for item in value:
        if not isinstance(item, Sequence) or len(item) != 2:
            raise InvalidInputError(
                f"LookupTable: each step must be a (threshold, score) pair, got {item!r}"
            )
        t, s = item
        for what, v in (("threshold", t), ("score", s)):
            _finite("LookupTable", what)(None, None, v)
        if float(s) < 0:
            raise InvalidInputError(f"LookupTable: score must be >= 0, got {s!r}")
        out.append((float(t), float(s)))
    return tuple(out)


@frozen(kw_only=False)
class LookupTable:
    """A step function: a value at or above a threshold earns that step's score.

    Parameters
    ----------
    steps
        ``(threshold, score)`` pairs with strictly increasing thresholds.
    below
        The score of a value below the first threshold.

    Examples
    --------
    >>> import numpy as np
    >>> table = LookupTable([(1, 0.5), (3, 0.8), (5, 1.0)])
    >>> table.apply(np.array([0.0, 1.0, 4.0, 9.0]))
    array([0. , 0.5, 0.8, 1. ])

    .. versionadded:: 0.1
    """

    steps: tuple[tuple[float, float], ...] = field(converter=_steps)
    below: float = field(
        default=0.0, converter=_float, validator=_finite("LookupTable", "below"), kw_only=True
    )

    relative: ClassVar[bool] = False

    def __attrs_post_init__(self) -> None:
        thresholds = [t for t, _ in self.steps]
        if any(b <= a for a, b in itertools.pairwise(thresholds)):
            raise InvalidInputError(
                f"LookupTable: thresholds must be strictly increasing, got {thresholds}"
            )
        if self.below < 0:
            raise InvalidInputError(f"LookupTable: below must be >= 0, got {self.below}")

    @property
    def _scores(self) -> list[float]:
        return [self.below] + [s for _, s in self.steps]

    @property
    def increasing(self) -> bool | None:
        """``True`` if scores never fall, ``False`` if they never rise, else ``None``."""
        s = self._scores
        if all(b >= a for a, b in itertools.pairwise(s)):
            return True
        if all(b <= a for a, b in itertools.pairwise(s)):
            return False
        return None

    @property
    def constant(self) -> bool:
        """Whether every value scores the same (fits either direction)."""
        return len(set(self._scores)) == 1

    @property
    def upper(self) -> float:
        """The highest score."""
        return max(self._scores)

    def apply(self, x: FloatArray) -> FloatArray:
        """Return the score of each value in ``x`` (vectorised)."""
        thresholds = np.array([t for t, _ in self.steps])
        scores = np.array(self._scores)
        return np.asarray(scores[np.searchsorted(thresholds, x, side="right")], dtype=np.float64)

    def __call__(self, values: FloatArray) -> FloatArray:
        """Return the score of each value (the same as :meth:`apply`)."""
        return self.apply(np.asarray(values, dtype=np.float64))

    def describe(self) -> str:
        """Return the steps in words, for explanations.

        Examples
        --------
        >>> LookupTable([(1, 0.5), (3, 1.0)]).describe()
        'steps: 0 below 1, 0.5 from 1, 1 from 3'
        """
        steps = ", ".join(f"{s:g} from {t:g}" for t, s in self.steps)
        return f"steps: {self.below:g} below {self.steps[0][0]:g}, {steps}"

    def inverse(self, s: float) -> float | None:
        """Return the threshold at which score ``s`` is first reached, ``None`` if never."""
        scores = self._scores
        thresholds = [t for t, _ in self.steps]
        if self.increasing is False:
            # less is better: the largest threshold still below which s is reached
            ok = [i for i, v in enumerate(scores) if v >= s]
            if not ok:
                return None
            last = max(ok)
            return thresholds[last] if last < len(thresholds) else thresholds[-1]
        for i, v in enumerate(scores[1:]):
            if v >= s:
                return thresholds[i]
        return None


@frozen
class MinMax:
    """Opt-in cohort-relative scale: 0 for the worst cadre, 1 for the best.

    **Depends on other cadres**: the scale is taken over the cadres scored in
    the same period, so one cadre's data changes everyone's score, and the
    independence property does not hold. A constant column scores 0.5.

    Examples
    --------
    >>> import numpy as np
    >>> MinMax().apply_relative(np.array([1.0, 3.0, 5.0]), increasing=True)
    array([0. , 0.5, 1. ])

    .. versionadded:: 0.1
    """

    relative: ClassVar[bool] = True
    increasing: ClassVar[None] = None
    upper: ClassVar[float] = 1.0

    def apply_relative(self, x: FloatArray, *, increasing: bool) -> FloatArray:
        """Return the scaled scores of one cohort's values."""
        if x.size == 0:
            return np.zeros(0)
        lo, hi = float(x.min()), float(x.max())
        if hi == lo:
            return np.full(x.shape, 0.5)
        s = (x - lo) / (hi - lo)
        return s if increasing else 1.0 - s

    def __call__(self, values: FloatArray) -> FloatArray:
        """Return the scaled scores of one cohort's values, more being better."""
        return self.apply_relative(np.asarray(values, dtype=np.float64), increasing=True)

    def describe(self) -> str:
        """Return the scale in words, for explanations."""
        return "min-max over the cadres scored in the period (cohort-relative)"

    def inverse(self, s: float) -> float | None:  # noqa: ARG002
        """Relative scales have no fixed inverse; always ``None``."""
        return None


@frozen
class Percentile:
    """Opt-in cohort-relative scale: the share of the cohort the cadre beats.

    Ties count half. **Depends on other cadres** (see :class:`MinMax`). A
    single cadre or a constant column scores 0.5.

    Examples
    --------
    >>> import numpy as np
    >>> Percentile().apply_relative(np.array([10.0, 30.0, 20.0]), increasing=True)
    array([0. , 1. , 0.5])

    .. versionadded:: 0.1
    """

    relative: ClassVar[bool] = True
    increasing: ClassVar[None] = None
    upper: ClassVar[float] = 1.0

    def apply_relative(self, x: FloatArray, *, increasing: bool) -> FloatArray:
        """Return the percentile scores of one cohort's values."""
        n = x.size
        if n <= 1:
            return np.full(x.shape, 0.5)
        v = x if increasing else -x
        ordered = np.sort(v)
        less = np.searchsorted(ordered, v, side="left")
        equal = np.searchsorted(ordered, v, side="right") - less
        return np.asarray((less + 0.5 * (equal - 1)) / (n - 1), dtype=np.float64)

    def __call__(self, values: FloatArray) -> FloatArray:
        """Return the percentile scores of one cohort's values, more being better."""
        return self.apply_relative(np.asarray(values, dtype=np.float64), increasing=True)

    def describe(self) -> str:
        """Return the scale in words, for explanations."""
        return "share of the cadres scored in the period beaten (cohort-relative)"

    def inverse(self, s: float) -> float | None:  # noqa: ARG002
        """Relative scales have no fixed inverse; always ``None``."""
        return None


@frozen(kw_only=False)
class Reciprocal:
    """Less is better without a floor: attainment ``target / x``, at most ``cap``.

    A value at ``target`` attains 1, twice the target attains 0.5, ten times
    the target 0.1: worse values always score less but never reach 0, so no
    floor has to be set. A value at or below ``target * 1/cap`` (zero and
    negative values included) attains ``cap``. Use it with
    ``direction="min"`` (days taken, complaints per thousand enterprises).

    Parameters
    ----------
    target
        The value attaining 1, ``> 0``.
    cap
        The highest attainment, ``>= 1``.

    Examples
    --------
    >>> import numpy as np
    >>> Reciprocal(10)(np.array([0.0, 5.0, 10.0, 20.0, 40.0]))
    array([1.  , 1.  , 1.  , 0.5 , 0.25])
    >>> Reciprocal(10, cap=1.5)(np.array([5.0, 8.0]))
    array([1.5 , 1.25])
    >>> Reciprocal(10).describe()
    '1 at 10 and below, target / value above (no floor)'

    .. versionadded:: 0.3
    """

    target: float = field(converter=_float, validator=_finite("Reciprocal", "target"))
    cap: float = field(default=1.0, converter=_float, validator=_finite("Reciprocal", "cap"))

    relative: ClassVar[bool] = False
    increasing: ClassVar[bool] = False

    def __attrs_post_init__(self) -> None:
        if self.target <= 0:
            raise InvalidInputError(f"Reciprocal: target must be > 0, got {self.target}")
        if self.cap < 1:
            raise InvalidInputError(f"Reciprocal: cap must be >= 1, got {self.cap}")

    @property
    def upper(self) -> float:
        """The highest attainment."""
        return self.cap

    def __call__(self, values: FloatArray) -> FloatArray:
        """Return the attainment of each value (vectorised)."""
        x = np.asarray(values, dtype=np.float64)
        best = self.target / self.cap
        out = np.divide(self.target, np.maximum(x, best))
        return np.asarray(np.minimum(out, self.cap), dtype=np.float64)

    apply = __call__

    def describe(self) -> str:
        """Return the scale in words, for explanations."""
        top = "1" if self.cap == 1 else f"{self.cap:g}"
        at = f"{self.target:g}" if self.cap == 1 else f"{self.target / self.cap:g}"
        return f"{top} at {at} and below, target / value above (no floor)"

    def inverse(self, s: float) -> float | None:
        """Return the largest value still attaining ``s``, ``None`` if unreachable."""
        if s <= 0 or s > self.cap:
            return None
        return self.target / s


def _bands(value: Any) -> tuple[float, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence | np.ndarray):
        raise InvalidInputError(f"Step: expected a sequence of numbers, got {value!r}")
    out = []
    for v in value:
        _finite("Step", "threshold or score")(None, None, v)
        out.append(float(v))
    return tuple(out)


@frozen(kw_only=False)
class Step:
    """Threshold bands: each band between two thresholds earns one score.

    ``scores[0]`` is earned below ``thresholds[0]``, ``scores[i]`` between
    ``thresholds[i-1]`` and ``thresholds[i]``, and ``scores[-1]`` above the
    last threshold. ``closed`` says which band a value exactly at a threshold
    belongs to: ``"left"`` (default) the band above it ("at least"),
    ``"right"`` the band below it ("at most", for less-is-better counts).
    Scores rise or fall monotonically, and are ``>= 0``.

    Parameters
    ----------
    thresholds
        Strictly increasing band edges.
    scores
        One more score than thresholds.
    closed
        ``"left"`` or ``"right"``.

    Examples
    --------
    >>> import numpy as np
    >>> complaints = Step([0, 2, 5], [1.0, 0.6, 0.3, 0.0], closed="right")
    >>> complaints(np.array([0.0, 1.0, 2.0, 3.0, 9.0]))
    array([1. , 0.6, 0.6, 0.3, 0. ])
    >>> complaints.describe()
    'bands: 1 up to 0, 0.6 up to 2, 0.3 up to 5, 0 above 5'

    .. versionadded:: 0.3
    """

    thresholds: tuple[float, ...] = field(converter=_bands)
    scores: tuple[float, ...] = field(converter=_bands)
    closed: str = field(default="left", kw_only=True)

    relative: ClassVar[bool] = False

    def __attrs_post_init__(self) -> None:
        t, sc = self.thresholds, self.scores
        if not t or len(sc) != len(t) + 1:
            raise InvalidInputError(
                f"Step: need at least one threshold and one more score than thresholds, "
                f"got {len(t)} thresholds and {len(sc)} scores"
            )
        if any(b <= a for a, b in itertools.pairwise(t)):
            raise InvalidInputError(f"Step: thresholds must be strictly increasing, got {list(t)}")
        if min(sc) < 0:
            raise InvalidInputError(f"Step: scores must be >= 0, got {list(sc)}")
        rising = all(b >= a for a, b in itertools.pairwise(sc))
        falling = all(b <= a for a, b in itertools.pairwise(sc))
        if not (rising or falling):
            raise InvalidInputError(f"Step: scores must rise or fall monotonically, got {list(sc)}")
        if self.closed not in ("left", "right"):
            raise InvalidInputError(f"Step: closed must be 'left' or 'right', got {self.closed!r}")

    @property
    def increasing(self) -> bool | None:
        """``True`` if scores rise, ``False`` if they fall, ``None`` if all equal."""
        sc = self.scores
        if len(set(sc)) == 1:
            return None
        return sc[-1] > sc[0]

    @property
    def upper(self) -> float:
        """The highest score."""
        return max(self.scores)

    def __call__(self, values: FloatArray) -> FloatArray:
        """Return the score of each value (vectorised)."""
        x = np.asarray(values, dtype=np.float64)
        edges = np.array(self.thresholds, dtype=np.float64)
        band = np.searchsorted(edges, x, side="right" if self.closed == "left" else "left")
        return np.asarray(np.array(self.scores)[band], dtype=np.float64)

    apply = __call__

    def describe(self) -> str:
        """Return the bands in words, for explanations."""
        word = "below" if self.closed == "left" else "up to"
        parts = [f"{s:g} {word} {t:g}" for s, t in zip(self.scores, self.thresholds, strict=False)]
        above = "from" if self.closed == "left" else "above"
        parts.append(f"{self.scores[-1]:g} {above} {self.thresholds[-1]:g}")
        return "bands: " + ", ".join(parts)

    def inverse(self, s: float) -> float | None:
        """Return the edge of the nearest band scoring at least ``s``, ``None`` if none does."""
        sc, t = self.scores, self.thresholds
        ok = [i for i, v in enumerate(sc) if v >= s]
        if not ok:
            return None
        if self.increasing is False:
            i = max(ok)
            return t[i] if i < len(t) else t[-1]
        i = min(ok)
        return t[i - 1] if i > 0 else t[0]


@runtime_checkable
class Normaliser(Protocol):
    """What an :class:`~cadredev.scoring.Indicator` needs of a normaliser.

    A normaliser turns an array of raw values into attainments, vectorised,
    and says in words what it does. The built-in ones are :class:`Target`,
    :class:`Linear`, :class:`LookupTable`, :class:`Reciprocal`,
    :class:`Step`, and the cohort-relative :class:`MinMax` and
    :class:`Percentile`. Your own class keeps the protocol with:

    - ``__call__(values)``: a float array of the same shape, finite, ``>= 0``;
      an absolute normaliser must score each value on its own;
    - ``describe()``: a short text for explanations.

    and may declare:

    - ``increasing``: ``True`` (more is better), ``False`` or ``None`` (not
      declared); when declared it must agree with the indicator's
      ``direction``;
    - ``upper``: the highest attainment (default 1; the property checks hold
      scores to it);
    - ``relative``: ``True`` if it scores the whole cohort of a period at once
      (then it is not independent of other cadres); default ``False``;
    - ``inverse(s)``: the value that first reaches attainment ``s``, for the
      distance to the next grade in explanations.

    To save schemes that use it as JSON, make it an attrs class and
    :func:`cadredev.io.register` it; it is written with a ``"type"`` tag
    naming the class, like the built-in ones.

    Examples
    --------
    >>> import attrs
    >>> import numpy as np
    >>> from cadredev.scoring import Normaliser, Target
    >>> @attrs.frozen
    ... class Half:
    ...     increasing = True
    ...
    ...     def __call__(self, values):
    ...         return np.minimum(np.asarray(values, dtype=float) / 2, 1.0)
    ...
    ...     def describe(self):
    ...         return "half the value, at most 1"
    >>> isinstance(Half(), Normaliser), isinstance(Target(0, 1), Normaliser)
    (True, True)

    .. versionadded:: 0.1
    .. versionchanged:: 0.3
       A protocol that users' own classes can keep, not a closed union.
    """

    def __call__(self, values: FloatArray, /) -> FloatArray:
        """Return the attainment of each value."""

    def describe(self) -> str:
        """Return what the normaliser does, in words."""


BUILTIN_NORMALISERS: tuple[type[Any], ...] = (
    Target,
    Linear,
    LookupTable,
    Reciprocal,
    Step,
    MinMax,
    Percentile,
)
"""The normalisers cadredev defines (JSON documents name them by class)."""


def attain(norm: Any, values: FloatArray, *, where: str) -> FloatArray:
    """Return a normaliser's attainments, checked when the normaliser is not a built-in one.

    A user's normaliser must return finite numbers ``>= 0``, one per value.
    """
    if type(norm) in BUILTIN_NORMALISERS:
        out: FloatArray = norm.apply(values)
        return out
    try:
        raw = norm(values)
    except Exception as exc:
        raise InvalidInputError(
            f"{where}: normaliser {norm!r} raised {type(exc).__name__}: {exc}"
        ) from exc
    s = np.asarray(raw, dtype=np.float64)
    if s.shape != np.shape(values):
        raise InvalidInputError(
            f"{where}: normaliser {norm!r} returned shape {s.shape} for {np.shape(values)} values"
        )
    bad = ~np.isfinite(s) | (s < 0)
    if bad.any():
        i = int(np.argmax(bad))
        raise InvalidInputError(
            f"{where}: normaliser {norm!r} gave {float(s.flat[i])!r} for value "
            f"{float(np.asarray(values).flat[i])!r}; attainments must be finite and >= 0"
        )
    return s
