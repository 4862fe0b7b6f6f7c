"""SIMULASI through the real pipeline: the rehearsal's units report as simulated devices."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.area import Area
from geo.simulation import SIMULATION_SOURCE
from plan import devices as dv
from plan import live
from plan.store import Store


@st.cache_resource(show_spinner=False)
def rules(area_key: str, _area: Area) -> live.Rules:
    """The checks every report passes, for the session's area (its city outline)."""
    return live.Rules(area=_area.kota.geometry.union_all())


def post(store: Store, area: Area, operation_id: int, frame: pd.DataFrame) -> int:
    """Send simulated positions (``geo.simulation.positions_at``) through the ingest.

    Each simulated unit reports as its device ``SIM/<unit>`` (registered on first use), checked
    and stored exactly as a phone's report. Returns how many were stored.
    """
    if frame.empty:
        return 0
    dv.ensure_simulated(
        store, operation_id, dict(zip(frame["device_id"], frame["unit_id"], strict=True))
    )
    out = live.ingest(
        store, live.reports_from_frame(frame, protocol=SIMULATION_SOURCE), rules(area.key, area)
    )
    return sum(1 for o in out if isinstance(o, live.Row))
