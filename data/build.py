"""Build step of the embedded areas: writes ``data/<area>/places.geojson`` from the sources.

Run ``python -m data.build`` after changing a source layer or the rules in ``geo.places``.
"""

from __future__ import annotations

import argparse

import geopandas as gpd

from geo import datasets
from geo.places import build_places


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


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--area", default="metro")
    args = parser.parse_args()
    places = build(args.area)
    print(places["category"].value_counts().to_string())


if __name__ == "__main__":
    main()
