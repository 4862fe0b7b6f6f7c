"""The places layer built from RBI and Pemkot Metro sources."""

from __future__ import annotations

import geopandas as gpd

from data.build import build
from geo import datasets
from geo.places import CATEGORIES, NUWO_BUDAYO, landmark_base_name, name_tokens


def test_categories_and_key_places(area) -> None:
    places = area.places
    assert set(places["category"]) <= set(CATEGORIES)
    counts = places["category"].value_counts()
    assert counts["police_hq"] == 1
    assert counts["police_sector"] == 5
    assert counts["election_office"] == 1
    assert counts["cctv"] == 41
    assert (
        places.loc[places["category"] == "police_hq", "name"].item() == "Kantor Polisi Resor Metro"
    )


def test_rbi_mislabels_are_not_police(area) -> None:
    places = area.places.set_index("name")
    for name in ("Inspektorat Metro", "Kantor Bersama Samsat Kota Metro"):
        assert places.loc[name, "category"] == "government"
        assert "dikoreksi" in places.loc[name, "note"]


def test_campaign_venues(area) -> None:
    venues = area.places[area.places["category"] == "venue"].set_index("name")
    for name in ("Stadion Tejosari", "Taman Merdeka", "Lapangan Mulyojati", "Lapangan Garuda",
                 "Gedung Sesat Agung Jurai Siwo Kota Metro", NUWO_BUDAYO):  # fmt: skip
        assert name in venues.index
    assert venues.loc[NUWO_BUDAYO, "position"] == "approximate"
    assert venues.loc[NUWO_BUDAYO, "kelurahan"] == "Metro"
    assert (venues.drop(index=NUWO_BUDAYO)["position"] == "surveyed").all()


def test_places_two_sources_list_are_merged(area) -> None:
    places = area.places
    camat = places[places["name"].str.startswith("Kantor Camat")]
    assert len(camat) == 5
    assert camat["source"].str.contains("Pemkot Metro").all()
    assert not places["name"].str.fullmatch("Kecamatan Metro .*", case=False).any()
    # the landmark points of one place (entrance, inside) are one place
    assert (places["name"] == "Stadion Tejosari").sum() == 1


def test_every_place_has_a_kelurahan_when_inside(area) -> None:
    inside = gpd.sjoin(area.places, area.kota[["geometry"]], predicate="within")
    assert (inside["kelurahan"] != "").all()
    assert set(inside["kelurahan"]) <= set(area.kelurahan["nama"])


def test_build_step_reproduces_shipped_layer() -> None:
    shipped = gpd.read_file(datasets.get_path("places"))
    rebuilt = build("metro", write=False)
    columns = ["place_id", "name", "category", "kelurahan", "source", "position"]
    assert rebuilt[columns].equals(shipped[columns])
    assert rebuilt.to_crs(32748).distance(shipped.to_crs(32748)).max() < 0.05  # metres


def test_helpers() -> None:
    assert landmark_base_name("Taqwa Depan") == "Taqwa"
    assert landmark_base_name("Mall Pelayanan Publik Pendaftaran") == "Mall Pelayanan Publik"
    assert landmark_base_name("Taman Palem Indah Kolam Renang 1") == "Taman Palem Indah"
    assert name_tokens("Kantor Camat Metro Selatan") == name_tokens("KECAMATAN METRO SELATAN")
