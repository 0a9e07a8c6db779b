"""A small immutable, hashable mapping used for competency levels."""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any, TypeVar

__all__ = ["FrozenDict", "id_key"]

K = TypeVar("K")
V = TypeVar("V")


_TEXT = frozenset({str})


def id_key(value: object) -> tuple[str, str]:
    """Return the total order cadredev uses for ids of any type: ``(str, repr)``.

    Ids of mixed types (``1`` and ``"1"``) sort without error and always alike.

    Examples
    --------
    >>> sorted([2, "1", 1, "b"], key=id_key)
    ['1', 1, 2, 'b']
    """
    return (str(value), repr(value))


class FrozenDict(Mapping[K, V]):
    """An immutable mapping with sorted keys, hashable and comparable to dicts.

    Used for the ``competencies`` and ``requirements`` fields so that records
    stay frozen and hashable. Iteration follows key order by ``id_key``
    (``(str, repr)``, which also orders keys of mixed types), so two records
    built from differently ordered dicts are equal *and* print alike.

    Examples
    --------
    >>> levels = FrozenDict({"judgment": 0.5, "communication": 0.8})
    >>> levels
    FrozenDict({'communication': 0.8, 'judgment': 0.5})
    >>> levels == {"judgment": 0.5, "communication": 0.8}
    True
    >>> hash(levels) == hash(FrozenDict(dict(levels)))
    True

    .. versionadded:: 0.1
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[K, V] | None = None) -> None:
        try:
            items = dict(data or {})
        except (TypeError, ValueError):
            from .errors import InvalidInputError  # noqa: PLC0415

            raise InvalidInputError(
                f"FrozenDict: expected a mapping or (key, value) pairs, got {data!r}"
            ) from None
        # for text keys plain sorting gives the same order without building keys
        texts = set(map(type, items)) <= _TEXT
        order: list[K] = sorted(items) if texts else sorted(items, key=id_key)  # type: ignore[type-var]
        self._data: dict[K, V] = {k: items[k] for k in order}
        self._hash: int | None = None

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def items(self) -> ItemsView[K, V]:
        """Return the items, in key order (a view of the stored dict: fast)."""
        return self._data.items()

    def keys(self) -> KeysView[K]:
        """Return the keys, in order."""
        return self._data.keys()

    def values(self) -> ValuesView[V]:
        """Return the values, in key order."""
        return self._data.values()

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenDict({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (self._data,))
