"""The store on PostgreSQL + PostGIS: the same SQL as on SQLite, through psycopg 3.

``Store`` keeps one API on both engines. On PostgreSQL it hands each change a
:class:`Connection` whose ``execute`` accepts the plan's SQLite-flavoured SQL (``?``
placeholders, ``INSERT OR IGNORE``, ``cur.lastrowid``, ``row["name"]`` and ``row[0]``); the
database provides what that SQL calls (a case-insensitive ``nocase`` collation, ``instr``).
The migrations are the same list as on SQLite, their types widened for PostgreSQL
(``INTEGER`` -> ``BIGINT``, ``REAL`` -> ``DOUBLE PRECISION``, ``INTEGER PRIMARY KEY`` -> an
identity column), plus per-migration PostGIS statements (point geometry generated from
lon/lat, GiST indexes). Every write takes one transaction-level advisory lock, so writes are
serialised across processes exactly as SQLite's ``BEGIN IMMEDIATE`` serialises them: no
update is lost and nobody sees "database is locked". Connections come from a pool that checks
each one before use, so a restarted server is reconnected to.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.adapt import Dumper, Loader
from psycopg_pool import ConnectionPool, PoolTimeout

from plan.operation.model import PlanError

# The pool reports each failed connection attempt as a warning. The app's log records it, but a
# command-line user gets the one ``galat:`` line the failure becomes, not the retries.
logging.getLogger("psycopg.pool").addHandler(logging.NullHandler())

#: Key of the advisory lock every write holds (one writer at a time, across processes).
WRITE_LOCK = 7_461_001

#: Statements run before migration 1 on an empty database.
PREAMBLE: tuple[str, ...] = (
    "CREATE EXTENSION IF NOT EXISTS postgis",
    "CREATE COLLATION IF NOT EXISTS nocase "
    "(provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
    "CREATE OR REPLACE FUNCTION instr(text, text) RETURNS integer "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT strpos($1, $2)'",
    "CREATE TABLE IF NOT EXISTS peta_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


def _point(table: str) -> tuple[str, str]:
    return (
        f"ALTER TABLE {table} ADD COLUMN geom geometry(Point, 4326) GENERATED ALWAYS AS "
        "(ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED",
        f"CREATE INDEX {table}_geom ON {table} USING gist (geom)",
    )


#: PostgreSQL-only statements run after the shared migration of the same number.
EXTRA: dict[int, tuple[str, ...]] = {
    1: (*_point("posts"), *_point("venues"), *_point("tps"), *_point("positions")),
    5: _point("road_names"),
}

#: Columns the rows never show (PostGIS geometry; read it with ST_ functions by name).
HIDDEN_COLUMNS = frozenset({"geom"})


class StoreUnavailableError(PlanError):
    """The database server cannot be reached (shown as the app's message, never a traceback)."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(
            "Basis data operasi tidak dapat dihubungi; coba lagi sebentar lagi."
            + (f" ({reason})" if reason else "")
        )


def redact(url: str) -> str:
    """The URL without its password."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


# ------------------------------------------------------------------------------------------
# SQL and DDL translation

_TOKENS = re.compile(r"('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\")")
_INSERT = re.compile(r"^\s*INSERT\s+(OR\s+IGNORE\s+)?INTO\s+\"?(\w+)\"?", re.IGNORECASE)
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@lru_cache(maxsize=2048)
def translate(sql: str, named: bool = False) -> tuple[str, str | None, bool]:
    """The plan's SQL for psycopg: (sql, table inserted into or None, ``OR IGNORE`` used)."""
    parts = _TOKENS.split(sql)
    out = []
    for i, part in enumerate(parts):
        part = part.replace("%", "%%")
        if i % 2 == 0:
            part = _NAMED.sub(r"%(\1)s", part) if named else part.replace("?", "%s")
        out.append(part)
    text = _alias_subqueries("".join(out))
    match = _INSERT.match(text)
    if match is None:
        return text, None, False
    table = match.group(2)
    # PostgreSQL reads a bare column in DO UPDATE SET as ambiguous (the row or excluded)
    head, sep, tail = text.partition("DO UPDATE SET")
    if sep:
        text = head + sep + re.sub(r"\b(\w+)\s*=\s*\1\b", rf"\1 = {table}.\1", tail)
    ignore = bool(match.group(1))
    if ignore:
        text = text[: match.start(1)] + text[match.end(1) :]
        text = text.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    return text, table, ignore


