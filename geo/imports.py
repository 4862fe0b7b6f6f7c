"""Read TPS and unit-position files (CSV or GeoJSON) row by row.

A file whose columns cannot be recognised is refused as a whole (``InputFileError``). Otherwise
each row is checked on its own: valid rows are returned ready to save, each rejected row is
listed with its reasons in Bahasa Indonesia (missing or invalid coordinates, outside the area,
too far from a road, duplicate id, unknown risk tier or status, bad time, ...).
"""

from __future__ import annotations

import csv
import io
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
from geo.area import Area

#: Local time of Kota Metro; a time without a zone in a file is read as WIB.
LOCAL_TZ = ZoneInfo("Asia/Jakarta")

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


def read_table(source: str | Path | bytes, *, filename: str | None = None) -> pd.DataFrame:
    """Read a CSV or GeoJSON file into a frame of text columns (plus ``geometry`` for GeoJSON).

    Parameters
    ----------
    source
        A path, or the file's bytes (an upload).
    filename
        The file's name when ``source`` is bytes (its extension picks the reader).

    Returns
    -------
    pandas.DataFrame
        Column names lower-cased and stripped; GeoJSON keeps a ``geometry`` column.

    Raises
    ------
    InputFileError
        If the file cannot be read as CSV or GeoJSON.
    """
    name = filename or (str(source) if not isinstance(source, bytes) else "berkas")
    data = source if isinstance(source, bytes) else _read_bytes(Path(source))
    suffix = Path(name).suffix.lower()
    text_start = data[:200].lstrip().lower()
    is_json = suffix in {".geojson", ".json"} or text_start.startswith(b"{")
    if is_json:
        try:
            frame = gpd.read_file(io.BytesIO(data))
        except Exception as exc:  # pyogrio raises several types for a bad file
            msg = f"{Path(name).name}: bukan GeoJSON yang sah ({_short(exc)})."
            raise InputFileError(msg) from exc
        frame = pd.DataFrame(frame)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        if not text.strip():
            msg = f"{Path(name).name}: berkas kosong."
            raise InputFileError(msg)
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                sep=None,
                engine="python",
                dtype=str,
                keep_default_na=False,
                skipinitialspace=True,
            )
        except (pd.errors.ParserError, csv.Error) as exc:
            msg = f"{Path(name).name}: bukan CSV yang sah ({_short(exc)})."
            raise InputFileError(msg) from exc
    frame.columns = [_norm_col(c) for c in frame.columns]
    return frame


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        msg = f"Berkas {path} tidak dapat dibaca: {exc.strerror or exc}."
        raise InputFileError(msg) from exc


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


def _norm_col(name: object) -> str:
    text = str(name).strip().lower()
    return re.sub(r"[\s\-/\.]+", "_", text)


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


def _coords(frame: pd.DataFrame) -> tuple[list[float | None], list[float | None], list[str]]:
    """Longitude, latitude and a per-row problem from a geometry or lon/lat columns."""
    lon_col, lat_col = _find(frame, "lon"), _find(frame, "lat")
    lons: list[float | None] = []
    lats: list[float | None] = []
    problems: list[str] = []
    has_geom = "geometry" in frame.columns
    for i in range(len(frame)):
        geom = frame["geometry"].iat[i] if has_geom else None
        if geom is not None and not (isinstance(geom, float) and np.isnan(geom)):
            if not isinstance(geom, shapely.Point) or geom.is_empty:
                lons.append(None)
                lats.append(None)
                problems.append(f"geometri bukan titik ({getattr(geom, 'geom_type', '?')})")
                continue
            lons.append(float(geom.x))
            lats.append(float(geom.y))
            problems.append("")
            continue
        raw_lon = frame[lon_col].iat[i] if lon_col else None
        raw_lat = frame[lat_col].iat[i] if lat_col else None
        lon, lat = _number(raw_lon), _number(raw_lat)
        if lon is None or lat is None:
            missing = not _text(raw_lon) or not _text(raw_lat)
            problems.append(
                "koordinat kosong"
                if missing
                else f"koordinat bukan angka ({raw_lat!r}, {raw_lon!r})"
            )
        elif not (-180 <= lon <= 180 and -90 <= lat <= 90):
            hint = "; lintang dan bujur tertukar?" if -90 <= lon <= 90 else ""
            problems.append(f"koordinat di luar rentang bujur/lintang ({lat}, {lon}){hint}")
        else:
            problems.append("")
        lons.append(lon)
        lats.append(lat)
    return lons, lats, problems


