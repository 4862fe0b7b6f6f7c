"""TPS staffing on the real Pemilu 2024 TPS counts of Kota Metro (geo.staffing)."""

from __future__ import annotations

import pandas as pd
import pytest

from geo import staffing
from geo._errors import GeoError
from geo.area import Area

NO_TPS = pd.DataFrame({"kelurahan": [], "risk": []})
NO_POSTS = pd.DataFrame({"lon": [], "lat": [], "kind": [], "personnel": []})


@pytest.fixture(scope="module")
def counts(area: Area) -> pd.DataFrame:
    return staffing.load_tps_counts(kelurahan=area.kelurahan)


def test_counts_are_the_real_462(counts: pd.DataFrame, area: Area) -> None:
    assert len(counts) == 22
    assert int(counts["tps_total"].sum()) == 462
    assert int(counts["tps_khusus"].sum()) == 2
    per_kec = counts.groupby("kecamatan")["tps_total"].sum().to_dict()
    assert per_kec == {"Metro Pusat": 143, "Metro Utara": 87, "Metro Barat": 76,
                       "Metro Timur": 107, "Metro Selatan": 49}  # fmt: skip
    # names follow the boundary layer (the count file says "Sumbersari")
    assert set(counts["kelurahan"]) == set(area.kelurahan["nama"])
    assert "Sumbersari Bantul" in set(counts["kelurahan"])


def test_unknown_area_has_no_counts() -> None:
    assert staffing.load_tps_counts("tidak_ada").empty


def test_counted_requirement_without_upload(area: Area) -> None:
    s = staffing.tps_staffing(area, NO_TPS, NO_POSTS)
    assert s.counted
    assert (s.tps, s.positioned, s.missing) == (462, 0, 462)
    kel = s.kelurahan.set_index("kelurahan")
    # Metro: 38 TPS kurang rawan at 2 per 16 -> 3 teams of 2
    assert kel.loc["Metro", "required"] == 6
    # Iring Mulyo: 34 regular (3 teams) + 2 TPS khusus at 2 per TPS
    assert kel.loc["Iring Mulyo", "required"] == 6 + 4
    assert s.required == int(kel["required"].sum()) == 80
    assert s.kecamatan.set_index("kecamatan").loc["Metro Pusat", "tps"] == 143
    assert s.polsek["polsek"].tolist() == [
        "Polsek Metro Barat", "Polsek Metro Pusat", "Polsek Metro Selatan",
        "Polsek Metro Timur", "Polsek Metro Utara",
    ]  # fmt: skip
    assert s.polsek["required"].sum() == 80
    # a stricter pattern, as the staff may set it: 2 police per 2 TPS
    strict = staffing.tps_staffing(area, NO_TPS, NO_POSTS, pattern=staffing.parse_pattern(
        {"kurang_rawan": [2, 2]}))  # fmt: skip
    expected = sum(-(-int(n) // 2) * 2 for n in staffing.load_tps_counts()["tps_reguler"])
    assert strict.required == expected + 4 == 476


def test_uploaded_tps_refine_the_counts(area: Area) -> None:
    tps = pd.DataFrame({"kelurahan": ["Metro"] * 10 + ["Yosodadi"] * 3,
                        "risk": ["sangat_rawan"] * 10 + ["rawan"] * 3})  # fmt: skip
    s = staffing.tps_staffing(area, tps, NO_POSTS)
    kel = s.kelurahan.set_index("kelurahan")
    assert (kel.loc["Metro", "positioned"], kel.loc["Metro", "missing"]) == (10, 28)
    # 10 sangat rawan at 2 per 2 (10) + 28 still counted kurang rawan at 2 per 16 (4)
    assert kel.loc["Metro", "required"] == 14
    assert kel.loc["Yosodadi", "missing"] == 22
    assert s.missing == 462 - 13
    assert s.kecamatan.set_index("kecamatan").loc["Metro Pusat", "positioned"] == 10


def test_posts_count_for_their_place(area: Area) -> None:
    police = area.places[area.places["category"] == "police_sector"]
    pusat = police[police["name"].str.endswith("Metro Pusat")].geometry.iloc[0]
    metro = area.kelurahan[area.kelurahan["nama"] == "Metro"].geometry.iloc[0]
    inside = metro.representative_point()
    posts = pd.DataFrame({"lon": [pusat.x, inside.x], "lat": [pusat.y, inside.y],
                          "kind": ["polsek", "pos_pengamanan"], "personnel": [20, 4]})  # fmt: skip
    s = staffing.tps_staffing(area, NO_TPS, posts)
    kel = s.kelurahan.set_index("kelurahan")
    assert (kel.loc["Metro", "assigned"], kel.loc["Metro", "shortfall"]) == (4, 2)
    pol = s.polsek.set_index("polsek")
    assert pol.loc["Polsek Metro Pusat", "assigned"] == 24  # own post + the pos in Metro
    assert pol.loc["Polsek Metro Pusat", "shortfall"] == 0
    assert pol.loc["Polsek Metro Timur", "shortfall"] == 24


def test_strength_with_counts(area: Area, counts: pd.DataFrame) -> None:
    posts = pd.DataFrame({"personnel": [300]})
    s = staffing.strength(own=565, bko=0, posts=posts, units=pd.DataFrame({"personnel": []}),
                          tps=NO_TPS, counts=counts)  # fmt: skip
    assert (s.total, s.tps_required, s.free_after_tps) == (565, 80, 565 - 300 - 80)


def test_unknown_default_tier(counts: pd.DataFrame) -> None:
    with pytest.raises(GeoError):
        staffing.tps_plan(counts, NO_TPS, default_risk="aman")


def test_build_step_checks_the_counts() -> None:
    from data.build import check_tps_counts

    assert int(check_tps_counts("metro")["tps_total"].sum()) == 462
