"""Build step of the embedded areas: writes ``data/<area>/places.geojson`` from the sources.

Run ``python -m data.build`` after changing a source layer or the rules in ``geo.places``.
"""

from __future__ import annotations

import argparse

import geopandas as gpd
import pandas as pd

from geo import datasets
from geo._errors import AreaDataError
from geo.places import build_places
from geo.staffing import load_tps_counts


def build(area: str = "metro", *, write: bool = True) -> gpd.GeoDataFrame:
    """Build the places layer of an embedded area, write it unless ``write`` is False; return it."""

    def read(name: str) -> gpd.GeoDataFrame:
        return gpd.read_file(datasets.get_path(name, area))

    places = build_places(
        offices=read("offices"),
        units=read("units"),
        places=read("places_pemkot"),
        landmarks=read("landmarks"),
        cctv=read("cctv"),
        kelurahan=read("kelurahan"),
        roads=read("roads"),
    )
    if write:
        out = datasets.settings.data_folder / area / datasets.BUILT_LAYERS["places"]
        places.to_file(out, driver="GeoJSON", engine="pyogrio", COORDINATE_PRECISION=7)
    return places


def check_tps_counts(area: str = "metro") -> pd.DataFrame:
    """The area's TPS counts, checked against its kelurahan layer (every code known, once).

    Raises
    ------
    AreaDataError
        If a count row names a kelurahan code the boundary layer does not have, or twice.
    """
    kelurahan = gpd.read_file(datasets.get_path("kelurahan", area))
    counts = load_tps_counts(area, kelurahan=kelurahan)
    unknown = sorted(set(counts["kode_kelurahan"]) - set(kelurahan["kode"].astype(str)))
    twice = counts["kode_kelurahan"][counts["kode_kelurahan"].duplicated()].tolist()
    if unknown or twice:
        msg = f"Jumlah TPS {area!r}: kode tidak dikenal {unknown}, ganda {twice}."
        raise AreaDataError(msg)
    return counts


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--area", default="metro")
    args = parser.parse_args()
    places = build(args.area)
    print(places["category"].value_counts().to_string())
    counts = check_tps_counts(args.area)
    if len(counts):
        print(f"TPS (Pemilu 2024): {int(counts['tps_total'].sum())} in {len(counts)} kelurahan")


if __name__ == "__main__":
    main()
