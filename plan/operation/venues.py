"""Venues (lokasi) and their events (kegiatan) in an operation."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from geo.risk import RISK_TIERS
from plan.operation._checks import _bump, _check, _check_point
from plan.operation.model import PlanError
from plan.store import Store


def add_venue(
    store: Store,
    operation_id: int,
    *,
    name: str,
    lon: float,
    lat: float,
    risk: str = "rawan",
    position: str = "surveyed",
    note: str = "",
) -> int:
    """Add a venue; returns its id."""
    _check(bool(str(name).strip()), "Nama lokasi wajib diisi.")
    _check(risk in RISK_TIERS, f"Tingkat kerawanan tidak dikenal: {risk!r}.")
    _check(position in ("surveyed", "approximate"), "Mutu posisi tidak dikenal.")
    _check_point(lon, lat)

    def change(conn: sqlite3.Connection) -> int:
        cur = conn.execute(
            "INSERT INTO venues (operation_id, name, lon, lat, position, risk, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (operation_id, str(name).strip(), float(lon), float(lat), position, risk, note),
        )
        _bump(conn, operation_id)
        return int(cur.lastrowid)

    return store.write(change, action="venue.add", detail=str(name))


def update_venue(
    store: Store,
    venue_id: int,
    *,
    risk: str | None = None,
    lon: float | None = None,
    lat: float | None = None,
) -> None:
    """Change a venue's risk tier, or move it (a moved venue's position becomes surveyed)."""
    if risk is not None:
        _check(risk in RISK_TIERS, f"Tingkat kerawanan tidak dikenal: {risk!r}.")
    if lon is not None or lat is not None:
        _check(lon is not None and lat is not None, "Bujur dan lintang harus diisi bersama.")
        _check_point(float(lon), float(lat))  # type: ignore[arg-type]

    def change(conn: sqlite3.Connection) -> None:
        row = conn.execute("SELECT operation_id FROM venues WHERE id = ?", (venue_id,)).fetchone()
        if row is None:
            msg = f"Lokasi {venue_id} tidak ada."
            raise PlanError(msg)
        if risk is not None:
            conn.execute("UPDATE venues SET risk = ? WHERE id = ?", (risk, venue_id))
        if lon is not None:
            conn.execute(
                "UPDATE venues SET lon = ?, lat = ?, position = 'surveyed' WHERE id = ?",
                (float(lon), float(lat), venue_id),  # type: ignore[arg-type]
            )
        _bump(conn, int(row[0]))

    store.write(change, action="venue.update", detail=str(venue_id))


def add_event(
    store: Store,
    venue_id: int,
    *,
    title: str,
    starts: str,
    ends: str,
    organiser: str = "",
    expected_crowd: int = 0,
) -> int:
    """Schedule an event at a venue; returns its id."""
    _check(bool(str(title).strip()), "Nama kegiatan wajib diisi.")
    try:
        t0, t1 = datetime.fromisoformat(starts), datetime.fromisoformat(ends)
    except ValueError as exc:
        msg = f"Waktu kegiatan tidak sah: {exc}"
        raise PlanError(msg) from exc
    _check(t1 > t0, "Waktu selesai harus sesudah waktu mulai.")
    _check(int(expected_crowd) >= 0, "Perkiraan massa tidak boleh negatif.")

    def change(conn: sqlite3.Connection) -> int:
        row = conn.execute("SELECT operation_id FROM venues WHERE id = ?", (venue_id,)).fetchone()
        if row is None:
            msg = f"Lokasi {venue_id} tidak ada."
            raise PlanError(msg)
        cur = conn.execute(
            "INSERT INTO events (venue_id, title, starts, ends, organiser, expected_crowd) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (venue_id, title.strip(), starts, ends, organiser, int(expected_crowd)),
        )
        _bump(conn, int(row[0]))
        return int(cur.lastrowid)

    return store.write(change, action="event.add", detail=str(title))
