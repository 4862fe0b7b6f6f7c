"""A signed-in AppTest of the app for the page benchmarks (every page needs a user)."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from plan import users
from plan.store import Store
from views.access import AUTH_KEY

ROOT = Path(__file__).resolve().parents[1]


def signed_in_app(*, default_timeout: float = 120, role: str = "pimpinan") -> AppTest:
    """An AppTest of ``app.py`` signed in as a benchmark user of ``$PETA_DB`` (random password)."""
    store = Store(os.environ["PETA_DB"])
    name = f"bench-{role}"
    if users.get_user(store, name) is None:
        users.add_user(store, name, role, secrets.token_urlsafe(12))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=default_timeout)
    at.session_state[AUTH_KEY] = {"name": name, "role": role, "seen": time.time()}
    return at
