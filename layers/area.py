"""Layers of the area itself: basemap from its own data, boundaries with labels, roads, places.

The geometry of these layers never changes while the app runs: ``area_bundle`` serialises it
once per area (cached by the caller and served by ``layers.served``), and the group builders
below only write which part of that bundle a layer shows and how (``layers.remote``). Styles,
tooltips and popups are small tables in the user's language and theme; names are text, set
with ``textContent`` in the browser, never HTML.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from layers.remote import RemoteLayer
from layers.served import feature_collection
from style import CATEGORY_STYLE, THEMES, Theme, road_style

#: Bundle parts of the boundary levels and their labels.
LEVELS = ("kota", "kecamatan", "kelurahan")
MARKER_CATEGORIES = {"police_hq", "police_sector", "venue"}


def area_bundle(
    layers: dict[str, gpd.GeoDataFrame], places: gpd.GeoDataFrame, edges_index: pd.Index
) -> dict:
    """Every static layer of an area as GeoJSON, with short property names.

    Parameters
    ----------
    layers
        ``geo.display.display_layers`` plus ``kecamatan_labels``/``kelurahan_labels``.
    places
        ``Area.places`` (``name``, ``category``, ``kelurahan``, ``position``, ``source``,
        ``note``).
    edges_index
        Index of ``Area.edges``: a road's ``i`` is its position there (the order of
        ``geo.coverage`` results), so coverage can recolour the served roads by index.

    Returns
    -------
    dict
        Part name -> FeatureCollection: ``roads``, the boundary levels, ``<level>_labels``,
        ``settlements``, ``rivers``, ``overview`` and ``places_<category>``.
    """
    roads = layers["roads"]
    roads = roads.assign(
        i=edges_index.get_indexer(roads.index),
        m=roads["length"].map(lambda m: f"{m:,.0f}".replace(",", ".")),
    )
    bundle = {
        "roads": feature_collection(roads, {"highway": "h", "name": "n", "m": "m", "i": "i"})
    }
    for level in LEVELS:
        bundle[level] = feature_collection(layers[level], {"nama": "t"})
        labels = layers.get(f"{level}_labels")
        if labels is not None:
            bundle[f"{level}_labels"] = feature_collection(labels, {"nama": "t"})
    for name in ("settlements", "rivers"):
        bundle[name] = feature_collection(layers[name])
    bundle["overview"] = feature_collection(layers["overview"], {"kind": "k"})
    frame = places.assign(
        a=places["position"] == "approximate",
        note=places["note"].fillna("").astype(str),
        kelurahan=places["kelurahan"].fillna("").astype(str),
        source=places["source"].fillna("").astype(str),
    )
    for category in CATEGORY_STYLE:
        rows = frame[frame["category"] == category]
        if not rows.empty:
            bundle[f"places_{category}"] = feature_collection(
                rows,
                {"name": "n", "kelurahan": "k", "source": "s", "note": "o", "a": "a"},
            )
    return bundle


def label_css(theme: Theme, *, scale: float = 1.0, weight: int = 600) -> str:
    """Inline style of a map label (halo for legibility, centred on its point)."""
    size = round(theme.label_size_px * scale)
    halo = "#ffffff" if theme.name != "dark" else "#000000"
    return (
        f"font-size:{size}px;font-weight:{weight};color:{theme.label_color};white-space:nowrap;"
        f"text-shadow:-1px -1px 0 {halo},1px -1px 0 {halo},-1px 1px 0 {halo},1px 1px 0 {halo};"
        "transform:translate(-50%,-50%);pointer-events:none;"
    )


def basemap_group(url: str, *, name: str, theme: str = "light") -> folium.FeatureGroup:
    """Offline basemap drawn from the area's settlements and rivers (no tiles, no internet)."""
    th = THEMES[theme]
    group = folium.FeatureGroup(name=name, overlay=False, control=True, show=True)
    RemoteLayer(
        url,
        "settlements",
        {"style": {"fillColor": th.settlement, "fillOpacity": 0.9, "weight": 0, "stroke": False},
         "interactive": False, "under": True},
    ).add_to(group)  # fmt: skip
    RemoteLayer(
        url,
        "rivers",
        {"style": {"color": th.river, "weight": 2 * th.weight_scale, "opacity": 0.9},
         "interactive": False, "under": True},
    ).add_to(group)  # fmt: skip
    return group


