"""A minimap that needs no tiles: the area's own outline and main roads (Leaflet-MiniMap)."""

from __future__ import annotations

from folium.plugins import MiniMap
from folium.template import Template


class VectorMiniMap(MiniMap):
    """``folium.plugins.MiniMap`` drawing the ``overview`` part of a served bundle.

    Parameters
    ----------
    url
        Bundle URL (``layers.served.publish``) with an ``overview`` part whose features have a
        ``k`` property (``boundary`` or ``road``).
    colours
        ``k`` -> stroke colour.
    **kwargs
        Options of ``MiniMap`` (position, width, height, toggle_display, …).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }}_colours = {{ this.colours|tojson }};
            var {{ this.get_name() }}_layer = L.geoJSON(null, {
                style: function (f) {
                    var k = (f.properties || {}).k;
                    return {color: {{ this.get_name() }}_colours[k] || "#555",
                            weight: k === "road" ? 1.5 : 1, fill: false};
                },
                interactive: false
            });
            window.Peta.bundle({{ this.url|tojson }}).then(function (d) {
                {{ this.get_name() }}_layer.addData(d.overview);
            }).catch(function () {});
            var {{ this.get_name() }} = new L.Control.MiniMap(
                {{ this.get_name() }}_layer,
                {{ this.options|tojavascript }}
            );
            {{ this._parent.get_name() }}.addControl({{ this.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, url: str, colours: dict[str, str], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.colours = colours
