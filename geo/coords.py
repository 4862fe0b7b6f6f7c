"""Coordinates typed by a user, in either order: ``"lat, lon"`` or ``"lon, lat"``.

Map apps copy "lat, lon"; GIS tools and GeoJSON write "lon, lat". In Kota Metro a latitude is
about −5 and a longitude about 105, so the order can be recognised: a value beyond ±90 can only
be a longitude, and when both could be latitudes the order that falls inside the area's bounds
wins. The result says which order was understood, so the page can tell the user.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from geo._errors import GeoError

#: Orders a pair may be read in.
LAT_LON = "lat,lon"
LON_LAT = "lon,lat"

_NUMBER = r"[+-]?\d+(?:[.,]\d+)?"
_PAIR = re.compile(rf"^\s*\(?\s*({_NUMBER})\s*(?:[,;/]\s*|\s+)({_NUMBER})\s*\)?\s*$")
_DOT_PAIR = re.compile(r"^\s*\(?\s*([+-]?\d+(?:\.\d+)?)\s*[,;]\s*([+-]?\d+(?:\.\d+)?)\s*\)?\s*$")


class CoordinateError(GeoError):
    """Text that is not a coordinate pair (message for the user)."""


@dataclass(frozen=True)
class TypedPoint:
    """A point read from text, and the order it was read in.

    Attributes
    ----------
    lon, lat
        Decimal degrees (EPSG:4326).
    order
        ``"lat,lon"`` or ``"lon,lat"``: how the text gave them.
    ambiguous
        Both orders were possible and neither fell inside the area: ``order`` is the
        map-app convention (lat, lon).
    """

    lon: float
    lat: float
    order: str
    ambiguous: bool = False

    def describe(self) -> str:
        """What was understood, in Bahasa Indonesia (``"lintang −5.11300, bujur 105.30680"``)."""
        first = "lintang, bujur" if self.order == LAT_LON else "bujur, lintang"
        return f"dibaca sebagai {first}: lintang {self.lat:.6f}, bujur {self.lon:.6f}"


def _numbers(text: str) -> tuple[float, float]:
    clean = str(text).replace("\u2212", "-").replace("\u2013", "-").strip()
    match = _DOT_PAIR.match(clean)  # "−5.1130, 105.3068": comma separates, dot is decimal
    if match is None:
        match = _PAIR.match(clean)  # "-5,1130 105,3068": decimal commas, space separates
        if match is None or ("," in clean and " " not in clean.strip() and ";" not in clean):
            msg = (
                f"Koordinat tidak dikenali: {text!r}. Tulis dua angka desimal, mis. "
                "-5.1130, 105.3068 (lintang, bujur) atau 105.3068, -5.1130 (bujur, lintang)."
            )
            raise CoordinateError(msg)
    return float(match.group(1).replace(",", ".")), float(match.group(2).replace(",", "."))


def _inside(lon: float, lat: float, bounds: Sequence[float] | None, margin: float) -> bool:
    if bounds is None:
        return False
    x0, y0, x1, y1 = bounds
    return x0 - margin <= lon <= x1 + margin and y0 - margin <= lat <= y1 + margin


def parse_point(
    text: str, *, bounds: Sequence[float] | None = None, margin_deg: float = 0.5
) -> TypedPoint:
    """Read a typed coordinate pair in either order.

    Parameters
    ----------
    text
        Two decimal numbers: ``"-5.113, 105.3068"``, ``"105.3068,-5.113"``,
        ``"-5,113 105,3068"`` (decimal commas), with ``;`` or spaces between them.
    bounds
        ``(min lon, min lat, max lon, max lat)`` of the area: decides when both orders are
        possible.
    margin_deg
        How far outside ``bounds`` still counts as the area.

    Returns
    -------
    TypedPoint

    Raises
    ------
    CoordinateError
        If the text is not two numbers or no order gives a valid position.
    """
    a, b = _numbers(text)
    candidates = []
    if abs(a) <= 90 and abs(b) <= 180:
        candidates.append(TypedPoint(lon=b, lat=a, order=LAT_LON))
    if abs(b) <= 90 and abs(a) <= 180:
        candidates.append(TypedPoint(lon=a, lat=b, order=LON_LAT))
    if not candidates:
        msg = f"Koordinat di luar jangkauan: {text!r} (lintang ±90, bujur ±180)."
        raise CoordinateError(msg)
    if len(candidates) == 1:
        return candidates[0]
    inside = [c for c in candidates if _inside(c.lon, c.lat, bounds, margin_deg)]
    if len(inside) == 1:
        return inside[0]
    first = candidates[0]
    return TypedPoint(lon=first.lon, lat=first.lat, order=first.order, ambiguous=True)
