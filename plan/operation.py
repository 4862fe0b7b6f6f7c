"""An operation's posts, venues, TPS, units and positions in the store.

Every change is one ``Store.write`` (one transaction): a bad input raises ``PlanError`` before or
inside it, the transaction rolls back, and nothing already saved changes. Each write bumps the
operation's ``revision``, which the app uses as a cache key.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo._errors import GeoError
from plan.store import Store, now_iso

#: Post kinds, in the order forms list them.
POST_KINDS: tuple[str, ...] = ("polres", "polsek", "pos_pengamanan", "pos_pengaturan", "mobile")

#: Labels of the post kinds (Bahasa Indonesia).
POST_KIND_LABELS: dict[str, str] = {
    "polres": "Polres",
    "polsek": "Polsek",
    "pos_pengamanan": "Pos pengamanan",
    "pos_pengaturan": "Pos pengaturan",
    "mobile": "Unit mobile",
}

#: Risk tiers of venues and TPS.
RISK_TIERS: tuple[str, ...] = ("kurang_rawan", "rawan", "sangat_rawan", "khusus")

#: Unit statuses; only ``available`` units count for coverage and dispatch.
UNIT_STATUSES: tuple[str, ...] = ("available", "busy", "off")

#: Travel profiles a post or unit may use (names of ``geo.profiles.PROFILES``).
PROFILE_NAMES: tuple[str, ...] = ("car", "motorbike", "foot", "convoy")

#: Personnel of Polres Metro (the operation's own strength by default).
POLRES_METRO_STRENGTH = 565

#: Name of the operation the app starts with.
DEFAULT_OPERATION = "Pengamanan Kampanye Kota Metro"

#: Source of positions written by the rehearsal simulation.
SIMULATION_SOURCE = "simulasi"

#: Id prefix of the units a rehearsal creates when the operation has none.
SIMULATION_UNIT_PREFIX = "SIM-"

#: Default settings of an operation (stored as JSON in ``operations.settings``).
DEFAULT_SETTINGS: dict[str, Any] = {"stale_after_min": 10.0}


class PlanError(GeoError):
    """A change to the operation that cannot be saved (message for the user)."""


@dataclass(frozen=True)
class Operation:
    """An operation (name, dates, revision, personnel strength)."""

    id: int
    name: str
    starts: str | None = None
    ends: str | None = None
    revision: int = 0
    strength: int = POLRES_METRO_STRENGTH
    bko: int = 0
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Post:
    """A post: where personnel wait, with their vehicle profile and readiness."""

    id: int
    name: str
    kind: str
    lon: float
    lat: float
    personnel: int = 0
    profile: str = "car"
    readiness_min: float = 0.0
    note: str = ""


@dataclass(frozen=True)
class Venue:
    """A venue of campaign events."""

    id: int
    name: str
    lon: float
    lat: float
    position: str = "surveyed"
    risk: str = "rawan"
    place_id: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Event:
    """An event at a venue."""

    id: int
    venue_id: int
    title: str
    starts: str
    ends: str
    organiser: str = ""
    expected_crowd: int = 0


@dataclass(frozen=True)
class Tps:
    """A polling station (TPS)."""

    id: int
    code: str
    name: str
    kelurahan: str
    risk: str
    voters: int
    lon: float
    lat: float


@dataclass(frozen=True)
class Unit:
    """A unit (vehicle and crew) whose positions are tracked."""

    id: int
    unit_id: str
    name: str = ""
    post_id: int | None = None
    profile: str = "car"
    personnel: int = 2
    bko: bool = False


@dataclass(frozen=True)
class UnitPosition:
    """A unit's latest known position."""

    unit_id: str
    name: str
    time: str
    lon: float
    lat: float
    status: str
    source: str
    profile: str
    personnel: int
    age_s: float
    stale: bool


