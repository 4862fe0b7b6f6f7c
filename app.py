"""Peta Pengamanan Polres Metro: entry point (page config, navigation, shared sidebar)."""

from __future__ import annotations

import streamlit as st

from geo._errors import GeoError
from geo.upload_cache import save_upload
from i18n import t
from views import access, signin, state

st.set_page_config(
    page_title="Peta Pengamanan Polres Metro",
    page_icon="static/favicon.png",
    layout="wide",
    initial_sidebar_state="expanded",
)
st.session_state.setdefault("lang", "id")
st.session_state.setdefault("basemap", "area")
st.session_state.setdefault("network", ("rbi", ""))

actor = signin.signed_in(state.base_store())  # sign-in before any page
PAGES = [
    st.Page("views/map.py", title=t("nav.map"), icon=":material/map:", default=True),
    st.Page("views/coverage/page.py", title=t("nav.coverage"), icon=":material/radar:", url_path="cakupan"),
    st.Page("views/escort/page.py", title=t("nav.escort"), icon=":material/route:", url_path="pengawalan"),
    st.Page("views/patrol.py", title=t("nav.patrol"), icon=":material/directions_car:", url_path="patroli"),
    st.Page("views/briefing/page.py", title=t("briefing.nav"), icon=":material/co_present:", url_path="briefing"),
]
ADMIN_PAGE = st.Page("views/admin.py", title=t("admin.nav"),
                     icon=":material/admin_panel_settings:", url_path="admin")  # fmt: skip
if actor is None:  # only the sign-in form, under every page's address (deep links survive)
    st.navigation(
        [st.Page(signin.page, title=p.title, url_path=p.url_path or "masuk", default=p._default)
         for p in [*PAGES, ADMIN_PAGE]], position="hidden",
    ).run()  # fmt: skip
    st.stop()
if access.has_role(*access.AUDIT_ROLES):  # users and the audit log
    PAGES.append(ADMIN_PAGE)
page = st.navigation(PAGES)


def _network_sidebar() -> None:
    """Road-network choice: embedded RBI, OSM download, or a file; failures keep RBI."""
    options = {
        "rbi": t("sidebar.network.rbi"),
        "osm": t("sidebar.network.osm"),
        "file": t("sidebar.network.file"),
    }
    current = st.session_state["network"][0]
    choice = st.radio(
        t("sidebar.network"),
        list(options),
        format_func=options.get,
        index=list(options).index(current),
    )
    if choice == "rbi" and current != "rbi":
        st.session_state["network"] = ("rbi", "")
        st.rerun()
    elif choice == "osm" and current != "osm":
        with st.spinner(t("sidebar.network.loading")):
            try:
                state.load_osm_network()
                st.session_state["network"] = ("osm", "")
                st.rerun()
            except GeoError as exc:
                st.error(t("sidebar.network.offline", error=exc))
    elif choice == "file":
        upload = st.file_uploader(
            t("sidebar.network.upload"), type=["osm", "pbf", "graphml", "xml"]
        )
        if upload is not None:
            try:  # named by content: written once, not on every rerun; old uploads pruned
                path = save_upload(upload.getvalue(), upload.name)
            except GeoError as exc:
                st.error(t("sidebar.network.bad_file", error=exc))
                return
            if st.session_state["network"] != ("file", str(path)):
                with st.spinner(t("sidebar.network.loading")):
                    try:
                        state.load_network_file(path)
                        st.session_state["network"] = ("file", str(path))
                        st.rerun()
                    except GeoError as exc:  # said with the user's file name, not the stored one
                        error = str(exc).replace(path.name, upload.name)
                        st.error(t("sidebar.network.bad_file", error=error))


with st.sidebar:
    st.title(t("app.title"))
    signin.account_box(state.base_store(), actor)
    signin.language_picker()
    basemaps = {"area": t("basemap.area"), "osm": t("basemap.osm"), "none": t("basemap.none")}
    st.selectbox(t("sidebar.basemap"), list(basemaps), format_func=basemaps.get, key="basemap")
    if st.session_state["basemap"] == "osm":
        st.caption(t("basemap.online_note"))
    with st.expander(t("sidebar.area"), expanded=False):
        _network_sidebar()
    with state.guarded():
        area = state.get_area()
        st.caption(
            t(
                "sidebar.network.summary",
                nodes=area.graph.number_of_nodes(),
                km=area.road_km,
                share=area.report.largest_component_share,
            )
        )
        with st.expander(t("sidebar.attribution")):
            for line in area.attribution:
                st.caption(line)

page.run()
