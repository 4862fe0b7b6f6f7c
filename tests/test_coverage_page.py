"""The commander's coverage page (Peta Cakupan) through Streamlit's AppTest, on the real data."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from _signin import open_page
from _tps_sample import tps_csv
from streamlit.testing.v1 import AppTest

from geo.area import Area
from i18n import t
from plan import operation as op
from plan.store import Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def page() -> AppTest:
    at = open_page("views/coverage/page.py", default_timeout=60)
    assert not at.exception, at.exception
    return at


def _store() -> Store:
    return Store(os.environ["PETA_DB"])


def _map_args(at: AppTest) -> dict:
    def walk(node, out):
        for child in getattr(node, "children", {}).values() if hasattr(node, "children") else []:
            proto = getattr(child, "proto", None)
            if proto is not None and getattr(proto, "json_args", ""):
                out.append(proto.json_args)
            walk(child, out)
        return out

    found = [json.loads(a) for a in walk(at.main, []) if '"script"' in a]
    assert found, "no map on the page"
    return found[0]


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_page_shows_coverage_figures_and_map(page: AppTest) -> None:
    assert page.header[0].value == t("cov.title")
    assert not page.error
    metrics = _metrics(page)
    shares = [float(metrics[t("cov.metric.road", m=m)].rstrip("%")) for m in (5, 10, 15)]
    assert 0 < shares[0] < shares[1] < shares[2] <= 100
    assert metrics[t("cov.metric.venues", m=10)] == "6/6"
    assert metrics[t("cov.metric.tps", m=10)] == "0/0"
    args = _map_args(page)
    links = args["js_links"] + args["css_links"]
    assert links and all(link.startswith("/app/static/vendor/") for link in links)
    layers = args["feature_group"]
    assert "Polres Metro" in layers and "Polsek Metro Utara" in layers  # posts
    assert "Peta.restyle" in layers  # the time bands, as codes on the served roads
    codes = re.search(r'Peta\.restyle\("roads", "([0-9a-z-]+)"', layers).group(1)
    assert len(codes) == 2086 and set(codes) <= set("0123")  # one code per road, 3 cutoffs
    assert len(set(codes)) >= 3
    page.checkbox(key="cov_iso").check().run()
    assert _map_args(page)["feature_group"].count("L.geoJson") >= 2  # isochrones on request
    assert t("cov.legend.title") in args["script"]  # the legend is drawn
    # the figures per kecamatan
    kec = page.dataframe[0].value
    assert len(kec) == 5 and set(kec.columns[1:]) == {t("cov.col.share", m=m) for m in (5, 10, 15)}


def test_cutoffs_change_the_figures(page: AppTest) -> None:
    page.multiselect(key="cov_cutoffs").set_value([3, 20]).run()
    metrics = _metrics(page)
    assert t("cov.metric.road", m=3) in metrics and t("cov.metric.road", m=20) in metrics
    assert t("cov.metric.road", m=5) not in metrics


def test_malformed_tps_file_answered_row_by_row(page: AppTest, area: Area) -> None:
    text = tps_csv(area) + "001,TPS ganda,Metro,rawan,10,-5.113,105.3068\n,x,,rawan,1,abc,\n"
    page.file_uploader(key="cov_tps_upload").set_value(("tps.csv", text.encode(), "text/csv"))
    page.run()
    assert not page.exception
    rejected = next(d.value for d in page.dataframe if t("cov.col.reason") in list(d.value.columns))
    assert list(rejected[t("cov.col.row")]) == [23, 24]
    assert "ganda" in rejected[t("cov.col.reason")].iloc[0]
    _button(page, t("cov.tps.save", n=22)).click().run()
    assert not page.exception
    metrics = _metrics(page)
    assert metrics[t("cov.metric.tps", m=15)].endswith("/22")
    data = op.load_operation(_store(), op.get_operation(_store(), op.DEFAULT_OPERATION).id)
    assert len(data.tps) == 22


def test_incident_nearest_units_from_a_typed_point(page: AppTest) -> None:
    page.radio(key="cov_mode").set_value("incident").run()
    page.text_input(key="cov_point").set_value("-5.1130, 105.3068")
    next(b for b in page.button if b.label == t("cov.point.apply")).click().run()
    assert not page.exception and not page.error
    assert page.success and "Polres Metro" in page.success[0].value
    table = next(d.value for d in page.dataframe if t("cov.col.eta") in list(d.value.columns))
    etas = list(table[t("cov.col.eta")])
    assert len(etas) == 3 and etas == sorted(etas) and etas[0] < 5
    drawn = _map_args(page)["feature_group"]  # the responders' roads and the incident
    assert drawn.count('"LineString"') == 3 and '"Point"' in drawn


def test_point_far_from_roads_is_a_message_not_a_traceback(page: AppTest) -> None:
    page.radio(key="cov_mode").set_value("add_post").run()
    page.text_input(key="cov_point").set_value("-5.3000, 105.3000")
    next(b for b in page.button if b.label == t("cov.point.apply")).click().run()
    assert not page.exception
    assert page.error and "dari jalan terdekat" in page.error[0].value
    page.text_input(key="cov_point").set_value("bukan titik")
    next(b for b in page.button if b.label == t("cov.point.apply")).click().run()
    assert not page.exception
    errors = [e.value for e in page.error]
    # the first message stays until dismissed (a timed refresh does not hide it)
    assert any("tidak dikenali" in e for e in errors), errors
    assert any("dari jalan terdekat" in e for e in errors), errors
    assert len(op.load_operation(_store(), 1).posts) == 6  # nothing saved
    page.run()
    assert len(page.error) == 2
    dismiss = [b for b in page.button if b.key and b.key.startswith("msg_coverage_")]
    dismiss[0].click().run()
    assert [e.value for e in page.error] == errors[1:]


def test_map_script_stays_and_bands_travel_as_codes(page: AppTest) -> None:
    first = _map_args(page)
    assert len(first["script"]) < 50_000
    # the road bands recolour the served roads: one code per road, not the geometry
    assert "Peta.restyle" in first["feature_group"]
    assert len(first["feature_group"]) < 50_000, len(first["feature_group"])
    page.radio(key="cov_mode").set_value("add_post").run()
    page.text_input(key="cov_new_post_name").set_value("Pos Pam Tugu Pena")
    page.text_input(key="cov_point").set_value("-5.1130, 105.3068")
    next(b for b in page.button if b.label == t("cov.point.apply")).click().run()
    assert not page.exception
    after = _map_args(page)
    assert after["script"] == first["script"]  # the mounted map is kept
    assert after["feature_group"] != first["feature_group"]


def test_add_edit_and_delete_a_post(page: AppTest) -> None:
    page.radio(key="cov_mode").set_value("add_post").run()
    page.text_input(key="cov_new_post_name").set_value("Pos Pam Tugu Pena")
    page.text_input(key="cov_point").set_value("-5.1130, 105.3068")
    next(b for b in page.button if b.label == t("cov.point.apply")).click().run()
    assert not page.exception
    store = _store()
    posts = op.load_operation(store, 1).posts
    assert len(posts) == 7
    new = posts[-1]
    assert new.kind == "pos_pengamanan" and (new.lat, new.lon) == (-5.113, 105.3068)
    # edit it in the form
    page.selectbox(key="cov_edit_pick").set_value(new.id).run()
    form = f"cov_post_form_{new.id}"
    personnel = next(
        n for n in page.number_input if n.label == t("cov.col.personnel") and n.form_id == form
    )
    personnel.set_value(12)
    next(b for b in page.button if b.label == t("cov.save") and b.form_id == form).click().run()
    assert not page.exception
    assert op.load_operation(store, 1).posts[-1].personnel == 12
    # delete: asks first, then deletes
    _button(page, t("cov.posts.delete")).click().run()
    assert page.warning and new.name in page.warning[-1].value
    assert len(op.load_operation(store, 1).posts) == 7
    _button(page, t("cov.yes_delete")).click().run()
    assert len(op.load_operation(store, 1).posts) == 6


def test_ingested_positions_show_as_units(page: AppTest, area: Area) -> None:
    store = _store()
    now = datetime.now(UTC).replace(microsecond=0)
    frame = pd.DataFrame(
        {
            "unit_id": ["R2-01", "R2-02"],
            "time": [now - timedelta(minutes=1), now - timedelta(minutes=45)],
            "lon": [105.3068, 105.3300],
            "lat": [-5.1130, -5.1000],
            "status": ["available", "available"],
        }
    )
    op.record_positions(store, 1, frame, source="berkas")
    page.run()
    assert not page.exception
    layers = _map_args(page)["feature_group"]
    assert "R2-01" in layers and "R2-02" in layers
    assert any(t("cov.units_summary", n=2, stale=1) == c.value for c in page.caption)


def test_simulation_is_labelled_and_stored_as_simulation(page: AppTest) -> None:
    page.toggle(key="cov_sim").set_value(True).run()
    assert not page.exception
    assert any("SIMULASI" in w.value for w in page.warning)
    assert "SIMULASI" in _map_args(page)["script"]
    store = _store()
    simulated = op.latest_positions(store, 1, simulated=True)
    assert len(simulated) == 6 and {p.source for p in simulated} == {"simulasi"}
    assert op.latest_positions(store, 1) == []  # nothing shows as real
    page.toggle(key="cov_sim").set_value(False).run()
    assert op.latest_positions(store, 1, simulated=True) == []
    assert op.load_operation(store, 1).units == ()


def test_placement_before_and_after(page: AppTest, area: Area) -> None:
    page.file_uploader(key="cov_tps_upload").set_value(
        ("tps.csv", tps_csv(area).encode(), "text/csv")
    )
    page.run()
    _button(page, t("cov.tps.save", n=22)).click().run()
    page.selectbox(key="cov_place_cut").set_value(3).run()
    _button(page, t("cov.place.run")).click().run()
    assert not page.exception
    table = next(d.value for d in page.dataframe if t("cov.place.before") in list(d.value.columns))
    before = table[t("cov.place.before")].iloc[1]
    after = table[t("cov.place.after")].iloc[1]
    assert int(after.split("/")[0]) > int(before.split("/")[0])
    assert "Usulan pos 1" in _map_args(page)["feature_group"]


def test_english(page: AppTest) -> None:
    page.sidebar.radio[0].set_value("en").run()
    assert page.header[0].value == "Coverage map"
    assert t("cov.metric.road", lang="en", m=5) in _metrics(page)


def test_names_are_text_not_html(page: AppTest) -> None:
    store = _store()
    op.add_post(
        store, 1, name='<img src=x onerror="alert(1)">', kind="pos_pengamanan",
        lon=105.3068, lat=-5.1130,
    )  # fmt: skip
    op.record_positions(
        store,
        1,
        pd.DataFrame(
            {
                "unit_id": ["<b>R2</b>"],
                "time": [datetime.now(UTC)],
                "lon": [105.31],
                "lat": [-5.12],
                "status": ["available"],
            }
        ),
    )
    page.run()
    assert not page.exception
    layers = _map_args(page)["feature_group"]
    assert "<img src=x" not in layers and "<b>R2</b>" not in layers
    # the post's name is JSON data that peta-layers.js shows as text (textContent); the unit's
    # label is escaped for folium's tooltip (& written \u0026 inside the script)
    assert "\\u003cimg src=x" in layers and "Peta.inline" in layers
    assert "&lt;b&gt;R2&lt;/b&gt;" in layers.replace("\\u0026", "&")
