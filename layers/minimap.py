"""A minimap that needs no tiles: the area's own outline and main roads (Leaflet-MiniMap)."""

from __future__ import annotations

import geopandas as gpd
from folium.plugins import MiniMap
from folium.template import Template


class VectorMiniMap(MiniMap):
    """``folium.plugins.MiniMap`` drawing a GeoJSON layer instead of a tile layer.

    Parameters
    ----------
    overview
        Lines/polygons with a ``kind`` column (``boundary`` or ``road``), EPSG:4326.
    colours
        ``kind`` -> stroke colour.
    **kwargs
        Options of ``MiniMap`` (position, width, height, toggle_display, …).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }}_layer = L.geoJSON({{ this.data|tojson }}, {
                style: function (f) { return f.properties.style; }, interactive: false
            });
            var {{ this.get_name() }} = new L.Control.MiniMap(
                {{ this.get_name() }}_layer,
                {{ this.options|tojavascript }}
            );
            {{ this._parent.get_name() }}.addControl({{ this.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self, overview: gpd.GeoDataFrame, colours: dict[str, str], **kwargs: object
    ) -> None:
        super().__init__(**kwargs)
        frame = overview.assign(
            style=[
                {"color": colours.get(kind, "#555"), "weight": 1.5 if kind == "road" else 1,
                 "fill": False}
                for kind in overview["kind"]
            ]
        )  # fmt: skip
        self.data = frame.__geo_interface__
