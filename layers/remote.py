"""folium elements for layers the map fetches from ``layers.served`` (``peta-layers.js``).

A ``RemoteLayer`` writes one line of script (the bundle URL, its part and a small table of
styles, tooltips and popups); the geometry arrives once per browser, from its cache after
that. ``InlineLayer`` draws a small changing layer (posts, responders) the same way from data
in the script: one compact GeoJSON and one table of options instead of a template rendered and
a style repeated for each marker. ``Restyle`` recolours a remote layer by one code per feature, so a layer that changes
only its colours (the coverage time bands) sends a few kilobytes, never the geometry again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from folium.elements import JSCSSMixin
from folium.map import MacroElement
from folium.template import Template
from jinja2.utils import htmlsafe_json_dumps

from layers.assets import ASSET_PREFIX

SCRIPT: tuple[str, str] = ("peta_layers", f"{ASSET_PREFIX}/peta-layers.js")


class Loader(JSCSSMixin, MacroElement):
    """On the map: loads ``peta-layers.js`` and shows a notice until every layer is drawn.

    It also loads the given plugins' assets.

    Parameters
    ----------
    loading, failed
        Texts of the notice (the user's language).
    plugins
        folium plugin classes whose JavaScript and CSS this map must load even when none of
        their elements is on it at first (e.g. ``AntPath`` for a route drawn after a click:
        streamlit-folium loads assets only when the map first mounts).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            window.Peta.failedText = {{ this.failed|tojson }};
            window.Peta.loading({{ this._parent.get_name() }}, {{ this.loading|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, loading: str, failed: str, plugins: Iterable[type] = ()) -> None:
        super().__init__()
        self._name = "PetaLoader"
        self.loading = loading
        self.failed = failed
        js, css = [SCRIPT], []
        for cls in plugins:
            js += [link for link in getattr(cls, "default_js", []) if link not in js]
            css += [link for link in getattr(cls, "default_css", []) if link not in css]
        self.default_js = js
        self.default_css = css


class RemoteLayer(MacroElement):
    """A GeoJSON layer filled from part ``part`` of the bundle at ``url``.

    ``options`` (JSON) tells ``peta-layers.js`` how to draw it: ``style``, ``styleBy`` +
    ``styles`` (per property value), ``kind`` (``label``, ``beautify`` or circle markers for
    points), ``tooltip``/``popup`` templates with ``{property}`` placeholders, ``maps`` (value
    tables for placeholders), ``name`` (to restyle it later), ``interactive``, ``under`` (drawn
    below the page's own layers, which are drawn before the bundle arrives: basemap, roads).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = window.Peta.remote(
                {{ this._parent.get_name() }}, {{ this.url|tojson }}, {{ this.part|tojson }},
                {{ this.options|tojson }}
            );
        {% endmacro %}
        """
    )

    def __init__(self, url: str, part: str, options: dict) -> None:
        super().__init__()
        self._name = "RemoteLayer"
        self.url = url
        self.part = part
        self.options = options


def script_json(value: object) -> str:
    """Compact JSON that is safe inside a script (``<``, ``>``, ``&`` and ``'`` escaped)."""
    return str(htmlsafe_json_dumps(value, dumps=json.dumps, separators=(",", ":")))


class InlineLayer(MacroElement):
    """A GeoJSON layer drawn from ``data`` in the script, with ``RemoteLayer``'s options.

    Text in the properties is shown as text (``textContent``), never parsed as HTML.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = window.Peta.inline({{ this._parent.get_name() }},
                {{ this.data_js }}, {{ this.options_js }});
        {% endmacro %}
        """
    )

    def __init__(self, data: dict, options: dict) -> None:
        super().__init__()
        self._name = "InlineLayer"
        self.data_js = script_json(data)
        self.options_js = script_json(options)


class Restyle(MacroElement):
    """Recolour the remote layer named ``layer`` by one code character per feature index.

    ``codes`` holds one character per feature (its ``i`` property), ``-`` for the layer's own
    style; ``styles`` and ``tips`` map a code to a Leaflet style and a tooltip text. ``codes``
    ``None`` puts every feature back to its own style.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            window.Peta.restyle({{ this.layer|tojson }}, {{ this.codes|tojson }},
                {{ this.styles|tojson }}, {{ this.tips|tojson }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        layer: str,
        codes: str | None,
        styles: dict[str, dict] | None = None,
        tips: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self._name = "Restyle"
        self.layer = layer
        self.codes = codes
        self.styles = styles or {}
        self.tips = tips


CODE_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz"
"""Characters of ``Restyle`` codes, in order (36 classes at most)."""
