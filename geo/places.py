"""Build one places layer from the RBI and Pemkot Metro point sources.

Each place gets a ``category``, a ``name``, the ``kelurahan`` it lies in, its ``source`` and the
quality of its ``position`` (``surveyed`` or ``approximate``). Known RBI mislabels are corrected
and places that two sources both list are merged into one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import geopandas as gpd
import pandas as pd
import shapely

from geo import settings

#: Every category the places layer uses, in the order legends list them.
CATEGORIES: tuple[str, ...] = (
    "police_hq",
    "police_sector",
    "election_office",
    "venue",
    "government",
    "hospital",
    "clinic",
    "fire_station",
    "military",
    "prison",
    "school",
    "university",
    "worship",
    "terminal",
    "landmark",
    "cctv",
)

SOURCE_RBI = "BIG RBI 1:50.000"
SOURCE_PEMKOT = "Pemkot Metro"
SOURCE_PLANNER = "perencana"

#: RBI points labelled "Kantor Polisi" that are not police stations (see SOURCES.md).
RBI_NOT_POLICE = ("Inspektorat Metro", "Kantor Bersama Samsat Kota Metro")

#: Names (lower case, start of name) of landmarks that are campaign venues.
VENUE_LANDMARKS = ("stadion tejosari", "taman merdeka", "lapangan mulyojati", "lapangan garuda")

#: The venue of the Polres Metro campaign-security report that no source locates.
NUWO_BUDAYO = "Gedung Nuwo Budayo"
NUWO_BUDAYO_NOTE = (
    "Posisi perkiraan: Jl. Jendral Sudirman, Kelurahan Metro (Metro Pusat); tidak ada di data "
    "sumber. Diletakkan di jalan terdekat dari titik pusat Kelurahan Metro; perbaiki di peta."
)

# Parts of a landmark name that tell which point of one place it is (entrance, inside, ...).
_POINT_PART = re.compile(
    r"\s+(depan|dalam|luar|parkir|pelayanan|pendaftaran|tengah lapangan|tengah|taman|"
    r"kolam renang|hewan)(\s*\d+)?$",
    re.IGNORECASE,
)
_STOPWORDS = frozenset(
    [
        "kantor",
        "kota",
        "metro",
        "uptd",
        "upt",
        "dinas",
        "pada",
        "dan",
        "di",
        "of",
        "kec",
        "kel",
        "lampung",
        "badan",
        "bagian",
        "daerah",
        "sekretariat",
        "balai",
        "pusat",
        "pelayanan",
        "kelas",
        "negeri",
    ]
)
_SYNONYMS = {"camat": "kecamatan", "rsud": "rumah sakit", "kel.": "kelurahan"}


def rbi_category(name: str, remark: str) -> str:
    """Category of an RBI government point from its name and RBI remark.

    Parameters
    ----------
    name
        RBI ``NAMOBJ``.
    remark
        RBI ``REMARK`` (e.g. "Kantor Polisi").

    Returns
    -------
    str
    """
    lower = name.lower()
    if remark == "Kantor Polisi" and name not in RBI_NOT_POLICE:
        return "police_hq" if "resor" in lower else "police_sector"
    if lower.startswith("kpu"):
        return "election_office"
    if "sesat agung" in lower:
        return "venue"
    if "pemadam kebakaran" in lower:
        return "fire_station"
    if remark.startswith("Instalasi TNI"):
        return "military"
    if remark == "Lembaga Pemasyarakatan":
        return "prison"
    return "government"


def unit_category(unit: str) -> str:
    """Category of a Pemkot Metro city-government unit from its name."""
    upper = unit.upper()
    if "RSUD" in upper:
        return "hospital"
    if "PUSKESMAS" in upper:
        return "clinic"
    if "TERMINAL" in upper:
        return "terminal"
    if upper.startswith("SMP ") or " SMP " in upper:
        return "school"
    return "government"


def place_category(name: str, kategori: str) -> str:
    """Category of a Pemkot Metro place; its ``kategori_db`` is often wrong, so names decide."""
    lower = name.lower()
    if any(w in lower for w in ("masjid", "gereja", "vihara", "pura ")):
        return "worship"
    if kategori == "Pendidikan":
        return "university" if re.match(r"(universitas|institut|stmik|stkip)", lower) else "school"
    if lower.startswith("taman"):
        return "landmark"
    return "government"


def landmark_category(name: str) -> str:
    """Category of a Pemkot Metro landmark (after its point-part suffix is removed)."""
    lower = name.lower()
    if lower.startswith(VENUE_LANDMARKS):
        return "venue"
    if lower.startswith("rumah sakit") and "hewan" not in lower:
        return "hospital"
    if lower.startswith("taqwa"):
        return "worship"
    return "landmark"


def landmark_base_name(name: str) -> str:
    """Name of the place a landmark point belongs to (``"Taqwa Depan"`` -> ``"Taqwa"``)."""
    base = name.strip()
    while True:
        stripped = _POINT_PART.sub("", base)
        if stripped == base:
            break
        base = stripped
    base = re.sub(r"\s+\d+$", "", base)
    return base[:1].upper() + base[1:]


def name_tokens(name: str) -> frozenset[str]:
    """Significant lower-case words of a name, for matching one place across sources."""
    text = name.lower()
    for word, repl in _SYNONYMS.items():
        text = re.sub(rf"\b{re.escape(word)}\b", repl, text)
    words = re.findall(r"[a-z0-9]+", text)
    return frozenset(w for w in words if len(w) > 1 and w not in _STOPWORDS)


def _frame(rows: Iterable[dict], layer: str = "") -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(list(rows), geometry="geometry", crs=settings.crs_geographic)
    frame["layer"] = layer
    return frame


def _rbi_places(offices: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rows = []
    for rec in offices.itertuples():
        note = ""
        if rec.NAMOBJ in RBI_NOT_POLICE:
            note = "RBI menandai 'Kantor Polisi'; bukan kantor polisi (dikoreksi)"
        rows.append(
            {
                "name": rec.NAMOBJ,
                "category": rbi_category(rec.NAMOBJ, rec.REMARK),
                "source": SOURCE_RBI,
                "note": note,
                "geometry": rec.geometry,
            }
        )
    return _frame(rows, "offices")


def _unit_places(units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rows = [
        {
            "name": rec.unit.title().replace("Uptd", "UPTD").replace("Rsud", "RSUD"),
            "category": unit_category(rec.unit),
            "source": SOURCE_PEMKOT,
            "note": "",
            "geometry": rec.geometry,
        }
        for rec in units.itertuples()
    ]
    return _frame(rows, "units")


def _pemkot_places(places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rows = [
        {
            "name": rec.nama_lokasi,
            "category": place_category(rec.nama_lokasi, rec.kategori_db),
            "source": SOURCE_PEMKOT,
            "note": rec.alamat if not str(rec.alamat).startswith("http") else "",
            "geometry": rec.geometry,
        }
        for rec in places.itertuples()
    ]
    return _frame(rows, "places")


def _landmark_places(landmarks: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One place per landmark: its points (entrance, inside, parking) are merged.

    The entrance ("Depan") point is the place's position when there is one.
    """
    frame = landmarks.assign(base=landmarks["nama_lokasi"].map(landmark_base_name))
    frame["is_entrance"] = frame["nama_lokasi"].str.contains("Depan", case=False)
    rows = []
    for base, group in frame.groupby(frame["base"].str.lower(), sort=False):
        group = group.sort_values("is_entrance", ascending=False)
        first = group.iloc[0]
        name = "Masjid Taqwa" if base == "taqwa" else first["base"]
        rows.append(
            {
                "name": name,
                "category": landmark_category(first["base"]),
                "source": SOURCE_PEMKOT,
                "note": (
                    f"{len(group)} titik: " + ", ".join(group["nama_lokasi"])
                    if len(group) > 1
                    else ""
                ),
                "geometry": first.geometry,
            }
        )
    return _frame(rows, "landmarks")


