"""Opening a database ledger: every database that is not one is named."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy")

from cadredev import InvalidInputError, MissingDependencyError
from cadredev.ledger import Ledger
from cadredev.ledger._sql import SqlStore


def test_an_unknown_dialect_or_driver_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InvalidInputError, match=r"^Ledger.connect: cannot use 'nosuch://x': "):
        Ledger.connect("nosuch://x")
    monkeypatch.setitem(sys.modules, "MySQLdb", None)  # the driver is not installed
    with pytest.raises(MissingDependencyError, match="the database driver for 'mysql://"):
        Ledger.connect("mysql://user@localhost/db")


def test_without_sqlalchemy_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sqlalchemy", None)
    with pytest.raises(
        MissingDependencyError,
        match=r"^a database ledger needs SQLAlchemy: pip install 'cadredev\[sql\]'$",
    ):
        Ledger.connect("sqlite://")


def test_a_database_that_is_no_ledger(tmp_path: Path) -> None:
    db = tmp_path / "zone.db"
    url = f"sqlite:///{db}"
    with Ledger.connect(url):
        pass
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE cadredev_meta SET value = 'something else' WHERE key = 'format'")
    with pytest.raises(InvalidInputError) as info:
        Ledger.connect(url)
    assert str(info.value) == f"Ledger.connect: {url!r} is not a cadredev ledger"


def test_opening_without_creating(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    with pytest.raises(InvalidInputError) as info:
        SqlStore(url, create=False)
    assert str(info.value) == f"Ledger.connect: {url!r} holds no ledger"
    with Ledger.connect(url):
        pass
    store = SqlStore(url, create=False)
    store.close()
