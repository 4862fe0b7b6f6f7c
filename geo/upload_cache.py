"""Uploaded network files kept on disk for osmnx/pyosmium, and cleaned up.

A network file uploaded in the sidebar is written once, named by its content, so the graph built
from it is cached by the same digest. Only the most recent few are kept, none older than a week;
deleting an upload also deletes the graphs built from it.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from geo import settings
from geo._errors import InputFileError
from geo.network_check import MAX_NETWORK_BYTES
from geo.osm import NETWORK_SUFFIXES

#: Uploaded network files kept at most.
MAX_UPLOADS = 8

#: Uploads unused for longer than this are deleted (seconds).
MAX_UPLOAD_AGE_S = 7 * 24 * 3600.0


def upload_folder() -> Path:
    """Where uploaded network files are kept (``<cache>/uploads``)."""
    return settings.cache_folder / "uploads"


def _suffix(filename: str) -> str:
    name = Path(filename).name.lower()
    for suffix in sorted(NETWORK_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return ".osm.pbf" if suffix == ".pbf" else suffix
    msg = (
        f"Jenis berkas jaringan tidak dikenal: {Path(filename).name[:80]}. "
        f"Pakai {', '.join(NETWORK_SUFFIXES)}."
    )
    raise InputFileError(msg)


def save_upload(data: bytes, filename: str, *, folder: Path | None = None) -> Path:
    """Write an uploaded network file (once, named by its content) and prune old uploads.

    Parameters
    ----------
    data
        The file's bytes.
    filename
        The name the user's file had (its ending gives the kind).
    folder
        Default ``upload_folder()``.

    Returns
    -------
    Path
        The stored file.

    Raises
    ------
    InputFileError
        Unknown kind of file, or larger than ``MAX_NETWORK_BYTES``.
    """
    suffix = _suffix(filename)
    if len(data) > MAX_NETWORK_BYTES:
        msg = (
            f"{Path(filename).name[:80]}: berkas jaringan terlalu besar "
            f"({len(data) / 1e6:.0f} MB; batas {MAX_NETWORK_BYTES / 1e6:.0f} MB)."
        )
        raise InputFileError(msg)
    target = folder or upload_folder()
    target.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()[:16]
    path = target / f"{digest}{suffix}"
    if path.exists():
        os.utime(path)  # recently used: kept longest
    else:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    prune_uploads(target, keep=path)
    return path


def prune_uploads(
    folder: Path,
    *,
    keep: Path | None = None,
    max_files: int = MAX_UPLOADS,
    max_age_s: float = MAX_UPLOAD_AGE_S,
) -> list[Path]:
    """Delete the oldest uploads past ``max_files`` and those older than ``max_age_s``.

    The graphs built from a deleted upload (``<cache>/network-<digest>-*.pickle``) go with it.

    Returns
    -------
    list[Path]
        The uploads deleted.
    """
    if not folder.is_dir():
        return []
    now = time.time()
    files = []
    for path in folder.iterdir():
        try:
            if path.is_file():
                files.append((path.stat().st_mtime, path))
        except OSError:
            continue
    files.sort(reverse=True)
    removed = []
    for rank, (mtime, path) in enumerate(files):
        if keep is not None and path == keep:
            continue
        if path.name.endswith(".tmp"):
            if now - mtime > 3600:  # a write that died; a live one is seconds old
                path.unlink(missing_ok=True)
            continue
        if rank >= max_files or now - mtime > max_age_s:
            digest = path.name.split(".", 1)[0]
            path.unlink(missing_ok=True)
            if digest:
                for built in settings.cache_folder.glob(f"network-{digest}-*.pickle"):
                    built.unlink(missing_ok=True)
            removed.append(path)
    return removed