def _place_checks(
    area: Area, lons: list[float | None], lats: list[float | None], problems: list[str]
) -> tuple[list[str], list[str], list[float]]:
    """Per row: a place problem (outside the area, far from roads), kelurahan, road distance."""
    n = len(lons)
    ok = np.array([p == "" for p in problems], dtype=bool)
    out = list(problems)
    kelurahan = [""] * n
    road_m = [float("nan")] * n
    if not ok.any():
        return out, kelurahan, road_m
    idx = np.flatnonzero(ok)
    pts = gpd.GeoSeries(
        shapely.points([lons[i] for i in idx], [lats[i] for i in idx]),
        crs=settings.crs_geographic,
    )
    metric = pts.to_crs(area.crs_metric)
    outline = area.kota.to_crs(area.crs_metric).union_all()
    inside = metric.distance(outline).to_numpy() <= AREA_TOLERANCE_M
    can_swap = np.array([abs(lons[i]) <= 90 for i in idx], dtype=bool)  # type: ignore[arg-type]
    swapped_inside = np.zeros(len(idx), dtype=bool)
    if can_swap.any():
        swapped = gpd.GeoSeries(
            shapely.points([lats[i] for i in idx[can_swap]], [lons[i] for i in idx[can_swap]]),
            crs=settings.crs_geographic,
        )
        swapped_inside[can_swap] = (
            swapped.to_crs(area.crs_metric).distance(outline).to_numpy() <= AREA_TOLERANCE_M
        )
    edges = area.edges_metric
    _, dist = edges.sindex.nearest(metric, return_all=False, return_distance=True)
    kel = area.kelurahan.to_crs(area.crs_metric)[["nama", "geometry"]]
    joined = gpd.sjoin_nearest(
        gpd.GeoDataFrame(geometry=metric.reset_index(drop=True)), kel, how="left"
    )
    joined = joined[~joined.index.duplicated(keep="first")]
    for j, i in enumerate(idx):
        road_m[i] = float(dist[j])
        kelurahan[i] = str(joined["nama"].iat[j]) if inside[j] else ""
        if not inside[j]:
            hint = "; lintang dan bujur tertukar?" if swapped_inside[j] else ""
            out[i] = f"di luar wilayah {area.title} ({lats[i]:.5f}, {lons[i]:.5f}){hint}"
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
    problems, kelurahan, road_m = _place_checks(area, lons, lats, problems)
    existing = {str(c) for c in existing_codes}
    seen: dict[str, int] = {}
    valid, rejected, notes = [], [], []
    mismatched = 0
    for i in range(len(frame)):
        row_no = i + 1
        reasons = []
        code = _text(frame[code_col].iat[i])
        if not code:
            reasons.append("kode TPS kosong")
        elif code in seen:
            reasons.append(f"kode TPS ganda (sama dengan baris {seen[code]})")
        elif code in existing:
            reasons.append("kode TPS sudah tersimpan (data lama tidak ditimpa)")
        if code and code not in seen:
            seen[code] = row_no
        risk_raw = frame[risk_col].iat[i]
        risk = parse_risk(risk_raw)
        if risk is None:
            reasons.append(
                f"kerawanan tidak dikenal ({_text(risk_raw)!r}; pilihan: kurang rawan, rawan, "
                "sangat rawan, khusus)"
            )
        voters = 0
        if voters_col is not None and _text(frame[voters_col].iat[i]):
            number = _number(frame[voters_col].iat[i])
            if number is None or number < 0 or number != int(number):
                reasons.append(f"jumlah pemilih tidak sah ({_text(frame[voters_col].iat[i])!r})")
            else:
                voters = int(number)
        if problems[i]:
            reasons.append(problems[i])
        if reasons:
            rejected.append((row_no, code, "; ".join(reasons)))
            continue
        given_kel = _text(frame[kel_col].iat[i]) if kel_col else ""
        if given_kel and given_kel.lower() != kelurahan[i].lower():
            mismatched += 1
        name = _text(frame[name_col].iat[i]) if name_col else ""
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
    text = _text(value)
    if not text:
        return None, "waktu kosong"
    try:
        stamp = pd.Timestamp(text)
    except (ValueError, TypeError):
        return None, f"waktu tidak sah ({text!r}; contoh: 2024-11-20T08:30:00+07:00)"
    if pd.isna(stamp):
        return None, f"waktu tidak sah ({text!r})"
    moment = stamp.to_pydatetime()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    moment = moment.astimezone(UTC)
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
    notes = []
    if time_col is None:
        notes.append("Kolom waktu tidak ada; semua posisi dicatat pada waktu unggah.")
    lons, lats, problems = _coords(frame)
    problems, _, road_m = _place_checks(area, lons, lats, problems)
    seen: dict[tuple[str, str], int] = {}
    valid, rejected = [], []
    for i in range(len(frame)):
        row_no = i + 1
        reasons = []
        unit = _text(frame[unit_col].iat[i])
        if not unit:
            reasons.append("kode unit kosong")
        moment: datetime | None = ref
        if time_col is not None:
            moment, problem = _parse_time(frame[time_col].iat[i], ref)
            if problem:
                reasons.append(problem)
        status_raw = frame[status_col].iat[i] if status_col else ""
        status = parse_status(status_raw)
        if status is None:
            reasons.append(
                f"status tidak dikenal ({_text(status_raw)!r}; pilihan: tersedia, bertugas, "
                "istirahat)"
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
    frame = read_table(source, filename=filename)
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
    frame = read_table(source, filename=filename)
    return validate_positions(area, frame, now=now, filename=name)


def _display_name(source: str | Path | bytes, filename: str | None) -> str:
    if filename:
        return Path(filename).name
    return "berkas" if isinstance(source, bytes) else Path(source).name
