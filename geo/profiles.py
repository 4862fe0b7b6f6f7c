"""Travel profiles: speeds per road class for the vehicles of an operation.

Speeds are Indonesian urban speeds (km/h) for a district town such as Kota Metro, not osmnx's
implicit-limit defaults: mixed traffic with motorbikes, markets and school hours keep patrol cars
well under posted limits, and a motorbike (R2) moves faster than a car (R4) through it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import osmnx as ox

from geo._errors import GeoError


@dataclass(frozen=True)
class Profile:
    """A travel profile.

    Attributes
    ----------
    name
        Short id (``car``, ``motorbike``, ``foot``, ``convoy``).
    label
        Name shown to the user (Bahasa Indonesia).
    speeds
        ``highway`` value -> km/h.
    fallback
        km/h for a road class missing from ``speeds``.
    max_kph
        Cap on any speed, also on an OSM ``maxspeed``.
    """

    name: str
    label: str
    speeds: dict[str, float]
    fallback: float
    max_kph: float


def _speeds(
    trunk: float,
    primary: float,
    secondary: float,
    tertiary: float,
    local: float,
    service: float,
    path: float,
) -> dict[str, float]:
    return {
        "motorway": trunk, "trunk": trunk, "primary": primary, "secondary": secondary,
        "tertiary": tertiary, "unclassified": local, "residential": local,
        "living_street": service, "service": service, "track": path, "path": path,
        "motorway_link": trunk, "trunk_link": primary, "primary_link": secondary,
        "secondary_link": tertiary, "tertiary_link": local,
    }  # fmt: skip


PROFILES: dict[str, Profile] = {
    "car": Profile("car", "Mobil patroli (R4)", _speeds(60, 45, 40, 35, 25, 15, 8), 25, 80),
    "motorbike": Profile(
        "motorbike", "Sepeda motor (R2)", _speeds(60, 50, 45, 40, 30, 20, 12), 30, 80
    ),
    "foot": Profile("foot", "Patroli jalan kaki", _speeds(4.5, 4.5, 4.5, 4.5, 4.5, 4.5, 4), 4.5, 5),
    "convoy": Profile("convoy", "Konvoi pengawalan", _speeds(50, 40, 35, 30, 20, 10, 5), 20, 60),
}


def get_profile(name: str) -> Profile:
    """Profile by name; a clear error lists the known ones."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(PROFILES)
        msg = f"Profil perjalanan tidak dikenal: {name!r}. Pilihan: {known}."
        raise GeoError(msg) from None


def with_travel_times(graph: nx.MultiDiGraph, profile: str | Profile) -> nx.MultiDiGraph:
    """Copy of a graph with ``speed_kph`` and ``travel_time`` (seconds) for a profile.

    Speeds come from ``osmnx.routing.add_edge_speeds`` with the profile's table (an OSM
    ``maxspeed`` is used where present), capped at the profile's ``max_kph``.

    Parameters
    ----------
    graph
        Road graph with edge ``highway`` and ``length``.
    profile
        Profile or its name.

    Returns
    -------
    networkx.MultiDiGraph
    """
    prof = get_profile(profile) if isinstance(profile, str) else profile
    if graph.number_of_edges() == 0:
        msg = "Jaringan jalan tidak punya ruas jalan: tidak ada yang dapat ditempuh."
        raise GeoError(msg)
    out = graph.copy()
    for _, _, data in out.edges(data=True):
        length = data.get("length")
        if length is None or not math.isfinite(float(length)):
            msg = "Sebagian ruas jalan tidak punya panjang (length): jaringan tidak dapat dipakai."
            raise GeoError(msg)
        if not data.get("highway"):
            data["highway"] = "unclassified"
    try:
        ox.routing.add_edge_speeds(out, hwy_speeds=prof.speeds, fallback=prof.fallback)
        for _, _, data in out.edges(data=True):
            speed = float(data.get("speed_kph", math.nan))
            if not math.isfinite(speed) or speed <= 0:
                speed = prof.fallback
            data["speed_kph"] = min(speed, prof.max_kph)
        ox.routing.add_edge_travel_times(out)
    except (ValueError, TypeError, KeyError) as exc:
        msg = f"Kecepatan ruas jalan tidak dapat dihitung untuk profil {prof.name!r}: {exc}"
        raise GeoError(msg) from exc
    out.graph["profile"] = prof.name
    return out
