"""Serve folium's JavaScript and CSS from the app (``static/vendor``) instead of CDNs."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import folium
from folium import plugins
from folium.elements import JSCSSMixin

ASSET_PREFIX: Final = "/app/static/vendor"
"""URL under which Streamlit serves ``static/vendor`` (needs ``server.enableStaticServing``)."""

VENDOR_DIR: Final = Path(__file__).resolve().parent.parent / "static" / "vendor"
"""Folder on disk that holds the vendored files (see its ``README.md``)."""

PLUGINS: Final[tuple[type[JSCSSMixin], ...]] = (
    plugins.Draw,
    plugins.Fullscreen,
    plugins.MeasureControl,
    plugins.MiniMap,
    plugins.MousePosition,
    plugins.LocateControl,
    plugins.AntPath,
    plugins.BeautifyIcon,
)
"""Plugin classes whose assets are vendored and repointed by `use_local_assets`."""

_CDNJS: Final = "https://cdnjs.cloudflare.com/ajax/libs"
_JSDELIVR: Final = "https://cdn.jsdelivr.net"

# Each CDN URL that folium 0.20.0 declares for `folium.Map` and `PLUGINS`, mapped to the
# vendored file that replaces it (path relative to `VENDOR_DIR`). Keyed by the full URL,
# not by folium's link name, so a folium upgrade that changes a version or adds a file
# keeps its CDN link, and tests/test_assets.py fails instead of serving a stale copy.
_LOCAL_FILE: Final[dict[str, str]] = {
    # folium.Map.default_js
    f"{_JSDELIVR}/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet-1.9.3/leaflet.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery-3.7.1/jquery.min.js",
    f"{_JSDELIVR}/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": (
        "bootstrap-5.2.2/js/bootstrap.bundle.min.js"
    ),
    f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": (
        "leaflet.awesome-markers-2.0.2/leaflet.awesome-markers.js"
    ),
    # folium.Map.default_css
    f"{_JSDELIVR}/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet-1.9.3/leaflet.css",
    f"{_JSDELIVR}/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": (
        "bootstrap-5.2.2/css/bootstrap.min.css"
    ),
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": (
        "bootstrap-3.4.1/css/bootstrap-glyphicons.css"
    ),
    f"{_JSDELIVR}/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": (
        "fontawesome-free-6.2.0/css/all.min.css"
    ),
    f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": (
        "leaflet.awesome-markers-2.0.2/leaflet.awesome-markers.css"
    ),
    f"{_JSDELIVR}/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css": (
        "folium-0.20.0/leaflet.awesome.rotate.css"
    ),
    # plugins.Draw (folium asks for 1.0.2; 1.0.4 is the same API with bug fixes)
    f"{_CDNJS}/leaflet.draw/1.0.2/leaflet.draw.js": "leaflet-draw-1.0.4/leaflet.draw.js",
    f"{_CDNJS}/leaflet.draw/1.0.2/leaflet.draw.css": "leaflet-draw-1.0.4/leaflet.draw.css",
    # plugins.Fullscreen
    f"{_JSDELIVR}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": (
        "leaflet.fullscreen-3.0.0/Control.FullScreen.js"
    ),
    f"{_JSDELIVR}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": (
        "leaflet.fullscreen-3.0.0/Control.FullScreen.css"
    ),
    # plugins.MeasureControl
    f"{_JSDELIVR}/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js": (
        "leaflet-measure-2.1.7/leaflet-measure.min.js"
    ),
    f"{_JSDELIVR}/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css": (
        "leaflet-measure-2.1.7/leaflet-measure.css"
    ),
    # plugins.MiniMap
    f"{_CDNJS}/leaflet-minimap/3.6.1/Control.MiniMap.js": (
        "leaflet-minimap-3.6.1/Control.MiniMap.min.js"
    ),
    f"{_CDNJS}/leaflet-minimap/3.6.1/Control.MiniMap.css": (
        "leaflet-minimap-3.6.1/Control.MiniMap.min.css"
    ),
    # plugins.MousePosition
    f"{_JSDELIVR}/gh/ardhi/Leaflet.MousePosition/src/L.Control.MousePosition.min.js": (
        "leaflet-mouse-position-1.2.0/L.Control.MousePosition.js"
    ),
    f"{_JSDELIVR}/gh/ardhi/Leaflet.MousePosition/src/L.Control.MousePosition.min.css": (
        "leaflet-mouse-position-1.2.0/L.Control.MousePosition.css"
    ),
    # plugins.LocateControl
    f"{_CDNJS}/leaflet-locatecontrol/0.66.2/L.Control.Locate.min.js": (
        "leaflet.locatecontrol-0.66.2/L.Control.Locate.min.js"
    ),
    f"{_CDNJS}/leaflet-locatecontrol/0.66.2/L.Control.Locate.min.css": (
        "leaflet.locatecontrol-0.66.2/L.Control.Locate.min.css"
    ),
    # plugins.AntPath
    f"{_JSDELIVR}/npm/leaflet-ant-path@1.1.2/dist/leaflet-ant-path.min.js": (
        "leaflet-ant-path-1.1.2/leaflet-ant-path.js"
    ),
    # plugins.BeautifyIcon
    f"{_JSDELIVR}/gh/marslan390/BeautifyMarker/leaflet-beautify-marker-icon.min.js": (
        "beautifymarker-1.0.9/leaflet-beautify-marker-icon.js"
    ),
    f"{_JSDELIVR}/gh/marslan390/BeautifyMarker/leaflet-beautify-marker-icon.min.css": (
        "beautifymarker-1.0.9/leaflet-beautify-marker-icon.css"
    ),
}


_ICON_PATH_SHIM: Final = ("leaflet_icon_path", f"{ASSET_PREFIX}/leaflet-icon-path.js")
"""Our own script, loaded right after leaflet.js: sets ``L.Icon.Default.imagePath``."""


def _localise(links: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Return `links` with every known CDN URL replaced by its vendored URL.

    Parameters
    ----------
    links
        ``(name, url)`` pairs as folium keeps them in ``default_js``/``default_css``.

    Returns
    -------
    list[tuple[str, str]]
        A new list; names are kept, unknown URLs (and already local ones) are left as is.
    """
    return [
        (name, f"{ASSET_PREFIX}/{_LOCAL_FILE[url]}" if url in _LOCAL_FILE else url)
        for name, url in links
    ]