@dataclass(frozen=True)
class OperationData:
    """Everything saved for one operation, read at one revision."""

    operation: Operation
    posts: tuple[Post, ...] = ()
    venues: tuple[Venue, ...] = ()
    events: tuple[Event, ...] = ()
    tps: tuple[Tps, ...] = ()
    units: tuple[Unit, ...] = ()


# --------------------------------------------------------------------------------------------
# validation


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


# --------------------------------------------------------------------------------------------
# operations


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


def _from_row(cls: type, row: sqlite3.Row) -> Any:
    names = {f.name for f in fields(cls)}
    values = {k: row[k] for k in row.keys() if k in names}  # noqa: SIM118 (sqlite3.Row)
    if cls is Unit:
        values["bko"] = bool(values.get("bko", 0))
    return cls(**values)


# --------------------------------------------------------------------------------------------
# posts


def add_post(
    store: Store,
    operation_id: int,
    *,
    name: str,
    kind: str,
    lon: float,
    lat: float,
    personnel: int = 0,
    profile: str = "car",
    readiness_min: float = 0.0,
    note: str = "",
) -> int:
    """Add a post; returns its id."""
    _check_post_fields(name, kind, personnel, profile, readiness_min)
    _check_point(lon, lat)

    def change(conn: sqlite3.Connection) -> int:
        cur = conn.execute(
            "INSERT INTO posts (operation_id, name, kind, lon, lat, personnel, profile, "
            "readiness_min, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                operation_id,
                str(name).strip(),
                kind,
                float(lon),
                float(lat),
                int(personnel),
                profile,
                float(readiness_min),
                note,
            ),
        )
        _bump(conn, operation_id)
        return int(cur.lastrowid)

    return store.write(change, action="post.add", detail=str(name))


def _post_op(conn: sqlite3.Connection, post_id: int) -> int:
    row = conn.execute("SELECT operation_id FROM posts WHERE id = ?", (post_id,)).fetchone()
    if row is None:
        msg = f"Pos {post_id} tidak ada (mungkin sudah dihapus)."
        raise PlanError(msg)
    return int(row[0])


def move_post(store: Store, post_id: int, lon: float, lat: float) -> None:
    """Move a post."""
    _check_point(lon, lat)

    def change(conn: sqlite3.Connection) -> None:
        op_id = _post_op(conn, post_id)
        conn.execute(
            "UPDATE posts SET lon = ?, lat = ? WHERE id = ?", (float(lon), float(lat), post_id)
        )
        _bump(conn, op_id)

    store.write(change, action="post.move", detail=f"{post_id}: {lat:.6f},{lon:.6f}")


def update_post(
    store: Store,
    post_id: int,
    *,
    name: str,
    kind: str,
    personnel: int,
    profile: str,
    readiness_min: float,
    note: str = "",
) -> None:
    """Change a post's fields (not its position)."""
    _check_post_fields(name, kind, personnel, profile, readiness_min)

    def change(conn: sqlite3.Connection) -> None:
        op_id = _post_op(conn, post_id)
        conn.execute(
            "UPDATE posts SET name = ?, kind = ?, personnel = ?, profile = ?, readiness_min = ?, "
            "note = ? WHERE id = ?",
            (
                str(name).strip(),
                kind,
                int(personnel),
                profile,
                float(readiness_min),
                note,
                post_id,
            ),
        )
        _bump(conn, op_id)

    store.write(change, action="post.update", detail=str(post_id))


def delete_post(store: Store, post_id: int) -> None:
    """Delete a post (units attached to it stay, unattached)."""

    def change(conn: sqlite3.Connection) -> None:
        op_id = _post_op(conn, post_id)
        conn.execute("DELETE FROM posts WHERE id = ?", (post_id,))
        _bump(conn, op_id)

    store.write(change, action="post.delete", detail=str(post_id))


# --------------------------------------------------------------------------------------------
# venues and events


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


# --------------------------------------------------------------------------------------------
# TPS


