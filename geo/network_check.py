"""Checks of a road-network file from outside (OSM XML, GraphML) before and after it is read.

Before: the file's size, and for XML a pass of defusedxml (no DTD, entity expansion or external
entity reaches osmnx's or networkx's parser). After: a graph with a valid CRS, every node with
finite coordinates on the globe, and every edge length a finite non-negative number, so nothing
downstream (projection, routing, coverage) meets NaN, infinity or an unknown CRS.
"""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import numpy as np
import pyproj
import pyproj.exceptions

from geo._errors import InputFileError
from geo._xml import check_xml

#: Largest network file read (a city's OSM extract is a few MB; Lampung's drive network ~40 MB).
MAX_NETWORK_BYTES = 50_000_000

#: Latitudes UTM covers (the app measures in the network's UTM zone).
UTM_SOUTH, UTM_NORTH = -80.0, 84.0

#: Root element each XML network kind must have.
_XML_ROOTS = {".osm": ("osm",), ".xml": ("osm",), ".graphml": ("graphml",)}


def check_network_file(path: Path, suffix: str) -> None:
    """Refuse a network file that is too large, or XML that is malformed or declares entities.

    Parameters
    ----------
    path
        The file.
    suffix
        Its kind (``.osm``, ``.graphml``, ...); compressed and PBF files are read by libosmium.

    Raises
    ------
    InputFileError
    """
    size = path.stat().st_size
    if size > MAX_NETWORK_BYTES:
        msg = (
            f"{path.name}: berkas jaringan terlalu besar ({size / 1e6:.0f} MB; batas "
            f"{MAX_NETWORK_BYTES / 1e6:.0f} MB). Potong wilayahnya (mis. osmium extract)."
        )
        raise InputFileError(msg)
    roots = _XML_ROOTS.get(suffix)
    if roots is None:
        return
    root = check_xml(path, path.name)
    if root not in roots:
        msg = f"{path.name}: elemen akar XML <{root[:40]}>, bukan <{roots[0]}>."
        raise InputFileError(msg)


def _crs(graph: nx.MultiDiGraph, name: str) -> pyproj.CRS:
    raw = graph.graph.get("crs")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        graph.graph["crs"] = "epsg:4326"  # GraphML without a CRS: osmnx's default
        return pyproj.CRS.from_epsg(4326)
    try:
        return pyproj.CRS.from_user_input(raw)
    except (pyproj.exceptions.CRSError, TypeError, ValueError):
        msg = f"{name}: sistem koordinat (crs) tidak dikenal: {str(raw)[:60]!r}."
        raise InputFileError(msg) from None


def check_graph(graph: nx.MultiDiGraph, name: str) -> None:
    """Refuse a graph with an unknown CRS, impossible coordinates or impossible edge lengths.

    Parameters
    ----------
    graph
        As read from the file (osmnx attributes ``x``, ``y``, ``crs``, edge ``length``).
    name
        The file's name, for messages.

    Raises
    ------
    InputFileError
    """
    if not graph.is_directed() or not graph.is_multigraph():
        msg = f"{name}: graf jaringan harus berarah (MultiDiGraph osmnx), bukan tak berarah."
        raise InputFileError(msg)
    crs = _crs(graph, name)
    try:
        xs = np.array([float(d["x"]) for _, d in graph.nodes(data=True)], dtype=float)
        ys = np.array([float(d["y"]) for _, d in graph.nodes(data=True)], dtype=float)
    except KeyError:
        msg = f"{name}: sebagian simpul tidak punya koordinat x/y."
        raise InputFileError(msg) from None
    except (TypeError, ValueError, OverflowError):
        msg = f"{name}: koordinat simpul bukan angka."
        raise InputFileError(msg) from None
    if not (np.isfinite(xs).all() and np.isfinite(ys).all()):
        msg = f"{name}: koordinat simpul tidak terhingga atau NaN."
        raise InputFileError(msg)
    if crs.is_geographic:
        lon, lat = xs, ys
    else:
        try:
            to_wgs84 = pyproj.Transformer.from_crs(crs, 4326, always_xy=True)
            lon, lat = to_wgs84.transform(xs, ys)
        except pyproj.exceptions.ProjError:
            msg = f"{name}: koordinat simpul tidak dapat diubah dari {crs.name} ke WGS 84."
            raise InputFileError(msg) from None
    lon, lat = np.asarray(lon), np.asarray(lat)
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()) or (
        (np.abs(lon) > 180).any() or (lat < UTM_SOUTH).any() or (lat > UTM_NORTH).any()
    ):
        msg = (
            f"{name}: koordinat simpul di luar jangkauan peta (lintang {UTM_SOUTH:.0f}..."
            f"{UTM_NORTH:.0f}, bujur -180...180) untuk crs {crs.to_string()[:40]}; "
            "crs berkas benar?"
        )
        raise InputFileError(msg)
    for _, _, data in graph.edges(data=True):
        length = data.get("length")
        if length is None:
            continue
        try:
            value = float(length)
        except (TypeError, ValueError, OverflowError):
            value = math.nan
        if not math.isfinite(value) or value < 0:
            msg = f"{name}: panjang ruas tidak sah ({str(length)[:30]!r})."
            raise InputFileError(msg)
        data["length"] = value
