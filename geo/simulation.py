"""Sispamkota rehearsal: units driving patrol loops on the road network, on a clock.

A SIMULATION, never live data: positions it gives are stored with source ``simulasi`` and the
app labels them so. Everything follows from the seed: the same seed, units and start time give
the same loops and the same positions at the same moment.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import networkx as nx
import numpy as np
import pandas as pd
from scipy.sparse.csgraph import dijkstra

from geo._errors import GeoError, NoRouteError
from geo.area import Area
from geo.network import CompiledNetwork

#: Label of every simulated position.
SIMULATION_LABEL = "SIMULASI"

#: ``source`` of every simulated position in the store (never mistaken for a live one).
SIMULATION_SOURCE = "simulasi"

#: Prefix of a simulated unit's device id: its reports go through the same ingest as a phone's.
DEVICE_PREFIX = "SIM/"

_M_PER_DEG = 111_320.0


@dataclass(frozen=True, eq=False)
class SimRoute:
    """One unit's patrol loop.

    Attributes
    ----------
    unit_id
        The unit.
    profile
        Its travel profile.
    lon, lat
        Vertices of the loop's line.
    t
        Seconds from the loop's start at each vertex (increasing; last = ``period_s``).
    period_s
        Seconds to drive the loop once.
    """

    unit_id: str
    profile: str
    lon: np.ndarray
    lat: np.ndarray
    t: np.ndarray
    period_s: float


@dataclass(frozen=True, eq=False)
class Simulation:
    """Patrol loops of several units from a start time.

    Attributes
    ----------
    seed
        Seed the loops were drawn with.
    start
        Moment the units leave (UTC).
    routes
        One loop per unit.
    """

    seed: int
    start: datetime
    routes: tuple[SimRoute, ...]


def _edge_coords(graph: nx.MultiDiGraph, u: int, v: int, key: int) -> list[tuple[float, float]]:
    data = graph.edges[u, v, key]
    ux, uy = graph.nodes[u]["x"], graph.nodes[u]["y"]
    geom = data.get("geometry")
    if geom is None:
        return [(ux, uy), (graph.nodes[v]["x"], graph.nodes[v]["y"])]
    pts = list(geom.coords)
    first, last = pts[0], pts[-1]
    if (first[0] - ux) ** 2 + (first[1] - uy) ** 2 > (last[0] - ux) ** 2 + (last[1] - uy) ** 2:
        pts.reverse()
    return pts


def _loop(
    area: Area, net: CompiledNetwork, unit_id: str, start: int, stops: Sequence[int]
) -> SimRoute:
    lon: list[float] = []
    lat: list[float] = []
    times: list[float] = []
    clock = 0.0
    legs = [start, *stops, start]
    for a, b in itertools.pairwise(legs):
        if a == b:
            continue
        path, _ = net.shortest_path(a, b)
        for e in net.path_edges(path):
            u, v = int(net.nodes[net.edge_u[e]]), int(net.nodes[net.edge_v[e]])
            pts = np.asarray(_edge_coords(area.graph, u, v, int(net.edge_key[e])))
            seg = np.hypot(*np.diff(pts, axis=0).T)
            frac = np.r_[0.0, np.cumsum(seg)] / max(seg.sum(), 1e-12)
            tt = float(net.travel_time[e])
            start_i = 1 if lon else 0
            lon.extend(pts[start_i:, 0])
            lat.extend(pts[start_i:, 1])
            times.extend(clock + frac[start_i:] * tt)
            clock += tt
    if len(times) < 2:  # nowhere to go: the unit stays put
        node = area.graph.nodes[int(net.nodes[start])]
        x, y = np.full(2, node["x"]), np.full(2, node["y"])
        return SimRoute(unit_id, net.profile, x, y, np.array([0.0, 1.0]), 1.0)
    t = np.maximum.accumulate(np.asarray(times))
    return SimRoute(unit_id, net.profile, np.asarray(lon), np.asarray(lat), t, float(t[-1]))


def plan_simulation(
    area: Area,
    networks: Mapping[str, CompiledNetwork],
    units: pd.DataFrame,
    *,
    seed: int,
    start: datetime,
    stops: int = 3,
    radius_s: float = 600.0,
) -> Simulation:
    """Draw a patrol loop for each unit, deterministically from a seed.

    Each unit leaves its node, visits ``stops`` road nodes drawn (seeded) among those it
    reaches within ``radius_s``, and returns; then it drives the same loop again.

    Parameters
    ----------
    area
        The area.
    networks
        Compiled network per profile.
    units
        ``unit_id``, ``node`` (graph node to start from), ``profile``.
    seed
        Random seed.
    start
        Moment the loops start (UTC).
    stops
        Stops per loop.
    radius_s
        Stops lie within this travel time of the unit's start.

    Returns
    -------
    Simulation

    Raises
    ------
    GeoError
        If a unit's profile has no network.
    """
    rng = np.random.default_rng(seed)
    routes = []
    for rec in units.sort_values("unit_id").itertuples(index=False):
        if rec.profile not in networks:
            msg = f"Tidak ada jaringan untuk profil {rec.profile!r}."
            raise GeoError(msg)
        net = networks[rec.profile]
        origin = net.index_of(int(rec.node))
        dist = dijkstra(net.matrix, indices=origin, limit=radius_s)
        back = dijkstra(net.matrix.T.tocsr(), indices=origin, limit=radius_s * 2)
        near = np.flatnonzero(np.isfinite(dist) & np.isfinite(back))
        near = near[near != origin]
        chosen = rng.choice(near, size=min(stops, len(near)), replace=False) if len(near) else []
        try:
            routes.append(_loop(area, net, str(rec.unit_id), origin, [int(c) for c in chosen]))
        except NoRouteError:
            routes.append(_loop(area, net, str(rec.unit_id), origin, []))
    return Simulation(seed=seed, start=start.astimezone(UTC), routes=tuple(routes))


def device_id(unit_id: str) -> str:
    """The id of the simulated device that reports a unit's positions."""
    return f"{DEVICE_PREFIX}{unit_id}"


