"""Users of the application: names, roles, argon2 password hashes, sign-in with backoff.

Users live in the operation store (table ``users``). Passwords are hashed with argon2id
(``argon2-cffi``'s ``PasswordHasher``) and never stored or logged in clear. Repeated failed sign-ins of one user are slowed: after :data:`FREE_ATTEMPTS` failures
each further attempt waits twice as long as the last (from :data:`BACKOFF_BASE_S` up to
:data:`BACKOFF_MAX_S`); every attempt is written to the audit log. A fresh store gets one
``admin`` with a random password, printed once to the console (:func:`bootstrap_admin`).
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
import sqlite3
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TextIO

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from plan.operation import PlanError
from plan.roles import ROLES, SYSTEM, Actor
from plan.store import Store, now_iso

log = logging.getLogger("peta.auth")
log.addHandler(logging.NullHandler())  # a library: the app or the caller decides where logs go

#: A user name: letters, digits, ``.``, ``_`` or ``-``, 2 to 32 characters.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,31}")

#: Shortest password accepted.
MIN_PASSWORD = 10

#: Longest password accepted (argon2 takes any length; this bounds the work of one attempt).
MAX_PASSWORD = 256

#: Failed sign-ins of a user before the next one has to wait.
FREE_ATTEMPTS = 3

#: Wait after the first failure past :data:`FREE_ATTEMPTS` (doubles with each further failure).
BACKOFF_BASE_S = 5.0

#: Longest wait between attempts.
BACKOFF_MAX_S = 300.0

#: Name of the administrator created on a fresh store.
FIRST_ADMIN = "admin"

#: argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): a seventh of the time of
#: the library's default (64 MiB, 3 passes, 4 lanes) here, so a burst of sign-ins does not stall
#: the shared server; a hash with other parameters is re-hashed at its next sign-in.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
_DUMMY_HASH: list[str] = []  # verified against for unknown names, so they take as long


class SignInError(PlanError):
    """A sign-in refused (wrong name or password, disabled, or waiting after failures)."""


@dataclass(frozen=True)
class User:
    """A user as saved (never with the password hash)."""

    id: int
    name: str
    role: str
    active: bool
    created: str
    last_login: str | None
    failed_count: int

    @property
    def actor(self) -> Actor:
        """The actor a store handle of this user carries."""
        return Actor(self.name, self.role)


def _user(row: sqlite3.Row) -> User:
    return User(
        id=row["id"],
        name=row["name"],
        role=row["role"],
        active=bool(row["active"]),
        created=row["created"],
        last_login=row["last_login"],
        failed_count=row["failed_count"],
    )


def check_name(name: str) -> str:
    """A valid user name, stripped; raises ``PlanError`` otherwise."""
    name = str(name).strip()
    if not NAME_PATTERN.fullmatch(name):
        msg = (
            f"Nama pengguna {name[:40]!r} tidak sah: 2-32 huruf, angka, titik, garis bawah "
            "atau tanda hubung, diawali huruf atau angka."
        )
        raise PlanError(msg)
    return name


def check_role(role: str) -> str:
    """A known role; raises ``PlanError`` otherwise."""
    if role not in ROLES:
        msg = f"Peran {str(role)[:40]!r} tidak dikenal; pilih salah satu: {', '.join(ROLES)}."
        raise PlanError(msg)
    return role


def check_password(password: str) -> str:
    """A password long enough (and not absurdly long); raises ``PlanError`` otherwise."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        msg = f"Kata sandi terlalu pendek: sedikitnya {MIN_PASSWORD} karakter."
        raise PlanError(msg)
    if len(password) > MAX_PASSWORD:
        msg = f"Kata sandi terlalu panjang: paling banyak {MAX_PASSWORD} karakter."
        raise PlanError(msg)
    return password


def hash_password(password: str) -> str:
    """The argon2id hash of a password (with its own random salt)."""
    return _HASHER.hash(check_password(password))


def list_users(store: Store) -> list[User]:
    """Every user, by name."""
    return [_user(r) for r in store.read("SELECT * FROM users ORDER BY name COLLATE NOCASE")]


def get_user(store: Store, name: str) -> User | None:
    """A user by name (case-insensitive), or None."""
    rows = store.read("SELECT * FROM users WHERE name = ? COLLATE NOCASE", (str(name).strip(),))
    return _user(rows[0]) if rows else None


def count_users(store: Store) -> int:
    """How many users are saved."""
    return int(store.read("SELECT COUNT(*) FROM users")[0][0])


