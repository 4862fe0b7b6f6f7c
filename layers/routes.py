"""Folium layers of escort and patrol routes: routes, closures, control points, havens.

Builders only draw what ``geo.routing``, ``geo.route_sheet``, ``geo.snapline`` and
``geo.patrol`` computed; every name shown in a tooltip or popup is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import folium
import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, mapping
from shapely.geometry.base import BaseGeometry

from geo.patrol import PatrolRoute
from geo.routing import Closure, Route, RoutePlan
from geo.snapline import SnappedLine
from layers.antpath import AntPath
from style import OKABE_ITO, THEMES
from style import ROUTE_COLOURS as ROUTE_COLORS

#: Colours of the waypoint markers.
WAYPOINT_COLORS = {"origin": "#1a9850", "via": "#fdae61", "destination": "#d73027"}

#: Colour of closures.
CLOSURE_COLOR = "#b2182b"
#: Fill of a traffic-control point by its priority (``geo.route_sheet``: "utama", "biasa").
CONTROL_COLORS = {"utama": "#ffd92f", "biasa": "#ffffbf"}

#: Colours of the stretches by time to the nearest safe haven: within the limit, within twice
#: the limit, beyond.
HAVEN_BANDS = ("#1a9850", "#fdae61", "#d73027")

#: Chokepoint kind -> colour.
CHOKE_COLORS = {"bridge": OKABE_ITO["vermillion"], "articulation": OKABE_ITO["purple"],
                "river": OKABE_ITO["blue"]}  # fmt: skip


def _latlon(line: BaseGeometry) -> list[list[float]]:
    return [[y, x] for x, y, *_ in line.coords]


def _tip(*parts: str) -> str:
    return "<br>".join(html.escape(p) for p in parts if p)


def _minutes(seconds: float, unit: str = "mnt") -> str:
    return f"{seconds / 60:.1f} {unit}"


def route_line(
    route: Route,
    *,
    color: str,
    label: str,
    animated: bool,
    theme: str = "light",
    minute_unit: str = "mnt",
) -> folium.Element:
    """One route: an animated AntPath (main) or a dashed line (alternative)."""
    th = THEMES[theme]
    tip = _tip(label, f"{route.length_m / 1000:.2f} km · "
               f"{_minutes(route.travel_time_s, minute_unit)}")  # fmt: skip
    if animated:
        return AntPath(
            _latlon(route.geometry),
            color=color,
            weight=6 * th.weight_scale,
            opacity=0.9,
            delay=1200,
            dash_array=[12, 24],
            pulse_color="#ffffff",
            tooltip=tip,
        )
    return folium.PolyLine(
        _latlon(route.geometry),
        color=color,
        weight=5 * th.weight_scale,
        opacity=0.85,
        dash_array="10 8",
        tooltip=tip,
    )


def waypoint_markers(
    labels: Sequence[tuple[str, float, float, str]], group: folium.FeatureGroup
) -> None:
    """Markers of ``(label, lon, lat, kind)`` with kind ``origin``, ``via`` or ``destination``."""
    for number, (label, lon, lat, kind) in enumerate(labels, start=1):
        folium.CircleMarker(
            [lat, lon],
            radius=9,
            color="#000000",
            weight=2,
            fill=True,
            fill_color=WAYPOINT_COLORS.get(kind, "#ffffff"),
            fill_opacity=1,
            tooltip=_tip(f"{number}. {label}"),
        ).add_to(group)


def escort_group(
    plan: RoutePlan,
    *,
    name: str,
    main_label: str,
    alt_label: str,
    theme: str = "light",
    minute_unit: str = "mnt",
) -> folium.FeatureGroup:
    """The main route (AntPath), alternatives in distinct dashed colours, and the waypoints.

    Parameters
    ----------
    plan
        The escort plan.
    name
        Layer name.
    main_label
        Tooltip label of the main route.
    alt_label
        Tooltip label of an alternative, formatted with ``{n}``.
    theme
        Map theme.
    """
    group = folium.FeatureGroup(name=name, show=True)
    for i, alt in reversed(list(enumerate(plan.alternatives, start=1))):
        route_line(
            alt,
            color=ROUTE_COLORS[i % len(ROUTE_COLORS)],
            label=alt_label.format(n=i),
            animated=False,
            theme=theme, minute_unit=minute_unit,
        ).add_to(group)
    if not plan.main.geometry.is_empty:
        route_line(
            plan.main, color=ROUTE_COLORS[0], label=main_label, animated=True, theme=theme, minute_unit=minute_unit
        ).add_to(group)
    last = len(plan.waypoints) - 1
    waypoint_markers(
        [
            (w.label, w.lon, w.lat, "origin" if i == 0 else "destination" if i == last else "via")
            for i, w in enumerate(plan.waypoints)
        ],
        group,
    )
    return group


def closures_group(
    closures: Sequence[Closure], *, name: str, always: str = "", theme: str = "light"
) -> folium.FeatureGroup:
    """Closures in red: lines thick, areas hatched by transparency, points as circles."""
    th = THEMES[theme]
    group = folium.FeatureGroup(name=name, show=True)
    for closure in closures:
        window = (
            f"{closure.starts or '…'} – {closure.ends or '…'}"
            if closure.starts or closure.ends
            else always
        )
        tip = _tip(closure.name, window, closure.note)
        geom = closure.geometry
        if geom.geom_type in {"Point", "MultiPoint"}:
            for part in getattr(geom, "geoms", [geom]):
                folium.Circle(
                    [part.y, part.x],
                    radius=closure.radius_m or 30,
                    color=CLOSURE_COLOR,
                    weight=3,
                    fill=True,
                    fill_opacity=0.25,
                    tooltip=tip,
                ).add_to(group)
            continue
        folium.GeoJson(
            mapping(geom),
            style_function=lambda _f: {
                "color": CLOSURE_COLOR,
                "weight": 6 * th.weight_scale,
                "opacity": 0.9,
                "fillColor": CLOSURE_COLOR,
                "fillOpacity": 0.25,
            },
            tooltip=folium.Tooltip(tip),
        ).add_to(group)
    return group


def traffic_control_group(
    points: pd.DataFrame, *, name: str, personnel_label: str, theme: str = "light"
) -> folium.FeatureGroup:
    """Intersections needing traffic control; size grows with the suggested personnel.

    ``points`` is a route sheet's ``traffic_control`` frame.
    """
    th = THEMES[theme]
    group = folium.FeatureGroup(name=f"{name} ({len(points)})", show=True)
    for row in points.itertuples():
        folium.CircleMarker(
            [row.lat, row.lon],
            radius=(4 + 1.5 * row.personnel) * th.marker_scale,
            color="#000000",
            weight=1.5,
            fill=True,
            fill_color=CONTROL_COLORS.get(row.priority, CONTROL_COLORS["biasa"]),
            fill_opacity=0.95,
            tooltip=_tip(
                f"km {row.km:.2f} · {row.eta}",
                f"{row.manoeuvre} · {row.roads}",
                f"{personnel_label}: {row.personnel}",
            ),
        ).add_to(group)
    return group


def chokepoints_group(
    points: pd.DataFrame, *, name: str, kind_names: dict[str, str], theme: str = "light"
) -> folium.FeatureGroup:
    """Chokepoints (graph bridges, articulation points, river crossings) as diamonds."""
    th = THEMES[theme]
    group = folium.FeatureGroup(name=f"{name} ({len(points)})", show=True)
    size = round(16 * th.marker_scale)
    for row in points.itertuples():
        colour = CHOKE_COLORS.get(row.kind, "#000000")
        folium.Marker(
            [row.lat, row.lon],
            icon=folium.DivIcon(
                html=(
                    f'<div style="width:{size}px;height:{size}px;background:{colour};'
                    'transform:rotate(45deg);border:2px solid #fff;box-shadow:0 0 0 1px #000">'
                    "</div>"
                ),
                icon_size=(size, size),
                icon_anchor=(size // 2, size // 2),
            ),
            tooltip=_tip(
                kind_names.get(row.kind, row.kind), row.description, f"km {row.km:.2f} · {row.eta}"
            ),
        ).add_to(group)
    return group


def havens_group(
    stretches: gpd.GeoDataFrame,
    havens: gpd.GeoDataFrame,
    *,
    name: str,
    limit_s: float,
    theme: str = "light",
    minute_unit: str = "mnt",
    max_word: str = "maks.",
) -> folium.FeatureGroup:
    """Stretches coloured by time to the nearest safe haven, and the havens themselves.

    Green within ``limit_s``, orange within twice that, red beyond.
    """
    th = THEMES[theme]
    group = folium.FeatureGroup(name=name, show=True)
    for row in stretches.itertuples():
        band = 0 if row.worst_s <= limit_s else 1 if row.worst_s <= 2 * limit_s else 2
        if row.geometry is None or row.geometry.is_empty:
            continue
        folium.PolyLine(
            _latlon(row.geometry),
            color=HAVEN_BANDS[band],
            weight=12 * th.weight_scale,
            opacity=0.45,
            tooltip=_tip(
                f"km {row.from_km:.2f}–{row.to_km:.2f}",
                f"{row.haven}",
                f"{_minutes(row.time_s, minute_unit)} ({max_word} {_minutes(row.worst_s, minute_unit)})",
            ),
        ).add_to(group)
    used = set(stretches["haven"]) if len(stretches) else set()
    for row in havens.itertuples():
        folium.CircleMarker(
            [row.geometry.y, row.geometry.x],
            radius=(10 if row.name in used else 7) * th.marker_scale,
            color="#ffffff",
            weight=3,
            fill=True,
            fill_color=OKABE_ITO["green"] if row.category == "hospital" else OKABE_ITO["blue"],
            fill_opacity=1,
            tooltip=_tip(str(row.name)),
        ).add_to(group)
    return group


def snapped_group(
    snapped: SnappedLine,
    *,
    name: str,
    drawn_label: str,
    snapped_label: str,
    theme: str = "light",
    minute_unit: str = "mnt",
) -> folium.FeatureGroup:
    """The drawn (or imported) line beside its network route, and the largest deviation."""
    th = THEMES[theme]
    group = folium.FeatureGroup(name=name, show=True)
    folium.PolyLine(
        _latlon(snapped.drawn),
        color="#333333",
        weight=3 * th.weight_scale,
        dash_array="4 6",
        tooltip=_tip(drawn_label),
    ).add_to(group)
    if not snapped.route.geometry.is_empty:
        folium.PolyLine(
            _latlon(snapped.route.geometry),
            color=OKABE_ITO["vermillion"],
            weight=5 * th.weight_scale,
            opacity=0.9,
            tooltip=_tip(
                snapped_label,
                f"{snapped.route.length_m / 1000:.2f} km · {_minutes(snapped.route.travel_time_s, minute_unit)}",
            ),
        ).add_to(group)
    folium.CircleMarker(
        [snapped.deviation_at.y, snapped.deviation_at.x],
        radius=8,
        color=OKABE_ITO["vermillion"],
        fill=False,
        weight=3,
        tooltip=_tip(f"{snapped.max_deviation_m:.0f} m"),
    ).add_to(group)
    return group


def patrol_group(
    patrol: PatrolRoute, *, name: str, theme: str = "light", color: str = OKABE_ITO["blue"],
    minute_unit: str = "mnt",
) -> folium.FeatureGroup:
    """A patrol route (AntPath) with its stops numbered in visiting order."""
    th = THEMES[theme]
    group = folium.FeatureGroup(name=name, show=True)
    if not patrol.route.geometry.is_empty:
        route_line(patrol.route, color=color, label=name, animated=True, theme=theme,
                   minute_unit=minute_unit).add_to(group)  # fmt: skip
    size = round(22 * th.marker_scale)
    for number, stop in enumerate(patrol.stops):
        text = "P" if number == 0 else str(number)
        folium.Marker(
            [stop.lat, stop.lon],
            icon=folium.DivIcon(
                html=(
                    f'<div style="width:{size}px;height:{size}px;border-radius:50%;'
                    f"background:{'#0b2a5b' if number == 0 else color};color:#fff;"
                    f"font:bold {round(size * 0.55)}px/{size}px sans-serif;text-align:center;"
                    f'border:2px solid #fff;box-shadow:0 0 0 1px #000">{text}</div>'
                ),
                icon_size=(size, size),
                icon_anchor=(size // 2, size // 2),
            ),
            tooltip=_tip(f"{text}. {stop.label}"),
        ).add_to(group)
    return group


def line_group(
    lines: Sequence[tuple[str, LineString]], *, name: str, color: str = "#555555"
) -> folium.FeatureGroup:
    """Plain named lines (e.g. an imported route before snapping)."""
    group = folium.FeatureGroup(name=name, show=True)
    for label, line in lines:
        folium.PolyLine(_latlon(line), color=color, weight=3, tooltip=_tip(label)).add_to(group)
    return group
