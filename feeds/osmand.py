"""The OsmAnd protocol as Traccar Client sends it: query string / form, and its JSON form.

Query or form fields, as Traccar's ``OsmAndProtocolDecoder`` reads them: ``id`` or
``deviceid``, ``lat``, ``lon`` (or ``location=lat,lon``), ``timestamp`` (epoch seconds or
milliseconds, ISO 8601, or ``yyyy-MM-dd HH:mm:ss``), ``speed`` in knots, ``bearing`` or
``heading``, ``altitude``, ``accuracy``, ``batt`` (percent). Other fields are ignored.

The JSON form (Traccar Client 9, ``Content-Type: application/json``): ``device_id``,
``location.timestamp``, ``location.coords.latitude/longitude/speed`` (m/s) ``/heading/
accuracy/altitude``, ``location.battery.level`` (0–1), ``location.is_moving``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from feeds import FeedError
from plan.live import Report

#: Knots to metres per second.
KNOT_MS = 1852.0 / 3600.0

_INT_MAX = 2**31 - 1


def parse_time(value: str) -> datetime:
    """A Traccar ``timestamp``: epoch s or ms, ISO 8601, or ``yyyy-MM-dd HH:mm:ss`` (UTC).

    Raises
    ------
    FeedError
        If it is none of these.
    """
    text = str(value).strip()
    try:
        number = int(text)
    except ValueError:
        number = None
    try:
        if number is not None:
            ms = number * 1000 if number < _INT_MAX else number
            return datetime.fromtimestamp(ms / 1000, UTC)
        if "T" in text:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        else:
            moment = datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S")
    except (ValueError, OverflowError, OSError) as exc:
        raise FeedError("bad_time", f"Waktu laporan tidak dapat dibaca: {text[:40]!r}.") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _number(value: Any, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise FeedError("malformed", f"Nilai {name} bukan angka: {str(value)[:40]!r}.") from exc
    if not math.isfinite(v):
        raise FeedError("bad_coordinates", f"Nilai {name} tidak terhingga.")
    return v


def _optional(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def parse_params(params: Mapping[str, str]) -> Report:
    """A report from the query-string / form fields (one value per name: the last wins).

    Raises
    ------
    FeedError
        ``missing_id`` without ``id``/``deviceid``; ``malformed`` / ``bad_coordinates`` /
        ``bad_time`` for unreadable fields.
    """
    device_id = str(params.get("id") or params.get("deviceid") or "").strip()
    if not device_id:
        raise FeedError("missing_id", "Laporan tanpa id perangkat.")
    try:
        if "location" in params and not ("lat" in params and "lon" in params):
            parts = str(params["location"]).split(",")
            if len(parts) < 2:
                raise FeedError("malformed", "Nilai location harus 'lat,lon'.", device_id)
            lat, lon = _number(parts[0], "lat"), _number(parts[1], "lon")
        elif "lat" in params and "lon" in params:
            lat, lon = _number(params["lat"], "lat"), _number(params["lon"], "lon")
        else:
            raise FeedError("malformed", "Laporan tanpa lat/lon.", device_id)
        moment = parse_time(params["timestamp"]) if params.get("timestamp") else None
    except FeedError as exc:
        exc.device_id = device_id
        raise
    speed = _optional(params.get("speed"))
    heading = params.get("bearing", params.get("heading"))
    return Report(
        device_id=device_id,
        protocol="osmand",
        lat=lat,
        lon=lon,
        time=moment,
        speed=speed * KNOT_MS if speed is not None else None,
        heading=_optional(heading),
        battery=_optional(params.get("batt")),
        accuracy=_optional(params.get("accuracy")),
        altitude=_optional(params.get("altitude")),
    )


def parse_json(body: bytes | str) -> Report:
    """A report from the Traccar Client 9 JSON body.

    Raises
    ------
    FeedError
        As ``parse_params``.
    """
    try:
        root = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise FeedError("malformed", "Badan JSON tidak dapat dibaca.") from exc
    if not isinstance(root, dict):
        raise FeedError("malformed", "Badan JSON bukan objek.")
    device_id = str(root.get("device_id") or "").strip()
    if not device_id or isinstance(root.get("device_id"), dict | list):
        raise FeedError("missing_id", "Laporan tanpa device_id.")
    location = root.get("location")
    coords = location.get("coords") if isinstance(location, dict) else None
    if not isinstance(coords, dict) or "latitude" not in coords or "longitude" not in coords:
        raise FeedError("malformed", "Laporan tanpa location.coords.", device_id)
    try:
        lat = _number(coords["latitude"], "latitude")
        lon = _number(coords["longitude"], "longitude")
        stamp = location.get("timestamp")
        moment = parse_time(stamp) if stamp not in (None, "") else None
    except FeedError as exc:
        exc.device_id = device_id
        raise
    battery = location.get("battery")
    level = _optional(battery.get("level")) if isinstance(battery, dict) else None
    return Report(
        device_id=device_id,
        protocol="traccar_json",
        lat=lat,
        lon=lon,
        time=moment,
        speed=_optional(coords.get("speed")),
        heading=_optional(coords.get("heading")),
        battery=level * 100 if level is not None and level >= 0 else None,
        accuracy=_optional(coords.get("accuracy")),
        altitude=_optional(coords.get("altitude")),
    )
