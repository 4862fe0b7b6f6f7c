"""Pengawalan: escort route planner (route, alternatives, closures, route sheet, exports)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import folium
import pandas as pd
import shapely
import streamlit as st
from folium import plugins
from shapely.geometry import LineString
from streamlit_folium import st_folium

from geo import formats
from geo._errors import GeoError
from geo.display import view_for_bounds
from geo.profiles import PROFILES
from geo.route_sheet import RouteSheet, plan_sheets
from geo.routing import Closure, RoutePlan, closures_from_features, plan_route
from geo.snapline import SnappedLine, snap_line
from i18n import t
from layers.control import TextLayerControl
from layers.legend import legend
from layers.routes import (
    CHOKE_COLORS,
    CLOSURE_COLOR,
    HAVEN_BANDS,
    chokepoints_group,
    closures_group,
    escort_group,
    havens_group,
    snapped_group,
    traffic_control_group,
)
from plan import routes as saved
from plan.operation import ensure_default_operation
from views import state

PICK = "__map__"
P = "esc_"  # session-state prefix of this page


def _apply_pending() -> None:
    """Widget values set by a map click or a loaded plan (applied before widgets exist)."""
    for key, value in st.session_state.pop(f"{P}pending", {}).items():
        st.session_state[key] = value


def _pend(**values: Any) -> None:
    st.session_state.setdefault(f"{P}pending", {}).update({f"{P}{k}": v for k, v in values.items()})


def _operation_id(area) -> int:
    op_id = st.session_state.get("operation_id")
    if op_id is None:
        op_id = ensure_default_operation(state.get_store(), area.places).id
    return int(op_id)


def _endpoint(role: str, options: list[str], labels: dict[str, str]) -> str | None:
    """Selectbox of places (or map point) plus coordinates; the spec for ``plan_route``."""
    choice = st.selectbox(
        t(f"escort.{role}"),
        options,
        format_func=lambda pid: t("escort.pick_map") if pid == PICK else labels[pid],
        key=f"{P}{role}",
    )
    if choice != PICK:
        return choice
    text = st.text_input(t("escort.coords"), key=f"{P}{role}_xy", help=t("escort.coords.help"))
    if not text.strip():
        st.warning(t("escort.coords.missing", what=t(f"escort.{role}")))
        return None
    return text.strip()


def _sheet_tables(sheet: RouteSheet) -> None:
    st.caption(t("escort.sheet.kelurahan", names=" → ".join(sheet.kelurahan) or "-"))
    tabs = st.tabs(
        [t("escort.tab.segments"), t("escort.tab.control"), t("escort.tab.choke"),
         t("escort.tab.havens"), t("escort.tab.sights")]
    )  # fmt: skip
    seg = sheet.segments
    tabs[0].dataframe(
        pd.DataFrame(
            {
                t("escort.sc.no"): seg["no"],
                t("escort.sc.from_km"): seg["from_km"].round(2),
                t("escort.sc.to_km"): seg["to_km"].round(2),
                t("escort.sc.length"): seg["length_m"].round(0),
                t("escort.sc.road"): seg["highway"].map(lambda h: t(f"road.{h}")),
                t("escort.sc.kelurahan"): seg["kelurahan"],
                t("escort.sc.eta"): seg["eta"],
                t("escort.sc.then"): seg["then"],
                t("escort.sc.landmarks"): seg.get("landmarks", ""),
                t("escort.sc.cctv"): seg.get("cctv", ""),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    tc = sheet.traffic_control
    tabs[1].metric(t("escort.personnel_total"), sheet.personnel)
    tabs[1].dataframe(
        pd.DataFrame(
            {
                t("escort.sc.km"): tc["km"].round(2),
                t("escort.sc.eta"): tc["eta"],
                t("escort.sc.ways"): tc["street_count"],
                t("escort.sc.roads"): tc["roads"],
                t("escort.sc.manoeuvre"): tc["manoeuvre"],
                t("escort.sc.priority"): tc["priority"],
                t("escort.personnel"): tc["personnel"],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    ch = sheet.chokepoints
    tabs[2].dataframe(
        pd.DataFrame(
            {
                t("escort.sc.km"): ch["km"].round(2),
                t("escort.sc.eta"): ch["eta"],
                t("escort.sc.kind"): ch["kind"].map(lambda k: t(f"escort.choke.{k}")),
                t("escort.sc.description"): ch["description"],
                t("escort.sc.on_route"): ch["on_route"],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    gap = sheet.gap
    tabs[3].metric(
        t("escort.gap", limit=sheet.haven_limit_s / 60),
        t("escort.gap.value", m=gap["length_m"], a=gap["from_km"], b=gap["to_km"])
        if gap.get("length_m", 0) > 0
        else t("escort.gap.none"),
    )
    hv = sheet.stretches
    tabs[3].dataframe(
        pd.DataFrame(
            {
                t("escort.sc.from_km"): hv["from_km"].round(2),
                t("escort.sc.to_km"): hv["to_km"].round(2),
                t("escort.sc.haven"): hv["haven"],
                t("escort.sc.time"): (hv["time_s"] / 60).round(1),
                t("escort.sc.worst"): (hv["worst_s"] / 60).round(1),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    si = sheet.sights
    tabs[4].dataframe(
        pd.DataFrame(
            {
                t("escort.sc.km"): si["km"].round(2),
                t("escort.sc.eta"): si["eta"],
                t("escort.sc.name"): si["name"],
                t("escort.sc.category"): si["category"].map(lambda c: t(f"cat.{c}")),
                t("escort.sc.distance"): si["distance_m"].round(0),
            }
        ),
        hide_index=True,
        width="stretch",
    )


def _compare(plan: RoutePlan, sheets: list[RouteSheet]) -> pd.DataFrame:
    rows = []
    for i, (route, sheet) in enumerate(zip(plan.routes, sheets, strict=True)):
        arrive = sheet.segments["eta"].iloc[-1] if len(sheet.segments) else "-"
        rows.append(
            {
                t("escort.col.route"): t("escort.main") if i == 0 else t("escort.alt", n=i),
                t("escort.col.length"): round(route.length_m / 1000, 2),
                t("escort.col.time"): round(route.travel_time_s / 60, 1),
                t("escort.col.arrive"): arrive,
                t("escort.col.shared"): f"{route.shared_with_main:.0%}",
                t("escort.col.stretch"): round(route.travel_time_s / plan.main.travel_time_s, 2)
                if plan.main.travel_time_s
                else 1.0,
                t("escort.col.control"): len(sheet.traffic_control),
                t("escort.col.personnel"): sheet.personnel,
                t("escort.col.gap"): round(sheet.gap.get("length_m", 0.0)),
            }
        )
    return pd.DataFrame(rows)


def _drawn_closures(drawings: list[dict[str, Any]]) -> list[Closure]:
    """Closures from the map's drawings, with names and windows from the editor table."""
    shapes = [d for d in drawings if (d.get("geometry") or {}).get("type")]
    if not shapes:
        return []
    base = pd.DataFrame(
        {
            "kind": [d["geometry"]["type"] for d in shapes],
            "name": [f"{t('escort.layer.closures')} {i}" for i in range(1, len(shapes) + 1)],
            "starts": [""] * len(shapes),
            "ends": [""] * len(shapes),
        }
    )
    edited = st.data_editor(
        base,
        key=f"{P}closure_table_{len(shapes)}",
        hide_index=True,
        width="stretch",
        disabled=["kind"],
        column_config={
            "kind": t("escort.closures.col.kind"),
            "name": t("escort.closures.col.name"),
            "starts": st.column_config.TextColumn(t("escort.closures.col.starts"), help="JJ:MM"),
            "ends": st.column_config.TextColumn(t("escort.closures.col.ends"), help="JJ:MM"),
        },
    )
    features = []
    for feature, row in zip(shapes, edited.itertuples(), strict=True):
        props = dict(feature.get("properties") or {})
        props.update(name=row.name, starts=row.starts or None, ends=row.ends or None)
        features.append({"type": "Feature", "properties": props, "geometry": feature["geometry"]})
    return closures_from_features(features)