def add_user(store: Store, name: str, role: str, password: str) -> User:
    """Add a user (an ``admin`` may; see ``plan.roles``).

    Raises
    ------
    PlanError
        Invalid name, role or password, or the name is taken; nothing is saved.
    """
    name, role = check_name(name), check_role(role)
    digest = hash_password(password)

    def change(conn: sqlite3.Connection) -> int:
        try:
            cur = conn.execute(
                "INSERT INTO users (name, role, password_hash, active, created) "
                "VALUES (?, ?, ?, 1, ?)",
                (name, role, digest, now_iso()),
            )
        except sqlite3.IntegrityError as exc:
            msg = f"Pengguna {name!r} sudah ada."
            raise PlanError(msg) from exc
        return int(cur.lastrowid)

    store.write(change, action="user.add", detail=f"{name} ({role})")
    user = get_user(store, name)
    assert user is not None
    return user


def _require(conn: sqlite3.Connection, name: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM users WHERE name = ? COLLATE NOCASE", (name,)).fetchone()
    if row is None:
        msg = f"Pengguna {name[:40]!r} tidak ada."
        raise PlanError(msg)
    return row


def _keep_an_admin(conn: sqlite3.Connection, row: sqlite3.Row) -> None:
    """Refuse to leave the store without an active admin."""
    others = conn.execute(
        "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1 AND id != ?", (row["id"],)
    ).fetchone()[0]
    if row["role"] == "admin" and row["active"] and others == 0:
        msg = f"{row['name']!r} adalah admin aktif terakhir: tambahkan admin lain dahulu."
        raise PlanError(msg)


def set_active(store: Store, name: str, active: bool) -> None:
    """Disable (or enable again) a user; a disabled user can neither sign in nor write."""

    def change(conn: sqlite3.Connection) -> None:
        row = _require(conn, str(name).strip())
        if not active:
            _keep_an_admin(conn, row)
        conn.execute("UPDATE users SET active = ? WHERE id = ?", (int(active), row["id"]))

    store.write(change, action="user.enable" if active else "user.disable", detail=str(name))


def set_role(store: Store, name: str, role: str) -> None:
    """Give a user another role."""
    role = check_role(role)

    def change(conn: sqlite3.Connection) -> None:
        row = _require(conn, str(name).strip())
        if role != "admin":
            _keep_an_admin(conn, row)
        conn.execute("UPDATE users SET role = ? WHERE id = ?", (role, row["id"]))

    store.write(change, action="user.role", detail=f"{name}: {role}")


def set_password(store: Store, name: str, password: str) -> None:
    """Give a user a new password (and lift any wait after failed sign-ins)."""
    digest = hash_password(password)

    def change(conn: sqlite3.Connection) -> None:
        row = _require(conn, str(name).strip())
        conn.execute(
            "UPDATE users SET password_hash = ?, failed_count = 0, locked_until = NULL "
            "WHERE id = ?",
            (digest, row["id"]),
        )

    store.write(change, action="user.password", detail=str(name))


def backoff_seconds(failed_count: int) -> float:
    """Wait before the next attempt after ``failed_count`` consecutive failures."""
    extra = failed_count - FREE_ATTEMPTS - 1
    if extra < 0:
        return 0.0
    return min(BACKOFF_BASE_S * 2.0**extra, BACKOFF_MAX_S)


def _verify_dummy(password: str) -> None:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(_HASHER.hash(secrets.token_urlsafe(16)))
    with contextlib.suppress(VerificationError):
        _HASHER.verify(_DUMMY_HASH[0], password)


def authenticate(store: Store, name: str, password: str, *, now: datetime | None = None) -> User:
    """Check a name and password; return the user, or raise ``SignInError``.

    Every attempt is written to the audit log (``auth.login`` or ``auth.fail``), by the user's
    name when it exists. A user with failed attempts past :data:`FREE_ATTEMPTS` must wait
    :func:`backoff_seconds` before the next attempt is even checked.

    Parameters
    ----------
    store
        The store (any handle: sign-in bookkeeping is not bound to a role).
    name, password
        What was typed.
    now
        Current time (UTC), for tests.
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    typed = str(name).strip()[:64]
    wrong = "Nama pengguna atau kata sandi salah."
    row = store.read("SELECT * FROM users WHERE name = ? COLLATE NOCASE", (typed,))
    if not row or not isinstance(password, str) or len(password) > MAX_PASSWORD:
        if isinstance(password, str) and len(password) <= MAX_PASSWORD:
            _verify_dummy(password)
        _note_failure(store, None, typed, "nama tidak dikenal" if not row else "kata sandi")
        raise SignInError(wrong)
    user = row[0]
    locked = user["locked_until"]
    if locked and datetime.fromisoformat(locked) > moment:
        wait = int((datetime.fromisoformat(locked) - moment).total_seconds()) + 1
        _note_failure(store, user["name"], typed, "menunggu setelah percobaan gagal", count=False)
        msg = f"Terlalu banyak percobaan gagal: coba lagi dalam {wait} detik."
        raise SignInError(msg)
    try:
        _HASHER.verify(user["password_hash"], password)
    except (VerifyMismatchError, InvalidHashError, VerificationError):
        failures = _note_failure(store, user["name"], typed, "kata sandi salah", now=moment)
        wait = backoff_seconds(failures)
        if wait:
            msg = f"{wrong} Terlalu banyak percobaan gagal: coba lagi dalam {int(wait)} detik."
            raise SignInError(msg) from None
        raise SignInError(wrong) from None
    if not user["active"]:
        _note_failure(store, user["name"], typed, "pengguna dinonaktifkan", count=False)
        msg = f"Pengguna {user['name']!r} dinonaktifkan; hubungi admin."
        raise SignInError(msg)
    rehash = _HASHER.check_needs_rehash(user["password_hash"])
    new_hash = _HASHER.hash(password) if rehash else user["password_hash"]

    def change(conn: sqlite3.Connection) -> None:
        conn.execute(
            "UPDATE users SET failed_count = 0, locked_until = NULL, last_login = ?, "
            "password_hash = ? WHERE id = ?",
            (moment.isoformat(), new_hash, user["id"]),
        )

    store.as_user(Actor(user["name"], user["role"])).write(change, action="auth.login")
    log.info("sign-in: %s", user["name"])
    found = get_user(store, user["name"])
    assert found is not None
    return found


def _note_failure(
    store: Store,
    name: str | None,
    typed: str,
    reason: str,
    *,
    count: bool = True,
    now: datetime | None = None,
) -> int:
    """Log a failed attempt; for a known user count it and set the wait. Returns the count."""
    moment = now or datetime.now(UTC).replace(microsecond=0)

    def change(conn: sqlite3.Connection) -> int:
        if name is None or not count:
            return 0
        conn.execute("UPDATE users SET failed_count = failed_count + 1 WHERE name = ?", (name,))
        failures = int(
            conn.execute("SELECT failed_count FROM users WHERE name = ?", (name,)).fetchone()[0]
        )
        wait = backoff_seconds(failures)
        if wait:
            until = (moment + timedelta(seconds=wait)).isoformat()
            conn.execute("UPDATE users SET locked_until = ? WHERE name = ?", (until, name))
        return failures

    actor = Actor(name, "?") if name else Actor("(tidak dikenal)", "?")
    failures = store.as_user(actor).write(change, action="auth.fail", detail=f"{typed!r}: {reason}")
    log.warning("failed sign-in for %r: %s", typed, reason)
    return failures


def record_logout(store: Store, user: Actor, reason: str = "keluar") -> None:
    """Write a sign-out (or an idle session ended) to the audit log."""
    store.as_user(user).write(lambda conn: None, action="auth.logout", detail=reason)


def bootstrap_admin(store: Store, out: TextIO | None = None) -> str | None:
    """On a store without users, create :data:`FIRST_ADMIN` with a random password.

    The password is written once to ``out`` (the console, standard error by default) and
    returned; it is never saved in clear. Returns None when the store already has users
    (then nothing is written or printed).
    """
    if count_users(store):
        return None
    password = secrets.token_urlsafe(15)
    digest = hash_password(password)

    def change(conn: sqlite3.Connection) -> bool:
        if conn.execute("SELECT COUNT(*) FROM users").fetchone()[0]:
            return False  # another process was first
        conn.execute(
            "INSERT INTO users (name, role, password_hash, active, created) "
            "VALUES (?, 'admin', ?, 1, ?)",
            (FIRST_ADMIN, digest, now_iso()),
        )
        return True

    if not store.as_user(SYSTEM).write(change, action="user.bootstrap", detail=FIRST_ADMIN):
        return None
    stream = out if out is not None else sys.stderr
    stream.write(
        "\n"
        "  Pengguna pertama dibuat (hanya ditampilkan sekali):\n"
        f"    nama        : {FIRST_ADMIN}\n"
        f"    kata sandi  : {password}\n"
        f"    berkas data : {store.path}\n"
        "  Masuk dengan ini, lalu buat pengguna lain di halaman Admin (atau\n"
        "  python -m cli users add) dan ganti kata sandi ini.\n\n"
    )
    stream.flush()
    return password
