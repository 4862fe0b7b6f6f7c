"""What every page shares: the cached area, compiled networks, the store, map text, errors.

Big objects are cached with ``st.cache_resource`` keyed by small ids (area key, profile), and
never edited in place: closures are edge masks on the cached network.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import folium
import geopandas as gpd
import streamlit as st

from geo._errors import GeoError
from geo.area import Area, load_area, with_network, with_road_names
from geo.display import display_layers, label_points
from geo.network import CompiledNetwork, compile_network
from geo.osm import graph_from_polygon_online
from i18n import t
from layers import served
from layers.area import area_bundle
from layers.base import MapText, base_map
from plan.operation import ensure_default_operation
from plan.road_names import road_names
from plan.store import Store
from plan.users import bootstrap_admin
from style import CATEGORY_STYLE
from views import access

log = logging.getLogger("peta")


def _long_lived(value):
    """``value``, with everything alive now moved out of the garbage collector's walks.

    The cached areas, networks and layers live as long as the process; without this each
    full collection walks their millions of objects (0.1-0.25 s, issue 13).
    """
    gc.freeze()
    return value


@st.cache_resource(show_spinner=False)
def _embedded_area(name: str) -> Area:
    return _long_lived(load_area(name))


@st.cache_resource(show_spinner=False)
def _file_area(path: str) -> Area:
    return _long_lived(load_area("metro", network=path))


@st.cache_resource(show_spinner=False)
def _osm_area(name: str) -> Area:
    base = _embedded_area(name)
    graph = graph_from_polygon_online(base.kota.geometry.union_all())
    return _long_lived(with_network(base, graph, source="osm", label="online"))


def _base_area() -> Area:
    choice = st.session_state.get("network", ("rbi", ""))
    if choice[0] == "file":
        return _file_area(choice[1])
    if choice[0] == "osm":
        return _osm_area("metro")
    return _embedded_area("metro")


@st.cache_resource(show_spinner=False, max_entries=8)
def _named_area(area_key: str, names: tuple, _base: Area) -> Area:
    return _long_lived(with_road_names(_base, dict(names)))


def get_area() -> Area:
    """The area of this session: embedded, from an OSM download, or from a network file.

    Road names planners gave this network (``plan.road_names``) are applied.
    """
    base = _base_area()
    names = road_names(get_store(), base.key)
    if not names:
        return base
    return _named_area(base.key, tuple(sorted(names.items())), base)


def load_osm_network() -> Area:
    """Download the OSM network of the area (raises ``NetworkUnavailableError`` offline)."""
    return _osm_area("metro")


def load_network_file(path: Path) -> Area:
    """Area with the road network of a user's file (raises a ``GeoError`` when unusable)."""
    return _file_area(str(path))


@st.cache_resource(show_spinner=False)
def _network(area_key: str, profile: str, _area: Area) -> CompiledNetwork:
    return _long_lived(compile_network(_area.graph, profile))


def get_network(profile: str = "car") -> CompiledNetwork:
    """Compiled network of the session's area for a travel profile (cached)."""
    area = get_area()
    return _network(area.key, profile, area)


@st.cache_resource(show_spinner=False)
def _display(area_key: str, _area: Area) -> dict[str, gpd.GeoDataFrame]:
    layers = display_layers(_area)
    # kecamatan names kept clear of the markers the map shows by default (issue 10, item 15)
    shown = [c for c, (_, _, on) in CATEGORY_STYLE.items() if on]
    markers = _area.places[_area.places["category"].isin(shown)].geometry
    layers["kecamatan_labels"] = label_points(_area.kecamatan[["nama", "geometry"]], avoid=markers)
    layers["kelurahan_labels"] = label_points(_area.kelurahan[["nama", "geometry"]])
    return _long_lived(layers)


def named_key(area: Area) -> str:
    """Cache key of an area as the pages show it: its network and the road names planners gave."""
    if not area.road_names:
        return area.key
    names = repr(sorted(area.road_names.items())).encode()
    return f"{area.key}-{hashlib.sha1(names, usedforsecurity=False).hexdigest()[:12]}"


def get_display_layers() -> dict[str, gpd.GeoDataFrame]:
    """Display-ready layers of the session's area (cached)."""
    area = get_area()
    return _display(named_key(area), area)


@st.cache_resource(show_spinner=False)
def _base_layers(display_key: str, _area: Area) -> tuple[str, tuple, dict[str, int]]:
    layers = _display(display_key, _area)
    slug = "".join(c if c.isalnum() else "_" for c in _area.key.lower())[:40]
    url = served.publish(slug, area_bundle(layers, _area.places, _area.edges.index))
    bounds = tuple(float(b) for b in layers["kota"].total_bounds)
    counts = {str(k): int(v) for k, v in _area.places["category"].value_counts().items()}
    return url, bounds, counts


def base_layers() -> tuple[str, tuple, dict[str, int]]:
    """The session area's served base layers: bundle URL, city bounds, places per category.

    Serialised once per area (``st.cache_resource``): every page's map fetches the same URL,
    which the browser caches, so a rerun sends only the map's few kilobytes of script.
    """
    area = get_area()
    return _base_layers(named_key(area), area)


@st.cache_resource(show_spinner=False)
def _store(path: str | None) -> Store:
    store = Store(path)
    bootstrap_admin(store)  # a fresh store: the first admin, password printed once
    return store


def base_store() -> Store:
    """The operation store, not bound to a user (the sign-in reads users through it)."""
    return _store(os.environ.get("PETA_DB"))


def get_store() -> Store:
    """The operation store (``$PETA_DB`` or the user data folder), acting for the signed-in user.

    Every write through it is checked against the user's role by the store itself.
    """
    return access.bind(base_store())


def operation_id(area: Area) -> int:
    """The session's operation (chosen on the coverage page), else the default one."""
    op_id = st.session_state.get("operation_id")
    if op_id is None:
        op_id = ensure_default_operation(get_store(), area.places).id
    return int(op_id)


def map_text() -> MapText:
    """Base-map labels in the session's language."""
    return MapText(
        basemap=t("basemap.area"),
        basemap_osm=t("layer.basemap_osm"),
        kota=t("layer.kota"),
        kecamatan=t("layer.kecamatan"),
        kelurahan=t("layer.kelurahan"),
        roads=t("layer.roads"),
        legend=t("legend.title"),
        approximate=t("position.approximate"),
        tiles_failed=t("basemap.tiles_failed"),
        loading=t("map.loading"),
        loading_failed=t("map.loading_failed"),
        source=t("map.source"),
        road_classes={h: t(f"road.{h}") for h in ("secondary", "tertiary", "residential", "other")},
        categories={c: t(f"cat.{c}") for c in CATEGORY_STYLE},
    )


def page_map(**options: object) -> folium.Map:
    """Base map of the session's area with the sidebar's base layer and theme."""
    area = get_area()
    url, bounds, counts = base_layers()
    return base_map(
        url,
        bounds,  # type: ignore[arg-type]
        counts,
        map_text(),
        attribution=" | ".join(area.attribution),
        basemap=str(st.session_state.get("basemap", "area")),
        theme=str(options.pop("theme", st.session_state.get("map_theme", "light"))),
        **options,  # type: ignore[arg-type]
    )


@contextmanager
def guarded() -> Iterator[None]:
    """Show a ``GeoError`` as its message and any other error as a short notice, never a traceback."""
    try:
        yield
    except GeoError as exc:
        st.error(str(exc))
    except Exception as exc:
        log.exception("unexpected error")
        st.error(t("error.generic", kind=type(exc).__name__))
