"""The audit log: who changed what, when, and the rows before and after.

``Store.write`` writes one ``audit_log`` row per change (time, acting user, action, detail)
before it runs the change; SQLite triggers on every table of the plan then record each row the
change inserts, updates or deletes in ``audit_changes``, with the row as JSON before and after.
Because the triggers live in the database, no write can forget to record what it touched.
The triggers are generated from the tables' columns and renewed whenever the schema changes
(:func:`install_triggers`); columns that hold secrets are never copied, and an update that only
bumps a counter (``revision``, sign-in bookkeeping) records nothing.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from plan.roles import AccessDeniedError
from plan.store import Store

#: Tables whose rows are not copied into ``audit_changes``: the log itself, plan versions
#: (history already), live positions and refused-report counters (high volume; the log row
#: keeps their count).
SKIP_TABLES: frozenset[str] = frozenset(
    {"audit_log", "audit_changes", "route_plan_versions", "positions", "feed_refusals"}
)

#: Parts of column names that mark a secret: never copied into the log.
SECRET_PARTS: tuple[str, ...] = ("password", "secret", "hash", "token")

#: Columns whose change alone is not worth a log entry (counters and bookkeeping).
QUIET_COLUMNS: frozenset[str] = frozenset(
    {"revision", "updated", "last_login", "failed_count", "locked_until"}
)

#: Roles that may read the log.
READERS: frozenset[str] = frozenset({"admin", "pimpinan", "system"})

_PREFIX = "audit_"


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")').fetchall()]


def _json(prefix: str, columns: list[str]) -> str:
    parts = ", ".join(f"'{c}', {prefix}.\"{c}\"" for c in columns)
    return f"json_object({parts})"


def trigger_sql(conn: sqlite3.Connection, table: str) -> dict[str, str]:
    """The three audit triggers of a table (name -> CREATE TRIGGER statement)."""
    cols = [c for c in _columns(conn, table) if not any(p in c.lower() for p in SECRET_PARTS)]
    watched = [c for c in cols if c not in QUIET_COLUMNS]
    insert = "INSERT INTO audit_changes (audit_id, table_name, row_id, op, before_json, after_json) VALUES"
    audit_id = "(SELECT max(id) FROM audit_log)"
    when = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in watched) or "0"
    return {
        f"{_PREFIX}{table}_insert": (
            f'CREATE TRIGGER "{_PREFIX}{table}_insert" AFTER INSERT ON "{table}" BEGIN '
            f"{insert} ({audit_id}, '{table}', NEW.rowid, 'insert', NULL, {_json('NEW', cols)}); "
            "END"
        ),
        f"{_PREFIX}{table}_update": (
            f'CREATE TRIGGER "{_PREFIX}{table}_update" AFTER UPDATE ON "{table}" WHEN {when} '
            f"BEGIN {insert} ({audit_id}, '{table}', NEW.rowid, 'update', "
            f"{_json('OLD', cols)}, {_json('NEW', cols)}); END"
        ),
        f"{_PREFIX}{table}_delete": (
            f'CREATE TRIGGER "{_PREFIX}{table}_delete" AFTER DELETE ON "{table}" BEGIN '
            f"{insert} ({audit_id}, '{table}', OLD.rowid, 'delete', {_json('OLD', cols)}, NULL); "
            "END"
        ),
    }


def drop_triggers(conn: sqlite3.Connection) -> None:
    """Drop every audit trigger (before a migration changes the tables they read)."""
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit\\_%' ESCAPE '\\'"
    ).fetchall():
        conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def install_triggers(conn: sqlite3.Connection, *, apply: bool = True) -> int:
    """Create or renew the audit triggers of every plan table; returns how many changed.

    Call inside a write transaction. A trigger whose text already matches is left alone, so
    opening an up-to-date store changes nothing; with ``apply=False`` only count.
    """
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        if r[0] not in SKIP_TABLES
    ]
    if "audit_changes" not in {
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }:
        return 0
    existing = {
        r[0]: r[1]
        for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    }
    wanted: dict[str, str] = {}
    for table in tables:
        wanted.update(trigger_sql(conn, table))
    changed = 0
    for name, sql in wanted.items():
        if existing.get(name) != sql:
            if apply:
                conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')
                conn.execute(sql)
            changed += 1
    for name in existing:
        if name.startswith(_PREFIX) and name not in wanted:
            if apply:
                conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')
            changed += 1
    return changed


@dataclass(frozen=True)
class RowChange:
    """One row a write inserted, updated or deleted."""

    table: str
    row_id: int | None
    op: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def fields(self) -> dict[str, tuple[Any, Any]]:
        """Changed fields: name -> (before, after) (every field for an insert or delete)."""
        before, after = self.before or {}, self.after or {}
        return {
            k: (before.get(k), after.get(k))
            for k in dict.fromkeys([*before, *after])
            if before.get(k) != after.get(k)
        }


@dataclass(frozen=True)
class AuditEntry:
    """One write: when, by whom, what, and the rows it changed."""

    id: int
    time: str
    actor: str
    action: str
    detail: str
    changes: tuple[RowChange, ...] = ()


def _check_reader(store: Store) -> None:
    if store.user.role not in READERS:
        msg = "Log audit hanya dapat dibuka oleh admin dan pimpinan."
        raise AccessDeniedError(msg)


def list_entries(
    store: Store,
    *,
    actor: str | None = None,
    action: str | None = None,
    since: str | None = None,
    until: str | None = None,
    text: str | None = None,
    limit: int = 2000,
) -> list[AuditEntry]:
    """Audit entries, newest first, filtered.

    Parameters
    ----------
    store
        A store bound to an ``admin`` or ``pimpinan`` (or the system handle).
    actor
        Only this user's writes.
    action
        Only actions starting with this (``"post"``, ``"auth.fail"``).
    since, until
        ISO times (UTC); ``until`` is exclusive. A date alone means its midnight.
    text
        Only entries whose detail or changed rows contain this (case-insensitive).
    limit
        At most this many entries.

    Raises
    ------
    AccessDeniedError
        For any other role.
    """
    _check_reader(store)
    where, params = ["1 = 1"], []
    if actor:
        where.append("a.actor = ?")
        params.append(actor)
    if action:
        where.append("a.action LIKE ? ESCAPE '\\'")
        params.append(action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    if since:
        where.append("a.time >= ?")
        params.append(since)
    if until:
        where.append("a.time < ?")
        params.append(until)
    if text:
        where.append(
            "(instr(lower(a.detail), lower(?)) > 0 OR EXISTS (SELECT 1 FROM audit_changes c "
            "WHERE c.audit_id = a.id AND (instr(lower(c.before_json), lower(?)) > 0 "
            "OR instr(lower(c.after_json), lower(?)) > 0)))"
        )
        params += [text, text, text]
    rows = store.read(
        f"SELECT a.* FROM audit_log a WHERE {' AND '.join(where)} ORDER BY a.id DESC LIMIT ?",
        (*params, int(limit)),
    )
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    changes: dict[int, list[RowChange]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for c in store.read(
            f"SELECT * FROM audit_changes WHERE audit_id IN ({marks}) ORDER BY id", tuple(chunk)
        ):
            changes.setdefault(c["audit_id"], []).append(
                RowChange(
                    table=c["table_name"],
                    row_id=c["row_id"],
                    op=c["op"],
                    before=json.loads(c["before_json"]) if c["before_json"] else None,
                    after=json.loads(c["after_json"]) if c["after_json"] else None,
                )
            )
    return [
        AuditEntry(
            id=r["id"],
            time=r["time"],
            actor=r["actor"],
            action=r["action"],
            detail=r["detail"],
            changes=tuple(changes.get(r["id"], ())),
        )
        for r in rows
    ]


def actors(store: Store) -> list[str]:
    """Every name that appears in the log, sorted."""
    _check_reader(store)
    return [r[0] for r in store.read("SELECT DISTINCT actor FROM audit_log ORDER BY actor")]


def _text(value: dict[str, Any] | None) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def rows(entries: list[AuditEntry]) -> list[dict[str, Any]]:
    """One flat record per changed row (an entry without row changes gives one record)."""
    out = []
    for e in entries:
        base = {"id": e.id, "time": e.time, "actor": e.actor, "action": e.action,
                "detail": e.detail}  # fmt: skip
        if not e.changes:
            out.append({**base, "table": "", "row_id": None, "op": "", "fields": "",
                        "before": "", "after": ""})  # fmt: skip
        for c in e.changes:
            out.append(
                {
                    **base,
                    "table": c.table,
                    "row_id": c.row_id,
                    "op": c.op,
                    "fields": ", ".join(c.fields),
                    "before": _text(c.before),
                    "after": _text(c.after),
                }
            )
    return out


#: Column names of the CSV export (Bahasa Indonesia), in order.
CSV_COLUMNS: dict[str, str] = {
    "id": "id",
    "time": "waktu_utc",
    "actor": "pengguna",
    "action": "aksi",
    "detail": "keterangan",
    "table": "tabel",
    "row_id": "baris",
    "op": "operasi",
    "fields": "kolom_berubah",
    "before": "sebelum",
    "after": "sesudah",
}


def _cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(entries: list[AuditEntry]) -> bytes:
    """The entries as CSV (UTF-8 with BOM, so spreadsheets read it), one line per changed row."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(CSV_COLUMNS.values()), lineterminator="\r\n")
    writer.writeheader()
    for record in rows(entries):
        writer.writerow({CSV_COLUMNS[k]: _cell(v) for k, v in record.items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
