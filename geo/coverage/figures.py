"""Coverage figures per cutoff: road share, venues and TPS by risk tier, areas, gaps."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geo._errors import GeoError
from geo.coverage.reach import Reach, point_times, road_fraction
from geo.coverage.roads import Roads
from geo.risk import RISK_TIERS

#: Default cutoffs, minutes.
DEFAULT_CUTOFFS_MIN: tuple[float, ...] = (5.0, 10.0, 15.0)

#: How ``road_share`` is defined (printed by the command line next to the figures).
ROAD_SHARE_DEFINITION = (
    "road_share = covered road length / total road length, two-way roads counted once. "
    "Node times t are multi-source Dijkstra travel times (edge weight travel_time, seconds) from "
    "the posts' nodes, each source starting at its readiness_s; with several profiles, the "
    "minimum over profiles. A road u-v of travel time T is covered from u for "
    "clip((cutoff_s - t(u)) / T, 0, 1) of its length if u->v is an edge, likewise from v if "
    "v->u is an edge; its covered share is min(1, from_u + from_v). "
    "road_share_whole_edges counts a road only when that share is 1."
)


@dataclass(frozen=True, eq=False)
class AreaShares:
    """Road length and covered length per administrative area (one cutoff).

    Attributes
    ----------
    names
        Area names, sorted.
    road_m, covered_m
        Metres per area.
    """

    names: np.ndarray
    road_m: np.ndarray
    covered_m: np.ndarray

    def frame(self) -> pd.DataFrame:
        """``nama``, ``road_km``, ``covered_km``, ``road_share`` (0..1)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(self.road_m > 0, self.covered_m / self.road_m, 0.0)
        return pd.DataFrame(
            {
                "nama": self.names,
                "road_km": self.road_m / 1000,
                "covered_km": self.covered_m / 1000,
                "road_share": share,
            }
        )


_NO_SHARES = AreaShares(np.zeros(0, dtype=object), np.zeros(0), np.zeros(0))


@dataclass(frozen=True)
class CoverageFigures:
    """Coverage figures for one cutoff.

    Attributes
    ----------
    cutoff_min
        Minutes.
    road_share
        Covered share of road length (0..1), partial roads counted for their covered part.
    road_share_whole_edges
        Share of road length on roads covered end to end.
    road_km_covered, road_km_total
        Kilometres.
    venues_covered, venues_total, tps_covered, tps_total
        Targets reached within the cutoff.
    venues_by_risk, tps_by_risk
        ``tier -> (covered, total)``.
    kecamatan_shares, kelurahan_shares
        Lengths per kecamatan and kelurahan (``kecamatan`` and ``kelurahan`` give them as
        frames with ``nama``, ``road_km``, ``covered_km``, ``road_share``).
    """

    cutoff_min: float
    road_share: float
    road_share_whole_edges: float
    road_km_covered: float
    road_km_total: float
    venues_covered: int
    venues_total: int
    tps_covered: int
    tps_total: int
    venues_by_risk: dict[str, tuple[int, int]] = field(default_factory=dict)
    tps_by_risk: dict[str, tuple[int, int]] = field(default_factory=dict)
    kecamatan_shares: AreaShares = _NO_SHARES
    kelurahan_shares: AreaShares = _NO_SHARES

    @property
    def kecamatan(self) -> pd.DataFrame:
        """Road share per kecamatan (frame)."""
        return self.kecamatan_shares.frame()

    @property
    def kelurahan(self) -> pd.DataFrame:
        """Road share per kelurahan (frame)."""
        return self.kelurahan_shares.frame()


def _tier_counts(risk: np.ndarray, covered: np.ndarray) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for tier in [*RISK_TIERS, *sorted(set(risk) - set(RISK_TIERS))]:
        mask = risk == tier
        if mask.any():
            out[tier] = (int(covered[mask].sum()), int(mask.sum()))
    return out


