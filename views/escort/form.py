"""Escort page: the form's helpers (values set by a click or a loaded plan, endpoints)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from geo import coords
from i18n import t
from views import state

PICK = "__map__"
P = "esc_"  # session-state prefix of this page


def apply_pending() -> None:
    """Widget values set by a map click or a loaded plan (applied before widgets exist)."""
    for key, value in st.session_state.pop(f"{P}pending", {}).items():
        st.session_state[key] = value


def pend(**values: Any) -> None:
    st.session_state.setdefault(f"{P}pending", {}).update({f"{P}{k}": v for k, v in values.items()})


def endpoint(role: str, options: list[str], labels: dict[str, str]) -> str | None:
    """Selectbox of places (or map point) plus coordinates; the spec for ``plan_route``."""
    choice = st.selectbox(
        t(f"escort.{role}"),
        options,
        format_func=lambda pid: t("escort.pick_map") if pid == PICK else labels[pid],
        key=f"{P}{role}",
    )
    if choice != PICK:
        return choice
    text = st.text_input(t("escort.coords"), key=f"{P}{role}_xy", help=t("escort.coords.help"))
    if not text.strip():
        st.warning(t("escort.coords.missing", what=t(f"escort.{role}")))
        return None
    return typed_coords(text)


def typed_coords(text: str) -> str | None:
    """Typed coordinates in either order (``geo.coords``) as ``"lon,lat"`` for ``plan_route``;
    says under the box which order was understood, or what is wrong."""
    try:
        point = coords.parse_point(text, bounds=tuple(state.get_area().kota.total_bounds))
    except coords.CoordinateError as exc:
        st.error(str(exc))
        return None
    order = t("cov.point.lat_lon" if point.order == coords.LAT_LON else "cov.point.lon_lat")
    st.caption(t("cov.point.read", order=order, lat=point.lat, lon=point.lon))
    return f"{point.lon:.7f},{point.lat:.7f}"




def on_map_click() -> None:
    """Callback of the map: a click fills the chosen field before the rerun draws the page.

    One rerun per click: the values are pended here and applied by ``apply_pending`` at the
    top of the page, before the widgets exist.
    """
    target = st.session_state.get(f"{P}click_target", "none")
    last = (st.session_state.get(f"{P}map") or {}).get("last_clicked")
    if not last or target == "none" or last == st.session_state.get(f"{P}last_click"):
        return
    st.session_state[f"{P}last_click"] = last
    text = f"{last['lng']:.6f},{last['lat']:.6f}"
    if target == "via":
        via_text = str(st.session_state.get(f"{P}via_xy", ""))
        pend(via_xy=(via_text.rstrip() + "\n" + text).strip())
    else:
        pend(**{target: PICK, f"{target}_xy": text})
    apply_pending()
