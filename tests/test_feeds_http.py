"""The feed endpoints over real sockets, with requests built as the field clients send them.

A uvicorn server runs ``feeds.http``'s routes and lifespan (the same ones ``server.py`` gives
``st.App``) on a free loopback port, with the CoT listener enabled on another; tests talk to
it with ``http.client`` and plain UDP/TCP sockets.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import uvicorn
from starlette.applications import Starlette

from feeds import http as feeds_http
from feeds import ingest as feeds_ingest
from plan import devices as dv
from plan import operation as op
from plan.store import Store

LAT, LON = -5.1129, 105.3076  # Polres Metro


def _free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    db = tmp_path_factory.mktemp("feeds-http") / "operasi.sqlite"
    cot_port = _free_port()
    saved = {
        k: os.environ.get(k) for k in ("PETA_DB", "PETA_COT", "PETA_COT_PORT", "PETA_COT_HOST")
    }
    os.environ.update(
        PETA_DB=str(db), PETA_COT="1", PETA_COT_PORT=str(cot_port), PETA_COT_HOST="127.0.0.1"
    )
    store = Store(db)
    oid = op.create_operation(store, "Uji umpan").id
    dv.add_device(store, oid, unit_id="R2-01", device_id="863071016800770")
    dv.add_device(store, oid, unit_id="R2-02", device_id="82879256")
    dv.add_device(store, oid, unit_id="R2-03", device_id="budi/hp", secret="s3cret:pw")
    dv.add_device(store, oid, unit_id="R4-01", device_id="ANDROID-0123456789abcdef")
    port = _free_port()
    app = Starlette(routes=feeds_http.routes, lifespan=feeds_http.lifespan)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "feed server did not start"
    try:
        yield {"port": port, "cot_port": cot_port, "store": store, "op": oid, "db": db}
    finally:
        srv.should_exit = True
        thread.join(10)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        feeds_ingest.close_all()


def request(server: dict, method: str, path: str, body: bytes | None = None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read(), dict(resp.getheaders())
    finally:
        conn.close()


def positions(server: dict, device: str) -> list:
    return server["store"].read(
        "SELECT time, lat, lon, speed, heading, battery, source FROM positions "
        "WHERE device_id = ? ORDER BY time",
        (device,),
    )


def refusals(server: dict, device: str) -> dict[str, int]:
    return {r.reason: r.count for r in dv.refusals(server["store"]) if r.device_id == device}


def counted(server: dict, device: str, reason: str, n: int, timeout: float = 5.0) -> int:
    """Refusals of a device for a reason, once they reach ``n`` (they are written in batches)."""
    deadline = time.monotonic() + timeout
    while refusals(server, device).get(reason, 0) < n and time.monotonic() < deadline:
        time.sleep(0.05)
    return refusals(server, device).get(reason, 0)


def epoch(minutes: float = 0) -> int:
    return int((datetime.now(UTC) + timedelta(minutes=minutes)).timestamp())


# ------------------------------------------------------------------------------ OsmAnd / Traccar


def test_osmand_get_query(server: dict) -> None:
    stamp = epoch(-1)
    query = urlencode(
        {"id": "863071016800770", "timestamp": stamp, "lat": LAT, "lon": LON, "speed": "20.0",
         "bearing": "45.0", "altitude": "50.0", "accuracy": "8.0", "batt": "64.0"}
    )  # fmt: skip
    status, body, _ = request(server, "GET", f"/api/osmand?{query}")
    assert (status, body) == (200, b"")
    rows = positions(server, "863071016800770")
    assert len(rows) == 1
    assert rows[0]["speed"] == pytest.approx(20 * 0.514444, rel=1e-4)
    assert (rows[0]["heading"], rows[0]["battery"], rows[0]["source"]) == (45.0, 64.0, "osmand")
    # the same report again (a retry): 200, stored once
    assert request(server, "GET", f"/api/osmand?{query}")[0] == 200
    assert len(positions(server, "863071016800770")) == 1
    assert counted(server, "863071016800770", "duplicate", 1) == 1


def test_osmand_form_post_and_other_time_forms(server: dict) -> None:
    form = {"form": "application/x-www-form-urlencoded; charset=UTF-8"}
    moment = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=2)
    bodies = [
        {"deviceid": "863071016800770", "location": f"{LAT},{LON}",
         "timestamp": str(int(moment.timestamp() * 1000))},
        {"id": "863071016800770", "lat": LAT, "lon": LON,
         "timestamp": (moment - timedelta(seconds=5)).strftime("%Y-%m-%d %H:%M:%S")},
        {"id": "863071016800770", "lat": LAT, "lon": LON,
         "timestamp": (moment - timedelta(seconds=10)).isoformat()},
    ]  # fmt: skip
    for b in bodies:
        status, _, _ = request(
            server, "POST", "/api/osmand", urlencode(b).encode(), {"Content-Type": form["form"]}
        )
        assert status == 200
    times = {r["time"] for r in positions(server, "863071016800770")}
    for delta in (0, 5, 10):
        assert (moment - timedelta(seconds=delta)).isoformat() in times


def test_traccar_client_9_json(server: dict) -> None:
    body = {
        "location": {
            "timestamp": (datetime.now(UTC) - timedelta(seconds=30)).isoformat(),
            "coords": {"latitude": LAT, "longitude": LON, "accuracy": 4.3, "speed": 7.5,
                       "heading": 158.4, "altitude": 103},
            "is_moving": True, "odometer": 0,
            "battery": {"level": 0.88, "is_charging": False},
            "activity": {"type": "in_vehicle"},
        },
        "device_id": "82879256",
    }  # fmt: skip
    status, out, _ = request(
        server, "POST", "/api/osmand", json.dumps(body).encode(),
        {"Content-Type": "application/json"},
    )  # fmt: skip
    assert (status, out) == (200, b"")
    row = positions(server, "82879256")[-1]
    assert (row["speed"], row["heading"], row["source"]) == (7.5, 158.4, "traccar_json")
    assert row["battery"] == pytest.approx(88.0)
    body["device_id"] = "not-registered"
    status, _, _ = request(
        server, "POST", "/api/osmand", json.dumps(body).encode(),
        {"Content-Type": "application/json"},
    )  # fmt: skip
    assert status == 404
    assert counted(server, "not-registered", "unknown_device", 1) == 1


@pytest.mark.parametrize(
    ("query", "device", "reason"),
    [
        ({"lat": LAT, "lon": LON}, "?", "missing_id"),
        ({"id": "stranger-1", "lat": LAT, "lon": LON}, "stranger-1", "unknown_device"),
        ({"id": "863071016800770", "lat": "91", "lon": LON}, "863071016800770", "bad_coordinates"),
        ({"id": "863071016800770", "lat": "-6.2", "lon": "106.8"}, "863071016800770", "out_of_area"),
        ({"id": "863071016800770", "lat": LAT, "lon": LON, "timestamp": "FUTURE"},
         "863071016800770", "future_time"),
        ({"id": "863071016800770", "lat": "x", "lon": LON}, "863071016800770", "malformed"),
    ],
)  # fmt: skip
def test_osmand_refused_with_400_and_counted(server: dict, query, device, reason) -> None:
    if query.get("timestamp") == "FUTURE":
        query = {**query, "timestamp": epoch(60)}
    before = refusals(server, device).get(reason, 0)
    stored = len(positions(server, device))
    status, _, _ = request(server, "GET", f"/api/osmand?{urlencode(query)}")
    assert status == 400
    assert counted(server, device, reason, before + 1) == before + 1
    assert len(positions(server, device)) == stored


def test_osmand_hostile_bodies(server: dict) -> None:
    big = b"id=1&" + b"x" * 70_000
    assert request(server, "POST", "/api/osmand", big)[0] == 413
    status, _, _ = request(server, "POST", "/api/osmand", b"[" * 50_000,
                           {"Content-Type": "application/json"})  # fmt: skip
    assert status == 400
    status, _, _ = request(server, "POST", "/api/osmand", b"\xff\xfe\x00id=\x00")
    assert status == 400
    assert request(server, "PUT", "/api/osmand", b"")[0] == 405


def test_old_report_is_history_and_does_not_move_the_unit(server: dict) -> None:
    store, oid = server["store"], server["op"]
    new = {"id": "863071016800770", "lat": "-5.1000", "lon": LON, "timestamp": epoch(0)}
    old = {"id": "863071016800770", "lat": "-5.1500", "lon": LON, "timestamp": epoch(-20)}
    assert request(server, "GET", f"/api/osmand?{urlencode(new)}")[0] == 200
    assert request(server, "GET", f"/api/osmand?{urlencode(old)}")[0] == 200
    latest = {p.unit_id: p for p in op.latest_positions(store, oid)}
    assert latest["R2-01"].lat == -5.1
    assert any(r["lat"] == -5.15 for r in positions(server, "863071016800770"))


# ------------------------------------------------------------------------------ OwnTracks


def owntracks_headers(user: str = "budi", password: str = "s3cret:pw", device: str = "hp"):
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {
        "Content-Type": "application/json",
        "Authorization": f"Basic {token}",
        "X-Limit-U": user,
        "X-Limit-D": device,
        "User-Agent": "Owntracks-Android/2.5.3",
    }


def location(minutes: float = 0, **extra) -> bytes:
    payload = {"_type": "location", "lat": LAT, "lon": LON, "tst": epoch(minutes), "tid": "BD",
               "acc": 5, "alt": 52, "vel": 36, "cog": 271, "batt": 41, "t": "u",
               "topic": "owntracks/budi/hp"}  # fmt: skip
    payload.update(extra)
    return json.dumps(payload).encode()


def test_owntracks_location_with_basic_auth(server: dict) -> None:
    status, body, headers = request(
        server, "POST", "/api/owntracks", location(-1), owntracks_headers()
    )
    assert (status, body) == (200, b"[]")
    assert headers["content-type"].startswith("application/json")
    row = positions(server, "budi/hp")[-1]
    assert (row["source"], row["heading"], row["battery"]) == ("owntracks", 271.0, 41.0)
    assert row["speed"] == pytest.approx(10.0)


@pytest.mark.parametrize(
    "body", [b"", b'{"_type": "lwt", "tst": 1}', b'{"_type": "transition", "event": "leave"}']
)
def test_owntracks_ignored_bodies(server: dict, body: bytes) -> None:
    before = len(positions(server, "budi/hp"))
    status, out, _ = request(server, "POST", "/api/owntracks", body, owntracks_headers())
    assert (status, out) == (200, b"[]")
    assert len(positions(server, "budi/hp")) == before


def test_owntracks_refusals(server: dict) -> None:
    before = len(positions(server, "budi/hp"))
    no_auth = {k: v for k, v in owntracks_headers().items() if k != "Authorization"}
    status, _, headers = request(server, "POST", "/api/owntracks", location(-2), no_auth)
    assert status == 401 and headers["www-authenticate"].startswith("Basic")
    status, _, _ = request(server, "POST", "/api/owntracks", location(-3),
                           owntracks_headers(password="wrong"))  # fmt: skip
    assert status == 401
    status, _, _ = request(server, "POST", "/api/owntracks", location(-4),
                           owntracks_headers(device="tablet"))  # fmt: skip
    assert status == 401  # budi/tablet is not registered
    status, _, _ = request(server, "POST", "/api/owntracks", b"{broken", owntracks_headers())
    assert status == 400
    status, _, _ = request(server, "POST", "/api/owntracks", location(-5, lat=-6.2, lon=106.8),
                           owntracks_headers())  # fmt: skip
    assert status == 400
    assert len(positions(server, "budi/hp")) == before
    assert counted(server, "budi/hp", "auth", 2) >= 2
    assert counted(server, "budi/hp", "out_of_area", 1) == 1
    assert counted(server, "budi/tablet", "unknown_device", 1) == 1


# ------------------------------------------------------------------------------ Cursor-on-Target


def cot_event(uid: str, seconds_ago: float = 0, lat: float = LAT, kind: str = "a-f-G-U-C"):
    t = (datetime.now(UTC) - timedelta(seconds=seconds_ago)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    stale = (datetime.now(UTC) + timedelta(minutes=6)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<event version="2.0" uid="{uid}" type="{kind}" how="m-g" time="{t}" start="{t}" '
        f'stale="{stale}"><point lat="{lat}" lon="{LON}" hae="52.0" ce="9.9" le="9999999.0"/>'
        '<detail><contact callsign="ALFA-1" endpoint="*:-1:stcp"/>'
        '<__group name="Cyan" role="Team Member"/><status battery="64"/>'
        '<track course="90.0" speed="3.5"/></detail></event>'
    ).encode()


def wait_rows(server: dict, device: str, n: int, timeout: float = 5.0) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = positions(server, device)
        if len(rows) >= n:
            return rows
        time.sleep(0.05)
    return positions(server, device)


def test_cot_over_udp(server: dict) -> None:
    uid = "ANDROID-0123456789abcdef"
    before = len(positions(server, uid))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(cot_event(uid, 40), ("127.0.0.1", server["cot_port"]))
    rows = wait_rows(server, uid, before + 1)
    assert len(rows) == before + 1
    assert (rows[-1]["source"], rows[-1]["battery"], rows[-1]["speed"]) == ("cot", 64.0, 3.5)


def test_cot_over_tcp_stream_split_anywhere(server: dict) -> None:
    uid = "ANDROID-0123456789abcdef"
    before = len(positions(server, uid))
    stream = cot_event(uid, 30, lat=-5.1010) + cot_event(uid, 20, lat=-5.1020)
    with socket.create_connection(("127.0.0.1", server["cot_port"]), timeout=5) as s:
        for i in range(0, len(stream), 97):  # TCP does not keep message boundaries
            s.sendall(stream[i : i + 97])
            time.sleep(0.002)
    rows = wait_rows(server, uid, before + 2)
    assert [r["lat"] for r in rows[-2:]] == [-5.101, -5.102]


def test_cot_hostile_and_foreign_events(server: dict) -> None:
    uid = "ANDROID-0123456789abcdef"
    before = len(positions(server, uid))
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;">]><event uid="' + uid.encode() + b'" type="a-f-G">'
        b'<point lat="-5.1" lon="105.3"/><detail><contact callsign="&c;"/></detail></event>'
    )
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<event uid="' + uid.encode() + b'" type="a-f-G"><point lat="-5.1" lon="105.3"/>'
        b'<detail><contact callsign="&x;"/></detail></event>'
    )
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for data in (bomb, xxe, cot_event(uid, kind="a-h-G-U-C"), cot_event("stranger-cot"),
                     b"\x00\x01 not xml at all"):  # fmt: skip
            s.sendto(data, ("127.0.0.1", server["cot_port"]))
    assert counted(server, "stranger-cot", "unknown_device", 1) == 1
    assert counted(server, uid, "type", 1) == 1
    assert counted(server, "?", "malformed", 3) >= 3
    # a TCP stream that never ends its event is cut off
    with socket.create_connection(("127.0.0.1", server["cot_port"]), timeout=5) as s:
        s.sendall(b"<event uid='x' type='a-f-G'>")
        with pytest.raises((ConnectionError, OSError)):
            for _ in range(200):
                s.sendall(b"<x/>" * 1000)
                time.sleep(0.001)
    assert len(positions(server, uid)) == before
