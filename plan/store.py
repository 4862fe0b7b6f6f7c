"""The operation store: one SQLite file (WAL), a versioned schema, writes through one lock.

Or, when the path is a ``postgresql://`` URL (``$PETA_DB``), a PostgreSQL + PostGIS database
shared by several app servers (``plan._pg``): the same migrations, the same SQL, the same
``read``/``write`` API; writes serialised across processes by an advisory lock.

Streamlit runs each session in a thread, so every write goes through ``Store.write``: one
process-wide lock per file, one transaction, one audit-log row. Reads use their own short-lived
connections. The schema only grows through ``MIGRATIONS`` (append, never edit a shipped one);
``PRAGMA user_version`` records how far a file has been migrated.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

T = TypeVar("T")

MIGRATIONS: tuple[str, ...] = (
    # 1: operations, posts, venues and events, TPS, units and positions, closures, route plans
    """
    CREATE TABLE operations (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        starts TEXT,
        ends TEXT,
        created TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE posts (
        id INTEGER PRIMARY KEY,
        operation_id INTEGER NOT NULL REFERENCES operations(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN
            ('polres', 'polsek', 'pos_pengamanan', 'pos_pengaturan', 'mobile')),
        lon REAL NOT NULL,
        lat REAL NOT NULL,
        personnel INTEGER NOT NULL DEFAULT 0 CHECK (personnel >= 0),
        profile TEXT NOT NULL DEFAULT 'car',
        readiness_min REAL NOT NULL DEFAULT 0 CHECK (readiness_min >= 0),
        note TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE venues (
        id INTEGER PRIMARY KEY,
        operation_id INTEGER NOT NULL REFERENCES operations(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        lon REAL NOT NULL,
        lat REAL NOT NULL,
        position TEXT NOT NULL DEFAULT 'surveyed' CHECK (position IN ('surveyed', 'approximate')),
        risk TEXT NOT NULL DEFAULT 'rawan',
        place_id TEXT,
        note TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        venue_id INTEGER NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        starts TEXT NOT NULL,
        ends TEXT NOT NULL,
        organiser TEXT NOT NULL DEFAULT '',
        expected_crowd INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE tps (
        id INTEGER PRIMARY KEY,
        operation_id INTEGER NOT NULL REFERENCES operations(id) ON DELETE CASCADE,
        code TEXT NOT NULL,
        name TEXT NOT NULL,
        kelurahan TEXT NOT NULL DEFAULT '',
        risk TEXT NOT NULL CHECK (risk IN ('kurang_rawan', 'rawan', 'sangat_rawan', 'khusus')),
        voters INTEGER NOT NULL DEFAULT 0,
        lon REAL NOT NULL,
        lat REAL NOT NULL,
        UNIQUE (operation_id, code)
    );
    CREATE TABLE units (
        id INTEGER PRIMARY KEY,
        operation_id INTEGER NOT NULL REFERENCES operations(id) ON DELETE CASCADE,
        unit_id TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        post_id INTEGER REFERENCES posts(id) ON DELETE SET NULL,
        profile TEXT NOT NULL DEFAULT 'car',
        personnel INTEGER NOT NULL DEFAULT 2,
        UNIQUE (operation_id, unit_id)
    );
    CREATE TABLE positions (
        id INTEGER PRIMARY KEY,
        operation_id INTEGER NOT NULL REFERENCES operations(id) ON DELETE CASCADE,
        unit_id TEXT NOT NULL,
        time TEXT NOT NULL,
        lon REAL NOT NULL,
        lat REAL NOT NULL,
        status TEXT NOT NULL DEFAULT 'available',
        source TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX positions_latest ON positions (operation_id, unit_id, time);
    CREATE TABLE closures (
        id INTEGER PRIMARY KEY,
        operation_id INTEGER NOT NULL REFERENCES operations(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        geojson TEXT NOT NULL,
        starts TEXT,
        ends TEXT,
        note TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE route_plans (
        id INTEGER PRIMARY KEY,
        operation_id INTEGER NOT NULL REFERENCES operations(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('escort', 'patrol')),
        profile TEXT NOT NULL,
        depart TEXT,
        request TEXT NOT NULL,
        result TEXT NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        UNIQUE (operation_id, name)
    );
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        time TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    """,
    # 2: personnel strength and attached (BKO) personnel of an operation, its settings (JSON:
    #    TPS staffing pattern, stale-position age), and BKO units
    """
    ALTER TABLE operations ADD COLUMN strength INTEGER NOT NULL DEFAULT 565;
    ALTER TABLE operations ADD COLUMN bko INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE operations ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE units ADD COLUMN bko INTEGER NOT NULL DEFAULT 0;
    """,
    # 3: live positions from field devices (plan/devices.py, feeds/): devices registered to
    #    units (argon2 hash of the OwnTracks password), refused reports counted per device and
    #    reason, and the report's own fields on positions (speed m/s, heading, battery %,
    #    accuracy m, altitude m, received); one report per device and time
    """
    CREATE TABLE devices (
        id INTEGER PRIMARY KEY,
        device_id TEXT NOT NULL UNIQUE,
        unit_ref INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
        secret_hash TEXT,
        label TEXT NOT NULL DEFAULT '',
        simulated INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE TABLE feed_refusals (
        device_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        protocol TEXT NOT NULL DEFAULT '',
        count INTEGER NOT NULL DEFAULT 0,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (device_id, reason)
    );
    ALTER TABLE positions ADD COLUMN device_id TEXT;
    ALTER TABLE positions ADD COLUMN speed REAL;
    ALTER TABLE positions ADD COLUMN heading REAL;
    ALTER TABLE positions ADD COLUMN battery REAL;
    ALTER TABLE positions ADD COLUMN accuracy REAL;
    ALTER TABLE positions ADD COLUMN altitude REAL;
    ALTER TABLE positions ADD COLUMN received TEXT;
    CREATE UNIQUE INDEX positions_device_time ON positions (device_id, time)
        WHERE device_id IS NOT NULL;
    CREATE INDEX positions_time ON positions (operation_id, time);
    """,
    # 4: users (argon2 hashes, sign-in backoff; plan/users.py), the acting user of each audit
    #    row, the rows each write changed (written by triggers, plan/audit.py), and the versions
    #    of saved route plans (plan/routes.py)
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role TEXT NOT NULL CHECK (role IN ('admin', 'pimpinan', 'perencana', 'briefing')),
        password_hash TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        created TEXT NOT NULL,
        last_login TEXT,
        failed_count INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT
    );
    ALTER TABLE audit_log ADD COLUMN actor TEXT NOT NULL DEFAULT '(sistem)';
    CREATE INDEX audit_log_actor ON audit_log (actor, id);
    CREATE TABLE audit_changes (
        id INTEGER PRIMARY KEY,
        audit_id INTEGER NOT NULL,
        table_name TEXT NOT NULL,
        row_id INTEGER,
        op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
        before_json TEXT,
        after_json TEXT
    );
    CREATE INDEX audit_changes_audit ON audit_changes (audit_id);
    CREATE TABLE route_plan_versions (
        id INTEGER PRIMARY KEY,
        operation_id INTEGER NOT NULL REFERENCES operations(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        kind TEXT NOT NULL,
        profile TEXT NOT NULL,
        depart TEXT,
        request TEXT NOT NULL,
        result TEXT NOT NULL,
        saved TEXT NOT NULL,
        actor TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        UNIQUE (operation_id, name, version)
    );
    INSERT INTO route_plan_versions (operation_id, name, version, kind, profile, depart,
        request, result, saved, actor, note)
        SELECT operation_id, name, 1, kind, profile, depart, request, result, updated,
            '(sistem)', 'tersimpan sebelum riwayat versi' FROM route_plans;
    """,
    # 5: names planners give to roads of an area's network (plan/road_names.py), keyed by the
    #    network (area key) and the edge, with the road's midpoint to check the edge still is it
    """
    CREATE TABLE road_names (
        id INTEGER PRIMARY KEY,
        area_key TEXT NOT NULL,
        u INTEGER NOT NULL,
        v INTEGER NOT NULL,
        key INTEGER NOT NULL,
        name TEXT NOT NULL,
        lon REAL NOT NULL,
        lat REAL NOT NULL,
        updated TEXT NOT NULL,
        UNIQUE (area_key, u, v, key)
    );
    """,
)

_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def default_path() -> Path:
    """The store file: ``$PETA_DB``, else ``operasi.sqlite`` in the user's data folder."""
    env = os.environ.get("PETA_DB")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("peta-pengamanan", appauthor=False)) / "operasi.sqlite"


def is_url(path: Any) -> bool:
    """True for a PostgreSQL URL (``postgresql://…``) rather than a file."""
    return isinstance(path, str) and path.startswith(("postgresql://", "postgres://"))


class DatabaseURL(str):
    """A PostgreSQL store's ``path``: its URL (password hidden), usable as a key like a path."""

    __slots__ = ()

    def resolve(self) -> DatabaseURL:
        """The URL itself (as ``Path.resolve`` gives one key per file)."""
        return self


def now_iso() -> str:
    """Current UTC time, ISO 8601 with seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Store:
    """One SQLite store file.

    Parameters
    ----------
    path
        The database file; created and migrated when missing or older.
    user
        The acting user (``plan.roles.Actor``) every write is checked against and logged by;
        default the built-in system actor (start-up, migrations, scripts). Pages and commands
        a person uses bind the signed-in user (``as_user``).
    """

    def __init__(self, path: str | Path | None = None, *, user: Any = None) -> None:
        from plan.roles import SYSTEM

        if path is None and is_url(os.environ.get("PETA_DB")):
            path = os.environ["PETA_DB"]
        self.user = user if user is not None else SYSTEM
        self._pg: Any = None
        if is_url(path):
            from plan import _pg

            self.path: Any = DatabaseURL(_pg.redact(str(path)))
            self._pg = _pg.engine(str(path))
            self._pg.migrate(MIGRATIONS, now_iso())
            return
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.user = user if user is not None else SYSTEM
        with _LOCKS_GUARD:
            self._lock = _LOCKS.setdefault(self.path.resolve(), threading.Lock())
        self._migrate()
        self._install_audit()

    def as_user(self, user: Any) -> Store:
        """A handle on the same file acting for ``user`` (a ``plan.roles.Actor``); no migration."""
        bound = object.__new__(Store)
        bound.__dict__.update(self.__dict__, user=user)
        return bound

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return "sqlite" if self._pg is None else "postgresql"

    def _install_audit(self) -> None:
        """Create or renew the audit triggers when the tables changed (``plan.audit``)."""
        from plan import audit

        if self._pg is not None:
            self._pg.install_audit()
            return

        with self._connection() as conn:
            if not audit.install_triggers(conn, apply=False):
                return
        with self._lock, self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                audit.install_triggers(conn)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
        return conn

    def _migrate(self) -> None:
        with self._lock, self._connection() as conn:
            conn.execute("PRAGMA journal_mode = WAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                conn.execute("BEGIN IMMEDIATE")
                # read again under the write lock: another process may have migrated meanwhile
                if conn.execute("PRAGMA user_version").fetchone()[0] >= number:
                    conn.execute("COMMIT")
                    continue
                try:
                    _drop_audit_triggers(conn)  # renewed after the migrations
                    for statement in _statements(script):
                        conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {number}")
                    conn.execute(
                        "INSERT INTO audit_log (time, action, detail) VALUES (?, ?, ?)",
                        (now_iso(), "migrate", f"schema {number}"),
                    )
                    conn.execute("COMMIT")
                except sqlite3.Error:
                    conn.execute("ROLLBACK")
                    raise

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        if self._pg is not None:
            with self._pg.connection() as pg_conn:
                yield pg_conn
            return
        conn = self._connect()
        try:
            yield conn
        finally:
            conn.close()

    @property
    def schema_version(self) -> int:
        """Migrations applied to the file."""
        if self._pg is not None:
            return self._pg.schema_version()
        with self._connection() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def read(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        """Run a query and return all rows."""
        if self._pg is not None:
            return self._pg.read(sql, params)
        with self._connection() as conn:
            return conn.execute(sql, params).fetchall()

    def write(
        self, change: Callable[[sqlite3.Connection], T], *, action: str, detail: str = ""
    ) -> T:
        """Apply a change in one transaction under the file's lock and log it.

        Parameters
        ----------
        change
            Receives the connection inside the transaction; its return value is returned.
        action
            Short name of the change for the audit log (e.g. ``"post.move"``).
        detail
            Free text for the audit log.

        Returns
        -------
        Whatever ``change`` returns. On any error the transaction is rolled back and nothing
        already saved changes.

        Raises
        ------
        plan.roles.AccessDeniedError
            Before ``change`` runs, when the acting user's role (as saved now) may not perform
            ``action`` (``plan.roles``); the refusal itself is logged (``access.denied``).
        """
        from plan import roles

        if self._pg is not None:
            return self._write_pg(change, action=action, detail=detail)
        with self._lock, self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                roles.authorize(conn, self.user, action)
                conn.execute(  # first, so the audit triggers attach the rows to this entry
                    "INSERT INTO audit_log (time, action, detail, actor) VALUES (?, ?, ?, ?)",
                    (now_iso(), action, detail, self.user.name),
                )
                result = change(conn)
                conn.execute("COMMIT")
            except roles.AccessDeniedError as exc:
                conn.execute("ROLLBACK")
                conn.execute(
                    "INSERT INTO audit_log (time, action, detail, actor) VALUES (?, ?, ?, ?)",
                    (now_iso(), "access.denied", f"{action}: {exc}"[:500], self.user.name),
                )
                raise
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return result

    def _write_pg(self, change: Callable[[Any], T], *, action: str, detail: str) -> T:
        """``write`` on PostgreSQL: one transaction holding the store's advisory write lock."""
        from plan import roles

        insert = "INSERT INTO audit_log (time, action, detail, actor) VALUES (?, ?, ?, ?)"
        try:
            with self._pg.transaction() as conn:
                roles.authorize(conn, self.user, action)
                conn.execute(insert, (now_iso(), action, detail, self.user.name))
                return change(conn)
        except roles.AccessDeniedError as exc:
            with self._pg.transaction(lock=False) as conn:
                conn.execute(
                    insert, (now_iso(), "access.denied", f"{action}: {exc}"[:500], self.user.name)
                )
            raise


def _drop_audit_triggers(conn: sqlite3.Connection) -> None:
    from plan import audit

    audit.drop_triggers(conn)


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (no semicolons inside our DDL strings)."""
    return [s.strip() for s in script.split(";") if s.strip()]
