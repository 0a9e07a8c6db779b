"""One contract for the checks every entry point shares.

Numbers, seeds, reference years and field errors are checked here and only
here, so ``schedule``, ``form_teams``, ``sample_zone`` and the records all
accept and reject the same values with the same kind of message.

This module imports nothing heavy: numpy is imported only when a seed is
turned into a generator.
"""

from __future__ import annotations

import functools
import math
import numbers
import re
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from ._frozendict import id_key
from .errors import InvalidInputError

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "MAX_COUNT",
    "MAX_YEAR",
    "MIN_YEAR",
    "FieldError",
    "Seed",
    "as_float",
    "bool_field",
    "check_hashable",
    "check_id",
    "check_ids",
    "check_instances",
    "check_items",
    "check_records",
    "check_seed",
    "check_text",
    "check_year",
    "choice_field",
    "date_field",
    "field_id_map",
    "field_ids",
    "field_items",
    "field_pairs",
    "field_records",
    "id_field",
    "id_key",
    "id_problem",
    "int_field",
    "is_int",
    "is_real",
    "named_errors",
    "optional_field",
    "real_field",
    "require_as_of",
    "rng_from",
    "text_field",
    "text_problem",
]

T = TypeVar("T")

MIN_YEAR = 1900
"""The earliest year accepted as a reference year (``as_of``)."""
MAX_YEAR = 2200
"""The latest year accepted as a reference year; fixed, never the wall clock."""

_FLOAT_MAX = int(sys.float_info.max)

MAX_COUNT = 1_000_000_000
"""The largest count (a capacity, a number of periods) a record accepts.

Counts become numpy ``int64`` arrays and are summed; this bound keeps every
sum far from overflow and every message readable."""

Seed: TypeAlias = "int | np.random.Generator | None"
"""What every ``seed`` option accepts."""

_BAD_CHAR = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BAD_CHAR_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_TEXT = "a string without control characters or lone surrogates"
ID_RULE = "a non-empty string without surrounding whitespace, control characters or lone surrogates"
"""What every id must be: ids are compared exactly, so ``' c1 '`` is refused, never stripped."""


def text_problem(value: object, *, multiline: bool = False) -> str | None:
    r"""Return what *value* should have been as text, or ``None`` when it is valid text.

    Valid text is a ``str`` holding no lone surrogate (which no file can
    encode), no non-character U+FFFE/U+FFFF and no control character (tab,
    line feed and carriage return allowed only when *multiline*: names and
    notes may span lines, ids and labels never do).

    Examples
    --------
    >>> text_problem("李娜") is None
    True
    >>> text_problem("a\ud800b")
    'a string without control characters or lone surrogates'
    """
    if not isinstance(value, str):
        return "a string"
    bad = _BAD_CHAR_MULTILINE if multiline else _BAD_CHAR
    if bad.search(value) is not None:
        return _TEXT
    return None


def id_problem(value: object) -> str | None:
    """Return what *value* should have been as an id, or ``None`` when it is a valid id.

    The one rule for ids everywhere (records, io, command line): a non-empty
    string, no surrounding whitespace (refused, never stripped), no control
    character and no lone surrogate.

    Examples
    --------
    >>> id_problem("c1") is None
    True
    >>> id_problem(" c1 ")
    'a non-empty string without surrounding whitespace, control characters or lone surrogates'
    """
    if (
        not isinstance(value, str)
        or not value
        or value != value.strip()
        or _BAD_CHAR.search(value) is not None
    ):
        return ID_RULE
    return None


def check_text(value: object, *, where: str, name: str, multiline: bool = False) -> str:
    """Return *value* if it is valid text (:func:`text_problem`), else raise naming *where*."""
    problem = text_problem(value, multiline=multiline)
    if problem is not None:
        raise InvalidInputError(f"{where}: {name} must be {problem}, got {value!r}")
    return value  # type: ignore[return-value]


def check_id(value: object, *, where: str, name: str = "id") -> str:
    """Return *value* if it is a valid id (:func:`id_problem`), else raise naming *where*."""
    if id_problem(value) is not None:
        raise InvalidInputError(f"{where}: {name} must be {ID_RULE}, got {value!r}")
    return value  # type: ignore[return-value]


def id_field(_: object, attribute: Any, value: Any) -> None:
    """Check, as an attrs validator, that a field holds a valid id (:func:`id_problem`).

    Raises :class:`FieldError`, which :func:`named_errors` names with the record.
    """
    problem = id_problem(value)
    if problem is not None:
        raise FieldError(f"{attribute.name} must be {problem}, got {value!r}")


