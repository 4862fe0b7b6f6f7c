"""Build an osmnx-compatible road graph from road lines (the BIG RBI network).

The lines are noded the way osmnx builds OSM graphs: every vertex becomes a node, line ends
that stop just short of another road are joined to it (a snapping tolerance), crossings are
split, and ``osmnx.simplify_graph`` then merges the interstitial vertices into edges with
``geometry`` and summed ``length``. Nothing is dropped: the connected components are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import networkx as nx
import numpy as np
import osmnx as ox
import pandas as pd
import shapely

from geo import settings
from geo._errors import AreaDataError

#: RBI road class (``REMARK``) -> osmnx/OSM ``highway`` value.
RBI_HIGHWAY: dict[str, str] = {
    "Jalan Arteri": "primary",
    "Jalan Kolektor": "secondary",
    "Jalan Lokal": "tertiary",
    "Jalan Lain": "residential",
    "Jalan Setapak": "path",
}


@dataclass(frozen=True)
class GraphReport:
    """What noding the lines did and what stays disconnected.

    Attributes
    ----------
    lines
        Input line parts.
    snapped_ends
        Line ends joined to a road within the snapping tolerance.
    crossings_split
        Line pieces added by splitting lines where they cross without a shared vertex.
    component_sizes
        Node count of every weakly connected component, largest first.
    dead_ends
        Nodes with one neighbour (true dead ends and ends the tolerance could not join).
    dropped_component_sizes
        Components left out of the graph (a file network keeps its largest one, as osmnx
        does), node counts largest first.
    network_type
        osmnx network type a file network was filtered by (empty for the RBI build).
    """

    lines: int
    snapped_ends: int
    crossings_split: int
    component_sizes: tuple[int, ...] = field(default_factory=tuple)
    dead_ends: int = 0
    dropped_component_sizes: tuple[int, ...] = field(default_factory=tuple)
    network_type: str = ""

    @property
    def components(self) -> int:
        """Number of weakly connected components."""
        return len(self.component_sizes)

    @property
    def largest_component_share(self) -> float:
        """Share of nodes (0-1) in the largest component."""
        total = sum(self.component_sizes)
        return self.component_sizes[0] / total if total else 0.0


def _line_parts(lines: gpd.GeoDataFrame, highway_column: str) -> gpd.GeoDataFrame:
    if lines.empty:
        msg = "Lapisan jalan kosong: tidak ada garis untuk membangun jaringan."
        raise AreaDataError(msg)
    if highway_column not in lines.columns:
        msg = f"Lapisan jalan tidak punya kolom {highway_column!r}."
        raise AreaDataError(msg)
    parts = lines[[highway_column, "geometry"]].explode(index_parts=False, ignore_index=False)
    parts = parts[(parts.geom_type == "LineString") & ~parts.geometry.is_empty]
    parts = parts.reset_index(names="line_id")
    parts = parts.to_crs(parts.estimate_utm_crs())
    return parts.rename(columns={highway_column: "highway_source"})


def _snap_dangling_ends(parts: gpd.GeoDataFrame, tolerance: float) -> tuple[np.ndarray, int]:
    """Move line ends that stop within ``tolerance`` of another line onto that line.

    Returns the new geometries and the number of ends moved. The point an end moves to is also
    inserted as a vertex of the line it joins, so both share the coordinate exactly.
    """
    geoms = parts.geometry.to_numpy().copy()
    coords = [np.asarray(shapely.get_coordinates(g)) for g in geoms]
    ends = np.array([(i, pos) for i in range(len(geoms)) for pos in (0, -1)])
    end_points = shapely.points(np.array([coords[i][pos] for i, pos in ends]))
    tree = shapely.STRtree(geoms)
    pt_idx, line_idx = tree.query(end_points, predicate="dwithin", distance=tolerance)
    distances = shapely.distance(end_points[pt_idx], geoms[line_idx])
    candidates = pd.DataFrame({"pt": pt_idx, "line": line_idx, "d": distances})
    candidates = candidates[candidates["line"].to_numpy() != ends[candidates["pt"], 0]]
    touching = set(candidates.loc[candidates["d"] == 0, "pt"])
    candidates = candidates[~candidates["pt"].isin(touching)]
    best = candidates.sort_values("d").drop_duplicates("pt")
    inserts: dict[int, list[shapely.Point]] = {}
    for pt, line in zip(best["pt"], best["line"], strict=True):
        i, pos = ends[pt]
        target = geoms[line]
        snapped = target.interpolate(target.project(end_points[pt]))
        coords[i][pos] = shapely.get_coordinates(snapped)[0]
        inserts.setdefault(line, []).append(snapped)
    new = np.array([shapely.linestrings(c) for c in coords], dtype=object)
    for line, points in inserts.items():
        new[line] = shapely.snap(new[line], shapely.multipoints(points), tolerance * 0.01)
    return new, len(best)


def _split_crossings(parts: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, int]:
    """Split lines where they cross or touch without sharing a vertex (``shapely.node``)."""
    noded = shapely.get_parts(shapely.node(shapely.multilinestrings(parts.geometry.to_numpy())))
    pieces = gpd.GeoDataFrame(geometry=noded, crs=parts.crs)
    mid = pieces.geometry.interpolate(0.5, normalized=True)
    nearest = parts.sindex.nearest(mid, return_all=False)[1]
    pieces["line_id"] = parts["line_id"].to_numpy()[nearest]
    pieces["highway_source"] = parts["highway_source"].to_numpy()[nearest]
    # pieces that only restate a whole input line are not "added"
    return pieces, max(0, len(pieces) - len(parts))


def _vertex_graph(pieces: gpd.GeoDataFrame, highway_map: dict[str, str]) -> nx.MultiDiGraph:
    """Every vertex a node, every segment an edge in both directions (as OSM ways are)."""
    lonlat = pieces.to_crs(settings.crs_geographic)
    coords_m, piece_of = shapely.get_coordinates(pieces.geometry.to_numpy(), return_index=True)
    coords_ll = shapely.get_coordinates(lonlat.geometry.to_numpy())
    keys = np.round(coords_m, 3)
    _, node_of = np.unique(keys, axis=0, return_inverse=True)
    node_of = node_of.ravel()
    graph = nx.MultiDiGraph(crs=settings.crs_geographic)
    first = np.unique(node_of, return_index=True)[1]
    graph.add_nodes_from(
        (int(n), {"x": float(coords_ll[i, 0]), "y": float(coords_ll[i, 1])})
        for n, i in zip(node_of[first], first, strict=True)
    )
    same_piece = piece_of[1:] == piece_of[:-1]
    u, v, p = node_of[:-1][same_piece], node_of[1:][same_piece], piece_of[:-1][same_piece]
    line_ids = pieces["line_id"].to_numpy()
    highways = pieces["highway_source"].map(lambda r: highway_map.get(r, "unclassified")).to_numpy()
    for a, b, k in zip(u.tolist(), v.tolist(), p.tolist(), strict=True):
        if a == b:
            continue
        attrs = {"osmid": int(line_ids[k]), "highway": highways[k], "oneway": False}
        graph.add_edge(a, b, reversed=False, **attrs)
        graph.add_edge(b, a, reversed=True, **attrs)
    return graph


def graph_from_lines(
    lines: gpd.GeoDataFrame,
    *,
    highway_column: str = "REMARK",
    highway_map: dict[str, str] | None = None,
    tolerance_m: float | None = None,
) -> tuple[nx.MultiDiGraph, GraphReport]:
    """Build a routable osmnx graph from road lines.

    Parameters
    ----------
    lines
        Road lines (LineString or MultiLineString) in any CRS.
    highway_column
        Column holding the road class.
    highway_map
        Road class -> osmnx ``highway`` value; default ``RBI_HIGHWAY``. Unknown classes become
        ``"unclassified"``.
    tolerance_m
        Line ends within this distance of another road are joined to it; default
        ``settings.snap_tolerance_m``.

    Returns
    -------
    graph, report
        A simplified ``networkx.MultiDiGraph`` in EPSG:4326 with node ``x``, ``y``,
        ``street_count`` and edge ``osmid``, ``highway``, ``oneway``, ``reversed``, ``length``
        (metres) and ``geometry`` where an edge bends; and what the noding did.
    """
    tolerance = settings.snap_tolerance_m if tolerance_m is None else tolerance_m
    parts = _line_parts(lines, highway_column)
    snapped_geoms, snapped = _snap_dangling_ends(parts, tolerance)
    parts = parts.set_geometry(gpd.GeoSeries(snapped_geoms, crs=parts.crs, index=parts.index))
    pieces, added = _split_crossings(parts)
    graph = _vertex_graph(pieces, RBI_HIGHWAY if highway_map is None else highway_map)
    graph = ox.distance.add_edge_lengths(graph)
    graph = ox.simplify_graph(graph, edge_attrs_differ=["highway"], track_merged=False)
    graph = nx.convert_node_labels_to_integers(graph, ordering="sorted")
    for _, _, data in graph.edges(data=True):
        if isinstance(data["osmid"], list):
            data["osmid"] = int(data["osmid"][0])
        data["length"] = float(data["length"])
    nx.set_node_attributes(graph, ox.stats.count_streets_per_node(graph), "street_count")
    report = GraphReport(
        lines=len(parts),
        snapped_ends=snapped,
        crossings_split=added,
        component_sizes=component_sizes(graph),
        dead_ends=len(dead_end_nodes(graph)),
    )
    return graph, report


def component_sizes(graph: nx.MultiDiGraph) -> tuple[int, ...]:
    """Node count of every weakly connected component, largest first."""
    return tuple(sorted((len(c) for c in nx.weakly_connected_components(graph)), reverse=True))


def dead_end_nodes(graph: nx.MultiDiGraph) -> list[int]:
    """Nodes with exactly one neighbour (either direction)."""
    return [
        n for n in graph if len(set(graph.successors(n)) | set(graph.predecessors(n)) - {n}) == 1
    ]


def near_miss_ends(graph: nx.MultiDiGraph, tolerance_m: float | None = None) -> int:
    """Dead ends within ``tolerance_m`` of a road they are not on.

    These are the ends the RBI noding joins (its ``snapped_ends``); on a network read as it is
    (OSM) they are counted, not moved.
    """
    tolerance = settings.snap_tolerance_m if tolerance_m is None else tolerance_m
    ends = dead_end_nodes(graph)
    if not ends or graph.number_of_edges() == 0:
        return 0
    edges = ox.convert.graph_to_gdfs(graph, nodes=False, fill_edge_geometry=True).reset_index()
    crs = edges.estimate_utm_crs()
    lines = edges.to_crs(crs)
    xy = np.array([(graph.nodes[n]["x"], graph.nodes[n]["y"]) for n in ends])
    points = gpd.GeoSeries(shapely.points(xy), crs=edges.crs).to_crs(crs)
    pt, line = lines.sindex.query(points, predicate="dwithin", distance=tolerance)
    end_ids = np.asarray(ends)[pt]
    other = (lines["u"].to_numpy()[line] != end_ids) & (lines["v"].to_numpy()[line] != end_ids)
    return len(np.unique(pt[other]))


def network_report(
    graph: nx.MultiDiGraph,
    *,
    dropped_component_sizes: tuple[int, ...] = (),
    network_type: str = "",
) -> GraphReport:
    """Report of a network read as it is (e.g. OSM): components, dead ends, near-miss ends."""
    return GraphReport(
        lines=0,
        snapped_ends=near_miss_ends(graph),
        crossings_split=0,
        component_sizes=component_sizes(graph),
        dead_ends=len(dead_end_nodes(graph)),
        dropped_component_sizes=tuple(dropped_component_sizes),
        network_type=network_type,
    )


def road_length_km(graph: nx.MultiDiGraph) -> float:
    """Length of the road network in km, each two-way road counted once."""
    return ox.stats.edge_length_total(ox.convert.to_undirected(graph)) / 1000.0
