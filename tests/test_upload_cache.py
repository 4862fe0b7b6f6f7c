"""Uploaded network files: written once by content, the oldest and stale ones deleted with the
graphs built from them."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from geo import settings
from geo._errors import InputFileError
from geo.upload_cache import MAX_UPLOADS, prune_uploads, save_upload


def test_uploads_are_kept_by_content_and_pruned(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(settings, "cache_folder", tmp_path)
    folder = tmp_path / "uploads"
    paths = []
    for i in range(MAX_UPLOADS + 3):
        path = save_upload(f"<osm>{i}</osm>".encode(), f"Jaringan {i}.OSM", folder=folder)
        (tmp_path / f"network-{path.name.split('.')[0]}-drive-v3.pickle").write_bytes(b"x")
        os.utime(path, (time.time() - 100 + i, time.time() - 100 + i))
        paths.append(path)
    assert save_upload(b"<osm>0</osm>", "lagi.osm", folder=folder) == paths[0]  # same content
    # the last write pruned the rest: the newest MAX_UPLOADS stay, with paths[0] just used
    kept = sorted(folder.iterdir())
    assert len(kept) == MAX_UPLOADS and paths[0] in kept and paths[1] not in kept
    assert not list(tmp_path.glob(f"network-{paths[1].name.split('.')[0]}-*.pickle"))
    assert list(tmp_path.glob(f"network-{paths[-1].name.split('.')[0]}-*.pickle"))
    stale = kept[-1]
    os.utime(stale, (time.time() - 30 * 24 * 3600,) * 2)
    assert stale in prune_uploads(folder)
    assert save_upload(b"PBF", "kota.osm.pbf", folder=folder).name.endswith(".osm.pbf")


def test_unknown_kind_and_too_big_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="tidak dikenal"):
        save_upload(b"<x/>", "peta.exe", folder=tmp_path)
    with pytest.raises(InputFileError, match="terlalu besar"):
        save_upload(b"0" * 50_000_001, "besar.osm", folder=tmp_path)
    assert list(tmp_path.iterdir()) == []
