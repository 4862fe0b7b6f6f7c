"""The base map every page starts from.

Local assets, an offline basemap, boundaries, roads, places and the standard controls (scale
bar, fullscreen, measure, mouse position).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import folium
from branca.element import MacroElement
from folium import plugins
from folium.template import Template

from layers.area import basemap_group, boundary_group, places_groups, roads_group
from layers.assets import use_local_assets
from layers.legend import attribution as attribution_element
from layers.legend import tile_error_notice
from layers.minimap import VectorMiniMap
from layers.remote import Loader
from style import CATEGORY_STYLE, THEMES, road_style

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"


@dataclass(frozen=True)
class MapText:
    """Every label the base map shows, in the user's language (from ``i18n``)."""

    basemap: str
    basemap_osm: str
    kota: str
    kecamatan: str
    kelurahan: str
    roads: str
    legend: str
    approximate: str
    tiles_failed: str
    loading: str
    loading_failed: str
    source: str
    road_classes: dict[str, str]
    categories: dict[str, str]



class MapChrome(MacroElement):
    """A scale bar in metres only, and the ``peta-zoom-low`` class below zoom 14 (labels)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            L.control.scale({metric: true, imperial: false, position: "bottomleft"}).addTo(map);
            function zoomClass() {
                map.getContainer().classList.toggle("peta-zoom-low", map.getZoom() < 14);
            }
            map.on("zoomend", zoomClass);
            zoomClass();
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MapChrome"


class FitClear(MacroElement):
    """Fit ``bounds`` into the part of the map its title, panels and legend leave free.

    ``peta-layers.js`` measures the boxes once they are drawn and pads the fit on the side
    that costs the least, so the north of the city is not under the title box on a projector
    whatever the language or screen. A later ``FitClear`` on the same map replaces this one.

    Parameters
    ----------
    bounds
        ``((south, west), (north, east))``.
    boxes
        CSS selector of the boxes to keep clear of.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            window.Peta.frame({{ this._parent.get_name() }}, {{ this.bounds|tojson }},
                {{ this.boxes|tojson }});
        {% endmacro %}
        """
    )

    def __init__(
        self, bounds, boxes: str = ".peta-title, .peta-brief-panel, .peta-legend"
    ) -> None:
        super().__init__()
        self._name = "FitClear"
        self.bounds = [[float(v) for v in corner] for corner in bounds]
        self.boxes = boxes


def base_map(
    url: str,
    bounds: tuple[float, float, float, float],
    place_counts: dict[str, int],
    text: MapText,
    *,
    attribution: str,
    basemap: str = "area",
    theme: str = "light",
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    show_places: bool = True,
    show_roads: bool = True,
    controls: bool = True,
    plugins_needed: Iterable[type] = (),
    fit_clear: bool = False,
) -> folium.Map:
    """Base map of an area.

    Parameters
    ----------
    url
        The area's served bundle (``layers.area.area_bundle`` published by
        ``layers.served.publish``): the map fetches its layers from there.
    bounds
        ``(minx, miny, maxx, maxy)`` of the city boundary, EPSG:4326.
    place_counts
        Places per category (the layer names show them).
    text
        Labels in the user's language.
    attribution
        Credits of the data sources, shown in the map's attribution control.
    basemap
        ``"area"`` (offline, from the area's data), ``"osm"`` (online tiles) or ``"none"``.
    theme
        ``light``, ``dark`` or ``projector``.
    center, zoom
        Initial view; default fits the city boundary.
    show_places, show_roads
        Add the places and roads layers.
    controls
        Add fullscreen, measure and mouse-position controls.
    plugins_needed
        folium plugin classes whose assets the map loads from the start (e.g. ``AntPath``
        for a route added later through ``feature_group_to_add``).
    fit_clear
        Frame the city clear of the title, panels and legend (``FitClear``), for maps that
        carry them (briefing slides, the projector).

    Returns
    -------
    folium.Map
    """
    use_local_assets()
    th = THEMES[theme]
    m = folium.Map(
        location=center or [(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2],
        zoom_start=zoom or 13,
        tiles=None,
        prefer_canvas=True,
        control_scale=False,  # Leaflet's own scale in metres only (MapChrome)
        zoom_snap=0.25,
    )
    MapChrome().add_to(m)
    m.get_root().header.add_child(
        folium.Element(
            f"<style>.leaflet-container{{background:{th.background}}}"
            ".leaflet-control-attribution{font-size:10px;max-width:65%;line-height:1.3}"
            # the open layer list scrolls above the minimap instead of running under it
            ".leaflet-control-layers-expanded{max-height:calc(100% - 230px);overflow-y:auto}"
            # kelurahan names only when zoomed in: at city scale they sit under the markers
            f".peta-zoom-low .peta-label-kelurahan{{display:none}}</style>"
        )
    )
    # AntPath always: a route or patrol often arrives later through feature_group_to_add, and
    # streamlit-folium loads a map's assets only when it first mounts
    needed = (plugins.BeautifyIcon, plugins.AntPath, *plugins_needed)
    Loader(text.loading, text.loading_failed, plugins=needed).add_to(m)
    if basemap == "osm":
        tiles = folium.TileLayer(
            OSM_TILES, attr=OSM_ATTRIBUTION, name=text.basemap_osm, max_zoom=19
        ).add_to(m)
        tile_error_notice(tiles, text.tiles_failed).add_to(m)
    if basemap != "none":
        basemap_group(url, name=text.basemap, theme=theme).add_to(m)
    attribution_element(attribution).add_to(m)
    if show_roads:
        roads_group(url, name=text.roads, class_names=text.road_classes, theme=theme).add_to(m)
    for level, name in (
        ("kelurahan", text.kelurahan),
        ("kecamatan", text.kecamatan),
        ("kota", text.kota),
    ):
        boundary_group(url, name=name, level=level, theme=theme).add_to(m)
    if show_places:
        for group in places_groups(
            url, place_counts, category_names=text.categories,
            approximate_label=text.approximate, source_label=text.source, theme=theme,
        ):  # fmt: skip
            group.add_to(m)
    if controls:
        plugins.Fullscreen(position="topleft").add_to(m)
        plugins.MeasureControl(
            position="topleft", primary_length_unit="meters", secondary_length_unit="kilometers",
            primary_area_unit="hectares",
        ).add_to(m)  # fmt: skip
        plugins.MousePosition(
            position="bottomright", separator=" , ", num_digits=5, empty_string=""
        ).add_to(m)
        VectorMiniMap(
            url,
            {"boundary": th.boundary, "road": road_style("secondary", th)[0]},
            toggle_display=True,
            zoom_level_offset=-3,
            width=130,
            height=130,
        ).add_to(m)
    city = [[bounds[1], bounds[0]], [bounds[3], bounds[2]]]
    if center is None and fit_clear:
        FitClear(city).add_to(m)
    elif center is None:
        m.fit_bounds(city)
    return m


def area_legend_entries(text: MapText, *, theme: str = "light") -> list[tuple[str, str, str]]:
    """Legend rows for the base layers: road classes and the place categories shown."""
    th = THEMES[theme]
    rows = [("line", road_style(h, th)[0], label) for h, label in text.road_classes.items()]
    rows += [
        ("dot", colour, text.categories.get(cat, cat))
        for cat, (_, colour, shown) in CATEGORY_STYLE.items()
        if shown
    ]
    return rows