_SUBQUERY = re.compile(r"\bFROM\s*\(\s*SELECT\b", re.IGNORECASE)
_NO_ALIAS = re.compile(r"\s*($|\)|;|(WHERE|ORDER|GROUP|LIMIT|UNION|JOIN|LEFT|INNER)\b)", re.IGNORECASE)


def _alias_subqueries(text: str) -> str:
    """Name each ``FROM (SELECT …)`` that has no alias (SQLite allows it; PostgreSQL 15 not)."""
    pos, n = 0, 0
    while (match := _SUBQUERY.search(text, pos)) is not None:
        depth, i = 0, text.index("(", match.start())
        while i < len(text):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            if depth == 0:
                break
            i += 1
        if depth == 0 and _NO_ALIAS.match(text, i + 1):
            n += 1
            text = f"{text[: i + 1]} AS _sub{n}{text[i + 1 :]}"
        pos = match.end()
    return text


def ddl(script: str) -> str:
    """A shared (SQLite) migration script in PostgreSQL's types."""
    text = re.sub(
        r"\bINTEGER PRIMARY KEY\b",
        "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
        script,
    )
    text = re.sub(r"\bINTEGER\b", "BIGINT", text)
    return re.sub(r"\bREAL\b", "DOUBLE PRECISION", text)


# ------------------------------------------------------------------------------------------
# rows, cursors and connections


