"""Posts (pos) of an operation: add, move, update, delete."""

from __future__ import annotations

import sqlite3

from plan.operation._checks import _bump, _check_point, _check_post_fields
from plan.operation.model import PlanError
from plan.store import Store


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
