"""Coverage page, planning tabs: personnel strength and staffing, new operation."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import staffing
from geo.area import Area
from i18n import fmt, t
from plan import operation as op
from plan.store import Store
from views.coverage import cached as cs


def _frames(data: op.OperationData) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
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
    return posts, units, tps


def _default_risk(settings: dict) -> str:
    risk = str(settings.get("tps_default_risk") or staffing.DEFAULT_COUNTED_RISK)
    return risk if risk in staffing.DEFAULT_TPS_PATTERN else staffing.DEFAULT_COUNTED_RISK


def strength_line(data: op.OperationData) -> None:
    """Top of the commander's page: personnel assigned against the strength, and posts unset."""
    posts, units, _ = _frames(data)
    s = staffing.strength(own=data.operation.strength, bko=data.operation.bko, posts=posts,
                          units=units, tps=pd.DataFrame({"kelurahan": [], "risk": []}))  # fmt: skip
    unset = int((posts["personnel"] == 0).sum()) if not posts.empty else 0
    text = t("cov.staff.top", assigned=fmt.number(s.assigned), total=fmt.number(s.total),
             own=fmt.number(s.own), bko=fmt.number(s.bko), free=fmt.number(s.free))  # fmt: skip
    if unset:
        text += " " + t("cov.staff.top_unset", n=unset, of=len(posts))
    (st.warning if s.free < 0 else st.caption)(text)


def staffing_tab(area: Area, store: Store, data: op.OperationData) -> None:
    operation = data.operation
    tiers = list(staffing.DEFAULT_TPS_PATTERN)
    c1, c2 = st.columns(2)
    with st.form("cov_strength_form"):
        own = c1.number_input(t("cov.staff.own"), min_value=0, value=int(operation.strength))
        bko = c2.number_input(t("cov.staff.bko"), min_value=0, value=int(operation.bko))
        pattern = staffing.parse_pattern(operation.settings.get("tps_pattern"))
        editor = st.data_editor(
            pd.DataFrame(
                {
                    "tier": [fmt.risk_label(k) for k in pattern],
                    t("cov.staff.police"): [v[0] for v in pattern.values()],
                    t("cov.staff.per_tps"): [v[1] for v in pattern.values()],
                }
            ),
            hide_index=True,
            disabled=["tier"],
            column_config={"tier": st.column_config.TextColumn(t("cov.col.risk"))},
            key="cov_pattern_editor",
        )
        default_risk = st.selectbox(
            t("cov.staff.default_risk"),
            tiers,
            index=tiers.index(_default_risk(operation.settings)),
            format_func=fmt.risk_label,
            key="cov_default_risk",
        )
        stale = st.number_input(
            t("cov.staff.stale"),
            min_value=1.0,
            value=float(operation.settings.get("stale_after_min", 10.0)),
            step=1.0,
        )
        if st.form_submit_button(t("cov.save")):
            new_pattern = {
                tier: [int(row[t("cov.staff.police")]), int(row[t("cov.staff.per_tps")])]
                for tier, row in zip(pattern, editor.to_dict("records"), strict=True)
            }
            staffing.parse_pattern(new_pattern)  # raises a GeoError before anything is saved
            op.update_operation(
                store,
                operation.id,
                strength=int(own),
                bko=int(bko),
                settings={"tps_pattern": new_pattern, "stale_after_min": float(stale),
                          "tps_default_risk": default_risk},
            )  # fmt: skip
            st.toast(t("cov.saved"))
            st.rerun()
    posts, units, tps = _frames(data)
    risk = _default_risk(operation.settings)
    duty, s = cs.staffing_of(area, store, data, (posts, units, tps), risk)
    m = st.columns(4)
    m[0].metric(t("cov.staff.total"), fmt.number(s.total))
    m[1].metric(t("cov.staff.assigned"), fmt.number(s.assigned))
    m[2].metric(t("cov.staff.tps_required"), fmt.number(s.tps_required))
    m[3].metric(t("cov.staff.free_after"), fmt.number(s.free_after_tps))
    if s.free_after_tps < 0:
        st.error(t("cov.staff.short", n=-s.free_after_tps))
    per_post = staffing.personnel_table(posts, s.total)
    if not per_post.empty:
        st.dataframe(
            pd.DataFrame(
                {
                    t("cov.col.name"): per_post["name"],
                    t("cov.col.kind"): per_post["kind"].map(lambda k: t(f"cov.postkind.{k}")),
                    t("cov.col.personnel"): [
                        str(n) if n else t("personnel.unset") for n in per_post["personnel"]
                    ],
                    t("cov.staff.share"): (per_post["share"] * 100).round(1),
                }
            ),
            hide_index=True,
            width="stretch",
        )
    if (posts["personnel"] == 0).all() if not posts.empty else False:
        st.caption(t("cov.staff.fill"))
    st.markdown(f"**{t('cov.staff.tps_title')}**")
    if duty.tps == 0:
        st.caption(t("cov.staff.no_tps"))
        return
    st.caption(
        t("cov.staff.tps_counted" if duty.counted else "cov.staff.tps_uploaded",
          tps=fmt.number(duty.tps), positioned=fmt.number(duty.positioned),
          missing=fmt.number(duty.missing), tier=fmt.risk_label(risk))
    )  # fmt: skip
    names = {
        "polsek": t("cov.col.polsek"),
        "kecamatan": t("cov.col.kecamatan"),
        "kelurahan": t("cov.col.kelurahan"),
        "tps": "TPS",
        "positioned": t("cov.staff.positioned"),
        "missing": t("cov.staff.missing"),
        "required": t("cov.staff.required"),
        "assigned": t("cov.staff.assigned"),
        "shortfall": t("cov.staff.shortfall"),
    }
    by_polsek, by_kel = st.tabs([t("cov.staff.by_polsek"), t("cov.staff.by_kelurahan")])
    with by_polsek:
        st.dataframe(
            duty.polsek.rename(columns={**names, "kelurahan": t("cov.staff.n_kelurahan")}),
            hide_index=True,
            width="stretch",
        )
    with by_kel:
        table = duty.kelurahan.drop(columns=["polsek", "counted"])
        st.dataframe(
            table.sort_values(["shortfall", "kelurahan"], ascending=[False, True]).rename(
                columns=names
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
