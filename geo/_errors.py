"""Exceptions of the geo package: one family the user interface catches and explains."""

from __future__ import annotations


class GeoError(ValueError):
    """Base class: an input the computation cannot use, with a message for the user."""


class AreaDataError(GeoError):
    """An area's data files are missing, unreadable or lack a required column."""


class OffNetworkError(GeoError):
    """A point lies too far from every road to be snapped to the network."""


class NoRouteError(GeoError):
    """No path joins two points (another component, or closed off)."""


class InputFileError(GeoError):
    """A file the user supplied cannot be read as what it claims to be."""


class NetworkUnavailableError(GeoError):
    """An online source (OSM) could not be reached."""
