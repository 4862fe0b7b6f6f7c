"""Load an area: its road graph, administrative boundaries, places and basemap layers.

The embedded default is Kota Metro (``data/metro``). The road graph is built from the RBI lines
once and cached on disk (``settings.cache_folder``), keyed by the source file's content, so a
restart loads it in milliseconds. Another road network (OSM online, ``.osm``, ``.osm.pbf`` or
GraphML) can replace the RBI graph while the boundaries and places stay those of the area.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import osmnx as ox
import pandas as pd
import shapely
from pyproj import Transformer

from geo import datasets, settings
from geo._errors import AreaDataError
from geo.graph import GraphReport, graph_from_lines, network_report
from geo.osm import DEFAULT_NETWORK_TYPE, read_network_file

# Bump when the graph build changes, so cached graphs are rebuilt.
_BUILD_VERSION = "4"

ATTRIBUTION_RBI = (
    "Jaringan jalan, sungai, permukiman, kantor: © Badan Informasi Geospasial (BIG), RBI 1:50.000"
)
ATTRIBUTION_ADMIN = "Batas wilayah: kode Kemendagri, cahyadsn/wilayah_boundaries (MIT)"
ATTRIBUTION_PEMKOT = "Fasilitas kota, CCTV, landmark: Pemerintah Kota Metro (basis data peta kota)"
ATTRIBUTION_OSM = "Jaringan jalan: © OpenStreetMap contributors (ODbL)"

#: Name shown for a road without a name (the embedded RBI roads have none).
UNNAMED_RBI = "jalan tanpa nama (RBI)"

#: Name shown for an OSM road without ``name`` or ``ref``.
UNNAMED_OSM = "jalan tanpa nama"


@dataclass(frozen=True)
class Area:
    """Everything the app draws and computes on, for one area.

    Attributes
    ----------
    key
        Identity of the area and its network (cache key for the UI).
    title
        Name shown to the user.
    graph
        osmnx-compatible road graph, EPSG:4326.
    report
        How the graph was built and its connected components.
    kota, kecamatan, kelurahan
        Administrative boundaries (EPSG:4326).
    places
        Places layer (see ``geo.places``).
    settlements, rivers
        Basemap layers (may be empty).
    edges
        One row per road (two-way roads once), EPSG:4326: ``u``, ``v``, ``key``, ``highway``,
        ``length``, geometry.
    network_source
        ``"rbi"`` or ``"osm"``.
    attribution
        Credits for every source used.
    network_name
        Name of the loaded network (the file name, ``"OSM (online)"``, or the RBI).
    road_names
        Names planners gave to roads, keyed by edge ``(u, v, key)`` (either direction):
        shown wherever a street name is shown, before the OSM name.
    """

    key: str
    title: str
    graph: nx.MultiDiGraph
    report: GraphReport
    kota: gpd.GeoDataFrame
    kecamatan: gpd.GeoDataFrame
    kelurahan: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    settlements: gpd.GeoDataFrame
    rivers: gpd.GeoDataFrame
    edges: gpd.GeoDataFrame
    network_source: str = "rbi"
    attribution: tuple[str, ...] = field(default_factory=tuple)
    network_name: str = "RBI BIG"
    road_names: dict[tuple[int, int, int], str] = field(default_factory=dict)

    @cached_property
    def crs_metric(self) -> str:
        """Metric CRS for lengths and distances: the UTM zone of the network's position."""
        return metric_crs_of(self.graph)

    @cached_property
    def covers_area(self) -> bool:
        """Whether the road network overlaps the area's city boundary."""
        if self.edges.empty:
            return False
        minx, miny, maxx, maxy = self.edges.total_bounds
        box = shapely.box(minx, miny, maxx, maxy)
        return bool(self.kota.intersects(box).any())

    @cached_property
    def edges_metric(self) -> gpd.GeoDataFrame:
        """``edges`` in the metric CRS, with its spatial index built (cached)."""
        metric = self.edges.to_crs(self.crs_metric)
        metric.sindex  # noqa: B018  (build the spatial index once)
        return metric

    @property
    def road_km(self) -> float:
        """Road length in km: the sum of ``edges`` (each two-way road once)."""
        return float(self.edges["length"].sum()) / 1000.0


