"""TPS (polling stations) of an operation, imported as a frame."""

from __future__ import annotations

import sqlite3

import pandas as pd

from geo.risk import RISK_TIERS
from plan.operation._checks import _bump, _check
from plan.operation.model import PlanError
from plan.store import Store


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
