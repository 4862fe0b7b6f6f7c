"""The layer list (Leaflet's layers control) with every layer name shown as text."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import folium
from branca.element import MacroElement
from folium.map import Layer

from plaintext import escape_html


class TextLayerControl(folium.LayerControl):
    """``folium.LayerControl`` whose layer names are HTML-escaped.

    Leaflet writes each name into the list as HTML, so a venue or plan named
    ``<img src=x onerror=alert(1)>`` would run in every browser showing the map. Here each
    name is escaped when the control is rendered (the layers keep their own names), and shows
    exactly as typed. Same arguments as ``folium.LayerControl``.
    """

    def render(self, **kwargs: Any) -> None:
        """Collect the map's layers under escaped names, then render as folium does."""
        self.base_layers = OrderedDict()
        self.overlays = OrderedDict()
        for item in self._parent._children.values():
            if not isinstance(item, Layer) or not item.control:
                continue
            key = escape_html(item.layer_name)
            if not item.overlay:
                self.base_layers[key] = item.get_name()
            else:
                self.overlays[key] = item.get_name()
        MacroElement.render(self, **kwargs)
