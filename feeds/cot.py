"""Cursor-on-Target events (ATAK, WinTAK, iTAK) parsed with a hardened XML parser.

Read: ``event@uid`` (the device), ``@type`` (only friendly ground atoms ``a-f-G…`` are unit
positions), ``@time`` (else ``@start``), ``@stale``, ``point@lat/@lon/@ce/@hae``,
``detail/contact@callsign``, ``detail/track@course/@speed`` (m/s), ``detail/status@battery``.
defusedxml refuses any DTD, so no entity is ever expanded and nothing external is fetched; a
document is at most ``MAX_EVENT_BYTES``.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from feeds import FeedError
from plan.live import Report

#: Largest event accepted (a position report is well under 2 kB).
MAX_EVENT_BYTES = 16_384

#: CoT's "unknown" value for ``ce``, ``le`` and ``hae``.
UNKNOWN = 9_999_999.0


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise FeedError("bad_time", f"Waktu CoT tidak dapat dibaca: {value[:40]!r}.") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _float(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)
    except ValueError:
        return None
    return v if math.isfinite(v) and abs(v) < UNKNOWN else None


def parse_event(data: bytes | str) -> Report | None:
    """A report from one CoT event, or None when the event is not a friendly ground unit.

    Raises
    ------
    FeedError
        ``malformed`` for XML that is too large, not well-formed, carries a DTD or entities
        (refused before anything is expanded), or an event without ``uid`` or ``point``;
        ``bad_coordinates`` / ``bad_time`` for unreadable values.
    """
    if len(data) > MAX_EVENT_BYTES:
        raise FeedError("malformed", "Pesan CoT terlalu besar.")
    try:
        root: Element = fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except (DefusedXmlException, ParseError, ValueError) as exc:
        raise FeedError("malformed", f"XML CoT ditolak: {type(exc).__name__}.") from exc
    if root.tag != "event":
        raise FeedError("malformed", f"Elemen akar bukan <event>: <{root.tag[:20]}>.")
    uid = (root.get("uid") or "").strip()
    kind = root.get("type") or ""
    if not kind.startswith("a-"):
        return None  # pings (t-x-c-t), chat (b-t-f), drawings: not positions
    if not uid:
        raise FeedError("missing_id", "Event CoT tanpa uid.")
    if not kind.startswith("a-f-G"):
        raise FeedError("type", f"Jenis CoT bukan unit darat kawan: {kind[:30]!r}.", uid)
    point = root.find("point")
    if point is None:
        raise FeedError("malformed", "Event CoT tanpa <point>.", uid)
    lat, lon = _float(point.get("lat")), _float(point.get("lon"))
    if lat is None or lon is None:
        raise FeedError("bad_coordinates", "Koordinat CoT tidak dapat dibaca.", uid)
    try:
        moment = _time(root.get("time")) or _time(root.get("start"))
        _time(root.get("stale"))
    except FeedError as exc:
        exc.device_id = uid
        raise
    detail = root.find("detail")
    contact = detail.find("contact") if detail is not None else None
    track = detail.find("track") if detail is not None else None
    status = detail.find("status") if detail is not None else None
    return Report(
        device_id=uid,
        protocol="cot",
        lat=lat,
        lon=lon,
        time=moment,
        speed=_float(track.get("speed")) if track is not None else None,
        heading=_float(track.get("course")) if track is not None else None,
        battery=_float(status.get("battery")) if status is not None else None,
        accuracy=_float(point.get("ce")),
        altitude=_float(point.get("hae")),
        callsign=(contact.get("callsign") or "")[:40] if contact is not None else "",
    )


class StreamSplitter:
    """Cut a TCP byte stream into CoT events (``…</event>``), bounded in size.

    TAK clients stream events back to back, each optionally preceded by an XML declaration.
    """

    END = b"</event>"

    def __init__(self, limit: int = MAX_EVENT_BYTES) -> None:
        self.buffer = bytearray()
        self.limit = limit

    def feed(self, data: bytes) -> list[bytes]:
        """Add received bytes; return the complete events.

        Raises
        ------
        FeedError
            If more than ``limit`` bytes arrive without the end of an event.
        """
        self.buffer.extend(data)
        events = []
        while True:
            end = self.buffer.find(self.END)
            if end < 0:
                break
            cut = end + len(self.END)
            chunk = bytes(self.buffer[:cut]).strip()
            del self.buffer[:cut]
            if chunk:
                events.append(chunk)
        if len(self.buffer) > self.limit:
            self.buffer.clear()
            raise FeedError("malformed", "Aliran CoT tanpa akhir </event>.")
        return events
