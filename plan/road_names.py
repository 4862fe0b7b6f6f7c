"""Names planners give to roads of a loaded network, stored with the area in the plan store.

A road of the embedded RBI network has no name, and an OSM road may lack one; a planner names
it on the map. A name is keyed by the network (``Area.key``) and the edge ``(u, v, key)``, and
keeps the road's midpoint, so a name whose edge no longer is that road (a rebuilt network) is
not shown on another road (``geo.area.with_road_names`` checks it). Writes go through
``Store.write`` (action ``road_name.set`` / ``road_name.clear``, a planner's right).
"""

from __future__ import annotations

import sqlite3
import unicodedata

from plan.operation import PlanError
from plan.store import Store, now_iso

#: Longest road name accepted (characters).
MAX_NAME = 80


def clean_road_name(name: str) -> str:
    """A road name as stored: spaces collapsed, no control characters, at most ``MAX_NAME``.

    Raises
    ------
    PlanError
        If the name is empty, too long or holds control characters.
    """
    text = " ".join(str(name).split())
    if not text:
        msg = "Nama jalan kosong."
        raise PlanError(msg)
    if any(unicodedata.category(c).startswith("C") for c in text):
        msg = "Nama jalan memuat karakter yang tidak diizinkan."
        raise PlanError(msg)
    if len(text) > MAX_NAME:
        msg = f"Nama jalan terlalu panjang ({len(text)} karakter; paling banyak {MAX_NAME})."
        raise PlanError(msg)
    return text


def set_road_name(
    store: Store,
    area_key: str,
    edge: tuple[int, int, int],
    name: str,
    *,
    lon: float,
    lat: float,
) -> str:
    """Name a road (replacing its earlier name); returns the name as stored.

    Parameters
    ----------
    store
        The plan store (acting for the planner).
    area_key
        ``Area.key`` of the loaded network.
    edge
        ``(u, v, key)`` of the road (either direction).
    name
        The name.
    lon, lat
        The road's midpoint (EPSG:4326), to check later that the edge still is this road.

    Raises
    ------
    PlanError
        A bad name; ``AccessDeniedError`` for a role that may not name roads.
    """
    text = clean_road_name(name)
    u, v, k = (int(x) for x in edge)
    lo, hi = min(u, v), max(u, v)

    def change(conn: sqlite3.Connection) -> str:
        conn.execute(
            "INSERT INTO road_names (area_key, u, v, key, name, lon, lat, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (area_key, u, v, key) DO UPDATE SET name = excluded.name,"
            " lon = excluded.lon, lat = excluded.lat, updated = excluded.updated",
            (area_key, lo, hi, k, text, float(lon), float(lat), now_iso()),
        )
        return text

    return store.write(change, action="road_name.set", detail=f"{area_key} {lo}-{hi}/{k}: {text}")


def clear_road_name(store: Store, area_key: str, edge: tuple[int, int, int]) -> bool:
    """Remove a planner's name from a road; True when there was one."""
    u, v, k = (int(x) for x in edge)
    lo, hi = min(u, v), max(u, v)

    def change(conn: sqlite3.Connection) -> bool:
        cur = conn.execute(
            "DELETE FROM road_names WHERE area_key = ? AND u = ? AND v = ? AND key = ?",
            (area_key, lo, hi, k),
        )
        return cur.rowcount > 0

    return store.write(change, action="road_name.clear", detail=f"{area_key} {lo}-{hi}/{k}")


def road_names(store: Store, area_key: str) -> dict[tuple[int, int, int], tuple[str, float, float]]:
    """Planners' road names of a network: ``(u, v, key)`` (u < v) -> ``(name, lon, lat)``."""
    rows = store.read(
        "SELECT u, v, key, name, lon, lat FROM road_names WHERE area_key = ? ORDER BY id",
        (area_key,),
    )
    return {
        (int(r["u"]), int(r["v"]), int(r["key"])): (
            str(r["name"]),
            float(r["lon"]),
            float(r["lat"]),
        )
        for r in rows
    }
