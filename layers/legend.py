"""A legend and a title block drawn on the map (HTML controls; text escaped)."""

from __future__ import annotations

import html

import folium
from branca.element import MacroElement
from jinja2 import Template

from style import THEMES


class MapHtml(MacroElement):
    """A fixed HTML box inside the map's container, positioned by CSS."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var box = L.DomUtil.create('div', {{ this.css_class|tojson }});
            box.innerHTML = {{ this.body|tojson }};
            box.setAttribute('style', {{ this.style|tojson }});
            L.DomEvent.disableClickPropagation(box);
            L.DomEvent.disableScrollPropagation(box);
            {{ this._parent.get_name() }}.getContainer().appendChild(box);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, body: str, style: str, css_class: str) -> None:
        super().__init__()
        self._name = "MapHtml"
        self.body = body
        self.style = style
        self.css_class = css_class


def legend(
    title: str,
    entries: list[tuple[str, str, str]],
    *,
    theme: str = "light",
    position: str = "bottomleft",
) -> MacroElement:
    """Legend box.

    Parameters
    ----------
    title
        Heading.
    entries
        ``(kind, colour, label)`` with kind ``"line"``, ``"dot"``, ``"area"`` or ``"dash"``.
    theme
        Theme name (sizes grow on the projector).
    position
        ``bottomleft``, ``bottomright``, ``topleft`` or ``topright``.
    """
    th = THEMES[theme]
    size = th.label_size_px
    swatch = {
        "line": "display:inline-block;width:22px;height:0;border-top:4px solid {c};vertical-align:middle",
        "dash": "display:inline-block;width:22px;height:0;border-top:4px dashed {c};vertical-align:middle",
        "dot": "display:inline-block;width:13px;height:13px;border-radius:50%;background:{c};"
        "border:2px solid #fff;box-shadow:0 0 0 1px #555;vertical-align:middle",
        "area": "display:inline-block;width:18px;height:13px;background:{c};opacity:.7;"
        "border:1px solid #555;vertical-align:middle",
    }
    rows = "".join(
        f'<div style="margin:2px 0"><span style="{swatch[kind].format(c=colour)}"></span>'
        f"&nbsp;{html.escape(label)}</div>"
        for kind, colour, label in entries
    )
    body = f"<b>{html.escape(title)}</b>{rows}"
    vertical, horizontal = ("bottom", "left") if position == "bottomleft" else _corner(position)
    style = (
        # below the scale bar at the bottom; at the top right below the layer list's button
        f"position:absolute;{vertical}:{70 if vertical == 'bottom' else (64 if horizontal == 'right' else 10)}px;"
        f"{horizontal}:10px;z-index:800;background:rgba(255,255,255,.93);"
        f"color:#111;padding:8px 10px;border-radius:6px;box-shadow:0 1px 5px rgba(0,0,0,.4);"
        f"font:{size}px/1.35 sans-serif;max-height:60%;overflow:auto"
    )
    return MapHtml(body, style, "peta-legend")


def _corner(position: str) -> tuple[str, str]:
    vertical = "top" if position.startswith("top") else "bottom"
    horizontal = "right" if position.endswith("right") else "left"
    return vertical, horizontal


def title_block(lines: list[str], *, marking: str, theme: str = "light") -> MacroElement:
    """Title block (operation, date, phase) with a security marking, top centre of the map."""
    th = THEMES[theme]
    size = th.label_size_px
    head, *rest = lines or [""]
    body = (
        f'<div style="color:#b00000;font-weight:800;letter-spacing:2px">{html.escape(marking)}</div>'
        f'<div style="font-size:{round(size * 1.35)}px;font-weight:800">{html.escape(head)}</div>'
        + "".join(f"<div>{html.escape(line)}</div>" for line in rest)
    )
    style = (
        "position:absolute;top:10px;left:50%;transform:translateX(-50%);z-index:800;"
        "background:rgba(255,255,255,.95);color:#111;padding:6px 16px;border:2px solid #111;"
        f"border-radius:4px;text-align:center;font:{size}px/1.3 sans-serif"
    )
    return MapHtml(body, style, "peta-title")


def north_arrow(*, theme: str = "light", letter: str = "U", label: str = "Utara") -> MacroElement:
    """A north arrow, top right under the map controls (``letter``: "U" in Indonesian, "N")."""
    size = THEMES[theme].label_size_px * 2
    body = (
        f'<svg width="{size}" height="{round(size * 1.4)}" viewBox="0 0 20 28" role="img" '
        f'aria-label="{html.escape(label)}"><polygon points="10,0 18,20 10,15 2,20" fill="#111"/>'
        '<text x="10" y="28" text-anchor="middle" font-size="8" font-weight="700">'
        f"{html.escape(letter)}</text></svg>"
    )
    style = "position:absolute;top:64px;right:16px;z-index:800;pointer-events:none"
    return MapHtml(body, style, "peta-north")


class _Attribution(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Attribution"
        self.text = html.escape(text)


def attribution(text: str) -> MacroElement:
    """Credit the data sources in the map's attribution control (text escaped)."""
    return _Attribution(text)


class _TileErrorNotice(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.layer.get_name() }}.once('tileerror', function () {
            var box = L.DomUtil.create('div', 'peta-tile-error');
            box.textContent = {{ this.text|tojson }};
            box.setAttribute('style', 'position:absolute;top:10px;left:60px;z-index:900;'
                + 'background:#fff3cd;color:#5c4400;border:1px solid #d8b44a;padding:4px 8px;'
                + 'border-radius:4px;font:12px sans-serif');
            {{ this._parent.get_name() }}.getContainer().appendChild(box);
        });
        {% endmacro %}
        """
    )

    def __init__(self, layer: folium.TileLayer, text: str) -> None:
        super().__init__()
        self._name = "TileErrorNotice"
        self.layer = layer
        self.text = text


def tile_error_notice(layer: folium.TileLayer, text: str) -> MacroElement:
    """Tell the user on the map, once, when an online tile layer fails to load."""
    return _TileErrorNotice(layer, text)
