"""Layers of the briefing (projector) map: routes, points, closures, an info panel, big scale bar.

Builders only draw what ``report.briefing`` computed. Text is escaped; markers are
``CircleMarker``/``DivIcon`` (no CDN assets).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import folium
from branca.element import MacroElement
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from layers.legend import MapHtml
from style import PATROL_COLOURS, ROUTE_COLOURS, THEMES


def info_panel(
    title: str,
    lines: Sequence[str] = (),
    *,
    header: Sequence[str] | None = None,
    rows: Sequence[Sequence[object]] = (),
    theme: str = "projector",
    width_px: int = 560,
    extra: Sequence[tuple[str, Sequence[str], Sequence[Sequence[object]]]] = (),
) -> MacroElement:
    """A box on the right of the map with a heading, lines of text and an optional table.

    Parameters
    ----------
    title
        Heading.
    lines
        Paragraphs (plain text).
    header, rows
        Optional table.
    theme
        Theme name (sizes).
    width_px
        Box width.
    extra
        More tables, each ``(heading, header, rows)``.
    """
    size = max(THEMES[theme].label_size_px - 3, 12)
    esc = html.escape
    body = f'<div style="font-weight:800;font-size:{round(size * 1.2)}px;margin-bottom:4px">{esc(title)}</div>'
    body += "".join(f'<div style="margin:2px 0">{esc(line)}</div>' for line in lines)
    tables = ([("", header, rows)] if header else []) + list(extra)
    for heading, head_row, body_rows in tables:
        if heading:
            body += f'<div style="font-weight:700;margin-top:8px">{esc(heading)}</div>'
        head = "".join(
            f'<th style="text-align:left;padding:2px 6px;background:#1f2d3d;color:#fff">{esc(h)}</th>'
            for h in head_row
        )
        cells = "".join(
            "<tr"
            + (' style="background:#eef1f5"' if i % 2 else "")
            + ">"
            + "".join(f'<td style="padding:2px 6px">{esc(str(c))}</td>' for c in row)
            + "</tr>"
            for i, row in enumerate(body_rows)
        )
        body += (
            f'<table style="border-collapse:collapse;margin-top:6px;font-size:{size - 2}px">'
            f"<tr>{head}</tr>{cells}</table>"
        )
    style = (
        f"position:absolute;top:120px;right:12px;z-index:800;width:{width_px}px;"
        "max-height:calc(100% - 260px);overflow:auto;background:rgba(255,255,255,.95);color:#111;"
        "padding:8px 12px;border:2px solid #111;border-radius:4px;"
        f"font:{size}px/1.35 sans-serif"
    )
    return MapHtml(body, style, "peta-brief-panel")


def big_scale_bar(theme: str = "projector") -> folium.Element:
    """CSS that enlarges Leaflet's scale bar (``control_scale``) for the projector."""
    size = THEMES[theme].label_size_px
    return folium.Element(
        "<style>.leaflet-control-scale-line{font-size:"
        f"{size - 2}px;line-height:1.3;border-width:3px;border-color:#000;color:#000;"
        "background:rgba(255,255,255,.9);padding:1px 6px}"
        ".leaflet-control-scale-line:not(:first-child){display:none}"
        ".leaflet-bottom.leaflet-left .leaflet-control-scale{margin-bottom:12px}</style>"
    )


def routes_group(
    lines: Sequence[BaseGeometry], labels: Sequence[str], *, name: str, theme: str = "projector"
) -> folium.FeatureGroup:
    """A main route (thick, on top) and its alternatives (dashed)."""
    scale = THEMES[theme].weight_scale
    group = folium.FeatureGroup(name=name, show=True)
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if line is None or line.is_empty:
            continue
        coords = [(y, x) for x, y in line.coords]
        main = i == 0
        folium.PolyLine(
            coords, color="#ffffff", weight=(8 if main else 6) * scale, opacity=0.9
        ).add_to(group)
        folium.PolyLine(
            coords,
            color=ROUTE_COLOURS[min(i, len(ROUTE_COLOURS) - 1)],
            weight=(5 if main else 3.5) * scale,
            opacity=1.0,
            dash_array=None if main else "10 8",
            tooltip=html.escape(labels[i]) if i < len(labels) else None,
        ).add_to(group)
    if lines and lines[0] is not None and not lines[0].is_empty:
        start, end = lines[0].coords[0], lines[0].coords[-1]
        for (x, y), fill in ((start, "#ffffff"), (end, "#000000")):
            folium.CircleMarker([y, x], radius=9 * scale, color="#000000", weight=3, fill=True,
                                fill_color=fill, fill_opacity=1.0).add_to(group)  # fmt: skip
    return group


