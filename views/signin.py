"""Sign-in before any page, sign-out, and the idle limit of a session.

``app.py`` calls :func:`signed_in` first on every run: without a valid signed-in user it shows
only :func:`page` (the form) under every page address, so a deep link such as
``/briefing?proyektor=1`` opens once the user has signed in. The session is checked against
the store on every run (a disabled user is signed out at once, a new role applies at once) and
ends after :func:`idle_minutes` without a rerun. Failed attempts are slowed per user (in the
store, ``plan.users``) and per session (here), and each is written to the audit log.
"""

from __future__ import annotations

import logging
import os
import sys
import time

import streamlit as st

from i18n import LANGUAGES, t
from plan import users
from plan.roles import Actor
from plan.store import Store
from views.access import AUTH_KEY, role_label

#: Idle minutes after which a session is signed out (``$PETA_IDLE_MIN`` overrides).
DEFAULT_IDLE_MIN = 30.0

_FAILS_KEY = "peta_auth_fails"
_WAIT_KEY = "peta_auth_wait_until"
_NOTICE_KEY = "peta_auth_notice"

_log = logging.getLogger("peta.auth")
if not any(isinstance(h, logging.StreamHandler) for h in _log.handlers):
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    _log.addHandler(_handler)
    _log.setLevel(logging.INFO)


def idle_minutes() -> float:
    """Minutes without activity before a session ends."""
    try:
        value = float(os.environ.get("PETA_IDLE_MIN", DEFAULT_IDLE_MIN))
    except ValueError:
        return DEFAULT_IDLE_MIN
    return value if value > 0 else DEFAULT_IDLE_MIN


def _sign_out(store: Store, actor: Actor | None, reason: str, notice: str | None) -> None:
    st.session_state.pop(AUTH_KEY, None)
    if notice:
        st.session_state[_NOTICE_KEY] = notice
    if actor is not None:
        users.record_logout(store, actor, reason)


def signed_in(store: Store, *, active: bool = True) -> Actor | None:
    """The signed-in user, checked against the store now; None shows only the sign-in page.

    Parameters
    ----------
    store
        The store (not bound to a user: this is where a user becomes one).
    active
        This run is the user's doing (a full run). A timed refresh passes False: it checks
        the session (idle limit, disabled user) without counting as activity.
    """
    auth = st.session_state.get(AUTH_KEY)
    if not isinstance(auth, dict) or not auth.get("name"):
        return None
    actor = Actor(str(auth["name"]), str(auth.get("role", "")))
    now = time.time()
    if now - float(auth.get("seen", 0)) > idle_minutes() * 60:
        _sign_out(store, actor, "sesi berakhir (tidak aktif)", t("auth.idle", min=idle_minutes()))
        return None
    user = users.get_user(store, actor.name)
    if user is None or not user.active:
        _sign_out(store, None, "", t("auth.disabled"))
        return None
    seen = now if active else float(auth.get("seen", now))
    st.session_state[AUTH_KEY] = {"name": user.name, "role": user.role, "seen": seen}
    return user.actor


def still_signed_in(store: Store, *, active: bool) -> bool:
    """In a fragment's own run (a timed refresh, a click): is the session still signed in?

    If not, the whole app reruns to the sign-in page: an open wall display of an idle or
    disabled user stops showing data. ``active`` as in :func:`signed_in`.
    """
    if signed_in(store, active=active) is not None:
        return True
    st.rerun(scope="app")
    return False


def _session_wait() -> float:
    """Seconds this session must still wait before another attempt is checked."""
    return max(0.0, float(st.session_state.get(_WAIT_KEY, 0.0)) - time.time())


def _attempt(store: Store, name: str, password: str) -> None:
    wait = _session_wait()
    if wait > 0:
        st.error(t("auth.wait", s=int(wait) + 1))
        return
    try:
        user = users.authenticate(store, name, password)
    except users.SignInError as exc:
        fails = int(st.session_state.get(_FAILS_KEY, 0)) + 1
        st.session_state[_FAILS_KEY] = fails
        backoff = users.backoff_seconds(fails)
        if backoff:
            st.session_state[_WAIT_KEY] = time.time() + backoff
        st.error(str(exc))
        return
    for key in (_FAILS_KEY, _WAIT_KEY, _NOTICE_KEY):
        st.session_state.pop(key, None)
    st.session_state[AUTH_KEY] = {"name": user.name, "role": user.role, "seen": time.time()}
    st.rerun()


def language_picker() -> None:
    """The language of the session (Bahasa Indonesia or English), on the sign-in page and in
    the sidebar (one ``lang`` key, so the choice carries over)."""
    st.radio(
        t("sidebar.language"), list(LANGUAGES), format_func=LANGUAGES.get, key="lang",
        horizontal=True,
    )  # fmt: skip


def page() -> None:
    """The sign-in page: language, the form, and why a session ended."""
    from views import state

    st.session_state.setdefault("lang", "id")
    with st.container(key="peta-signin"):
        st.title(t("app.title"))
        language_picker()
        notice = st.session_state.get(_NOTICE_KEY)
        if notice:
            st.warning(notice)
        st.subheader(t("auth.title"))
        with st.form("peta_signin_form"):
            name = st.text_input(t("auth.name"), key="peta_signin_name", max_chars=64)
            password = st.text_input(
                t("auth.password"), type="password", key="peta_signin_password", max_chars=256
            )
            submitted = st.form_submit_button(t("auth.submit"), type="primary")
        if submitted:
            with state.guarded():
                _attempt(state.base_store(), name, password)
        st.caption(t("auth.help"))


def account_box(store: Store, actor: Actor) -> None:
    """Sidebar: who is signed in, their role, and the sign-out button."""
    name = actor.name.replace("_", "\\_")
    st.caption(t("auth.who", name=name, role=role_label(actor.role)))
    if st.button(t("auth.logout"), key="peta_logout", icon=":material/logout:"):
        _sign_out(store, actor, "keluar", t("auth.logged_out"))
        st.rerun()
