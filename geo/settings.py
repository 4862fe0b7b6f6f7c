"""Settings of the geo package: paths, projections, tolerances and network limits.

Every value is a module attribute, read at call time, so a caller (the app, a test or a
script) can change it, as with ``osmnx.settings``.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Folder of the repository's embedded areas (``data/<area>/``).
data_folder: Path = Path(__file__).resolve().parent.parent / "data"

#: Folder for caches the app may rebuild at any time: built road graphs, OSM downloads.
cache_folder: Path = Path(
    os.environ.get("PETA_CACHE_DIR", Path.home() / ".cache" / "peta-pengamanan")
)

#: Storage CRS of every layer and graph (lon, lat).
crs_geographic: str = "EPSG:4326"

#: Metric CRS of Kota Metro (UTM zone 48 S); used for lengths, buffers and snapping.
crs_metric: str = "EPSG:32748"

#: Local time zone of the area (Kota Metro, Lampung: WIB, UTC+7): a time without a zone in a
#: file is read in it, and stored UTC times are shown in it.
timezone: str = "Asia/Jakarta"

#: Line ends closer than this to another road (metres) are joined to it when the RBI
#: lines are noded into a graph.
snap_tolerance_m: float = 6.0

#: A point farther than this from every road cannot be snapped to the network (metres).
max_snap_distance_m: float = 500.0

#: Seconds to wait for an OSM server before telling the user there is no connection.
requests_timeout_s: float = 8.0
