"""Units of an operation and their positions (radio room, trackers, rehearsal simulation)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pandas as pd

from geo.simulation import SIMULATION_SOURCE
from plan.operation._checks import _bump, _check, _check_personnel, _check_point
from plan.operation.model import (
    PROFILE_NAMES,
    SIMULATION_UNIT_PREFIX,
    UNIT_STATUSES,
    PlanError,
    UnitPosition,
)
from plan.store import Store, now_iso


def add_unit(
    store: Store,
    operation_id: int,
    *,
    unit_id: str,
    name: str = "",
    post_id: int | None = None,
    profile: str = "car",
    personnel: int = 2,
    bko: bool = False,
) -> int:
    """Register a unit; returns its row id."""
    unit_id = str(unit_id).strip()
    _check(bool(unit_id), "Kode unit wajib diisi.")
    _check(profile in PROFILE_NAMES, f"Profil kendaraan tidak dikenal: {profile!r}.")
    _check_personnel(personnel)

    def change(conn: sqlite3.Connection) -> int:
        try:
            cur = conn.execute(
                "INSERT INTO units (operation_id, unit_id, name, post_id, profile, personnel, bko)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (operation_id, unit_id, name, post_id, profile, int(personnel), int(bko)),
            )
        except sqlite3.IntegrityError as exc:
            msg = f"Unit {unit_id!r} sudah terdaftar."
            raise PlanError(msg) from exc
        _bump(conn, operation_id)
        return int(cur.lastrowid)

    return store.write(change, action="unit.add", detail=unit_id)


def update_unit(
    store: Store,
    operation_id: int,
    unit_id: str,
    *,
    name: str,
    profile: str,
    personnel: int,
    bko: bool,
    post_id: int | None = None,
) -> None:
    """Change a unit's fields."""
    _check(profile in PROFILE_NAMES, f"Profil kendaraan tidak dikenal: {profile!r}.")
    _check_personnel(personnel)

    def change(conn: sqlite3.Connection) -> None:
        cur = conn.execute(
            "UPDATE units SET name = ?, profile = ?, personnel = ?, bko = ?, post_id = ? "
            "WHERE operation_id = ? AND unit_id = ?",
            (name, profile, int(personnel), int(bko), post_id, operation_id, unit_id),
        )
        if cur.rowcount != 1:
            msg = f"Unit {unit_id!r} tidak ada."
            raise PlanError(msg)
        _bump(conn, operation_id)

    store.write(change, action="unit.update", detail=unit_id)


def delete_unit(store: Store, operation_id: int, unit_id: str) -> None:
    """Delete a unit and its positions."""

    def change(conn: sqlite3.Connection) -> None:
        cur = conn.execute(
            "DELETE FROM units WHERE operation_id = ? AND unit_id = ?", (operation_id, unit_id)
        )
        if cur.rowcount != 1:
            msg = f"Unit {unit_id!r} tidak ada."
            raise PlanError(msg)
        conn.execute(
            "DELETE FROM positions WHERE operation_id = ? AND unit_id = ?", (operation_id, unit_id)
        )
        _bump(conn, operation_id)

    store.write(change, action="unit.delete", detail=unit_id)


def iso_utc(value: datetime | str | None = None) -> str:
    """A time as the store writes it: UTC, ISO 8601, seconds (``now`` when None)."""
    if value is None:
        return now_iso()
    try:  # year 1 or 9999 in another zone falls off the calendar when moved to UTC
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).replace(microsecond=0).isoformat()
    except (ValueError, TypeError, OverflowError, AttributeError):
        msg = f"Waktu tidak sah atau di luar rentang: {str(value)[:40]!r}."
        raise PlanError(msg) from None