def lines_group(
    lines: Sequence[BaseGeometry],
    labels: Sequence[str],
    *,
    name: str,
    colours: Sequence[str] = PATROL_COLOURS,
    theme: str = "projector",
) -> folium.FeatureGroup:
    """Lines with one colour each (patrol loops)."""
    scale = THEMES[theme].weight_scale
    group = folium.FeatureGroup(name=name, show=True)
    for i, (line, label) in enumerate(zip(lines, labels, strict=True)):
        coords = [(y, x) for x, y in line.coords]
        folium.PolyLine(coords, color="#ffffff", weight=7 * scale, opacity=0.9).add_to(group)
        folium.PolyLine(coords, color=colours[i % len(colours)], weight=4.5 * scale,
                        tooltip=html.escape(label)).add_to(group)  # fmt: skip
    return group


def points_group(
    points: Sequence[tuple[float, float, str]],
    *,
    name: str,
    colour: str,
    radius: float = 8,
    numbered: bool = False,
    labels: bool = False,
    label_colour: str = "#111111",
    first: bool = False,
    theme: str = "projector",
) -> folium.FeatureGroup:
    """Points ``(lon, lat, text)``: circles with a tooltip, numbered or labelled if asked.

    ``first``: their names win over other names where two would cover each other (posts).
    """
    scale = THEMES[theme].marker_scale
    size = THEMES[theme].label_size_px
    group = folium.FeatureGroup(name=name, show=True)
    for i, (lon, lat, text) in enumerate(points, start=1):
        if numbered:
            style = (
                f"font:700 {size - 4}px/1 sans-serif;color:#fff;background:{colour};"
                "border:2px solid #fff;border-radius:50%;width:1.7em;height:1.7em;display:flex;"
                "align-items:center;justify-content:center;transform:translate(-50%,-50%);"
                "box-shadow:0 0 2px #000"
            )
            folium.Marker(
                [lat, lon],
                icon=folium.DivIcon(html=f'<div style="{style}">{i}</div>', icon_size=(0, 0)),
                tooltip=html.escape(text),
            ).add_to(group)
            continue
        folium.CircleMarker([lat, lon], radius=radius * scale, color="#000000", weight=2, fill=True,
                            fill_color=colour, fill_opacity=0.95,
                            tooltip=html.escape(text)).add_to(group)  # fmt: skip
        if labels:
            style = (
                f"font:700 {size - 5}px/1.1 sans-serif;color:{label_colour};white-space:nowrap;"
                # a light box behind the name: readable over the coloured roads on a projector
                "background:rgba(255,255,255,.82);padding:0 4px;border-radius:3px;width:max-content;"
                "transform:translate(12px,-50%)"
            )
            folium.Marker(
                [lat, lon],
                # "peta-label": kept clear of other labels by peta-layers.js (declutter)
                icon=folium.DivIcon(
                    html=f'<div style="{style}">{html.escape(text)}</div>', icon_size=(0, 0),
                    class_name="peta-label peta-label-point" + (" peta-label-first" if first else ""),
                ),
                interactive=False,
            ).add_to(group)
    return group


def closures_group(
    geoms: Sequence[BaseGeometry], names: Sequence[str], *, name: str, theme: str = "projector"
) -> folium.FeatureGroup:
    """Road closures: black dashed outlines over yellow."""
    scale = THEMES[theme].weight_scale
    group = folium.FeatureGroup(name=name, show=True)
    for geom, label in zip(geoms, names, strict=True):
        folium.GeoJson(
            {"type": "Feature", "properties": {}, "geometry": mapping(geom)},
            style_function=lambda _: {
                "color": "#000000",
                "weight": 4 * scale,
                "dashArray": "4 4",
                "fillColor": "#ffd400",
                "fillOpacity": 0.35,
            },
            marker=folium.CircleMarker(
                radius=12 * scale, color="#000", fill_color="#ffd400", fill_opacity=0.6
            ),
            tooltip=html.escape(label),
        ).add_to(group)
    return group