def metric_crs_of(graph: nx.MultiDiGraph) -> str:
    """UTM CRS of a graph's position (``estimate_utm_crs`` of its nodes), as ``"EPSG:…"``."""
    if graph.number_of_nodes() == 0:
        return settings.crs_metric
    xs = [d["x"] for _, d in graph.nodes(data=True)]
    ys = [d["y"] for _, d in graph.nodes(data=True)]
    box = shapely.box(min(xs), min(ys), max(xs), max(ys))
    crs = gpd.GeoSeries([box], crs=graph.graph.get("crs", settings.crs_geographic))
    return crs.estimate_utm_crs().to_string()


def street_name(value: object) -> str | None:
    """An OSM ``name``/``ref`` edge value as text (simplified edges hold lists), or None."""
    if isinstance(value, list | tuple | set):
        parts = [str(v).strip() for v in value if isinstance(v, str) and v.strip()]
        return " / ".join(sorted(dict.fromkeys(parts))) or None
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _road_key(u: int, v: int, length: float) -> tuple[int, int, float]:
    return (min(u, v), max(u, v), round(float(length), 1))


def undirected_edges(graph: nx.MultiDiGraph) -> gpd.GeoDataFrame:
    """Edges of a graph as a GeoDataFrame with each two-way road once.

    An edge and its reverse are the same road (same ends, same length), whatever their
    ``reversed`` flags say (a simplified edge may carry both). Columns: ``u``, ``v``, ``key``,
    ``highway``, ``length``, ``name`` (OSM ``name``, else ``ref``, else None), ``ref``,
    geometry.
    """
    edges = ox.convert.graph_to_gdfs(graph, nodes=False, fill_edge_geometry=True).reset_index()
    if "reversed" in edges.columns:
        rev = edges["reversed"].map(lambda r: bool(r[0]) if isinstance(r, list) else bool(r))
        edges = edges.iloc[np.argsort(rev.to_numpy(), kind="stable")]
    road = [
        _road_key(u, v, n) for u, v, n in zip(edges["u"], edges["v"], edges["length"], strict=True)
    ]
    edges = edges[~pd.Series(road, index=edges.index).duplicated().to_numpy()].sort_index()
    edges["highway"] = edges["highway"].map(lambda h: h[0] if isinstance(h, list) else h)
    for col in ("name", "ref"):
        edges[col] = edges[col].map(street_name) if col in edges.columns else None
    edges["name"] = edges["name"].where(edges["name"].notna(), edges["ref"])
    cols = ["u", "v", "key", "highway", "length", "name", "ref", "geometry"]
    return edges[cols].reset_index(drop=True)


def _read(name: str, area: str) -> gpd.GeoDataFrame:
    try:
        frame = gpd.read_file(datasets.get_path(name, area))
    except (OSError, ValueError) as exc:
        msg = f"Lapisan {name!r} wilayah {area!r} tidak dapat dibaca: {exc}"
        raise AreaDataError(msg) from exc
    return frame.to_crs(settings.crs_geographic)


def _file_digest(path: Path) -> str:
    return hashlib.sha1(path.read_bytes(), usedforsecurity=False).hexdigest()[:16]


def _cached(key: str, build):
    """Load a pickled object from the cache folder, or build and store it."""
    path = settings.cache_folder / f"{key}.pickle"
    if path.exists():
        try:
            with path.open("rb") as f:
                return pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            path.unlink(missing_ok=True)
    value = build()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as f:
        pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return value


def build_rbi_graph(area: str = "metro") -> tuple[nx.MultiDiGraph, GraphReport]:
    """Road graph of an embedded area from its RBI lines, cached on disk."""
    roads_path = datasets.get_path("roads", area)
    key = f"graph-{area}-{_file_digest(roads_path)}-{settings.snap_tolerance_m}-v{_BUILD_VERSION}"
    return _cached(key, lambda: graph_from_lines(gpd.read_file(roads_path)))


