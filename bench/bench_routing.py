"""Benchmark of escort routing: route + 3 alternatives on the compiled network vs plain osmnx.

Same run, same seeded origin-destination pairs in the largest component of the Kota Metro graph,
convoy profile. Measured per query (best of ``REPEAT`` runs), median over the queries:

- ours, main route only (``geo.routing.route_edges``, alternatives=0)
- ours, main route + 3 alternatives (penalty method, bounded overlap and stretch)
- ours, full ``plan_route`` from coordinates (snapping, closures check, geometry) + 3 alternatives
- ``osmnx.routing.shortest_path`` (one route)
- ``osmnx.routing.k_shortest_paths`` with k=4 (Yen: the route + 3 alternates)

Also checked: our main route time equals osmnx's on every query, and how much of its length each
alternative shares with the main route (ours vs Yen's).

Run: ``python -m bench.bench_routing`` (writes ``bench/results/routing.json``).
"""

from __future__ import annotations

import itertools
import json
import platform
import statistics
import time
from pathlib import Path

import networkx as nx
import numpy as np
import osmnx as ox

from geo.area import load_area
from geo.network import compile_network
from geo.profiles import with_travel_times
from geo.routing import plan_route, route_edges

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
QUERIES = 50
REPEAT = 3
SEED = 20240214


def best_of(fn, repeat: int = REPEAT) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def shared_share(graph: nx.MultiDiGraph, main: list[int], other: list[int]) -> float:
    """Share of ``other``'s length on roads of ``main`` (either direction)."""
    roads = {frozenset(p) for p in itertools.pairwise(main)}
    total = shared = 0.0
    for a, b in itertools.pairwise(other):
        length = min(d["length"] for d in graph.get_edge_data(a, b).values())
        total += length
        if frozenset((a, b)) in roads:
            shared += length
    return shared / total if total else 1.0


def run() -> dict:
    area = load_area()
    net = compile_network(area.graph, "convoy")
    timed_graph = with_travel_times(area.graph, "convoy")
    largest = sorted(max(nx.weakly_connected_components(area.graph), key=len))
    rng = np.random.default_rng(SEED)
    pairs = [tuple(int(x) for x in rng.choice(largest, 2, replace=False)) for _ in range(QUERIES)]

    times: dict[str, list[float]] = {
        "ours_main": [],
        "ours_main_plus_3": [],
        "ours_plan_route_plus_3": [],
        "osmnx_shortest_path": [],
        "osmnx_k_shortest_paths_k4": [],
    }
    found, ours_shared, ours_stretch, yen_shared, yen_stretch, mismatches = [], [], [], [], [], 0
    for o, d in pairs:
        s, t = net.index_of(o), net.index_of(d)
        sec, main = best_of(lambda s=s, t=t: route_edges(net, [s, t]))
        times["ours_main"].append(sec)
        sec, routes = best_of(lambda s=s, t=t: route_edges(net, [s, t], alternatives=3))
        times["ours_main_plus_3"].append(sec)
        a, b = area.graph.nodes[o], area.graph.nodes[d]
        sec, plan = best_of(
            lambda a=a, b=b: plan_route(
                area, net, [(a["x"], a["y"]), (b["x"], b["y"])], alternatives=3
            )
        )
        times["ours_plan_route_plus_3"].append(sec)
        sec, ox_path = best_of(
            lambda o=o, d=d: ox.routing.shortest_path(timed_graph, o, d, weight="travel_time")
        )
        times["osmnx_shortest_path"].append(sec)
        sec, yen = best_of(
            lambda o=o, d=d: list(
                ox.routing.k_shortest_paths(timed_graph, o, d, 4, weight="travel_time")
            )
        )
        times["osmnx_k_shortest_paths_k4"].append(sec)

        main_time = float(net.travel_time[main[0][1]].sum())
        ox_time = nx.path_weight(timed_graph, ox_path, "travel_time")
        mismatches += abs(main_time - ox_time) > 1e-6 * max(ox_time, 1)
        main_nodes = [int(n) for n in net.nodes[routes[0][0]]]
        found.append(len(routes) - 1)
        for _, edges, _ in routes[1:]:
            nodes = [int(net.nodes[net.edge_u[edges[0]]])] + [
                int(n) for n in net.nodes[net.edge_v[edges]]
            ]
            ours_shared.append(shared_share(area.graph, main_nodes, nodes))
            ours_stretch.append(float(net.travel_time[edges].sum()) / main_time)
        yen_main = nx.path_weight(timed_graph, yen[0], "travel_time")
        for path in yen[1:]:
            yen_shared.append(shared_share(area.graph, yen[0], path))
            yen_stretch.append(nx.path_weight(timed_graph, path, "travel_time") / yen_main)
        assert plan.main.nodes == tuple(main_nodes) or plan.main.travel_time_s <= main_time + 1e-6

    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    return {
        "queries": QUERIES,
        "repeat": REPEAT,
        "seed": SEED,
        "profile": "convoy",
        "graph": {"nodes": net.n, "directed_edges": len(net.edge_u)},
        "median_ms": {k: round(v, 3) for k, v in med.items()},
        "p90_ms": {k: round(float(np.percentile(v, 90)) * 1000, 3) for k, v in times.items()},
        "speedup": {
            "main_vs_osmnx_shortest_path": round(med["osmnx_shortest_path"] / med["ours_main"], 1),
            "main_plus_3_vs_osmnx_k_shortest_paths_k4": round(
                med["osmnx_k_shortest_paths_k4"] / med["ours_main_plus_3"], 1
            ),
            "main_plus_3_vs_osmnx_shortest_path": round(
                med["osmnx_shortest_path"] / med["ours_main_plus_3"], 2
            ),
            "plan_route_plus_3_vs_osmnx_k_shortest_paths_k4": round(
                med["osmnx_k_shortest_paths_k4"] / med["ours_plan_route_plus_3"], 1
            ),
        },
        "main_time_mismatches_vs_osmnx": int(mismatches),
        "alternatives": {
            "ours_found_mean": round(float(np.mean(found)), 2),
            "ours_found_3_share": round(float(np.mean(np.array(found) == 3)), 2),
            "ours_shared_with_main_mean": round(float(np.mean(ours_shared)), 3),
            "ours_shared_with_main_max": round(float(np.max(ours_shared)), 3),
            "ours_stretch_max": round(float(np.max(ours_stretch)), 3),
            "yen_shared_with_main_mean": round(float(np.mean(yen_shared)), 3),
            "yen_stretch_max": round(float(np.max(yen_stretch)), 3),
        },
        "python": platform.python_version(),
        "osmnx": ox.__version__,
    }


def main() -> None:
    result = run()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "routing.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"Routing benchmark: {result['queries']} queries, best of {result['repeat']}, convoy")
    print(f"{'method':38} {'median ms':>10} {'p90 ms':>10}")
    for key, value in result["median_ms"].items():
        print(f"{key:38} {value:10.3f} {result['p90_ms'][key]:10.3f}")
    for key, value in result["speedup"].items():
        print(f"speedup {key:52} {value:>7}x")
    print("alternatives:", json.dumps(result["alternatives"]))
    print("main route time mismatches vs osmnx:", result["main_time_mismatches_vs_osmnx"])


if __name__ == "__main__":
    main()