def boundary_group(
    url: str,
    *,
    name: str,
    level: str,
    labels: bool = True,
    theme: str = "light",
    show: bool = True,
) -> folium.FeatureGroup:
    """Administrative boundaries of one level (kota, kecamatan, kelurahan) with name labels."""
    th = THEMES[theme]
    weight = {"kota": 3.5, "kecamatan": 2.5, "kelurahan": 1.0}[level] * th.weight_scale
    dash = {"kota": None, "kecamatan": "8 4", "kelurahan": "3 4"}[level]
    group = folium.FeatureGroup(name=name, show=show)
    RemoteLayer(
        url,
        level,
        {"style": {"color": th.boundary, "weight": weight, "dashArray": dash, "fill": False},
         "interactive": False},
    ).add_to(group)  # fmt: skip
    if labels and level != "kota":
        scale = {"kota": 1.3, "kecamatan": 1.15, "kelurahan": 0.85}[level]
        font_weight = 400 if level == "kelurahan" else 700
        RemoteLayer(
            url,
            f"{level}_labels",
            {"kind": "label", "textKey": "t", "interactive": False,
             "labelClass": f"peta-label-{level}",
             "style": {"css": label_css(th, scale=scale, weight=font_weight)}},
        ).add_to(group)  # fmt: skip
    return group


def roads_group(
    url: str,
    *,
    name: str,
    class_names: dict[str, str],
    theme: str = "light",
    layer_name: str = "roads",
) -> folium.FeatureGroup:
    """Roads styled by class (``highway``), with the street name, class and length in a tooltip.

    ``layer_name`` names the layer in the browser so ``layers.remote.Restyle`` can recolour it.
    """
    th = THEMES[theme]
    classes = ("motorway", "trunk", "primary", "secondary", "tertiary", "unclassified",
               "residential", "service", "track", "path", "living_street", "other")  # fmt: skip
    styles = {}
    for h in classes:
        colour, weight = road_style(h, th)
        styles[h] = {"color": colour, "weight": weight}
    other = styles["other"]
    names = {h: class_names.get(h, class_names.get("other", h)) for h in classes}
    return _group(
        name,
        RemoteLayer(
            url,
            "roads",
            {
                "under": True,  # below the page's own layers (the coverage bands recolour it)
                "style": {**other, "opacity": 0.95},
                "styleBy": "h",
                "styles": styles,
                "tooltip": ["{n} ·", "{h}:", "{m} m"],
                "maps": {"h": names},
                "tooltipOptions": {"sticky": True},
                "name": layer_name,
            },
        ),
    )


def _group(name: str, layer: RemoteLayer, show: bool = True) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=name, show=show)
    layer.add_to(group)
    return group


def places_groups(
    url: str,
    counts: dict[str, int],
    *,
    category_names: dict[str, str],
    approximate_label: str,
    source_label: str = "Sumber",
    theme: str = "light",
) -> list[folium.FeatureGroup]:
    """One layer per place category, each place an icon with its name in a popup.

    A place whose position is ``approximate`` gets a dashed-looking marker and says so.
    ``counts`` is the number of places per category (categories without places are left out).
    """
    th = THEMES[theme]
    groups = []
    for category, (icon, colour, shown) in CATEGORY_STYLE.items():
        n = counts.get(category, 0)
        if not n:
            continue
        label = category_names.get(category, category)
        shape = "marker" if category in MARKER_CATEGORIES else "circle"
        size = round((30 if shape == "marker" else 22) * th.marker_scale)
        options = {
            "icon": icon,
            "iconShape": shape,
            "borderColor": "#ffffff",
            "borderWidth": 2,
            "backgroundColor": colour,
            "textColor": "#ffffff",
            "iconSize": [size, size],
            "innerIconStyle": f"font-size:{round(size * 0.5)}px;",
            "iconAnchor": [size // 2, size if shape == "marker" else size // 2],
        }
        approx = {
            "borderColor": "#000000",
            "borderWidth": 3,
            "innerIconStyle": f"font-size:{round(size * 0.5)}px;opacity:.75;",
        }
        layer = RemoteLayer(
            url,
            f"places_{category}",
            {
                "kind": "beautify",
                "icon": options,
                "alternate": {"key": "a", "options": approx},
                "tooltip": ["{n}", "({a})"],
                "popup": {
                    "title": "{n}",
                    "lines": [label, "⚠ {a}", "Kel. {k}", f"{source_label}: {{s}}", "{o}"],
                },
                "maps": {"a": {"true": approximate_label}},
            },
        )
        groups.append(_group(f"{label} ({n})", layer, show=shown))
    return groups
