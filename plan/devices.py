"""Field devices (phones, trackers, TAK clients) registered to units, and refused reports.

A device is known by the id its protocol sends: a Traccar Client ``id`` / ``device_id``, an
OwnTracks ``user/device`` pair, a Cursor-on-Target ``event@uid``. It belongs to one unit of one
operation. Where the protocol carries a secret (the OwnTracks HTTP password) the store keeps
only its argon2 hash. Reports that are refused are counted per device and reason, so the
commander sees them and can adopt an unknown device with a click.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from plan.operation import PlanError, get_operation
from plan.store import Store, now_iso

#: Reasons a report is refused (codes stored in ``feed_refusals.reason``).
REASONS: tuple[str, ...] = (
    "unknown_device",
    "missing_id",
    "auth",
    "no_secret",
    "malformed",
    "bad_coordinates",
    "no_fix",
    "out_of_area",
    "future_time",
    "too_old",
    "bad_time",
    "type",
    "duplicate",
)

#: Distinct unknown device ids tracked at most; beyond that they are counted under ``*``.
MAX_UNKNOWN_IDS = 1000

#: Prefix of the devices the rehearsal simulation reports through.
SIMULATED_DEVICE_PREFIX = "SIM/"

_HASHER = PasswordHasher()


@dataclass(frozen=True)
class Device:
    """A registered device and the unit it reports for."""

    device_id: str
    operation_id: int
    unit_id: str
    label: str = ""
    has_secret: bool = False
    simulated: bool = False
    created: str = ""


@dataclass(frozen=True)
class Refusal:
    """Refused reports of one device for one reason."""

    device_id: str
    reason: str
    protocol: str
    count: int
    first_seen: str
    last_seen: str
    detail: str
    registered: bool


@dataclass
class Registry:
    """Devices by id, as the ingest resolves reports (read once, refreshed on change).

    Successful secret checks are remembered (as a keyed digest, never the secret) so an
    argon2 verification runs once per device and password, not on every report.
    """

    devices: dict[str, tuple[Device, str | None]] = field(default_factory=dict)
    version: tuple = ()
    _verified: dict[tuple[str, str], bytes] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, device_id: str) -> Device | None:
        """The device registered under this id, if any."""
        entry = self.devices.get(device_id)
        return entry[0] if entry else None

    def check_secret(self, device_id: str, secret: str) -> bool:
        """Whether ``secret`` is the device's secret (False when it has none)."""
        entry = self.devices.get(device_id)
        if entry is None or not entry[1]:
            return False
        stored = entry[1]
        key = (device_id, stored)
        digest = hmac.new(stored.encode(), secret.encode(), hashlib.sha256).digest()
        with self._lock:
            known = self._verified.get(key)
        if known is not None:
            return hmac.compare_digest(known, digest)
        if not verify_secret(stored, secret):
            return False
        with self._lock:
            self._verified[key] = digest
        return True


def hash_secret(secret: str) -> str:
    """The argon2 hash of a device secret."""
    return _HASHER.hash(secret)


