"""Copy a whole store between engines (SQLite file <-> PostgreSQL), history included.

Every operation with its posts, venues, TPS, units, positions, devices, route plans and their
versions, users (with their password hashes), road names, and the audit log with each row's
before/after, ids kept. The target must hold no operation yet; the copy is one transaction
there, so a failed copy leaves it as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from plan.operation.model import PlanError
from plan.store import Store

#: Tables in an order that satisfies their foreign keys; the audit tables last.
ORDER: tuple[str, ...] = (
    "operations", "users", "posts", "venues", "events", "tps", "units", "positions",
    "devices", "feed_refusals", "closures", "route_plans", "route_plan_versions", "road_names",
    "audit_log", "audit_changes",
)  # fmt: skip

_BATCH = 2000


def _tables(store: Store) -> list[str]:
    if store.dialect == "postgresql":
        return store._pg.tables()
    return [
        r[0]
        for r in store.read(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]


def _columns(store: Store, table: str) -> list[str]:
    if store.dialect == "postgresql":
        return store._pg.columns(table)
    return [r[1] for r in store.read(f'PRAGMA table_info("{table}")')]


@contextmanager
def _transaction(store: Store) -> Iterator[Any]:
    if store.dialect == "postgresql":
        with store._pg.transaction() as conn:
            yield conn
        return
    with store._lock, store._connection() as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def copy_store(source: Store, target: Store) -> dict[str, int]:
    """Copy every row of ``source`` into the empty ``target``; returns rows copied per table.

    Raises
    ------
    PlanError
        When the target already holds an operation, or the schemas differ in version.
    """
    if source.schema_version != target.schema_version:
        msg = (
            f"Versi skema berbeda (sumber {source.schema_version}, tujuan "
            f"{target.schema_version}): buka keduanya dengan versi aplikasi yang sama."
        )
        raise PlanError(msg)
    if target.read("SELECT COUNT(*) FROM operations")[0][0]:
        msg = "Basis data tujuan sudah berisi operasi: salin hanya ke basis data yang baru."
        raise PlanError(msg)
    present = set(_tables(source)) & set(_tables(target))
    audit = [t for t in ("audit_log", "audit_changes") if t in present]
    data = [t for t in ORDER if t in present and t not in audit]
    data += sorted(present - set(ORDER))
    counts: dict[str, int] = {}
    with _transaction(target) as conn:
        # the target's own rows (its migration log, a first admin) give way to the source's;
        # the audit triggers need a log row while data rows change, so the log goes last and
        # comes first, and the change rows the copy itself made are replaced at the end
        for table in [*reversed(data), *reversed(audit)]:
            conn.execute(f'DELETE FROM "{table}"')
        for table in ["audit_log", *data, "audit_changes"]:
            if table not in present:
                continue
            if table == "audit_changes":
                conn.execute('DELETE FROM "audit_changes"')
            cols = [c for c in _columns(source, table) if c in set(_columns(target, table))]
            names = ", ".join(f'"{c}"' for c in cols)
            marks = ", ".join("?" * len(cols))
            rows = source.read(f'SELECT {names} FROM "{table}" ORDER BY 1')
            for start in range(0, len(rows), _BATCH):
                conn.executemany(
                    f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                    [tuple(r) for r in rows[start : start + _BATCH]],
                )
            counts[table] = len(rows)
            if target.dialect == "postgresql" and "id" in cols:
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f'COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM "{table}"'
                )
    return counts
