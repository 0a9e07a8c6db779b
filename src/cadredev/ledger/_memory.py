"""The in-memory store: a list of rows, written in one step or not at all."""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator, Sequence

from ._codec import Row

__all__ = ["MemoryStore", "Query", "Stored"]

Stored = tuple[int, Row]
"""A stored row with its sequence number."""


class Query:
    """Filters for reading rows; every one is optional."""

    def __init__(
        self,
        *,
        person: str | None = None,
        kinds: Collection[str] | None = None,
        since: str | None = None,
        until: str | None = None,
        after_seq: int = 0,
    ) -> None:
        self.person = person
        self.kinds = None if kinds is None else frozenset(kinds)
        self.since = since
        self.until = until
        self.after_seq = after_seq

    def admits(self, seq: int, row: Row) -> bool:
        """Return whether a row passes every filter."""
        return (
            seq > self.after_seq
            and (self.person is None or self.person in (row.subject, row.other))
            and (self.kinds is None or row.kind in self.kinds)
            and (self.since is None or row.at >= self.since)
            and (self.until is None or row.at <= self.until)
        )


class MemoryStore:
    """Rows kept in a list; a failed write leaves the list as it was."""

    def __init__(self) -> None:
        self._rows: list[Row] = []
        self._ids: dict[str, int] = {}
        self._superseded: dict[str, int] = {}

    @contextlib.contextmanager
    def writing(self) -> Iterator[MemoryStore]:
        """Yield the store for one write; nothing to lock in one process."""
        yield self

    def insert(self, rows: Sequence[Row]) -> list[int]:
        """Append rows and return their sequence numbers (1-based)."""
        first = len(self._rows) + 1
        self._rows.extend(rows)
        seqs = list(range(first, first + len(rows)))
        for seq, row in zip(seqs, rows, strict=True):
            if row.id is not None:
                self._ids[row.id] = seq
            if row.supersedes is not None:
                self._superseded[row.supersedes] = seq
        return seqs

    def read(self, query: Query) -> list[Stored]:
        """Return the rows that pass ``query``, in sequence order."""
        return [(seq, row) for seq, row in enumerate(self._rows, start=1) if query.admits(seq, row)]

    def last_seq(self) -> int:
        """Return the sequence number of the last row (0 when empty)."""
        return len(self._rows)

    def seq_of_id(self, event_id: str) -> int | None:
        """Return the sequence number of the row with a user-given id."""
        return self._ids.get(event_id)

    def row(self, seq: int) -> Row | None:
        """Return the row at ``seq``, if any."""
        return self._rows[seq - 1] if 0 < seq <= len(self._rows) else None

    def superseded(self) -> dict[str, int]:
        """Return the ids superseded so far, each with the superseding row's sequence number."""
        return dict(self._superseded)

    def close(self) -> None:
        """Nothing to release."""
