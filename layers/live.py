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


_ARROWS = "↑↗→↘↓↙←↖"


def heading_arrow(heading: float | None) -> str:
    """One of eight arrows for a heading in degrees from north ('' when unknown)."""
    if heading is None or heading != heading:  # None or NaN
        return ""
    return _ARROWS[int(((heading % 360) + 22.5) // 45) % 8]


def status_group(units: Sequence[dict], *, name: str) -> folium.FeatureGroup:
    """What each unit's device last reported, beside the unit: heading arrow and battery.

    ``units`` items have ``lon``, ``lat``, ``label`` (short, e.g. ``↗ 77%``), ``detail`` (the
    popup text) and ``stale``. One GeoJSON layer for all units, so 500 units stay one element.
    """
    group = folium.FeatureGroup(name=name, show=True)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [u["lon"], u["lat"]]},
            "properties": {
                "status": html.escape(u["label"]),
                "detail": html.escape(u["detail"]),
                "stale": bool(u["stale"]),
            },
        }
        for u in units
        if u["label"]
    ]
    if not features:
        return group
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        marker=folium.CircleMarker(radius=1, fill=False, opacity=0),
        tooltip=folium.GeoJsonTooltip(
            fields=["status"], labels=False, permanent=True, direction="left",
            class_name="peta-unit-status",
            style="font:600 10px/1.1 sans-serif;padding:1px 3px;border-radius:3px;",
        ),
        popup=folium.GeoJsonPopup(fields=["detail"], labels=False),
    ).add_to(group)  # fmt: skip
    return group
