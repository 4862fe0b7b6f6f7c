"""Uploaded text read by our own decoder and CSV reader: no GDAL, no format sniffing.

An upload is only ever bytes in memory: nothing in it names a file or address that is opened
(a GDAL VRT, ``/vsicurl/`` or ``/vsi…`` paths are plain text here). Any encoding a spreadsheet
or phone writes (UTF-8 with or without BOM, UTF-16, UTF-32, Latin-1/cp1252), any line end
(LF, CRLF, old-Mac CR) and the separators ``,`` ``;`` tab ``|`` are read. Limits on bytes, rows,
columns and line length keep a hostile file from tying up the shared server.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from geo._errors import InputFileError

#: Separators tried, in order of preference when counts tie.
SEPARATORS: tuple[str, ...] = (",", ";", "\t", "|")

_SEPARATOR_NAMES = {",": "koma", ";": "titik koma", "\t": "tab", "|": "garis tegak"}

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Limits:
    """Size limits of one kind of uploaded file.

    Attributes
    ----------
    max_bytes
        Largest file accepted.
    max_rows
        Most data rows (CSV lines, GeoJSON features).
    max_columns
        Most columns (CSV header fields, GeoJSON property names).
    max_line_chars
        Longest CSV line; a longer line is rejected as a row, the rest of the file is read.
    """

    max_bytes: int
    max_rows: int
    max_columns: int = 100
    max_line_chars: int = 10_000


def _num(value: int) -> str:
    """An integer with Indonesian thousands dots (50.000)."""
    return f"{value:,}".replace(",", ".")


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.0f} MB" if size >= 1_000_000 else f"{size / 1000:.0f} kB"


def check_size(data: bytes, name: str, limits: Limits) -> None:
    """Refuse a file larger than ``limits.max_bytes`` (``InputFileError``)."""
    if len(data) > limits.max_bytes:
        msg = (
            f"{name}: berkas terlalu besar ({_mb(len(data))}; batas {_mb(limits.max_bytes)}). "
            "Pecah menjadi beberapa berkas."
        )
        raise InputFileError(msg)


def read_file(path: Path, limits: Limits) -> bytes:
    """A file's bytes, refused (``InputFileError``) past ``limits.max_bytes`` before reading."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            msg = (
                f"{path.name}: berkas terlalu besar ({_mb(size)}; batas {_mb(limits.max_bytes)}). "
                "Pecah menjadi beberapa berkas."
            )
            raise InputFileError(msg)
        return path.read_bytes()
    except OSError as exc:
        msg = f"Berkas {path} tidak dapat dibaca: {exc.strerror or exc}."
        raise InputFileError(msg) from None


