"""Road networks from OpenStreetMap: online through osmnx, or from a file the user supplies.

A file is read as osmnx reads OSM data: the ways are filtered by osmnx's own network-type filter
(``drive`` by default, ``drive_service``, ``walk``), the same one ``osmnx.graph_from_polygon``
sends to Overpass, then ``osmnx.graph_from_xml`` builds the graph. ``.osm``, ``.osm.bz2``,
``.osm.gz`` and ``.osm.pbf`` all go through pyosmium (libosmium reads each of them), which writes
the filtered ways and their nodes as OSM XML, so the same data gives the same graph in every
format. The largest weakly connected component is kept (as osmnx does); the rest is reported.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import osmium
import osmnx as ox
import requests
import shapely

from geo import settings
from geo._errors import InputFileError, NetworkUnavailableError
from geo.network_check import check_graph, check_network_file

#: File name endings ``graph_from_file`` reads.
NETWORK_SUFFIXES: tuple[str, ...] = (
    ".osm", ".osm.bz2", ".osm.gz", ".osm.pbf", ".pbf", ".xml", ".graphml",
)  # fmt: skip

#: osmnx network types a file may be filtered by.
NETWORK_TYPES: tuple[str, ...] = ("drive", "drive_service", "walk")

#: Default network type (osmnx's).
DEFAULT_NETWORK_TYPE = "drive"


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


def graph_from_polygon_online(
    polygon: shapely.Polygon | shapely.MultiPolygon, *, network_type: str = DEFAULT_NETWORK_TYPE
) -> nx.MultiDiGraph:
    """Download the OSM network of a type inside a polygon (EPSG:4326), cached on disk.

    Raises
    ------
    NetworkUnavailableError
        If the OSM servers cannot be reached or answer with an error.
    """
    _check_type(network_type)
    return _download(
        lambda: ox.graph_from_polygon(polygon, network_type=network_type, retain_all=True)
    )


def graph_from_place_online(
    query: str, *, network_type: str = DEFAULT_NETWORK_TYPE
) -> nx.MultiDiGraph:
    """Download the OSM network of a named place (e.g. "Kota Metro, Lampung").

    Raises
    ------
    NetworkUnavailableError
        If the OSM servers cannot be reached or answer with an error.
    """
    _check_type(network_type)
    return _download(lambda: ox.graph_from_place(query, network_type=network_type, retain_all=True))


# --------------------------------------------------------------------------- way filter

_CLAUSE = re.compile(r'\["([^"]+)"(?:(!?~)"([^"]*)")?\]')


@dataclass(frozen=True)
class WayFilter:
    """osmnx's Overpass way filter of a network type, evaluated on a way's tags.

    Attributes
    ----------
    network_type
        The osmnx network type.
    clauses
        ``(key, op, pattern)``: ``op`` is ``"has"`` (the key must be present), ``"~"`` (present
        and its value matches) or ``"!~"`` (absent, or its value does not match), as Overpass
        evaluates them (an unanchored regular expression search).
    """

    network_type: str
    clauses: tuple[tuple[str, str, re.Pattern[str] | None], ...]

    def accepts(self, tags: Mapping[str, str]) -> bool:
        """Whether a way with these tags is part of the network."""
        for key, op, pattern in self.clauses:
            value = tags.get(key)
            if op == "has":
                if value is None:
                    return False
            elif op == "~":
                if value is None or not pattern.search(value):
                    return False
            elif value is not None and pattern.search(value):
                return False
        return True


def _check_type(network_type: str) -> None:
    if network_type not in NETWORK_TYPES:
        msg = (
            f"Jenis jaringan tidak dikenal: {network_type!r}. Pilihan: {', '.join(NETWORK_TYPES)}."
        )
        raise InputFileError(msg)


def way_filter(network_type: str = DEFAULT_NETWORK_TYPE) -> WayFilter:
    """The way filter osmnx uses for a network type (``osmnx._overpass._get_network_filter``).

    Raises
    ------
    InputFileError
        If the network type is not one of ``NETWORK_TYPES``.
    """
    _check_type(network_type)
    text = ox._overpass._get_network_filter(network_type)
    clauses = []
    pos = 0
    for match in _CLAUSE.finditer(text):
        if match.start() != pos:
            msg = f"Filter osmnx tidak dikenali: {text!r}"
            raise RuntimeError(msg)
        key, op, value = match.groups()
        clauses.append((key, op or "has", re.compile(value) if op else None))
        pos = match.end()
    if pos != len(text):
        msg = f"Filter osmnx tidak dikenali: {text!r}"
        raise RuntimeError(msg)
    return WayFilter(network_type, tuple(clauses))


# --------------------------------------------------------------------------- files


@dataclass(frozen=True)
class FileNetwork:
    """A road graph read from a file, with what was left out.

    Attributes
    ----------
    graph
        The largest weakly connected component, simplified (osmnx ``graph_from_xml``).
    network_type
        The osmnx network type the ways were filtered by (``"graphml"`` for a GraphML file).
    ways, ways_kept
        Ways in the file and ways the filter kept.
    dropped_component_sizes
        Node count of every other component (simplified), largest first.
    """

    graph: nx.MultiDiGraph
    network_type: str
    ways: int
    ways_kept: int
    dropped_component_sizes: tuple[int, ...] = ()


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for suffix in sorted(NETWORK_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    return path.suffix.lower()


def _osmium_format(suffix: str) -> str:
    return {".osm.bz2": "osm.bz2", ".osm.gz": "osm.gz", ".osm.pbf": "pbf", ".pbf": "pbf"}.get(
        suffix, "osm"
    )


def filter_to_xml(path: Path, xml: Path, wanted: WayFilter) -> tuple[int, int]:
    """Write the ways of an OSM file (any format libosmium reads) that pass a filter, as OSM XML.

    Two passes, since pyosmium's objects live only during their callback: the first collects
    the node ids of the kept ways, the second writes those nodes and the ways (nodes first).

    Returns
    -------
    ways, kept
        Ways in the file, ways written.
    """
    source = osmium.io.File(str(path), _osmium_format(_suffix(path)))
    needed: set[int] = set()
    ways = 0
    for way in osmium.FileProcessor(source, osmium.osm.WAY):
        ways += 1
        if wanted.accepts(way.tags):
            needed.update(n.ref for n in way.nodes)
    if not needed:
        return ways, 0
    kept = 0
    written: set[int] = set()
    writer = osmium.SimpleWriter(str(xml), overwrite=True)
    try:
        for obj in osmium.FileProcessor(source, osmium.osm.NODE | osmium.osm.WAY):
            if obj.is_node() and obj.id in needed:
                writer.add_node(obj)
                written.add(obj.id)
            elif obj.is_way() and wanted.accepts(obj.tags):
                writer.add_way(obj)
                kept += 1
    finally:
        writer.close()
    missing = len(needed - written)
    if missing:
        msg = (
            f"{path.name}: {missing} titik jalan dirujuk tetapi tidak ada di berkas (ekstrak "
            "terpotong). Buat ekstrak dengan way utuh, mis. osmium extract --strategy "
            "complete_ways, atau ekspor Overpass dengan simpulnya."
        )
        raise InputFileError(msg)
    return ways, kept


def _no_roads(path: Path, network_type: str) -> InputFileError:
    msg = (
        f"{path.name}: tidak ada jalan untuk jaringan '{network_type}' di berkas ini "
        "(tidak ada way OSM bertag highway yang lolos filter osmnx)."
    )
    return InputFileError(msg)


def _largest(graph: nx.MultiDiGraph) -> tuple[nx.MultiDiGraph, tuple[int, ...]]:
    """Largest weakly connected component (osmnx's choice), and the other components' sizes."""
    largest = ox.truncate.largest_component(graph, strongly=False)
    rest = graph.subgraph(set(graph) - set(largest)).copy()
    sizes: tuple[int, ...] = ()
    if len(rest) and not rest.graph.get("simplified"):  # a saved osmnx GraphML is simplified
        rest = ox.simplify_graph(rest)
        sizes = tuple(sorted((len(c) for c in nx.weakly_connected_components(rest)), reverse=True))
    return largest, sizes


def _from_osm(path: Path, network_type: str) -> FileNetwork:
    wanted = way_filter(network_type)
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "roads.osm"
        ways, kept = filter_to_xml(path, xml, wanted)
        if kept == 0:
            raise _no_roads(path, network_type)
        bidirectional = network_type in ox.settings.bidirectional_network_types
        raw = ox.graph_from_xml(xml, bidirectional=bidirectional, simplify=False, retain_all=True)
    if raw.number_of_edges() == 0:
        raise _no_roads(path, network_type)
    largest, dropped = _largest(raw)
    graph = ox.simplify_graph(largest)
    graph.graph["network_type"] = network_type
    return FileNetwork(graph, network_type, ways, kept, dropped)


def _from_graphml(path: Path) -> FileNetwork:
    graph = ox.io.load_graphml(path)
    if graph.number_of_edges() == 0:
        msg = f"{path.name}: tidak ada ruas jalan di berkas ini."
        raise InputFileError(msg)
    if any("x" not in d or "y" not in d for _, d in graph.nodes(data=True)):
        msg = f"{path.name}: sebagian simpul tidak punya koordinat x/y."
        raise InputFileError(msg)
    check_graph(graph, path.name)  # CRS, finite coordinates on the globe, edge lengths
    if any(d.get("length") is None for _, _, d in graph.edges(data=True)):
        graph = ox.distance.add_edge_lengths(graph)
    for _, _, data in graph.edges(data=True):
        if not data.get("highway"):
            data["highway"] = "unclassified"
    largest, dropped = _largest(graph)
    largest.graph["network_type"] = "graphml"
    return FileNetwork(largest, "graphml", 0, 0, dropped)


def read_network_file(path: str | Path, *, network_type: str = DEFAULT_NETWORK_TYPE) -> FileNetwork:
    """Road graph from an OSM file (``.osm``, ``.osm.bz2``, ``.osm.gz``, ``.osm.pbf``) or GraphML.

    Parameters
    ----------
    path
        The file.
    network_type
        osmnx network type the OSM ways are filtered by: ``"drive"`` (default),
        ``"drive_service"`` or ``"walk"`` (ignored for GraphML, which is taken as it is).

    Returns
    -------
    FileNetwork

    Raises
    ------
    InputFileError
        If the file is missing, of an unknown kind, unreadable, or holds no usable road.
    """
    path = Path(path)
    _check_type(network_type)
    if not path.is_file():
        msg = f"Berkas tidak ditemukan: {path}"
        raise InputFileError(msg)
    suffix = _suffix(path)
    if suffix not in NETWORK_SUFFIXES:
        msg = f"Jenis berkas jaringan tidak dikenal: {path.name}. Pakai {', '.join(NETWORK_SUFFIXES)}."
        raise InputFileError(msg)
    try:
        check_network_file(path, suffix)  # size; XML through defusedxml first
        if suffix == ".graphml":
            return _from_graphml(path)
        return _from_osm(path, network_type)
    except InputFileError:
        raise
    except (
        ValueError,
        KeyError,
        TypeError,
        OSError,
        SyntaxError,
        RuntimeError,
        OverflowError,
        RecursionError,
        AttributeError,
        IndexError,
        nx.NetworkXException,
        ox._errors.GraphSimplificationError,
        osmium.InvalidLocationError,  # a node at lat="nan" (libosmium)
    ) as exc:
        msg = f"{path.name} tidak dapat dibaca sebagai jaringan jalan: {exc}"
        raise InputFileError(msg) from exc


def graph_from_file(
    path: str | Path, *, network_type: str = DEFAULT_NETWORK_TYPE
) -> nx.MultiDiGraph:
    """Road graph of ``read_network_file`` (the largest component, filtered as osmnx does).

    Raises
    ------
    InputFileError
        If the file is missing, of an unknown kind, unreadable, or holds no usable road.
    """
    return read_network_file(path, network_type=network_type).graph
