"""Live-feed layers: a unit's track over the last minutes, and units at a replayed moment.

Builders only draw what the store gave (positions); labels are escaped text.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import folium

from style import OKABE_ITO

TRACK_COLOUR = OKABE_ITO["blue"]
REPLAY_COLOUR = OKABE_ITO["purple"]


def track_group(
    points: Sequence[tuple[str, float, float]], *, name: str, label: str
) -> folium.FeatureGroup:
    """A unit's positions ``(time, lon, lat)`` as a line, oldest to newest, the last one marked."""
    group = folium.FeatureGroup(name=name, show=True)
    if not points:
        return group
    coords = [(lat, lon) for _, lon, lat in points]
    if len(coords) > 1:
        folium.PolyLine(
            coords, color=TRACK_COLOUR, weight=4, opacity=0.8, dash_array="6 4",
            tooltip=html.escape(label),
        ).add_to(group)  # fmt: skip
    for (when, lon, lat), last in zip(points, [False] * (len(points) - 1) + [True], strict=True):
        folium.CircleMarker(
            (lat, lon), radius=5 if last else 2, color=TRACK_COLOUR, fill=True,
            fill_opacity=1.0, tooltip=html.escape(f"{label}: {when}"),
        ).add_to(group)  # fmt: skip
    return group


def replay_group(
    units: Sequence[tuple[str, str, float, float, float]], *, name: str
) -> folium.FeatureGroup:
    """Units ``(unit_id, time, lon, lat, age_s)`` where they were at the replayed moment."""
    group = folium.FeatureGroup(name=name, show=True)
    for unit_id, when, lon, lat, age in units:
        folium.CircleMarker(
            (lat, lon), radius=7, color="#ffffff", weight=2, fill=True,
            fill_color=REPLAY_COLOUR, fill_opacity=1.0 if age < 120 else 0.5,
            tooltip=folium.Tooltip(html.escape(unit_id), permanent=True, direction="right"),
            popup=html.escape(f"{unit_id}: {when}"),
        ).add_to(group)  # fmt: skip
    return group
