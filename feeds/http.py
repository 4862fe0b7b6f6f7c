"""HTTP endpoints on the app's own port: ``/api/osmand`` (Traccar Client) and ``/api/owntracks``.

Replies as the clients expect them:

- OsmAnd / Traccar: ``200`` with an empty body once the report is stored (a repeat of a stored
  report too); ``400`` when the id is missing or unknown or the report is refused; in the JSON
  form an unknown device is ``404``, as a Traccar server answers. ``503`` if the store could
  not write (the phone keeps the report and sends it again).
- OwnTracks: ``200`` with ``[]`` for a stored location, a zero-length body or another
  ``_type``; ``401`` (with ``WWW-Authenticate``) without Basic auth, for a wrong password or an
  unknown device; ``400`` for a refused report.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from feeds import FeedError, cot_listener, osmand, owntracks
from feeds.ingest import Ingest, close_all, get_ingest
from plan.live import Refused, Report

log = logging.getLogger("peta.feeds")

#: Largest request body read (a report is a few hundred bytes).
MAX_BODY = 65_536

_JSON = "application/json"

#: The ingest the server started with (its store is fixed at start-up, whatever the
#: environment says later); before start-up, the process's default.
_ingest: Ingest | None = None


def current_ingest() -> Ingest:
    """The ingest the endpoints write through."""
    return _ingest or get_ingest()


_EMPTY_ARRAY = b"[]"


class _TooLargeError(Exception):
    pass


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        raise _TooLargeError
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > MAX_BODY:
            raise _TooLargeError
    return bytes(data)


async def _store(ingest: Ingest, report: Report) -> Any:
    """Submit and wait until the report is stored or refused."""
    if report.secret is not None:  # argon2 on the first report of a device: off the loop
        future = await asyncio.to_thread(ingest.submit, report)
    else:
        future = ingest.submit(report)
    return await asyncio.wrap_future(future)


async def osmand_endpoint(request: Request) -> Response:
    """Traccar Client: OsmAnd query string or form, or the JSON form."""
    ingest = current_ingest()
    try:
        body = await _body(request) if request.method == "POST" else b""
    except _TooLargeError:
        ingest.refuse("?", "malformed", "osmand", "body too large")
        return Response(status_code=413)
    is_json = request.headers.get("content-type", "").split(";")[0].strip().lower() == _JSON
    try:
        if is_json:
            report = osmand.parse_json(body)
        else:
            params = dict(request.query_params)
            if not params and body:
                try:
                    text = body.decode("ascii")
                except UnicodeDecodeError:
                    text = body.decode("latin-1")
                params = dict(parse_qsl(text, keep_blank_values=True, max_num_fields=64))
            report = osmand.parse_params(params)
    except (FeedError, ValueError) as exc:
        reason = exc.reason if isinstance(exc, FeedError) else "malformed"
        device = exc.device_id if isinstance(exc, FeedError) else ""
        ingest.refuse(device, reason, "traccar_json" if is_json else "osmand", str(exc))
        return Response(status_code=400)
    try:
        outcome = await _store(ingest, report)
    except Exception:
        log.exception("OsmAnd report not stored")
        return Response(status_code=503)
    if isinstance(outcome, Refused) and outcome.reason != "duplicate":
        status = 404 if is_json and outcome.reason == "unknown_device" else 400
        return Response(status_code=status)
    return Response(status_code=200)


def _unauthorized() -> Response:
    return Response(
        _EMPTY_ARRAY,
        status_code=401,
        media_type=_JSON,
        headers={"WWW-Authenticate": 'Basic realm="peta-pengamanan"'},
    )


async def owntracks_endpoint(request: Request) -> Response:
    """OwnTracks HTTP mode: ``_type: location`` with Basic auth, ``X-Limit-U`` / ``X-Limit-D``."""
    ingest = current_ingest()
    credentials = owntracks.basic_auth(request.headers.get("authorization"))
    user = request.headers.get("x-limit-u") or (credentials[0] if credentials else "")
    user = user or request.query_params.get("u", "")
    name = request.headers.get("x-limit-d") or request.query_params.get("d", "")
    device = owntracks.device_id(user, name)
    try:
        body = await _body(request)
    except _TooLargeError:
        ingest.refuse(device, "malformed", "owntracks", "body too large")
        return Response(status_code=413)
    if credentials is None:
        if body.strip():
            ingest.refuse(device or "?", "auth", "owntracks", "no Basic auth")
        return _unauthorized()
    try:
        report = owntracks.parse(body, device=device, secret=credentials[1])
    except FeedError as exc:
        ingest.refuse(device, exc.reason, "owntracks", str(exc))
        return Response(_EMPTY_ARRAY, status_code=400, media_type=_JSON)
    if report is None:  # zero-length body, or not a location: accepted and ignored
        return Response(_EMPTY_ARRAY, status_code=200, media_type=_JSON)
    try:
        outcome = await _store(ingest, report)
    except Exception:
        log.exception("OwnTracks report not stored")
        return Response(_EMPTY_ARRAY, status_code=503, media_type=_JSON)
    if isinstance(outcome, Refused) and outcome.reason != "duplicate":
        if outcome.reason in {"auth", "no_secret", "unknown_device", "missing_id"}:
            return _unauthorized()
        return Response(_EMPTY_ARRAY, status_code=400, media_type=_JSON)
    return Response(_EMPTY_ARRAY, status_code=200, media_type=_JSON)


#: The routes ``server.py`` serves beside the app.
routes: list[Route] = [
    Route("/api/osmand", osmand_endpoint, methods=["GET", "POST"]),
    Route("/api/owntracks", owntracks_endpoint, methods=["POST"]),
]


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """Start the CoT listener when enabled; on shutdown stop it and store what is queued."""
    global _ingest
    _ingest = await asyncio.to_thread(get_ingest)
    listener = None
    settings = cot_listener.settings_from_env()
    if settings is not None:
        try:
            listener = await cot_listener.start(settings, current_ingest)
        except OSError as exc:  # the port is taken: the app still runs, without CoT
            log.error("CoT listener not started on %s:%s: %s", settings.host, settings.port, exc)
    try:
        yield
    finally:
        if listener is not None:
            await listener.close()
        _ingest = None
        await asyncio.to_thread(close_all)
