"""TPS (polling stations) of an operation, imported as a frame."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import pandas as pd

from geo.imports import MAX_VOTERS
from geo.risk import RISK_TIERS
from plan.operation._checks import _bump, _check, _check_point, _float
from plan.operation.model import PlanError
from plan.store import Store


@dataclass(frozen=True)
class TpsSaved:
    """What ``save_tps`` wrote: TPS new to the operation and TPS corrected (same code)."""

    added: int
    updated: int

    @property
    def saved(self) -> int:
        """Rows written."""
        return self.added + self.updated


def _voters(value: object, code: object) -> int:
    """A voter count that SQLite can store and a TPS can have (1e19 or NaN are refused)."""
    number = _float(value)
    _check(
        number == number and 0 <= number <= MAX_VOTERS and number == int(number),
        f"TPS {str(code)[:40]}: jumlah pemilih tidak sah ({str(value)[:40]}; 0 sampai {MAX_VOTERS}).",
    )
    return int(number)


def save_tps(store: Store, operation_id: int, frame: pd.DataFrame) -> TpsSaved:
    """Save validated TPS rows, all or nothing: a new code is added, a saved code corrected.

    Parameters
    ----------
    store
        The store.
    operation_id
        The operation.
    frame
        Rows from ``geo.imports.read_tps`` (``code``, ``name``, ``kelurahan``, ``risk``,
        ``voters``, ``lon``, ``lat``); a code appears once.

    Returns
    -------
    TpsSaved

    Raises
    ------
    PlanError
        If any row cannot be saved (unknown tier, a code twice); then none is.
    """
    rows = [
        (
            operation_id,
            str(r.code),
            str(r.name),
            str(r.kelurahan),
            str(r.risk),
            _voters(r.voters, r.code),
            float(r.lon),
            float(r.lat),
        )
        for r in frame.itertuples(index=False)
    ]
    for row in rows:
        _check(row[4] in RISK_TIERS, f"TPS {row[1]}: tingkat kerawanan tidak dikenal.")
        _check_point(row[6], row[7])
        _check(bool(row[1].strip()), "Kode TPS wajib diisi.")
    codes = [row[1] for row in rows]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    _check(not twice, f"TPS tidak disimpan: kode {', '.join(twice)} muncul lebih dari sekali.")

    def change(conn: sqlite3.Connection) -> TpsSaved:
        known = {
            r[0]
            for r in conn.execute(
                "SELECT code FROM tps WHERE operation_id = ?", (operation_id,)
            ).fetchall()
        }
        try:
            conn.executemany(
                "INSERT INTO tps (operation_id, code, name, kelurahan, risk, voters, lon, lat) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (operation_id, code) DO UPDATE SET "
                "name = excluded.name, kelurahan = excluded.kelurahan, risk = excluded.risk, "
                "voters = excluded.voters, lon = excluded.lon, lat = excluded.lat",
                rows,
            )
        except sqlite3.IntegrityError as exc:
            msg = f"TPS tidak disimpan (tidak ada yang berubah): data tidak sah ({exc})."
            raise PlanError(msg) from exc
        if rows:
            _bump(conn, operation_id)
        updated = sum(code in known for code in codes)
        return TpsSaved(added=len(rows) - updated, updated=updated)

    return store.write(change, action="tps.import", detail=f"{len(rows)} TPS")


def add_tps(store: Store, operation_id: int, frame: pd.DataFrame) -> int:
    """Save validated TPS rows (``save_tps``); returns how many were written."""
    return save_tps(store, operation_id, frame).saved


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