def record_positions(
    store: Store,
    operation_id: int,
    frame: pd.DataFrame,
    *,
    source: str = "",
    default_profile: str = "car",
) -> tuple[int, list[str]]:
    """Save unit positions, all or nothing; units not yet registered are registered.

    Parameters
    ----------
    store
        The store.
    operation_id
        The operation.
    frame
        Rows with ``unit_id``, ``time`` (ISO 8601 or datetime; UTC when naive), ``lon``,
        ``lat`` and optionally ``status`` (default ``available``).
    source
        Where the positions come from (``peta``, ``berkas``, ``cli``, ``simulasi``).
    default_profile
        Profile of a unit registered on the fly.

    Returns
    -------
    saved, new_units
        Rows saved and the unit ids registered by this call.
    """
    rows = []
    for r in frame.itertuples(index=False):
        status = str(getattr(r, "status", "available") or "available")
        _check(status in UNIT_STATUSES, f"Status unit tidak dikenal: {status!r}.")
        _check_point(float(r.lon), float(r.lat))
        _check(bool(str(r.unit_id).strip()), "Kode unit wajib diisi.")
        rows.append(
            (
                operation_id,
                str(r.unit_id).strip(),
                iso_utc(r.time if not isinstance(r.time, pd.Timestamp) else r.time.to_pydatetime()),
                float(r.lon),
                float(r.lat),
                status,
                source,
            )
        )

    def change(conn: sqlite3.Connection) -> list[str]:
        known = {
            x[0]
            for x in conn.execute(
                "SELECT unit_id FROM units WHERE operation_id = ?", (operation_id,)
            ).fetchall()
        }
        new = sorted({row[1] for row in rows} - known)
        conn.executemany(
            "INSERT INTO units (operation_id, unit_id, name, profile) VALUES (?, ?, ?, ?)",
            [(operation_id, u, u, default_profile) for u in new],
        )
        conn.executemany(
            "INSERT INTO positions (operation_id, unit_id, time, lon, lat, status, source) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        if new:  # positions are live data, not the plan: only new units change the revision
            _bump(conn, operation_id)
        return new

    new_units = store.write(change, action="positions.ingest", detail=f"{len(rows)} ({source})")
    return len(rows), new_units


def latest_position_rows(store: Store, operation_id: int, *, simulated: bool | None) -> list:
    """Each unit's newest position row (``positions.*`` with ``unit_name``, ``profile``, ``personnel``).

    One index lookup per unit (``positions_latest``), not a window over the whole history: a live
    operation stores ~360 000 positions an hour (500 units every 5 s). ``simulated``: False real
    positions only, True simulated only, None both.
    """
    where = {
        True: f"AND q.source = '{SIMULATION_SOURCE}'",
        False: f"AND q.source != '{SIMULATION_SOURCE}'",
        None: "",
    }[simulated]
    return store.read(
        "SELECT p.*, u.name AS unit_name, u.profile AS profile, u.personnel AS personnel "
        "FROM units u JOIN positions p ON p.id = (SELECT q.id FROM positions q "
        "WHERE q.operation_id = u.operation_id AND q.unit_id = u.unit_id "
        f"{where} ORDER BY q.time DESC, q.id DESC LIMIT 1) "
        "WHERE u.operation_id = ? ORDER BY u.unit_id",
        (operation_id,),
    )


def latest_positions(
    store: Store,
    operation_id: int,
    *,
    now: datetime | None = None,
    stale_after_s: float = 600.0,
    simulated: bool | None = False,
) -> list[UnitPosition]:
    """Each unit's latest position, with its age and a stale flag.

    Parameters
    ----------
    store
        The store.
    operation_id
        The operation.
    now
        Reference time (UTC); default the current time.
    stale_after_s
        A position older than this is stale.
    simulated
        False: real positions only; True: simulated only; None: both.

    Returns
    -------
    list of UnitPosition
    """
    rows = latest_position_rows(store, operation_id, simulated=simulated)
    ref = (now or datetime.now(UTC)).astimezone(UTC)
    out = []
    for r in rows:
        age = (ref - datetime.fromisoformat(r["time"])).total_seconds()
        out.append(
            UnitPosition(
                unit_id=r["unit_id"],
                name=r["unit_name"] or r["unit_id"],
                time=r["time"],
                lon=r["lon"],
                lat=r["lat"],
                status=r["status"],
                source=r["source"],
                profile=r["profile"],
                personnel=r["personnel"],
                age_s=age,
                stale=age > stale_after_s,
                device_id=r["device_id"],
                speed=r["speed"],
                heading=r["heading"],
                battery=r["battery"],
            )
        )
    return out


def clear_simulation(store: Store, operation_id: int) -> int:
    """Delete simulated positions and rehearsal units (``SIM-``) left without positions.

    Returns
    -------
    int
        Positions deleted.
    """

    def change(conn: sqlite3.Connection) -> int:
        cur = conn.execute(
            "DELETE FROM positions WHERE operation_id = ? AND source = ?",
            (operation_id, SIMULATION_SOURCE),
        )
        conn.execute(
            "DELETE FROM units WHERE operation_id = ? AND unit_id LIKE ? AND unit_id NOT IN "
            "(SELECT unit_id FROM positions WHERE operation_id = ?)",
            (operation_id, f"{SIMULATION_UNIT_PREFIX}%", operation_id),
        )
        _bump(conn, operation_id)  # units may have gone
        return cur.rowcount

    return store.write(change, action="positions.clear_simulation", detail=str(operation_id))
