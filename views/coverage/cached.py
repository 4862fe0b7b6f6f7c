"""Cached computations and helpers of the coverage page (``views/coverage/``).

Heavy results are cached with ``st.cache_resource`` keyed by small ids (area key, operation
revision, the tuple of sources, cutoffs); frames are passed as ``_args``. Nothing here computes
geometry: it calls ``geo`` and ``plan``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import coverage as cv
from geo import settings, simulation, staffing
from geo._errors import OffNetworkError
from geo.area import Area
from geo.display import simplified
from geo.network import CompiledNetwork
from geo.snap import require_operation_on_network
from i18n import t
from plan import operation as op
from plan.store import Store
from views import state
from views.live import sim as live_sim

CUTOFF_CHOICES = [3, 5, 10, 15, 20, 30]

#: Longest cutoff a user may type (minutes).
CUTOFF_MAX_MIN = 120


def minutes_from(chosen: list) -> tuple[list[float], list]:
    """Cutoffs from the multiselect (offered numbers and typed text): valid minutes, refused."""
    good: set[float] = set()
    bad = []
    for value in chosen:
        # typed text: "7", "12,5" or "7 mnt" (a typed option comes back as it is displayed)
        match = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*(?:mnt|min|menit|minutes?)?\s*",
                             str(value), flags=re.IGNORECASE)  # fmt: skip
        if match is None:
            bad.append(value)
            continue
        minutes = float(match.group(1).replace(",", "."))
        if 0 < minutes <= CUTOFF_MAX_MIN:
            good.add(int(minutes) if minutes == int(minutes) else minutes)
        else:
            bad.append(value)
    return sorted(good), bad
ISOCHRONE_TOLERANCE_M = 25.0


# ------------------------------------------------------------------------------------------
# cached computations (keyed by small ids; frames passed as _args)


@st.cache_resource(show_spinner=False, max_entries=4)
def roads(area_key: str, _area: Area, _network: CompiledNetwork) -> cv.Roads:
    return cv.road_index(_area, _network)


@st.cache_resource(show_spinner=False, max_entries=16)
def targets(area_key: str, op_id: int, revision: int, _area: Area, _roads: cv.Roads, _data):
    return cv.locate_targets(_area, _roads, op.targets_frame(_data))


@st.cache_resource(show_spinner=False, max_entries=16)
def off_network(area_key: str, op_id: int, revision: int, _area: Area, _data) -> str:
    """Why the operation cannot be computed on the loaded network ('' when it can)."""
    try:
        require_operation_on_network(_area, op.posts_frame(_data), op.targets_frame(_data))
    except OffNetworkError as exc:
        return str(exc)
    return ""


@st.cache_resource(show_spinner=False, max_entries=16)
def post_sources(area_key: str, op_id: int, revision: int, _area: Area, _data) -> tuple:
    return tuple(cv.sources_from_frame(_area, op.posts_frame(_data)))


#: Cache keys hash each source with Python's hash (frozen dataclass): Streamlit's own hasher
#: walks every field of every source, 0.3 s for 500 live units on each cached call.
_SOURCE_HASH = {cv.Source: hash}


@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs=_SOURCE_HASH)
def analysis(
    area_key: str,
    sources: tuple,
    cutoffs: tuple,
    standard: float,
    target_key: tuple,
    _networks: dict,
    _roads: cv.Roads,
    _targets: gpd.GeoDataFrame,
) -> cv.Analysis:
    return cv.analyse(_networks, _roads, sources, _targets, cutoffs, standard_s=standard)


@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs=_SOURCE_HASH)
def isochrones(area_key: str, sources: tuple, cutoffs: tuple, _analysis: cv.Analysis, _roads):
    # drawn only: simplified for the browser (a click's dynamic layers stay a few kB)
    iso = cv.isochrones(_analysis.reach, _roads, cutoffs)
    return simplified(iso, ISOCHRONE_TOLERANCE_M, settings.crs_metric)


@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs=_SOURCE_HASH)
def backup(
    area_key: str, sources: tuple, cutoff: float, target_key: tuple, _networks, _roads, _targets
) -> cv.Backup:
    return cv.backup_coverage(_networks, _roads, sources, cutoff, targets=_targets)


@st.cache_resource(show_spinner=False, max_entries=8)
def simulation_plan(area_key: str, units: tuple, seed: int, start: str, _area: Area, _networks):
    frame = pd.DataFrame(list(units), columns=["unit_id", "node", "profile"])
    return simulation.plan_simulation(
        _area, _networks, frame, seed=seed, start=datetime.fromisoformat(start)
    )


@st.cache_resource(show_spinner=False, max_entries=16)
def _staffing(
    area_key: str, db: str, op_id: int, revision: int, _area: Area, _data: op.OperationData,
    _frames: tuple, _risk: str,
) -> tuple[staffing.TpsStaffing, staffing.Strength]:  # fmt: skip
    del area_key, db, op_id, revision
    posts, units, tps = _frames
    operation = _data.operation
    pattern = staffing.parse_pattern(operation.settings.get("tps_pattern"))
    counts = staffing.area_tps_counts(_area)
    duty = staffing.tps_staffing(_area, tps, posts, pattern=pattern, default_risk=_risk,
                                 counts=counts)  # fmt: skip
    strength = staffing.strength(own=operation.strength, bko=operation.bko, posts=posts,
                                 units=units, tps=tps, pattern=pattern, counts=counts,
                                 default_risk=_risk)  # fmt: skip
    return duty, strength


def staffing_of(
    area: Area, store: Store, data: op.OperationData, frames: tuple, risk: str
) -> tuple[staffing.TpsStaffing, staffing.Strength]:
    """TPS duty and personnel strength of the operation at its revision (cached; read only)."""
    operation = data.operation
    return _staffing(area.key, str(store.path), operation.id, operation.revision, area, data,
                     frames, risk)  # fmt: skip


def networks(profiles: set[str]) -> dict[str, CompiledNetwork]:
    return {p: state.get_network(p) for p in sorted(profiles | {"car"})}


# ------------------------------------------------------------------------------------------
# small helpers


def labels(prefix: str, values: tuple[str, ...]) -> dict[str, str]:
    return {v: t(f"{prefix}.{v}") for v in values}


def local_time(ts: str) -> str:
    return pd.Timestamp(ts).tz_convert(settings.timezone).strftime("%d-%m %H:%M:%S")


def minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f}" if seconds != float("inf") else "–"


def positions(store: Store, data: op.OperationData, sim: bool) -> list[op.UnitPosition]:
    stale_s = float(data.operation.settings.get("stale_after_min", 10.0)) * 60
    return op.latest_positions(store, data.operation.id, stale_after_s=stale_s, simulated=sim)


def units_frame(positions: list[op.UnitPosition]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": [p.unit_id for p in positions],
            "name": [p.name for p in positions],
            "lon": [p.lon for p in positions],
            "lat": [p.lat for p in positions],
            "status": [p.status for p in positions],
            "stale": [p.stale for p in positions],
            "age_min": [p.age_s / 60 for p in positions],
        }
    )


def tick_simulation(store: Store, area: Area, data: op.OperationData) -> None:
    """Write the simulated units' positions for now (rehearsal only, source ``simulasi``).

    Each unit starts from its post (or, without one, from the posts in turn) and drives a
    seeded patrol loop; the loops are cached, each tick only interpolates.
    """
    if not data.units or not data.posts:
        return
    posts = {p.id: p for p in data.posts}
    order = sorted(posts)
    starts = [
        posts.get(u.post_id) or posts[order[i % len(order)]] for i, u in enumerate(data.units)
    ]
    snapped = cv.sources_from_frame(
        area,
        pd.DataFrame(
            {
                "key": [u.unit_id for u in data.units],
                "name": [u.unit_id for u in data.units],
                "kind": "unit",
                "lon": [p.lon for p in starts],
                "lat": [p.lat for p in starts],
                "profile": [u.profile for u in data.units],
            }
        ),
    )
    rows = tuple((s.key, s.node, s.profile) for s in snapped)
    now = datetime.now(UTC)
    last = st.session_state.get("cov_sim_written")
    if last is not None and (now - last).total_seconds() < 2:
        return
    sim = simulation_plan(
        area.key,
        rows,
        int(st.session_state["cov_sim_seed"]),
        st.session_state["cov_sim_start"],
        area,
        networks({r[2] for r in rows}),
    )
    # the rehearsal's units report as simulated devices, through the same ingest as a phone
    live_sim.post(store, area, data.operation.id, simulation.positions_at(sim, now))
    st.session_state["cov_sim_written"] = now


def ensure_rehearsal_units(store: Store, data: op.OperationData) -> None:
    """One rehearsal unit per post when the operation has no unit yet."""
    if data.units:
        return
    for post in data.posts:
        op.add_unit(
            store,
            data.operation.id,
            unit_id=f"{op.SIMULATION_UNIT_PREFIX}{post.id:02d}",
            name=t("cov.sim.unit_name", post=post.name),
            post_id=post.id,
            profile="motorbike",
        )
