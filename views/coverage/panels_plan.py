"""Coverage page, planning tabs: venues and events, suggested placement of new posts."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from geo import placement
from geo.area import Area
from i18n import t
from plan import operation as op
from plan.store import Store
from views.coverage import cached as cs


def venues_tab(store: Store, data: op.OperationData) -> None:
    if not data.venues:
        st.caption(t("cov.venues.none"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("cov.col.name"): [v.name for v in data.venues],
                t("cov.col.risk"): [t(f"cov.risk.{v.risk}") for v in data.venues],
                t("cov.col.position"): [t(f"position.{v.position}") for v in data.venues],
                t("cov.col.events"): [
                    sum(e.venue_id == v.id for e in data.events) for v in data.venues
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    names = {v.id: v.name for v in data.venues}
    with st.form("cov_venue_form"):
        venue_id = st.selectbox(t("cov.venues.pick"), list(names), format_func=names.get)
        risk = st.selectbox(
            t("cov.col.risk"), op.RISK_TIERS, index=1, format_func=lambda r: t(f"cov.risk.{r}")
        )
        if st.form_submit_button(t("cov.save")):
            op.update_venue(store, int(venue_id), risk=risk)
            st.toast(t("cov.saved"))
            st.rerun()
    with st.form("cov_event_form", clear_on_submit=True):
        st.markdown(f"**{t('cov.events.add')}**")
        venue_id = st.selectbox(
            t("cov.venues.pick"), list(names), format_func=names.get, key="cov_event_venue"
        )
        title = st.text_input(t("cov.col.title"))
        c1, c2, c3 = st.columns(3)
        day = c1.date_input(t("cov.col.date"))
        start = c2.time_input(t("cov.col.start"), value=datetime(2024, 1, 1, 8).time())
        end = c3.time_input(t("cov.col.end"), value=datetime(2024, 1, 1, 12).time())
        c4, c5 = st.columns(2)
        organiser = c4.text_input(t("cov.col.organiser"))
        crowd = c5.number_input(t("cov.col.crowd"), min_value=0, value=0, step=100)
        if st.form_submit_button(t("cov.save")):
            op.add_event(
                store,
                int(venue_id),
                title=title,
                starts=f"{day.isoformat()}T{start.isoformat()}+07:00",
                ends=f"{day.isoformat()}T{end.isoformat()}+07:00",
                organiser=organiser,
                expected_crowd=int(crowd),
            )
            st.toast(t("cov.saved"))
            st.rerun()
    if data.events:
        st.dataframe(
            pd.DataFrame(
                {
                    t("cov.col.venue"): [names.get(e.venue_id, "") for e in data.events],
                    t("cov.col.title"): [e.title for e in data.events],
                    t("cov.col.start"): [e.starts for e in data.events],
                    t("cov.col.end"): [e.ends for e in data.events],
                    t("cov.col.organiser"): [e.organiser for e in data.events],
                    t("cov.col.crowd"): [e.expected_crowd for e in data.events],
                }
            ),
            hide_index=True,
            width="stretch",
        )


def placement_tab(area: Area, store: Store, data: op.OperationData) -> None:
    st.caption(t("cov.place.help"))
    c1, c2, c3, c4 = st.columns(4)
    k = c1.number_input(t("cov.place.k"), min_value=1, max_value=10, value=2, key="cov_place_k")
    minutes = c2.selectbox(
        t("cov.place.cutoff"),
        cs.CUTOFF_CHOICES,
        index=1,
        format_func=lambda m: t("cov.minutes", m=m),
        key="cov_place_cut",
    )
    profile = c3.selectbox(
        t("cov.col.profile"),
        op.PROFILE_NAMES,
        key="cov_place_profile",
        format_func=lambda p: t(f"cov.profile.{p}"),
    )
    readiness = c4.number_input(
        t("cov.col.readiness"), min_value=0.0, value=0.0, step=0.5, key="cov_place_ready"
    )
    rev = data.operation.revision
    if st.button(t("cov.place.run"), key="cov_place_run", type="primary"):
        sources = list(cs.post_sources(area.key, data.operation.id, rev, area, data))
        nets = cs.networks({s.profile for s in sources} | {profile})
        roads = cs.roads(area.key, area, nets["car"])
        targets = cs.targets(area.key, data.operation.id, rev, area, roads, data)
        with st.spinner(t("cov.place.running")):
            result = placement.suggest_posts(
                area,
                nets,
                roads,
                sources,
                targets,
                k=int(k),
                cutoff_s=float(minutes) * 60,
                profile=profile,
                readiness_s=float(readiness) * 60,
            )
        st.session_state["cov_placement"] = ((data.operation.id, rev), result, profile, readiness)
        st.rerun()  # draw the suggestions on the map above
    saved = st.session_state.get("cov_placement")
    if not saved or saved[0] != (data.operation.id, rev):
        return
    result = saved[1]
    table = placement.placement_table(result)
    table.columns = [t("cov.place.measure"), t("cov.place.before"), t("cov.place.after")]
    table.iloc[:, 0] = [
        t("cov.place.row.weight"),
        t("cov.place.row.targets"),
        t("cov.place.row.road"),
    ]
    st.dataframe(table, hide_index=True, width="stretch")
    if result.added.empty:
        st.info(t("cov.place.nothing"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("cov.col.name"): result.added["name"],
                t("cov.col.kelurahan"): result.added["kelurahan"],
                t("cov.place.gain"): result.added["gain_weight"],
                t("cov.place.gain_targets"): result.added["gain_targets"],
                "lat": result.added["lat"].round(5),
                "lon": result.added["lon"].round(5),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(t("cov.place.status", status=result.status, n=result.candidates))
    if st.button(t("cov.place.adopt"), key="cov_place_adopt"):
        for rec in result.added.itertuples():
            op.add_post(
                store,
                data.operation.id,
                name=t("cov.place.post_name", kel=rec.kelurahan or "?"),
                kind="pos_pengamanan",
                lon=rec.lon,
                lat=rec.lat,
                profile=saved[2],
                readiness_min=float(saved[3]),
                note=t("cov.place.note"),
            )
        st.session_state.pop("cov_placement", None)
        st.toast(t("cov.saved"))
        st.rerun()
