"""Operations in the store: list, get, create, update, the default operation, load everything."""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

import geopandas as gpd

from plan.operation._checks import _bump, _check, _from_row, _row_operation
from plan.operation.model import (
    DEFAULT_OPERATION,
    POLRES_METRO_STRENGTH,
    Event,
    Operation,
    OperationData,
    PlanError,
    Post,
    Tps,
    Unit,
    Venue,
)
from plan.store import Store, now_iso


def list_operations(store: Store) -> list[Operation]:
    """All operations, by name."""
    return [_row_operation(r) for r in store.read("SELECT * FROM operations ORDER BY name")]


def get_operation(store: Store, name_or_id: str | int) -> Operation:
    """An operation by name or id.

    Raises
    ------
    PlanError
        If there is none.
    """
    if isinstance(name_or_id, int):
        rows = store.read("SELECT * FROM operations WHERE id = ?", (name_or_id,))
    else:
        rows = store.read("SELECT * FROM operations WHERE name = ?", (name_or_id,))
    if not rows:
        known = ", ".join(o.name for o in list_operations(store)) or "(belum ada)"
        msg = f"Operasi {name_or_id!r} tidak ditemukan. Yang ada: {known}."
        raise PlanError(msg)
    return _row_operation(rows[0])


def revision(store: Store, operation_id: int) -> int:
    """Current revision of an operation (changes on every write)."""
    rows = store.read("SELECT revision FROM operations WHERE id = ?", (operation_id,))
    return int(rows[0][0]) if rows else -1


def create_operation(
    store: Store,
    name: str,
    *,
    starts: str | None = None,
    ends: str | None = None,
    strength: int = POLRES_METRO_STRENGTH,
    bko: int = 0,
) -> Operation:
    """Create an empty operation.

    Raises
    ------
    PlanError
        If the name is empty or taken.
    """
    name = str(name).strip()
    _check(bool(name), "Nama operasi wajib diisi.")
    _check(int(strength) >= 0 and int(bko) >= 0, "Jumlah personel tidak boleh negatif.")

    def change(conn: sqlite3.Connection) -> int:
        try:
            cur = conn.execute(
                "INSERT INTO operations (name, starts, ends, created, strength, bko, settings) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, starts, ends, now_iso(), int(strength), int(bko), json.dumps({})),
            )
        except sqlite3.IntegrityError as exc:
            msg = f"Operasi {name!r} sudah ada."
            raise PlanError(msg) from exc
        return int(cur.lastrowid)

    op_id = store.write(change, action="operation.create", detail=name)
    return get_operation(store, op_id)


def update_operation(
    store: Store,
    operation_id: int,
    *,
    strength: int | None = None,
    bko: int | None = None,
    settings: dict[str, Any] | None = None,
) -> None:
    """Change an operation's personnel strength, BKO personnel or settings (merged)."""
    current = get_operation(store, operation_id)
    new_strength = current.strength if strength is None else int(strength)
    new_bko = current.bko if bko is None else int(bko)
    _check(new_strength >= 0 and new_bko >= 0, "Jumlah personel tidak boleh negatif.")
    merged = {**current.settings, **(settings or {})}

    def change(conn: sqlite3.Connection) -> None:
        conn.execute(
            "UPDATE operations SET strength = ?, bko = ?, settings = ? WHERE id = ?",
            (new_strength, new_bko, json.dumps(merged), operation_id),
        )
        _bump(conn, operation_id)

    store.write(change, action="operation.update", detail=str(operation_id))


def _short_police_name(name: str) -> str:
    """``"Kantor Polisi Resor Metro"`` -> ``"Polres Metro"``; others unchanged."""
    text = re.sub(r"^Kantor Polisi Resor\b", "Polres", name)
    return re.sub(r"^Kantor Polisi Sektor\b", "Polsek", text)