def _utf16_or_32_without_bom(head: bytes) -> str | None:
    """UTF-16/32 guessed from where the NUL bytes of ASCII text fall."""
    if len(head) < 4 or b"\x00" not in head:
        return None
    n = len(head) - len(head) % 4
    quads = [head[i : i + 4] for i in range(0, n, 4)]
    if all(q[1:] == b"\x00\x00\x00" for q in quads):
        return "utf-32-le"
    if all(q[:3] == b"\x00\x00\x00" for q in quads):
        return "utf-32-be"
    odd = head[1::2].count(0)
    even = head[0::2].count(0)
    if odd > 0.4 * (len(head) // 2) and even == 0:
        return "utf-16-le"
    if even > 0.4 * (len(head) // 2) and odd == 0:
        return "utf-16-be"
    return None


def decode_text(data: bytes, name: str) -> str:
    """The text of an upload in whatever encoding a spreadsheet or device wrote it.

    UTF-8/16/32 by their byte-order mark (a UTF-8 mark followed by Latin-1 bytes is read as
    cp1252), UTF-16/32 without a mark by their NUL bytes, then UTF-8, then cp1252 (Latin-1
    for the few bytes cp1252 leaves undefined).

    Raises
    ------
    InputFileError
        For a binary file (NUL characters) or broken UTF-16/32.
    """
    body, encoding = data, None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body, encoding = data[len(bom) :], codec
            break
    if encoding is None:
        encoding = _utf16_or_32_without_bom(data[:4000])
    if encoding in (None, "utf-8"):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = body.decode("cp1252")
            except UnicodeDecodeError:
                text = body.decode("latin-1")
    else:
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError as exc:
            msg = f"{name}: teks {encoding.upper()} rusak pada byte ke-{exc.start}."
            raise InputFileError(msg) from None
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        msg = f"{name}: berkas biner, bukan teks CSV atau GeoJSON."
        raise InputFileError(msg)
    return text


def refuse_markup(text: str, name: str, what: str) -> None:
    """Refuse XML/HTML content (a GDAL VRT, KML, a web page) offered as CSV or GeoJSON."""
    start = text.lstrip()[:200].lower()
    if start.startswith("<"):
        kind = "VRT GDAL" if "ogrvrtdatasource" in text[:5000].lower() else "XML/HTML"
        msg = (
            f"{name}: isi berkas berupa {kind}, bukan {what}. "
            f"Hanya {what} yang dibaca; berkas lain yang disebut di dalamnya tidak dibuka."
        )
        raise InputFileError(msg)


def _separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _unique_columns(names: list[str]) -> list[str]:
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(names, start=1):
        name = raw or f"kolom_{i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        seen.setdefault(name, 1)
        out.append(name)
    return out


@dataclass(frozen=True)
class CsvTable:
    """Rows of a CSV file as text.

    Attributes
    ----------
    columns
        Header names (as written, made unique).
    rows
        ``(row number, fields, problem)``: row number is the file line minus the header line
        (so the file line is ``row + header line``); a row with a problem is not to be used
        (an over-long line has no fields).
    separator
        The separator found.
    blank
        Blank lines skipped.
    """

    columns: list[str]
    rows: list[tuple[int, list[str], str]]
    separator: str
    blank: int

    @property
    def separator_name(self) -> str:
        """The separator in words (Bahasa Indonesia)."""
        return _SEPARATOR_NAMES.get(self.separator, repr(self.separator))


def read_csv_text(text: str, name: str, limits: Limits) -> CsvTable:
    """Split CSV text into header and rows with Python's ``csv`` reader.

    Rows with more fields than the header (and something in the extra ones) or longer than
    ``limits.max_line_chars`` get a problem; shorter rows are padded with empty fields.

    Raises
    ------
    InputFileError
        Empty file, no header, too many columns or rows, or a quoted field left open.
    """
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    header_at = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_at is None:
        msg = f"{name}: berkas kosong."
        raise InputFileError(msg)
    header_line = lines[header_at]
    if len(header_line) > limits.max_line_chars:
        msg = (
            f"{name}: baris judul kolom terlalu panjang ({_num(len(header_line))} karakter; "
            f"batas {_num(limits.max_line_chars)})."
        )
        raise InputFileError(msg)
    separator = _separator(header_line)
    if header_line.count(separator) + 1 > limits.max_columns:
        msg = (
            f"{name}: terlalu banyak kolom ({header_line.count(separator) + 1}; batas "
            f"{limits.max_columns})."
        )
        raise InputFileError(msg)
    data_lines = sum(1 for line in lines[header_at + 1 :] if line.strip())
    if data_lines > limits.max_rows:
        msg = (
            f"{name}: terlalu banyak baris ({_num(data_lines)}; batas {_num(limits.max_rows)}). "
            "Pecah menjadi beberapa berkas."
        )
        raise InputFileError(msg)
    too_long: set[int] = set()

    def feed() -> Iterator[str]:
        for number, line in enumerate(lines[header_at:], start=1):
            if len(line) > limits.max_line_chars:
                too_long.add(number)
                yield ""
            else:
                yield line

    reader = csv.reader(feed(), delimiter=separator, skipinitialspace=True, strict=False)
    try:
        header = next(reader)
        columns = _unique_columns([h.strip() for h in header])
        width = len(columns)
        rows: list[tuple[int, list[str], str]] = []
        blank = 0
        for fields in reader:
            row_no = reader.line_num - 1
            if not fields:
                if row_no + 1 in too_long:
                    length = len(lines[header_at + row_no])
                    rows.append(
                        (
                            row_no,
                            [],
                            f"baris terlalu panjang ({_num(length)} karakter; batas "
                            f"{_num(limits.max_line_chars)})",
                        )
                    )
                else:
                    blank += 1
                continue
            if not "".join(fields).strip():
                blank += 1
                continue
            if len(fields) > width:
                if any(f.strip() for f in fields[width:]):
                    rows.append(
                        (
                            row_no,
                            [f.strip() for f in fields[:width]],
                            f"{len(fields)} kolom, judul berkas {width} kolom (pemisah "
                            f"{_SEPARATOR_NAMES[separator]}; ada pemisah di dalam nilai?)",
                        )
                    )
                    continue
                fields = fields[:width]
            elif len(fields) < width:
                fields = fields + [""] * (width - len(fields))
            rows.append((row_no, [f.strip() for f in fields], ""))
    except csv.Error as exc:
        msg = f"{name}: bukan CSV yang sah di baris {reader.line_num + header_at} ({exc})."
        raise InputFileError(msg) from None
    return CsvTable(columns, rows, separator, blank)
