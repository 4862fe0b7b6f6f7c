"""Every asset of a folium map is served from static/vendor, never from a CDN."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import folium
import pytest
from folium import plugins

from layers import assets
from layers.assets import ASSET_PREFIX, PLUGINS, VENDOR_DIR, use_local_assets

# A transparent 1x1 PNG: a tile layer that never touches the network.
BLANK_TILE = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


class _LinkCollector(HTMLParser):
    """Collect ``<script src>`` and ``<link href>`` of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.links.append(attributes["src"])
        elif tag == "link" and attributes.get("href"):
            self.links.append(attributes["href"])


def _map_with_all_plugins() -> folium.Map:
    m = folium.Map(location=[-5.113, 105.307], zoom_start=13, tiles=None)
    folium.CircleMarker([-5.113, 105.307], radius=8, tooltip="Polres Metro").add_to(m)
    folium.Marker(
        [-5.12, 105.30],
        icon=plugins.BeautifyIcon(icon="star", border_color="#1f3a68"),
    ).add_to(m)
    folium.Marker([-5.11, 105.31], icon=folium.Icon(icon="info-sign")).add_to(m)
    folium.Marker([-5.115, 105.305]).add_to(m)
    plugins.AntPath([[-5.11, 105.30], [-5.12, 105.31]]).add_to(m)
    plugins.Draw(export=False).add_to(m)
    plugins.Fullscreen().add_to(m)
    plugins.MeasureControl().add_to(m)
    plugins.MiniMap(tile_layer=folium.TileLayer(BLANK_TILE, attr="-")).add_to(m)
    plugins.MousePosition().add_to(m)
    plugins.LocateControl().add_to(m)
    return m


def _rendered_links(m: folium.Map) -> list[str]:
    collector = _LinkCollector()
    collector.feed(m.get_root().render())
    return collector.links


def _vendor_file(url: str) -> Path:
    return VENDOR_DIR / url.removeprefix(f"{ASSET_PREFIX}/")


@pytest.fixture(scope="module")
def links() -> list[str]:
    use_local_assets()
    return _rendered_links(_map_with_all_plugins())


def test_every_script_and_stylesheet_is_vendored(links: list[str]) -> None:
    assert links, "the rendered map links no script or stylesheet at all"
    offsite = [url for url in links if not url.startswith(f"{ASSET_PREFIX}/")]
    assert offsite == []
    missing = [url for url in links if not _vendor_file(url).is_file()]
    assert missing == []


def test_every_plugin_contributes_its_assets(links: list[str]) -> None:
    for cls in (folium.Map, *PLUGINS):
        for _, url in [*cls.default_js, *cls.default_css]:
            assert url in links, f"{cls.__name__}: {url} not in the rendered page"


def test_links_as_streamlit_folium_collects_them_are_local() -> None:
    # st_folium sends each element's default_js/default_css to its iframe (not the HTML).
    use_local_assets()
    m = _map_with_all_plugins()
    m.get_root().render()

    def walk(element: object) -> Iterator[object]:
        yield element
        for child in getattr(element, "_children", {}).values():
            yield from walk(child)

    urls = {
        url
        for element in walk(m)
        for _, url in [*getattr(element, "default_js", []), *getattr(element, "default_css", [])]
    }
    assert {url for url in urls if not url.startswith(f"{ASSET_PREFIX}/")} == set()


def test_icon_path_script_runs_right_after_leaflet() -> None:
    use_local_assets()
    names = [name for name, _ in folium.Map.default_js]
    assert names[:2] == ["leaflet", "leaflet_icon_path"]
    shim = (VENDOR_DIR / "leaflet-icon-path.js").read_text(encoding="utf-8")
    assert "L.Icon.Default.imagePath" in shim
    assert "leaflet-1.9.3/images/" in shim
    assert (VENDOR_DIR / "leaflet-1.9.3" / "images" / "marker-icon.png").is_file()


def test_use_local_assets_is_idempotent() -> None:
    use_local_assets()
    first = {cls: (list(cls.default_js), list(cls.default_css)) for cls in (folium.Map, *PLUGINS)}
    use_local_assets()
    again = {cls: (list(cls.default_js), list(cls.default_css)) for cls in (folium.Map, *PLUGINS)}
    assert again == first


def test_every_mapped_file_exists() -> None:
    missing = [path for path in assets._LOCAL_FILE.values() if not (VENDOR_DIR / path).is_file()]
    assert missing == []


def _vendored_css() -> list[Path]:
    return sorted(VENDOR_DIR.rglob("*.css"))


def test_vendor_has_css() -> None:
    assert len(_vendored_css()) >= 10


@pytest.mark.parametrize("css", _vendored_css(), ids=lambda p: str(p.relative_to(VENDOR_DIR)))
def test_css_urls_resolve(css: Path) -> None:
    unresolved = []
    for _, ref in CSS_URL.findall(css.read_text(encoding="utf-8")):
        if ref.startswith(("data:", "#")):
            continue
        assert not re.match(r"^([a-z]+:)?//", ref), f"{css.name} loads {ref} from off the app"
        target = (css.parent / re.split(r"[?#]", ref)[0]).resolve()
        if not target.is_file():
            unresolved.append(ref)
    assert unresolved == []


def test_every_package_ships_its_licence() -> None:
    readme = (VENDOR_DIR / "README.md").read_text(encoding="utf-8")
    for package in sorted(p for p in VENDOR_DIR.iterdir() if p.is_dir()):
        licences = [f for f in package.iterdir() if re.match(r"(?i).*licen[cs]e", f.name)]
        assert licences, f"{package.name} has no licence file"
        assert f"`{package.name}/`" in readme, f"{package.name} is not listed in README.md"
