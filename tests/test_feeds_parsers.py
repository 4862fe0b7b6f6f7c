"""Parsers of the field clients' formats, on messages built from the protocols' documented fields."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from feeds import FeedError, cot, osmand, owntracks

# ------------------------------------------------------------------------------ OsmAnd / Traccar


def test_osmand_query_as_traccar_client_sends_it() -> None:
    # Traccar Client 7: GET /?id=…&timestamp=<epoch s>&lat=…&lon=…&speed=<knots>&bearing=…
    r = osmand.parse_params(
        {
            "id": "863071016800770",
            "timestamp": "1764633600",
            "lat": "-5.113000",
            "lon": "105.306800",
            "speed": "10.0",
            "bearing": "271.5",
            "altitude": "52.4",
            "accuracy": "12.0",
            "batt": "76.0",
        }
    )
    assert r.device_id == "863071016800770"
    assert (r.lat, r.lon) == (-5.113, 105.3068)
    assert r.time == datetime(2025, 12, 2, tzinfo=UTC)
    assert r.speed == pytest.approx(5.1444, abs=1e-3)  # 10 kn in m/s
    assert (r.heading, r.altitude, r.accuracy, r.battery) == (271.5, 52.4, 12.0, 76.0)


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("1764633600", datetime(2025, 12, 2, tzinfo=UTC)),  # seconds
        ("1764633600500", datetime(2025, 12, 2, 0, 0, 0, 500000, tzinfo=UTC)),  # milliseconds
        ("2025-12-02T07:00:00+07:00", datetime(2025, 12, 2, tzinfo=UTC)),  # ISO with offset
        ("2025-12-02T00:00:00.000Z", datetime(2025, 12, 2, tzinfo=UTC)),
        ("2025-12-02 00:00:00", datetime(2025, 12, 2, tzinfo=UTC)),  # yyyy-MM-dd HH:mm:ss
    ],
)
def test_osmand_timestamps(stamp: str, expected: datetime) -> None:
    assert osmand.parse_time(stamp) == expected


def test_osmand_deviceid_location_and_heading() -> None:
    r = osmand.parse_params({"deviceid": "abc", "location": "-5.1,105.3", "heading": "12"})
    assert (r.device_id, r.lat, r.lon, r.heading, r.time) == ("abc", -5.1, 105.3, 12.0, None)


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"lat": "-5.1", "lon": "105.3"}, "missing_id"),
        ({"id": "  ", "lat": "-5.1", "lon": "105.3"}, "missing_id"),
        ({"id": "x", "lat": "south", "lon": "105.3"}, "malformed"),
        ({"id": "x", "lat": "nan", "lon": "105.3"}, "bad_coordinates"),
        ({"id": "x", "lat": "inf", "lon": "105.3"}, "bad_coordinates"),
        ({"id": "x"}, "malformed"),
        ({"id": "x", "location": "-5.1"}, "malformed"),
        ({"id": "x", "lat": "-5.1", "lon": "105.3", "timestamp": "yesterday"}, "bad_time"),
        ({"id": "x", "lat": "-5.1", "lon": "105.3", "timestamp": "9" * 40}, "bad_time"),
    ],
)
def test_osmand_refusals(params: dict, reason: str) -> None:
    with pytest.raises(FeedError) as err:
        osmand.parse_params(params)
    assert err.value.reason == reason
    if reason != "missing_id":
        assert err.value.device_id == "x"


TRACCAR_9 = {
    "location": {
        "timestamp": "2025-12-02T00:00:00.000Z",
        "coords": {
            "latitude": -5.1130,
            "longitude": 105.3068,
            "accuracy": 4.32,
            "speed": 8.5,
            "heading": 158.44,
            "altitude": 103,
        },
        "is_moving": True,
        "odometer": 0,
        "battery": {"level": 0.88, "is_charging": False},
        "activity": {"type": "in_vehicle"},
    },
    "device_id": "82879256",
}


def test_traccar_client_9_json() -> None:
    r = osmand.parse_json(json.dumps(TRACCAR_9).encode())
    assert (r.device_id, r.protocol) == ("82879256", "traccar_json")
    assert r.time == datetime(2025, 12, 2, tzinfo=UTC)
    assert (r.lat, r.lon, r.speed, r.heading) == (-5.113, 105.3068, 8.5, 158.44)  # m/s as sent
    assert r.battery == pytest.approx(88.0)
    assert (r.accuracy, r.altitude) == (4.32, 103.0)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "malformed"),
        (b"[1, 2]", "malformed"),
        (json.dumps({**TRACCAR_9, "device_id": ""}).encode(), "missing_id"),
        (json.dumps({"location": TRACCAR_9["location"]}).encode(), "missing_id"),
        (json.dumps({"device_id": "1", "location": {"coords": {}}}).encode(), "malformed"),
        (b"[" * 100_000 + b"]" * 100_000, "malformed"),  # nesting bomb: no RecursionError
        ('{"device_id": "\u00e9", "location": 1}'.encode("latin-1"), "malformed"),
    ],
)
def test_traccar_json_refusals(body: bytes, reason: str) -> None:
    with pytest.raises(FeedError) as err:
        osmand.parse_json(body)
    assert err.value.reason == reason


# ------------------------------------------------------------------------------ OwnTracks


def test_owntracks_location() -> None:
    body = json.dumps(
        {
            "_type": "location",
            "lat": -5.1130,
            "lon": 105.3068,
            "tst": 1764633600,
            "tid": "B1",
            "acc": 5,
            "alt": 52,
            "vel": 36,
            "cog": 271,
            "batt": 41,
            "t": "u",
        }
    ).encode()
    r = owntracks.parse(body, device="budi/hp", secret="pw")
    assert r is not None
    assert (r.device_id, r.protocol, r.secret, r.callsign) == ("budi/hp", "owntracks", "pw", "B1")
    assert r.time == datetime(2025, 12, 2, tzinfo=UTC)
    assert r.speed == pytest.approx(10.0)  # 36 km/h
    assert (r.heading, r.battery, r.accuracy, r.altitude) == (271.0, 41.0, 5.0, 52.0)


@pytest.mark.parametrize(
    "body",
    [b"", b"  \n", b'{"_type": "lwt", "tst": 1}', b'{"_type": "transition", "event": "enter"}',
     b'{"_type": "card", "name": "x"}', b'[]'],
)  # fmt: skip
def test_owntracks_ignored(body: bytes) -> None:
    assert owntracks.parse(body, device="u/d", secret="pw") is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{oops", "malformed"),
        (b'{"_type": "location", "lat": "x", "lon": 105.3}', "malformed"),
        (b'{"_type": "location", "lat": true, "lon": 105.3}', "malformed"),
        (b'{"_type": "location", "lat": -5.1, "lon": 105.3, "tst": 1e30}', "bad_time"),
    ],
)
def test_owntracks_refusals(body: bytes, reason: str) -> None:
    with pytest.raises(FeedError) as err:
        owntracks.parse(body, device="u/d", secret="pw")
    assert err.value.reason == reason


def test_basic_auth_and_device_id() -> None:
    assert owntracks.basic_auth("Basic YnVkaTpyYWhhc2lhOjE=") == ("budi", "rahasia:1")
    assert owntracks.basic_auth("Bearer abc") is None
    assert owntracks.basic_auth("Basic !!!") is None
    assert owntracks.basic_auth("Basic " + "YnVkaQ==") is None  # no colon
    assert owntracks.device_id("budi", "hp") == "budi/hp"
    assert owntracks.device_id("budi", "") == "budi"


# ------------------------------------------------------------------------------ Cursor-on-Target


def pli(uid: str = "ANDROID-0123456789abcdef", kind: str = "a-f-G-U-C", **point: str) -> bytes:
    p = {"lat": "-5.1130", "lon": "105.3068", "hae": "52.1", "ce": "9.9", "le": "9999999.0"}
    p.update(point)
    attrs = " ".join(f'{k}="{v}"' for k, v in p.items())
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<event version="2.0" uid="{uid}" type="{kind}" how="m-g" '
        'time="2025-12-02T00:00:00.000Z" start="2025-12-02T00:00:00.000Z" '
        'stale="2025-12-02T00:06:00.000Z">'
        f"<point {attrs}/>"
        '<detail><takv os="33" version="4.10.0" device="SAMSUNG" platform="ATAK-CIV"/>'
        '<contact callsign="ALFA-1" endpoint="*:-1:stcp"/><__group name="Cyan" role="Team Member"/>'
        '<status battery="64"/><track course="90.5" speed="4.2"/></detail></event>'
    ).encode()


def test_cot_position_report() -> None:
    r = cot.parse_event(pli())
    assert r is not None
    assert (r.device_id, r.protocol, r.callsign) == ("ANDROID-0123456789abcdef", "cot", "ALFA-1")
    assert r.time == datetime(2025, 12, 2, tzinfo=UTC)
    assert (r.lat, r.lon, r.accuracy, r.altitude) == (-5.113, 105.3068, 9.9, 52.1)
    assert (r.heading, r.speed, r.battery) == (90.5, 4.2, 64.0)


def test_cot_unknown_values_are_none() -> None:
    r = cot.parse_event(pli(ce="9999999.0", hae="9999999.0"))
    assert r is not None and r.accuracy is None and r.altitude is None


def test_cot_ping_and_chat_ignored() -> None:
    ping = b'<event version="2.0" uid="x-ping" type="t-x-c-t" time="2025-12-02T00:00:00Z"/>'
    assert cot.parse_event(ping) is None


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><event uid="a" type="a-f-G"><point lat="-5.1" lon="105.3"/>'
    b'<detail><contact callsign="&lol9;"/></detail></event>'
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<event uid="a" type="a-f-G"><point lat="-5.1" lon="105.3"/>'
    b'<detail><contact callsign="&x;"/></detail></event>'
)
PARAMETER_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>'
    b'<event uid="a" type="a-f-G"><point lat="-5.1" lon="105.3"/></event>'
)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (BILLION_LAUGHS, "malformed"),
        (XXE, "malformed"),
        (PARAMETER_ENTITY, "malformed"),
        (b"<event uid='a' type='a-f-G'><point lat='-5.1'", "malformed"),
        (b"<html><body>hi</body></html>", "malformed"),
        (b"\x00\xff\xfe garbage", "malformed"),
        (b"<event uid='a' type='a-f-G'>" + b"<x/>" * 5000 + b"</event>", "malformed"),  # too big
        (b"<event type='a-f-G'><point lat='-5.1' lon='105.3'/></event>", "missing_id"),
        (b"<event uid='a' type='a-f-G'/>", "malformed"),
        (pli(kind="a-h-G"), "type"),
        (pli(lat="north"), "bad_coordinates"),
        (pli().replace(b'time="2025-12-02T00:00:00.000Z"', b'time="noon"'), "bad_time"),
    ],
)
def test_cot_refusals(data: bytes, reason: str) -> None:
    with pytest.raises(FeedError) as err:
        cot.parse_event(data)
    assert err.value.reason == reason


def test_cot_stream_splitter() -> None:
    one, two = pli(uid="A"), pli(uid="B")
    stream = one + b"\n" + two
    splitter = cot.StreamSplitter()
    first = splitter.feed(stream[:50])
    rest = splitter.feed(stream[50:])
    assert first == []
    assert [cot.parse_event(e).device_id for e in rest] == ["A", "B"]
    with pytest.raises(FeedError):
        splitter.feed(b"<event>" + b"x" * (cot.MAX_EVENT_BYTES + 1))
    assert splitter.buffer == bytearray()
