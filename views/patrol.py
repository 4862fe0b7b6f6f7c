"""Patroli: a loop from a post through stops (TSP order) or a sector patrol of a kelurahan."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import formats, staffing
from geo._errors import GeoError, OffNetworkError
from geo.patrol import PatrolRoute, kelurahan_names, patrol_loop, sector_patrol
from geo.profiles import PROFILES
from geo.routing import Waypoint, resolve_waypoint
from i18n import fmt, t
from layers.control import TextLayerControl
from layers.routes import patrol_group
from plaintext import escape_markdown
from plan import routes as saved
from plan.operation import load_operation
from views import access, plan_versions, state

P = "pat_"
STOP_KINDS = ("tps", "venue", "cctv", "election_office", "landmark", "school", "worship",
              "government")  # fmt: skip

st.header(t("patrol.title"))
st.caption(t("patrol.intro"))

with state.guarded():
    area = state.get_area()
    store = state.get_store()
    op_id = state.operation_id(area)
    data = load_operation(store, op_id)
    places = area.places.sort_values("name")

    # posts: the operation's, then the police places
    posts: dict[str, tuple[str, str | tuple[float, float]]] = {
        f"post:{p.id}": (p.name, (p.lon, p.lat)) for p in data.posts
    }
    police = places[places["category"].isin(["police_hq", "police_sector"])]
    posts |= {f"place:{r.place_id}": (r.name, r.place_id) for r in police.itertuples()}

    for key, value in (("mode", "loop"), ("profile", "car"), ("dwell", 5), ("time", time(8, 0))):
        st.session_state.setdefault(f"{P}{key}", value)
    mode = st.radio(
        t("patrol.mode"),
        ["loop", "sector"],
        format_func=lambda k: t(f"patrol.mode.{k}"),
        horizontal=True,
        key=f"{P}mode",
    )
    c1, c2, c3 = st.columns(3)
    profile = c1.selectbox(
        t("patrol.profile"), list(PROFILES), format_func=fmt.profile_label,
        key=f"{P}profile",
    )  # fmt: skip
    clock = c2.time_input(t("patrol.depart"), key=f"{P}time")
    depart = datetime.combine(date.today(), clock)
    net = state.get_network(profile)

    patrol: PatrolRoute | None = None
    if mode == "loop":
        dwell = c3.number_input(t("patrol.dwell"), 0, 120, step=1, key=f"{P}dwell")
        post_key = st.selectbox(
            t("patrol.post"), list(posts), format_func=lambda k: posts[k][0], key=f"{P}post"
        )
        kinds = st.multiselect(
            t("patrol.stops.kinds"),
            list(STOP_KINDS),
            default=["tps", "venue", "cctv"],
            format_func=lambda c: t("patrol.kind.tps") if c == "tps" else t(f"cat.{c}"),
            key=f"{P}kinds",
            placeholder=t("common.choose"),
        )
        candidates = places[places["category"].isin(kinds)]
        stop_options = {}
        if "tps" in kinds:
            stop_options |= {
                f"tps:{tp.code}": t("patrol.tps", code=tp.code, name=tp.name) for tp in data.tps
            }
            if not data.tps:
                counted = int(staffing.area_tps_counts(area)["tps_total"].sum())
                st.caption(t("patrol.tps.none", n=counted))
        stop_options |= {f"place:{r.place_id}": r.name for r in candidates.itertuples()}
        # a search narrows the list, so "select all matches" adds only what matches
        query = st.text_input(t("patrol.stops.search"), key=f"{P}search").strip().casefold()
        picked = list(st.session_state.get(f"{P}stops", []))
        shown = [k for k, v in stop_options.items() if not query or query in v.casefold()]
        shown += [k for k in picked if k not in shown and k in stop_options]
        chosen = st.multiselect(
            t("patrol.stops"), shown, format_func=stop_options.get, key=f"{P}stops",
            placeholder=t("patrol.stops.placeholder"),
        )  # fmt: skip
        if not chosen:
            st.info(t("patrol.stops.none"))
        else:
            tps = {f"tps:{tp.code}": tp for tp in data.tps}
            stops: list[str | Waypoint] = []
            left_out: list[str] = []
            for key in chosen:
                spec = (tps[key].lon, tps[key].lat) if key in tps else key.split(":", 1)[1]
                try:  # a stop too far from every road is left out, not the whole loop
                    point = resolve_waypoint(area, spec)
                except OffNetworkError as exc:
                    left_out.append(f"{stop_options[key]}: {exc}")
                    continue
                stops.append(replace(point, label=stop_options[key]))
            for note in left_out:
                st.warning(t("patrol.stop.left_out", note=note))
            name, spec = posts[post_key]
            post = resolve_waypoint(area, spec)
            post = replace(post, label=name)
            if not stops:
                st.info(t("patrol.stops.none"))
            else:
                try:
                    patrol = patrol_loop(area, net, post, stops, dwell_s=dwell * 60.0,
                                         depart=depart)  # fmt: skip
                except GeoError as exc:
                    st.error(str(exc))
    else:
        kel = st.selectbox(t("patrol.kelurahan"), kelurahan_names(area), key=f"{P}kelurahan")
        start_options = {"auto": t("patrol.start.auto")} | {k: v[0] for k, v in posts.items()}
        start_key = c3.selectbox(
            t("patrol.start"), list(start_options), format_func=start_options.get,
            key=f"{P}start",
        )  # fmt: skip
        start = None
        if start_key != "auto":
            name, spec = posts[start_key]
            start = replace(resolve_waypoint(area, spec), label=name)
        try:
            patrol = sector_patrol(area, net, kel, start=start)
        except GeoError as exc:
            st.error(str(exc))

    theme = st.session_state.get("map_theme", "light")
    m = state.page_map(show_places=False)
    groups = (
        [patrol_group(patrol, name=t("patrol.layer"), theme=theme, minute_unit=t("unit.min_short"))]
        if patrol
        else None
    )
    st_folium(
        m,
        key=f"{P}map",
        height=560,
        use_container_width=True,
        returned_objects=[],
        feature_group_to_add=groups,
        layer_control=TextLayerControl(collapsed=True),
    )

    if patrol is not None:
        cols = st.columns(4)
        cols[0].metric(t("patrol.duration"), t("patrol.minutes", v=patrol.duration_s / 60))
        cols[1].metric(t("patrol.drive"), t("patrol.minutes", v=patrol.travel_time_s / 60))
        cols[2].metric(t("patrol.length"), t("patrol.km", v=patrol.route.length_m / 1000))
        if patrol.kind == "sector":
            cols[3].metric(
                t("patrol.covered"),
                f"{patrol.covered_m / max(patrol.required_m, 1):.0%}",
                help=f"{t('patrol.required')}: {patrol.required_m / 1000:.1f} km · "
                f"{t('patrol.deadhead')}: {patrol.deadhead_m / 1000:.1f} km",
            )
            if patrol.unreachable_m > 0:
                st.caption(t("patrol.unreachable", m=patrol.unreachable_m))
        else:
            legs = patrol.legs
            st.subheader(t("patrol.legs"))
            st.dataframe(
                pd.DataFrame(
                    {
                        t("patrol.col.no"): legs["no"],
                        t("patrol.col.from"): legs["from"],
                        t("patrol.col.to"): legs["to"],
                        t("patrol.col.length"): (legs["length_m"] / 1000).round(2),
                        t("patrol.col.travel"): (legs["travel_s"] / 60).round(1),
                        t("patrol.col.eta"): legs["eta"],
                    }
                ),
                hide_index=True,
                width="stretch",
            )

        lines = [formats.NamedLine(t("patrol.layer"), patrol.route.geometry, "patrol")]
        points = [formats.NamedPoint(w.label, w.lon, w.lat, "stop") for w in patrol.stops]
        stem = f"patroli-{patrol.kind}-{patrol.stops[0].label}".replace(" ", "_")[:60]
        e1, e2, e3 = st.columns(3)
        e1.download_button(
            t("patrol.export.gpx"), formats.to_gpx(lines, points, name=stem),
            file_name=f"{stem}.gpx", mime="application/gpx+xml",
        )  # fmt: skip
        e2.download_button(
            t("patrol.export.kml"), formats.to_kml(lines, points, name=stem),
            file_name=f"{stem}.kml", mime="application/vnd.google-earth.kml+xml",
        )  # fmt: skip
        e3.download_button(
            t("patrol.export.geojson"), formats.to_geojson(lines, points),
            file_name=f"{stem}.geojson", mime="application/geo+json",
        )  # fmt: skip

        s1, s2 = st.columns([3, 1], vertical_alignment="bottom")
        plan_name = s1.text_input(
            t("patrol.save.name"), value=f"Patroli {patrol.stops[0].label} {clock:%H:%M}",
            key=f"{P}plan_name",
        )  # fmt: skip
        if access.can("route_plan.save") and s2.button(
            t("patrol.save.button"), key=f"{P}save", type="primary"
        ):
            saved.save_route_plan(
                store,
                int(op_id),
                plan_name,
                kind="patrol",
                profile=profile,
                depart=depart.isoformat(timespec="minutes"),
                request={
                    "mode": patrol.kind,
                    "stops": [
                        {"label": w.label, "place_id": w.place_id, "lon": w.lon, "lat": w.lat}
                        for w in patrol.stops
                    ],
                },
                result={"main": {**patrol.route.to_dict(), **patrol.to_dict()}},
            )
            st.toast(t("patrol.save.done", name=escape_markdown(plan_name.strip())))

    st.subheader(t("patrol.saved"))
    plans = saved.list_route_plans(store, int(op_id), kind="patrol")
    if not plans:
        st.caption(t("patrol.saved.none"))
    for item in plans:
        a, b = st.columns([5, 1], vertical_alignment="center")
        result = item.result.get("main", {})
        a.write(
            f"**{item.name}** · {fmt.profile_label(item.profile)} · "
            f"{t('patrol.km', v=result.get('length_m', 0) / 1000)} · "
            f"{t('patrol.minutes', v=result.get('duration_s', result.get('travel_time_s', 0)) / 60)}"
        )
        if access.can("route_plan.delete") and b.button(
            t("patrol.saved.delete"), key=f"{P}del_{item.id}"
        ):
            saved.delete_route_plan(store, int(op_id), item.name)
            st.rerun()
    plan_versions.render(store, int(op_id), "patrol")