def verify_secret(stored: str, secret: str) -> bool:
    """Whether ``secret`` matches the stored argon2 hash."""
    try:
        return _HASHER.verify(stored, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _check_device_id(device_id: str) -> str:
    text = str(device_id).strip()
    if not text or len(text) > 128 or any(ord(c) < 32 for c in text):
        msg = f"Kode perangkat tidak sah: {device_id!r} (1–128 karakter, tanpa karakter kontrol)."
        raise PlanError(msg)
    return text


def add_device(
    store: Store,
    operation_id: int,
    *,
    unit_id: str,
    device_id: str,
    secret: str | None = None,
    label: str = "",
    simulated: bool = False,
    replace: bool = False,
) -> Device:
    """Register a device to a unit (the unit is registered too when new).

    Parameters
    ----------
    store
        The store.
    operation_id
        The unit's operation.
    unit_id
        The unit the device reports for.
    device_id
        The id the protocol sends (Traccar ``id``, OwnTracks ``user/device``, CoT ``uid``).
    secret
        The password the device sends (OwnTracks); stored as an argon2 hash.
    label
        Free text (officer, phone).
    simulated
        A rehearsal device (the SIMULASI mode's).
    replace
        Move a device already registered (to another unit or with a new secret).

    Returns
    -------
    Device

    Raises
    ------
    PlanError
        If the ids are empty or the device is registered and ``replace`` is False.
    """
    device_id = _check_device_id(device_id)
    unit_id = str(unit_id).strip()
    if not unit_id:
        raise PlanError("Kode unit wajib diisi.")
    if secret is not None and not str(secret):
        raise PlanError("Kata sandi perangkat tidak boleh kosong.")
    get_operation(store, operation_id)
    hashed = hash_secret(str(secret)) if secret is not None else None

    def change(conn: sqlite3.Connection) -> None:
        row = conn.execute(
            "SELECT id FROM units WHERE operation_id = ? AND unit_id = ?", (operation_id, unit_id)
        ).fetchone()
        if row is None:
            cur = conn.execute(
                "INSERT INTO units (operation_id, unit_id, name, profile) VALUES (?, ?, ?, 'car')",
                (operation_id, unit_id, unit_id),
            )
            unit_ref = int(cur.lastrowid)
            conn.execute(
                "UPDATE operations SET revision = revision + 1 WHERE id = ?", (operation_id,)
            )
        else:
            unit_ref = int(row[0])
        existing = conn.execute(
            "SELECT id FROM devices WHERE device_id = ?", (device_id,)
        ).fetchone()
        if existing is not None and not replace:
            msg = f"Perangkat {device_id!r} sudah terdaftar (pakai --replace untuk memindahkannya)."
            raise PlanError(msg)
        stamp = datetime.now(UTC).isoformat()
        conn.execute(
            "INSERT INTO devices (device_id, unit_ref, secret_hash, label, simulated, created, "
            "updated) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET "
            "unit_ref = excluded.unit_ref, secret_hash = excluded.secret_hash, "
            "label = excluded.label, simulated = excluded.simulated, updated = excluded.updated",
            (device_id, unit_ref, hashed, label, int(simulated), stamp, stamp),
        )
        # refusals of a device now registered stay listed, marked registered

    store.write(change, action="device.add", detail=f"{device_id} -> {unit_id}")
    return get_device(store, device_id)


def ensure_simulated(store: Store, operation_id: int, devices: dict[str, str]) -> int:
    """Register the rehearsal's simulated devices (``device id -> unit id``) not yet registered.

    The units must exist (the rehearsal creates them first). Returns how many were added.
    """
    known = {d.device_id for d in list_devices(store, operation_id, simulated=True)}
    missing = {d: u for d, u in devices.items() if d not in known}
    if not missing:
        return 0

    def change(conn: sqlite3.Connection) -> int:
        stamp = datetime.now(UTC).isoformat()
        added = 0
        for device_id, unit_id in sorted(missing.items()):
            row = conn.execute(
                "SELECT id FROM units WHERE operation_id = ? AND unit_id = ?",
                (operation_id, unit_id),
            ).fetchone()
            if row is None:
                continue
            cur = conn.execute(
                "INSERT INTO devices (device_id, unit_ref, secret_hash, label, simulated, created,"
                " updated) VALUES (?, ?, NULL, 'SIMULASI', 1, ?, ?) ON CONFLICT DO NOTHING",
                (_check_device_id(device_id), int(row[0]), stamp, stamp),
            )
            added += cur.rowcount
        return added

    return store.write(change, action="device.simulated", detail=f"{len(missing)}")


def remove_device(store: Store, device_id: str) -> None:
    """Unregister a device (its stored positions stay)."""

    def change(conn: sqlite3.Connection) -> None:
        cur = conn.execute("DELETE FROM devices WHERE device_id = ?", (device_id,))
        if cur.rowcount != 1:
            msg = f"Perangkat {device_id!r} tidak terdaftar."
            raise PlanError(msg)

    store.write(change, action="device.remove", detail=device_id)


_SELECT = (
    "SELECT d.device_id, d.secret_hash, d.label, d.simulated, d.created, u.operation_id, "
    "u.unit_id FROM devices d JOIN units u ON u.id = d.unit_ref"
)


def _device(row: sqlite3.Row) -> Device:
    return Device(
        device_id=row["device_id"],
        operation_id=int(row["operation_id"]),
        unit_id=row["unit_id"],
        label=row["label"],
        has_secret=bool(row["secret_hash"]),
        simulated=bool(row["simulated"]),
        created=row["created"],
    )


def get_device(store: Store, device_id: str) -> Device:
    """A registered device.

    Raises
    ------
    PlanError
        If it is not registered.
    """
    rows = store.read(f"{_SELECT} WHERE d.device_id = ?", (device_id,))
    if not rows:
        msg = f"Perangkat {device_id!r} tidak terdaftar."
        raise PlanError(msg)
    return _device(rows[0])


def list_devices(
    store: Store, operation_id: int | None = None, *, simulated: bool | None = False
) -> list[Device]:
    """Registered devices (of one operation, or all), by unit then id."""
    where, params = [], []
    if operation_id is not None:
        where.append("u.operation_id = ?")
        params.append(operation_id)
    if simulated is not None:
        where.append("d.simulated = ?")
        params.append(int(simulated))
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    rows = store.read(sql + " ORDER BY u.unit_id, d.device_id", tuple(params))
    return [_device(r) for r in rows]


def registry_version(store: Store) -> tuple:
    """Changes whenever a device is added, moved, given a secret or removed."""
    row = store.read("SELECT COUNT(*), MAX(id), MAX(updated) FROM devices")[0]
    return tuple(row)


def load_registry(store: Store, previous: Registry | None = None) -> Registry:
    """Every registered device with its secret hash (keeps ``previous``'s verified secrets)."""
    version = registry_version(store)
    rows = store.read(_SELECT)
    registry = Registry(
        devices={r["device_id"]: (_device(r), r["secret_hash"]) for r in rows}, version=version
    )
    if previous is not None:
        registry._verified = {
            k: v
            for k, v in previous._verified.items()
            if k[0] in registry.devices and registry.devices[k[0]][1] == k[1]
        }
    return registry


def record_refusals(conn: sqlite3.Connection, refusals: list[tuple[str, str, str, str]]) -> None:
    """Count refused reports inside a write: ``(device_id, reason, protocol, detail)`` each."""
    if not refusals:
        return
    stamp = now_iso()
    tracked = conn.execute("SELECT COUNT(DISTINCT device_id) FROM feed_refusals").fetchone()[0]
    seen: set[str] = set()
    rows = []
    for device_id, reason, protocol, detail in refusals:
        dev = str(device_id)[:128] or "?"
        if dev not in seen:
            known = conn.execute(
                "SELECT 1 FROM feed_refusals WHERE device_id = ? LIMIT 1", (dev,)
            ).fetchone()
            if known is None and dev != "*":
                if tracked >= MAX_UNKNOWN_IDS:
                    dev = "*"
                else:
                    tracked += 1
            seen.add(dev)
        rows.append((dev, reason, protocol, stamp, stamp, str(detail)[:200]))
    conn.executemany(
        "INSERT INTO feed_refusals (device_id, reason, protocol, count, first_seen, last_seen, "
        "detail) VALUES (?, ?, ?, 1, ?, ?, ?) ON CONFLICT (device_id, reason) DO UPDATE SET "
        "count = count + 1, last_seen = excluded.last_seen, detail = excluded.detail, "
        "protocol = excluded.protocol",
        rows,
    )


def refusals(store: Store, *, unknown_only: bool = False) -> list[Refusal]:
    """Refused reports per device and reason, most recent first."""
    rows = store.read(
        "SELECT r.*, (d.id IS NOT NULL) AS registered FROM feed_refusals r "
        "LEFT JOIN devices d ON d.device_id = r.device_id ORDER BY r.last_seen DESC, r.device_id"
    )
    out = [
        Refusal(
            device_id=r["device_id"],
            reason=r["reason"],
            protocol=r["protocol"],
            count=int(r["count"]),
            first_seen=r["first_seen"],
            last_seen=r["last_seen"],
            detail=r["detail"],
            registered=bool(r["registered"]),
        )
        for r in rows
    ]
    if unknown_only:
        out = [r for r in out if r.reason == "unknown_device" and not r.registered]
    return out


def clear_refusals(store: Store, device_id: str) -> int:
    """Forget the refused reports counted for a device; returns rows removed."""

    def change(conn: sqlite3.Connection) -> int:
        return conn.execute("DELETE FROM feed_refusals WHERE device_id = ?", (device_id,)).rowcount

    return store.write(change, action="device.refusals_clear", detail=device_id)
