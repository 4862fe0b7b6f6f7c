"""Shared styles: colours, icons and line weights of the map, the projector and the printed pack.

One module below both ``layers`` (folium) and ``report`` (matplotlib), so that a route, a time
band or a post has the same colour on the screen, the projector and paper. It imports nothing of
ours. The palette is colour-blind safe (Okabe-Ito and Paul Tol's qualitative sets) so a projector in
a bright hall and a reader with a colour-vision deficiency can still tell layers apart.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Okabe-Ito palette.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#6e6e6e",
}

#: Colours of routes: the main route, then its alternatives (map, projector and printed pack).
#: Alternatives are blues, as the legend's "Alternatif": never green (safe havens, reached
#: roads) nor pink. ``geo.formats.ROUTE_COLORS`` (exports) holds the same values (a test).
ROUTE_COLOURS: tuple[str, ...] = (
    OKABE_ITO["vermillion"],
    OKABE_ITO["blue"],
    OKABE_ITO["sky"],
    "#332288",
)

#: Colours of patrol loops.
PATROL_COLOURS: tuple[str, ...] = (
    OKABE_ITO["green"],
    OKABE_ITO["purple"],
    OKABE_ITO["orange"],
    OKABE_ITO["sky"],
    OKABE_ITO["blue"],
)

#: Colours of coverage time bands, soonest first (readable for colour-blind viewers and on a
#: projector); roads beyond the last cutoff are drawn grey and dashed.
#: No band is orange or red: those mean "not reached" (gaps, vermillion).
BAND_COLOURS: tuple[str, ...] = ("#1a9850", "#2c7fb8", "#7b3294", "#e6ab02", "#e7298a")
BEYOND_COLOUR = "#9e9e9e"

#: Venues and TPS on the coverage map: reached (white fill, dark ring: visible on green roads)
#: and not reached.
TARGET_REACHED_COLOUR = "#1b1b1b"
TARGET_GAP_COLOUR = OKABE_ITO["vermillion"]

#: Colour of the police headquarters and its posts (map markers, pack symbols).
POST_COLOUR = "#0b2a5b"

#: Place category -> (Font Awesome icon, colour, shown by default).
CATEGORY_STYLE: dict[str, tuple[str, str, bool]] = {
    "police_hq": ("shield-halved", POST_COLOUR, True),
    "police_sector": ("shield-halved", OKABE_ITO["blue"], True),
    "election_office": ("check-to-slot", OKABE_ITO["purple"], True),
    "venue": ("flag", OKABE_ITO["vermillion"], True),
    "hospital": ("hospital", OKABE_ITO["green"], True),
    "clinic": ("house-medical", "#4d9e86", False),
    "fire_station": ("fire-extinguisher", "#b03a2e", True),
    "military": ("star", "#556b2f", False),
    "prison": ("lock", OKABE_ITO["grey"], False),
    "government": ("building", OKABE_ITO["grey"], False),
    "school": ("school", OKABE_ITO["orange"], False),
    "university": ("graduation-cap", OKABE_ITO["orange"], False),
    "worship": ("place-of-worship", "#8c6d1f", False),
    "terminal": ("bus", "#3b6e8f", False),
    "landmark": ("landmark", "#7a5c99", False),
    "cctv": ("video", OKABE_ITO["sky"], False),
}

#: Road ``highway`` -> (colour, weight) on the light theme; others fall back to "other".
ROAD_STYLE: dict[str, tuple[str, float]] = {
    "trunk": ("#b8412f", 4.0),
    "primary": ("#c8553d", 3.5),
    "secondary": ("#d9822b", 3.0),
    "tertiary": ("#e0b64b", 2.4),
    "residential": ("#8a8a8a", 1.3),
    "other": ("#a0a0a0", 1.0),
}


@dataclass(frozen=True)
class Theme:
    """Map styling for one display situation."""

    name: str
    background: str
    settlement: str
    river: str
    boundary: str
    label_color: str
    label_size_px: int
    weight_scale: float
    marker_scale: float


THEMES: dict[str, Theme] = {
    "light": Theme("light", "#f7f5ef", "#eadfca", "#7fb3d5", "#3d3d3d", "#1f1f1f", 12, 1.0, 1.0),
    "dark": Theme("dark", "#1d2127", "#3a3a33", "#2f5f80", "#d8d8d8", "#f0f0f0", 12, 1.0, 1.0),
    "projector": Theme(
        "projector", "#ffffff", "#efe6d2", "#3b83bd", "#000000", "#000000", 20, 2.0, 1.5
    ),
}


def road_style(highway: str, theme: Theme) -> tuple[str, float]:
    """Colour and weight of a road class in a theme."""
    colour, weight = ROAD_STYLE.get(highway, ROAD_STYLE["other"])
    return colour, weight * theme.weight_scale


def band_colour(band: int, n_cutoffs: int) -> str:
    """Colour of a time band (``n_cutoffs`` = beyond the last cutoff)."""
    if band >= n_cutoffs:
        return BEYOND_COLOUR
    return BAND_COLOURS[min(band, len(BAND_COLOURS) - 1)]