def ensure_default_operation(store: Store, places: gpd.GeoDataFrame) -> Operation:
    """The default operation, created on first use from the area's places.

    It starts with Polres Metro and the five Polsek as posts (patrol car, readiness 0, personnel
    to be filled in) and the campaign venues (category ``venue``; a venue whose position is
    approximate, e.g. Gedung Nuwo Budayo, stays marked approximate).

    Parameters
    ----------
    store
        The store.
    places
        The area's places layer (``geo.area.Area.places``).

    Returns
    -------
    Operation
    """
    rows = store.read("SELECT * FROM operations WHERE name = ?", (DEFAULT_OPERATION,))
    if rows:
        return _row_operation(rows[0])
    police = places[places["category"].isin(["police_hq", "police_sector"])]
    venues = places[places["category"] == "venue"]

    def change(conn: sqlite3.Connection) -> int:
        cur = conn.execute(
            "INSERT OR IGNORE INTO operations (name, created, strength, bko, settings) "
            "VALUES (?, ?, ?, 0, ?)",
            (DEFAULT_OPERATION, now_iso(), POLRES_METRO_STRENGTH, json.dumps({})),
        )
        if cur.rowcount == 0:  # another session created it meanwhile
            return int(
                conn.execute(
                    "SELECT id FROM operations WHERE name = ?", (DEFAULT_OPERATION,)
                ).fetchone()[0]
            )
        op_id = int(cur.lastrowid)
        for rec in police.itertuples():
            conn.execute(
                "INSERT INTO posts (operation_id, name, kind, lon, lat, personnel, profile, "
                "readiness_min, note) VALUES (?, ?, ?, ?, ?, 0, 'car', 0, ?)",
                (
                    op_id,
                    _short_police_name(rec.name),
                    "polres" if rec.category == "police_hq" else "polsek",
                    rec.geometry.x,
                    rec.geometry.y,
                    f"{rec.place_id}: {rec.name}",
                ),
            )
        for rec in venues.itertuples():
            conn.execute(
                "INSERT INTO venues (operation_id, name, lon, lat, position, risk, place_id, "
                "note) VALUES (?, ?, ?, ?, ?, 'rawan', ?, ?)",
                (
                    op_id,
                    rec.name,
                    rec.geometry.x,
                    rec.geometry.y,
                    "approximate" if rec.position == "approximate" else "surveyed",
                    rec.place_id,
                    rec.note if isinstance(rec.note, str) else "",
                ),
            )
        return op_id

    op_id = store.write(change, action="operation.default", detail=DEFAULT_OPERATION)
    return get_operation(store, op_id)


def load_operation(store: Store, operation_id: int) -> OperationData:
    """Everything saved for an operation (one consistent read)."""
    op = get_operation(store, operation_id)
    with store._connection() as conn:  # one snapshot for all tables
        conn.execute("BEGIN")
        try:
            posts = conn.execute(
                "SELECT * FROM posts WHERE operation_id = ? ORDER BY id", (op.id,)
            ).fetchall()
            venues = conn.execute(
                "SELECT * FROM venues WHERE operation_id = ? ORDER BY id", (op.id,)
            ).fetchall()
            events = conn.execute(
                "SELECT e.* FROM events e JOIN venues v ON v.id = e.venue_id "
                "WHERE v.operation_id = ? ORDER BY e.starts, e.id",
                (op.id,),
            ).fetchall()
            tps = conn.execute(
                "SELECT * FROM tps WHERE operation_id = ? ORDER BY code", (op.id,)
            ).fetchall()
            units = conn.execute(
                "SELECT * FROM units WHERE operation_id = ? ORDER BY unit_id", (op.id,)
            ).fetchall()
            op_row = conn.execute("SELECT * FROM operations WHERE id = ?", (op.id,)).fetchone()
        finally:
            conn.execute("COMMIT")
    return OperationData(
        operation=_row_operation(op_row),
        posts=tuple(_from_row(Post, r) for r in posts),
        venues=tuple(_from_row(Venue, r) for r in venues),
        events=tuple(_from_row(Event, r) for r in events),
        tps=tuple(_from_row(Tps, r) for r in tps),
        units=tuple(_from_row(Unit, r) for r in units),
    )