def use_local_assets() -> None:
    """Point `folium.Map` and every class in `PLUGINS` at the vendored assets.

    Replaces the class attributes ``default_js`` and ``default_css`` with new lists of
    absolute ``/app/static/vendor/...`` URLs (absolute because streamlit-folium renders
    the map inside a component iframe). Call it once before building maps; calling it
    again changes nothing.

    It also adds ``leaflet-icon-path.js`` right after ``leaflet.js``: inside the
    streamlit-folium iframe the map script runs before ``leaflet.css`` has loaded, and
    Leaflet 1.9.3 then guesses a wrong path for its default marker images (404, broken
    marker); the script sets ``L.Icon.Default.imagePath`` to the vendored images instead.

    Notes
    -----
    streamlit-folium adds two d3 links of its own (d3js.org and cdnjs) whenever a branca
    ``ColorMap`` is on the map; no class attribute controls them, so offline maps must not
    carry a branca colormap.
    """
    for cls in (folium.Map, *PLUGINS):
        cls.default_js = _localise(cls.default_js)
        cls.default_css = _localise(cls.default_css)
    if _ICON_PATH_SHIM not in folium.Map.default_js:
        names = [name for name, _ in folium.Map.default_js]
        at = names.index("leaflet") + 1 if "leaflet" in names else 0
        folium.Map.default_js.insert(at, _ICON_PATH_SHIM)
