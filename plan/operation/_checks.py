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


#: Most personnel one post or unit may hold (more is a typing error: Polres Metro has 565).
PERSONNEL_MAX = 2000

#: Longest readiness (minutes) a post may have before it moves out (4 hours).
READINESS_MAX_MIN = 240.0


def _float(value: object) -> float:
    """``value`` as a float, NaN when it is not a number."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def _number(value: object, what: str) -> float:
    number = _float(value)
    _check(number == number and abs(number) != float("inf"), f"{what} harus berupa angka.")
    return number


def _check_personnel(personnel: object) -> None:
    value = _number(personnel, "Jumlah personel")
    _check(value >= 0, f"Jumlah personel tidak boleh negatif (tertulis {value:g}).")
    _check(value == int(value), "Jumlah personel harus bilangan bulat.")
    _check(
        value <= PERSONNEL_MAX,
        f"Jumlah personel {value:g} tidak masuk akal (paling banyak {PERSONNEL_MAX}).",
    )


def _check_post_fields(
    name: str, kind: str, personnel: int, profile: str, readiness_min: float
) -> None:
    _check(bool(str(name).strip()), "Nama pos wajib diisi; tidak ada yang disimpan.")
    _check(kind in POST_KINDS, f"Jenis pos tidak dikenal: {kind!r}.")
    _check_personnel(personnel)
    _check(profile in PROFILE_NAMES, f"Profil kendaraan tidak dikenal: {profile!r}.")
    ready = _number(readiness_min, "Waktu kesiapan")
    _check(ready >= 0, f"Waktu kesiapan tidak boleh negatif (tertulis {ready:g} menit).")
    _check(
        ready <= READINESS_MAX_MIN,
        f"Waktu kesiapan {ready:g} menit tidak masuk akal (paling lama "
        f"{READINESS_MAX_MIN:g} menit).",
    )


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
