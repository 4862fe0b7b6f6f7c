"""Position feeds from the field: Traccar Client, OwnTracks and Cursor-on-Target.

Traccar Client (OsmAnd protocol and its JSON form), OwnTracks HTTP mode and Cursor-on-Target
(ATAK/WinTAK) are parsed here and stored through ``plan.live``.

Modules: ``osmand``, ``owntracks``, ``cot`` (parsers, no I/O), ``ingest`` (the queue and the one
writer thread that stores reports in batches), ``http`` (the Starlette endpoints served by
``server.py``), ``cot_listener`` (UDP and TCP).
"""


class FeedError(ValueError):
    """A report that cannot be parsed; ``reason`` is a code of ``plan.devices.REASONS``."""

    def __init__(self, reason: str, message: str, device_id: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.device_id = device_id
