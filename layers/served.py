"""Static layers served over HTTP beside the app, named by their content.

An area's base layers (roads, boundaries, basemap, places, labels, overview) never change
while the app runs, so they are serialised once into one GeoJSON *bundle* and served at
``/api/layers/<name>-<hash>.geojson`` with a long ``Cache-Control``: the map fetches it
(``static/vendor/peta-layers.js``), the browser keeps it, and each rerun's map script stays a
few kilobytes instead of carrying the whole city again. The hash is of the content, so a new
bundle is a new URL and a cached copy is never stale.

``routes`` is added to the app's routes in ``server.py``. Everything stays on the app's own
port: no request leaves the machine.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sys
import threading
import types
from typing import Final

import geopandas as gpd
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PREFIX: Final = "/api/layers"
"""URL prefix of the served bundles (not one of Streamlit's reserved paths)."""

_NAME = re.compile(r"^[a-z0-9_]+-[0-9a-f]{20}\.geojson$")
# kept outside this module's namespace: Streamlit drops edited project modules from
# sys.modules, and the route (imported once by server.py) must see what the pages publish
_store = sys.modules.setdefault("_peta_served_layers", types.ModuleType("_peta_served_layers"))
_bundles: dict[str, tuple[bytes, bytes]] = _store.__dict__.setdefault("bundles", {})
_lock = threading.Lock()


def feature_collection(frame: gpd.GeoDataFrame, columns: dict[str, str] | None = None) -> dict:
    """A GeoJSON FeatureCollection of ``frame`` (EPSG:4326) with renamed, chosen columns.

    Parameters
    ----------
    frame
        Layer in EPSG:4326.
    columns
        Column -> property name in the output (short names keep the bundle small); ``None``
        keeps no property.

    Returns
    -------
    dict
    """
    columns = columns or {}
    out = frame[[*columns, frame.geometry.name]].rename(columns=columns)
    return json.loads(out.to_json(drop_id=True, to_wgs84=False))


def publish(name: str, bundle: dict) -> str:
    """Serve ``bundle`` (a dict of FeatureCollections) and return its URL.

    Parameters
    ----------
    name
        Short name (``[a-z0-9_]``), e.g. the area's slug.
    bundle
        Layer name -> GeoJSON FeatureCollection.

    Returns
    -------
    str
        ``/api/layers/<name>-<hash>.geojson``; the same content gives the same URL.
    """
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"bad bundle name {name!r}")
    body = json.dumps(bundle, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    digest = hashlib.sha256(body).hexdigest()[:20]
    file = f"{name}-{digest}.geojson"
    with _lock:
        if file not in _bundles:
            _bundles[file] = (body, gzip.compress(body, compresslevel=6))
    return f"{PREFIX}/{file}"


def body(url: str) -> bytes:
    """The published bundle at ``url`` (its JSON text); ``KeyError`` if none."""
    return _bundles[url.rsplit("/", 1)[-1]][0]


def size(url: str) -> tuple[int, int]:
    """Bytes of a published bundle: ``(plain, gzip)``."""
    body, packed = _bundles[url.rsplit("/", 1)[-1]]
    return len(body), len(packed)


async def _serve(request: Request) -> Response:
    file = request.path_params["file"]
    found = _bundles.get(file) if _NAME.match(file) else None
    if found is None:
        return Response("not found", status_code=404, media_type="text/plain")
    body, packed = found
    headers = {"Cache-Control": "public, max-age=31536000, immutable", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        body = packed
    return Response(body, media_type="application/geo+json", headers=headers)


routes: list[Route] = [Route(PREFIX + "/{file}", _serve, methods=["GET"])]
"""The HTTP routes of the served layers (added in ``server.py``)."""