def _group_codes(roads: Roads, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Integer code per road and the sorted names of a grouping column (cached on ``roads``)."""
    cache = roads.__dict__.setdefault("_group_codes", {})
    if column not in cache:
        codes, names = pd.factorize(roads.frame[column].astype(str), sort=True)
        cache[column] = (codes, np.asarray(names, dtype=object))
    return cache[column]


def _shares_by(roads: Roads, covered_m: np.ndarray, column: str) -> AreaShares:
    codes, names = _group_codes(roads, column)
    road_m = np.bincount(codes, weights=roads.length, minlength=len(names))
    cov_m = np.bincount(codes, weights=covered_m, minlength=len(names))
    keep = names != ""
    return AreaShares(names[keep], road_m[keep], cov_m[keep])


def road_shares(reach: Reach, roads: Roads, cutoffs_s: Iterable[float]) -> np.ndarray:
    """Covered share of road length for each cutoff (the ``road_share`` of the figures)."""
    frac = road_fraction(reach, roads, np.asarray(list(cutoffs_s), dtype=float))
    return (frac @ roads.length) / roads.total_m if roads.total_m else np.zeros(len(frac))


def coverage_figures(
    reach: Reach,
    roads: Roads,
    targets: gpd.GeoDataFrame | None,
    cutoffs_s: Iterable[float],
) -> list[CoverageFigures]:
    """Coverage figures for each cutoff.

    Parameters
    ----------
    reach
        Travel times (``horizon_s`` at least the largest cutoff).
    roads
        Road index.
    targets
        Located targets (``locate_targets``) with ``kind`` ``venue`` or ``tps``; may be None.
    cutoffs_s
        Seconds.

    Returns
    -------
    list of CoverageFigures
    """
    cutoffs = [float(c) for c in cutoffs_s]
    if cutoffs and max(cutoffs) > reach.horizon_s:
        msg = "Batas waktu melebihi jangkauan perhitungan."
        raise GeoError(msg)
    if targets is None or targets.empty:
        target_t = np.zeros(0)
        kinds = risks = np.zeros(0, dtype=object)
    else:
        target_t, _ = point_times(reach, roads, targets["road"], targets["along"])
        kinds = targets["kind"].astype(str).to_numpy()
        risks = targets["risk"].astype(str).to_numpy()
    venue, tps = kinds == "venue", kinds == "tps"
    total_m = roads.total_m
    fractions = road_fraction(reach, roads, np.asarray(cutoffs, dtype=float))
    out = []
    for cutoff, frac in zip(cutoffs, fractions, strict=True):
        covered_m = frac * roads.length
        covered = float(covered_m.sum())
        hit = target_t <= cutoff
        out.append(
            CoverageFigures(
                cutoff_min=cutoff / 60.0,
                road_share=covered / total_m if total_m else 0.0,
                road_share_whole_edges=(
                    float(roads.length[frac >= 1.0 - 1e-9].sum() / total_m) if total_m else 0.0
                ),
                road_km_covered=covered / 1000,
                road_km_total=total_m / 1000,
                venues_covered=int(hit[venue].sum()),
                venues_total=int(venue.sum()),
                tps_covered=int(hit[tps].sum()),
                tps_total=int(tps.sum()),
                venues_by_risk=_tier_counts(risks[venue], hit[venue]),
                tps_by_risk=_tier_counts(risks[tps], hit[tps]),
                kecamatan_shares=_shares_by(roads, covered_m, "kecamatan"),
                kelurahan_shares=_shares_by(roads, covered_m, "kelurahan"),
            )
        )
    return out


def target_table(
    reach: Reach, roads: Roads, targets: gpd.GeoDataFrame | None, cutoff_s: float
) -> pd.DataFrame:
    """Every target with its best time, nearest source and whether it is covered.

    Parameters
    ----------
    reach
        Travel times.
    roads
        Road index.
    targets
        Located targets.
    cutoff_s
        Seconds.

    Returns
    -------
    pandas.DataFrame
        The targets' columns (no geometry) plus ``lon``, ``lat``, ``time_s``, ``time_min``,
        ``nearest`` (source name), ``nearest_key`` and ``covered``; sorted slowest first.
    """
    cols = ["lon", "lat", "time_s", "time_min", "nearest", "nearest_key", "covered"]
    if targets is None or targets.empty:
        return pd.DataFrame(columns=["name", "kind", "risk", *cols])
    t, origin = point_times(reach, roads, targets["road"], targets["along"])
    frame = pd.DataFrame(targets.drop(columns="geometry"))
    frame["lon"] = targets.geometry.x.to_numpy()
    frame["lat"] = targets.geometry.y.to_numpy()
    frame["time_s"] = t
    frame["time_min"] = t / 60.0
    frame["nearest"] = [reach.sources[o].name if o >= 0 else "" for o in origin]
    frame["nearest_key"] = [reach.sources[o].key if o >= 0 else "" for o in origin]
    frame["covered"] = t <= cutoff_s
    return frame.sort_values("time_s", ascending=False, kind="stable").reset_index(drop=True)


def gaps(reach: Reach, roads: Roads, targets: gpd.GeoDataFrame, cutoff_s: float) -> pd.DataFrame:
    """Venues and TPS not reached within a cutoff, with their nearest source and its time.

    Returns
    -------
    pandas.DataFrame
        As ``target_table``, uncovered rows only (``time_s`` ``inf`` = unreachable).
    """
    table = target_table(reach, roads, targets, cutoff_s)
    return table[~table["covered"]].reset_index(drop=True)
