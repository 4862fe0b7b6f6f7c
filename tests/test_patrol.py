"""Patrol loops (TSP order) and sector patrols (every road of a kelurahan) on real data."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

from geo._errors import GeoError, OffNetworkError
from geo.area import Area
from geo.network import CompiledNetwork, compile_network
from geo.patrol import EXACT_TSP_MAX, patrol_loop, sector_patrol, sector_roads, tsp_order
from geo.routing import edge_table
from geo.snap import snap_points

POST = "Kantor Polisi Resor Metro"


@pytest.fixture(scope="module")
def car(area: Area) -> CompiledNetwork:
    return compile_network(area.graph, "car")


@pytest.fixture(scope="module")
def cctv_ids(area: Area) -> list[str]:
    cctv = area.places[area.places["category"] == "cctv"]
    snapped = snap_points(area, cctv.geometry.x.to_numpy(), cctv.geometry.y.to_numpy())
    return cctv.loc[snapped["distance_m"].to_numpy() < 300, "place_id"].tolist()


def _tour(order, cost):
    return sum(cost[a, b] for a, b in itertools.pairwise([*order, order[0]]))


def test_loop_is_optimal_for_few_stops(area, car, cctv_ids):
    stops = cctv_ids[:5]
    loop = patrol_loop(area, car, POST, stops, dwell_s=60)
    assert loop.route.nodes[0] == loop.route.nodes[-1] == loop.stops[0].snap.node
    assert {w.place_id for w in loop.stops[1:]} == set(stops)
    # compare with every order of the stops on network times
    nodes = [w.snap.node for w in loop.stops]
    idx = car.indices_of(np.array(nodes))
    cost = dijkstra(car.matrix, indices=idx)[:, idx]
    best = min(_tour([0, *p], cost) for p in itertools.permutations(range(1, len(idx))))
    assert loop.travel_time_s == pytest.approx(best, rel=1e-9)
    assert loop.duration_s == pytest.approx(loop.travel_time_s + 5 * 60)
    legs = loop.legs
    assert len(legs) == 6
    assert legs["from"].iloc[0] == loop.stops[0].label == legs["to"].iloc[-1]
    assert legs["travel_s"].sum() == pytest.approx(loop.travel_time_s)


def test_loop_heuristic_beats_visiting_in_given_order(area, car, cctv_ids):
    stops = cctv_ids[: EXACT_TSP_MAX + 5]
    loop = patrol_loop(area, car, POST, stops, seed=3)
    nodes = [loop.stops[0].snap.node] + [
        next(w.snap.node for w in loop.stops if w.place_id == pid) for pid in stops
    ]
    idx = car.indices_of(np.array(nodes))
    cost = dijkstra(car.matrix, indices=idx)[:, idx]
    given = _tour(list(range(len(idx))), cost)
    assert loop.travel_time_s < given
    assert len(loop.stops) == len(stops) + 1


def test_tsp_order_on_a_small_asymmetric_matrix():
    cost = np.array([[0, 1, 9, 9], [9, 0, 1, 9], [9, 9, 0, 1], [1, 9, 9, 0]], dtype=float)
    assert tsp_order(cost) == [0, 1, 2, 3]
    big = np.random.default_rng(0).uniform(1, 10, (12, 12))
    order = tsp_order(big, seed=1)
    assert sorted(order) == list(range(12)) and order[0] == 0


def test_loop_bad_input(area, car):
    with pytest.raises(GeoError, match="sedikitnya satu"):
        patrol_loop(area, car, POST, [])
    with pytest.raises(GeoError, match="tidak dikenal"):
        patrol_loop(area, car, POST, ["Tempat Yang Tidak Ada"])
    with pytest.raises(OffNetworkError):
        patrol_loop(area, car, (105.0, -5.5), ["KPU Kota Metro"])


@pytest.mark.parametrize("kelurahan", ["Metro", "Yosodadi"])
def test_sector_patrol_drives_every_road(area, car, kelurahan):
    patrol = sector_patrol(area, car, kelurahan)
    route = patrol.route
    assert route.nodes[0] == route.nodes[-1]
    roads = sector_roads(area, kelurahan)
    assert patrol.required_m == pytest.approx(roads["length"].sum())
    assert patrol.covered_m + patrol.unreachable_m == pytest.approx(patrol.required_m)
    table = edge_table(area, car)
    driven = {frozenset((int(table.u[e]), int(table.v[e]))) for e in route.edge_index}
    reachable = dijkstra(car.matrix, indices=car.index_of(route.nodes[0]))
    for u, v in roads[["u", "v"]].itertuples(index=False):
        if np.isfinite(reachable[car.index_of(u)]):
            assert frozenset((u, v)) in driven
    # a postman tour drives each road at least once, and not absurdly more
    assert patrol.required_m - patrol.unreachable_m <= route.length_m
    assert route.length_m < 2 * patrol.required_m
    assert patrol.duration_s == pytest.approx(route.travel_time_s)


def test_sector_patrol_starts_at_the_police_post(area, car):
    patrol = sector_patrol(area, car, "mulyojati")
    assert patrol.stops[0].label == "Kantor Polisi Sektor Metro Barat"
    assert patrol.route.nodes[0] == patrol.stops[0].snap.node


def test_unknown_kelurahan(area, car):
    with pytest.raises(GeoError, match=r"Kelurahan tidak dikenal.*Yosodadi"):
        sector_patrol(area, car, "Atlantis")