def add_tps(store: Store, operation_id: int, frame: pd.DataFrame) -> int:
    """Save validated TPS rows, all or nothing.

    Parameters
    ----------
    store
        The store.
    operation_id
        The operation.
    frame
        Rows from ``geo.imports.read_tps`` (``code``, ``name``, ``kelurahan``, ``risk``,
        ``voters``, ``lon``, ``lat``).

    Returns
    -------
    int
        Rows saved.

    Raises
    ------
    PlanError
        If any row cannot be saved (e.g. a code already saved); then none is.
    """
    rows = [
        (
            operation_id,
            str(r.code),
            str(r.name),
            str(r.kelurahan),
            str(r.risk),
            int(r.voters),
            float(r.lon),
            float(r.lat),
        )
        for r in frame.itertuples(index=False)
    ]
    for row in rows:
        _check(row[4] in RISK_TIERS, f"TPS {row[1]}: tingkat kerawanan tidak dikenal.")

    def change(conn: sqlite3.Connection) -> int:
        try:
            conn.executemany(
                "INSERT INTO tps (operation_id, code, name, kelurahan, risk, voters, lon, lat) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        except sqlite3.IntegrityError as exc:
            msg = f"TPS tidak disimpan (tidak ada yang berubah): kode ganda atau tidak sah ({exc})."
            raise PlanError(msg) from exc
        _bump(conn, operation_id)
        return len(rows)

    return store.write(change, action="tps.import", detail=f"{len(rows)} TPS")


def tps_codes(store: Store, operation_id: int) -> set[str]:
    """Codes of the TPS already saved."""
    return {
        r[0] for r in store.read("SELECT code FROM tps WHERE operation_id = ?", (operation_id,))
    }


def delete_tps(store: Store, operation_id: int) -> int:
    """Delete every TPS of an operation; returns how many."""

    def change(conn: sqlite3.Connection) -> int:
        cur = conn.execute("DELETE FROM tps WHERE operation_id = ?", (operation_id,))
        _bump(conn, operation_id)
        return cur.rowcount

    return store.write(change, action="tps.delete", detail=str(operation_id))


# --------------------------------------------------------------------------------------------
# units and positions


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
    _check(int(personnel) >= 0, "Jumlah personel tidak boleh negatif.")

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
    _check(int(personnel) >= 0, "Jumlah personel tidak boleh negatif.")

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
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


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
    where = ""
    if simulated is True:
        where = "AND p.source = 'simulasi'"
    elif simulated is False:
        where = "AND p.source != 'simulasi'"
    rows = store.read(
        "SELECT * FROM (SELECT p.*, u.name AS unit_name, u.profile AS profile, "
        "u.personnel AS personnel, ROW_NUMBER() OVER (PARTITION BY p.unit_id "
        "ORDER BY p.time DESC, p.id DESC) AS rn FROM positions p "
        "JOIN units u ON u.operation_id = p.operation_id AND u.unit_id = p.unit_id "
        f"WHERE p.operation_id = ? {where}) WHERE rn = 1 ORDER BY unit_id",
        (operation_id,),
    )
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


# --------------------------------------------------------------------------------------------
# frames and files


def posts_frame(data: OperationData) -> pd.DataFrame:
    """Posts as a frame for ``geo.coverage.sources_from_frame`` (``key`` = ``post:<id>``)."""
    cols = ["key", "id", "name", "kind", "lon", "lat", "profile", "readiness_s", "personnel"]
    if not data.posts:
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame([asdict(p) for p in data.posts])
    frame["key"] = "post:" + frame["id"].astype(str)
    frame["readiness_s"] = frame["readiness_min"].astype(float) * 60.0
    return frame[[*cols, "readiness_min", "note"]]


def units_frame(positions: list[UnitPosition], *, include_stale: bool = False) -> pd.DataFrame:
    """Available units' latest positions as sources (``key`` = ``unit:<unit_id>``)."""
    cols = ["key", "name", "kind", "lon", "lat", "profile", "readiness_s", "personnel"]
    keep = [p for p in positions if p.status == "available" and (include_stale or not p.stale)]
    if not keep:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame(
        {
            "key": [f"unit:{p.unit_id}" for p in keep],
            "name": [p.name for p in keep],
            "kind": "unit",
            "lon": [p.lon for p in keep],
            "lat": [p.lat for p in keep],
            "profile": [p.profile for p in keep],
            "readiness_s": 0.0,
            "personnel": [p.personnel for p in keep],
        }
    )


def targets_frame(data: OperationData) -> gpd.GeoDataFrame:
    """Venues and TPS as one frame of coverage targets (``kind`` ``venue`` or ``tps``)."""
    rows = [
        {
            "key": f"venue:{v.id}",
            "name": v.name,
            "kind": "venue",
            "risk": v.risk,
            "kelurahan": "",
            "position": v.position,
            "geometry": shapely.Point(v.lon, v.lat),
        }
        for v in data.venues
    ] + [
        {
            "key": f"tps:{t.code}",
            "name": t.name,
            "kind": "tps",
            "risk": t.risk,
            "kelurahan": t.kelurahan,
            "position": "surveyed",
            "geometry": shapely.Point(t.lon, t.lat),
        }
        for t in data.tps
    ]
    if not rows:
        return gpd.GeoDataFrame(
            {c: [] for c in ("key", "name", "kind", "risk", "kelurahan", "position")},
            geometry=[],
            crs="EPSG:4326",
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def operation_to_dict(data: OperationData) -> dict[str, Any]:
    """An operation as JSON-able data (the format ``operation_from_file`` reads)."""
    return {
        "format": "peta-pengamanan/operation",
        "version": 1,
        "operation": asdict(data.operation),
        "posts": [asdict(p) for p in data.posts],
        "venues": [asdict(v) for v in data.venues],
        "events": [asdict(e) for e in data.events],
        "tps": [asdict(t) for t in data.tps],
        "units": [asdict(u) for u in data.units],
    }


def operation_from_file(path: str | Path) -> OperationData:
    """Read an operation exported by ``operation_to_dict`` (JSON), without saving it.

    Raises
    ------
    PlanError
        If the file is not such an export.
    """
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        msg = f"Berkas operasi {path.name} tidak dapat dibaca: {exc}"
        raise PlanError(msg) from exc
    if not isinstance(raw, dict) or "posts" not in raw:
        msg = f"Berkas operasi {path.name} tidak berisi daftar 'posts'."
        raise PlanError(msg)
    op = raw.get("operation") or {}

    def build(cls: type, items: list[dict[str, Any]], what: str) -> tuple[Any, ...]:
        names = {f.name for f in fields(cls)}
        out = []
        for i, item in enumerate(items or [], start=1):
            try:
                values = {k: v for k, v in item.items() if k in names}
                values.setdefault("id", i)
                out.append(cls(**values))
            except (TypeError, AttributeError) as exc:
                msg = f"Berkas operasi {path.name}: {what} ke-{i} tidak sah ({exc})."
                raise PlanError(msg) from exc
        return tuple(out)

    posts = build(Post, raw.get("posts", []), "pos")
    for p in posts:
        _check_post_fields(p.name, p.kind, p.personnel, p.profile, p.readiness_min)
        _check_point(p.lon, p.lat)
    return OperationData(
        operation=Operation(
            id=int(op.get("id", 0)),
            name=str(op.get("name", path.stem)),
            starts=op.get("starts"),
            ends=op.get("ends"),
            strength=int(op.get("strength", POLRES_METRO_STRENGTH)),
            bko=int(op.get("bko", 0)),
            settings={**DEFAULT_SETTINGS, **(op.get("settings") or {})},
        ),
        posts=posts,
        venues=build(Venue, raw.get("venues", []), "lokasi"),
        events=build(Event, raw.get("events", []), "kegiatan"),
        tps=build(Tps, raw.get("tps", []), "TPS"),
        units=build(Unit, raw.get("units", []), "unit"),
    )
