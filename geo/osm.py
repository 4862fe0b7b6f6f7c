"""Road networks from OpenStreetMap: online through osmnx, or from a file the user supplies."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import osmium
import osmnx as ox
import requests
import shapely

from geo import settings
from geo._errors import InputFileError, NetworkUnavailableError

#: File suffixes ``graph_from_file`` reads.
NETWORK_SUFFIXES: tuple[str, ...] = (".osm", ".xml", ".pbf", ".graphml")


def configure_osmnx() -> None:
    """Point osmnx's cache at the app's cache folder and make an offline failure fast."""
    ox.settings.cache_folder = str(settings.cache_folder / "osmnx")
    ox.settings.use_cache = True
    ox.settings.requests_timeout = settings.requests_timeout_s
    ox.settings.doh_url_template = None
    # offline, osmnx's Overpass status probe fails and it then sleeps 60 s before trying:
    # skip the probe so "no connection" is said within the request timeout
    ox.settings.overpass_rate_limit = False
    ox.settings.log_console = False


_ONLINE_ERRORS = (
    requests.RequestException,
    ox._errors.InsufficientResponseError,
    ox._errors.ResponseStatusCodeError,
    ConnectionError,
    TimeoutError,
)


def _download(fetch: Callable[[], nx.MultiDiGraph]) -> nx.MultiDiGraph:
    configure_osmnx()
    try:
        return fetch()
    except _ONLINE_ERRORS as exc:
        msg = (
            "Tidak dapat menghubungi server OpenStreetMap (tidak ada koneksi internet?). "
            f"Jaringan jalan bawaan tetap dipakai. Rincian: {type(exc).__name__}"
        )
        raise NetworkUnavailableError(msg) from exc


def graph_from_polygon_online(polygon: shapely.Polygon | shapely.MultiPolygon) -> nx.MultiDiGraph:
    """Download the drivable OSM network inside a polygon (EPSG:4326), cached on disk.

    Raises
    ------
    NetworkUnavailableError
        If the OSM servers cannot be reached or answer with an error.
    """
    return _download(lambda: ox.graph_from_polygon(polygon, network_type="drive", retain_all=True))


def graph_from_place_online(query: str) -> nx.MultiDiGraph:
    """Download the drivable OSM network of a named place (e.g. "Kota Metro, Lampung").

    Raises
    ------
    NetworkUnavailableError
        If the OSM servers cannot be reached or answer with an error.
    """
    return _download(lambda: ox.graph_from_place(query, network_type="drive", retain_all=True))


#: ``highway`` values not driven by police cars or motorbikes (as osmnx's "drive" filter).
NOT_DRIVABLE = frozenset(
    [
        "abandoned",
        "bridleway",
        "bus_guideway",
        "construction",
        "corridor",
        "cycleway",
        "elevator",
        "escalator",
        "footway",
        "no",
        "path",
        "pedestrian",
        "planned",
        "platform",
        "proposed",
        "raceway",
        "razed",
        "steps",
        "track",
    ]
)


def _drivable(way: osmium.osm.Way) -> bool:
    highway = way.tags.get("highway")
    return bool(highway) and highway not in NOT_DRIVABLE


def _pbf_to_xml(pbf: Path, xml: Path) -> int:
    """Write the drivable highway ways of a ``.osm.pbf`` (and their nodes) as OSM XML.

    Two passes, since pyosmium's objects live only during their callback: the first collects
    the node ids of drivable ways, the second writes those nodes and ways (nodes first).
    """
    needed: set[int] = set()
    for way in osmium.FileProcessor(str(pbf), osmium.osm.WAY):
        if _drivable(way):
            needed.update(n.ref for n in way.nodes)
    if not needed:
        return 0
    ways = 0
    writer = osmium.SimpleWriter(str(xml), overwrite=True)
    try:
        for obj in osmium.FileProcessor(str(pbf), osmium.osm.NODE | osmium.osm.WAY):
            if obj.is_node() and obj.id in needed:
                writer.add_node(obj)
            elif obj.is_way() and _drivable(obj):
                writer.add_way(obj)
                ways += 1
    finally:
        writer.close()
    return ways


def _graph_from_pbf(path: Path) -> nx.MultiDiGraph:
    """Graph from an ``.osm.pbf``: pyosmium converts it to OSM XML, osmnx reads that."""
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "roads.osm"
        if _pbf_to_xml(path, xml) == 0:
            msg = f"{path.name}: tidak ada jalan (tag highway) di berkas ini."
            raise InputFileError(msg)
        return ox.graph_from_xml(xml, simplify=True, retain_all=True)


def graph_from_file(path: str | Path) -> nx.MultiDiGraph:
    """Road graph from an OSM XML (``.osm``), ``.osm.pbf`` or GraphML file.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    networkx.MultiDiGraph

    Raises
    ------
    InputFileError
        If the file is missing, of an unknown kind, unreadable, or holds no roads.
    """
    path = Path(path)
    if not path.exists():
        msg = f"Berkas tidak ditemukan: {path}"
        raise InputFileError(msg)
    suffix = path.suffix.lower()
    if suffix not in NETWORK_SUFFIXES:
        msg = f"Jenis berkas jaringan tidak dikenal: {path.name}. Pakai {', '.join(NETWORK_SUFFIXES)}."
        raise InputFileError(msg)
    try:
        if suffix == ".graphml":
            graph = ox.io.load_graphml(path)
        elif suffix == ".pbf":
            graph = _graph_from_pbf(path)
        else:
            graph = ox.graph_from_xml(path, simplify=True, retain_all=True)
    except InputFileError:
        raise
    except (
        ValueError,
        KeyError,
        OSError,
        SyntaxError,
        RuntimeError,
        ox._errors.GraphSimplificationError,
    ) as exc:
        msg = f"{path.name} tidak dapat dibaca sebagai jaringan jalan: {exc}"
        raise InputFileError(msg) from exc
    if graph.number_of_edges() == 0:
        msg = f"{path.name}: tidak ada ruas jalan di berkas ini."
        raise InputFileError(msg)
    return graph
