"""Escort page: the plan and its route sheets, computed once per request and kept.

A rerun that changes nothing of the request (a click on the sheet's route choice, a name typed,
the map panned) takes the plan from here instead of routing and building three route sheets
again (0.2 s of each rerun, issue 13). The key is everything the plan depends on: the network
with its road names, the profile, the waypoints, the closures, the departure and the number of
alternatives.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import streamlit as st

from geo.area import Area
from geo.network import CompiledNetwork
from geo.route_sheet import RouteSheet, plan_sheets
from geo.routing import Closure, RoutePlan, plan_route
from views import state


@st.cache_resource(show_spinner=False, max_entries=64)
def _planned(
    key: str, _area: Area, _net: CompiledNetwork, _waypoints: tuple, _closures: tuple,
    _depart: datetime, _alternatives: int,
) -> tuple[RoutePlan, list[RouteSheet]]:  # fmt: skip
    plan = plan_route(
        _area, _net, list(_waypoints), closures=_closures, depart=_depart,
        alternatives=_alternatives,
    )  # fmt: skip
    # the same place twice gives an empty route: no sheet to build
    return plan, (plan_sheets(_area, _net, plan) if plan.main.length_m > 0 else [])


def planned(
    area: Area,
    net: CompiledNetwork,
    profile: str,
    waypoints: Sequence,
    closures: Sequence[Closure],
    depart: datetime,
    alternatives: int,
) -> tuple[RoutePlan, list[RouteSheet]]:
    """The routed plan and one route sheet a route (raises ``GeoError`` as ``plan_route``).

    The returned objects are shared between sessions: read them, never change them.
    """
    closed = tuple(
        (c.name, c.geometry.wkb_hex, c.starts, c.ends, c.note, c.radius_m) for c in closures
    )
    key = repr(
        (state.named_key(area), profile, tuple(waypoints), closed, depart.isoformat(), alternatives)
    )
    return _planned(key, area, net, tuple(waypoints), tuple(closures), depart, alternatives)
