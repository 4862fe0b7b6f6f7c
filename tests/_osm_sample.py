"""A small OSM extract the tests write themselves, as .osm, .osm.bz2, .osm.gz and .osm.pbf.

A 4 x 3 grid of junctions near Kota Metro (about 220 m apart) with named and unnamed roads, a
one-way street, and ways osmnx's ``drive`` filter leaves out: a building, a landuse area, a
railway, a footway, a private road, a service road and an ``area=yes`` highway; plus a short
road on its own (a second component), a dead-end lane and a lane that stops 3 m short of
another road (a near miss). ``write_all(folder, origin=...)`` writes the same data elsewhere.
"""

from __future__ import annotations

import bz2
import gzip
from pathlib import Path

import osmium
from osmium.osm.mutable import Node, Way

LON0, LAT0, STEP = 105.300, -5.110, 0.002


def _grid(lon0: float = LON0, lat0: float = LAT0) -> dict[int, tuple[float, float]]:
    nodes = {}
    LON0, LAT0 = lon0, lat0  # noqa: N806
    for row in range(3):
        for col in range(4):
            nodes[1 + row * 4 + col] = (LON0 + col * STEP, LAT0 - row * STEP)
    # building corners, landuse corners, railway, isolated road
    nodes.update(
        {
            101: (LON0 + 0.0005, LAT0 - 0.0005), 102: (LON0 + 0.0008, LAT0 - 0.0005),
            103: (LON0 + 0.0008, LAT0 - 0.0008), 104: (LON0 + 0.0005, LAT0 - 0.0008),
            201: (LON0 + 0.0025, LAT0 - 0.0025), 202: (LON0 + 0.0035, LAT0 - 0.0025),
            203: (LON0 + 0.0035, LAT0 - 0.0035),
            301: (LON0 - 0.001, LAT0 + 0.001), 302: (LON0 + 0.007, LAT0 + 0.001),
            401: (LON0 + 0.010, LAT0 - 0.010), 402: (LON0 + 0.011, LAT0 - 0.010),
            501: (LON0 + 0.0045, LAT0 - 0.0015), 502: (LON0 + 0.0055, LAT0 - 0.0015),
            503: (LON0 + 0.0055, LAT0 - 0.0025), 504: (LON0 + 0.0045, LAT0 - 0.0025),
            601: (LON0 + 0.0075, LAT0 - 0.004), 603: (LON0 + 0.003, LAT0 - 0.00203),
            604: (LON0 + 0.003, LAT0 - 0.004),
        }
    )  # fmt: skip
    return nodes


#: way id -> (node refs, tags)
WAYS: dict[int, tuple[list[int], dict[str, str]]] = {
    1: ([1, 2, 3, 4], {"highway": "primary", "name": "Jl. Jend. Sudirman", "ref": "3"}),
    2: ([5, 6, 7, 8], {"highway": "residential"}),
    3: ([9, 5, 1], {"highway": "secondary", "name": "Jl. A. Yani", "oneway": "yes"}),
    4: ([4, 8, 12], {"highway": "tertiary", "name": "Jl. Imam Bonjol"}),
    5: ([9, 10, 604, 11, 12], {"highway": "residential", "name": "Jl. Kenanga"}),
    6: ([101, 102, 103, 104, 101], {"building": "yes"}),
    7: ([201, 202, 203, 201], {"landuse": "residential"}),
    8: ([301, 302], {"railway": "rail"}),
    9: ([2, 6], {"highway": "footway"}),
    10: ([3, 7], {"highway": "residential", "access": "private", "name": "Jl. Pribadi"}),
    11: ([6, 10], {"highway": "service"}),
    12: ([501, 502, 503, 504, 501], {"highway": "pedestrian", "area": "yes"}),
    13: ([401, 402], {"highway": "residential", "name": "Jl. Terpencil"}),
    14: ([7, 11], {"highway": "service", "service": "parking_aisle"}),
    15: ([12, 601], {"highway": "residential", "name": "Gang Buntu"}),
    16: ([604, 603], {"highway": "residential"}),
}

#: Ways osmnx's filter of each network type keeps (read off osmnx's filter definitions).
KEPT_WAYS = {
    "drive": frozenset({1, 2, 3, 4, 5, 13, 15, 16}),
    "drive_service": frozenset({1, 2, 3, 4, 5, 11, 13, 15, 16}),
    "walk": frozenset({1, 2, 3, 4, 5, 9, 11, 13, 14, 15, 16}),
}
#: Ways of the short road on its own (the smaller component).
ISOLATED_WAYS = frozenset({13})


def osm_xml(origin: tuple[float, float] = (LON0, LAT0), ways: frozenset[int] | None = None) -> str:
    """The extract as OSM XML text (only ``ways`` and their nodes, when given)."""
    chosen = {w: WAYS[w] for w in WAYS if ways is None or w in ways}
    used = {r for refs, _ in chosen.values() for r in refs}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="tests">']
    for nid, (lon, lat) in sorted(_grid(*origin).items()):
        if ways is not None and nid not in used:
            continue
        lines.append(f'  <node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    for wid, (refs, tags) in sorted(chosen.items()):
        lines.append(f'  <way id="{wid}" version="1">')
        lines.extend(f'    <nd ref="{r}"/>' for r in refs)
        lines.extend(f'    <tag k="{k}" v="{v}"/>' for k, v in tags.items())
        lines.append("  </way>")
    lines.append("</osm>")
    return "\n".join(lines) + "\n"


def write_all(
    folder: Path, *, origin: tuple[float, float] = (LON0, LAT0), stem: str = "sample"
) -> dict[str, Path]:
    """Write the extract as ``.osm``, ``.osm.bz2``, ``.osm.gz`` and ``.osm.pbf`` files."""
    text = osm_xml(origin)
    out = {
        "osm": folder / f"{stem}.osm",
        "bz2": folder / f"{stem}.osm.bz2",
        "gz": folder / f"{stem}.osm.gz",
        "pbf": folder / f"{stem}.osm.pbf",
    }
    out["osm"].write_text(text, encoding="utf-8")
    out["bz2"].write_bytes(bz2.compress(text.encode("utf-8")))
    out["gz"].write_bytes(gzip.compress(text.encode("utf-8")))
    writer = osmium.SimpleWriter(str(out["pbf"]), overwrite=True)
    try:
        for nid, (lon, lat) in sorted(_grid(*origin).items()):
            writer.add_node(Node(id=nid, version=1, location=(lon, lat)))
        for wid, (refs, tags) in sorted(WAYS.items()):
            writer.add_way(Way(id=wid, version=1, nodes=refs, tags=tags))
    finally:
        writer.close()
    return out