def load_area(
    area: str = "metro",
    *,
    network: str | Path | None = None,
    network_type: str = DEFAULT_NETWORK_TYPE,
) -> Area:
    """Load an embedded area with its RBI road graph, or with a road network from a file.

    Parameters
    ----------
    area
        Embedded area name (a folder of ``data/``).
    network
        Optional ``.osm``, ``.osm.bz2``, ``.osm.gz``, ``.osm.pbf`` or ``.graphml`` file whose
        road network replaces the RBI one (parsed once, then cached by the file's content).
    network_type
        osmnx network type the OSM ways are filtered by (``drive``, ``drive_service``,
        ``walk``).

    Returns
    -------
    Area

    Raises
    ------
    AreaDataError
        If the area or one of its layers is missing or unreadable.
    InputFileError
        If the network file is unreadable or holds no usable road.
    """
    if area not in datasets.available_areas():
        known = ", ".join(datasets.available_areas())
        msg = f"Wilayah tidak dikenal: {area!r}. Yang ada: {known}."
        raise AreaDataError(msg)
    graph, report = build_rbi_graph(area)
    kota = _read("kota", area)
    embedded = Area(
        key=f"{area}:rbi",
        title=str(kota["nama"].iloc[0]),
        graph=graph,
        report=report,
        kota=kota,
        kecamatan=_read("kecamatan", area),
        kelurahan=_read("kelurahan", area),
        places=_read("places", area),
        settlements=_read("settlements", area),
        rivers=_read("rivers", area),
        edges=undirected_edges(graph),
        network_source="rbi",
        attribution=(ATTRIBUTION_RBI, ATTRIBUTION_ADMIN, ATTRIBUTION_PEMKOT),
    )
    if network is None:
        return embedded
    path = Path(network)
    if not path.exists():
        msg = f"Berkas jaringan tidak ditemukan: {path}"
        raise AreaDataError(msg)
    digest = _file_digest(path)
    key = f"network-{digest}-{network_type}-v{_BUILD_VERSION}"
    read = _cached(key, lambda: read_network_file(path, network_type=network_type))
    source = "file" if path.suffix.lower() == ".graphml" else "osm"
    return with_network(
        embedded,
        read.graph,
        source=source,
        label=f"{digest}-{read.network_type}",
        name=f"{path.name} ({read.network_type})",
        dropped_component_sizes=read.dropped_component_sizes,
    )


def with_network(
    area: Area,
    graph: nx.MultiDiGraph,
    *,
    source: str,
    label: str,
    name: str | None = None,
    dropped_component_sizes: tuple[int, ...] = (),
) -> Area:
    """Return the same area with another road network (e.g. from OSM).

    Parameters
    ----------
    area
        The area whose boundaries and places stay.
    graph
        osmnx graph in EPSG:4326 (projected graphs are unprojected first).
    source
        ``"osm"`` or another short name of the network's origin.
    label
        Distinguishes this network in the area's key (e.g. a file digest).
    name
        Name of the network shown to the user (default: the source).
    dropped_component_sizes
        Components left out when the network was read (reported, not drawn).

    Returns
    -------
    Area
        Titled by the area when the network overlaps its boundary, else by the network.
    """
    if ox.projection.is_projected(graph.graph.get("crs", settings.crs_geographic)):
        graph = ox.projection.project_graph(graph, to_latlong=True)
    report = network_report(
        graph,
        dropped_component_sizes=dropped_component_sizes,
        network_type=str(graph.graph.get("network_type", "")),
    )
    attribution = tuple(a for a in area.attribution if a != ATTRIBUTION_RBI)
    credits = (ATTRIBUTION_OSM,) if source == "osm" else ()
    network_name = name or ("OpenStreetMap" if source == "osm" else source)
    out = replace(
        area,
        key=f"{area.key.split(':')[0]}:{source}:{label}",
        graph=graph,
        report=report,
        edges=undirected_edges(graph),
        network_source=source,
        attribution=(*credits, ATTRIBUTION_RBI.replace("Jaringan jalan, ", ""), *attribution),
        network_name=network_name,
    )
    if not out.covers_area:
        out = replace(out, title=f"Jaringan {network_name} (di luar {area.title})")
    return out


