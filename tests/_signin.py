"""Signed-in AppTests: every page of the app needs a user, as in the product.

``app_test(role)`` gives an ``AppTest`` of ``app.py`` whose session is signed in as a saved user
of that role in the test's own store (``$PETA_DB``), the way the sign-in form leaves it (the
form itself is exercised in ``tests/test_signin_page.py``). The user is made on first use with
a random password: the product has no default one.
"""

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

#: Passwords of the users made here, by name (for tests that sign in through the form).
PASSWORDS: dict[str, str] = {}


def make_user(role: str = "admin") -> tuple[str, str]:
    """Name and password of a saved user of ``role`` in the test's store (made when missing)."""
    store = Store(os.environ["PETA_DB"])
    name = f"uji-{role}"
    if users.get_user(store, name) is None or name not in PASSWORDS:
        PASSWORDS[name] = secrets.token_urlsafe(12)
        if users.get_user(store, name) is None:
            users.add_user(store, name, role, PASSWORDS[name])
        else:
            users.set_password(store, name, PASSWORDS[name])
    return name, PASSWORDS[name]


def app_test(role: str = "admin", *, default_timeout: float = 120) -> AppTest:
    """An AppTest of ``app.py`` signed in as the test store's user of ``role`` (not yet run)."""
    name, _ = make_user(role)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=default_timeout)
    at.session_state[AUTH_KEY] = {"name": name, "role": role, "seen": time.time()}
    return at


def open_page(path: str, *, role: str = "admin", default_timeout: float = 120) -> AppTest:
    """An AppTest signed in as ``role``, run, then switched to the page ``path`` and run."""
    at = app_test(role, default_timeout=default_timeout).run()
    at.switch_page(path).run()
    return at
