"""Escort routing on the real Kota Metro network: times, alternatives, closures, bad input."""

from __future__ import annotations

import json
from datetime import datetime

import networkx as nx
import numpy as np
import pytest
import shapely
from _split_edge import split_route_time
from shapely.geometry import LineString, Point

from geo._errors import GeoError, InputFileError, NoRouteError, OffNetworkError
from geo.area import Area
from geo.network import CompiledNetwork, compile_network
from geo.profiles import with_travel_times
from geo.routing import (
    Closure,
    closed_edges,
    closures_from_geojson,
    edge_table,
    find_place,
    parse_lonlat,
    plan_route,
)

POLRES = "Kantor Polisi Resor Metro"
KPU = "KPU Kota Metro"


@pytest.fixture(scope="module")
def convoy(area: Area) -> CompiledNetwork:
    return compile_network(area.graph, "convoy")


@pytest.fixture(scope="module")
def timed(area: Area) -> nx.MultiDiGraph:
    return with_travel_times(area.graph, "convoy")


def _crossing(route_geom: LineString, *, half_width_deg: float = 0.0006) -> LineString:
    """A short line across the middle of a route, perpendicular to it."""
    mid = route_geom.interpolate(0.5, normalized=True)
    before = route_geom.interpolate(max(route_geom.project(mid) - 0.0002, 0))
    dx, dy = mid.x - before.x, mid.y - before.y
    norm = float(np.hypot(dx, dy)) or 1.0
    nx_, ny_ = -dy / norm * half_width_deg, dx / norm * half_width_deg
    return LineString([(mid.x - nx_, mid.y - ny_), (mid.x + nx_, mid.y + ny_)])


def _split_points(plan) -> list[tuple[int, int, int, float]]:
    return [(w.snap.u, w.snap.v, w.snap.key, w.snap.fraction) for w in plan.waypoints]


def test_main_route_time_equals_networkx_dijkstra(area, convoy, timed):
    """From the places' points on their roads: networkx on the graph split at those points."""
    plan = plan_route(area, convoy, [POLRES, KPU])
    route = plan.main
    expected = split_route_time(timed, _split_points(plan))
    assert route.travel_time_s == pytest.approx(expected, rel=1e-9)
    assert route.length_m > 500
    # the edges form a connected walk and the geometry runs from snapped point to snapped point
    assert all(a[1] == b[0] for a, b in zip(route.edges, route.edges[1:], strict=False))
    first, last = plan.waypoints[0].snap, plan.waypoints[-1].snap
    assert route.geometry.coords[0] == pytest.approx((first.lon, first.lat), abs=1e-7)
    assert route.geometry.coords[-1] == pytest.approx((last.lon, last.lat), abs=1e-7)


def test_route_between_nodes_equals_networkx_dijkstra(area, convoy, timed):
    """Origin and destination exactly at nodes: node to node, as before phantom nodes."""
    a, b = 17, 905
    pa, pb = area.graph.nodes[a], area.graph.nodes[b]
    plan = plan_route(area, convoy, [(pa["x"], pa["y"]), (pb["x"], pb["y"])])
    route = plan.main
    assert route.nodes[0] == a and route.nodes[-1] == b
    assert route.fractions is None
    expected = nx.dijkstra_path_length(timed, a, b, weight="travel_time")
    assert route.travel_time_s == pytest.approx(expected, rel=1e-9)


def test_alternatives_really_differ(area, convoy):
    plan = plan_route(area, convoy, [POLRES, KPU], alternatives=3)
    assert len(plan.alternatives) >= 2
    main = plan.main
    main_roads = {frozenset(e[:2]) for e in main.edges}
    for alt in plan.alternatives:
        shared = sum(
            area.graph.edges[e]["length"] * share
            for e, share in zip(alt.edges, alt.shares(), strict=True)
            if frozenset(e[:2]) in main_roads
        )
        assert shared <= 0.6 * min(alt.length_m, main.length_m) + 1e-6
        assert alt.shared_with_main == pytest.approx(shared / alt.length_m, abs=1e-6)
        assert alt.travel_time_s <= 1.5 * main.travel_time_s
        assert alt.travel_time_s >= main.travel_time_s - 1e-6
        assert alt.nodes[0] == main.nodes[0] and alt.nodes[-1] == main.nodes[-1]
    assert len({a.nodes for a in plan.alternatives}) == len(plan.alternatives)


def test_waypoints_are_visited_in_order(area, convoy, timed):
    via = "Gedung Sesat Agung Jurai Siwo Kota Metro"
    plan = plan_route(area, convoy, [POLRES, via, KPU])
    route = plan.main
    assert len(route.stops) == 3
    via_snap = plan.waypoints[1].snap
    assert route.geometry.distance(Point(via_snap.lon, via_snap.lat)) < 1e-7
    direct = plan_route(area, convoy, [POLRES, KPU]).main
    assert route.travel_time_s > direct.travel_time_s
    assert route.travel_time_s == pytest.approx(split_route_time(timed, _split_points(plan)))


def test_closure_across_main_route_is_avoided(area, convoy):
    before = plan_route(area, convoy, [POLRES, KPU]).main
    line = _crossing(before.geometry)
    assert line.intersects(before.geometry)
    closure = Closure("Penutupan tes", line)
    plan = plan_route(area, convoy, [POLRES, KPU], closures=[closure])
    assert plan.closed.any()
    assert not plan.main.geometry.intersects(line)
    assert plan.main.travel_time_s > before.travel_time_s
    # every closed edge is one the line crosses (or its reverse)
    table = edge_table(area, convoy)
    crossed = shapely.intersects(table.geometry, line)
    assert crossed[plan.closed].any()
    assert not set(np.flatnonzero(plan.closed)) & set(plan.main.edge_index.tolist())


