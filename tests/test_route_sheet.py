"""Route sheet of real escort routes: segments, ETA, control points, chokepoints, havens."""

from __future__ import annotations

import json
from datetime import datetime

import networkx as nx
import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

from geo.area import Area
from geo.havens import safe_havens, time_to_havens
from geo.network import CompiledNetwork, compile_network
from geo.route_sheet import network_structure, route_sheet
from geo.routing import RoutePlan, plan_route


@pytest.fixture(scope="module")
def convoy(area: Area) -> CompiledNetwork:
    return compile_network(area.graph, "convoy")


@pytest.fixture(scope="module")
def long_plan(area: Area, convoy: CompiledNetwork) -> RoutePlan:
    return plan_route(
        area,
        convoy,
        ["Kantor Polisi Sektor Metro Utara", "Kantor Polisi Sektor Metro Selatan"],
        depart=datetime(2025, 3, 1, 7, 30),
    )


def test_segments_add_up_with_eta(area, convoy, long_plan):
    route = long_plan.main
    sheet = route_sheet(area, convoy, route, depart=long_plan.depart)
    seg = sheet.segments
    assert seg["length_m"].sum() == pytest.approx(route.length_m)
    assert seg["to_km"].iloc[-1] * 1000 == pytest.approx(route.length_m)
    assert seg["time_s"].iloc[-1] == pytest.approx(route.travel_time_s)
    assert np.all(np.diff(seg["time_s"].to_numpy()) > 0)
    assert (seg["from_km"].iloc[1:].to_numpy() == seg["to_km"].iloc[:-1].to_numpy()).all()
    end = datetime(2025, 3, 1, 7, 30).timestamp() + route.travel_time_s
    assert seg["eta"].iloc[-1] == datetime.fromtimestamp(end).strftime("%H:%M")
    assert seg["then"].iloc[-1] == "tiba"
    # a north-south crossing of the city passes several kelurahan, north first
    assert len(sheet.kelurahan) >= 4
    assert sheet.kelurahan[0] == "Karangrejo"
    assert sheet.kelurahan[-1] == "Rejomulyo"


def test_sights_are_within_100_m(area, convoy):
    plan = plan_route(area, convoy, ["Kantor Polisi Resor Metro", "KPU Kota Metro"])
    sheet = route_sheet(area, convoy, plan.main)
    sights = sheet.sights
    assert set(sights["category"]) == {"landmark", "cctv"}
    assert (sights["distance_m"] <= 100).all()
    assert "Tugu Metrem" in set(sights["name"])
    listed = ", ".join(sheet.segments["cctv"])
    assert all(name in listed for name in sights.loc[sights["category"] == "cctv", "name"])


def test_traffic_control_points(area, convoy, long_plan):
    sheet = route_sheet(area, convoy, long_plan.main)
    tc = sheet.traffic_control
    assert len(tc) > 10
    interior = set(long_plan.main.nodes[1:-1])
    assert set(tc["node"]) <= interior
    assert (tc["street_count"] >= 3).all()
    counts = nx.get_node_attributes(area.graph, "street_count")
    assert all(counts[n] == c for n, c in zip(tc["node"], tc["street_count"], strict=True))
    assert (tc["personnel"] >= 1).all()
    major = tc["roads"].str.contains("secondary|primary")
    assert (tc.loc[major, "priority"] == "utama").all()
    assert (tc.loc[major, "personnel"] >= 3).all()
    assert sheet.personnel == tc["personnel"].sum()


def test_chokepoints_include_river_crossings_and_graph_bridges(area, convoy, long_plan):
    sheet = route_sheet(area, convoy, long_plan.main)
    chokes = sheet.chokepoints
    rivers = chokes[chokes["kind"] == "river"]
    assert len(rivers) >= 3
    assert "penyeberangan Way Batanghari" in set(rivers["description"])
    bridges, articulation, undirected = network_structure(area.graph)
    assert bridges and articulation
    # a route into a dead-end street crosses a graph bridge: it is listed on the route
    largest = max(nx.connected_components(undirected), key=len)
    leaf = min(n for n in largest if undirected.degree(n) == 1)
    node = area.graph.nodes[leaf]
    plan = plan_route(area, convoy, ["Kantor Polisi Resor Metro", (node["x"], node["y"])])
    assert plan.main.nodes[-1] == leaf
    dead_end = route_sheet(area, convoy, plan.main).chokepoints
    on_route = dead_end[(dead_end["kind"] == "bridge") & dead_end["on_route"]]
    assert len(on_route) >= 1
    assert on_route["description"].str.contains("penghubung tunggal").all()


def test_havens_times_match_a_dijkstra_towards_them(area, convoy, long_plan):
    havens = safe_havens(area)
    assert set(havens["category"]) == {"hospital", "police_hq", "police_sector"}
    dist, which = time_to_havens(convoy, havens)
    # check 20 nodes against a plain per-haven Dijkstra on the reversed graph
    rng = np.random.default_rng(7)
    idx = convoy.indices_of(havens["node"].to_numpy())
    back = dijkstra(convoy.matrix.T.tocsr(), indices=idx)
    for node in rng.choice(convoy.n, 20, replace=False):
        assert dist[node] == pytest.approx(back[:, node].min())
        if np.isfinite(dist[node]):
            assert back[which[node], node] == pytest.approx(dist[node])


def test_stretches_and_longest_gap(area, convoy, long_plan):
    sheet = route_sheet(area, convoy, long_plan.main)
    st = sheet.stretches
    assert len(st) == round(long_plan.main.length_m / 250)
    assert (st["to_km"] - st["from_km"]).between(0.2, 0.3).all()
    assert (st["worst_s"] >= st["time_s"] - 1e-9).all()
    assert st["haven"].ne("-").all()
    assert st.crs.to_epsg() == 4326
    gap = sheet.gap
    over = st["worst_s"] > 180
    assert (gap["length_m"] > 0) == over.any()
    if gap["length_m"] > 0:
        assert gap["to_km"] > gap["from_km"]
        assert gap["length_m"] == pytest.approx((gap["to_km"] - gap["from_km"]) * 1000, abs=1)
    # starting at a police post: the first stretch is close to a haven
    assert st["time_s"].iloc[0] < 60


def test_sheet_is_json(area, convoy, long_plan):
    data = route_sheet(area, convoy, long_plan.main, depart=long_plan.depart).to_dict()
    text = json.dumps(data)
    assert json.loads(text)["havens"][0]["haven"]
    assert data["depart"] == "2025-03-01T07:30"
    assert data["personnel"] > 0
