"""Admin page: users (admin) and the audit log (admin and pimpinan): list, filter, export CSV."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st

from i18n import fmt, t
from plan import audit, users
from plan.roles import ROLES
from views import access, state


def _action(action: str) -> str:
    """An audit action in words (``post.add`` -> "Pos · tambah"); an unknown one as it is."""
    entity, _, verb = action.partition(".")
    words = (t(f"audit.entity.{entity}"), t(f"audit.verb.{verb}"))
    return action if words[0].startswith("audit.") or words[1].startswith("audit.") else " · ".join(words)


def _users_tab(store) -> None:
    people = users.list_users(store)
    st.dataframe(
        pd.DataFrame(
            {
                t("admin.users.col.name"): [u.name for u in people],
                t("admin.users.col.role"): [u.role for u in people],
                t("admin.users.col.active"): [u.active for u in people],
                t("admin.users.col.created"): [
                    fmt.local_time(u.created, fmt=fmt.SECONDS) for u in people
                ],
                t("admin.users.col.last_login"): [
                    fmt.local_time(u.last_login, fmt=fmt.SECONDS) if u.last_login else ""
                    for u in people
                ],
                t("admin.users.col.failed"): [u.failed_count for u in people],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    left, right = st.columns(2)
    with left, st.form("admin_add_user", clear_on_submit=True):
        st.markdown(f"**{t('admin.users.add')}**")
        name = st.text_input(t("admin.users.name"), key="admin_new_name", max_chars=32)
        role = st.selectbox(
            t("admin.users.role"),
            ROLES,
            index=3,
            format_func=access.role_label,
            key="admin_new_role",
        )
        pw1 = st.text_input(t("admin.users.password"), type="password", key="admin_new_pw1")
        pw2 = st.text_input(t("admin.users.password2"), type="password", key="admin_new_pw2")
        if st.form_submit_button(t("admin.users.add"), type="primary"):
            if pw1 != pw2:
                st.error(t("admin.users.mismatch"))
            else:
                with state.guarded():
                    added = users.add_user(store, name, role, pw1)
                    st.success(t("admin.users.added", name=added.name))
    with right:
        if not people:
            return
        st.markdown(f"**{t('admin.users.change')}**")
        names = [u.name for u in people]
        pick = st.selectbox(t("admin.users.pick"), names, key="admin_pick")
        chosen = next(u for u in people if u.name == pick)
        with st.form("admin_role"):
            new_role = st.selectbox(
                t("admin.users.role"),
                ROLES,
                index=ROLES.index(chosen.role),
                format_func=access.role_label,
                key="admin_role_value",
            )
            if st.form_submit_button(t("admin.users.set_role")):
                with state.guarded():
                    users.set_role(store, chosen.name, new_role)
                    st.rerun()
        label = t("admin.users.disable") if chosen.active else t("admin.users.enable")
        if st.button(label, key="admin_toggle"):
            with state.guarded():
                users.set_active(store, chosen.name, not chosen.active)
                st.rerun()
        with st.form("admin_password", clear_on_submit=True):
            pw = st.text_input(t("admin.users.new_password"), type="password", key="admin_pw")
            if st.form_submit_button(t("admin.users.set_password")):
                with state.guarded():
                    users.set_password(store, chosen.name, pw)
                    st.success(t("admin.users.saved"))


def _day(value: date | None, *, end: bool = False) -> str | None:
    if value is None:
        return None
    moment = datetime(value.year, value.month, value.day) + (
        timedelta(days=1) if end else timedelta()
    )
    return moment.isoformat()


def _audit_tab(store) -> None:
    all_label = t("admin.audit.actor.all")
    c1, c2, c3, c4, c5 = st.columns([2, 2, 2, 2, 3])
    who = c1.selectbox(t("admin.audit.actor"), [all_label, *audit.actors(store)], key="audit_actor")
    action = c2.text_input(t("admin.audit.action"), key="audit_action", max_chars=64)
    since = c3.date_input(t("admin.audit.since"), value=None, key="audit_since")
    until = c4.date_input(t("admin.audit.until"), value=None, key="audit_until")
    text = c5.text_input(t("admin.audit.text"), key="audit_text", max_chars=100)
    entries = audit.list_entries(
        store,
        actor=None if who == all_label else who,
        action=action.strip() or None,
        since=_day(since),
        until=_day(until, end=True),
        text=text.strip() or None,
    )
    st.caption(t("admin.audit.count", n=len(entries)))
    if not entries:
        st.info(t("admin.audit.none"))
        return
    st.download_button(
        t("admin.audit.csv"),
        data=audit.to_csv(entries),
        file_name="log-audit.csv",
        mime="text/csv",
        key="audit_csv",
        icon=":material/download:",
    )
    records = audit.rows(entries)
    st.dataframe(
        pd.DataFrame(
            {
                "id": [r["id"] for r in records],
                t("admin.audit.col.time"): [
                    fmt.local_time(r["time"], fmt=fmt.SECONDS) for r in records
                ],
                t("admin.audit.col.actor"): [r["actor"] for r in records],
                t("admin.audit.col.action"): [_action(r["action"]) for r in records],
                t("admin.audit.col.detail"): [r["detail"] for r in records],
                t("admin.audit.col.table"): [r["table"] for r in records],
                t("admin.audit.col.op"): [r["op"] for r in records],
                t("admin.audit.col.fields"): [r["fields"] for r in records],
            }
        ),
        hide_index=True,
        width="stretch",
        key="audit_table",
    )
    with st.expander(t("admin.audit.detail")):
        ids = [e.id for e in entries]
        pick = st.selectbox("id", ids, key="audit_pick")
        entry = next(e for e in entries if e.id == pick)
        st.text(f"{entry.time} · {entry.actor} · {entry.action} · {entry.detail}")
        for change in entry.changes:
            st.text(f"{change.table} #{change.row_id} ({change.op})")
            a, b = st.columns(2)
            a.caption(t("admin.audit.col.before"))
            a.json(change.before or {}, expanded=True)
            b.caption(t("admin.audit.col.after"))
            b.json(change.after or {}, expanded=True)


store = state.get_store()
if not access.has_role(*access.AUDIT_ROLES):
    st.error(t("admin.denied"))
    st.stop()
st.header(t("admin.title"))
with state.guarded():
    if access.has_role("admin"):
        tab_users, tab_audit = st.tabs([t("admin.tab.users"), t("admin.tab.audit")])
        with tab_users:
            _users_tab(store)
    else:
        (tab_audit,) = st.tabs([t("admin.tab.audit")])
    with tab_audit:
        _audit_tab(store)
