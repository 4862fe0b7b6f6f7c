"""Read TPS and unit-position files (CSV or GeoJSON) row by row.

A file whose columns cannot be recognised is refused as a whole (``InputFileError``). Otherwise
each row is checked on its own: valid rows are returned ready to save, each rejected row is
listed with its reasons in Bahasa Indonesia (missing or invalid coordinates, outside the area,
too far from a road, duplicate id, unknown risk tier or status, bad time, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import settings
from geo._errors import InputFileError
from geo._textfile import Limits
from geo.area import Area
from geo.tables import PROBLEM_COLUMN, ROW_COLUMN, read_table

#: A position more than this far in the future is refused.
FUTURE_TOLERANCE = timedelta(minutes=5)

#: Points may lie this far (metres) outside the area's outline.
AREA_TOLERANCE_M = 100.0

_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("code", "kode", "kode_tps", "id", "tps_id", "id_tps", "no_tps", "nomor_tps", "tps"),
    "name": ("name", "nama", "nama_tps"),
    "kelurahan": ("kelurahan", "desa", "kel", "desa_kelurahan", "kelurahan_desa"),
    "risk": ("risk", "kerawanan", "tingkat_kerawanan", "rawan", "kategori", "status_kerawanan"),
    "voters": ("voters", "pemilih", "dpt", "jumlah_pemilih", "jumlah_dpt"),
    "lon": ("lon", "lng", "long", "longitude", "bujur", "x"),
    "lat": ("lat", "latitude", "lintang", "y"),
    "unit_id": ("unit_id", "unit", "kode_unit", "id_unit", "callsign", "kode"),
    "time": ("time", "waktu", "timestamp", "jam", "datetime", "tanggal_waktu"),
    "status": ("status", "keadaan"),
}

_RISK_WORDS: dict[str, str] = {
    "kurang rawan": "kurang_rawan",
    "kurangrawan": "kurang_rawan",
    "aman": "kurang_rawan",
    "rawan": "rawan",
    "sangat rawan": "sangat_rawan",
    "sangatrawan": "sangat_rawan",
    "khusus": "khusus",
    "tps khusus": "khusus",
}

_STATUS_WORDS: dict[str, str] = {
    "available": "available",
    "tersedia": "available",
    "siaga": "available",
    "siap": "available",
    "busy": "busy",
    "bertugas": "busy",
    "sibuk": "busy",
    "dalam tugas": "busy",
    "off": "off",
    "istirahat": "off",
    "tidak aktif": "off",
    "nonaktif": "off",
}


@dataclass(frozen=True)
class ImportResult:
    """What a file gave.

    Attributes
    ----------
    valid
        Rows ready to save (columns depend on the kind of file).
    rejected
        ``baris`` (1-based data row; for CSV the file line is ``baris + 1``), ``id`` and
        ``alasan`` (reasons, Bahasa Indonesia).
    notes
        Remarks about the whole file (e.g. columns ignored, defaults used).
    """

    valid: pd.DataFrame
    rejected: pd.DataFrame
    notes: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """One line for the user."""
        return f"{len(self.valid)} baris diterima, {len(self.rejected)} ditolak."


#: Limits of a TPS file (Kota Metro has about 600 TPS; a province a few tens of thousands).
TPS_LIMITS = Limits(max_bytes=10_000_000, max_rows=50_000, max_columns=100, max_line_chars=10_000)

#: Limits of a unit-position file (fifty units reporting every two minutes for a day and a
#: half; a longer history goes in several files). 50 000 rows take about 2 s on an idle core.
POSITIONS_LIMITS = Limits(
    max_bytes=10_000_000, max_rows=50_000, max_columns=100, max_line_chars=10_000
)


#: Most voters one TPS can have (the 2024 rules allow 300; room for special TPS).
MAX_VOTERS = 10_000

#: Times before this are refused (a typo such as year 1 or 0024).
EARLIEST_TIME = datetime(2000, 1, 1, tzinfo=UTC)


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


def _find(frame: pd.DataFrame, field: str, *, exclude: Iterable[str] = ()) -> str | None:
    for alias in _ALIASES[field]:
        if alias in frame.columns and alias not in exclude:
            return alias
    return None


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def _number(value: object) -> float | None:
    text = _text(value).replace(" ", "")
    if not text:
        return None
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # decimal comma
    try:
        out = float(text)
    except ValueError:
        return None
    return out if np.isfinite(out) else None


def _column(frame: pd.DataFrame, col: str | None) -> list[object]:
    """A column as a plain list (fast row access), empty strings when absent."""
    if col is None:
        return [""] * len(frame)
    return frame[col].tolist()


def _row_numbers(frame: pd.DataFrame) -> list[int]:
    if ROW_COLUMN in frame.columns:
        return [int(v) for v in frame[ROW_COLUMN].tolist()]
    return list(range(1, len(frame) + 1))


def _read_problems(frame: pd.DataFrame) -> list[str]:
    if PROBLEM_COLUMN in frame.columns:
        return [str(v or "") for v in frame[PROBLEM_COLUMN].tolist()]
    return [""] * len(frame)


def _range_problem(lon: float, lat: float) -> str:
    if not (np.isfinite(lon) and np.isfinite(lat)):
        return "koordinat bukan angka terhingga (NaN/tak hingga)"
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        hint = "; lintang dan bujur tertukar?" if -90 <= lon <= 90 else ""
        return f"koordinat di luar rentang bujur/lintang ({lat}, {lon}){hint}"
    return ""


def _coords(frame: pd.DataFrame) -> tuple[list[float | None], list[float | None], list[str]]:
    """Longitude, latitude and a per-row problem from a geometry or lon/lat columns."""
    lon_col, lat_col = _find(frame, "lon"), _find(frame, "lat")
    raw_lons, raw_lats = _column(frame, lon_col), _column(frame, lat_col)
    geoms = frame["geometry"].tolist() if "geometry" in frame.columns else [None] * len(frame)
    lons: list[float | None] = []
    lats: list[float | None] = []
    problems: list[str] = []
    for read_problem, geom, raw_lon, raw_lat in zip(
        _read_problems(frame), geoms, raw_lons, raw_lats, strict=True
    ):
        lon: float | None
        lat: float | None
        if read_problem:
            lons.append(None)
            lats.append(None)
            problems.append(read_problem)
            continue
        if geom is not None and not (isinstance(geom, float) and np.isnan(geom)):
            if not isinstance(geom, shapely.Point) or geom.is_empty:
                lons.append(None)
                lats.append(None)
                problems.append(f"geometri bukan titik ({getattr(geom, 'geom_type', '?')})")
                continue
            lon, lat = float(geom.x), float(geom.y)
            problems.append(_range_problem(lon, lat))
        else:
            lon, lat = _number(raw_lon), _number(raw_lat)
            if lon is None or lat is None:
                missing = not _text(raw_lon) or not _text(raw_lat)
                problems.append(
                    "koordinat kosong"
                    if missing
                    else f"koordinat bukan angka ({_text(raw_lat)[:40]!r}, {_text(raw_lon)[:40]!r})"
                )
            else:
                problems.append(_range_problem(lon, lat))
        lons.append(lon)
        lats.append(lat)
    return lons, lats, problems


_OUTLINES: dict[str, tuple[shapely.Geometry, gpd.GeoDataFrame]] = {}


def _metric_outline(area: Area) -> tuple[shapely.Geometry, gpd.GeoDataFrame]:
    """The area's outline (prepared) and kelurahan in its metric CRS, once per area."""
    key = f"{area.key}|{area.crs_metric}"
    if key not in _OUTLINES:
        outline = area.kota.to_crs(area.crs_metric).union_all()
        shapely.prepare(outline)
        kel = area.kelurahan.to_crs(area.crs_metric)[["nama", "geometry"]]
        _OUTLINES.clear()  # one area at a time is enough; a new network replaces it
        _OUTLINES[key] = (outline, kel)
    return _OUTLINES[key]


