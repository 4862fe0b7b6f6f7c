"""Entry of ``python -m geo``."""

import sys

import geo.cli_briefing
import geo.cli_coverage
import geo.cli_route  # noqa: F401
from geo.cli import main

sys.exit(main())
