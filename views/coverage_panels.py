"""Planning panels of the coverage page: posts, units, TPS, venues, placement, personnel."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from geo import placement, staffing
from geo._errors import GeoError
from geo.area import Area, kelurahan_at
from geo.imports import read_positions, read_tps
from i18n import t
from plan import operation as op
from plan.store import Store
from views import coverage_state as cs

CUTOFF_CHOICES = [3, 5, 10, 15, 20, 30]


def _posts_tab(area: Area, store: Store, data: op.OperationData) -> None:
    posts = op.posts_frame(data)
    if posts.empty:
        st.info(t("cov.posts.none"))
        return
    table = pd.DataFrame(
        {
            t("cov.col.name"): posts["name"],
            t("cov.col.kind"): posts["kind"].map(lambda k: t(f"cov.postkind.{k}")),
            t("cov.col.personnel"): posts["personnel"],
            t("cov.col.profile"): posts["profile"].map(lambda p: t(f"cov.profile.{p}")),
            t("cov.col.readiness"): posts["readiness_min"],
            t("cov.col.kelurahan"): [
                kelurahan_at(area, x, y) or "–"
                for x, y in zip(posts["lon"], posts["lat"], strict=True)
            ],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    ids = posts["id"].tolist()
    names = dict(zip(posts["id"], posts["name"], strict=True))
    chosen = st.selectbox(t("cov.posts.edit"), ids, format_func=names.get, key="cov_edit_pick")
    post = next(p for p in data.posts if p.id == chosen)
    with st.form(f"cov_post_form_{post.id}"):
        c1, c2 = st.columns(2)
        name = c1.text_input(t("cov.col.name"), value=post.name)
        kind = c2.selectbox(
            t("cov.col.kind"),
            op.POST_KINDS,
            index=op.POST_KINDS.index(post.kind),
            format_func=lambda k: t(f"cov.postkind.{k}"),
        )
        c3, c4, c5 = st.columns(3)
        personnel = c3.number_input(t("cov.col.personnel"), min_value=0, value=int(post.personnel))
        profile = c4.selectbox(
            t("cov.col.profile"),
            op.PROFILE_NAMES,
            index=op.PROFILE_NAMES.index(post.profile),
            format_func=lambda p: t(f"cov.profile.{p}"),
        )
        readiness = c5.number_input(
            t("cov.col.readiness"), min_value=0.0, value=float(post.readiness_min), step=0.5
        )
        note = st.text_input(t("cov.col.note"), value=post.note)
        if st.form_submit_button(t("cov.save")):
            op.update_post(
                store,
                post.id,
                name=name,
                kind=kind,
                personnel=int(personnel),
                profile=profile,
                readiness_min=float(readiness),
                note=note,
            )
            st.toast(t("cov.saved"))
            st.rerun()
    confirm_key = f"cov_confirm_delete_{post.id}"
    if not st.session_state.get(confirm_key):
        if st.button(t("cov.posts.delete"), key=f"cov_del_{post.id}"):
            st.session_state[confirm_key] = True
            st.rerun()
    else:
        st.warning(t("cov.posts.delete_confirm", name=post.name))
        yes, no = st.columns(2)
        if yes.button(t("cov.yes_delete"), key=f"cov_del_yes_{post.id}", type="primary"):
            op.delete_post(store, post.id)
            st.session_state.pop(confirm_key, None)
            st.toast(t("cov.saved.post_deleted"))
            st.rerun()
        if no.button(t("cov.cancel"), key=f"cov_del_no_{post.id}"):
            st.session_state.pop(confirm_key, None)
            st.rerun()


def _rejected_table(result) -> None:
    st.info(t("cov.import.summary", ok=len(result.valid), bad=len(result.rejected)))
    for note in result.notes:
        st.caption(note)
    if not result.rejected.empty:
        st.dataframe(
            result.rejected.rename(
                columns={
                    "baris": t("cov.col.row"),
                    "id": t("cov.col.id"),
                    "alasan": t("cov.col.reason"),
                }
            ),
            hide_index=True,
            width="stretch",
        )


def _units_tab(area: Area, store: Store, data: op.OperationData) -> None:
    positions = cs.positions(store, data, bool(st.session_state.get("cov_sim")))
    if positions:
        st.dataframe(
            pd.DataFrame(
                {
                    t("cov.col.unit"): [p.unit_id for p in positions],
                    t("cov.col.name"): [p.name for p in positions],
                    t("cov.col.status"): [t(f"cov.status.{p.status}") for p in positions],
                    t("cov.col.time"): [cs.local_time(p.time) for p in positions],
                    t("cov.col.age"): [round(p.age_s / 60, 1) for p in positions],
                    t("cov.col.stale"): [p.stale for p in positions],
                    t("cov.col.source"): [p.source for p in positions],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption(t("cov.units.none"))
    st.markdown(f"**{t('cov.units.upload')}**")
    st.caption(t("cov.units.upload_help"))
    upload = st.file_uploader(
        t("cov.units.file"), type=["csv", "geojson", "json"], key="cov_pos_upload"
    )
    if upload is not None:
        result = read_positions(area, upload.getvalue(), filename=upload.name)
        _rejected_table(result)
        if not result.valid.empty and st.button(
            t("cov.units.save", n=len(result.valid)), key="cov_pos_save", type="primary"
        ):
            saved, new = op.record_positions(
                store, data.operation.id, result.valid, source="berkas"
            )
            st.toast(t("cov.units.saved", n=saved, new=len(new)))
            st.rerun()
    with st.expander(t("cov.units.register")), st.form("cov_unit_form", clear_on_submit=True):
        c1, c2, c3, c4 = st.columns(4)
        unit_id = c1.text_input(t("cov.col.unit"))
        name = c2.text_input(t("cov.col.name"))
        profile = c3.selectbox(
            t("cov.col.profile"),
            op.PROFILE_NAMES,
            index=1,
            format_func=lambda p: t(f"cov.profile.{p}"),
        )
        personnel = c4.number_input(t("cov.col.personnel"), min_value=0, value=2)
        bko = st.checkbox(t("cov.col.bko"))
        if st.form_submit_button(t("cov.save")):
            op.add_unit(
                store,
                data.operation.id,
                unit_id=unit_id,
                name=name or unit_id,
                profile=profile,
                personnel=int(personnel),
                bko=bko,
            )
            st.toast(t("cov.saved"))
            st.rerun()


def _tps_tab(area: Area, store: Store, data: op.OperationData) -> None:
    st.caption(t("cov.tps.help"))
    upload = st.file_uploader(
        t("cov.tps.file"), type=["csv", "geojson", "json"], key="cov_tps_upload"
    )
    if upload is not None:
        result = read_tps(
            area,
            upload.getvalue(),
            filename=upload.name,
            existing_codes=op.tps_codes(store, data.operation.id),
        )
        _rejected_table(result)
        if not result.valid.empty and st.button(
            t("cov.tps.save", n=len(result.valid)), key="cov_tps_save", type="primary"
        ):
            op.add_tps(store, data.operation.id, result.valid)
            st.toast(t("cov.saved"))
            st.rerun()
    if data.tps:
        frame = pd.DataFrame([vars(x) for x in data.tps])
        st.dataframe(
            pd.DataFrame(
                {
                    t("cov.col.id"): frame["code"],
                    t("cov.col.name"): frame["name"],
                    t("cov.col.kelurahan"): frame["kelurahan"],
                    t("cov.col.risk"): frame["risk"].map(lambda r: t(f"cov.risk.{r}")),
                    t("cov.col.voters"): frame["voters"],
                }
            ),
            hide_index=True,
            width="stretch",
            height=240,
        )
        if st.session_state.get("cov_tps_confirm"):
            st.warning(t("cov.tps.delete_confirm", n=len(data.tps)))
            yes, no = st.columns(2)
            if yes.button(t("cov.yes_delete"), key="cov_tps_yes", type="primary"):
                op.delete_tps(store, data.operation.id)
                st.session_state.pop("cov_tps_confirm", None)
                st.rerun()
            if no.button(t("cov.cancel"), key="cov_tps_no"):
                st.session_state.pop("cov_tps_confirm", None)
                st.rerun()
        elif st.button(t("cov.tps.delete"), key="cov_tps_delete"):
            st.session_state["cov_tps_confirm"] = True
            st.rerun()


def _venues_tab(store: Store, data: op.OperationData) -> None:
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


def _placement_tab(area: Area, store: Store, data: op.OperationData) -> None:
    st.caption(t("cov.place.help"))
    c1, c2, c3, c4 = st.columns(4)
    k = c1.number_input(t("cov.place.k"), min_value=1, max_value=10, value=2, key="cov_place_k")
    minutes = c2.selectbox(
        t("cov.place.cutoff"),
        CUTOFF_CHOICES,
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


def _staffing_tab(area: Area, store: Store, data: op.OperationData) -> None:
    operation = data.operation
    c1, c2 = st.columns(2)
    with st.form("cov_strength_form"):
        own = c1.number_input(t("cov.staff.own"), min_value=0, value=int(operation.strength))
        bko = c2.number_input(t("cov.staff.bko"), min_value=0, value=int(operation.bko))
        pattern = staffing.parse_pattern(operation.settings.get("tps_pattern"))
        editor = st.data_editor(
            pd.DataFrame(
                {
                    "tier": list(pattern),
                    t("cov.staff.police"): [v[0] for v in pattern.values()],
                    t("cov.staff.per_tps"): [v[1] for v in pattern.values()],
                }
            ),
            hide_index=True,
            disabled=["tier"],
            column_config={"tier": st.column_config.TextColumn(t("cov.col.risk"))},
            key="cov_pattern_editor",
        )
        stale = st.number_input(
            t("cov.staff.stale"),
            min_value=1.0,
            value=float(operation.settings.get("stale_after_min", 10.0)),
            step=1.0,
        )
        if st.form_submit_button(t("cov.save")):
            new_pattern = {
                row["tier"]: [int(row[t("cov.staff.police")]), int(row[t("cov.staff.per_tps")])]
                for row in editor.to_dict("records")
            }
            staffing.parse_pattern(new_pattern)  # raises a GeoError before anything is saved
            op.update_operation(
                store,
                operation.id,
                strength=int(own),
                bko=int(bko),
                settings={"tps_pattern": new_pattern, "stale_after_min": float(stale)},
            )
            st.toast(t("cov.saved"))
            st.rerun()
    posts = op.posts_frame(data)
    units = (
        pd.DataFrame([vars(u) for u in data.units])
        if data.units
        else pd.DataFrame({"personnel": []})
    )
    tps = (
        pd.DataFrame([vars(x) for x in data.tps])
        if data.tps
        else pd.DataFrame({"kelurahan": [], "risk": []})
    )
    pattern = staffing.parse_pattern(operation.settings.get("tps_pattern"))
    s = staffing.strength(
        own=operation.strength,
        bko=operation.bko,
        posts=posts,
        units=units,
        tps=tps,
        pattern=pattern,
    )
    m = st.columns(4)
    m[0].metric(t("cov.staff.total"), s.total)
    m[1].metric(t("cov.staff.assigned"), s.assigned)
    m[2].metric(t("cov.staff.tps_required"), s.tps_required)
    m[3].metric(t("cov.staff.free_after"), s.free_after_tps)
    if s.free_after_tps < 0:
        st.error(t("cov.staff.short", n=-s.free_after_tps))
    per_post = staffing.personnel_table(posts, s.total)
    if not per_post.empty:
        st.dataframe(
            pd.DataFrame(
                {
                    t("cov.col.name"): per_post["name"],
                    t("cov.col.kind"): per_post["kind"].map(lambda k: t(f"cov.postkind.{k}")),
                    t("cov.col.personnel"): per_post["personnel"],
                    t("cov.staff.share"): (per_post["share"] * 100).round(1),
                }
            ),
            hide_index=True,
            width="stretch",
        )
    if (posts["personnel"] == 0).all() if not posts.empty else False:
        st.caption(t("cov.staff.fill"))
    duty = posts[~posts["kind"].isin(["polres", "polsek"])] if not posts.empty else posts
    assigned = pd.DataFrame(
        {
            "kelurahan": [
                kelurahan_at(area, x, y) or ""
                for x, y in zip(duty.get("lon", []), duty.get("lat", []), strict=True)
            ],
            "personnel": list(duty.get("personnel", [])),
        }
    )
    short = staffing.tps_shortfalls(tps, assigned, pattern)
    st.markdown(f"**{t('cov.staff.tps_title')}**")
    if short.empty:
        st.caption(t("cov.staff.no_tps"))
    else:
        st.dataframe(
            short.rename(
                columns={
                    "kelurahan": t("cov.col.kelurahan"),
                    "tps": "TPS",
                    "required": t("cov.staff.required"),
                    "assigned": t("cov.staff.assigned"),
                    "shortfall": t("cov.staff.shortfall"),
                }
            ),
            hide_index=True,
            width="stretch",
        )


def _operation_tab(store: Store) -> None:
    with st.form("cov_new_op", clear_on_submit=True):
        name = st.text_input(t("cov.op.name"))
        c1, c2 = st.columns(2)
        starts = c1.date_input(t("cov.op.starts"), value=None)
        ends = c2.date_input(t("cov.op.ends"), value=None)
        if st.form_submit_button(t("cov.op.create")):
            created = op.create_operation(
                store,
                name,
                starts=starts.isoformat() if starts else None,
                ends=ends.isoformat() if ends else None,
            )
            st.session_state["cov_op"] = created.id
            st.toast(t("cov.saved"))
            st.rerun()


def render(area: Area, store: Store, data: op.OperationData) -> None:
    """The planning tabs under the live map; each shows its own errors."""
    tabs = st.tabs(
        [
            t("cov.tab.posts"),
            t("cov.tab.units"),
            t("cov.tab.tps"),
            t("cov.tab.venues"),
            t("cov.tab.placement"),
            t("cov.tab.staffing"),
            t("cov.tab.operation"),
        ]
    )
    for tab, render in zip(
        tabs,
        (
            lambda: _posts_tab(area, store, data),
            lambda: _units_tab(area, store, data),
            lambda: _tps_tab(area, store, data),
            lambda: _venues_tab(store, data),
            lambda: _placement_tab(area, store, data),
            lambda: _staffing_tab(area, store, data),
            lambda: _operation_tab(store),
        ),
        strict=True,
    ):
        with tab:
            try:
                render()
            except GeoError as exc:
                st.error(str(exc))
