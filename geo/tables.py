"""Read an uploaded table (CSV or GeoJSON) into a frame of text cells, within limits.

The first step of every TPS and positions file (``geo.imports``): the file is parsed by the
parser its name gives, never by GDAL, and a row that cannot be read keeps its number and the
reason, so the row checks that follow can report it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from geo._errors import InputFileError
from geo._geojson import Feature, parse_geojson
from geo._textfile import (
    Limits,
    check_size,
    decode_text,
    read_csv_text,
    read_file,
    refuse_markup,
)

#: Hidden columns of ``read_table``: the row number to report and a problem found while reading.
ROW_COLUMN = "__baris"
PROBLEM_COLUMN = "__masalah"


def read_table(
    source: str | Path | bytes, *, limits: Limits, filename: str | None = None
) -> pd.DataFrame:
    """Read a CSV or GeoJSON file into a frame of text columns (plus ``geometry`` for GeoJSON).

    The file is parsed by Python's ``csv`` reader or by ``json`` and shapely, by the kind its
    name gives (content starting with ``{`` when there is no name): never by GDAL, so nothing
    inside a file can make the server open another file or an address.

    Parameters
    ----------
    source
        A path, or the file's bytes (an upload).
    filename
        The file's name when ``source`` is bytes (its extension picks the reader).
    limits
        Bytes, rows, columns and line length allowed.

    Returns
    -------
    pandas.DataFrame
        Column names lower-cased and stripped; GeoJSON keeps a ``geometry`` column. Two hidden
        columns: ``ROW_COLUMN`` (the row number to report) and ``PROBLEM_COLUMN`` (why a row
        could not be read, empty when it could). ``frame.attrs["notes"]`` holds remarks.

    Raises
    ------
    InputFileError
        If the file cannot be read as CSV or GeoJSON, or is past a limit.
    """
    name = Path(filename or (str(source) if not isinstance(source, bytes) else "berkas")).name
    data = source if isinstance(source, bytes) else read_file(Path(source), limits)
    check_size(data, name, limits)
    suffix = Path(name).suffix.lower()
    if suffix in {".geojson", ".json"} or (
        suffix not in {".csv", ".txt", ".tsv"} and data[:200].lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"
    ):
        return _geojson_frame(parse_geojson(data, name, limits), name, limits)
    text = decode_text(data, name)
    if not text.strip():
        msg = f"{name}: berkas kosong."
        raise InputFileError(msg)
    refuse_markup(text, name, "CSV")
    table = read_csv_text(text, name, limits)
    columns = [norm_col(c) for c in table.columns]
    columns = [c if c not in (ROW_COLUMN, PROBLEM_COLUMN) else f"{c}_" for c in columns]
    columns = _dedupe(columns)
    width = len(columns)
    body = [fields if fields else [""] * width for _, fields, _ in table.rows]
    frame = pd.DataFrame(body, columns=columns, dtype=object)
    frame[ROW_COLUMN] = [row for row, _, _ in table.rows]
    frame[PROBLEM_COLUMN] = [problem for _, _, problem in table.rows]
    notes = []
    if table.blank:
        notes.append(f"{table.blank} baris kosong dilewati.")
    frame.attrs["notes"] = notes
    return frame


def _dedupe(columns: list[str]) -> list[str]:
    out: list[str] = []
    for col in columns:
        name, k = col, 1
        while name in out:
            k += 1
            name = f"{col}_{k}"
        out.append(name)
    return out


def _geojson_frame(features: list[Feature], name: str, limits: Limits) -> pd.DataFrame:
    keys: dict[str, None] = {}
    for feature in features:
        for key in feature.properties:
            keys.setdefault(key, None)
            if len(keys) > limits.max_columns:
                msg = f"{name}: terlalu banyak atribut berbeda (batas {limits.max_columns})."
                raise InputFileError(msg)
    raw_keys = list(keys)
    columns = _dedupe(
        [c if c not in (ROW_COLUMN, PROBLEM_COLUMN, "geometry") else f"{c}_" for c in
         (norm_col(k) for k in raw_keys)]
    )
    rows = [[_cell(f.properties.get(k)) for k in raw_keys] for f in features]
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    frame["geometry"] = pd.Series([f.geometry for f in features], dtype=object)
    frame[ROW_COLUMN] = [f.number for f in features]
    frame[PROBLEM_COLUMN] = [f.problem for f in features]
    frame.attrs["notes"] = []
    return frame


def _cell(value: object) -> object:
    """A property value as the CSV reader would give it (text), numbers kept as numbers."""
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value).lower()
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)[:1000]


def norm_col(name: object) -> str:
    """A column name as the readers compare it: lower case, separators as ``_``."""
    text = str(name).strip().lower()
    return re.sub(r"[\s\-/\.]+", "_", text)
