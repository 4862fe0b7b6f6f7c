"""Versions of saved escort and patrol plans: list, compare two, restore one.

Called from the escort and patrol pages (``render(store, op_id, kind)``); every save of a plan
keeps a version in the store (``plan.routes``), with who saved it and when.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import t
from plan import routes as saved
from plan.store import Store
from views import access, state


def render(store: Store, op_id: int, kind: str) -> None:
    """The versions panel for the saved plans of one kind (``escort`` or ``patrol``)."""
    plans = saved.list_route_plans(store, int(op_id), kind=kind)
    if not plans:
        return
    key = f"ver_{kind}_"
    with st.expander(t("versions.title")):
        name = st.selectbox(t("versions.plan"), [p.name for p in plans], key=f"{key}plan")
        versions = saved.list_plan_versions(store, int(op_id), name)
        if not versions:
            st.caption(t("versions.none"))
            return
        st.dataframe(
            pd.DataFrame(
                {
                    t("versions.col.version"): [v.version for v in versions],
                    t("versions.col.saved"): [v.saved for v in versions],
                    t("versions.col.actor"): [v.actor for v in versions],
                    t("versions.col.km"): [v.figures["main_km"] for v in versions],
                    t("versions.col.min"): [v.figures["main_min"] for v in versions],
                    t("versions.col.note"): [v.note for v in versions],
                }
            ),
            hide_index=True,
            width="stretch",
            key=f"{key}table",
        )
        numbers = [v.version for v in versions]
        if len(numbers) >= 2:
            c1, c2 = st.columns(2)
            a = c1.selectbox(t("versions.compare_a"), numbers, index=1, key=f"{key}a")
            b = c2.selectbox(t("versions.compare_b"), numbers, index=0, key=f"{key}b")
            by_number = {v.version: v for v in versions}
            diff = saved.compare_plan_versions(by_number[a], by_number[b])
            if not diff:
                st.caption(t("versions.same"))
            else:
                st.dataframe(
                    pd.DataFrame(
                        {
                            t("versions.col.figure"): [
                                t(f"versions.fig.{k}") if not k.startswith("alt") else k
                                for k, _, _ in diff
                            ],
                            f"v{a}": [str(x) for _, x, _ in diff],
                            f"v{b}": [str(y) for _, _, y in diff],
                        }
                    ),
                    hide_index=True,
                    width="stretch",
                    key=f"{key}diff",
                )
        if access.can("route_plan.restore") and len(numbers) >= 2:
            pick = st.selectbox(t("versions.col.version"), numbers[1:], key=f"{key}restore_pick")
            if st.button(t("versions.restore", v=pick), key=f"{key}restore"):
                with state.guarded():
                    saved.restore_plan_version(store, int(op_id), name, int(pick))
                    st.toast(t("versions.restored", v=pick))
                    st.rerun()
