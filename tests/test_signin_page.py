"""Sign-in before any page, sign-out, idle limit, and what each role sees (AppTest)."""

from __future__ import annotations

import os
import time

import pytest
from _signin import ROOT, app_test, make_user
from streamlit.testing.v1 import AppTest

from i18n import t
from plan import audit, users
from plan import routes as saved
from plan.store import Store
from views.access import AUTH_KEY


def _store() -> Store:
    return Store(os.environ["PETA_DB"])


def _signed_out(at: AppTest) -> bool:
    keys = {w.key for w in at.text_input}
    return {"peta_signin_name", "peta_signin_password"} <= keys and not at.metric


def _sign_in_with_form(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="peta_signin_name").input(name)
    at.text_input(key="peta_signin_password").input(password)
    return next(b for b in at.button if b.label == t("auth.submit")).click().run()


def test_first_visit_shows_only_the_sign_in_and_makes_the_first_admin() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert _signed_out(at)
    assert not at.header and not at.dataframe  # no page content, no map
    assert all("Peta Wilayah" not in m.value for m in at.markdown)
    (admin,) = users.list_users(_store())  # the first start made one admin
    assert admin.name == "admin" and admin.role == "admin"
    entries = audit.list_entries(_store(), action="user.bootstrap")
    assert len(entries) == 1


def test_sign_in_through_the_form_then_out() -> None:
    name, password = make_user("perencana")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    _sign_in_with_form(at, name, "bukan-sandi-yang-benar")
    assert _signed_out(at) and at.error[0].value == "Nama pengguna atau kata sandi salah."
    _sign_in_with_form(at, name, password)
    assert not at.exception and not _signed_out(at)
    assert at.header[0].value == t("map.title")
    assert any(name in c.value for c in at.sidebar.caption)
    assert at.session_state[AUTH_KEY]["role"] == "perencana"
    next(b for b in at.sidebar.button if b.label == t("auth.logout")).click().run()
    assert _signed_out(at) and at.warning[0].value == t("auth.logged_out")
    actions = [e.action for e in audit.list_entries(_store(), actor=name)]
    assert actions[:3] == ["auth.logout", "auth.login", "auth.fail"]


def test_failed_attempts_in_a_session_are_slowed() -> None:
    name, _ = make_user("briefing")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    for i in range(users.FREE_ATTEMPTS):
        _sign_in_with_form(at, f"tidak-ada-{i}", "sandi-yang-salah")
        assert "coba lagi" not in at.error[0].value
    _sign_in_with_form(at, name, "sandi-yang-salah-juga")
    assert _signed_out(at)
    _sign_in_with_form(at, name, "sandi-yang-salah-lagi")
    assert t("auth.wait", s=1).split(":")[0] in at.error[0].value  # waiting: not even checked
    assert len(audit.list_entries(_store(), action="auth.fail")) == users.FREE_ATTEMPTS + 1


def test_idle_session_ends() -> None:
    at = app_test("pimpinan")
    at.session_state[AUTH_KEY] = {**at.session_state[AUTH_KEY], "seen": time.time() - 31 * 60}
    at.run()
    assert _signed_out(at)
    assert at.warning[0].value == t("auth.idle", min=30)
    assert audit.list_entries(_store(), action="auth.logout")[0].actor == "uji-pimpinan"


def test_disabled_user_is_signed_out_at_the_next_run() -> None:
    at = app_test("perencana").run()
    assert not _signed_out(at)
    admin = _store().as_user(users.get_user(_store(), make_user("admin")[0]).actor)
    users.set_active(admin, "uji-perencana", False)
    at.run()
    assert _signed_out(at) and at.warning[0].value == t("auth.disabled")


@pytest.mark.parametrize(
    ("role", "tabs"),
    [
        ("pimpinan", {"cov.tab.posts", "cov.tab.units", "cov.tab.tps", "cov.tab.placement",
                      "cov.tab.staffing", "cov.tab.operation", "live.tab.devices",
                      "live.tab.replay"}),
        ("perencana", {"cov.tab.tps", "cov.tab.venues", "live.tab.replay"}),
        ("briefing", {"live.tab.replay"}),  # looking back at positions changes nothing
    ],
)  # fmt: skip
def test_coverage_page_offers_what_the_role_may_change(role: str, tabs: set[str]) -> None:
    at = app_test(role, default_timeout=180).run()
    at.switch_page("views/coverage/page.py").run()
    assert not at.exception, at.exception
    every = {"cov.tab.posts", "cov.tab.units", "cov.tab.tps", "cov.tab.venues", "cov.tab.placement",
             "cov.tab.staffing", "cov.tab.operation", "live.tab.devices", "live.tab.replay"}  # fmt: skip
    shown = {x.label for x in at.tabs}  # (with the tabs inside a tab)
    assert {t(k) for k in tabs} <= shown and not {t(k) for k in every - tabs} & shown
    modes = at.radio(key="cov_mode").options
    writes = {t("cov.mode.add_post"), t("cov.mode.move_post"), t("cov.mode.place_unit")}
    assert (writes <= set(modes)) == (role == "pimpinan")
    assert t("cov.mode.view") in modes
    assert at.toggle(key="cov_sim").disabled == (role != "pimpinan")
    if role == "briefing":
        assert t("auth.readonly") in [c.value for c in at.caption]


