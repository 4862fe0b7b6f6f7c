"""Test TPS at real public buildings of Kota Metro (no TPS coordinates exist in the sources).

Each of the 22 kelurahan offices of the Pemkot Metro data stands in for one TPS; risk tiers
cycle through the four tiers. These are test inputs, not polling-station data.
"""

from __future__ import annotations

import geopandas as gpd

from geo.area import Area

TIERS = ("kurang_rawan", "rawan", "sangat_rawan", "khusus")
SPELLING = {"kurang_rawan": "Kurang Rawan", "rawan": "rawan", "sangat_rawan": "SANGAT RAWAN",
            "khusus": "khusus"}  # fmt: skip


def kelurahan_offices(area: Area) -> gpd.GeoDataFrame:
    """The kelurahan offices (real points), sorted by name."""
    places = area.places
    offices = places[places["name"].str.startswith("Kelurahan ")]
    return offices.sort_values("name").reset_index(drop=True)


def tps_frame(area: Area) -> gpd.GeoDataFrame:
    """A TPS target frame (``kind`` ``tps``) at the kelurahan offices."""
    offices = kelurahan_offices(area)
    return gpd.GeoDataFrame(
        {
            "key": [f"tps:{i + 1:03d}" for i in range(len(offices))],
            "name": [f"TPS {i + 1:03d}" for i in range(len(offices))],
            "kind": "tps",
            "risk": [TIERS[i % 4] for i in range(len(offices))],
            "kelurahan": offices["kelurahan"].to_numpy(),
        },
        geometry=offices.geometry.to_numpy(),
        crs=4326,
    )


def tps_csv(area: Area) -> str:
    """The same TPS as a CSV file as a KPU export might give it (lat before lon)."""
    offices = kelurahan_offices(area)
    lines = ["kode,nama,kelurahan,kerawanan,pemilih,lat,lon"]
    for i, rec in enumerate(offices.itertuples()):
        tier = SPELLING[TIERS[i % 4]]
        lines.append(
            f"{i + 1:03d},TPS {i + 1:03d},{rec.kelurahan},{tier},{250 + i},"
            f"{rec.geometry.y:.7f},{rec.geometry.x:.7f}"
        )
    return "\n".join(lines) + "\n"
