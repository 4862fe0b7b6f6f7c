"""Network coverage: what posts and units reach within N minutes, and what they leave uncovered.

Every figure comes from travel times on the road network (``geo.network``), never from polygons:

- **Sources** (posts and units) start at their position's projection on the nearest road (a
  "phantom node"), leaving through either end of that road where it is two-way, with the
  partial road counted, after their readiness time (seconds spent before leaving). Sources are grouped by travel profile; each
  profile runs one multi-source Dijkstra (a virtual node joined to every source by its readiness),
  and the node times are the minimum over profiles.
- **Road share** (``road_share``) counts covered road *length*: a road between nodes ``u`` and
  ``v`` is covered from ``u`` for ``(cutoff - t(u)) / travel_time`` of its length (clipped to
  0..1) when it can be driven from ``u``, likewise from ``v``; the covered part is the sum, at
  most the whole road. Two-way roads are counted once. ``road_share_whole_edges`` counts only
  roads covered end to end.
- **Venues and TPS** are located on their nearest road (a point a fraction of the way from
  ``u`` to ``v``); the time to reach them is the best time to either end plus the time along
  the road to the point.
- **Polygons** (``isochrones``) only draw the covered roads, buffered: they are never measured.

One topic a module: ``roads`` (the road index, targets located on it), ``reach`` (sources and
travel times), ``figures`` (shares and counts per cutoff, gaps), ``bands`` (time bands and
isochrones for the map), ``backup`` (second-source coverage), ``responders`` (nearest units to
an incident), ``analysis`` (one call for a page or a report). This package re-exports their
public names, so ``from geo.coverage import X`` and ``geo.coverage.X`` work as before.
"""

from geo.coverage.analysis import Analysis, analyse
from geo.coverage.backup import Backup, backup_coverage
from geo.coverage.bands import band_labels, covered_lines, isochrones, road_bands
from geo.coverage.figures import (
    DEFAULT_CUTOFFS_MIN,
    ROAD_SHARE_DEFINITION,
    AreaShares,
    CoverageFigures,
    coverage_figures,
    gaps,
    road_shares,
    target_table,
)
from geo.coverage.reach import (
    Reach,
    Source,
    compute_reach,
    point_times,
    points_from_matrix,
    road_fraction,
    road_full_time,
    sources_from_frame,
)
from geo.coverage.responders import Responder, nearest_responders, path_line
from geo.coverage.roads import Roads, locate_targets, road_index
from geo.risk import RISK_TIERS, RISK_WEIGHTS

__all__ = [
    "DEFAULT_CUTOFFS_MIN",
    "RISK_TIERS",
    "RISK_WEIGHTS",
    "ROAD_SHARE_DEFINITION",
    "Analysis",
    "AreaShares",
    "Backup",
    "CoverageFigures",
    "Reach",
    "Responder",
    "Roads",
    "Source",
    "analyse",
    "backup_coverage",
    "band_labels",
    "compute_reach",
    "coverage_figures",
    "covered_lines",
    "gaps",
    "isochrones",
    "locate_targets",
    "nearest_responders",
    "path_line",
    "point_times",
    "points_from_matrix",
    "road_bands",
    "road_fraction",
    "road_full_time",
    "road_index",
    "road_shares",
    "sources_from_frame",
    "target_table",
]
