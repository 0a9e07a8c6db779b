"""Variants as data: a scenario is a name, a base input and changes to it."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

import attrs
from attrs import field, frozen

from cadredev._frozendict import FrozenDict, id_key
from cadredev._validate import is_real
from cadredev.errors import InvalidInputError

__all__ = ["Change", "Scenario", "grid", "knobs"]

_SEGMENT = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:\[(?P<key>[^\]]+)\])?$")


def _freeze(value: Any) -> Any:
    """Return *value* with lists as tuples and dicts as frozen mappings (so it hashes)."""
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, set):
        return frozenset(_freeze(v) for v in value)
    if isinstance(value, Mapping) and not isinstance(value, FrozenDict):
        return FrozenDict({_freeze(k): _freeze(v) for k, v in value.items()})
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        return value.item()  # numpy scalars as plain numbers
    return value


def _check_path(change: Change, attribute: attrs.Attribute[str], value: str) -> None:
    del change, attribute
    if not isinstance(value, str) or not all(_SEGMENT.match(s) for s in value.split(".")):
        raise InvalidInputError(
            f"Change: path must be dotted field names such as 'length', 'programs.length' "
            f"or 'programs[cross-shadowing].length', got {value!r}"
        )


def _check_op(change: Change, attribute: attrs.Attribute[str], value: str) -> None:
    del change, attribute
    if value not in ("set", "add", "remove"):
        raise InvalidInputError(f"Change: op must be 'set', 'add' or 'remove', got {value!r}")


@frozen(kw_only=True)
class Change:
    """One change to a base input, as data.

    Parameters
    ----------
    path
        What to change: a field of the base (``"horizon"``), a field of every
        record in one of its collections (``"programs.length"``, or the bare
        ``"length"`` when exactly one collection has such a field), of one
        record picked by id or name (``"programs[cross-shadowing].length"``),
        or a policy knob (see :func:`knobs`, for example ``"home_share"``).
    value
        The new value (``op="set"``), the records to add (``op="add"``) or the
        ids or names of the records to remove (``op="remove"``).
    op
        ``"set"`` (an :func:`attrs.evolve`-style update), ``"add"`` or
        ``"remove"`` (records of a collection field such as ``cadres``).

    Examples
    --------
    >>> from cadredev.scenarios import Change
    >>> Change(path="programs.length", value=2)
    Change(path='programs.length', value=2, op='set')
    >>> Change(path="cadres", value=["c001"], op="remove").value
    ('c001',)

    .. versionadded:: 0.3
    """

    path: str = field(validator=_check_path)
    value: Any = field(default=None, converter=_freeze)
    op: Literal["set", "add", "remove"] = field(default="set", validator=_check_op)


def _records(value: Any) -> bool:
    return isinstance(value, tuple) and bool(value) and all(attrs.has(type(v)) for v in value)


def _record_key(record: Any) -> Any:
    for name in ("id", "name"):
        if hasattr(record, name):
            return getattr(record, name)
    return None


# ------------------------------------------------------------------ knobs

_Knob = Callable[[Any, Any], Any]


def _home_share(problem: Any, share: Any) -> Any:
    if not is_real(share) or not 0 <= float(share) <= 1:
        raise InvalidInputError(f"home_share: expected a share in [0, 1], got {share!r}")
    sizes: dict[str, int] = {}
    for c in problem.cadres:
        sizes[c.unit] = sizes.get(c.unit, 0) + 1
    home = {u: int(share * n) for u, n in sorted(sizes.items())}
    return attrs.evolve(problem, min_home_staffing=home)


_KNOBS: dict[str, dict[str, tuple[_Knob, str]]] = {
    "RotationProblem": {
        "home_share": (
            _home_share,
            "share of each unit's cadres kept home in every period (min_home_staffing)",
        ),
    },
}


def knobs(base: Any) -> dict[str, str]:
    """Return the policy knobs an axis or change may name on ``base``, with what they set.

    A knob is a named change that is not a plain field: ``home_share`` on a
    :class:`~cadredev.rotation.RotationProblem` sets every unit's
    ``min_home_staffing`` to that share of its cadres (rounded down).

    Examples
    --------
    >>> from cadredev.datasets import tiny_rotation_problem
    >>> from cadredev.scenarios import knobs
    >>> sorted(knobs(tiny_rotation_problem()))
    ['home_share']

    .. versionadded:: 0.3
    """
    return {k: v[1] for k, v in _KNOBS.get(type(base).__name__, {}).items()}


def _fields(value: Any) -> dict[str, Any]:
    if not attrs.has(type(value)):
        return {}
    return {a.name: getattr(value, a.name) for a in attrs.fields(type(value)) if a.init}


def resolve(base: Any, path: str, *, where: str) -> str:
    """Return the canonical form of *path* on *base*, or raise naming what the base has."""
    head, _, rest = path.partition(".")
    match = _SEGMENT.match(head)
    assert match is not None  # checked by Change  # noqa: S101
    name = match["name"]
    fields = _fields(base)
    if name in fields:
        if not rest:
            return path
        value = fields[name]
        items = value if _records(value) else (value,) if attrs.has(type(value)) else ()
        if not items:
            raise InvalidInputError(
                f"{where}: {type(base).__name__}.{name} holds no records, so {path!r} names nothing"
            )
        return f"{head}.{resolve(items[0], rest, where=where)}"
    if not rest and match["key"] is None and name in knobs(base):
        return path
    owners = sorted(
        f
        for f, v in fields.items()
        if _records(v) and all(name in _fields(r) for r in v) and match["key"] is None
    )
    if len(owners) == 1:
        return f"{owners[0]}.{resolve(fields[owners[0]][0], path, where=where)}"
    known = sorted({*fields, *knobs(base)})
    hint = f" (ambiguous: {owners})" if owners else ""
    raise InvalidInputError(
        f"{where}: {type(base).__name__} has no field or knob {name!r}{hint}; "
        f"expected one of {known}"
    )


def _apply(base: Any, change: Change, path: str, *, where: str) -> Any:
    head, _, rest = path.partition(".")
    match = _SEGMENT.match(head)
    assert match is not None  # noqa: S101
    name, key = match["name"], match["key"]
    fields = _fields(base)
    if name not in fields:
        knob = _KNOBS[type(base).__name__][name][0]
        return knob(base, change.value)
    value = fields[name]
    if rest:
        if attrs.has(type(value)):
            return attrs.evolve(base, **{name: _apply(value, change, rest, where=where)})
        picked = [r for r in value if key is None or str(_record_key(r)) == key]
        if not picked:
            raise InvalidInputError(f"{where}: {type(base).__name__}.{name} has no {key!r}")
        new = tuple(
            _apply(r, change, rest, where=where)
            if (key is None or str(_record_key(r)) == key)
            else r
            for r in value
        )
        return attrs.evolve(base, **{name: new})
    if key is not None:
        if not isinstance(value, Mapping):
            raise InvalidInputError(f"{where}: {type(base).__name__}.{name} is not a mapping")
        return attrs.evolve(base, **{name: {**value, key: change.value}})
    return attrs.evolve(base, **{name: _updated(value, change, where=f"{where}: {name}")})


def _updated(value: Any, change: Change, *, where: str) -> Any:
    if change.op == "set":
        return change.value
    items = tuple(value or ())
    if change.op == "add":
        added = change.value if isinstance(change.value, tuple) else (change.value,)
        return (*items, *added)
    drop = change.value if isinstance(change.value, tuple) else (change.value,)
    keys = {str(_record_key(r)) for r in items}
    missing = sorted(str(d) for d in drop if str(d) not in keys)
    if missing:
        raise InvalidInputError(f"{where}: cannot remove {missing}: no such records")
    return tuple(r for r in items if str(_record_key(r)) not in {str(d) for d in drop})


def _as_changes(value: Iterable[Change] | Mapping[str, Any]) -> tuple[Change, ...]:
    if isinstance(value, Mapping):
        return tuple(Change(path=k, value=v) for k, v in value.items())
    out = tuple(value)
    for c in out:
        if not isinstance(c, Change):
            raise InvalidInputError(f"Scenario: changes must be Change records, got {c!r}")
    return out


def _check_name(scenario: Scenario, attribute: attrs.Attribute[str], value: str) -> None:
    del scenario, attribute
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise InvalidInputError(
            f"Scenario: name must be a non-empty string without outer spaces, got {value!r}"
        )


@frozen(kw_only=True)
class Scenario:
    """A named variant of a base input: the base plus changes expressed as data.

    Parameters
    ----------
    name
        Unique within a run; it also seeds the scenario (see
        :func:`~cadredev.scenarios.run`).
    base
        The unchanged input: a :class:`~cadredev.datasets.Zone`, a
        :class:`~cadredev.rotation.RotationProblem`, any attrs record (or, for
        user tasks, any picklable value when ``changes`` is empty).
    changes
        :class:`Change` records applied in order, or a mapping ``path ->
        value`` of plain updates.
    tags
        Labels shown as columns of :meth:`Results.table
        <cadredev.scenarios.Results.table>` (the grid's axis values, the
        province's zone).

    Examples
    --------
    >>> from cadredev.datasets import tiny_rotation_problem
    >>> from cadredev.scenarios import Scenario
    >>> s = Scenario(name="short", base=tiny_rotation_problem(), changes={"length": 1})
    >>> s.changes[0].path, s.apply().programs[0].length
    ('programs.length', 1)

    .. versionadded:: 0.3
    """

    name: str = field(validator=_check_name)
    base: Any
    changes: tuple[Change, ...] = field(default=(), converter=_as_changes)
    tags: FrozenDict[str, Any] = field(factory=FrozenDict, converter=_freeze)

    def __attrs_post_init__(self) -> None:
        where = f"Scenario {self.name!r}"
        canonical = tuple(
            attrs.evolve(c, path=resolve(self.base, c.path, where=where)) for c in self.changes
        )
        object.__setattr__(self, "changes", canonical)

    def apply(self) -> Any:
        """Return the base with every change applied (the base itself if there are none)."""
        value = self.base
        for change in self.changes:
            value = _apply(value, change, change.path, where=f"Scenario {self.name!r}")
        return value

    def diff(self, other: Scenario) -> dict[str, tuple[Any, Any]]:
        """Return ``path -> (this value, other value)`` for every change path that differs.

        Examples
        --------
        >>> from cadredev.datasets import tiny_rotation_problem
        >>> from cadredev.scenarios import grid
        >>> a, b = grid(tiny_rotation_problem(), length=[1, 2])
        >>> a.diff(b)
        {'programs.length': (1, 2)}
        """
        mine = {c.path: c.value for c in self.changes if c.op == "set"}
        theirs = {c.path: c.value for c in other.changes if c.op == "set"}
        out = {
            p: (mine.get(p), theirs.get(p))
            for p in sorted({*mine, *theirs})
            if mine.get(p) != theirs.get(p)
        }
        for op in ("add", "remove"):
            a = tuple(c for c in self.changes if c.op == op)
            b = tuple(c for c in other.changes if c.op == op)
            if a != b:
                out[op] = (a, b)
        return out

    def explain(self) -> str:
        """Return the scenario in words: its name, base and each change."""
        lines = [f"scenario {self.name!r} on a {type(self.base).__name__}"]
        lines += [f"  {c.op} {c.path} = {_label(c.value)}" for c in self.changes] or [
            "  no changes"
        ]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from cadredev._display import html_table  # noqa: PLC0415

        rows = [(c.op, c.path, _label(c.value)) for c in self.changes]
        return html_table(f"Scenario {self.name}", ("op", "path", "value"), rows)


def _label(value: Any) -> str:
    if attrs.has(type(value)):
        key = _record_key(value)
        return str(key) if key is not None else type(value).__name__
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, tuple):
        return "[" + ",".join(_label(v) for v in value) + "]"
    return str(value)


def grid(base: Any, **axes: Iterable[Any]) -> tuple[Scenario, ...]:
    """Return the cartesian product of named axes as scenarios on ``base``.

    Parameters
    ----------
    base
        The input every scenario changes.
    **axes
        ``name=values``: each name is a field, a record field or a knob of
        ``base`` (as in :class:`Change`); each value list is non-empty.

    Returns
    -------
    tuple of Scenario
        In the order of the axes as given, the last axis varying fastest;
        named ``"length=2,home_share=0.7"`` (values by their id or name when
        they are records). Without axes, one scenario named ``"base"``.

    Raises
    ------
    InvalidInputError
        For an axis naming nothing on ``base``, an axis without values, or
        two values that give one name.

    Examples
    --------
    >>> from cadredev.datasets import tiny_rotation_problem
    >>> from cadredev.scenarios import grid
    >>> for s in grid(tiny_rotation_problem(), length=[1, 2], home_share=[0.5, 1.0]):
    ...     print(s.name)
    length=1,home_share=0.5
    length=1,home_share=1.0
    length=2,home_share=0.5
    length=2,home_share=1.0

    .. versionadded:: 0.3
    """
    paths: dict[str, str] = {}
    values: dict[str, tuple[Any, ...]] = {}
    for axis, given in axes.items():
        if isinstance(given, str | bytes) or not isinstance(given, Iterable):
            raise InvalidInputError(f"grid: axis {axis!r} must be a list of values, got {given!r}")
        values[axis] = tuple(_freeze(v) for v in given)
        if not values[axis]:
            raise InvalidInputError(f"grid: axis {axis!r} has no values; give at least one")
        paths[axis] = resolve(base, axis, where=f"grid: axis {axis!r}")
    if not axes:
        return (Scenario(name="base", base=base),)
    out = []
    for combo in itertools.product(*values.values()):
        pairs = list(zip(values, combo, strict=True))
        out.append(
            Scenario(
                name=",".join(f"{a}={_label(v)}" for a, v in pairs),
                base=base,
                changes=[Change(path=paths[a], value=v) for a, v in pairs],
                tags={a: _tag(v) for a, v in pairs},
            )
        )
    check_unique(out, where="grid")
    return tuple(out)


def _tag(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return _label(value)


def check_unique(scenarios: Iterable[Scenario], *, where: str) -> None:
    """Raise if two scenarios share a name."""
    seen: dict[str, int] = {}
    for s in scenarios:
        seen[s.name] = seen.get(s.name, 0) + 1
    dupes = sorted((n for n, k in seen.items() if k > 1), key=id_key)
    if dupes:
        raise InvalidInputError(f"{where}: scenario names must be unique; repeated: {dupes}")
