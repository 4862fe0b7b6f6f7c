"""Routes from the true point on the road (phantom nodes), checked against networkx on a graph
with each road split at the point (``tests/_split_edge.py``).
"""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely
from _osm_sample import write_all
from _split_edge import split_route_time

from geo import settings
from geo.area import Area, load_area
from geo.network import CompiledNetwork, compile_network
from geo.profiles import with_travel_times
from geo.routing import plan_route


@pytest.fixture(scope="module")
def car(area: Area) -> CompiledNetwork:
    return compile_network(area.graph, "car")


@pytest.fixture(scope="module")
def timed(area: Area) -> nx.MultiDiGraph:
    return with_travel_times(area.graph, "car")


def _points_on_roads(area: Area, count: int, seed: int) -> list[tuple[float, float]]:
    """Seeded points along roads of the largest component (lon, lat)."""
    largest = max(nx.weakly_connected_components(area.graph), key=len)
    edges = area.edges[area.edges["u"].isin(largest) & (area.edges["length"] > 40)]
    rng = np.random.default_rng(seed)
    rows = edges.iloc[rng.choice(len(edges), size=count, replace=False)]
    fractions = rng.uniform(0.1, 0.9, size=count)
    metric = rows.to_crs(area.crs_metric).geometry.to_numpy()
    pts = shapely.line_interpolate_point(metric, fractions, normalized=True)
    lonlat = shapely.get_coordinates(
        gpd.GeoSeries(pts, crs=area.crs_metric).to_crs(4326).to_numpy()
    )
    return [(float(x), float(y)) for x, y in lonlat]


def _split_points(plan) -> list[tuple[int, int, int, float]]:
    return [(w.snap.u, w.snap.v, w.snap.key, w.snap.fraction) for w in plan.waypoints]


def test_mid_road_routes_equal_split_edge_dijkstra(area, car, timed):
    points = _points_on_roads(area, 24, seed=7)
    for a, b in zip(points[::2], points[1::2], strict=True):
        plan = plan_route(area, car, [a, b])
        expected = split_route_time(timed, _split_points(plan))
        assert plan.main.travel_time_s == pytest.approx(expected, rel=1e-9, abs=1e-9)
        assert plan.waypoints[0].snap.distance_m < 0.01  # the point is on the road
        first = plan.waypoints[0].snap
        assert plan.main.geometry.coords[0] == pytest.approx((first.lon, first.lat), abs=1e-7)


def test_via_along_a_road_equals_split_edge_dijkstra(area, car, timed):
    a, via, b = _points_on_roads(area, 3, seed=11)
    plan = plan_route(area, car, [a, via, b])
    assert plan.main.travel_time_s == pytest.approx(split_route_time(timed, _split_points(plan)))
    assert plan.main.nodes[plan.main.stops[1]] == -1  # the via is a point along its road


def test_two_points_on_one_road_go_straight_along_it(area, car):
    row = area.edges.sort_values("length").iloc[-1]  # the longest road, two-way
    line = row.geometry
    a, b = line.interpolate(0.2, normalized=True), line.interpolate(0.7, normalized=True)
    for start, end in ((a, b), (b, a)):
        plan = plan_route(area, car, [(start.x, start.y), (end.x, end.y)])
        route = plan.main
        assert len(route.edge_index) == 1 and route.nodes == (-1, -1)
        edge = int(route.edge_index[0])
        assert route.length_m == pytest.approx(0.5 * car.length[edge], rel=0.01)
        assert route.travel_time_s == pytest.approx(0.5 * car.travel_time[edge], rel=0.01)


def test_points_at_nodes_route_node_to_node(area, car, timed):
    """Where origin and destination are nodes the route is the plain node-to-node one."""
    nodes = sorted(max(nx.weakly_connected_components(area.graph), key=len))[::97][:6]
    for a, b in zip(nodes[::2], nodes[1::2], strict=True):
        pa, pb = area.graph.nodes[a], area.graph.nodes[b]
        route = plan_route(area, car, [(pa["x"], pa["y"]), (pb["x"], pb["y"])]).main
        assert route.nodes[0] == a and route.nodes[-1] == b
        assert route.travel_time_s == pytest.approx(
            nx.dijkstra_path_length(timed, a, b, weight="travel_time"), rel=1e-9
        )


def test_snap_distance_is_to_the_road(area, car):
    row = area.edges.sort_values("length").iloc[-1]
    metric = area.edges_metric.loc[row.name].geometry
    on_road = metric.interpolate(0.45, normalized=True)
    # 20 m off the road, square to it
    ahead = metric.interpolate(metric.project(on_road) + 1.0)
    dx, dy = ahead.x - on_road.x, ahead.y - on_road.y
    norm = float(np.hypot(dx, dy))
    off = shapely.Point(on_road.x - dy / norm * 20, on_road.y + dx / norm * 20)
    lonlat = gpd.GeoSeries([off], crs=area.crs_metric).to_crs(4326).iloc[0]
    plan = plan_route(area, car, [(lonlat.x, lonlat.y), "KPU Kota Metro"])
    w = plan.waypoints[0].to_dict()
    assert w["snap_distance_m"] == pytest.approx(20.0, abs=0.5)
    assert w["fraction"] == pytest.approx(0.45, abs=0.01)


def test_one_way_road_points_go_round(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "cache_folder", tmp_path / "cache")
    files = write_all(tmp_path)
    area = load_area("metro", network=files["osm"])
    net = compile_network(area.graph, "car")
    timed = with_travel_times(area.graph, "car")
    one_way = area.graph.nodes
    # Jl. A. Yani runs one way from node 5 to node 1: from 70 % back to 20 % of it
    x = one_way[1]["x"]
    y5, y1 = one_way[5]["y"], one_way[1]["y"]
    start, end = (x, y5 + 0.7 * (y1 - y5)), (x, y5 + 0.2 * (y1 - y5))
    plan = plan_route(area, net, [start, end])
    expected = split_route_time(timed, _split_points(plan))
    assert plan.main.travel_time_s == pytest.approx(expected, rel=1e-9)
    edge = next(k for k, e in enumerate(plan.main.edges) if e[:2] == (5, 1))
    assert plan.main.length_m > 2 * net.length[plan.main.edge_index[edge]]  # it goes round
    forward = plan_route(area, net, [end, start]).main
    assert forward.nodes == (-1, -1)  # the right way: straight along the one-way road
