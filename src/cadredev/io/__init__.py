"""JSON and CSV in and out, with a schema version and errors that say where.

One :mod:`cattrs` converter serialises every record. JSON documents have the
shape ``{"schema_version": 1, "kind": "Cadre", "data": {...}}`` for one record
or ``{"schema_version": 1, "kind": "Cadre", "items": [...]}`` for a
collection. Loading never coerces: a string where a number belongs, an unknown
field or a missing one is an :class:`~cadredev.InvalidInputError` that names the
file, the JSON path or CSV row, the field and the value.

CSV rosters are UTF-8 with a fixed header (see ``ROSTER_COLUMNS``); their
header is their schema. Set-valued cells are ``;``-separated and competencies
are written ``name=level;name=level``.

.. versionadded:: 0.1
"""

from __future__ import annotations

from ._convert import register
from ._csv import (
    RECORD_COLUMNS,
    ROSTER_COLUMNS,
    read_records_csv,
    read_roster_csv,
    write_records_csv,
    write_roster_csv,
)
from ._json import SCHEMA_VERSION, dump, load, load_json, load_many, save_json
from ._kinds import kind, kinds
from ._schema import schema
from ._tables import from_pandas, read_table, to_pandas, write_table

__all__ = [
    "RECORD_COLUMNS",
    "ROSTER_COLUMNS",
    "SCHEMA_VERSION",
    "dump",
    "from_pandas",
    "kind",
    "kinds",
    "load",
    "load_json",
    "load_many",
    "read_records_csv",
    "read_roster_csv",
    "read_table",
    "register",
    "save_json",
    "schema",
    "to_pandas",
    "write_records_csv",
    "write_roster_csv",
    "write_table",
]