def test_briefing_cannot_save_or_delete_route_plans(area) -> None:
    from geo.network import compile_network
    from geo.routing import plan_route
    from plan.operation import ensure_default_operation

    store = _store()
    op_id = ensure_default_operation(store, area.places).id
    plan = plan_route(area, compile_network(area.graph, "convoy"),
                      ["Kantor Polisi Resor Metro", "Lapangan Garuda"])  # fmt: skip
    for _ in range(2):
        saved.save_route_plan(store, op_id, "Kawal uji", kind="escort", profile="convoy",
                              request=saved.plan_request(plan), result=saved.plan_result(plan))  # fmt: skip
    for role, allowed in (("briefing", False), ("perencana", True)):
        at = app_test(role, default_timeout=180).run()
        at.switch_page("views/escort/page.py").run()
        assert not at.exception, at.exception
        keys = {b.key for b in at.button}
        assert ("esc_save" in keys) == allowed and ("esc_delete" in keys) == allowed, role
        assert ("ver_escort_restore" in keys) == allowed  # versions: restore only if allowed
        assert "esc_load" in keys  # everyone may load a saved plan to look at it


def test_admin_page_lists_users_and_audit_and_exports_csv() -> None:
    at = app_test("admin", default_timeout=180).run()
    at.switch_page("views/admin.py").run()
    assert not at.exception, at.exception
    assert [x.label for x in at.tabs] == [t("admin.tab.users"), t("admin.tab.audit")]
    names = list(at.dataframe[0].value[t("admin.users.col.name")])
    assert "uji-admin" in names
    at.text_input(key="admin_new_name").input("operator1")
    at.selectbox(key="admin_new_role").select("pimpinan")
    at.text_input(key="admin_new_pw1").input("sandi-operator-satu")
    at.text_input(key="admin_new_pw2").input("sandi-operator-satu")
    next(b for b in at.button if b.label == t("admin.users.add")).click().run()
    assert not at.error, [e.value for e in at.error]
    assert users.get_user(_store(), "operator1").role == "pimpinan"
    # the audit tab names who did it, and filters by user and action
    at.selectbox(key="audit_actor").select("uji-admin").run()
    at.text_input(key="audit_action").input("user.add").run()
    table = at.dataframe[1].value
    assert set(table[t("admin.audit.col.actor")]) == {"uji-admin"}
    assert "operator1 (pimpinan)" in set(table[t("admin.audit.col.detail")])
    assert "Pengguna · tambah" in set(table[t("admin.audit.col.action")])  # words, not user.add
    assert all(str(v).endswith(" WIB") for v in table[t("admin.audit.col.time")])
    assert at.get("download_button")


def test_pimpinan_sees_the_audit_but_not_the_users() -> None:
    at = app_test("pimpinan", default_timeout=180).run()
    at.switch_page("views/admin.py").run()
    assert not at.exception
    assert [x.label for x in at.tabs] == [t("admin.tab.audit")]


@pytest.mark.parametrize("role", ["perencana", "briefing"])
def test_admin_page_is_not_offered_to_other_roles(role: str) -> None:
    at = app_test(role).run()
    with pytest.raises(ValueError, match=r"Could not find a navigation page.*Known pages") as err:
        at.switch_page("views/admin.py")
    assert "admin.py" not in str(err.value).split("Known pages")[1]


def _timed_refresh() -> None:
    """What the coverage page's live part does first on each of its own runs."""
    import streamlit as st

    from views import signin, state
    from views.access import AUTH_KEY

    if AUTH_KEY not in st.session_state:  # the app would show its sign-in page here
        st.session_state["shown"] = "masuk"
        return
    st.session_state["shown"] = signin.still_signed_in(state.base_store(), active=False)


def test_timed_refresh_is_not_activity_and_stops_at_the_idle_limit() -> None:
    name, _ = make_user("pimpinan")
    at = AppTest.from_function(_timed_refresh, default_timeout=60)
    seen = time.time() - 20 * 60
    at.session_state[AUTH_KEY] = {"name": name, "role": "pimpinan", "seen": seen}
    at.run()
    assert at.session_state["shown"] is True
    assert at.session_state[AUTH_KEY]["seen"] == seen  # a refresh does not keep a session alive
    at.session_state[AUTH_KEY] = {"name": name, "role": "pimpinan", "seen": time.time() - 31 * 60}
    at.run()
    assert at.session_state["shown"] == "masuk"  # the open wall display went to the sign-in page
    assert audit.list_entries(_store(), action="auth.logout")[0].actor == name