def _motion(r: SimRoute, t: float) -> tuple[float | None, float]:
    """Heading (degrees from north, None when standing) and speed (m/s) at ``t`` s of a loop."""
    i = int(np.clip(np.searchsorted(r.t, t, side="right"), 1, len(r.t) - 1))
    dt = float(r.t[i] - r.t[i - 1])
    dx = float(r.lon[i] - r.lon[i - 1]) * np.cos(np.radians(float(r.lat[i]))) * _M_PER_DEG
    dy = float(r.lat[i] - r.lat[i - 1]) * _M_PER_DEG
    dist = float(np.hypot(dx, dy))
    if dt <= 0 or dist == 0:
        return None, 0.0
    return float(np.degrees(np.arctan2(dx, dy)) % 360), dist / dt


def positions_at(sim: Simulation, moment: datetime) -> pd.DataFrame:
    """Where each simulated unit is at a moment, as its simulated device reports it.

    Parameters
    ----------
    sim
        The simulation.
    moment
        The moment (UTC); before the start, units are at their start.

    Returns
    -------
    pandas.DataFrame
        ``unit_id``, ``time`` (the moment, UTC, whole seconds), ``lon``, ``lat``, ``status``
        (``available``), ``source`` (``simulasi``), ``device_id`` (``SIM/<unit_id>``),
        ``heading`` (degrees, NaN when standing) and ``speed`` (m/s).
    """
    moment = moment.astimezone(UTC)
    elapsed = max((moment - sim.start).total_seconds(), 0.0)
    rows = []
    for r in sim.routes:
        t = elapsed % r.period_s if r.period_s > 0 else 0.0
        heading, speed = _motion(r, t)
        rows.append(
            {
                "unit_id": r.unit_id,
                "time": moment.replace(microsecond=0),
                "lon": float(np.interp(t, r.t, r.lon)),
                "lat": float(np.interp(t, r.t, r.lat)),
                "status": "available",
                "source": SIMULATION_SOURCE,
                "device_id": device_id(r.unit_id),
                "heading": np.nan if heading is None else heading,
                "speed": speed,
            }
        )
    columns = ["unit_id", "time", "lon", "lat", "status", "source", "device_id", "heading", "speed"]
    return pd.DataFrame(rows, columns=columns)
