"""Waypoints: a place name, a "lon,lat" text or a point, resolved and snapped to the road."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geo import settings
from geo._errors import GeoError, OffNetworkError
from geo.area import Area
from geo.snap import Snap, snap_point, snap_points

_COORDS = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,; ]\s*(-?\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Waypoint:
    """A point the route starts at, passes or ends at.

    Attributes
    ----------
    label
        Place name, or the coordinates as text.
    lon, lat
        The given position (the place, or the coordinates).
    snap
        The position snapped to the nearest road.
    place_id
        Id in the places layer when given by name.
    """

    label: str
    lon: float
    lat: float
    snap: Snap
    place_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary."""
        return {
            "label": self.label,
            "place_id": self.place_id,
            "lon": round(self.lon, 6),
            "lat": round(self.lat, 6),
            "node": self.snap.node,
            "edge": [self.snap.u, self.snap.v, self.snap.key],
            "fraction": round(self.snap.fraction, 6),
            "snap_lon": round(self.snap.lon, 7),
            "snap_lat": round(self.snap.lat, 7),
            "snap_distance_m": round(self.snap.distance_m, 1),
            "street": self.snap.street,
            "kelurahan": self.snap.kelurahan,
        }


def parse_lonlat(text: str) -> tuple[float, float] | None:
    """``"lon,lat"`` as two floats, or None when the text is not a coordinate pair.

    A pair given as ``lat,lon`` (the order map apps copy) is swapped when only that order
    fits: latitude within ±90 and longitude beyond it.
    """
    match = _COORDS.match(text)
    if not match:
        return None
    a, b = float(match.group(1)), float(match.group(2))
    if abs(b) > 90 >= abs(a):
        a, b = b, a
    if not (-180 <= a <= 180 and -90 <= b <= 90):
        return None
    return a, b


#: Words planners use for places whose source names spell them out.
_ALIASES = {"polres": "kantor polisi resor", "polsek": "kantor polisi sektor"}


def find_place(area: Area, name: str) -> pd.Series:
    """The place a name refers to, case-insensitively.

    "Polres"/"Polsek" stand for "Kantor Polisi Resor/Sektor". An exact name (or ``place_id``)
    wins; otherwise a name contained in exactly one place name. Anything else is an error that lists the candidates.

    Raises
    ------
    GeoError
        If the name is unknown or ambiguous.
    """
    places = area.places
    wanted = " ".join(_ALIASES.get(w, w) for w in name.casefold().split())
    if not wanted:
        msg = "Nama tempat kosong."
        raise GeoError(msg)
    names = places["name"].astype(str).map(lambda s: " ".join(s.split()).casefold())
    exact = places[(names == wanted) | (places["place_id"].astype(str).str.casefold() == wanted)]
    if len(exact) == 1:
        return exact.iloc[0]
    if len(exact) > 1:
        _ambiguous(name, exact)
    partial = places[names.str.contains(wanted, regex=False)]
    if len(partial) == 1:
        return partial.iloc[0]
    if len(partial) > 1:
        _ambiguous(name, partial)
    close = difflib.get_close_matches(wanted, names.tolist(), n=5, cutoff=0.5)
    hint = places.loc[names.isin(close), "name"].tolist()
    extra = f" Mungkin maksud Anda: {'; '.join(hint)}." if hint else ""
    msg = f"Tempat tidak dikenal: {name!r}.{extra} Atau beri koordinat 'bujur,lintang'."
    raise GeoError(msg)


def _ambiguous(name: str, rows: pd.DataFrame) -> None:
    listed = "; ".join(
        f"{r['name']} [{r['place_id']}, {r['category']}, {r['kelurahan'] or '-'}]"
        for _, r in rows.head(10).iterrows()
    )
    more = f" (dan {len(rows) - 10} lagi)" if len(rows) > 10 else ""
    msg = (
        f"Nama {name!r} cocok dengan {len(rows)} tempat: {listed}{more}. "
        "Tulis nama lengkapnya atau kode tempat (place_id)."
    )
    raise GeoError(msg)


def _locate(area: Area, spec: str | tuple[float, float]) -> tuple[str, float, float, str | None]:
    """Label, lon, lat and place id of a place name, ``"lon,lat"`` text or pair."""
    if isinstance(spec, tuple):
        lon, lat = float(spec[0]), float(spec[1])
        return f"{lon:.6f},{lat:.6f}", lon, lat, None
    if (pair := parse_lonlat(spec)) is not None:
        lon, lat = pair
        return f"{lon:.6f},{lat:.6f}", lon, lat, None
    row = find_place(area, spec)
    return str(row["name"]), float(row.geometry.x), float(row.geometry.y), str(row["place_id"])


def resolve_waypoint(area: Area, spec: str | tuple[float, float] | Waypoint) -> Waypoint:
    """A waypoint from a place name, a ``"lon,lat"`` text or a ``(lon, lat)`` pair.

    Raises
    ------
    GeoError
        Unknown or ambiguous name.
    OffNetworkError
        The point is too far from every road.
    """
    return resolve_waypoints(area, [spec])[0]


def resolve_waypoints(
    area: Area, specs: Sequence[str | tuple[float, float] | Waypoint]
) -> tuple[Waypoint, ...]:
    """Waypoints from names, ``"lon,lat"`` texts or pairs, snapped in one vectorised call.

    Raises
    ------
    GeoError
        Unknown or ambiguous name.
    OffNetworkError
        A point too far from every road (the message names it).
    """
    located = [None if isinstance(s, Waypoint) else _locate(area, s) for s in specs]
    todo = [i for i, loc in enumerate(located) if loc is not None]
    out: list[Waypoint | None] = [s if isinstance(s, Waypoint) else None for s in specs]
    if todo:
        lon = np.array([located[i][1] for i in todo])
        lat = np.array([located[i][2] for i in todo])
        rows = snap_points(area, lon, lat)
        for k, i in enumerate(todo):
            label, x, y, place_id = located[i]
            row = rows.iloc[k]
            if row["distance_m"] > settings.max_snap_distance_m:
                try:
                    snap_point(area, x, y)
                except OffNetworkError as exc:
                    raise OffNetworkError(f"'{label}': {exc}") from None
            snap = Snap.from_row(area, row)
            out[i] = Waypoint(label, x, y, snap, place_id)
    return tuple(w for w in out if w is not None)
