"""Layers of the area itself: basemap from its own data, boundaries with labels, roads, places."""

from __future__ import annotations

import html

import folium
import geopandas as gpd
from folium.plugins import BeautifyIcon

from style import CATEGORY_STYLE, THEMES, Theme, road_style


def _label_icon(
    text: str, theme: Theme, *, scale: float = 1.0, weight: int = 600
) -> folium.DivIcon:
    size = round(theme.label_size_px * scale)
    halo = "#ffffff" if theme.name != "dark" else "#000000"
    style = (
        f"font-size:{size}px;font-weight:{weight};color:{theme.label_color};white-space:nowrap;"
        f"text-shadow:-1px -1px 0 {halo},1px -1px 0 {halo},-1px 1px 0 {halo},1px 1px 0 {halo};"
        "transform:translate(-50%,-50%);pointer-events:none;"
    )
    return folium.DivIcon(html=f'<div style="{style}">{html.escape(text)}</div>', icon_size=(0, 0))


def basemap_group(
    settlements: gpd.GeoDataFrame, rivers: gpd.GeoDataFrame, *, name: str, theme: str = "light"
) -> folium.FeatureGroup:
    """Offline basemap drawn from the area's settlements and rivers (no tiles, no internet)."""
    th = THEMES[theme]
    group = folium.FeatureGroup(name=name, overlay=False, control=True, show=True)
    if not settlements.empty:
        folium.GeoJson(
            settlements,
            style_function=lambda _: {"fillColor": th.settlement, "fillOpacity": 0.9, "weight": 0},
            interactive=False,
        ).add_to(group)
    if not rivers.empty:
        folium.GeoJson(
            rivers,
            style_function=lambda _: {
                "color": th.river,
                "weight": 2 * th.weight_scale,
                "opacity": 0.9,
            },
            interactive=False,
        ).add_to(group)
    return group


def boundary_group(
    frame: gpd.GeoDataFrame,
    labels: gpd.GeoDataFrame | None,
    *,
    name: str,
    level: str,
    theme: str = "light",
    show: bool = True,
) -> folium.FeatureGroup:
    """Administrative boundaries of one level (kota, kecamatan, kelurahan) with name labels.

    ``labels`` holds one point per polygon with a ``nama`` column (``geo.display.label_points``).
    """
    th = THEMES[theme]
    weight = {"kota": 3.5, "kecamatan": 2.5, "kelurahan": 1.0}[level] * th.weight_scale
    dash = {"kota": None, "kecamatan": "8 4", "kelurahan": "3 4"}[level]
    group = folium.FeatureGroup(name=name, show=show)
    folium.GeoJson(
        frame,
        style_function=lambda _: {
            "color": th.boundary,
            "weight": weight,
            "dashArray": dash,
            "fill": False,
        },
        interactive=False,
    ).add_to(group)
    if labels is not None:
        scale = {"kota": 1.3, "kecamatan": 1.15, "kelurahan": 0.85}[level]
        font_weight = 400 if level == "kelurahan" else 700
        for row in labels.itertuples():
            folium.Marker(
                [row.geometry.y, row.geometry.x],
                icon=_label_icon(str(row.nama), th, scale=scale, weight=font_weight),
                interactive=False,
            ).add_to(group)
    return group


def roads_group(
    roads: gpd.GeoDataFrame, *, name: str, class_names: dict[str, str], theme: str = "light"
) -> folium.FeatureGroup:
    """Roads styled by class (``highway``), with the class and length in a tooltip."""
    th = THEMES[theme]
    frame = roads.assign(
        kelas=roads["highway"].map(lambda h: class_names.get(h, class_names.get("other", h))),
        panjang=roads["length"].map(lambda m: f"{m:,.0f} m".replace(",", ".")),
    )[["highway", "kelas", "panjang", "geometry"]]
    group = folium.FeatureGroup(name=name, show=True)

    def style(feature: dict) -> dict:
        colour, weight = road_style(feature["properties"]["highway"], th)
        return {"color": colour, "weight": weight, "opacity": 0.95}

    folium.GeoJson(
        frame,
        style_function=style,
        tooltip=folium.GeoJsonTooltip(fields=["kelas", "panjang"], labels=False),
        smooth_factor=1.0,
    ).add_to(group)
    return group


def place_popup(name: str, lines: list[str]) -> folium.Popup:
    """Popup whose text is escaped: a place name is text, never HTML."""
    body = "".join(f"<br>{html.escape(line)}" for line in lines if line)
    return folium.Popup(f"<b>{html.escape(name)}</b>{body}", max_width=320)


def places_groups(
    places: gpd.GeoDataFrame,
    *,
    category_names: dict[str, str],
    approximate_label: str,
    theme: str = "light",
) -> list[folium.FeatureGroup]:
    """One layer per place category, each place an icon with its name in an escaped popup.

    A place whose position is ``approximate`` gets a dashed marker and says so.
    """
    th = THEMES[theme]
    groups = []
    for category, (icon, colour, shown) in CATEGORY_STYLE.items():
        rows = places[places["category"] == category]
        if rows.empty:
            continue
        label = category_names.get(category, category)
        group = folium.FeatureGroup(name=f"{label} ({len(rows)})", show=shown)
        for row in rows.itertuples():
            approx = row.position == "approximate"
            shape = "marker" if category in {"police_hq", "police_sector", "venue"} else "circle"
            size = round((30 if shape == "marker" else 22) * th.marker_scale)
            marker_icon = BeautifyIcon(
                icon=icon,
                icon_shape=shape,
                border_color="#ffffff" if not approx else "#000000",
                border_width=3 if approx else 2,
                background_color=colour,
                text_color="#ffffff",
                icon_size=[size, size],
                inner_icon_style=f"font-size:{round(size * 0.5)}px;"
                + ("opacity:.75;" if approx else ""),
                icon_anchor=[size // 2, size if shape == "marker" else size // 2],
            )
            lines = [label, str(row.kelurahan and f"Kel. {row.kelurahan}"), f"Sumber: {row.source}"]
            if approx:
                lines.insert(1, f"⚠ {approximate_label}")
            lines.append(str(row.note or ""))
            tooltip = html.escape(str(row.name)) + (
                f" ({html.escape(approximate_label)})" if approx else ""
            )
            folium.Marker(
                [row.geometry.y, row.geometry.x],
                icon=marker_icon,
                tooltip=tooltip,
                popup=place_popup(str(row.name), lines),
            ).add_to(group)
        groups.append(group)
    return groups
