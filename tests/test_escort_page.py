"""The escort (Pengawalan) and patrol pages through Streamlit's AppTest, on the real data."""

from __future__ import annotations

import json
import os
from pathlib import Path

import folium
import pytest
from _signin import app_test, open_page
from shapely.geometry import LineString, shape
from streamlit.testing.v1 import AppTest

from geo.area import Area
from geo.network import compile_network
from geo.routing import Closure, plan_route
from i18n import t
from layers.routes import closures_group
from plan import routes as saved
from plan.operation import ensure_default_operation
from plan.store import Store

ROOT = Path(__file__).resolve().parents[1]


def _page(path: str) -> AppTest:
    return open_page(path, default_timeout=120)


def _map_args(at: AppTest) -> list[dict]:
    found = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            proto = getattr(child, "proto", None)
            if proto is not None and "script" in getattr(proto, "json_args", ""):
                found.append(json.loads(proto.json_args))
            walk(child)

    walk(at.main)
    return found


def _table(at: AppTest, column: str):
    return next(df.value for df in at.dataframe if column in df.value.columns)


@pytest.fixture(scope="module")
def crossing(area: Area) -> dict:
    """A drawn line (map feature) across the middle of the default Polres -> KPU route."""
    net = compile_network(area.graph, "convoy")
    line = plan_route(area, net, ["Kantor Polisi Resor Metro", "KPU Kota Metro"]).main.geometry
    mid = line.interpolate(0.5, normalized=True)
    cut = LineString([(mid.x - 0.0006, mid.y), (mid.x + 0.0006, mid.y)])
    assert cut.intersects(line)
    return {"type": "Feature", "properties": {}, "geometry": cut.__geo_interface__}


def test_escort_page_shows_route_alternatives_sheet_and_havens():
    at = _page("views/escort/page.py")
    assert not at.exception
    assert not at.error
    assert at.header[0].value == t("escort.title")
    compare = _table(at, t("escort.col.route"))
    assert list(compare[t("escort.col.route")]) == [
        t("escort.main"),
        "Alternatif 1",
        "Alternatif 2",
    ]
    times = compare[t("escort.col.time")].tolist()
    assert times[0] == min(times) and max(times) <= 1.5 * times[0] + 0.1
    shared = [float(s.rstrip("%")) for s in compare[t("escort.col.shared")][1:]]
    assert all(s <= 60 for s in shared)
    segments = _table(at, t("escort.sc.then"))
    assert segments[t("escort.sc.then")].iloc[-1] == "tiba"
    assert segments[t("escort.sc.eta")].iloc[0] == "08:00"
    havens = _table(at, t("escort.sc.haven"))
    assert "Kantor Polisi Resor Metro" in set(havens[t("escort.sc.haven")])
    control = _table(at, t("escort.sc.manoeuvre"))
    assert len(control) >= 5
    maps = _map_args(at)
    assert maps
    m = maps[0]
    links = m.get("js_links", []) + m.get("css_links", [])
    assert links and all(link.startswith("/app/static/vendor/") for link in links)
    assert any("ant-path" in link for link in links)
    assert any("draw" in link for link in links)
    assert "L.polyline.antPath" in m["feature_group"]
    assert "RSUD Jenderal Ahmad Yani" in m["feature_group"]  # haven tooltips


def test_closure_drawn_on_the_map_is_avoided(crossing):
    at = open_page("views/escort/page.py", default_timeout=120)
    before = _table(at, t("escort.col.route"))[t("escort.col.time")].iloc[0]
    at.session_state["esc_map"] = {"all_drawings": [crossing], "last_clicked": None}
    at.run()
    assert not at.exception and not at.error
    after = _table(at, t("escort.col.route"))[t("escort.col.time")].iloc[0]
    assert after > before
    assert any(t("escort.closures.active", n=1, e=0)[:20] in c.value for c in at.caption)
    script = _map_args(at)[0]["feature_group"]
    assert "Penutupan jalan 1" in script


def test_hand_drawn_line_is_snapped(area, crossing):
    net = compile_network(area.graph, "convoy")
    line = plan_route(area, net, ["Kantor Polisi Resor Metro", "KPU Kota Metro"]).main.geometry
    drawn = LineString([(x + 0.0001, y) for x, y in line.simplify(0.0005).coords])
    at = _page("views/escort/page.py")
    at.radio(key="esc_draw_mode").set_value("hand")
    at.session_state["esc_map"] = {
        "all_drawings": [{"type": "Feature", "properties": {}, "geometry": drawn.__geo_interface__}]
    }
    at.run()
    assert not at.exception and not at.error
    info = [i.value for i in at.info]
    assert any("Penyimpangan terbesar" in text for text in info)


def test_bad_inputs_show_messages_not_tracebacks():
    at = _page("views/escort/page.py")
    at.selectbox(key="esc_origin").set_value("__map__").run()
    assert any(t("escort.origin") in w.value for w in at.warning)
    at.text_input(key="esc_origin_xy").set_value("105.0,-5.4").run()
    assert not at.exception
    assert any("dari jalan terdekat" in e.value for e in at.error)
    at.text_input(key="esc_origin_xy").set_value("105.307589,-5.112862").run()
    at.text_area(key="esc_via_xy").set_value("Tempat Antah Berantah").run()
    assert not at.exception
    assert any("Tempat tidak dikenal" in e.value for e in at.error)


def test_saving_a_plan_stores_it_with_the_operation(area):
    at = _page("views/escort/page.py")
    at.text_input(key="esc_plan_name").set_value("Kawal Polres-KPU").run()
    at.button(key="esc_save").click().run()
    assert not at.exception and not at.error
    store = Store(os.environ["PETA_DB"])
    op = ensure_default_operation(store, area.places)
    plans = saved.list_route_plans(store, op.id, kind="escort")
    assert [p.name for p in plans] == ["Kawal Polres-KPU"]
    main = plans[0].result["main"]
    assert shape(main["geometry"]).length > 0
    assert saved.request_waypoints(plans[0].request) == ["P001", "P007"]
    # the saved plan is listed and can be loaded back into the form
    at.run()
    at.button(key="esc_load").click().run()
    assert at.selectbox(key="esc_origin").value == "P001"
    assert not at.exception


def test_escort_page_in_english():
    at = app_test(default_timeout=120).run()
    at.sidebar.radio[0].set_value("en").run()
    at.switch_page("views/escort/page.py").run()
    assert at.header[0].value == t("escort.title", lang="en")
    assert not at.exception


def test_patrol_page_loop_and_sector():
    at = _page("views/patrol.py")
    assert not at.exception and not at.error
    at.multiselect(key="pat_stops").set_value(["place:P010", "place:P008", "place:P009"]).run()
    assert not at.exception and not at.error
    legs = _table(at, t("patrol.col.to"))
    assert len(legs) == 4
    assert legs[t("patrol.col.from")].iloc[0] == legs[t("patrol.col.to")].iloc[-1]
    at.radio(key="pat_mode").set_value("sector").run()
    at.selectbox(key="pat_kelurahan").set_value("Yosodadi").run()
    assert not at.exception and not at.error
    labels = [m.label for m in at.metric]
    assert t("patrol.covered") in labels
    assert "L.polyline.antPath" in _map_args(at)[0]["feature_group"]


def test_route_layers_escape_names():
    evil = "<script>alert(1)</script>"
    group = closures_group(
        [Closure(evil, LineString([(105.3, -5.1), (105.31, -5.1)]))],
        name="x",
    )
    m = folium.Map(tiles=None)
    group.add_to(m)
    html = m.get_root().render()
    assert evil not in html
    assert "&lt;script&gt;" in html