def _place_checks(
    area: Area,
    lons: list[float | None],
    lats: list[float | None],
    problems: list[str],
    *,
    kelurahan_wanted: bool = True,
) -> tuple[list[str], list[str], list[float]]:
    """Per row: a place problem (outside the area, far from roads), kelurahan, road distance.

    Only rows without a problem are measured; each keeps its own distance (results are matched
    by row, never by position in a shortened list).
    """
    n = len(lons)
    out = list(problems)
    kelurahan = [""] * n
    road_m = [float("nan")] * n
    idx = np.array([i for i in range(n) if not problems[i]], dtype=np.int64)
    if len(idx) == 0:
        return out, kelurahan, road_m
    xs = np.array([lons[i] for i in idx], dtype=float)
    ys = np.array([lats[i] for i in idx], dtype=float)
    metric = gpd.GeoSeries(shapely.points(xs, ys), crs=settings.crs_geographic).to_crs(
        area.crs_metric
    )
    mx, my = shapely.get_x(metric.values), shapely.get_y(metric.values)
    finite = np.isfinite(mx) & np.isfinite(my)
    outline, kel = _metric_outline(area)
    inside = np.zeros(len(idx), dtype=bool)
    inside[finite] = shapely.contains_xy(outline, mx[finite], my[finite])
    near = finite & ~inside
    if near.any():
        inside[near] = shapely.distance(outline, metric.values[near]) <= AREA_TOLERANCE_M
    swapped_inside = np.zeros(len(idx), dtype=bool)
    can_swap = ~inside & (np.abs(xs) <= 90)
    if can_swap.any():
        swapped = gpd.GeoSeries(
            shapely.points(ys[can_swap], xs[can_swap]), crs=settings.crs_geographic
        ).to_crs(area.crs_metric)
        sx, sy = shapely.get_x(swapped.values), shapely.get_y(swapped.values)
        ok = np.isfinite(sx) & np.isfinite(sy)
        hits = np.zeros(len(sx), dtype=bool)
        hits[ok] = shapely.distance(outline, swapped.values[ok]) <= AREA_TOLERANCE_M
        swapped_inside[can_swap] = hits
    dist = np.full(len(idx), np.nan)
    if inside.any():
        (query_at, _), found = area.edges_metric.sindex.nearest(
            metric.values[inside], return_all=False, return_distance=True
        )
        inside_at = np.flatnonzero(inside)
        dist[inside_at[query_at]] = found
    kel_names = [""] * len(idx)
    if kelurahan_wanted and inside.any():
        points = gpd.GeoDataFrame(
            geometry=gpd.GeoSeries(metric.values[inside], crs=area.crs_metric).reset_index(
                drop=True
            )
        )
        joined = gpd.sjoin_nearest(points, kel, how="left")
        joined = joined[~joined.index.duplicated(keep="first")].sort_index()
        for k, j in enumerate(np.flatnonzero(inside)):
            kel_names[j] = str(joined["nama"].iat[k])
    for j, i in enumerate(idx):
        road_m[i] = float(dist[j])
        kelurahan[i] = kel_names[j]
        if not inside[j]:
            hint = "; lintang dan bujur tertukar?" if swapped_inside[j] else ""
            out[i] = f"di luar wilayah {area.title} ({lats[i]:.5f}, {lons[i]:.5f}){hint}"
        elif not np.isfinite(dist[j]):
            out[i] = "jarak ke jalan tidak dapat diukur"
        elif dist[j] > settings.max_snap_distance_m:
            out[i] = (
                f"berjarak {dist[j]:.0f} m dari jalan terdekat "
                f"(batas {settings.max_snap_distance_m:.0f} m)"
            )
    return out, kelurahan, road_m


