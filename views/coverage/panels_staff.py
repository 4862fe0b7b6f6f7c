"""Coverage page, planning tabs: personnel strength and staffing, new operation."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import staffing
from geo.area import Area, kelurahan_at
from i18n import t
from plan import operation as op
from plan.store import Store


def staffing_tab(area: Area, store: Store, data: op.OperationData) -> None:
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


def operation_tab(store: Store) -> None:
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
