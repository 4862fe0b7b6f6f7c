"""Coverage page: what a click on the map (or a typed point) does in each mode.

A click is handled at the start of the live fragment's run, before the map is drawn, so one
rerun shows its answer. Nothing is half-saved; every problem becomes a message that stays until
dismissed (``views.messages``).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from geo import coords
from geo import coverage as cv
from geo._errors import GeoError
from geo.area import Area
from geo.snap import snap_point
from i18n import t
from layers import coverage as lc
from plan import operation as op
from plan.store import Store
from views import messages, state

MODES = ("view", "add_post", "move_post", "place_unit", "incident")
#: What a click of each mode writes (the modes a role may not write are not offered).
MODE_ACTIONS = {
    "add_post": "post.add",
    "move_post": "post.move",
    "place_unit": "positions.ingest",
}
BOX = "coverage"


def typed_point() -> None:
    """Callback of the typed-point form: queue the point as if it were clicked."""
    text = st.session_state.get("cov_point", "")
    try:
        area = state.get_area()
        point = coords.parse_point(text, bounds=tuple(area.kota.total_bounds))
    except GeoError:
        st.session_state.pop("cov_point_read", None)
        messages.notify(BOX, "error", t("cov.point.bad", text=text))
        return
    order = t("cov.point.lat_lon" if point.order == coords.LAT_LON else "cov.point.lon_lat")
    # said under the box (the order the text was read in), not kept as a message
    st.session_state["cov_point_read"] = t("cov.point.read", order=order, lat=point.lat,
                                           lon=point.lon)  # fmt: skip
    st.session_state["cov_pending_point"] = (point.lat, point.lon)


def has_pending_point() -> bool:
    """A new map click or typed point waits (``pending_point`` without taking it)."""
    if st.session_state.get("cov_pending_point") is not None:
        return True
    click = (st.session_state.get("coverage_map") or {}).get("last_clicked")
    return bool(click) and click != st.session_state.get("cov_last_click")


def pending_point() -> tuple[float, float] | None:
    """The point to act on in this run: a new map click or a typed point (once each)."""
    typed = st.session_state.pop("cov_pending_point", None)
    if typed is not None:
        return typed
    click = (st.session_state.get("coverage_map") or {}).get("last_clicked")
    if click and click != st.session_state.get("cov_last_click"):
        st.session_state["cov_last_click"] = click
        return float(click["lat"]), float(click["lng"])
    return None


def act(
    area: Area,
    store: Store,
    data: op.OperationData,
    mode: str,
    picked,
    point: tuple[float, float],
    sources: tuple,
    nets: dict,
) -> str | None:
    """Act on a point according to the mode.

    Returns
    -------
    str or None
        ``"app"`` when the whole page must be redrawn (posts changed: the tabs list them),
        ``"data"`` when the live data changed (a unit placed), ``None`` otherwise.
    """
    lat, lon = point
    op_id = data.operation.id
    if mode == "view":
        return None
    try:
        snap = snap_point(area, lon, lat)  # OffNetworkError beyond 500 m
    except GeoError as exc:
        messages.notify(BOX, "error", str(exc))
        return None
    if mode == "add_post":
        name = str(st.session_state.get("cov_new_post_name") or "").strip()
        if not name:
            messages.notify(BOX, "error", t("cov.new_post.need_name"))
            return None
        personnel = st.session_state.get("cov_new_post_personnel")
        op.add_post(
            store,
            op_id,
            name=name,
            kind="pos_pengamanan",
            lon=lon,
            lat=lat,
            personnel=0 if personnel is None else personnel,
            note=t("cov.new_post_note"),
        )
        st.session_state.pop("cov_new_post_name", None)
        st.session_state.pop("cov_new_post_personnel", None)
        st.toast(t("cov.saved.post_added"))
        return "app"
    if mode == "move_post" and picked is not None:
        op.move_post(store, int(picked), lon, lat)
        st.toast(t("cov.saved.post_moved"))
        return "app"
    if mode == "place_unit":
        if not picked:
            messages.notify(BOX, "error", t("cov.unit_needed"))
            return None
        frame = pd.DataFrame(
            {
                "unit_id": [picked],
                "time": [datetime.now(UTC)],
                "lon": [lon],
                "lat": [lat],
                "status": ["available"],
            }
        )
        op.record_positions(store, op_id, frame, source="peta")
        st.toast(t("cov.saved.unit_placed", unit=picked))
        return "app"  # the "Unit & posisi" tab outside the live part lists the new position
    if mode == "incident":
        _incident(area, op_id, snap, sources, nets)
    return None


def _incident(area: Area, op_id: int, snap, sources: tuple, nets: dict) -> None:
    """The three nearest responders of an incident, kept in the session for the panel."""
    found = cv.nearest_responders(nets, list(sources), snap.node, count=3)
    if not found:
        st.session_state.pop("cov_incident", None)
        messages.notify(BOX, "error", t("cov.incident.none"))
        return
    routes, rows = [], []
    for i, r in enumerate(found):
        line = cv.path_line(area, nets[r.source.profile], r.edges, source=r.source, path=r.path)
        coords = [(y, x) for x, y in line.coords] if not line.is_empty else []
        coords = [(r.source.lat, r.source.lon), *coords, (snap.lat, snap.lon)]
        label = f"{r.source.name}: {r.eta_s / 60:.1f} {t('cov.min_short')}"
        routes.append((label, coords, lc.INCIDENT_COLOUR if i == 0 else "#444444"))
        km = r.length_m / 1000
        rows.append(
            {
                "name": r.source.name,
                "kind": r.source.kind,
                "profile": r.source.profile,
                "eta_min": r.eta_s / 60,
                "km": km,
            }
        )
    st.session_state["cov_incident"] = {
        "op": op_id,
        "lat": snap.lat,
        "lon": snap.lon,
        "routes": routes,
        "rows": rows,
        "kelurahan": snap.kelurahan or "",
    }