def _cctv_places(cctv: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rows = [
        {
            "name": f"CCTV {rec.nama_lokasi.strip()}",
            "category": "cctv",
            "source": SOURCE_PEMKOT,
            "note": "",
            "geometry": rec.geometry,
        }
        for rec in cctv.itertuples()
    ]
    return _frame(rows, "cctv")


def merge_duplicates(
    places: gpd.GeoDataFrame, *, max_distance_m: float = 150.0
) -> gpd.GeoDataFrame:
    """Merge places that two source layers both list.

    Two places are one when they come from different layers (column ``layer``), share a category, lie within ``max_distance_m`` of each other,
    and most significant words of the shorter name occur in the other. The first place (in
    frame order) keeps its name and position; the sources are joined.

    Parameters
    ----------
    places
        Places in EPSG:4326, earlier rows preferred.
    max_distance_m
        Largest distance between two points of one place.

    Returns
    -------
    geopandas.GeoDataFrame
    """
    metric = places.to_crs(settings.crs_metric)
    tokens = [name_tokens(n) for n in places["name"]]
    left, right = metric.sindex.query(metric.geometry, predicate="dwithin", distance=max_distance_m)
    keep = places.copy()
    absorbed: set[int] = set()
    for i, j in zip(left, right, strict=True):
        if i >= j or i in absorbed or j in absorbed:
            continue
        if places["category"].iat[i] != places["category"].iat[j]:
            continue
        if places["layer"].iat[i] == places["layer"].iat[j]:
            continue
        a, b = tokens[i], tokens[j]
        if not a or not b or len(a & b) / min(len(a), len(b)) < 0.6:
            continue
        absorbed.add(j)
        label = keep.index[i]
        sources = keep.loc[label, "source"].split("; ")
        if places["source"].iat[j] not in sources:
            keep.loc[label, "source"] = "; ".join([*sources, places["source"].iat[j]])
        also = f"juga: {places['name'].iat[j]}"
        keep.loc[label, "note"] = "; ".join(x for x in (keep.loc[label, "note"], also) if x)
    return keep.drop(index=keep.index[sorted(absorbed)]).reset_index(drop=True)


def nuwo_budayo_point(kelurahan: gpd.GeoDataFrame, roads: gpd.GeoDataFrame) -> shapely.Point:
    """Approximate position of Gedung Nuwo Budayo: the road point nearest Kelurahan Metro's centre.

    No source has its coordinates; the planner corrects it on the map.
    """
    row = kelurahan.loc[kelurahan["nama"] == "Metro"].iloc[0]
    centre = gpd.GeoSeries(
        [shapely.Point(row["centroid_lng"], row["centroid_lat"])], crs=settings.crs_geographic
    ).to_crs(settings.crs_metric)
    lines = roads.to_crs(settings.crs_metric)
    inside = lines[
        lines.intersects(kelurahan.loc[[row.name]].to_crs(settings.crs_metric).union_all())
    ]
    _, nearest = inside.sindex.nearest(centre, return_all=False)
    line = inside.geometry.iloc[int(nearest[0])]
    snapped = line.interpolate(line.project(centre.iloc[0]))
    return gpd.GeoSeries([snapped], crs=settings.crs_metric).to_crs(settings.crs_geographic).iloc[0]


def build_places(
    *,
    offices: gpd.GeoDataFrame,
    units: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    landmarks: gpd.GeoDataFrame,
    cctv: gpd.GeoDataFrame,
    kelurahan: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame,
) -> gpd.GeoDataFrame:
    """Build the places layer of an area from its source layers.

    Parameters
    ----------
    offices
        RBI government points (``NAMOBJ``, ``REMARK``).
    units
        Pemkot Metro city-government units (``unit``).
    places
        Pemkot Metro places (``nama_lokasi``, ``kategori_db``, ``alamat``).
    landmarks
        Pemkot Metro landmarks (``nama_lokasi``), several points per place.
    cctv
        Pemkot Metro CCTV sites (``nama_lokasi``).
    kelurahan
        Kelurahan polygons (``kode``, ``nama``, ``centroid_lat``, ``centroid_lng``).
    roads
        Road lines, to place the venue no source locates.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``place_id``, ``name``, ``category``, ``kelurahan``, ``kode_kelurahan``,
        ``source``, ``position``, ``note``, geometry (EPSG:4326).
    """
    parts = [
        _rbi_places(offices),
        _pemkot_places(places),
        _unit_places(units),
        _landmark_places(landmarks),
    ]
    merged = merge_duplicates(pd.concat(parts, ignore_index=True))
    nuwo = _frame(
        [
            {
                "name": NUWO_BUDAYO,
                "category": "venue",
                "source": SOURCE_PLANNER,
                "note": NUWO_BUDAYO_NOTE,
                "geometry": nuwo_budayo_point(kelurahan, roads),
            }
        ]
    )
    out = pd.concat([merged, nuwo, _cctv_places(cctv)], ignore_index=True)
    out = out.drop(columns="layer")
    out["position"] = ["approximate" if n == NUWO_BUDAYO else "surveyed" for n in out["name"]]
    joined = gpd.sjoin(out, kelurahan[["kode", "nama", "geometry"]], how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    out["kelurahan"] = joined["nama"].fillna("")
    out["kode_kelurahan"] = joined["kode"].fillna("")
    order = {c: i for i, c in enumerate(CATEGORIES)}
    out = out.sort_values(
        ["category", "name"], key=lambda s: s.map(order) if s.name == "category" else s
    )
    out.insert(0, "place_id", [f"P{i:03d}" for i in range(1, len(out) + 1)])
    columns = ["place_id", "name", "category", "kelurahan", "kode_kelurahan", "source"]
    return out[[*columns, "position", "note", "geometry"]].reset_index(drop=True)
