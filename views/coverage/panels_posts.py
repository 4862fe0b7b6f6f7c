"""Coverage page, planning tabs: posts, unit registry and positions, TPS."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.area import Area, kelurahan_at
from geo.imports import read_positions, read_tps
from i18n import t
from plaintext import escape_markdown
from plan import operation as op
from plan.store import Store
from views.coverage import cached as cs


def posts_tab(area: Area, store: Store, data: op.OperationData) -> None:
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
        # no min/max on the widgets: the plan checks the values and says what is wrong
        personnel = c3.number_input(t("cov.col.personnel"), value=int(post.personnel), step=1)
        profile = c4.selectbox(
            t("cov.col.profile"),
            op.PROFILE_NAMES,
            index=op.PROFILE_NAMES.index(post.profile),
            format_func=lambda p: t(f"cov.profile.{p}"),
        )
        readiness = c5.number_input(
            t("cov.col.readiness"), value=float(post.readiness_min), step=0.5
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
        st.warning(t("cov.posts.delete_confirm", name=escape_markdown(post.name)))
        yes, no = st.columns(2)
        if yes.button(t("cov.yes_delete"), key=f"cov_del_yes_{post.id}", type="primary"):
            op.delete_post(store, post.id)
            st.session_state.pop(confirm_key, None)
            st.toast(t("cov.saved.post_deleted"))
            st.rerun()
        if no.button(t("cov.cancel"), key=f"cov_del_no_{post.id}"):
            st.session_state.pop(confirm_key, None)
            st.rerun()


def rejected_table(result) -> None:
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


def units_tab(area: Area, store: Store, data: op.OperationData) -> None:
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
        rejected_table(result)
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


def tps_tab(area: Area, store: Store, data: op.OperationData) -> None:
    st.caption(t("cov.tps.help"))
    done = st.session_state.get("cov_tps_done")
    if done:
        st.success(done)
    upload = st.file_uploader(
        t("cov.tps.file"), type=["csv", "geojson", "json"], key="cov_tps_upload"
    )
    if upload is not None:
        # a code already saved is a correction of that TPS (upsert), not a rejected row
        result = read_tps(area, upload.getvalue(), filename=upload.name)
        rejected_table(result)
        known = op.tps_codes(store, data.operation.id)
        again = int(result.valid["code"].astype(str).isin(known).sum()) if len(result.valid) else 0
        if again:
            st.caption(t("cov.tps.will_update", n=again))
        if not result.valid.empty and st.button(
            t("cov.tps.save", n=len(result.valid)), key="cov_tps_save", type="primary"
        ):
            saved = op.save_tps(store, data.operation.id, result.valid)
            st.session_state["cov_tps_done"] = t(
                "cov.tps.saved", n=saved.saved, bad=len(result.rejected), new=saved.added,
                updated=saved.updated,
            )  # fmt: skip
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
