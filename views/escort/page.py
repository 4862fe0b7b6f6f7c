"""Pengawalan: escort route planner (route, alternatives, closures, route sheet, exports).

The page lays out its sections; the form's helpers, the closures, the map, the route sheet and
the saved plans live in the modules beside it.
"""

from __future__ import annotations

from datetime import date, datetime, time

import streamlit as st

from geo import formats
from geo._errors import GeoError
from geo.display import view_for_geometries
from geo.profiles import PROFILES
from geo.route_sheet import RouteSheet
from geo.routing import RoutePlan
from geo.snapline import SnappedLine, snap_line
from i18n import fmt, t
from views import state
from views.escort import cached
from views.escort import closures as closures_ui
from views.escort import saved as saved_ui
from views.escort import sheet as sheet_ui
from views.escort.form import PICK, P, apply_pending, endpoint, typed_coords
from views.escort.mapview import draw_map

# ------------------------------------------------------------------------------------ page

apply_pending()
st.header(t("escort.title"))
st.caption(t("escort.intro"))

with state.guarded():
    area = state.get_area()
    store = state.get_store()
    op_id = state.operation_id(area)
    places = area.places.sort_values("name")
    labels = dict(zip(places["place_id"], places["name"], strict=True))
    options = [PICK, *labels]
    st.session_state.setdefault(f"{P}origin", "P001" if "P001" in labels else PICK)
    st.session_state.setdefault(f"{P}destination", "P007" if "P007" in labels else PICK)

    c1, c2, c3 = st.columns(3)
    with c1:
        origin = endpoint("origin", options, labels)
    with c2:
        destination = endpoint("destination", options, labels)
    with c3:
        via_ids = st.multiselect(
            t("escort.vias"), list(labels), format_func=labels.get, key=f"{P}vias",
            placeholder=t("common.choose"),
        )
        via_text = st.text_area(
            t("escort.via_coords"), key=f"{P}via_xy", height=68, help=t("escort.coords.help")
        )
    for key, value in (("date", date.today()), ("time", time(8, 0)), ("profile", "convoy"),
                       ("alts", 2)):  # fmt: skip
        st.session_state.setdefault(f"{P}{key}", value)
    d1, d2, d3, d4 = st.columns(4)
    day = d1.date_input(t("escort.date"), key=f"{P}date")
    clock = d2.time_input(t("escort.time"), key=f"{P}time")
    profile = d3.selectbox(
        t("escort.profile"),
        list(PROFILES),
        format_func=fmt.profile_label,
        key=f"{P}profile",
    )
    n_alts = d4.slider(t("escort.alternatives"), 0, 3, key=f"{P}alts")
    depart = datetime.combine(day, clock)

    m1, m2 = st.columns(2)
    click_modes = ["none", "origin", "destination", "via"]
    click_target = m1.radio(
        t("escort.click_target"),
        click_modes,
        format_func=lambda k: t(f"escort.click.{k}"),
        horizontal=True,
        key=f"{P}click_target",
    )
    draw_mode = m2.radio(
        t("escort.draw_mode"),
        ["closures", "hand"],
        format_func=lambda k: t(f"escort.draw.{k}"),
        horizontal=True,
        key=f"{P}draw_mode",
    )

    map_state = st.session_state.get(f"{P}map") or {}
    drawings = map_state.get("all_drawings") or []

    closures = closures_ui.closures_section(store, op_id, drawings, draw_mode)

    with st.expander(t("escort.import")):
        imported_file = st.file_uploader(
            t("escort.import"), type=["gpx", "geojson", "json"], key=f"{P}import",
            label_visibility="collapsed",
        )  # fmt: skip

    # the plan
    net = state.get_network(profile)
    plan: RoutePlan | None = None
    sheets: list[RouteSheet] = []
    # a line of the via box is a place name or coordinates (in either order)
    typed_vias = [
        typed_coords(ln) if ln.strip()[:1] in "+-−(0123456789" else ln.strip()
        for ln in via_text.splitlines()
        if ln.strip()
    ]
    waypoints = [origin, *via_ids, *(v for v in typed_vias if v), destination]
    if origin and destination and all(typed_vias):
        try:
            plan, sheets = cached.planned(area, net, profile, waypoints, closures, depart, n_alts)
        except GeoError as exc:
            st.error(str(exc))
        if plan is not None and plan.main.length_m <= 0:  # the same place twice: no route
            st.error(t("escort.same_place", name=plan.waypoints[0].label))
            plan, sheets = None, []
    if plan is not None:
        # frame a new plan once; afterwards the planner's own pan and zoom stay
        signature = (tuple(waypoints), plan.main.travel_time_s)
        if st.session_state.get(f"{P}framed") != signature:
            st.session_state[f"{P}framed"] = signature
            routes = [plan.main, *plan.alternatives]
            st.session_state[f"{P}view"] = view_for_geometries(
                [r.geometry for r in routes], height_px=620
            )

    # hand-drawn or imported path
    snapped: SnappedLine | None = None
    lines = [d for d in drawings if (d.get("geometry") or {}).get("type") == "LineString"]
    try:
        if imported_file is not None:
            imported = formats.read_route(imported_file.getvalue(), imported_file.name)
            st.caption(
                t("escort.import.done", name=imported_file.name, n=len(imported.lines),
                  p=len(imported.points))
            )  # fmt: skip
            snapped = snap_line(area, net, imported.line)
        elif draw_mode == "hand" and lines:
            coords = lines[-1]["geometry"]["coordinates"]
            snapped = snap_line(area, net, coords)
    except GeoError as exc:
        st.error(str(exc))

    choice = st.session_state.get(f"{P}sheet_route", 0)
    if plan is not None:
        choice = min(choice, len(plan.routes) - 1)
    draw_map(plan, sheets, closures, snapped, choice, n_alts)

    if closures and plan is not None:
        st.caption(t("escort.closures.active", n=len(plan.closures), e=int(plan.closed.sum())))

    if plan is not None:
        st.subheader(t("escort.compare"))
        st.dataframe(sheet_ui.compare(plan, sheets), hide_index=True, width="stretch")
        if n_alts and not plan.alternatives:
            st.info(t("escort.no_alternatives"))
        elif n_alts > len(plan.alternatives):
            st.caption(t("escort.no_alternatives"))

        st.subheader(t("escort.sheet"))
        names = [t("escort.main")] + [t("escort.alt", n=i) for i in range(1, len(plan.routes))]
        st.radio(
            t("escort.sheet.route"),
            list(range(len(plan.routes))),
            format_func=lambda i: names[i],
            horizontal=True,
            key=f"{P}sheet_route",
        )
        sheet_ui.sheet_tables(sheets[choice])

        sheet_ui.exports(plan)
        sheet_ui.save_section(store, op_id, plan, clock, depart, n_alts)

    saved_ui.hand_section(snapped)
    saved_ui.saved_section(store, op_id, labels)
