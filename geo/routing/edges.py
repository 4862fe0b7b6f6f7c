"""Edge geometry of a compiled network in the metric CRS, cached per graph."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo._errors import GeoError
from geo.area import Area, street_name
from geo.network import (
    CompiledNetwork,
)


@dataclass(frozen=True, eq=False)
class EdgeTable:
    """Geometry and identity of every directed edge of a graph, in compiled-edge order.

    Attributes
    ----------
    u, v, key
        Graph node ids and key of each directed edge.
    geometry
        Edge line oriented from ``u`` to ``v`` (EPSG:4326).
    geometry_metric
        The same in the area's metric CRS.
    road
        Integer id of the road an edge belongs to (an edge and its reverse share it).
    highway
        Road class of each edge.
    tree
        Spatial index over ``geometry_metric``.
    name
        Street name of each edge (OSM ``name``, else ``ref``), or None.
    to_geographic
        Coordinates (n x 2) from the metric CRS to EPSG:4326.
    """

    u: np.ndarray
    v: np.ndarray
    key: np.ndarray
    geometry: np.ndarray
    geometry_metric: np.ndarray
    road: np.ndarray
    highway: np.ndarray
    tree: shapely.STRtree
    name: np.ndarray
    to_geographic: Any


_EDGE_TABLES: weakref.WeakKeyDictionary[nx.MultiDiGraph, EdgeTable] = weakref.WeakKeyDictionary()


def edge_table(area: Area, net: CompiledNetwork) -> EdgeTable:
    """Geometry of every directed edge of the network (cached per graph).

    Parameters
    ----------
    area
        The area whose graph the network was compiled from.
    net
        Compiled network (its edge arrays follow the graph's edge order).

    Returns
    -------
    EdgeTable
    """
    table = _EDGE_TABLES.get(area.graph)
    if table is None:
        table = _build_edge_table(area)
        _EDGE_TABLES[area.graph] = table
    if len(table.u) != len(net.edge_u) or not np.array_equal(table.u, net.nodes[net.edge_u]):
        msg = "Jaringan terkompilasi tidak berasal dari graf wilayah ini."
        raise GeoError(msg)
    return table


def _build_edge_table(area: Area) -> EdgeTable:
    graph = area.graph
    us, vs, keys, geoms, hws, road_keys, names = [], [], [], [], [], [], []
    for u, v, k, data in graph.edges(keys=True, data=True):
        geom = data.get("geometry")
        if geom is None:
            a, b = graph.nodes[u], graph.nodes[v]
            geom = LineString([(a["x"], a["y"]), (b["x"], b["y"])])
        hw = data.get("highway", "")
        us.append(u)
        vs.append(v)
        keys.append(k)
        geoms.append(geom)
        hws.append(hw[0] if isinstance(hw, list) else hw)
        names.append(street_name(data.get("name")) or street_name(data.get("ref")))
        road_keys.append((min(u, v), max(u, v), round(float(data.get("length", 0.0)), 1)))
    geometry = np.array(geoms, dtype=object)
    to_metric = Transformer.from_crs(settings.crs_geographic, area.crs_metric, always_xy=True)
    to_lonlat = Transformer.from_crs(area.crs_metric, settings.crs_geographic, always_xy=True)
    metric = shapely.transform(geometry, lambda xy: np.column_stack(to_metric.transform(*xy.T)))
    road = pd.factorize(pd.Series(road_keys, dtype=object))[0].astype(np.int64)
    return EdgeTable(
        u=np.array(us, dtype=np.int64),
        v=np.array(vs, dtype=np.int64),
        key=np.array(keys, dtype=np.int64),
        geometry=geometry,
        geometry_metric=metric,
        road=road,
        highway=np.array(hws, dtype=object),
        tree=shapely.STRtree(metric),
        name=np.array(names, dtype=object),
        to_geographic=lambda xy: np.column_stack(to_lonlat.transform(*xy.T)),
    )


def _to_metric(area: Area, geoms: Sequence[BaseGeometry] | np.ndarray) -> np.ndarray:
    series = gpd.GeoSeries(list(geoms), crs=settings.crs_geographic).to_crs(area.crs_metric)
    return series.to_numpy()