def test_closure_window_outside_the_trip_is_ignored(area, convoy):
    before = plan_route(area, convoy, [POLRES, KPU]).main
    line = _crossing(before.geometry)
    closure = Closure("Malam", line, starts="20:00", ends="23:00")
    morning = plan_route(
        area, convoy, [POLRES, KPU], closures=[closure], depart=datetime(2025, 3, 1, 7, 0)
    )
    assert not morning.closed.any()
    assert morning.main.nodes == before.nodes
    evening = plan_route(
        area, convoy, [POLRES, KPU], closures=[closure], depart=datetime(2025, 3, 1, 19, 30)
    )
    assert evening.closed.any()
    assert not evening.main.geometry.intersects(line)


def test_closure_over_midnight_window():
    line = LineString([(0, 0), (1, 1)])
    closure = Closure("Malam", line, starts="22:00", ends="02:00")
    assert closure.active(datetime(2025, 3, 1, 1, 0), horizon_s=600)
    assert closure.active(datetime(2025, 3, 1, 23, 0), horizon_s=600)
    assert not closure.active(datetime(2025, 3, 1, 12, 0), horizon_s=600)


def test_polygon_and_circle_closures(area, convoy):
    before = plan_route(area, convoy, [POLRES, KPU]).main
    mid = before.geometry.interpolate(0.5, normalized=True)
    circle = closures_from_geojson(
        {
            "type": "Feature",
            "properties": {"name": "Lingkaran", "radius": 60},
            "geometry": {"type": "Point", "coordinates": [mid.x, mid.y]},
        }
    )
    assert circle[0].radius_m == 60
    mask = closed_edges(area, convoy, circle)
    assert mask.any()
    plan = plan_route(area, convoy, [POLRES, KPU], closures=circle)
    assert not plan.main.geometry.intersects(Point(mid.x, mid.y).buffer(0.0003))
    square = Closure("Kotak", Point(mid.x, mid.y).buffer(0.0004, cap_style="square"))
    plan = plan_route(area, convoy, [POLRES, KPU], closures=[square])
    assert not plan.main.geometry.intersects(square.geometry)


def test_closure_covering_origin_is_an_error(area, convoy):
    polres = find_place(area, POLRES).geometry
    closure = Closure("Tutup Polres", polres.buffer(0.001))
    with pytest.raises(NoRouteError, match=r"asal.*Kantor Polisi Resor Metro.*Tutup Polres"):
        plan_route(area, convoy, [POLRES, KPU], closures=[closure])


def test_destination_closed_off_is_explained(area, convoy):
    kpu = find_place(area, KPU).geometry
    ring = Closure("Cincin", kpu.buffer(0.004).exterior)
    with pytest.raises(NoRouteError, match=r"tidak dapat dicapai.*tertutup"):
        plan_route(area, convoy, [POLRES, KPU], closures=[ring])


def test_other_component_is_explained(area, convoy):
    components = sorted(nx.weakly_connected_components(area.graph), key=len)
    lonely = next(iter(components[0]))
    node = area.graph.nodes[lonely]
    with pytest.raises(NoRouteError, match="terpisah"):
        plan_route(area, convoy, [POLRES, (node["x"], node["y"])])


def test_unknown_and_ambiguous_names_list_candidates(area, convoy):
    with pytest.raises(GeoError, match="Tempat tidak dikenal") as unknown:
        plan_route(area, convoy, ["Kantor Polisi Resor Metrp", KPU])
    assert POLRES in str(unknown.value)  # suggested
    with pytest.raises(GeoError, match="cocok dengan 5 tempat") as ambiguous:
        plan_route(area, convoy, ["Kantor Polisi Sektor", KPU])
    assert "Kantor Polisi Sektor Metro Barat" in str(ambiguous.value)
    assert "P002" in str(ambiguous.value)


def test_names_are_case_insensitive_and_ids_work(area):
    assert find_place(area, "kpu kota metro")["place_id"] == "P007"
    assert find_place(area, "  KANTOR   polisi resor metro ")["place_id"] == "P001"
    assert find_place(area, "p007")["name"] == KPU


def test_far_origin_is_off_network(area, convoy):
    with pytest.raises(OffNetworkError, match="500 m"):
        plan_route(area, convoy, [(105.10, -5.30), KPU])


def test_coordinates_in_either_order():
    assert parse_lonlat("105.30,-5.12") == (105.30, -5.12)
    assert parse_lonlat("-5.12, 105.30") == (105.30, -5.12)
    assert parse_lonlat("Kantor Polisi") is None


def test_bad_closure_files(area):
    for bad, pattern in [
        ("", "kosong"),
        ("{not json", "bukan GeoJSON"),
        ('{"type": "FeatureCollection", "features": []}', "tidak berisi"),
        ('{"type": "Feature", "properties": {}, "geometry": {"type": "LineString"}}', "rusak"),
        ('{"type": "Topology"}', "tidak dikenal"),
        (
            json.dumps(
                {
                    "type": "Feature",
                    "properties": {"starts": "besok pagi"},
                    "geometry": {
                        "type": "LineString",
                        "coordinates": [[105.3, -5.1], [105.31, -5.1]],
                    },
                }
            ),
            "Waktu tidak dikenali",
        ),
    ]:
        with pytest.raises(InputFileError, match=pattern):
            closures_from_geojson(bad)


def test_too_few_waypoints(area, convoy):
    with pytest.raises(GeoError, match="asal dan tujuan"):
        plan_route(area, convoy, [POLRES])
