"""Area map: boundaries, roads and places; a click tells the nearest road point."""

from __future__ import annotations

import html

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import settings
from geo._errors import GeoError
from geo.area import road_midpoint
from geo.snap import snap_point
from i18n import fmt, t
from layers.base import area_legend_entries
from layers.control import TextLayerControl
from layers.legend import legend, north_arrow
from plaintext import escape_markdown
from plan.road_names import set_road_name
from views import state


def _on_click() -> None:
    """Nearest road point of the clicked point, kept in the session (a widget callback)."""
    last = (st.session_state.get("area_map") or {}).get("last_clicked")
    clicked = st.session_state.get("map_click")
    if not last or (clicked and (last["lat"], last["lng"]) == (clicked["lat"], clicked["lon"])):
        return
    try:
        snap = snap_point(state.get_area(), last["lng"], last["lat"])
    except GeoError as exc:
        st.session_state.pop("map_click", None)
        st.session_state["map_click_error"] = str(exc)
        return
    st.session_state.pop("map_click_error", None)
    st.session_state["map_click"] = {
        "lat": last["lat"],
        "lon": last["lng"],
        "road_lat": snap.lat,
        "road_lon": snap.lon,
        "distance": snap.distance_m,
        "kelurahan": snap.kelurahan or t("map.click.outside"),
        "street": snap.street,
        "edge": [snap.u, snap.v, snap.key],
    }


def _road_name_form(area_key: str, clicked: dict) -> None:
    """A planner names the clicked road (stored with this network in the plan store)."""
    with st.form("road_name_form", clear_on_submit=False):
        name = st.text_input(t("map.road_name.label"), max_chars=80, key="road_name_text")
        if not st.form_submit_button(t("map.road_name.save")):
            return
    try:
        edge = tuple(int(x) for x in clicked["edge"])
        lon, lat = road_midpoint(state.get_area(), *edge)
        stored = set_road_name(state.get_store(), area_key, edge, name, lon=lon, lat=lat)
    except GeoError as exc:
        st.error(str(exc))
        return
    clicked["street"] = stored
    st.toast(t("map.road_name.saved", name=escape_markdown(stored)))


st.header(t("map.title"))
st.caption(t("map.intro"))

with state.guarded():
    area = state.get_area()
    theme = st.session_state.get("map_theme", "light")
    m = state.page_map()
    legend(
        t("legend.title"), area_legend_entries(state.map_text(), theme=theme), theme=theme
    ).add_to(m)
    north_arrow(theme=theme, letter=t("brief.map.north"), label=t("map.north")).add_to(m)

    # the place search: a place found is marked and the map centred on it
    q1, q2 = st.columns([2, 3], vertical_alignment="bottom")
    query = q1.text_input(t("map.places.search"), key="place_query")
    matches = area.places[
        area.places["name"].str.contains(query.strip(), case=False, regex=False)
    ] if query.strip() else area.places.iloc[0:0]
    found = None
    if len(matches):
        ids = matches["place_id"].tolist()
        names = dict(zip(ids, matches["name"], strict=True))
        pick = q2.selectbox(t("map.places.show"), ids, format_func=names.get, key="place_pick")
        found = matches[matches["place_id"] == pick].iloc[0]
    elif query.strip():
        q2.caption(t("map.places.none", query=query.strip()))

    click_group = folium.FeatureGroup(name=t("map.click.layer"))
    if found is not None:
        folium.CircleMarker(
            [found.geometry.y, found.geometry.x], radius=12, color="#d00000", weight=4,
            fill=False, tooltip=html.escape(str(found["name"])),
        ).add_to(click_group)  # fmt: skip
    clicked = st.session_state.get("map_click")
    if clicked:
        folium.CircleMarker(
            [clicked["lat"], clicked["lon"]],
            radius=6,
            color="#000",
            fill=True,
            fill_color="#ffcc00",
        ).add_to(click_group)
        folium.CircleMarker(
            [clicked["road_lat"], clicked["road_lon"]],
            radius=5,
            color="#d00",
            fill=True,
            fill_color="#d00",
        ).add_to(click_group)
        folium.PolyLine(
            [[clicked["lat"], clicked["lon"]], [clicked["road_lat"], clicked["road_lon"]]],
            color="#d00",
            dash_array="4 4",
        ).add_to(click_group)

    st_folium(
        m,
        key="area_map",
        height=640,
        use_container_width=True,
        returned_objects=["last_clicked"],
        feature_group_to_add=click_group,
        center=(found.geometry.y, found.geometry.x) if found is not None else None,
        zoom=16 if found is not None else None,
        layer_control=TextLayerControl(collapsed=True),
        on_change=_on_click,  # answered before the rerun draws: one rerun per click
    )
    clicked = st.session_state.get("map_click")
    if st.session_state.get("map_click_error"):
        st.error(st.session_state["map_click_error"])
    elif clicked:
        st.info(
            t(
                "map.click.result",
                distance=clicked["distance"],
                kelurahan=clicked["kelurahan"],
                lat=clicked["road_lat"],
                lon=clicked["road_lon"],
            )
        )
        if clicked.get("edge"):
            street = st.empty()  # filled after the form, so a saved name shows at once
            _road_name_form(area.key, clicked)
            street.markdown(t("map.click.street", street=clicked.get("street", "")))
    else:
        st.caption(t("map.click.none"))
    st.caption(t("map.network", area=area.title, network=area.network_name))

    st.subheader(t("map.figures"))
    report = area.report
    cols = st.columns(4)
    cols[0].metric(t("map.nodes"), fmt.number(area.graph.number_of_nodes()))
    cols[1].metric(t("map.road_km"), f"{area.road_km:.1f} km")
    cols[2].metric(t("map.components"), report.components)
    cols[3].metric(t("map.largest"), f"{report.largest_component_share:.1%}")
    if report.components > 1:
        st.caption(t("map.components.note", tol=settings.snap_tolerance_m, n=report.snapped_ends))

    st.subheader(t("map.places"))
    places = matches if query.strip() else area.places
    table = pd.DataFrame(
        {
            t("map.col.name"): places["name"],
            t("map.col.category"): places["category"].map(lambda c: t(f"cat.{c}")),
            t("map.col.kelurahan"): places["kelurahan"],
            t("map.col.position"): places["position"].map(lambda p: t(f"position.{p}")),
            t("map.col.source"): places["source"],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", height=300)
