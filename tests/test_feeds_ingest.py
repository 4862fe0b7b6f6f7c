"""Devices, checks and batched writes of live reports (plan.devices, plan.live, feeds.ingest)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import geopandas as gpd
import pytest
import shapely

from feeds.ingest import Ingest, area_rules
from plan import devices as dv
from plan import live
from plan import operation as op
from plan.operation import PlanError
from plan.store import Store

NOW = datetime(2025, 12, 2, 3, 0, 0, tzinfo=UTC)
POLRES = (-5.1129, 105.3076)  # Polres Metro


@pytest.fixture(scope="module")
def rules() -> live.Rules:
    return area_rules()


@pytest.fixture
def store(store_path) -> Store:
    return Store(store_path)


@pytest.fixture
def op_id(store: Store) -> int:
    oid = op.create_operation(store, "Latihan Sispamkota").id
    dv.add_device(store, oid, unit_id="R2-01", device_id="863071016800770", label="Brigpol A")
    dv.add_device(store, oid, unit_id="R2-02", device_id="budi/hp", secret="rahasia-1")
    return oid


def report(device: str = "863071016800770", minutes: float = 0, **kw) -> live.Report:
    values = {"lat": POLRES[0], "lon": POLRES[1], "protocol": "osmand"}
    values.update(kw)
    return live.Report(device_id=device, time=NOW + timedelta(minutes=minutes), **values)


def test_device_registry(store: Store, op_id: int) -> None:
    devices = dv.list_devices(store, op_id)
    assert [(d.device_id, d.unit_id, d.has_secret) for d in devices] == [
        ("863071016800770", "R2-01", False),
        ("budi/hp", "R2-02", True),
    ]
    raw = store.read("SELECT secret_hash FROM devices WHERE device_id = 'budi/hp'")[0][0]
    assert raw.startswith("$argon2id$") and "rahasia-1" not in raw
    assert {u.unit_id for u in op.load_operation(store, op_id).units} == {"R2-01", "R2-02"}
    with pytest.raises(PlanError, match="sudah terdaftar"):
        dv.add_device(store, op_id, unit_id="R2-03", device_id="budi/hp")
    moved = dv.add_device(store, op_id, unit_id="R2-03", device_id="budi/hp", replace=True)
    assert (moved.unit_id, moved.has_secret) == ("R2-03", False)
    with pytest.raises(PlanError):
        dv.add_device(store, op_id, unit_id="R2-03", device_id="bad\x00id")
    dv.remove_device(store, "budi/hp")
    assert [d.device_id for d in dv.list_devices(store, op_id)] == ["863071016800770"]


def test_secret_checked_and_remembered(store: Store, op_id: int) -> None:
    registry = dv.load_registry(store)
    assert registry.check_secret("budi/hp", "rahasia-1")
    assert not registry.check_secret("budi/hp", "rahasia-2")
    assert not registry.check_secret("863071016800770", "anything")  # has no secret
    assert registry._verified  # the argon2 check is not repeated for the same password
    again = dv.load_registry(store, registry)
    assert again._verified == registry._verified


@pytest.mark.parametrize(
    ("rep", "reason"),
    [
        (report("nobody"), "unknown_device"),
        (report(""), "missing_id"),
        (report(lat=91.0), "bad_coordinates"),
        (report(lon=float("nan")), "bad_coordinates"),
        (report(lat=0.0, lon=0.0), "no_fix"),
        (report(lat=-6.2, lon=106.8), "out_of_area"),  # Jakarta
        (report(minutes=10), "future_time"),
        (report(minutes=-8 * 24 * 60), "too_old"),
        (report("budi/hp", protocol="owntracks", secret="salah"), "auth"),
        (report("budi/hp", protocol="owntracks"), "auth"),
        (report("863071016800770", protocol="owntracks", secret="x"), "no_secret"),
    ],
)
def test_check_refuses(store: Store, op_id: int, rules, rep: live.Report, reason: str) -> None:
    outcome = live.check(rep, dv.load_registry(store), rules, now=NOW)
    assert isinstance(outcome, live.Refused)
    assert outcome.reason == reason


def test_area_distance(rules: live.Rules) -> None:
    assert rules.distance_km(POLRES[1], POLRES[0]) == 0.0
    # the local projection agrees with UTM 48S to 1 % (Bandar Lampung, ~28 km south)
    city = gpd.GeoSeries([rules.area], crs=4326).to_crs(32748)
    far = gpd.GeoSeries([shapely.Point(105.26, -5.43)], crs=4326).to_crs(32748)
    utm_km = float(city.distance(far).iloc[0]) / 1000
    assert rules.distance_km(105.26, -5.43) == pytest.approx(utm_km, rel=0.01)
    assert utm_km > rules.max_km


def test_ingest_history_duplicates_and_latest(store: Store, op_id: int, rules) -> None:
    out = live.ingest(
        store,
        [
            report(minutes=-2, lat=-5.1100, speed=3.0, heading=370.0, battery=81.0),
            report(minutes=-2, lat=-5.1100),  # same device, same time: stored once
            report(minutes=0, lat=-5.1200),
            report(minutes=-30, lat=-5.1300),  # old: history, does not move the unit back
            report("nobody"),
        ],
        rules,
        now=NOW,
    )
    kinds = [o.reason if isinstance(o, live.Refused) else "stored" for o in out]
    assert kinds == ["stored", "duplicate", "stored", "stored", "unknown_device"]
    assert out[0].heading == 10.0  # 370° is 10°
    n = store.read("SELECT COUNT(*) FROM positions WHERE device_id = '863071016800770'")[0][0]
    assert n == 3
    latest = op.latest_positions(store, op_id, now=NOW)
    assert [(p.unit_id, p.lat) for p in latest] == [("R2-01", -5.12)]
    # the page's own reader agrees
    assert [(p.unit_id, p.lat) for p in op.latest_positions(store, op_id, now=NOW)] == [
        ("R2-01", -5.12)
    ]
    assert [x[2] for x in live.track(store, op_id, "R2-01", minutes=5, until=NOW)] == [
        -5.11,
        -5.12,
    ]
    at = live.positions_at(store, op_id, NOW - timedelta(minutes=1))
    assert [(u, lat) for u, _, _, lat, _ in at] == [("R2-01", -5.11)]
    counts = {(r.device_id, r.reason): r.count for r in dv.refusals(store)}
    assert counts == {("863071016800770", "duplicate"): 1, ("nobody", "unknown_device"): 1}
    assert [r.device_id for r in dv.refusals(store, unknown_only=True)] == ["nobody"]


def test_batch_is_all_or_nothing(store: Store, op_id: int) -> None:
    good = live.Row(op_id, "R2-01", "863071016800770", "2025-12-02T03:00:00+00:00", 105.3,
                    -5.11, "osmand", None, None, None, None, None, "2025-12-02T03:00:00+00:00")  # fmt: skip
    bad = live.Row(op_id, "R2-01", "863071016800770", "2025-12-02T03:00:01+00:00", None,
                   -5.11, "osmand", None, None, None, None, None, "2025-12-02T03:00:01+00:00")  # fmt: skip
    with pytest.raises(Exception, match=r"(?i)not[ -]null"):  # either engine's wording
        live.write(store, [good, bad])
    assert store.read("SELECT COUNT(*) FROM positions")[0][0] == 0


def test_ingest_thread_batches_and_falls_back(store: Store, op_id: int, rules) -> None:
    ingest = Ingest(store, rules, interval_s=0.2)
    now = datetime.now(UTC).replace(microsecond=0)
    futures = [
        ingest.submit(
            live.Report(
                "863071016800770", "osmand", POLRES[0], POLRES[1], now - timedelta(seconds=i)
            )
        )
        for i in range(300)
    ]
    results = [f.result(10) for f in futures]
    assert all(isinstance(r, live.Row) for r in results)
    assert ingest.counters.stored == 300
    assert ingest.counters.batches < 30  # batched, not a transaction per report
    again = ingest.submit(live.Report("863071016800770", "osmand", POLRES[0], POLRES[1], now))
    assert again.result(10).reason == "duplicate"
    # a device registered after the ingest started is found at once
    dv.add_device(store, op_id, unit_id="R2-09", device_id="late-phone")
    late = ingest.submit(live.Report("late-phone", "osmand", POLRES[0], POLRES[1], now))
    assert isinstance(late.result(10), live.Row)
    ingest.close()
    assert store.read("SELECT COUNT(*) FROM positions")[0][0] == 301
    # each batch's audit entry names the devices, not the system (each position row keeps its
    # device_id; positions are not copied into the audit, too many)
    written = store.read(
        "SELECT DISTINCT actor FROM audit_log WHERE action = ?", ("positions.live",)
    )
    assert [r[0] for r in written] == ["(perangkat)"], written


def test_simulated_devices_through_the_same_ingest(store: Store, op_id: int, rules) -> None:
    dv.add_device(store, op_id, unit_id="SIM-01", device_id="SIM/SIM-01", simulated=True)
    out = live.ingest(store, [report("SIM/SIM-01", protocol="simulasi")], rules, now=NOW)
    assert isinstance(out[0], live.Row) and out[0].source == "simulasi"
    assert [p.unit_id for p in op.latest_positions(store, op_id, now=NOW, simulated=True)] == ["SIM-01"]
    assert op.latest_positions(store, op_id, now=NOW, simulated=False) == []
    assert op.clear_simulation(store, op_id) == 1


def test_flood_of_unknown_ids_is_bounded(
    store: Store, op_id: int, rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dv, "MAX_UNKNOWN_IDS", 3)
    live.ingest(store, [report(f"x-{i}") for i in range(10)], rules, now=NOW)
    live.ingest(store, [report("x-0")], rules, now=NOW)
    counts = {r.device_id: r.count for r in dv.refusals(store)}
    assert counts == {"x-0": 2, "x-1": 1, "x-2": 1, "*": 7}