def text_field(_: object, attribute: Any, value: Any) -> None:
    """Check, as an attrs validator, that a field holds valid text; lines are allowed.

    Raises :class:`FieldError`, which :func:`named_errors` names with the record.
    """
    problem = text_problem(value, multiline=True)
    if problem is not None:
        raise FieldError(f"{attribute.name} must be {problem}, got {value!r}")


def check_items(value: object, *, where: str, name: str) -> tuple[Any, ...]:
    """Return the items of *value*, a collection (not text or a mapping), else raise naming *where*.

    Examples
    --------
    >>> check_items([1, 2], where="f", name="xs")
    (1, 2)
    >>> check_items(None, where="f", name="xs")
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: f: xs must be a collection, got None
    """
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvalidInputError(f"{where}: {name} must be a collection, got {value!r}")
    try:
        return tuple(value)
    except TypeError:  # a zero-dimensional array claims to be iterable
        raise InvalidInputError(f"{where}: {name} must be a collection, got {value!r}") from None


def check_instances(
    value: object, kind: type[Any] | tuple[type[Any], ...], *, where: str, name: str
) -> tuple[Any, ...]:
    """Return the items of *value*, a collection of *kind* instances, else raise naming *where*.

    Examples
    --------
    >>> check_instances([1, 2], int, where="f", name="xs")
    (1, 2)
    >>> check_instances([1, "2"], int, where="f", name="xs")
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: f: xs must hold int items, got '2'
    """
    items = check_items(value, where=where, name=name)
    for item in items:
        if not isinstance(item, kind):
            what = (
                kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            )
            raise InvalidInputError(f"{where}: {name} must hold {what} items, got {item!r}")
    return items


def check_records(value: object, kind: type[Any], *, where: str, name: str) -> list[Any]:
    """Return the records of *value*: a collection of *kind* records with unique ``id``.

    Raises :class:`~cadredev.errors.InvalidInputError` naming *where* and
    *name* otherwise.

    Examples
    --------
    >>> from cadredev import Post
    >>> [
    ...     p.id
    ...     for p in check_records(
    ...         [Post(id="p", unit="u", category="c")], Post, where="f", name="posts"
    ...     )
    ... ]
    ['p']
    """
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvalidInputError(
            f"{where}: {name} must be a collection of {kind.__name__}, got {value!r}"
        )
    out = list(value)
    seen: set[Any] = set()
    for item in out:
        if not isinstance(item, kind):
            raise InvalidInputError(
                f"{where}: {name} must hold {kind.__name__} records, got {item!r}"
            )
        if item.id in seen:
            raise InvalidInputError(f"{where}: {name} repeat the id {item.id!r}")
        seen.add(item.id)
    return out


def check_year(value: object, *, where: str, name: str) -> int:
    """Return *value* as ``int`` if it is an integer (numpy's too), else raise naming *where*.

    Strings, floats and bools are refused: ``"2025"`` and ``2025.5`` are not years.
    """
    if not is_int(value):
        raise InvalidInputError(f"{where}: {name} must be an integer year, got {value!r}")
    return int(value)  # type: ignore[call-overload, no-any-return]


def check_hashable(value: object, *, where: str, what: str) -> object:
    """Return *value* if it can be hashed (a category, a key), else raise naming *where*."""
    try:
        hash(value)
    except TypeError:
        raise InvalidInputError(
            f"{where}: {what} must be hashable (a string, a number, a tuple), "
            f"got {type(value).__name__} {value!r}"
        ) from None
    return value


def is_int(value: object) -> bool:
    """Return whether *value* is an integer (numpy integers too), not a bool."""
    if type(value) is int:  # the common case, without the abstract-class check
        return True
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value: object) -> bool:
    """Return whether *value* is a finite real number, not a bool."""
    if type(value) is float:
        return math.isfinite(value)
    if type(value) is int:
        return -_FLOAT_MAX <= value <= _FLOAT_MAX
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an integer or fraction beyond the float range
        return False


def check_seed(seed: object, *, where: str) -> int | np.random.Generator | None:
    """Return *seed* checked: ``None``, an integer >= 0 or a numpy ``Generator``.

    Integers (numpy's too) come back as plain ``int``; a generator is returned
    as it is and is consumed by the caller.

    Raises
    ------
    InvalidInputError
        Naming *where* and the value, for anything else.
    """
    if seed is None:
        return None
    value: Any = seed
    if is_int(value) and value >= 0:
        return int(value)
    if type(seed).__name__ == "Generator":
        import numpy as np  # noqa: PLC0415

        if isinstance(seed, np.random.Generator):
            return seed
    raise InvalidInputError(
        f"{where}: seed must be None, an integer >= 0 or a numpy.random.Generator, got {seed!r}"
    )


