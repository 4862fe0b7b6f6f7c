"""Escort page: the route sheet tables and the comparison of the routes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import formats
from geo.route_sheet import RouteSheet
from geo.routing import RoutePlan
from i18n import t
from plaintext import escape_markdown
from plan import routes as saved
from views import access
from views.escort.form import P


def _road_classes(text: str) -> str:
    """``"residential, secondary"`` -> ``"Jalan lain, Jalan kolektor"`` (the session's language)."""
    names = [part.strip() for part in str(text).split(",") if part.strip()]
    return ", ".join(
        label if (label := t(f"road.{name}")) != f"road.{name}" else name for name in names
    )


def sheet_tables(sheet: RouteSheet) -> None:
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
                t("escort.sc.roads"): tc["roads"].map(_road_classes),
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


def compare(plan: RoutePlan, sheets: list[RouteSheet]) -> pd.DataFrame:
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



def exports(plan) -> None:
    """Download the plan as GPX, KML and GeoJSON (each file made when its button is clicked)."""
    st.subheader(t("escort.export"))
    stem = f"rute-{plan.waypoints[0].label}-{plan.waypoints[-1].label}".replace(" ", "_")[:60]

    def gpx() -> str:
        return formats.to_gpx(*formats.plan_features(plan), name=stem)

    def kml() -> bytes:
        return formats.to_kml(*formats.plan_features(plan), name=stem)

    def geojson() -> bytes:
        return formats.to_geojson(*formats.plan_features(plan))

    e1, e2, e3 = st.columns(3)
    e1.download_button(t("escort.export.gpx"), gpx, file_name=f"{stem}.gpx",
                       mime="application/gpx+xml", on_click="ignore")  # fmt: skip
    e2.download_button(t("escort.export.kml"), kml, file_name=f"{stem}.kml",
                       mime="application/vnd.google-earth.kml+xml", on_click="ignore")  # fmt: skip
    e3.download_button(t("escort.export.geojson"), geojson, file_name=f"{stem}.geojson",
                       mime="application/geo+json", on_click="ignore")  # fmt: skip


def save_section(store, op_id: int, plan, clock, depart, n_alts: int) -> None:
    """Save the plan in the operation under a name."""
    st.subheader(t("escort.save"))
    s1, s2 = st.columns([3, 1], vertical_alignment="bottom")
    default_name = f"{plan.waypoints[0].label} → {plan.waypoints[-1].label} {clock:%H:%M}"
    # the name follows origin, destination and time until the planner types their own
    key, last = f"{P}plan_name", st.session_state.get(f"{P}plan_name_default")
    if key not in st.session_state or st.session_state[key] == last:
        st.session_state[key] = default_name
    st.session_state[f"{P}plan_name_default"] = default_name
    plan_name = s1.text_input(t("escort.save.name"), key=key)
    if access.can("route_plan.save") and s2.button(
        t("escort.save.button"), key=f"{P}save", type="primary"
    ):
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
        st.toast(t("escort.save.done", name=escape_markdown(plan_name.strip())))


