"""Cursor-on-Target over UDP and TCP (TAK Server's plain port 8087), off unless enabled.

Enabled by ``PETA_COT=1`` (port ``$PETA_COT_PORT``, default 8087; address ``$PETA_COT_HOST``,
default ``0.0.0.0``). It listens on a unicast address only: it never joins a multicast group
(ATAK's SA multicast 239.2.3.1:6969 stays on the local network). One datagram is one event; a
TCP connection carries events back to back. CoT carries no secret: a uid must be registered.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

from feeds import FeedError
from feeds.cot import MAX_EVENT_BYTES, StreamSplitter, parse_event
from feeds.ingest import Ingest

log = logging.getLogger("peta.feeds")

DEFAULT_PORT = 8087

#: TCP connections served at once, and how long a silent one stays open.
MAX_CONNECTIONS = 256
IDLE_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class Settings:
    """Where the listener binds."""

    host: str = "0.0.0.0"  # phones on the operation's network send here
    port: int = DEFAULT_PORT
    udp: bool = True
    tcp: bool = True


def settings_from_env() -> Settings | None:
    """Settings from ``$PETA_COT``, ``$PETA_COT_PORT``, ``$PETA_COT_HOST``; None when off."""
    if os.environ.get("PETA_COT", "").strip().lower() not in {"1", "true", "on", "yes"}:
        return None
    port = int(os.environ.get("PETA_COT_PORT", DEFAULT_PORT))
    return Settings(host=os.environ.get("PETA_COT_HOST", "0.0.0.0"), port=port)


def handle_event(ingest: Ingest, data: bytes) -> None:
    """Parse one event and hand it to the ingest (refusals are counted there)."""
    try:
        report = parse_event(data)
    except FeedError as exc:
        ingest.refuse(exc.device_id, exc.reason, "cot", str(exc))
        return
    if report is not None:
        ingest.submit(report)


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, ingest: Callable[[], Ingest]) -> None:
        self.ingest = ingest

    def datagram_received(self, data: bytes, addr: tuple) -> None:
        handle_event(self.ingest(), data[: MAX_EVENT_BYTES + 1])


class Listener:
    """The running UDP endpoint and TCP server."""

    def __init__(self, settings: Settings, ingest: Callable[[], Ingest]) -> None:
        self.settings = settings
        self.ingest = ingest
        self.udp: asyncio.DatagramTransport | None = None
        self.tcp: asyncio.base_events.Server | None = None
        self._connections = 0

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._connections >= MAX_CONNECTIONS:
            writer.close()
            return
        self._connections += 1
        splitter = StreamSplitter()
        try:
            while True:
                data = await asyncio.wait_for(reader.read(8192), IDLE_TIMEOUT_S)
                if not data:
                    break
                for event in splitter.feed(data):
                    handle_event(self.ingest(), event)
        except FeedError as exc:  # a stream that never closes its event: drop the connection
            self.ingest().refuse("?", exc.reason, "cot", str(exc))
        except (TimeoutError, ConnectionError):
            pass
        finally:
            self._connections -= 1
            writer.close()

    @property
    def port(self) -> int:
        """The bound port (useful when started on port 0)."""
        if self.tcp is not None and self.tcp.sockets:
            return int(self.tcp.sockets[0].getsockname()[1])
        if self.udp is not None:
            return int(self.udp.get_extra_info("sockname")[1])
        return self.settings.port

    async def close(self) -> None:
        """Stop listening."""
        if self.udp is not None:
            self.udp.close()
        if self.tcp is not None:
            self.tcp.close()
            await self.tcp.wait_closed()


async def start(settings: Settings, ingest: Callable[[], Ingest]) -> Listener:
    """Bind the UDP endpoint and the TCP server (same port number) in the running loop."""
    listener = Listener(settings, ingest)
    loop = asyncio.get_running_loop()
    if settings.tcp:
        listener.tcp = await asyncio.start_server(
            listener._serve, settings.host, settings.port, limit=MAX_EVENT_BYTES
        )
    if settings.udp:
        port = listener.port if settings.tcp else settings.port
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _Udp(ingest), local_addr=(settings.host, port)
        )
        listener.udp = transport
    log.info(
        "CoT listener on %s:%s (udp=%s tcp=%s)",
        settings.host,
        listener.port,
        settings.udp,
        settings.tcp,
    )
    return listener
