"""Live position reports: checked, resolved to their unit, written in batches; tracks and replay.

Every report, whatever protocol brought it (Traccar/OsmAnd, OwnTracks, Cursor-on-Target, the
rehearsal simulation), goes through ``check`` and ``write``: the coordinates must be in range
and within a set distance of the area, the time no more than a few minutes ahead; an old
report is stored as history (the unit's latest position is the newest one, so it never moves
back); a second report of a device with the same time is stored once. One ``write`` is one
transaction: the batch is saved whole or not at all.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import shapely

from geo.simulation import SIMULATION_SOURCE
from plan.devices import Registry, load_registry, record_refusals
from plan.store import Store

#: Default checks (an operation's settings may change them).
DEFAULT_MAX_KM = 25.0
DEFAULT_MAX_FUTURE_S = 300.0
DEFAULT_MAX_AGE_S = 7 * 86400.0

#: Protocols that always carry a secret (a device without one is refused).
SECRET_PROTOCOLS = frozenset({"owntracks"})

_KM_PER_DEG_LAT = 110.574


@dataclass(frozen=True)
class Report:
    """One position report as a protocol gave it (units already converted).

    Attributes
    ----------
    device_id
        The id the device sent.
    protocol
        ``osmand``, ``traccar_json``, ``owntracks``, ``cot`` or ``simulasi``.
    lat, lon
        WGS 84 degrees.
    time
        Time of the fix (UTC); None when the report has none (the server's time is used).
    speed
        m/s.
    heading
        Degrees from north.
    battery
        Percent.
    accuracy
        Metres.
    altitude
        Metres.
    secret
        The password the report carried (OwnTracks), checked and never stored.
    callsign
        A display name the device sent (OwnTracks ``tid``, CoT ``contact@callsign``).
    """

    device_id: str
    protocol: str
    lat: float
    lon: float
    time: datetime | None = None
    speed: float | None = None
    heading: float | None = None
    battery: float | None = None
    accuracy: float | None = None
    altitude: float | None = None
    secret: str | None = None
    callsign: str = ""


@dataclass(frozen=True)
class Rules:
    """What a report must satisfy.

    ``area`` is the area's outline (EPSG:4326); a report farther than ``max_km`` from it is
    refused. Distances use a local equirectangular projection around the area, exact to well
    under 1 % over a city.
    """

    area: shapely.Geometry | None = None
    max_km: float = DEFAULT_MAX_KM
    max_future_s: float = DEFAULT_MAX_FUTURE_S
    max_age_s: float = DEFAULT_MAX_AGE_S
    _local: shapely.Geometry | None = field(default=None, repr=False, compare=False)
    _origin: tuple[float, ...] = field(default=(0.0, 0.0, 1.0), repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.area is None:
            return
        c = self.area.centroid
        origin = (float(c.x), float(c.y))
        kx = _KM_PER_DEG_LAT * math.cos(math.radians(origin[1]))

        def to_km(xy: np.ndarray) -> np.ndarray:
            return np.column_stack(((xy[:, 0] - origin[0]) * kx, (xy[:, 1] - origin[1]) * 111.32))

        local = shapely.transform(self.area, to_km)
        shapely.prepare(local)
        object.__setattr__(self, "_local", local)
        object.__setattr__(self, "_origin", (origin[0], origin[1], kx))

    def distance_km(self, lon: float, lat: float) -> float:
        """Distance of a point from the area (0 inside); 0 when there is no area."""
        if self._local is None:
            return 0.0
        x0, y0, kx = self._origin
        point = shapely.Point((lon - x0) * kx, (lat - y0) * 111.32)
        return float(self._local.distance(point))


@dataclass(frozen=True)
class Row:
    """A checked report ready to store."""

    operation_id: int
    unit_id: str
    device_id: str
    time: str
    lon: float
    lat: float
    source: str
    speed: float | None
    heading: float | None
    battery: float | None
    accuracy: float | None
    altitude: float | None
    received: str


@dataclass(frozen=True)
class Refused:
    """A refused report: the device id it named, the reason code and a short detail."""

    device_id: str
    reason: str
    protocol: str
    detail: str = ""


def iso(moment: datetime) -> str:
    """UTC, ISO 8601 with seconds (the store's time format)."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def _finite(value: float | None) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def check(
    report: Report, registry: Registry, rules: Rules, *, now: datetime | None = None
) -> Row | Refused:
    """Resolve a report to its unit and check it.

    Returns
    -------
    Row or Refused
        The row to store, or why the report is refused (reason codes of
        ``plan.devices.REASONS``).
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    dev_id = str(report.device_id or "").strip()
    if not dev_id:
        return Refused("?", "missing_id", report.protocol)
    device = registry.get(dev_id)
    if device is None:
        return Refused(dev_id, "unknown_device", report.protocol)
    if report.protocol in SECRET_PROTOCOLS or report.secret is not None:
        if not device.has_secret:
            return Refused(dev_id, "no_secret", report.protocol)
        if report.secret is None or not registry.check_secret(dev_id, report.secret):
            return Refused(dev_id, "auth", report.protocol)
    lat, lon = _finite(report.lat), _finite(report.lon)
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return Refused(dev_id, "bad_coordinates", report.protocol, f"{report.lat}, {report.lon}")
    if lat == 0 and lon == 0:
        return Refused(dev_id, "no_fix", report.protocol)
    km = rules.distance_km(lon, lat)
    if km > rules.max_km:
        return Refused(dev_id, "out_of_area", report.protocol, f"{lat:.5f}, {lon:.5f}: {km:.0f} km")
    moment = report.time or now
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    ahead = (moment - now).total_seconds()
    if ahead > rules.max_future_s:
        return Refused(dev_id, "future_time", report.protocol, iso(moment))
    if -ahead > rules.max_age_s:
        return Refused(dev_id, "too_old", report.protocol, iso(moment))
    battery = _finite(report.battery)
    heading = _finite(report.heading)
    speed = _finite(report.speed)
    return Row(
        operation_id=device.operation_id,
        unit_id=device.unit_id,
        device_id=dev_id,
        time=iso(moment),
        lon=lon,
        lat=lat,
        source=SIMULATION_SOURCE if device.simulated else report.protocol,
        speed=speed if speed is not None and speed >= 0 else None,
        heading=heading % 360 if heading is not None and heading >= 0 else None,
        battery=min(max(battery, 0.0), 100.0) if battery is not None and battery >= 0 else None,
        accuracy=_finite(report.accuracy),
        altitude=_finite(report.altitude),
        received=iso(now),
    )


def write(store: Store, rows: Sequence[Row], refused: Sequence[Refused] = ()) -> list[bool]:
    """Store checked rows and count refusals, in one transaction.

    Returns
    -------
    list of bool
        For each row, True if stored, False if it repeated a report already stored (same
        device and time), which is then counted as a ``duplicate``.
    """

    def change(conn: sqlite3.Connection) -> list[bool]:
        stored = []
        for r in rows:
            cur = conn.execute(
                "INSERT INTO positions (operation_id, unit_id, time, lon, lat, status, source, "
                "device_id, speed, heading, battery, accuracy, altitude, received) "
                "VALUES (?, ?, ?, ?, ?, 'available', ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (
                    r.operation_id,
                    r.unit_id,
                    r.time,
                    r.lon,
                    r.lat,
                    r.source,
                    r.device_id,
                    r.speed,
                    r.heading,
                    r.battery,
                    r.accuracy,
                    r.altitude,
                    r.received,
                ),
            )
            stored.append(cur.rowcount == 1)
        record_refusals(
            conn,
            [(f.device_id, f.reason, f.protocol, f.detail) for f in refused]
            + [
                (r.device_id, "duplicate", r.source, r.time)
                for r, s in zip(rows, stored, strict=True)
                if not s
            ],
        )
        return stored

    if not rows and not refused:
        return []
    n = sum(1 for _ in rows)
    return store.write(
        change, action="positions.live", detail=f"{n} stored, {len(refused)} refused"
    )


def ingest(
    store: Store,
    reports: Iterable[Report],
    rules: Rules,
    *,
    registry: Registry | None = None,
    now: datetime | None = None,
) -> list[Row | Refused]:
    """Check and store reports at once (one transaction): the path of the rehearsal simulation.

    Returns
    -------
    list
        For each report, the stored ``Row`` or its ``Refused`` (a duplicate is a ``Refused``
        with reason ``duplicate``).
    """
    registry = registry or load_registry(store)
    outcomes = [check(r, registry, rules, now=now) for r in reports]
    rows = [o for o in outcomes if isinstance(o, Row)]
    stored = iter(write(store, rows, [o for o in outcomes if isinstance(o, Refused)]))
    out: list[Row | Refused] = []
    for o in outcomes:
        if isinstance(o, Row) and not next(stored):
            out.append(Refused(o.device_id, "duplicate", o.source, o.time))
        else:
            out.append(o)
    return out


def reports_from_frame(frame: Any, *, protocol: str) -> list[Report]:
    """Reports from a frame (e.g. ``geo.simulation.positions_at``).

    The frame has ``device_id``, ``time``, ``lon``, ``lat`` and optionally ``heading``,
    ``speed``, ``battery``.
    """

    def opt(rec: Any, name: str) -> float | None:
        return _finite(getattr(rec, name, None))

    out = []
    for rec in frame.itertuples(index=False):
        moment = rec.time.to_pydatetime() if hasattr(rec.time, "to_pydatetime") else rec.time
        out.append(
            Report(
                device_id=str(rec.device_id),
                protocol=protocol,
                lat=float(rec.lat),
                lon=float(rec.lon),
                time=moment,
                speed=opt(rec, "speed"),
                heading=opt(rec, "heading"),
                battery=opt(rec, "battery"),
            )
        )
    return out


# --------------------------------------------------------------------------------------------
# reads: latest positions, tracks, replay


def track(
    store: Store,
    operation_id: int,
    unit_id: str,
    *,
    minutes: float,
    until: datetime | None = None,
    simulated: bool | None = None,
) -> list[tuple[str, float, float]]:
    """A unit's positions of the last ``minutes`` before ``until`` (default now), oldest first.

    Returns
    -------
    list of (time, lon, lat)
    """
    end = (until or datetime.now(UTC)).astimezone(UTC)
    start = end - timedelta(minutes=float(minutes))
    where = {True: "AND source = 'simulasi'", False: "AND source != 'simulasi'", None: ""}
    rows = store.read(
        "SELECT time, lon, lat FROM positions WHERE operation_id = ? AND unit_id = ? "
        f"AND time >= ? AND time <= ? {where[simulated]} ORDER BY time, id",
        (operation_id, unit_id, iso(start), iso(end)),
    )
    return [(r[0], float(r[1]), float(r[2])) for r in rows]


def time_range(store: Store, operation_id: int) -> tuple[str, str] | None:
    """The first and last time of the operation's stored positions, if any."""
    row = store.read(
        "SELECT MIN(time), MAX(time) FROM positions WHERE operation_id = ?", (operation_id,)
    )[0]
    return (row[0], row[1]) if row[0] else None


def positions_at(
    store: Store,
    operation_id: int,
    moment: datetime,
    *,
    window_s: float = 600.0,
    simulated: bool | None = None,
) -> list[tuple[str, str, float, float, float]]:
    """Where each unit was at a moment: its last position at or before it, within a window.

    Returns
    -------
    list of (unit_id, time, lon, lat, age_s)
        Units with no position in ``window_s`` before the moment are left out.
    """
    end = moment.astimezone(UTC)
    where = {True: "AND q.source = 'simulasi'", False: "AND q.source != 'simulasi'", None: ""}
    rows = store.read(
        "SELECT p.unit_id, p.time, p.lon, p.lat FROM units u JOIN positions p ON p.id = "
        "(SELECT q.id FROM positions q WHERE q.operation_id = u.operation_id AND "
        f"q.unit_id = u.unit_id AND q.time <= ? AND q.time >= ? {where[simulated]} "
        "ORDER BY q.time DESC, q.id DESC LIMIT 1) WHERE u.operation_id = ? ORDER BY u.unit_id",
        (iso(end), iso(end - timedelta(seconds=window_s)), operation_id),
    )
    return [
        (
            r[0],
            r[1],
            float(r[2]),
            float(r[3]),
            (end - datetime.fromisoformat(r[1])).total_seconds(),
        )
        for r in rows
    ]
