"""Validation and row helpers shared by the operation modules."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import fields
from typing import Any

from plan.operation.model import (
    DEFAULT_SETTINGS,
    POST_KINDS,
    PROFILE_NAMES,
    Operation,
    PlanError,
    Unit,
)


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise PlanError(message)


def _check_point(lon: float, lat: float) -> None:
    ok = all(isinstance(x, int | float) for x in (lon, lat))
    _check(
        ok and -180 <= float(lon) <= 180 and -90 <= float(lat) <= 90,
        f"Koordinat tidak sah: ({lat}, {lon}).",
    )


def _check_post_fields(
    name: str, kind: str, personnel: int, profile: str, readiness_min: float
) -> None:
    _check(bool(str(name).strip()), "Nama pos wajib diisi.")
    _check(kind in POST_KINDS, f"Jenis pos tidak dikenal: {kind!r}.")
    _check(int(personnel) >= 0, "Jumlah personel tidak boleh negatif.")
    _check(profile in PROFILE_NAMES, f"Profil kendaraan tidak dikenal: {profile!r}.")
    _check(float(readiness_min) >= 0, "Waktu kesiapan tidak boleh negatif.")


def _bump(conn: sqlite3.Connection, operation_id: int) -> None:
    cur = conn.execute(
        "UPDATE operations SET revision = revision + 1 WHERE id = ?", (operation_id,)
    )
    if cur.rowcount != 1:
        msg = f"Operasi {operation_id} tidak ada."
        raise PlanError(msg)


def _row_operation(row: sqlite3.Row) -> Operation:
    try:
        settings = {**DEFAULT_SETTINGS, **json.loads(row["settings"] or "{}")}
    except json.JSONDecodeError:
        settings = dict(DEFAULT_SETTINGS)
    return Operation(
        id=row["id"],
        name=row["name"],
        starts=row["starts"],
        ends=row["ends"],
        revision=row["revision"],
        strength=row["strength"],
        bko=row["bko"],
        settings=settings,
    )


def _from_row(cls: type, row: sqlite3.Row) -> Any:
    names = {f.name for f in fields(cls)}
    values = {k: row[k] for k in row.keys() if k in names}  # noqa: SIM118 (sqlite3.Row)
    if cls is Unit:
        values["bko"] = bool(values.get("bko", 0))
    return cls(**values)
