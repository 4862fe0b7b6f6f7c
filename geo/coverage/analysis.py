"""One call for a page or a report: reach, figures, bands and target times."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geo._errors import GeoError
from geo.coverage.bands import road_bands
from geo.coverage.figures import CoverageFigures, coverage_figures, target_table
from geo.coverage.reach import Reach, Source, compute_reach
from geo.coverage.roads import Roads
from geo.network import CompiledNetwork


@dataclass(frozen=True, eq=False)
class Analysis:
    """Coverage of one set of sources: figures per cutoff, road bands and every target's time.

    Attributes
    ----------
    reach
        Travel times.
    cutoffs_s
        Cutoffs, ascending.
    figures
        One per cutoff.
    bands
        ``road_bands`` (time band, responsible source per road).
    targets
        ``target_table`` against ``standard_s``.
    standard_s
        The response standard the targets are judged by (one of the cutoffs).
    """

    reach: Reach
    cutoffs_s: tuple[float, ...]
    figures: tuple[CoverageFigures, ...]
    bands: gpd.GeoDataFrame
    targets: pd.DataFrame
    standard_s: float


def analyse(
    networks: Mapping[str, CompiledNetwork],
    roads: Roads,
    sources: Sequence[Source],
    targets: gpd.GeoDataFrame | None,
    cutoffs_s: Iterable[float],
    *,
    standard_s: float | None = None,
    horizon_s: float = np.inf,
) -> Analysis:
    """Coverage of sources: reach, figures per cutoff, road bands and target times.

    Parameters
    ----------
    networks
        Compiled network per profile.
    roads
        Road index.
    sources
        Posts and units (at least one).
    targets
        Located targets, or None.
    cutoffs_s
        Seconds.
    standard_s
        Response standard for judging targets; default the largest cutoff.
    horizon_s
        Exploration limit (``inf``: every reachable node, so gaps get their nearest source).

    Returns
    -------
    Analysis
    """
    cutoffs = tuple(sorted({float(c) for c in cutoffs_s}))
    if not cutoffs:
        msg = "Pilih minimal satu batas waktu."
        raise GeoError(msg)
    if not sources:
        msg = "Belum ada pos atau unit untuk dihitung cakupannya."
        raise GeoError(msg)
    standard = float(standard_s) if standard_s is not None else cutoffs[-1]
    reach = compute_reach(networks, sources, horizon_s=max(horizon_s, cutoffs[-1]))
    return Analysis(
        reach=reach,
        cutoffs_s=cutoffs,
        figures=tuple(coverage_figures(reach, roads, targets, cutoffs)),
        bands=road_bands(reach, roads, cutoffs),
        targets=target_table(reach, roads, targets, standard),
        standard_s=standard,
    )
