"""The database store, through SQLAlchemy Core: SQLite embedded, PostgreSQL and others.

Two tables, prefixed so that a ledger can share a database: ``cadredev_meta``
holds the schema version, ``cadredev_events`` one row per event. The schema is
versioned: opening a database written by an older cadredev upgrades it in one
transaction, and a newer one is refused.

Writers are serialised: SQLite writes begin with ``BEGIN IMMEDIATE`` (so two
processes appending to one file wait for each other instead of failing), and
PostgreSQL writes lock the events table against other writers; readers are not
blocked.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from cadredev.errors import InvalidInputError, MissingDependencyError

from ._codec import Row, event_type
from ._memory import Query, Stored

if TYPE_CHECKING:
    import sqlalchemy as sa

__all__ = ["SCHEMA_VERSION", "SqlStore"]

SCHEMA_VERSION = 2
"""The ledger's database schema version written by this cadredev."""

_EVENTS = "cadredev_events"
_META = "cadredev_meta"


def _need_sqlalchemy() -> Any:
    try:
        import sqlalchemy  # noqa: PLC0415
    except ImportError as exc:
        raise MissingDependencyError(
            "a database ledger needs SQLAlchemy: pip install 'cadredev[sql]'"
        ) from exc
    return sqlalchemy


def _tables(sa: Any, version: int) -> tuple[Any, Any, Any]:
    """Return the metadata and the two tables as they are at schema ``version``."""
    metadata = sa.MetaData()
    meta = sa.Table(
        _META,
        metadata,
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(256), nullable=False),
    )
    columns = [
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("id", sa.String(128), nullable=True),
        sa.Column("kind", sa.String(128), nullable=False),
        sa.Column("at", sa.String(10), nullable=False),
        sa.Column("subject", sa.String(256), nullable=True, index=True),
        sa.Column("recorded_by", sa.String(256), nullable=False),
        sa.Column("supersedes", sa.String(128), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
    ]
    if version >= 2:
        # version 2: the second person of two-person events (a mentor), indexed,
        # so that a mentor's history is as quick to read as a mentee's
        columns.insert(5, sa.Column("other", sa.String(256), nullable=True, index=True))
    events = sa.Table(_EVENTS, metadata, *columns)
    sa.Index(f"ix_{_EVENTS}_kind_at", events.c.kind, events.c.at)
    # most events have neither an own id nor a correction: index only those that do
    for name, column, unique in (
        ("id", events.c.id, True),
        ("supersedes", events.c.supersedes, False),
    ):
        sa.Index(
            f"ix_{_EVENTS}_{name}",
            column,
            unique=unique,
            sqlite_where=column.is_not(None),
            postgresql_where=column.is_not(None),
        )
    return metadata, meta, events


def _upgrade_1_to_2(sa: Any, conn: Any) -> None:
    conn.execute(sa.text(f"ALTER TABLE {_EVENTS} ADD COLUMN other VARCHAR(256)"))
    conn.execute(sa.text(f"CREATE INDEX ix_{_EVENTS}_other ON {_EVENTS} (other)"))
    rows = conn.execute(sa.text(f"SELECT seq, kind, data FROM {_EVENTS}")).all()  # noqa: S608
    updates = []
    for seq, kind, data in rows:
        fields = event_type(kind).subject_fields
        if len(fields) > 1:
            updates.append({"seq": seq, "other": json.loads(data)[fields[1]]})
    if updates:
        update = f"UPDATE {_EVENTS} SET other = :other WHERE seq = :seq"  # noqa: S608
        conn.execute(sa.text(update), updates)


_UPGRADES = {1: _upgrade_1_to_2}
"""Each step upgrades a database from the key's version to the next one."""


class SqlStore:
    """Rows in a SQL database; each write is one transaction."""

    def __init__(self, url: str, *, create: bool = True) -> None:
        sa = _need_sqlalchemy()
        self._sa = sa
        try:
            engine = sa.create_engine(url, **_engine_options(url))
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as exc:
            raise InvalidInputError(f"Ledger.connect: cannot use {url!r}: {exc}") from None
        except ImportError as exc:
            raise MissingDependencyError(
                f"Ledger.connect: the database driver for {url!r} is missing ({exc}); "
                "for PostgreSQL: pip install 'cadredev[sql]' psycopg"
            ) from None
        self.url = url
        self.engine = engine
        if engine.dialect.name == "sqlite":
            _serialise_sqlite_writers(sa, engine)
        self._metadata, self._meta, self._events = _tables(sa, SCHEMA_VERSION)
        mark = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(engine.dialect.paramstyle)
        columns = "seq, id, kind, at, subject, other, recorded_by, supersedes, data"
        self.insert_sql: str | None = (
            None  # another driver: through SQLAlchemy's own statement
            if mark is None
            else f"INSERT INTO {_EVENTS} ({columns}) VALUES ({', '.join([mark] * 9)})"  # noqa: S608
        )
        self._open(create=create)

    # ------------------------------------------------------------ opening
    def _open(self, *, create: bool) -> None:
        sa = self._sa
        try:
            with self.engine.connect() as conn:
                conn.info["write"] = True
                with conn.begin():
                    self._prepare(conn, create=create)
                conn.info.pop("write", None)
        except sa.exc.DatabaseError as exc:
            self.engine.dispose()
            raise InvalidInputError(
                f"Ledger.connect: {self.url!r} is not a database cadredev can open "
                f"({str(exc.orig).splitlines()[0]})"
            ) from None
        except InvalidInputError:
            self.engine.dispose()
            raise

    def _prepare(self, conn: Any, *, create: bool) -> None:
        sa = self._sa
        names = set(sa.inspect(conn).get_table_names())
        if _META not in names:
            if names - {_EVENTS}:
                raise InvalidInputError(
                    f"Ledger.connect: {self.url!r} is not a cadredev ledger "
                    f"(it holds other tables: {sorted(names)[:5]})"
                )
            if not create:
                raise InvalidInputError(f"Ledger.connect: {self.url!r} holds no ledger")
            self._metadata.create_all(conn)
            conn.execute(
                self._meta.insert(),
                [
                    {"key": "format", "value": "cadredev ledger"},
                    {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                ],
            )
            return
        meta = dict(conn.execute(sa.select(self._meta.c.key, self._meta.c.value)).all())
        if meta.get("format") != "cadredev ledger" or "schema_version" not in meta:
            raise InvalidInputError(f"Ledger.connect: {self.url!r} is not a cadredev ledger")
        version = int(meta["schema_version"])
        if version > SCHEMA_VERSION:
            raise InvalidInputError(
                f"Ledger.connect: the ledger's schema version {version} is newer than this "
                f"cadredev writes ({SCHEMA_VERSION}); upgrade cadredev"
            )
        while version < SCHEMA_VERSION:
            _UPGRADES[version](sa, conn)
            version += 1
        conn.execute(
            self._meta.update()
            .where(self._meta.c.key == "schema_version")
            .values(value=str(version))
        )

    # ------------------------------------------------------------- writing
    @contextlib.contextmanager
    def writing(self) -> Iterator[_Writer]:
        """Yield a writer inside one transaction that no other writer interleaves."""
        with self.engine.connect() as conn:
            conn.info["write"] = True
            try:
                with conn.begin():
                    if self.engine.dialect.name == "postgresql":
                        conn.execute(
                            self._sa.text(f"LOCK TABLE {_EVENTS} IN SHARE ROW EXCLUSIVE MODE")
                        )
                    yield _Writer(self, conn)
            finally:
                conn.info.pop("write", None)

    # ------------------------------------------------------------- reading
    def read(self, query: Query, conn: Any = None) -> list[Stored]:
        """Return the rows that pass ``query``, in sequence order."""
        sa = self._sa
        t = self._events
        stmt = sa.select(
            t.c.seq,
            t.c.id,
            t.c.kind,
            t.c.at,
            t.c.subject,
            t.c.other,
            t.c.recorded_by,
            t.c.supersedes,
            t.c.data,
        ).where(t.c.seq > query.after_seq)
        if query.person is not None:
            stmt = stmt.where(sa.or_(t.c.subject == query.person, t.c.other == query.person))
        if query.kinds is not None:
            stmt = stmt.where(t.c.kind.in_(sorted(query.kinds)))
        if query.since is not None:
            stmt = stmt.where(t.c.at >= query.since)
        if query.until is not None:
            stmt = stmt.where(t.c.at <= query.until)
        stmt = stmt.order_by(t.c.seq)
        with self._connection(conn) as c:
            return [(r[0], Row(*r[1:])) for r in c.execute(stmt)]

    @contextlib.contextmanager
    def _connection(self, conn: Any) -> Iterator[Any]:
        if conn is not None:
            yield conn
        else:
            with self.engine.connect() as fresh:
                yield fresh

    def last_seq(self, conn: Any = None) -> int:
        """Return the largest sequence number (0 when empty)."""
        sa = self._sa
        with self._connection(conn) as c:
            return int(c.execute(sa.select(sa.func.max(self._events.c.seq))).scalar() or 0)

    def seq_of_id(self, event_id: str, conn: Any = None) -> int | None:
        """Return the sequence number of the row with a user-given id."""
        sa = self._sa
        t = self._events
        with self._connection(conn) as c:
            found = c.execute(sa.select(t.c.seq).where(t.c.id == event_id)).scalar()
        return None if found is None else int(found)

    def row(self, seq: int, conn: Any = None) -> Row | None:
        """Return the row at ``seq``, if any."""
        rows = self.read(Query(after_seq=seq - 1), conn) if seq > 0 else []
        return rows[0][1] if rows and rows[0][0] == seq else None

    def superseded(self, conn: Any = None) -> dict[str, int]:
        """Return the ids superseded so far, each with the superseding row's sequence number."""
        sa = self._sa
        t = self._events
        stmt = sa.select(t.c.supersedes, t.c.seq).where(t.c.supersedes.is_not(None))
        with self._connection(conn) as c:
            return {str(s): int(q) for s, q in c.execute(stmt)}

    def schema_version(self) -> int:
        """Return the schema version recorded in the database."""
        sa = self._sa
        with self.engine.connect() as conn:
            value = conn.execute(
                sa.select(self._meta.c.value).where(self._meta.c.key == "schema_version")
            ).scalar()
        return int(value)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


class _Writer:
    """The store as seen from inside one write transaction."""

    def __init__(self, store: SqlStore, conn: Any) -> None:
        self._store = store
        self._conn = conn

    def read(self, query: Query) -> list[Stored]:
        return self._store.read(query, self._conn)

    def last_seq(self) -> int:
        return self._store.last_seq(self._conn)

    def seq_of_id(self, event_id: str) -> int | None:
        return self._store.seq_of_id(event_id, self._conn)

    def row(self, seq: int) -> Row | None:
        return self._store.row(seq, self._conn)

    def superseded(self) -> dict[str, int]:
        return self._store.superseded(self._conn)

    def insert(self, rows: Sequence[Row]) -> list[int]:
        """Insert rows in order and return their sequence numbers."""
        if not rows:
            return []
        sa = self._store._sa  # noqa: SLF001  (its own store)
        first = self.last_seq() + 1
        values = [
            (first + i, r.id, r.kind, r.at, r.subject, r.other, r.recorded_by, r.supersedes, r.data)
            for i, r in enumerate(rows)
        ]
        insert_sql = self._store.insert_sql
        try:
            if insert_sql is not None:  # straight to the driver: positional rows
                self._conn.exec_driver_sql(insert_sql, values)
            else:
                t = self._store._events  # noqa: SLF001  (its own store)
                self._conn.execute(
                    t.insert(), [dict(zip(t.c.keys(), v, strict=True)) for v in values]
                )
        except sa.exc.IntegrityError as exc:
            raise InvalidInputError(
                f"ledger: the batch breaks a database constraint ({str(exc.orig).splitlines()[0]})"
            ) from None
        return list(range(first, first + len(rows)))


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 60}}
    return {}


def _serialise_sqlite_writers(sa: Any, engine: sa.Engine) -> None:
    """Begin SQLite write transactions with ``BEGIN IMMEDIATE`` and use the WAL journal.

    pysqlite would begin a transaction only at the first write, so two
    processes could both read, then both fail to upgrade their locks. Taking
    the write lock at ``BEGIN`` makes the second writer wait (up to the busy
    timeout) instead.
    """

    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below
        cursor = dbapi_connection.cursor()
        with contextlib.suppress(Exception):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")

    sa.event.listen(engine, "connect", _connect)
    sa.event.listen(engine, "begin", _begin)