def _rejected(rows: list[tuple[int, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["baris", "id", "alasan"])


def _require(frame: pd.DataFrame, fields: dict[str, str], filename: str) -> None:
    missing = [label for f, label in fields.items() if _find(frame, f) is None]
    if missing:
        cols = ", ".join(c for c in frame.columns if c != "geometry") or "(tidak ada)"
        msg = (
            f"{filename}: kolom wajib tidak ditemukan: {', '.join(missing)}. Kolom berkas: {cols}."
        )
        raise InputFileError(msg)


def _has_coords(frame: pd.DataFrame) -> bool:
    return "geometry" in frame.columns or (
        _find(frame, "lon") is not None and _find(frame, "lat") is not None
    )


def parse_risk(value: object) -> str | None:
    """Risk tier from a spelling in a file (``"Sangat Rawan"`` -> ``"sangat_rawan"``)."""
    text = re.sub(r"[\s_\-]+", " ", _text(value).lower()).strip()
    return _RISK_WORDS.get(text)


def parse_status(value: object) -> str | None:
    """Unit status from a spelling in a file; empty means ``available``."""
    text = re.sub(r"[\s_\-]+", " ", _text(value).lower()).strip()
    return "available" if not text else _STATUS_WORDS.get(text)


def validate_tps(
    area: Area,
    frame: pd.DataFrame,
    *,
    existing_codes: Iterable[str] = (),
    filename: str = "berkas",
) -> ImportResult:
    """Check TPS rows one by one.

    Parameters
    ----------
    area
        The area (outline, roads, kelurahan).
    frame
        From ``read_table``.
    existing_codes
        Codes already saved (a row repeating one is rejected, the saved one stays).
    filename
        For messages.

    Returns
    -------
    ImportResult
        ``valid`` has ``code``, ``name``, ``kelurahan``, ``risk``, ``voters``, ``lon``,
        ``lat``, ``road_m``.

    Raises
    ------
    InputFileError
        If the code, risk or coordinate columns are missing.
    """
    _require(frame, {"code": "kode TPS", "risk": "kerawanan"}, filename)
    if not _has_coords(frame):
        _require(frame, {"lon": "bujur (lon)", "lat": "lintang (lat)"}, filename)
    code_col = _find(frame, "code")
    name_col = _find(frame, "name", exclude=[code_col or ""])
    kel_col, risk_col, voters_col = (
        _find(frame, "kelurahan"),
        _find(frame, "risk"),
        _find(frame, "voters"),
    )
    lons, lats, problems = _coords(frame)
    read_problems = _read_problems(frame)
    problems, kelurahan, road_m = _place_checks(area, lons, lats, problems)
    existing = {str(c) for c in existing_codes}
    seen: dict[str, int] = {}
    valid, rejected = [], []
    notes = list(frame.attrs.get("notes", []))
    mismatched = 0
    codes, risks = _column(frame, code_col), _column(frame, risk_col)
    voters_raw, kels, names = (
        _column(frame, voters_col),
        _column(frame, kel_col),
        _column(frame, name_col),
    )
    for i, row_no in enumerate(_row_numbers(frame)):
        code = _text(codes[i])[:100]
        if read_problems[i]:
            rejected.append((row_no, code, read_problems[i]))
            continue
        reasons = []
        if not code:
            reasons.append("kode TPS kosong")
        elif code in seen:
            reasons.append(f"kode TPS ganda (sama dengan baris {seen[code]})")
        elif code in existing:
            reasons.append("kode TPS sudah tersimpan (data lama tidak ditimpa)")
        if code and code not in seen:
            seen[code] = row_no
        risk_raw = risks[i]
        risk = parse_risk(risk_raw)
        if risk is None:
            reasons.append(
                f"kerawanan tidak dikenal ({_text(risk_raw)[:40]!r}; pilihan: kurang rawan, "
                "rawan, sangat rawan, khusus)"
            )
        voters = 0
        if _text(voters_raw[i]):
            number = _number(voters_raw[i])
            if number is None or number < 0 or number != int(number):
                reasons.append(f"jumlah pemilih tidak sah ({_text(voters_raw[i])[:40]!r})")
            elif number > MAX_VOTERS:
                reasons.append(
                    f"jumlah pemilih {_text(voters_raw[i])[:40]} tidak masuk akal "
                    f"(batas {MAX_VOTERS} per TPS)"
                )
            else:
                voters = int(number)
        if problems[i]:
            reasons.append(problems[i])
        if reasons:
            rejected.append((row_no, code, "; ".join(reasons)))
            continue
        given_kel = _text(kels[i])[:200]
        if given_kel and given_kel.lower() != kelurahan[i].lower():
            mismatched += 1
        name = _text(names[i])[:200]
        valid.append(
            {
                "code": code,
                "name": name or f"TPS {code}",
                "kelurahan": kelurahan[i] or given_kel,
                "risk": risk,
                "voters": voters,
                "lon": lons[i],
                "lat": lats[i],
                "road_m": road_m[i],
            }
        )
    if mismatched:
        notes.append(
            f"{mismatched} TPS: kelurahan di berkas berbeda dengan letak titiknya; "
            "dipakai kelurahan menurut letak titik."
        )
    if voters_col is None:
        notes.append("Kolom jumlah pemilih tidak ada; diisi 0.")
    columns = ["code", "name", "kelurahan", "risk", "voters", "lon", "lat", "road_m"]
    return ImportResult(pd.DataFrame(valid, columns=columns), _rejected(rejected), tuple(notes))


def _parse_time(value: object, now: datetime) -> tuple[datetime | None, str]:
    text = _text(value)[:60]
    if not text:
        return None, "waktu kosong"
    bad = f"waktu tidak sah ({text!r}; contoh: 2024-11-20T08:30:00+07:00)"
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            stamp = pd.Timestamp(text)
            if pd.isna(stamp):
                return None, bad
            moment = stamp.to_pydatetime()
        except (ValueError, TypeError, OverflowError):
            return None, bad
    if moment.year < EARLIEST_TIME.year:
        return None, f"waktu terlalu lama ({text}; paling awal tahun {EARLIEST_TIME.year})"
    try:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(settings.timezone))  # WIB
        moment = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None, f"waktu di luar rentang ({text})"
    if moment < EARLIEST_TIME:
        return None, f"waktu terlalu lama ({text}; paling awal tahun {EARLIEST_TIME.year})"
    if moment > now + FUTURE_TOLERANCE:
        return None, f"waktu di masa depan ({text})"
    return moment, ""


def validate_positions(
    area: Area,
    frame: pd.DataFrame,
    *,
    now: datetime | None = None,
    filename: str = "berkas",
) -> ImportResult:
    """Check unit-position rows one by one.

    Parameters
    ----------
    area
        The area.
    frame
        From ``read_table``: unit id, time (a time without zone is WIB), coordinates, and
        optionally a status (tersedia/bertugas/istirahat or available/busy/off).
    now
        Reference time (UTC) for "in the future"; default the current time. Also the time of
        every row when the file has no time column.
    filename
        For messages.

    Returns
    -------
    ImportResult
        ``valid`` has ``unit_id``, ``time`` (UTC datetime), ``lon``, ``lat``, ``status``,
        ``road_m``.
    """
    _require(frame, {"unit_id": "kode unit"}, filename)
    if not _has_coords(frame):
        _require(frame, {"lon": "bujur (lon)", "lat": "lintang (lat)"}, filename)
    ref = (now or datetime.now(UTC)).astimezone(UTC)
    unit_col, time_col, status_col = (
        _find(frame, "unit_id"),
        _find(frame, "time"),
        _find(frame, "status"),
    )
    notes = list(frame.attrs.get("notes", []))
    if time_col is None:
        notes.append("Kolom waktu tidak ada; semua posisi dicatat pada waktu unggah.")
    lons, lats, problems = _coords(frame)
    read_problems = _read_problems(frame)
    problems, _, road_m = _place_checks(area, lons, lats, problems, kelurahan_wanted=False)
    seen: dict[tuple[str, str], int] = {}
    valid, rejected = [], []
    units, times, statuses = (
        _column(frame, unit_col),
        _column(frame, time_col),
        _column(frame, status_col),
    )
    for i, row_no in enumerate(_row_numbers(frame)):
        unit = _text(units[i])[:100]
        if read_problems[i]:
            rejected.append((row_no, unit, read_problems[i]))
            continue
        reasons = []
        if not unit:
            reasons.append("kode unit kosong")
        moment: datetime | None = ref
        if time_col is not None:
            moment, problem = _parse_time(times[i], ref)
            if problem:
                reasons.append(problem)
        status_raw = statuses[i]
        status = parse_status(status_raw)
        if status is None:
            reasons.append(
                f"status tidak dikenal ({_text(status_raw)[:40]!r}; pilihan: tersedia, "
                "bertugas, istirahat)"
            )
        if unit and moment is not None:
            key = (unit, moment.isoformat())
            if key in seen:
                reasons.append(f"posisi ganda: unit dan waktu sama dengan baris {seen[key]}")
            else:
                seen[key] = row_no
        if problems[i]:
            reasons.append(problems[i])
        if reasons:
            rejected.append((row_no, unit, "; ".join(reasons)))
            continue
        valid.append(
            {
                "unit_id": unit,
                "time": moment,
                "lon": lons[i],
                "lat": lats[i],
                "status": status,
                "road_m": road_m[i],
            }
        )
    columns = ["unit_id", "time", "lon", "lat", "status", "road_m"]
    return ImportResult(pd.DataFrame(valid, columns=columns), _rejected(rejected), tuple(notes))


def read_tps(
    area: Area,
    source: str | Path | bytes,
    *,
    filename: str | None = None,
    existing_codes: Iterable[str] = (),
) -> ImportResult:
    """Read and check a TPS file (CSV or GeoJSON). See ``validate_tps``."""
    name = _display_name(source, filename)
    frame = read_table(source, filename=filename, limits=TPS_LIMITS)
    return validate_tps(area, frame, existing_codes=existing_codes, filename=name)


def read_positions(
    area: Area,
    source: str | Path | bytes,
    *,
    filename: str | None = None,
    now: datetime | None = None,
) -> ImportResult:
    """Read and check a unit-position file (CSV or GeoJSON). See ``validate_positions``."""
    name = _display_name(source, filename)
    frame = read_table(source, filename=filename, limits=POSITIONS_LIMITS)
    return validate_positions(area, frame, now=now, filename=name)


def _display_name(source: str | Path | bytes, filename: str | None) -> str:
    if filename:
        return Path(filename).name
    return "berkas" if isinstance(source, bytes) else Path(source).name