class Row:
    """A result row read like ``sqlite3.Row``: by position, by column name, ``keys()``."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: tuple) -> None:
        self._index = index
        self._values = values

    def __getitem__(self, key: int | str | slice) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def keys(self) -> list[str]:
        """Column names, in order."""
        return list(self._index)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Row):
            return self._values == other._values and self._index == other._index
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values, strict=True))!r})"


def _row_factory(cursor: psycopg.Cursor) -> Callable[[Sequence[Any]], Row]:
    names = [d.name for d in cursor.description or ()]
    keep = [i for i, n in enumerate(names) if n not in HIDDEN_COLUMNS]
    index = {names[i]: j for j, i in enumerate(keep)}
    if len(keep) == len(names):
        return lambda values: Row(index, tuple(values))
    return lambda values: Row(index, tuple(values[i] for i in keep))


class _BoolDumper(Dumper):
    """Python booleans as 0/1 integers (the schema's flags are integers on both engines)."""

    oid = psycopg.adapters.types["int8"].oid

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"


class _NumericLoader(Loader):
    """``numeric`` (``sum`` of integers) as int when whole, else float, as SQLite returns."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        try:
            return int(text)
        except ValueError:
            return float(text)


class Cursor:
    """The result of one statement: ``fetchone``, ``fetchall``, ``rowcount``, ``lastrowid``."""

    def __init__(self, cur: psycopg.Cursor, lastrowid: int | None = None) -> None:
        self._cur = cur
        self.lastrowid = lastrowid
        self.rowcount = cur.rowcount

    @property
    def description(self) -> Any:
        """Column descriptions of the result."""
        return self._cur.description

    def fetchone(self) -> Row | None:
        """The next row, or None."""
        return self._cur.fetchone() if self._cur.description else None

    def fetchall(self) -> list[Row]:
        """The remaining rows."""
        return self._cur.fetchall() if self._cur.description else []

    def __iter__(self) -> Iterator[Row]:
        return iter(self.fetchall())


_TRANSACTION_CONTROL = {
    "BEGIN": "BEGIN ISOLATION LEVEL REPEATABLE READ",
    "BEGIN DEFERRED": "BEGIN ISOLATION LEVEL REPEATABLE READ",
    "COMMIT": "COMMIT",
    "ROLLBACK": "ROLLBACK",
}


class Connection:
    """A psycopg connection that runs the plan's SQLite-flavoured SQL (see the module)."""

    def __init__(self, raw: psycopg.Connection, id_tables: frozenset[str]) -> None:
        self.raw = raw
        self._id_tables = id_tables
        self.dialect = "postgresql"

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        """Run one statement (``?`` or ``:name`` placeholders)."""
        if sql.strip().upper() in _TRANSACTION_CONTROL:  # a read snapshot, as SQLite's BEGIN
            self.raw.execute(_TRANSACTION_CONTROL[sql.strip().upper()])
            return Cursor(self.raw.cursor())
        text, table, _ = translate(sql, isinstance(params, dict))
        returning = (
            table is not None
            and table in self._id_tables
            and "RETURNING" not in text.upper()
            and re.search(r"\bSELECT\b", text, re.IGNORECASE) is None
        )
        if returning:
            text += " RETURNING id"
        cur = self.raw.cursor(row_factory=_row_factory)
        try:
            cur.execute(text, params)
        except psycopg.IntegrityError as exc:
            raise sqlite3.IntegrityError(str(exc).splitlines()[0]) from exc
        lastrowid = None
        if returning:
            row = cur.fetchone()
            lastrowid = row[0] if row is not None else None
        return Cursor(cur, lastrowid)

    def executemany(self, sql: str, seq: Sequence[Any]) -> Cursor:
        """Run one statement for each parameter set."""
        rows = list(seq)
        text, _, _ = translate(sql, bool(rows) and isinstance(rows[0], dict))
        cur = self.raw.cursor(row_factory=_row_factory)
        if not rows:
            return Cursor(cur)
        try:
            cur.executemany(text, rows)
        except psycopg.IntegrityError as exc:
            raise sqlite3.IntegrityError(str(exc).splitlines()[0]) from exc
        return Cursor(cur)


# ------------------------------------------------------------------------------------------
# the engine


class Engine:
    """A pool of connections to one PostgreSQL database, migrated on open.

    Parameters
    ----------
    url
        ``postgresql://user:password@host:port/db`` or with ``?host=/socket/dir``.
    """

    def __init__(self, url: str, *, max_size: int = 10) -> None:
        self.url = url
        self.pid = os.getpid()
        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            open=False,
            check=ConnectionPool.check_connection,
            configure=self._configure,
            kwargs={"autocommit": True, "connect_timeout": 10},
            name="peta",
        )
        try:
            self.pool.open(wait=True, timeout=15)
        except Exception as exc:
            self.pool.close()
            raise StoreUnavailableError(redact(url)) from exc
        self._id_tables: frozenset[str] = frozenset()

    @staticmethod
    def _configure(conn: psycopg.Connection) -> None:
        conn.adapters.register_dumper(bool, _BoolDumper)
        conn.adapters.register_loader("numeric", _NumericLoader)

    def close(self) -> None:
        """Close every connection."""
        self.pool.close()

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A pooled connection (autocommit outside ``transaction``), checked before use."""
        try:
            with self.pool.connection(timeout=30) as raw:
                yield Connection(raw, self._id_tables)
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise StoreUnavailableError(str(exc).splitlines()[0]) from exc

    @contextmanager
    def transaction(self, *, lock: bool = True) -> Iterator[Connection]:
        """One transaction, holding the write lock when ``lock``."""
        with self.connection() as conn, conn.raw.transaction():
            if lock:
                conn.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            yield conn

    def read(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Row]:
        """Rows of one query (tried once more on a connection the server dropped)."""
        for attempt in (1, 2):
            try:
                with self.connection() as conn:
                    return conn.execute(sql, params).fetchall()
            except StoreUnavailableError:
                if attempt == 2:
                    raise
        raise AssertionError  # unreachable

    # -------------------------------------------------------------- schema

    def schema_version(self) -> int:
        """Migrations applied."""
        with self.connection() as conn:
            row = conn.raw.execute(
                "SELECT value FROM peta_meta WHERE key = 'schema_version'"
            ).fetchone() if _has_meta(conn) else None
            return int(row[0]) if row else 0

    def migrate(self, migrations: Sequence[str], now: str) -> None:
        """Apply the migrations not yet applied, one transaction each, under the write lock."""
        with self.transaction() as conn:
            for statement in PREAMBLE:
                conn.raw.execute(statement)
        for number, script in enumerate(migrations, start=1):
            with self.transaction() as conn:
                row = conn.raw.execute(
                    "SELECT value FROM peta_meta WHERE key = 'schema_version'"
                ).fetchone()
                if row is not None and int(row[0]) >= number:
                    continue
                for statement in _statements(ddl(script)):
                    conn.raw.execute(statement)
                for statement in EXTRA.get(number, ()):
                    conn.raw.execute(statement)
                conn.raw.execute(
                    "INSERT INTO peta_meta (key, value) VALUES ('schema_version', %s) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (str(number),),
                )
                conn.raw.execute(
                    "INSERT INTO audit_log (time, action, detail) VALUES (%s, %s, %s)",
                    (now, "migrate", f"schema {number}"),
                )
        self.refresh_tables()
        self.install_audit()

    def refresh_tables(self) -> None:
        """Learn which tables have an ``id`` column (inserts into them return it)."""
        rows = self.read(
            "SELECT table_name FROM information_schema.columns WHERE column_name = 'id' "
            "AND table_schema = current_schema()"
        )
        self._id_tables = frozenset(r[0] for r in rows)

    def tables(self) -> list[str]:
        """Tables of the store (not PostGIS's own)."""
        return [
            r[0]
            for r in self.read(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                "current_schema() AND table_type = 'BASE TABLE' AND table_name NOT IN "
                "('spatial_ref_sys', 'peta_meta') ORDER BY table_name"
            )
        ]

    def columns(self, table: str) -> list[str]:
        """Columns of a table in order (generated geometry left out)."""
        return [
            r[0]
            for r in self.read(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                "current_schema() AND table_name = ? ORDER BY ordinal_position",
                (table,),
            )
            if r[0] not in HIDDEN_COLUMNS
        ]

    def install_audit(self) -> None:
        """Create or renew the audit triggers (``plan.audit``'s rules) when the tables changed."""
        from plan import audit

        wanted: dict[str, tuple[str, str]] = {}
        for table in self.tables():
            if table in audit.SKIP_TABLES:
                continue
            cols = self.columns(table)
            secret = [c for c in cols if any(p in c.lower() for p in audit.SECRET_PARTS)]
            quiet = [c for c in cols if c in audit.QUIET_COLUMNS]
            wanted[table] = (",".join([*secret, "geom"]), ",".join([*secret, *quiet, "geom"]))
        signature = repr(sorted(wanted.items())) + _AUDIT_FUNCTION
        with self.transaction() as conn:
            row = conn.raw.execute(
                "SELECT value FROM peta_meta WHERE key = 'audit_triggers'"
            ).fetchone()
            if row is not None and row[0] == signature:
                return
            conn.raw.execute(_AUDIT_FUNCTION)
            for name, table in conn.raw.execute(
                "SELECT tgname, relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE tgname LIKE 'audit\\_%' AND NOT tgisinternal"
            ).fetchall():
                conn.raw.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
            for table, (hidden, unwatched) in wanted.items():
                conn.raw.execute(
                    f'CREATE TRIGGER "audit_{table}" AFTER INSERT OR UPDATE OR DELETE ON '
                    f'"{table}" FOR EACH ROW EXECUTE FUNCTION peta_audit(\'{hidden}\', '
                    f"'{unwatched}')"
                )
            conn.raw.execute(
                "INSERT INTO peta_meta (key, value) VALUES ('audit_triggers', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (signature,),
            )


#: One trigger function for every table: the row before and after as JSON, secrets and
#: geometry left out, an update that only touched quiet columns not recorded. Writes are
#: serialised by the write lock, so the newest audit row is the running write's.
_AUDIT_FUNCTION = """
CREATE OR REPLACE FUNCTION peta_audit() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    hidden text[] := string_to_array(TG_ARGV[0], ',');
    unwatched text[] := string_to_array(TG_ARGV[1], ',');
    b jsonb;
    a jsonb;
BEGIN
    IF TG_OP <> 'INSERT' THEN b := to_jsonb(OLD) - hidden; END IF;
    IF TG_OP <> 'DELETE' THEN a := to_jsonb(NEW) - hidden; END IF;
    IF TG_OP = 'UPDATE' AND (b - unwatched) = (a - unwatched) THEN RETURN NULL; END IF;
    INSERT INTO audit_changes (audit_id, table_name, row_id, op, before_json, after_json)
    VALUES ((SELECT max(id) FROM audit_log), TG_TABLE_NAME,
            COALESCE(a ->> 'id', b ->> 'id')::bigint, lower(TG_OP), b::text, a::text);
    RETURN NULL;
END
$fn$
"""


def _has_meta(conn: Connection) -> bool:
    return (
        conn.raw.execute("SELECT to_regclass('peta_meta') IS NOT NULL").fetchone()[0]  # type: ignore[index]
        is True
    )


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


_ENGINES: dict[str, Engine] = {}
_ENGINES_GUARD = threading.Lock()


def engine(url: str) -> Engine:
    """The process's engine for a URL (one pool per database)."""
    with _ENGINES_GUARD:
        found = _ENGINES.get(url)
        # a forked child never shares its parent's connections: it opens its own pool
        if found is None or found.pool.closed or found.pid != os.getpid():
            found = _ENGINES[url] = Engine(url)
        return found


def close_engine(url: str) -> None:
    """Close the pool of a URL (tests, the migrate command)."""
    with _ENGINES_GUARD:
        found = _ENGINES.pop(url, None)
    if found is not None:
        found.close()