def with_road_names(
    area: Area,
    names: dict[tuple[int, int, int], str | tuple[str, float, float]],
    *,
    tolerance_m: float = 10.0,
) -> Area:
    """The same area with planners' road names.

    Parameters
    ----------
    area
        The area with its loaded network.
    names
        Edge ``(u, v, key)`` (either direction) -> name, or -> ``(name, lon, lat)`` with the
        road's midpoint when it was named: a name whose edge no longer passes within
        ``tolerance_m`` of that point (a rebuilt network) is left out.
    tolerance_m
        How far the saved midpoint may lie from the edge.

    Returns
    -------
    Area
    """
    kept: dict[tuple[int, int, int], str] = {}
    metric = area.edges_metric
    index = {
        (int(u), int(v), int(k)): i
        for i, (u, v, k) in enumerate(zip(metric["u"], metric["v"], metric["key"], strict=True))
    }
    to_metric = Transformer.from_crs(settings.crs_geographic, area.crs_metric, always_xy=True)
    for (u, v, k), value in names.items():
        row = index.get((u, v, k), index.get((v, u, k)))
        if row is None:
            continue
        if isinstance(value, str):
            kept[(u, v, k)] = value
            continue
        name, lon, lat = value
        x, y = to_metric.transform(lon, lat)
        if metric.geometry.iloc[row].distance(shapely.Point(x, y)) <= tolerance_m:
            kept[(u, v, k)] = name
    return replace(area, road_names=kept)


def road_midpoint(area: Area, u: int, v: int, key: int) -> tuple[float, float]:
    """Midpoint (lon, lat) of a road along its line, to store with a planner's name."""
    edges = area.edges_metric
    hit = edges[
        ((edges["u"] == u) & (edges["v"] == v) | (edges["u"] == v) & (edges["v"] == u))
        & (edges["key"] == key)
    ]
    if hit.empty:
        msg = f"Ruas jalan {u}-{v} tidak ada di jaringan yang dimuat."
        raise AreaDataError(msg)
    mid = hit.geometry.iloc[0].interpolate(0.5, normalized=True)
    point = gpd.GeoSeries([mid], crs=area.crs_metric).to_crs(settings.crs_geographic).iloc[0]
    return float(point.x), float(point.y)


def display_road_names(area: Area) -> pd.Series:
    """The name shown for each row of ``area.edges`` (planner's, OSM's, or "tanpa nama")."""
    return pd.Series(
        [
            road_name(area, int(u), int(v), int(k), n if isinstance(n, str) else None)
            for u, v, k, n in zip(
                area.edges["u"], area.edges["v"], area.edges["key"], area.edges["name"], strict=True
            )
        ],
        index=area.edges.index,
    )


def road_name(area: Area, u: int, v: int, key: int, osm_name: str | None = None) -> str:
    """Name of a road: a planner's name, else its OSM ``name``/``ref``, else "tanpa nama"."""
    named = area.road_names.get((u, v, key)) or area.road_names.get((v, u, key))
    if named:
        return named
    if osm_name:
        return osm_name
    return UNNAMED_RBI if area.network_source == "rbi" else UNNAMED_OSM


def kelurahan_at(area: Area, lon: float, lat: float) -> str | None:
    """Name of the kelurahan containing a point, or None outside the area."""
    point = shapely.Point(lon, lat)
    hits = area.kelurahan.sindex.query(point, predicate="within")
    if len(hits) == 0:
        hits = area.kelurahan.sindex.query(point, predicate="intersects")
    return str(area.kelurahan["nama"].iloc[int(hits[0])]) if len(hits) else None
