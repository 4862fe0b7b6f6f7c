"""An operation's saved route plans (escorts, patrols) and road closures in the store.

A route plan keeps its request (waypoints, profile, departure, closures) and its result
(routes with length, time, nodes and geometry) as JSON, so a saved plan can be shown as it was
or planned again on the current network. Every change is one ``Store.write`` and bumps the
operation's revision.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from shapely.geometry import shape

from geo.routing import Closure, RoutePlan
from plan.operation import PlanError
from plan.store import Store, now_iso

#: Kinds of route plans (the ``route_plans.kind`` check constraint).
PLAN_KINDS: tuple[str, ...] = ("escort", "patrol")


@dataclass(frozen=True)
class SavedRoutePlan:
    """A route plan as saved.

    Attributes
    ----------
    id
        Row id.
    name
        Unique name within the operation.
    kind
        ``escort`` or ``patrol``.
    profile
        Travel profile name.
    depart
        Departure time text, if any.
    request
        What was asked (waypoints, closures, options).
    result
        What was found (routes and their figures).
    created, updated
        ISO times (UTC).
    """

    id: int
    name: str
    kind: str
    profile: str
    depart: str | None
    request: dict[str, Any]
    result: dict[str, Any]
    created: str
    updated: str


@dataclass(frozen=True)
class SavedClosure:
    """A closure as saved (``closure`` carries its geometry, window and note)."""

    id: int
    closure: Closure


def _touch(conn: sqlite3.Connection, operation_id: int) -> None:
    cur = conn.execute(
        "UPDATE operations SET revision = revision + 1 WHERE id = ?", (operation_id,)
    )
    if cur.rowcount != 1:
        msg = f"Operasi {operation_id} tidak ada."
        raise PlanError(msg)


# --------------------------------------------------------------------------- route plans


def plan_request(plan: RoutePlan, *, alternatives: int | None = None) -> dict[str, Any]:
    """The request of an escort plan as JSON-able data (to save, or to plan again)."""
    return {
        "waypoints": [
            {"label": w.label, "place_id": w.place_id, "lon": w.lon, "lat": w.lat}
            for w in plan.waypoints
        ],
        "profile": plan.profile,
        "depart": plan.depart.isoformat(timespec="minutes") if plan.depart else None,
        "alternatives": len(plan.alternatives) if alternatives is None else alternatives,
        "closures": [c.to_feature() for c in plan.closures],
    }


def plan_result(plan: RoutePlan) -> dict[str, Any]:
    """The routes of an escort plan as JSON-able data."""
    return {"main": plan.main.to_dict(), "alternatives": [r.to_dict() for r in plan.alternatives]}


def request_waypoints(request: dict[str, Any]) -> list[str | tuple[float, float]]:
    """Waypoints of a saved request, ready for ``geo.routing.plan_route``.

    A place is looked up again by its id (its position may have been corrected since); a
    point given by coordinates stays a point.
    """
    out: list[str | tuple[float, float]] = []
    for w in request.get("waypoints", []):
        out.append(w["place_id"] if w.get("place_id") else (float(w["lon"]), float(w["lat"])))
    return out


def _closure(feature: dict[str, Any]) -> Closure:
    props = feature.get("properties") or {}
    radius = props.get("radius_m")
    return Closure(
        name=str(props.get("name") or "Penutupan"),
        geometry=shape(feature["geometry"]),
        starts=props.get("starts"),
        ends=props.get("ends"),
        note=str(props.get("note") or ""),
        radius_m=float(radius) if radius is not None else None,
    )


def request_closures(request: dict[str, Any]) -> list[Closure]:
    """Closures of a saved request."""
    return [_closure(f) for f in request.get("closures") or []]


def save_route_plan(
    store: Store,
    operation_id: int,
    name: str,
    *,
    kind: str,
    profile: str,
    request: dict[str, Any],
    result: dict[str, Any],
    depart: str | None = None,
    note: str = "",
    action: str = "route_plan.save",
) -> int:
    """Save a route plan, replacing one of the same name in the operation.

    The plan saved before stays as a version (``list_plan_versions``): every save adds one,
    numbered from 1, with who saved it and when.

    Returns
    -------
    int
        The plan's row id.

    Raises
    ------
    PlanError
        Empty name, unknown kind, or no such operation (nothing is saved).
    """
    name = name.strip()
    if not name:
        msg = "Nama rencana rute tidak boleh kosong."
        raise PlanError(msg)
    if kind not in PLAN_KINDS:
        msg = f"Jenis rencana tidak dikenal: {kind!r} (escort atau patrol)."
        raise PlanError(msg)
    req_text = json.dumps(request, ensure_ascii=False, default=str)
    res_text = json.dumps(result, ensure_ascii=False, default=str)

    actor = store.user.name

    def change(conn: sqlite3.Connection) -> int:
        _touch(conn, operation_id)
        stamp = now_iso()
        conn.execute(
            "INSERT INTO route_plans (operation_id, name, kind, profile, depart, request, "
            "result, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (operation_id, name) DO UPDATE SET kind = excluded.kind, "
            "profile = excluded.profile, depart = excluded.depart, request = excluded.request, "
            "result = excluded.result, updated = excluded.updated",
            (operation_id, name, kind, profile, depart, req_text, res_text, stamp, stamp),
        )
        row = conn.execute(
            "SELECT id FROM route_plans WHERE operation_id = ? AND name = ?",
            (operation_id, name),
        ).fetchone()
        conn.execute(
            "INSERT INTO route_plan_versions (operation_id, name, version, kind, profile, "
            "depart, request, result, saved, actor, note) VALUES (?, ?, (SELECT "
            "COALESCE(MAX(version), 0) + 1 FROM route_plan_versions WHERE operation_id = ? "
            "AND name = ?), ?, ?, ?, ?, ?, ?, ?, ?)",
            (operation_id, name, operation_id, name, kind, profile, depart, req_text, res_text,
             stamp, actor, note),
        )  # fmt: skip
        return int(row[0])

    return store.write(change, action=action, detail=f"{kind}: {name}")


def _row_plan(row: sqlite3.Row) -> SavedRoutePlan:
    return SavedRoutePlan(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        profile=row["profile"],
        depart=row["depart"],
        request=json.loads(row["request"]),
        result=json.loads(row["result"]),
        created=row["created"],
        updated=row["updated"],
    )


def list_route_plans(
    store: Store, operation_id: int, *, kind: str | None = None
) -> list[SavedRoutePlan]:
    """Saved route plans of an operation (optionally of one kind), by name."""
    if kind is None:
        rows = store.read(
            "SELECT * FROM route_plans WHERE operation_id = ? ORDER BY name", (operation_id,)
        )
    else:
        rows = store.read(
            "SELECT * FROM route_plans WHERE operation_id = ? AND kind = ? ORDER BY name",
            (operation_id, kind),
        )
    return [_row_plan(r) for r in rows]


def load_route_plan(store: Store, operation_id: int, name: str) -> SavedRoutePlan:
    """A saved route plan by name.

    Raises
    ------
    PlanError
        If there is none (the message lists the saved ones).
    """
    rows = store.read(
        "SELECT * FROM route_plans WHERE operation_id = ? AND name = ?", (operation_id, name)
    )
    if not rows:
        known = ", ".join(p.name for p in list_route_plans(store, operation_id)) or "(belum ada)"
        msg = f"Rencana rute {name!r} tidak ditemukan. Yang tersimpan: {known}."
        raise PlanError(msg)
    return _row_plan(rows[0])


def delete_route_plan(store: Store, operation_id: int, name: str) -> bool:
    """Delete a saved route plan; False when there was none of that name."""

    def change(conn: sqlite3.Connection) -> bool:
        cur = conn.execute(
            "DELETE FROM route_plans WHERE operation_id = ? AND name = ?", (operation_id, name)
        )
        if cur.rowcount:
            _touch(conn, operation_id)
        return cur.rowcount > 0

    return store.write(change, action="route_plan.delete", detail=name)


# --------------------------------------------------------------------------- versions


@dataclass(frozen=True)
class PlanVersion:
    """One saved version of a route plan (every save keeps one)."""

    version: int
    name: str
    kind: str
    profile: str
    depart: str | None
    request: dict[str, Any]
    result: dict[str, Any]
    saved: str
    actor: str
    note: str = ""

    @property
    def figures(self) -> dict[str, Any]:
        """What a reader compares: stops, closures, departure, length and time of each route."""
        main = self.result.get("main") or {}
        stops = self.request.get("waypoints") or self.request.get("stops") or []
        out: dict[str, Any] = {
            "profile": self.profile,
            "depart": self.depart or "",
            "stops": " → ".join(str(w.get("label", "")) for w in stops),
            "closures": ", ".join(
                str((f.get("properties") or {}).get("name", ""))
                for f in self.request.get("closures") or []
            ),
            "main_km": round(float(main.get("length_m", 0)) / 1000, 2),
            "main_min": round(float(main.get("duration_s", main.get("travel_time_s", 0))) / 60, 1),
            "alternatives": len(self.result.get("alternatives") or []),
        }
        for i, alt in enumerate(self.result.get("alternatives") or [], start=1):
            out[f"alt{i}_km"] = round(float(alt.get("length_m", 0)) / 1000, 2)
            out[f"alt{i}_min"] = round(float(alt.get("travel_time_s", 0)) / 60, 1)
        return out


def _row_version(row: sqlite3.Row) -> PlanVersion:
    return PlanVersion(
        version=row["version"],
        name=row["name"],
        kind=row["kind"],
        profile=row["profile"],
        depart=row["depart"],
        request=json.loads(row["request"]),
        result=json.loads(row["result"]),
        saved=row["saved"],
        actor=row["actor"],
        note=row["note"],
    )


def list_plan_versions(store: Store, operation_id: int, name: str) -> list[PlanVersion]:
    """Every saved version of a plan, newest first (they outlive a deleted plan)."""
    rows = store.read(
        "SELECT * FROM route_plan_versions WHERE operation_id = ? AND name = ? "
        "ORDER BY version DESC",
        (operation_id, name),
    )
    return [_row_version(r) for r in rows]


def get_plan_version(store: Store, operation_id: int, name: str, version: int) -> PlanVersion:
    """One version of a plan.

    Raises
    ------
    PlanError
        If the plan has no such version.
    """
    rows = store.read(
        "SELECT * FROM route_plan_versions WHERE operation_id = ? AND name = ? AND version = ?",
        (operation_id, name, int(version)),
    )
    if not rows:
        known = ", ".join(str(v.version) for v in list_plan_versions(store, operation_id, name))
        msg = f"Rencana {name!r} tidak punya versi {version}. Versi yang ada: {known or '(tidak ada)'}."
        raise PlanError(msg)
    return _row_version(rows[0])


def compare_plan_versions(a: PlanVersion, b: PlanVersion) -> list[tuple[str, Any, Any]]:
    """What differs between two versions: ``(figure, value in a, value in b)``, in order.

    The figures are those of :attr:`PlanVersion.figures` plus whether the main route's road
    nodes are the same.
    """
    fa, fb = a.figures, b.figures
    out = [(k, fa.get(k), fb.get(k)) for k in dict.fromkeys([*fa, *fb]) if fa.get(k) != fb.get(k)]
    nodes_a = (a.result.get("main") or {}).get("nodes")
    nodes_b = (b.result.get("main") or {}).get("nodes")
    if nodes_a != nodes_b:
        out.append(("main_route", "berbeda", "berbeda"))
    return out


def restore_plan_version(store: Store, operation_id: int, name: str, version: int) -> int:
    """Make an earlier version the current plan again (saved as a new version).

    Returns
    -------
    int
        The plan's row id.
    """
    old = get_plan_version(store, operation_id, name, version)
    return save_route_plan(
        store,
        operation_id,
        name,
        kind=old.kind,
        profile=old.profile,
        request=old.request,
        result=old.result,
        depart=old.depart,
        note=f"dipulihkan dari versi {old.version}",
        action="route_plan.restore",
    )


# --------------------------------------------------------------------------- closures


def save_closure(store: Store, operation_id: int, closure: Closure) -> int:
    """Save a closure of the operation; returns its id.

    Raises
    ------
    PlanError
        Empty name, empty geometry, or no such operation.
    """
    if not closure.name.strip():
        msg = "Nama penutupan jalan tidak boleh kosong."
        raise PlanError(msg)
    if closure.geometry.is_empty:
        msg = "Penutupan jalan tanpa geometri."
        raise PlanError(msg)
    feature = closure.to_feature()

    def change(conn: sqlite3.Connection) -> int:
        _touch(conn, operation_id)
        cur = conn.execute(
            "INSERT INTO closures (operation_id, name, geojson, starts, ends, note) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                operation_id,
                closure.name.strip(),
                json.dumps(feature, ensure_ascii=False),
                closure.starts,
                closure.ends,
                closure.note,
            ),
        )
        return int(cur.lastrowid)

    return store.write(change, action="closure.add", detail=closure.name)


def list_closures(store: Store, operation_id: int) -> list[SavedClosure]:
    """Saved closures of an operation, oldest first."""
    rows = store.read("SELECT * FROM closures WHERE operation_id = ? ORDER BY id", (operation_id,))
    out = []
    for row in rows:
        feature = json.loads(row["geojson"])
        props = feature.setdefault("properties", {})
        props.update(name=row["name"], starts=row["starts"], ends=row["ends"], note=row["note"])
        out.append(SavedClosure(row["id"], _closure(feature)))
    return out


def delete_closure(store: Store, operation_id: int, closure_id: int) -> bool:
    """Delete a saved closure; False when there was none with that id."""

    def change(conn: sqlite3.Connection) -> bool:
        cur = conn.execute(
            "DELETE FROM closures WHERE operation_id = ? AND id = ?", (operation_id, closure_id)
        )
        if cur.rowcount:
            _touch(conn, operation_id)
        return cur.rowcount > 0

    return store.write(change, action="closure.delete", detail=str(closure_id))