# ------------------------------------------------------------------------------------ page

_apply_pending()
st.header(t("escort.title"))
st.caption(t("escort.intro"))

with state.guarded():
    area = state.get_area()
    store = state.get_store()
    op_id = _operation_id(area)
    places = area.places.sort_values("name")
    labels = dict(zip(places["place_id"], places["name"], strict=True))
    options = [PICK, *labels]
    st.session_state.setdefault(f"{P}origin", "P001" if "P001" in labels else PICK)
    st.session_state.setdefault(f"{P}destination", "P007" if "P007" in labels else PICK)

    c1, c2, c3 = st.columns(3)
    with c1:
        origin = _endpoint("origin", options, labels)
    with c2:
        destination = _endpoint("destination", options, labels)
    with c3:
        via_ids = st.multiselect(
            t("escort.vias"), list(labels), format_func=labels.get, key=f"{P}vias"
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
        format_func=lambda p: PROFILES[p].label,
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

    # closures: drawn, saved in the operation, from a file
    closures: list[Closure] = []
    with st.expander(t("escort.closures"), expanded=bool(drawings) and draw_mode == "closures"):
        st.caption(t("escort.closures.help"))
        with state.guarded():
            if draw_mode == "closures":
                drawn = _drawn_closures(drawings)
                st.caption(t("escort.closures.drawn", n=len(drawn)))
                closures += drawn
                if drawn and st.button(t("escort.closures.save"), key=f"{P}save_closures"):
                    for closure in drawn:
                        saved.save_closure(store, op_id, closure)
                    st.toast(t("escort.closures.saved_n", n=len(drawn)))
        stored = saved.list_closures(store, op_id)
        if stored:
            by_id = {s.id: s.closure for s in stored}
            chosen = st.multiselect(
                t("escort.closures.saved"),
                list(by_id),
                default=list(by_id),
                format_func=lambda i: by_id[i].name,
                key=f"{P}saved_closures",
            )
            closures += [by_id[i] for i in chosen]
            if chosen and st.button(t("escort.closures.delete"), key=f"{P}delete_closures"):
                for i in chosen:
                    saved.delete_closure(store, op_id, i)
                st.rerun()
        upload = st.file_uploader(
            t("escort.closures.file"), type=["geojson", "json"], key=f"{P}closure_file"
        )
        if upload is not None:
            with state.guarded():
                closures += formats.read_closures(upload.getvalue())

    with st.expander(t("escort.import")):
        imported_file = st.file_uploader(
            t("escort.import"), type=["gpx", "geojson", "json"], key=f"{P}import",
            label_visibility="collapsed",
        )  # fmt: skip

    # the plan
    net = state.get_network(profile)
    plan: RoutePlan | None = None
    sheets: list[RouteSheet] = []
    waypoints = [origin, *via_ids, *(ln.strip() for ln in via_text.splitlines() if ln.strip()),
                 destination]  # fmt: skip
    if origin and destination:
        try:
            plan = plan_route(
                area, net, waypoints, closures=closures, depart=depart, alternatives=n_alts
            )
            sheets = plan_sheets(area, net, plan)
        except GeoError as exc:
            st.error(str(exc))
    if plan is not None:
        # frame a new plan once; afterwards the planner's own pan and zoom stay
        signature = (tuple(waypoints), plan.main.travel_time_s)
        if st.session_state.get(f"{P}framed") != signature:
            st.session_state[f"{P}framed"] = signature
            routes = [plan.main, *plan.alternatives]
            bounds = shapely.MultiLineString([r.geometry for r in routes]).bounds
            st.session_state[f"{P}view"] = view_for_bounds(bounds, height_px=620)

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
            snapped = snap_line(area, net, LineString(coords))
    except GeoError as exc:
        st.error(str(exc))

    # the map: a fixed base (keeps the view) and the changing layers
    theme = st.session_state.get("map_theme", "light")
    m = state.page_map(show_places=True)
    plugins.Draw(
        export=False,
        position="topleft",
        draw_options={"circlemarker": False, "marker": False},
        edit_options={"edit": True, "remove": True},
    ).add_to(m)
    legend(
        t("escort.layer.routes"),
        [
            ("line", formats.ROUTE_COLORS[0], t("escort.layer.main")),
            ("dash", formats.ROUTE_COLORS[1], t("escort.layer.alt", n="")),
            ("line", CLOSURE_COLOR, t("escort.layer.closures")),
            ("dot", "#ffd92f", t("escort.layer.control")),
            ("dot", CHOKE_COLORS["bridge"], t("escort.choke.bridge")),
            ("dot", CHOKE_COLORS["river"], t("escort.choke.river")),
            ("line", HAVEN_BANDS[0], t("escort.layer.havens")),
        ],
        theme=theme,
    ).add_to(m)
    groups: list[folium.FeatureGroup] = []
    if closures:
        groups.append(
            closures_group(
                closures, name=t("escort.layer.closures"), always=t("escort.closures.always"),
                theme=theme,
            )
        )  # fmt: skip
    choice = st.session_state.get(f"{P}sheet_route", 0)
    if plan is not None:
        choice = min(choice, len(plan.routes) - 1)
        groups.append(
            escort_group(
                plan, name=t("escort.layer.routes"), main_label=t("escort.layer.main"),
                alt_label=t("escort.layer.alt"), theme=theme,
            )
        )  # fmt: skip
        sheet = sheets[choice]
        groups.append(
            havens_group(
                sheet.stretches, sheet.havens, name=t("escort.layer.havens"),
                limit_s=sheet.haven_limit_s, theme=theme,
            )
        )  # fmt: skip
        groups.append(
            traffic_control_group(
                sheet.traffic_control, name=t("escort.layer.control"),
                personnel_label=t("escort.personnel"), theme=theme,
            )
        )  # fmt: skip
        groups.append(
            chokepoints_group(
                sheet.chokepoints, name=t("escort.layer.choke"),
                kind_names={k: t(f"escort.choke.{k}") for k in CHOKE_COLORS}, theme=theme,
            )
        )  # fmt: skip
    if snapped is not None:
        groups.append(
            snapped_group(
                snapped, name=t("escort.layer.hand"), drawn_label=t("escort.layer.drawn"),
                snapped_label=t("escort.layer.snapped"), theme=theme,
            )
        )  # fmt: skip
    out = st_folium(
        m,
        key=f"{P}map",
        height=620,
        center=st.session_state.get(f"{P}view", (None, None))[0],
        zoom=st.session_state.get(f"{P}view", (None, None))[1],
        use_container_width=True,
        returned_objects=["last_clicked", "all_drawings"],
        feature_group_to_add=groups or None,
        layer_control=TextLayerControl(collapsed=True),
    )

    # a map click fills the chosen field
    last = (out or {}).get("last_clicked")
    if last and click_target != "none" and last != st.session_state.get(f"{P}last_click"):
        st.session_state[f"{P}last_click"] = last
        text = f"{last['lng']:.6f},{last['lat']:.6f}"
        if click_target == "via":
            _pend(via_xy=(via_text.rstrip() + "\n" + text).strip())
        else:
            _pend(**{click_target: PICK, f"{click_target}_xy": text})
        st.rerun()

    if closures and plan is not None:
        st.caption(t("escort.closures.active", n=len(plan.closures), e=int(plan.closed.sum())))

    if plan is not None:
        st.subheader(t("escort.compare"))
        st.dataframe(_compare(plan, sheets), hide_index=True, width="stretch")
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
        _sheet_tables(sheets[choice])

        st.subheader(t("escort.export"))
        lines_out, points_out = formats.plan_features(plan)
        stem = f"rute-{plan.waypoints[0].label}-{plan.waypoints[-1].label}".replace(" ", "_")[:60]
        e1, e2, e3 = st.columns(3)
        e1.download_button(
            t("escort.export.gpx"),
            formats.to_gpx(lines_out, points_out, name=stem),
            file_name=f"{stem}.gpx",
            mime="application/gpx+xml",
        )
        e2.download_button(
            t("escort.export.kml"),
            formats.to_kml(lines_out, points_out, name=stem),
            file_name=f"{stem}.kml",
            mime="application/vnd.google-earth.kml+xml",
        )
        e3.download_button(
            t("escort.export.geojson"),
            formats.to_geojson(lines_out, points_out),
            file_name=f"{stem}.geojson",
            mime="application/geo+json",
        )

        st.subheader(t("escort.save"))
        s1, s2 = st.columns([3, 1], vertical_alignment="bottom")
        default_name = f"{plan.waypoints[0].label} → {plan.waypoints[-1].label} {clock:%H:%M}"
        plan_name = s1.text_input(t("escort.save.name"), value=default_name, key=f"{P}plan_name")
        if s2.button(t("escort.save.button"), key=f"{P}save", type="primary"):
            saved.save_route_plan(
                store,
                op_id,
                plan_name,
                kind="escort",
                profile=plan.profile,
                depart=depart.isoformat(timespec="minutes"),
                request=saved.plan_request(plan, alternatives=n_alts),
                result=saved.plan_result(plan),
            )
            st.toast(t("escort.save.done", name=plan_name.strip()))

    st.subheader(t("escort.hand"))
    if snapped is None:
        st.caption(t("escort.hand.none"))
    else:
        st.info(
            t("escort.hand.result", km=snapped.route.length_m / 1000,
              min=snapped.route.travel_time_s / 60, dev=snapped.max_deviation_m,
              mean=snapped.mean_deviation_m)
        )  # fmt: skip
        hand_lines = [
            formats.NamedLine(t("escort.layer.snapped"), snapped.route.geometry, "snapped"),
            formats.NamedLine(t("escort.layer.drawn"), snapped.drawn, "drawn", "#333333"),
        ]
        st.download_button(
            t("escort.export.gpx"),
            formats.to_gpx(hand_lines),
            file_name="jalur-tangan.gpx",
            mime="application/gpx+xml",
            key=f"{P}hand_gpx",
        )

    st.subheader(t("escort.saved"))
    plans = saved.list_route_plans(store, op_id, kind="escort")
    if not plans:
        st.caption(t("escort.saved.none"))
    else:
        by_name = {p.name: p for p in plans}
        pick = st.selectbox(t("escort.saved"), list(by_name), key=f"{P}saved_pick",
                            label_visibility="collapsed")  # fmt: skip
        chosen_plan = by_name[pick]
        main_result = chosen_plan.result.get("main", {})
        st.caption(
            t("escort.saved.summary", kind=chosen_plan.kind, profile=chosen_plan.profile,
              km=main_result.get("length_m", 0) / 1000,
              min=main_result.get("travel_time_s", 0) / 60, updated=chosen_plan.updated)
        )  # fmt: skip
        b1, b2, _ = st.columns([1, 1, 4])
        if b1.button(t("escort.saved.load"), key=f"{P}load"):
            req = chosen_plan.request
            pts = saved.request_waypoints(req)

            def _as_field(role: str, value: str | tuple[float, float]) -> dict[str, Any]:
                if isinstance(value, tuple):
                    return {role: PICK, f"{role}_xy": f"{value[0]:.6f},{value[1]:.6f}"}
                return {role: value}

            values: dict[str, Any] = {
                **_as_field("origin", pts[0]),
                **_as_field("destination", pts[-1]),
            }
            values["vias"] = [p for p in pts[1:-1] if isinstance(p, str) and p in labels]
            values["via_xy"] = "\n".join(
                f"{p[0]:.6f},{p[1]:.6f}" for p in pts[1:-1] if isinstance(p, tuple)
            )
            values["profile"] = chosen_plan.profile
            values["alts"] = int(req.get("alternatives", 2))
            if chosen_plan.depart:
                when = datetime.fromisoformat(chosen_plan.depart)
                values["date"], values["time"] = when.date(), when.time()
            _pend(**values)
            st.rerun()
        if b2.button(t("escort.saved.delete"), key=f"{P}delete"):
            saved.delete_route_plan(store, op_id, pick)
            st.toast(t("escort.saved.deleted", name=pick))
            st.rerun()
