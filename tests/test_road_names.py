"""Planners name roads: stored with the area in the plan store, shown wherever a name is shown."""

from __future__ import annotations

import json
import re

import pytest

from geo.area import Area, display_road_names, road_midpoint, with_road_names
from geo.network import compile_network
from geo.route_sheet import route_sheet
from geo.routing import plan_route
from geo.snap import snap_point
from layers import served
from plan import users
from plan.operation import PlanError
from plan.road_names import clear_road_name, road_names, set_road_name
from plan.roles import AccessDeniedError
from plan.store import Store

PASSWORD = "kata-sandi-uji-9"


@pytest.fixture
def store(store_path) -> Store:
    """A fresh store: SQLite, and PostgreSQL where the test server runs (``store_path``)."""
    return Store(store_path)


def _as(store: Store, role: str) -> Store:
    user = users.add_user(store, f"uji-{role}", role, PASSWORD)
    return store.as_user(user.actor)


def test_planner_names_a_road_and_the_route_sheet_uses_it(area: Area, store: Store):
    net = compile_network(area.graph, "convoy")
    plan = plan_route(area, net, ["Kantor Polisi Resor Metro", "KPU Kota Metro"])
    u, v, k = plan.main.edges[len(plan.main.edges) // 2]
    planner = _as(store, "perencana")
    lon, lat = road_midpoint(area, u, v, k)
    stored = set_road_name(planner, area.key, (v, u, k), "  Jl.  Jend. Sudirman ", lon=lon, lat=lat)
    assert stored == "Jl. Jend. Sudirman"
    named = with_road_names(area, road_names(store, area.key))
    sheet = route_sheet(named, net, plan.main)
    assert "Jl. Jend. Sudirman" in set(sheet.segments["street"])
    assert "jalan tanpa nama (RBI)" in set(sheet.segments["street"])
    # the nearest-road answer and the road layer's names say it too
    assert snap_point(named, lon, lat).street == "Jl. Jend. Sudirman"
    shown = display_road_names(named)
    assert (shown == "Jl. Jend. Sudirman").sum() == 1
    assert snap_point(area, lon, lat).street == "jalan tanpa nama (RBI)"
    # another network's names stay with it
    assert road_names(store, "metro:osm:other") == {}
    assert clear_road_name(planner, area.key, (u, v, k))
    assert road_names(store, area.key) == {}


def test_name_of_an_edge_that_moved_is_not_shown(area: Area, store: Store):
    row = area.edges.iloc[10]
    far = area.edges.iloc[900].geometry.interpolate(0.5, normalized=True)
    set_road_name(store, area.key, (row.u, row.v, row.key), "Jl. Lama", lon=far.x, lat=far.y)
    named = with_road_names(area, road_names(store, area.key))
    assert named.road_names == {}


def test_bad_names_and_roles_are_refused(area: Area, store: Store):
    row = area.edges.iloc[0]
    edge = (int(row.u), int(row.v), int(row.key))
    for bad in ("", "   ", "x" * 81, "Jl.\x00Mawar"):
        with pytest.raises(PlanError):
            set_road_name(store, area.key, edge, bad, lon=105.3, lat=-5.1)
    with pytest.raises(AccessDeniedError):
        set_road_name(_as(store, "briefing"), area.key, edge, "Jl. Mawar", lon=105.3, lat=-5.1)
    assert road_names(store, area.key) == {}


def test_map_page_names_the_clicked_road(area: Area, tmp_path, monkeypatch) -> None:
    """A click on the map page names the road; a planner's name is saved and shown."""
    from _signin import app_test

    from i18n import t

    monkeypatch.setenv("PETA_DB", str(tmp_path / "peta.sqlite"))
    row = area.edges.iloc[42]
    mid = row.geometry.interpolate(0.5, normalized=True)
    snap = snap_point(area, mid.x, mid.y)
    app = app_test(default_timeout=120)
    app.session_state["map_click"] = {
        "lat": mid.y, "lon": mid.x, "road_lat": snap.lat, "road_lon": snap.lon,
        "distance": snap.distance_m, "kelurahan": snap.kelurahan, "street": snap.street,
        "edge": [snap.u, snap.v, snap.key],
    }  # fmt: skip
    app.run()
    assert not app.exception
    shown = " ".join(m.value for m in app.markdown)
    assert "jalan tanpa nama (RBI)" in shown
    app.text_input(key="road_name_text").input("Jl. Uji Coba")
    form_buttons = [b for b in app.get("button") if b.label == t("map.road_name.save")]
    assert form_buttons
    form_buttons[0].click().run()
    assert not app.exception
    assert not app.error
    saved = road_names(Store(tmp_path / "peta.sqlite"), area.key)
    edge = (min(snap.u, snap.v), max(snap.u, snap.v), snap.key)
    assert saved[edge][0] == "Jl. Uji Coba"
    assert "Jl. Uji Coba" in " ".join(m.value for m in app.markdown)
    # the map's served roads carry the new name, for the road tooltips (from the next run on:
    # this run drew the map before the form saved)
    app.run()
    scripts = [a for a in _json_args(app.main) if "/api/layers/" in a]
    url = re.search(r"/api/layers/[a-z0-9_]+-[0-9a-f]{20}\.geojson", scripts[-1]).group(0)
    bundle = json.loads(served.body(url))
    assert "Jl. Uji Coba" in {f["properties"]["n"] for f in bundle["roads"]["features"]}
    # an empty name is refused on the page, the saved one stays
    app.text_input(key="road_name_text").input("   ")
    next(b for b in app.get("button") if b.label == t("map.road_name.save")).click().run()
    assert [e.value for e in app.error] == ["Nama jalan kosong."]
    assert road_names(Store(tmp_path / "peta.sqlite"), area.key)[edge][0] == "Jl. Uji Coba"


def _json_args(node) -> list[str]:
    """The ``json_args`` of every component below ``node`` (the map's script among them)."""
    found = []
    for child in getattr(node, "children", {}).values():
        proto = getattr(child, "proto", None)
        if proto is not None and getattr(proto, "json_args", ""):
            found.append(proto.json_args)
        found += _json_args(child)
    return found
