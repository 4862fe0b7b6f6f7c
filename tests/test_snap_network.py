"""Snapping to roads, the compiled network, and a route Polres Metro -> KPU Kota Metro."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from geo._errors import NoRouteError, OffNetworkError
from geo.network import compile_network
from geo.profiles import PROFILES, get_profile, with_travel_times
from geo.snap import snap_point, snap_points


def _place(area, name: str):
    return area.places.loc[area.places["name"] == name].geometry.item()


def test_snap_returns_distance_and_kelurahan(area) -> None:
    hq = _place(area, "Kantor Polisi Resor Metro")
    snap = snap_point(area, hq.x, hq.y)
    assert 0 <= snap.distance_m < 60
    assert snap.kelurahan == "Imopuro"
    assert snap.node in (snap.u, snap.v)
    assert area.graph.has_edge(snap.u, snap.v, snap.key)


def test_snap_far_point_is_a_clear_error(area) -> None:
    with pytest.raises(OffNetworkError, match="500 m"):
        snap_point(area, 105.45, -5.10)  # ~13 km east of the city


def test_snap_points_vectorised_matches_single(area) -> None:
    pts = area.places.geometry.iloc[:20]
    many = snap_points(area, pts.x.to_numpy(), pts.y.to_numpy())
    for i in (0, 7, 19):
        one = snap_point(area, pts.iloc[i].x, pts.iloc[i].y, max_distance_m=1e9)
        assert many["distance_m"].iloc[i] == pytest.approx(one.distance_m)
        assert many["node"].iloc[i] == one.node


@pytest.fixture(scope="module")
def car(area):
    return compile_network(area.graph, "car")


def test_route_polres_to_kpu_is_plausible(area, car) -> None:
    hq, kpu = _place(area, "Kantor Polisi Resor Metro"), _place(area, "KPU Kota Metro")
    s, t = snap_point(area, hq.x, hq.y).node, snap_point(area, kpu.x, kpu.y).node
    path, seconds = car.shortest_path(car.index_of(s), car.index_of(t))
    length = car.length[car.path_edges(path)].sum()
    import shapely

    node_pt = [shapely.Point(area.graph.nodes[n]["x"], area.graph.nodes[n]["y"]) for n in (s, t)]
    crow_m = _crow(*node_pt)
    assert 1000 < crow_m < 2500
    # the road route is longer than the straight line, but not absurdly
    assert crow_m * 1.0 < length < crow_m * 1.6
    assert 2 * 60 < seconds < 6 * 60
    timed = with_travel_times(area.graph, "car")
    assert seconds == pytest.approx(nx.shortest_path_length(timed, s, t, weight="travel_time"))


def _crow(a, b) -> float:
    import geopandas as gpd

    pts = gpd.GeoSeries([a, b], crs=4326).to_crs(32748)
    return float(pts.iloc[0].distance(pts.iloc[1]))


def test_multi_source_matches_networkx(area, car) -> None:
    timed = with_travel_times(area.graph, "car")
    sources = [int(n) for n in car.nodes[[10, 400, 900]]]
    offsets = np.array([0.0, 60.0, 120.0])
    dist, origin = car.distances(car.indices_of(sources), offsets=offsets, limit=600)
    ref = {}
    for src, off in zip(sources, offsets, strict=True):
        for node, d in nx.single_source_dijkstra_path_length(
            timed, src, weight="travel_time"
        ).items():
            ref[node] = min(ref.get(node, np.inf), d + off)
    for i, node in enumerate(car.nodes):
        expected = ref.get(int(node), np.inf)
        if expected <= 600:
            assert dist[i] == pytest.approx(expected, abs=1e-3)
            src_off = offsets[origin[i]]
            d_from = nx.shortest_path_length(
                timed, sources[origin[i]], int(node), weight="travel_time"
            )
            assert d_from + src_off == pytest.approx(expected, abs=1e-3)
        else:
            assert not np.isfinite(dist[i]) or dist[i] > 600 - 1e-6


def test_closure_mask_forces_detour_and_unreachable_is_error(area, car) -> None:
    s, t = car.index_of(int(car.nodes[0])), None
    dist, _ = car.distances(np.array([s]))
    t = int(np.nanargmax(np.where(np.isfinite(dist), dist, -1)))
    path, seconds = car.shortest_path(s, t)
    closed = car.with_closed(car.path_edges(path)[:1])
    _, detour = closed.shortest_path(s, t) if _reachable(closed, s, t) else (None, np.inf)
    assert detour > seconds
    # close every edge into the target
    into = np.flatnonzero(car.edge_v == t)
    with pytest.raises(NoRouteError):
        car.with_closed(into).shortest_path(s, t)


def _reachable(net, s, t) -> bool:
    dist, _ = net.distances(np.array([s]))
    return bool(np.isfinite(dist[t]))


def test_profiles_order_speeds(area) -> None:
    assert set(PROFILES) == {"car", "motorbike", "foot", "convoy"}
    foot, car = compile_network(area.graph, "foot"), compile_network(area.graph, "car")
    assert (foot.travel_time > car.travel_time).all()
    with pytest.raises(ValueError, match="Pilihan"):
        get_profile("helicopter")