def rng_from(seed: object, *, where: str) -> np.random.Generator:
    """Return a numpy generator for *seed* after :func:`check_seed`."""
    import numpy as np  # noqa: PLC0415

    checked = check_seed(seed, where=where)
    if isinstance(checked, np.random.Generator):
        return checked
    return np.random.default_rng(checked)


def require_as_of(as_of: object, *, where: str, why: str) -> int:
    """Return the reference year *as_of*, which *where* needs for *why*.

    A missing year is an error, never today's date: results must not depend
    on the day they are computed.

    Raises
    ------
    InvalidInputError
        If *as_of* is ``None`` or not an integer year in ``[MIN_YEAR, MAX_YEAR]``.
    """
    if as_of is None:
        raise InvalidInputError(
            f"{where}: as_of is required for {why} (pass a year, e.g. as_of=zone.as_of)"
        )
    year: Any = as_of
    if not is_int(year) or not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInputError(
            f"{where}: as_of must be an integer year from {MIN_YEAR} to {MAX_YEAR}, got {year!r}"
        )
    return int(year)


class FieldError(Exception):
    """A field-level problem, re-raised by :func:`named_errors` with the record's name and id."""


def named_errors(cls: type[T]) -> type[T]:
    """Re-raise :class:`FieldError` from ``cls.__init__`` as ``InvalidInputError``.

    The message then starts with the record's class name and id, so validators
    need not know which record they check: ``Mentor 'm07': capacity ...``.
    """
    original = cls.__init__

    @functools.wraps(original)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N807
        try:
            original(self, *args, **kwargs)
        except FieldError as exc:
            ident = kwargs.get("id", kwargs.get("post_id"))
            where = f"{cls.__name__} {ident!r}" if ident is not None else cls.__name__
            raise InvalidInputError(f"{where}: {exc}") from None

    cls.__init__ = __init__  # type: ignore[method-assign]
    return cls


def check_ids(values: object, *, where: str, name: str, ids: bool = True) -> tuple[str, ...]:
    """Return *values* as a tuple of ids (:func:`id_problem`), or of text when not *ids*.

    Vectorised for long columns: one type test per item and one pattern
    search over the joined text, so a million ids cost a fraction of a second.

    Examples
    --------
    >>> check_ids(["a", "b"], where="f", name="ids")
    ('a', 'b')
    >>> check_ids(["a", " b"], where="f", name="ids")
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: f: ids[1] must be a non-empty string ..., got ' b'
    """
    items = check_items(values, where=where, name=name)
    rule = ID_RULE if ids else "a string"
    if not set(map(type, items)) <= {str}:
        k = next(k for k, v in enumerate(items) if type(v) is not str)
        raise InvalidInputError(f"{where}: {name}[{k}] must be {rule}, got {items[k]!r}")
    bad = _BAD_CHAR if ids else _BAD_CHAR_MULTILINE
    joined = " ".join(items)
    # every character the patterns refuse is unprintable: printable text needs no search
    clean = joined.isprintable() or bad.search(joined) is None
    if ids:
        clean = clean and "" not in items and tuple(map(str.strip, items)) == items
    if not clean:
        problem = id_problem if ids else functools.partial(text_problem, multiline=True)
        k = next(k for k, v in enumerate(items) if problem(v) is not None)
        raise InvalidInputError(
            f"{where}: {name}[{k}] must be {rule if ids else _TEXT}, got {items[k]!r}"
        )
    return items


def field_items(value: object, *, name: str) -> tuple[Any, ...]:
    """Return the items of *value*, a collection (not text or a mapping), else raise.

    The converter-side twin of :func:`check_items`: it raises
    :class:`FieldError`, which :func:`named_errors` names with the record.
    """
    if type(value) is tuple:  # the common case, without the abstract-class checks
        return value
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise FieldError(f"{name} must be a collection, got {value!r}")
    return tuple(value)


def field_ids(value: object, *, name: str) -> tuple[str, ...]:
    """Return the ids of *value*, a collection of valid ids (:func:`id_problem`), else raise.

    Raises :class:`FieldError`, which :func:`named_errors` names with the record.
    """
    items = field_items(value, name=name)
    for item in items:
        if id_problem(item) is not None:
            raise FieldError(f"{name} must hold ids ({ID_RULE}), got {item!r}")
    return items


def field_records(value: object, kind: type[T], *, name: str) -> tuple[T, ...]:
    """Return the items of *value*, a collection of *kind* records, else raise.

    Raises :class:`FieldError`, which :func:`named_errors` names with the record.
    """
    items = field_items(value, name=name)
    for item in items:
        if not isinstance(item, kind):
            raise FieldError(f"{name} must hold {kind.__name__} records, got {item!r}")
    return items


