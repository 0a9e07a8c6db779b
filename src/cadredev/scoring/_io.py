"""JSON support for scoring types that are not plain attrs records."""

from __future__ import annotations

from typing import Any

from cadredev.errors import InvalidInputError
from cadredev.io import register

from ._records import Records
from ._scheme import Scheme


def _records_to_json(records: Records) -> dict[str, Any]:
    return {"rows": [list(row) for row in records.to_rows()]}


def _records_from_json(value: Any) -> Records:
    if not isinstance(value, dict) or not isinstance(value.get("rows"), list):
        raise InvalidInputError(
            f"Records: expected {{'rows': [[cadre_id, period, indicator, value], ...]}}, "
            f"got {value!r}"
        )
    return Records.from_rows([tuple(row) for row in value["rows"]])


register(Records, structure=_records_from_json, unstructure=_records_to_json)
register(Scheme)
