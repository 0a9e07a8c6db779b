"""Columns of numbers checked as whole arrays, before numpy computes with them.

One dtype test and one vectorised pass over the values, so results built
internally from arrays of the right dtype stay cheap at any size.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cadredev._validate import is_int, is_real
from cadredev.errors import InvalidInputError

__all__ = ["bool_array", "int_array", "real_array"]

_NUMERIC = "iuf"


def _show(value: object) -> str:
    """Return a short repr of *value* for a message (arrays and long lists are cut)."""
    import reprlib  # noqa: PLC0415

    short = reprlib.Repr()
    short.maxlist = short.maxtuple = short.maxset = short.maxdict = 6
    short.maxstring = short.maxother = 80
    return short.repr(value)


def _first(mask: Any) -> tuple[int, ...]:
    """Return the index of the first true entry of *mask*."""
    import numpy as np  # noqa: PLC0415

    return tuple(int(i) for i in np.unravel_index(int(np.argmax(mask)), mask.shape))


def _where_in(mask: Any) -> str:
    """Return ``[i]`` or ``[i, j]``: the first place *mask* is true."""
    return "[" + ", ".join(map(str, _first(mask))) + "]"


def _as_array(value: object, *, where: str, name: str, expected: str) -> Any:
    """Return *value* as a numpy array (not converted yet), or raise naming *where*."""
    import numpy as np  # noqa: PLC0415

    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvalidInputError(f"{where}: {name} must be {expected}, got {_show(value)}")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError, OverflowError) as exc:  # ragged or unconvertible
        raise InvalidInputError(
            f"{where}: {name} must be {expected}, got {_show(value)} ({exc})"
        ) from None
    if arr.ndim == 0:  # a set, a generator: no order, or no length
        raise InvalidInputError(f"{where}: {name} must be {expected}, got {_show(value)}")
    return arr


def _check_shape(arr: Any, shape: tuple[int | None, ...], *, where: str, name: str) -> None:
    if arr.ndim != len(shape) or any(
        want is not None and got != want for got, want in zip(arr.shape, shape, strict=True)
    ):
        wanted = "(" + ", ".join(
            str(s) if s is not None else "nkm"[i % 3] for i, s in enumerate(shape)
        )
        wanted += ",)" if len(shape) == 1 else ")"
        raise InvalidInputError(f"{where}: {name} must have shape {wanted}, got shape {arr.shape}")


def _unravel(place: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    out: list[int] = []
    for size in reversed(shape):
        place, rest = divmod(place, size)
        out.append(rest)
    return tuple(reversed(out))


def _object_items(arr: Any, ok: Any, *, where: str, name: str, expected: str) -> None:
    """Check an object array item by item (the slow path: huge integers, mixed types)."""
    for place, item in enumerate(arr.flat):
        if not ok(item):
            at = "[" + ", ".join(map(str, _unravel(place, arr.shape))) + "]"
            raise InvalidInputError(f"{where}: {name}{at} must be {expected}, got {_show(item)}")


def real_array(
    value: object,
    *,
    where: str,
    name: str,
    shape: tuple[int | None, ...] = (None,),
    allow_nan: bool = False,
    allow_inf: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
) -> Any:
    """Return *value* as a float64 array of *shape* (``None``: any length), else raise.

    Accepts numpy arrays of integers or floats and (nested) sequences of
    real numbers; refuses text, booleans, ``None``, ragged rows, numbers
    beyond the float range and, unless allowed, NaN and infinities. Values
    outside ``[minimum, maximum]`` are refused too. An array already of
    dtype float64 is returned as it is, after one vectorised check.

    Examples
    --------
    >>> real_array([1, 2.5], where="f", name="xs").tolist()
    [1.0, 2.5]
    >>> real_array([[1.0], [2.0, 3.0]], where="f", name="xs", shape=(None, None))
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: f: xs must be an array of real numbers, ...
    >>> real_array([1.0, float("nan")], where="f", name="xs")
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: f: xs[1] must be finite, got nan
    """
    import numpy as np  # noqa: PLC0415

    expected = "an array of real numbers"
    arr = _as_array(value, where=where, name=name, expected=expected)
    if arr.dtype.kind == "O" and arr.size:
        _object_items(arr, is_real, where=where, name=name, expected="a finite real number")
    elif arr.dtype.kind not in _NUMERIC and arr.size:
        raise InvalidInputError(
            f"{where}: {name} must be {expected}, got dtype {arr.dtype} {_show(value)}"
        )
    _check_shape(arr, shape, where=where, name=name)
    out = arr.astype(np.float64, copy=False)
    if arr.dtype.kind != "f":
        if out.size and not np.isfinite(out).all():  # integers beyond the float range
            raise InvalidInputError(f"{where}: {name} holds numbers beyond the float range")
    else:
        _check_special(out, allow_nan=allow_nan, allow_inf=allow_inf, where=where, name=name)
    _check_range(out, minimum, maximum, where=where, name=name)
    return out


def _check_special(arr: Any, *, allow_nan: bool, allow_inf: bool, where: str, name: str) -> None:
    import numpy as np  # noqa: PLC0415

    if not arr.size or (allow_nan and allow_inf):
        return
    if not allow_nan and not allow_inf:
        bad = ~np.isfinite(arr)
    elif allow_nan:
        bad = np.isinf(arr)
    else:
        bad = np.isnan(arr)
    if bad.any():
        what = "a number (not NaN)" if allow_inf else "finite"
        raise InvalidInputError(
            f"{where}: {name}{_where_in(bad)} must be {what}, got {arr[_first(bad)]}"
        )


def _check_range(
    arr: Any, minimum: float | None, maximum: float | None, *, where: str, name: str
) -> None:
    import numpy as np  # noqa: PLC0415

    if not arr.size:
        return
    for bound, bad_of, word in ((minimum, np.less, ">="), (maximum, np.greater, "<=")):
        if bound is None:
            continue
        with np.errstate(invalid="ignore"):
            bad = bad_of(arr, bound)
        if bad.any():
            raise InvalidInputError(
                f"{where}: {name}{_where_in(bad)} must be {word} {bound}, "
                f"got {arr[_first(bad)].item()!r}"
            )


def int_array(
    value: object,
    *,
    where: str,
    name: str,
    shape: tuple[int | None, ...] = (None,),
    minimum: int | None = None,
    maximum: int | None = None,
) -> Any:
    """Return *value* as an int64 array of *shape* (``None``: any length), else raise.

    Accepts numpy integer arrays and (nested) sequences of integers within
    the int64 range (and within ``[minimum, maximum]``); refuses floats,
    booleans, text, ``None`` and ragged rows. An empty sequence is accepted
    whatever its dtype. An int64 array is returned as it is, after one
    vectorised range check.

    Examples
    --------
    >>> int_array([3, 1], where="f", name="sizes", minimum=0).tolist()
    [3, 1]
    >>> int_array([3, -1], where="f", name="sizes", minimum=0)
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: f: sizes[1] must be >= 0, got -1
    """
    import numpy as np  # noqa: PLC0415

    expected = "an array of integers"
    arr = _as_array(value, where=where, name=name, expected=expected)
    if arr.dtype.kind == "O" and arr.size:
        lo, hi = -(2**63), 2**63 - 1

        def ok(item: object) -> bool:
            return is_int(item) and lo <= item <= hi  # type: ignore[operator]

        _object_items(arr, ok, where=where, name=name, expected="an integer within int64")
    elif arr.dtype.kind not in "iu" and arr.size:
        raise InvalidInputError(
            f"{where}: {name} must be {expected}, got dtype {arr.dtype} {_show(value)}"
        )
    _check_shape(arr, shape, where=where, name=name)
    if arr.dtype.kind == "u" and arr.size and int(arr.max()) > 2**63 - 1:
        raise InvalidInputError(
            f"{where}: {name} holds integers beyond the int64 range, got {int(arr.max())}"
        )
    out = arr.astype(np.int64, copy=False)
    _check_range(out, minimum, maximum, where=where, name=name)
    return out


def bool_array(
    value: object, *, where: str, name: str, shape: tuple[int | None, ...] = (None,)
) -> Any:
    """Return *value* as a boolean array of *shape*, else raise naming *where*.

    Only booleans (Python's or numpy's) are accepted: ``0``, ``1`` and text are refused.

    Examples
    --------
    >>> bool_array([True, False], where="f", name="flags").tolist()
    [True, False]
    """
    expected = "an array of booleans"
    arr = _as_array(value, where=where, name=name, expected=expected)
    if arr.dtype.kind != "b" and arr.size:
        raise InvalidInputError(
            f"{where}: {name} must be {expected}, got dtype {arr.dtype} {_show(value)}"
        )
    _check_shape(arr, shape, where=where, name=name)
    return arr.astype(bool, copy=False)
