"""Who is signed in, and what the pages may offer them (the store enforces it; pages hide it).

The sign-in (``views/signin.py``) keeps the signed-in user in ``st.session_state[AUTH_KEY]``,
checked against the store on every run. Pages ask :func:`can` before showing a control that
writes; every store a page gets from ``views.state.get_store`` is bound to this user, so a
forged request is refused by ``Store.write`` whatever the page shows.
"""

from __future__ import annotations

import streamlit as st

from plan.roles import ANONYMOUS, ROLES, Actor, allowed
from plan.store import Store

#: Session-state key of the signed-in user: ``{"name", "role", "seen"}``.
AUTH_KEY = "peta_auth"

#: Roles that see the audit page.
AUDIT_ROLES: frozenset[str] = frozenset({"admin", "pimpinan"})


def current_actor() -> Actor | None:
    """The signed-in user of this session, or None."""
    auth = st.session_state.get(AUTH_KEY)
    if not isinstance(auth, dict) or not auth.get("name"):
        return None
    return Actor(str(auth["name"]), str(auth.get("role", "briefing")))


def can(action: str | None) -> bool:
    """Whether the signed-in user's role may perform ``action`` (``plan.roles``).

    ``None`` (a control that writes nothing) is allowed to every signed-in user.
    """
    actor = current_actor()
    return actor is not None and (action is None or allowed(actor.role, action))


def has_role(*roles: str) -> bool:
    """Whether the signed-in user has one of ``roles``."""
    actor = current_actor()
    return actor is not None and actor.role in roles


def bind(store: Store) -> Store:
    """``store`` acting for the signed-in user (anonymous, so refused every write, if none)."""
    return store.as_user(current_actor() or ANONYMOUS)


def role_label(role: str) -> str:
    """What a role is for, in words (the user's language)."""
    from i18n import t

    return t(f"role.{role}") if role in ROLES else role


def read_only_note() -> None:
    """A short note for a user whose role may change nothing on the page."""
    from i18n import t

    st.caption(t("auth.readonly"))
