"""Coverage layers: roads by time band, isochrone areas, gaps, posts, units, responsibility.

Builders only draw what ``geo.coverage`` computed: no travel time is computed here. Names are
text, never HTML: folium's labels go through ``html.escape``, the small layers drawn by
``layers.remote.InlineLayer`` (posts, suggestions, an incident) show their text as text.
Markers are circle markers or labels (no awesome-markers, so nothing loads from a CDN).
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence

import folium
import geopandas as gpd
import pandas as pd
import shapely

from layers.legend import legend
from layers.remote import CODE_CHARS, InlineLayer, Restyle
from style import (
    BEYOND_COLOUR,
    OKABE_ITO,
    POST_COLOUR,
    TARGET_GAP_COLOUR,
    TARGET_REACHED_COLOUR,
    THEMES,
    band_colour,
)

#: Colours of the areas of responsibility (Paul Tol's muted scheme), one per source, cycling.
AOR_COLOURS: tuple[str, ...] = (
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933",
    "#DDCC77", "#CC6677", "#882255", "#AA4499", "#6e6e6e",
)  # fmt: skip

GAP_COLOUR = TARGET_GAP_COLOUR
#: Reached venues and TPS: dark, so they stand out on the green roads of the first band.
COVERED_COLOUR = TARGET_REACHED_COLOUR
UNIT_COLOUR = OKABE_ITO["blue"]
STALE_COLOUR = "#9e9e9e"
SUGGESTED_COLOUR = OKABE_ITO["orange"]
INCIDENT_COLOUR = "#d00000"


def _esc(value: object) -> str:
    return html.escape(str(value))


def road_bands_group(
    bands: gpd.GeoDataFrame,
    *,
    labels: Sequence[str],
    name: str,
    theme: str = "light",
) -> folium.FeatureGroup:
    """Roads coloured by the time band in which they are covered end to end.

    Parameters
    ----------
    bands
        From ``geo.coverage.road_bands`` (``band``, geometry).
    labels
        Label of each band, the last one "beyond the last cutoff" (``geo.coverage.band_labels``).
    name
        Layer name.
    theme
        Theme name.
    """
    scale = THEMES[theme].weight_scale
    n_cutoffs = len(labels) - 1
    group = folium.FeatureGroup(name=name, show=True)
    for band, part in bands[["band", "geometry"]].groupby("band", sort=True):
        colour = band_colour(int(band), n_cutoffs)
        beyond = int(band) >= n_cutoffs
        folium.GeoJson(
            _one_feature(part.geometry.to_numpy()),
            style_function=lambda _, c=colour, b=beyond: {
                "color": c,
                "weight": (2.0 if b else 3.2) * scale,
                "opacity": 0.75 if b else 0.95,
                "dashArray": "4 5" if b else None,
            },
            tooltip=_esc(labels[min(int(band), n_cutoffs)]),
            smooth_factor=1.5,
        ).add_to(group)
    return group


def road_bands_restyle(
    bands: gpd.GeoDataFrame | None,
    *,
    labels: Sequence[str] = (),
    theme: str = "light",
    layer: str = "roads",
) -> folium.FeatureGroup:
    """The served roads recoloured by time band: one code character per road, no geometry.

    The roads layer of the base map (``layers.area.roads_group``) is fetched once; this
    group's script only says which band each road is in (about 2 kB for the whole city), so a
    new post or a unit that moved changes a few kilobytes on the wire.

    Parameters
    ----------
    bands
        From ``geo.coverage.road_bands`` (``band``), one row per ``Area.edges`` row in order;
        ``None`` puts the roads back to their own style.
    labels
        Label of each band, the last one "beyond the last cutoff".
    theme
        Theme name.
    layer
        Name of the remote roads layer.

    Returns
    -------
    folium.FeatureGroup
        Not listed in the layer control (it holds no layer of its own).
    """
    group = folium.FeatureGroup(name="bands", control=False, show=True)
    if bands is None:
        Restyle(layer, None).add_to(group)
        return group
    scale = THEMES[theme].weight_scale
    n_cutoffs = len(labels) - 1
    styles, tips = {}, {}
    for band in range(n_cutoffs + 1):
        beyond = band >= n_cutoffs
        code = CODE_CHARS[band]
        styles[code] = {
            "color": band_colour(band, n_cutoffs),
            "weight": (2.0 if beyond else 3.2) * scale,
            "opacity": 0.75 if beyond else 0.95,
            "dashArray": "4 5" if beyond else None,
        }
        tips[code] = str(labels[band])
    codes = "".join(CODE_CHARS[min(int(b), n_cutoffs)] for b in bands["band"])
    Restyle(layer, codes, styles, tips).add_to(group)
    return group


def _one_feature(lines) -> dict:
    """Lines packed as one GeoJSON feature (no per-road properties: a small map payload)."""
    geometry = json.loads(shapely.to_geojson(shapely.multilinestrings(lines)))
    return {"type": "Feature", "properties": {}, "geometry": geometry}


def isochrone_group(
    isochrones: gpd.GeoDataFrame, *, n_cutoffs: int, name: str, label: str, show: bool = True
) -> folium.FeatureGroup:
    """Isochrone areas (display only), largest first so the smaller draw on top.

    ``label`` is a template with ``{minutes}``.
    """
    group = folium.FeatureGroup(name=name, show=show)
    ordered = isochrones.sort_values("cutoff_min", ascending=False)
    minutes = sorted(isochrones["cutoff_min"])
    for rec in ordered.itertuples():
        if rec.geometry is None or rec.geometry.is_empty:
            continue
        colour = band_colour(minutes.index(rec.cutoff_min), n_cutoffs)
        folium.GeoJson(
            gpd.GeoDataFrame(geometry=[rec.geometry], crs=isochrones.crs),
            style_function=lambda _, c=colour: {
                "color": c,
                "weight": 1,
                "fillColor": c,
                "fillOpacity": 0.12,
                "opacity": 0.6,
            },
            tooltip=_esc(label.format(minutes=f"{rec.cutoff_min:g}")),
            interactive=True,
        ).add_to(group)
    return group


def responsibility_group(
    bands: gpd.GeoDataFrame, *, name: str, tooltip: str, show: bool = False
) -> folium.FeatureGroup:
    """Each source's own area of responsibility: roads coloured by the source reaching them first.

    ``tooltip`` is a template with ``{post}``.
    """
    group = folium.FeatureGroup(name=name, show=show)
    reached = bands[bands["origin"] >= 0]
    for origin, part in reached.groupby("origin", sort=True):
        colour = AOR_COLOURS[int(origin) % len(AOR_COLOURS)]
        post = part["origin_name"].iloc[0]
        folium.GeoJson(
            _one_feature(part.geometry.to_numpy()),
            style_function=lambda _, c=colour: {"color": c, "weight": 3, "opacity": 0.85},
            tooltip=_esc(tooltip.format(post=post)),
            smooth_factor=1.5,
        ).add_to(group)
    return group


def aor_legend_entries(bands: gpd.GeoDataFrame) -> list[tuple[str, str, str]]:
    """Legend rows of the areas of responsibility (one per source reaching some road)."""
    reached = bands[bands["origin"] >= 0].drop_duplicates("origin").sort_values("origin")
    return [
        ("line", AOR_COLOURS[int(o) % len(AOR_COLOURS)], str(n))
        for o, n in zip(reached["origin"], reached["origin_name"], strict=True)
    ]


def _feature(geometry: dict, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _points(frame: pd.DataFrame, columns: dict[str, list]) -> dict:
    """A GeoJSON FeatureCollection of points with the given properties.

    The caller escapes them where folium shows them as HTML; ``InlineLayer`` shows text.
    """
    features = [
        _feature(
            {"type": "Point", "coordinates": [round(float(lon), 6), round(float(lat), 6)]},
            **{k: v[i] for k, v in columns.items()},
        )
        for i, (lon, lat) in enumerate(zip(frame["lon"], frame["lat"], strict=True))
    ]
    return {"type": "FeatureCollection", "features": features}


def targets_group(
    table: pd.DataFrame,
    *,
    name: str,
    tooltip: str,
    kind_labels: dict[str, str],
    risk_labels: dict[str, str],
    theme: str = "light",
) -> folium.FeatureGroup:
    """Venues and TPS: covered ones small and green, gaps large vermillion rings.

    One GeoJSON layer for all points (hundreds of TPS stay light).

    Parameters
    ----------
    table
        From ``geo.coverage.target_table`` (``name``, ``kind``, ``risk``, ``lon``, ``lat``,
        ``covered``, ``time_min``, ``nearest``).
    name
        Layer name.
    tooltip
        Template with ``{name}``, ``{kind}``, ``{risk}``, ``{minutes}``, ``{post}``.
    kind_labels, risk_labels
        Translations of ``kind`` and ``risk``.
    theme
        Theme name.
    """
    scale = THEMES[theme].marker_scale
    group = folium.FeatureGroup(name=name, show=True)
    if table.empty:
        return group
    tips = [
        tooltip.format(
            name=rec.name,
            kind=kind_labels.get(rec.kind, rec.kind),
            risk=risk_labels.get(rec.risk, rec.risk),
            minutes=f"{rec.time_min:.1f}" if rec.time_min != float("inf") else "–",
            post=rec.nearest or "–",
        )
        for rec in table.itertuples(index=False)
    ]
    # style code: covered or gap (c/g), TPS or venue (t/v)
    codes = [
        ("c" if c else "g") + ("t" if k == "tps" else "v")
        for c, k in zip(table["covered"], table["kind"], strict=True)
    ]
    covered = {"radius": 5 * scale, "color": COVERED_COLOUR, "weight": 2}
    gap = {"radius": 9 * scale, "color": GAP_COLOUR, "weight": 4}
    styles = {
        "cv": {**covered, "fillColor": COVERED_COLOUR},
        "ct": {**covered, "fillColor": "#ffffff"},
        "gv": {**gap, "fillColor": GAP_COLOUR},
        "gt": {**gap, "fillColor": "#ffffff"},
    }
    InlineLayer(
        _points(table, {"tip": tips, "s": codes}),
        {"style": {"fill": True, "fillOpacity": 0.9}, "styleBy": "s", "styles": styles,
         "tooltip": ["{tip}"]},
    ).add_to(group)  # fmt: skip
    return group


#: A post's or suggestion's name beside its marker (one CSS for the whole layer, not per marker).
LABEL_CSS = (
    "font:600 11px/1.1 sans-serif;color:#fff;background:{colour};padding:1px 4px;"
    "border-radius:3px;border:1px solid #fff;white-space:nowrap;width:max-content;"
    "transform:translate(-50%,-190%);box-shadow:0 0 2px rgba(0,0,0,.6);"
)


def _named_markers(
    group: folium.FeatureGroup, data: dict, *, marker: dict, styles: dict, colour: str
) -> folium.FeatureGroup:
    """Circle markers with tooltips (``tip``) and, above each, its name (``n``) as a label."""
    InlineLayer(
        data,
        {"style": marker, "styleBy": "s", "styles": styles, "tooltip": ["{tip}"],
         "tooltipOptions": {"sticky": True},
         "labels": {"kind": "label", "textKey": "n", "interactive": False,
                    "style": {"css": LABEL_CSS.format(colour=colour)}}},
    ).add_to(group)  # fmt: skip
    return group


def posts_group(
    posts: pd.DataFrame,
    *,
    name: str,
    tooltip: str,
    kind_labels: dict[str, str],
    selected: int | None = None,
    theme: str = "light",
) -> folium.FeatureGroup:
    """Posts as circle markers with their names (the chosen one ringed in yellow).

    ``posts`` has ``id``, ``name``, ``kind``, ``lon``, ``lat``, ``personnel``, ``profile``,
    ``readiness_min``; ``tooltip`` a template with ``{name}``, ``{kind}``, ``{personnel}``,
    ``{readiness}``.
    """
    scale = THEMES[theme].marker_scale
    group = folium.FeatureGroup(name=name, show=True)
    if posts.empty:
        return group
    tips = [
        tooltip.format(
            name=rec.name,
            kind=kind_labels.get(rec.kind, rec.kind),
            personnel=rec.personnel,
            readiness=f"{rec.readiness_min:g}",
        )
        for rec in posts.itertuples(index=False)
    ]
    # style code: "b" a Polres or Polsek (larger), "s" another post; upper case when chosen
    sizes = ["b" if k in ("polres", "polsek") else "s" for k in posts["kind"]]
    codes = [
        c.upper() if selected is not None and int(i) == int(selected) else c
        for c, i in zip(sizes, posts["id"], strict=True)
    ]
    data = _points(posts, {"tip": tips, "n": [str(n) for n in posts["name"]], "s": codes})
    chosen = {"color": "#ffcc00", "weight": 4}
    styles = {
        "b": {"radius": 9 * scale},
        "s": {"radius": 7 * scale},
        "B": {"radius": 9 * scale, **chosen},
        "S": {"radius": 7 * scale, **chosen},
    }
    marker = {"color": "#ffffff", "weight": 2, "fill": True, "fillColor": POST_COLOUR,
              "fillOpacity": 1.0}  # fmt: skip
    return _named_markers(group, data, marker=marker, styles=styles, colour=POST_COLOUR)


def units_group(
    units: pd.DataFrame,
    *,
    name: str,
    tooltip: str,
    status_labels: dict[str, str],
    simulated: bool = False,
    theme: str = "light",
) -> folium.FeatureGroup:
    """Units at their latest positions, labelled with their ids; stale or unavailable greyed.

    ``units`` has ``unit_id``, ``name``, ``lon``, ``lat``, ``status``, ``stale``, ``age_min``;
    ``tooltip`` a template with ``{unit}``, ``{status}``, ``{age}`` (the popup of a unit; its
    label is the unit id).
    """
    scale = THEMES[theme].marker_scale
    group = folium.FeatureGroup(name=name, show=True)
    if units.empty:
        return group
    live = OKABE_ITO["purple"] if simulated else UNIT_COLOUR
    grey = [
        bool(s) or st != "available" for s, st in zip(units["stale"], units["status"], strict=True)
    ]
    details = [
        _esc(tooltip.format(unit=n, status=status_labels.get(st, st), age=f"{a:.0f}"))
        for n, st, a in zip(units["name"], units["status"], units["age_min"], strict=True)
    ]
    data = _points(
        units,
        {
            "label": [_esc(u) for u in units["unit_id"]],
            "detail": details,
            "colour": [STALE_COLOUR if g else live for g in grey],
            "stale": [bool(s) for s in units["stale"]],
        },
    )
    folium.GeoJson(
        data,
        marker=folium.CircleMarker(radius=6 * scale, fill=True, fill_opacity=1.0),
        style_function=lambda f: {
            "radius": 6 * scale,
            "color": "#ffffff",
            "weight": 2,
            "fillColor": f["properties"]["colour"],
            "fillOpacity": 0.6 if f["properties"]["stale"] else 1.0,
            "dashArray": "3 3" if f["properties"]["stale"] else None,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["label"],
            labels=False,
            permanent=True,
            direction="right",
            class_name="peta-unit",
            style="font:600 10px/1.1 sans-serif;padding:1px 3px;border-radius:3px;",
        ),
        popup=folium.GeoJsonPopup(fields=["detail"], labels=False),
    ).add_to(group)
    return group


def suggestions_group(added: gpd.GeoDataFrame, *, name: str, tooltip: str) -> folium.FeatureGroup:
    """Suggested new posts (placement); ``tooltip`` a template with ``{name}``, ``{gain}``."""
    group = folium.FeatureGroup(name=name, show=True)
    if added.empty:
        return group
    tips = [tooltip.format(name=rec.name, gain=f"{rec.gain_weight:g}") for rec in added.itertuples()]
    data = _points(added, {"tip": tips, "n": [str(n) for n in added["name"]]})
    marker = {"radius": 10, "color": SUGGESTED_COLOUR, "weight": 4, "dashArray": "4 3",
              "fill": True, "fillColor": "#ffffff", "fillOpacity": 0.8}  # fmt: skip
    return _named_markers(group, data, marker=marker, styles={}, colour=SUGGESTED_COLOUR)


def incident_group(
    point: tuple[float, float],
    routes: Sequence[tuple[str, Sequence[tuple[float, float]], str]],
    *,
    name: str,
    label: str,
) -> folium.FeatureGroup:
    """An incident and the routes of the suggested responders.

    Parameters
    ----------
    point
        ``(lat, lon)`` of the incident.
    routes
        ``(label, [(lat, lon), ...], colour)`` per responder, first = suggested dispatch.
    name
        Layer name.
    label
        Tooltip of the incident.
    """
    group = folium.FeatureGroup(name=name, show=True)
    features, styles = [], {}
    for i, (text, coords, colour) in enumerate(routes):
        if len(coords) >= 2:
            line = [[round(float(lon), 6), round(float(lat), 6)] for lat, lon in coords]
            features.append(_feature({"type": "LineString", "coordinates": line}, tip=text, k=i))
            styles[str(i)] = {"color": colour, "weight": 6 if i == 0 else 3,
                              "opacity": 0.95 if i == 0 else 0.7,
                              "dashArray": None if i == 0 else "6 6"}  # fmt: skip
    lat, lon = point
    features.append(
        _feature({"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}, tip=label, k="x")
    )
    styles["x"] = {"radius": 10, "color": "#ffffff", "weight": 3, "fill": True,
                   "fillColor": INCIDENT_COLOUR, "fillOpacity": 1.0}  # fmt: skip
    InlineLayer(
        {"type": "FeatureCollection", "features": features},
        {"styleBy": "k", "styles": styles, "tooltip": ["{tip}"],
         "tooltipOptions": {"sticky": True}},
    ).add_to(group)  # fmt: skip
    return group


def coverage_legend(
    title: str,
    band_labels: Sequence[str],
    extra: Sequence[tuple[str, str, str]],
    *,
    theme: str = "light",
) -> folium.MacroElement:
    """Legend: the time bands (soonest first, then beyond) and the markers shown."""
    n = len(band_labels) - 1
    rows = [("line", band_colour(i, n), label) for i, label in enumerate(band_labels)]
    rows[-1] = ("dash", BEYOND_COLOUR, band_labels[-1])
    return legend(title, [*rows, *extra], theme=theme, position="bottomleft")
