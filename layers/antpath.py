"""``folium.plugins.AntPath`` usable inside streamlit-folium's dynamic feature groups.

folium 0.20's AntPath template assigns its variable without ``var``; streamlit-folium runs the
code of ``feature_group_to_add`` in strict mode, where that assignment throws
("ant_path_… is not defined") and the whole layer group is lost. This subclass declares it.
"""

from __future__ import annotations

from folium import plugins
from folium.template import Template


class AntPath(plugins.AntPath):
    """An animated polyline (same options as ``folium.plugins.AntPath``)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.polyline.antPath(
              {{ this.locations|tojson }},
              {{ this.options|tojavascript }}
        ).addTo({{this._parent.get_name()}});
        {% endmacro %}
        """
    )
