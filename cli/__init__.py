"""Command line: ``python -m cli info|graph|route|coverage|positions|briefing``.

A thin composition of ``geo`` (area, routing, coverage), ``plan`` (the operation store) and
``report`` (the briefing pack): each module parses its arguments and calls them. Importing the
package registers every command; ``main`` runs one.
"""

from cli import (  # noqa: F401  (registers the commands)
    area,
    briefing,
    coverage,
    devices,
    migrate,
    route,
    users,
)
from cli.core import main

__all__ = ["main"]
