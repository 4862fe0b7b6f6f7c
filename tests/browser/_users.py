"""The browser test server's users, one per role: role -> (name, password).

A module of its own, so that the conftest (which pytest imports as ``conftest``) and the test
modules (which import ``tests.browser.conftest``) share one dict.
"""

USERS: dict[str, tuple[str, str]] = {}
