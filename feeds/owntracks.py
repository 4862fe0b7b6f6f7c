"""OwnTracks in HTTP mode: a JSON ``_type: location`` posted with HTTP Basic auth.

Fields read (OwnTracks booklet, JSON): ``lat``, ``lon``, ``tst`` (epoch s of the fix), ``tid``
(tracker id), ``acc`` (m), ``alt`` (m), ``vel`` (km/h), ``cog`` (degrees), ``batt`` (percent).
The device is ``user/device``: the user from ``X-Limit-U`` (else the Basic user, else ``?u=``),
the device from ``X-Limit-D`` (else ``?d=``); without a device name, the user alone. A
zero-length body (sent when a friend is deleted) and other ``_type`` values are not positions:
the endpoint answers ``[]`` and ignores them.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from datetime import UTC, datetime
from typing import Any

from feeds import FeedError
from plan.live import Report


def basic_auth(header: str | None) -> tuple[str, str] | None:
    """``(user, password)`` of an ``Authorization: Basic`` header, or None."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        return None
    try:
        text = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    user, sep, password = text.partition(":")
    return (user, password) if sep else None


def device_id(user: str, device: str) -> str:
    """The registered id of an OwnTracks device: ``user/device`` (or ``user``)."""
    user, device = user.strip(), device.strip()
    return f"{user}/{device}" if device else user


def _optional(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def parse(body: bytes, *, device: str, secret: str | None) -> Report | None:
    """A report from an OwnTracks HTTP body, or None when it is not a location.

    Parameters
    ----------
    body
        The POSTed bytes.
    device
        The device id (``device_id(user, device)``).
    secret
        The Basic-auth password.

    Raises
    ------
    FeedError
        ``malformed`` for a body that is not JSON or a location without numeric
        ``lat``/``lon``; ``bad_time`` for an unreadable ``tst``.
    """
    if not body.strip():
        return None
    try:
        root = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise FeedError("malformed", "Badan JSON tidak dapat dibaca.", device) from exc
    if not isinstance(root, dict) or root.get("_type") != "location":
        return None
    lat, lon = _optional(root.get("lat")), _optional(root.get("lon"))
    if lat is None or lon is None:
        raise FeedError("malformed", "Lokasi OwnTracks tanpa lat/lon angka.", device)
    moment = None
    if root.get("tst") is not None:
        tst = _optional(root.get("tst"))
        try:
            moment = datetime.fromtimestamp(tst, UTC) if tst is not None else None
        except (OverflowError, OSError, ValueError):
            moment = None
        if moment is None:
            raise FeedError("bad_time", "Nilai tst tidak dapat dibaca.", device)
    vel = _optional(root.get("vel"))
    tid = root.get("tid")
    return Report(
        device_id=device,
        protocol="owntracks",
        lat=lat,
        lon=lon,
        time=moment,
        speed=vel / 3.6 if vel is not None else None,
        heading=_optional(root.get("cog")),
        battery=_optional(root.get("batt")),
        accuracy=_optional(root.get("acc")),
        altitude=_optional(root.get("alt")),
        secret=secret if secret is not None else "",
        callsign=str(tid)[:16] if isinstance(tid, str) else "",
    )
