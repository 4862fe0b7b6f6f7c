"""The coverage page's live-feed panels through AppTest: register, adopt, refused, replay, SIMULASI."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from _signin import open_page
from streamlit.testing.v1 import AppTest

from feeds.ingest import area_rules
from plan import devices as dv
from plan import live
from plan import operation as op
from plan.store import Store

ROOT = Path(__file__).resolve().parents[1]
PAGE = "views/coverage/page.py"


@pytest.fixture
def coverage() -> Iterator[AppTest]:
    at = open_page(PAGE, default_timeout=240)
    assert not at.exception, at.exception
    yield at
    # caches keyed by (operation id, revision) live as long as the process: another test's
    # fresh store has the same ids, so leave none behind
    from views.coverage import cached
    from views.live import replay

    for fn in (cached.targets, cached.post_sources, cached.analysis, cached.isochrones,
               cached.backup, replay._targets, replay._analysis):  # fmt: skip
        fn.clear()


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_register_and_adopt_devices(coverage: AppTest) -> None:
    store = Store(os.environ["PETA_DB"])
    oid = op.get_operation(store, op.DEFAULT_OPERATION).id
    # a report from a phone nobody registered yet
    now = datetime.now(UTC) - timedelta(seconds=10)
    refused = live.ingest(
        store, [live.Report("863071016877777", "osmand", -5.1129, 105.3076, now)], area_rules()
    )
    assert refused[0].reason == "unknown_device"
    coverage.text_input(key="live_dev_new").input("R2-21")
    coverage.text_input(key="live_dev_id").input("82879256")
    coverage.text_input(key="live_dev_label").input("Brigpol Sari")
    coverage.selectbox(key="live_dev_unit").select("__new__")
    coverage.run()
    coverage.text_input(key="live_dev_new").input("R2-21")
    coverage.text_input(key="live_dev_id").input("82879256")
    next(b for b in coverage.button if b.label == "Daftarkan").click().run()
    assert not coverage.exception, coverage.exception
    assert [(d.device_id, d.unit_id) for d in dv.list_devices(store, oid)] == [
        ("82879256", "R2-21")
    ]
    # the unknown phone is listed and adopted with one click
    assert any("863071016877777" in m.value for m in coverage.markdown)
    _button(coverage, "Daftarkan ke unit").click().run()
    assert not coverage.exception, coverage.exception
    assert dv.get_device(store, "863071016877777").unit_id == "R2-21"
    assert dv.refusals(store, unknown_only=True) == []
    # refused reports stay listed per device with their reason
    reasons = [df.value for df in coverage.dataframe if "Alasan" in df.value.columns]
    assert reasons and "perangkat tak terdaftar" in set(reasons[0]["Alasan"])
    # times in WIB (UTC+7), not UTC ISO text
    shown = list(reasons[0].iloc[:, 3])
    stored = [datetime.fromisoformat(r.last_seen) for r in dv.refusals(store)]
    assert shown == [(w + timedelta(hours=7)).strftime("%d-%m-%Y %H:%M:%S WIB") for w in stored]


def test_replay_and_track(coverage: AppTest) -> None:
    store = Store(os.environ["PETA_DB"])
    oid = op.get_operation(store, op.DEFAULT_OPERATION).id
    dv.add_device(store, oid, unit_id="R2-31", device_id="TRK-1")
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=20)
    reports = [
        live.Report("TRK-1", "osmand", -5.1129 + i * 0.001, 105.3076, start + timedelta(minutes=i))
        for i in range(15)
    ]
    assert all(isinstance(o, live.Row) for o in live.ingest(store, reports, area_rules()))
    coverage.run()
    slider = coverage.select_slider(key="live_replay_moment")
    slider.set_value(5).run()
    assert not coverage.exception, coverage.exception
    assert any("1 unit pada" in c.value for c in coverage.caption)
    assert any("Cakupan jalan" in m.value for m in coverage.markdown)
    coverage.selectbox(key="live_track_unit").select("R2-31").run()
    coverage.number_input(key="live_track_min").set_value(60).run()
    assert any("15 posisi" in c.value for c in coverage.caption)


def test_simulation_reports_through_the_ingest(coverage: AppTest) -> None:
    store = Store(os.environ["PETA_DB"])
    oid = op.get_operation(store, op.DEFAULT_OPERATION).id
    coverage.toggle(key="cov_sim").set_value(True).run()
    coverage.run()
    assert not coverage.exception, coverage.exception
    rows = store.read(
        "SELECT device_id, source FROM positions WHERE operation_id = ? AND source = 'simulasi'",
        (oid,),
    )
    assert rows and all(r["device_id"].startswith("SIM/") for r in rows)
    assert {d.device_id for d in dv.list_devices(store, oid, simulated=True)} >= {
        r["device_id"] for r in rows
    }