# ------------------------------------------------------- fields of results
# attrs validators and converters for the fields of results: each checks one
# value (or walks one tuple) and raises FieldError, which named_errors names
# with the record, so results built internally stay cheap at any size.


def int_field(minimum: int = 0) -> Any:
    """Return an attrs validator: the field holds an integer (not a bool) >= *minimum*.

    Examples
    --------
    >>> import attrs
    >>> @named_errors
    ... @attrs.frozen
    ... class Count:
    ...     n: int = attrs.field(validator=int_field(1))
    >>> Count(0)
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: Count: n must be an integer >= 1, got 0
    """

    def check(_: object, attribute: Any, value: Any) -> None:
        if not is_int(value) or value < minimum:
            raise FieldError(f"{attribute.name} must be an integer >= {minimum}, got {value!r}")

    return check


def real_field(_: object, attribute: Any, value: Any) -> None:
    """Check, as an attrs validator, that a field holds a finite real number (not a bool)."""
    if not is_real(value):
        raise FieldError(f"{attribute.name} must be a finite real number, got {value!r}")


def as_float(value: Any) -> Any:
    """Return *value* as ``float`` when it is a finite real number, else unchanged.

    The converter that goes with :func:`real_field`: ``3`` and ``3.0`` give
    the same record, and the same document.
    """
    return float(value) if type(value) is not float and is_real(value) else value


def bool_field(_: object, attribute: Any, value: Any) -> None:
    """Check, as an attrs validator, that a field holds ``True`` or ``False``."""
    if not isinstance(value, bool):
        raise FieldError(f"{attribute.name} must be True or False, got {value!r}")


def optional_field(validator: Any) -> Any:
    """Return an attrs validator: the field holds ``None`` or passes *validator*."""

    def check(instance: object, attribute: Any, value: Any) -> None:
        if value is not None:
            validator(instance, attribute, value)

    return check


def choice_field(options: Iterable[str]) -> Any:
    """Return an attrs validator: the field holds one of *options* (strings)."""
    allowed = tuple(options)

    def check(_: object, attribute: Any, value: Any) -> None:
        if not isinstance(value, str) or value not in allowed:
            raise FieldError(f"{attribute.name} must be one of {', '.join(allowed)}, got {value!r}")

    return check


def field_id_map(value: object, *, name: str, real: bool = False) -> Any:
    """Return *value*, a mapping id -> integer >= 0 (or finite real), as a ``FrozenDict``.

    The converter-side twin of :func:`field_ids` for mappings: it raises
    :class:`FieldError`, which :func:`named_errors` names with the record.

    Examples
    --------
    >>> dict(field_id_map({"c1": 2}, name="load"))
    {'c1': 2}
    >>> field_id_map({"c1": -1}, name="load")
    Traceback (most recent call last):
    ...
    cadredev._validate.FieldError: load['c1'] must be an integer >= 0, got -1
    """
    from ._frozendict import FrozenDict  # noqa: PLC0415

    expected, what = ("a finite number", "number") if real else ("an integer >= 0", "count")
    if not isinstance(value, Mapping):
        raise FieldError(f"{name} must be a mapping id -> {what}, got {value!r}")
    out: dict[str, Any] = {}
    for key, item in value.items():
        if id_problem(key) is not None:
            raise FieldError(f"{name} must have ids ({ID_RULE}) as keys, got {key!r}")
        if (real and not is_real(item)) or (not real and (not is_int(item) or item < 0)):
            raise FieldError(f"{name}[{key!r}] must be {expected}, got {item!r}")
        out[key] = as_float(item) if real else int(item)
    return FrozenDict(out)


def date_field(_: object, attribute: Any, value: Any) -> None:
    """Check, as an attrs validator, that a field holds a ``datetime.date`` (not a datetime)."""
    import datetime as dt  # noqa: PLC0415

    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise FieldError(f"{attribute.name} must be a datetime.date, got {value!r}")


def field_pairs(value: object, *, name: str) -> tuple[tuple[str, str], ...]:
    """Return *value*, a collection of ``(id, text)`` pairs, as a tuple of tuples.

    Raises :class:`FieldError`, which :func:`named_errors` names with the record.

    Examples
    --------
    >>> field_pairs([["c1", "absent"]], name="unscored")
    (('c1', 'absent'),)
    """
    out: list[tuple[str, str]] = []
    for item in field_items(value, name=name):
        pair = tuple(item) if isinstance(item, list | tuple) else None
        if (
            pair is None
            or len(pair) != 2
            or id_problem(pair[0]) is not None
            or text_problem(pair[1], multiline=True) is not None
        ):
            raise FieldError(f"{name} must hold (id, text) pairs, got {item!r}")
        out.append(pair)
    return tuple(out)
