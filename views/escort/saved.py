"""Escort page: the hand-drawn path's result and the operation's saved escort plans."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import streamlit as st

from geo import formats
from i18n import fmt, t
from plaintext import escape_markdown
from plan import routes as saved
from views import access, plan_versions
from views.escort.form import PICK, P, pend


def hand_section(snapped) -> None:
    """The hand-drawn (or imported) path snapped to the roads, and its GPX."""
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



def saved_section(store, op_id: int, labels: dict[str, str]) -> None:
    """Saved escort plans of the operation: load one into the form, or delete it."""
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
            t("escort.saved.summary", kind=t(f"escort.kind.{chosen_plan.kind}"),
              profile=fmt.profile_label(chosen_plan.profile),
              km=main_result.get("length_m", 0) / 1000,
              min=main_result.get("travel_time_s", 0) / 60, updated=fmt.local_time(chosen_plan.updated))
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
            pend(**values)
            st.rerun()
        if access.can("route_plan.delete") and b2.button(
            t("escort.saved.delete"), key=f"{P}delete"
        ):
            saved.delete_route_plan(store, op_id, pick)
            st.toast(t("escort.saved.deleted", name=escape_markdown(pick)))
            st.rerun()
        plan_versions.render(store, op_id, "escort")

