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
import osmnx as ox
import shapely

from geo import datasets, settings
from geo._errors import AreaDataError
from geo.graph import GraphReport, graph_from_lines
from geo.osm import graph_from_file

# Bump when the graph build changes, so cached graphs are rebuilt.
_BUILD_VERSION = "3"

ATTRIBUTION_RBI = (
    "Jaringan jalan, sungai, permukiman, kantor: © Badan Informasi Geospasial (BIG), RBI 1:50.000"
)
ATTRIBUTION_ADMIN = "Batas wilayah: kode Kemendagri, cahyadsn/wilayah_boundaries (MIT)"
ATTRIBUTION_PEMKOT = "Fasilitas kota, CCTV, landmark: Pemerintah Kota Metro (basis data peta kota)"
ATTRIBUTION_OSM = "Jaringan jalan: © OpenStreetMap contributors (ODbL)"


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

    @property
    def crs_metric(self) -> str:
        """Metric CRS for lengths and distances in this area."""
        return settings.crs_metric

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


def undirected_edges(graph: nx.MultiDiGraph) -> gpd.GeoDataFrame:
    """Edges of a graph as a GeoDataFrame with each two-way road once."""
    edges = ox.convert.graph_to_gdfs(graph, nodes=False, fill_edge_geometry=True).reset_index()
    if "reversed" in edges.columns:
        rev = edges["reversed"].map(lambda r: bool(r[0]) if isinstance(r, list) else bool(r))
        edges = edges[~rev]
    edges["highway"] = edges["highway"].map(lambda h: h[0] if isinstance(h, list) else h)
    return edges[["u", "v", "key", "highway", "length", "geometry"]].reset_index(drop=True)


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


def load_area(area: str = "metro", *, network: str | Path | None = None) -> Area:
    """Load an embedded area with its RBI road graph, or with a road network from a file.

    Parameters
    ----------
    area
        Embedded area name (a folder of ``data/``).
    network
        Optional ``.osm``, ``.osm.pbf`` or ``.graphml`` file whose road network replaces the
        RBI one (parsed once, then cached by the file's content).

    Returns
    -------
    Area

    Raises
    ------
    AreaDataError
        If the area or one of its layers is missing or unreadable.
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
    file_graph = _cached(f"network-{digest}-v{_BUILD_VERSION}", lambda: graph_from_file(path))
    source = "file" if path.suffix.lower() == ".graphml" else "osm"
    return with_network(embedded, file_graph, source=source, label=digest)


def with_network(area: Area, graph: nx.MultiDiGraph, *, source: str, label: str) -> Area:
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

    Returns
    -------
    Area
    """
    if ox.projection.is_projected(graph.graph.get("crs", settings.crs_geographic)):
        graph = ox.projection.project_graph(graph, to_latlong=True)
    sizes = sorted((len(c) for c in nx.weakly_connected_components(graph)), reverse=True)
    report = GraphReport(lines=0, snapped_ends=0, crossings_split=0, component_sizes=tuple(sizes))
    attribution = tuple(a for a in area.attribution if a != ATTRIBUTION_RBI)
    credits = (ATTRIBUTION_OSM,) if source == "osm" else ()
    return replace(
        area,
        key=f"{area.key.split(':')[0]}:{source}:{label}",
        graph=graph,
        report=report,
        edges=undirected_edges(graph),
        network_source=source,
        attribution=(*credits, ATTRIBUTION_RBI.replace("Jaringan jalan, ", ""), *attribution),
    )


def kelurahan_at(area: Area, lon: float, lat: float) -> str | None:
    """Name of the kelurahan containing a point, or None outside the area."""
    point = shapely.Point(lon, lat)
    hits = area.kelurahan.sindex.query(point, predicate="within")
    if len(hits) == 0:
        hits = area.kelurahan.sindex.query(point, predicate="intersects")
    return str(area.kelurahan["nama"].iloc[int(hits[0])]) if len(hits) else None
