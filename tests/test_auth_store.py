"""Users, roles and the audit log in the store: refusals happen there, before anything is written."""

from __future__ import annotations

import io
import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import pytest

from geo.area import Area
from plan import audit, users
from plan import operation as op
from plan import routes as saved
from plan.roles import ANONYMOUS, ROLES, AccessDeniedError, Actor, allowed, roles_for
from plan.store import Store

PASSWORD = "kata-sandi-uji-1"


@pytest.fixture
def store(store_path) -> Store:
    return Store(store_path)


@pytest.fixture
def people(store: Store) -> dict[str, Store]:
    """One store handle per role, bound to a saved user of that role."""
    out = {}
    for role in ROLES:
        user = users.add_user(store, f"uji-{role}", role, PASSWORD)
        out[role] = store.as_user(user.actor)
    return out


def _dump(store: Store) -> dict[str, list[tuple]]:
    listing = (
        "SELECT name FROM sqlite_master WHERE type = 'table'"
        if store.dialect == "sqlite"
        else "SELECT table_name FROM information_schema.tables WHERE table_schema = "
        "current_schema() AND table_name NOT IN ('spatial_ref_sys', 'peta_meta')"
    )
    tables = [r[0] for r in store.read(listing) if not r[0].startswith(("audit", "sqlite"))]
    key = "rowid" if store.dialect == "sqlite" else "1"
    return {
        t: sorted(tuple(r) for r in store.read(f'SELECT * FROM "{t}" ORDER BY {key}'))
        for t in tables
    }


def test_role_table() -> None:
    assert allowed("pimpinan", "post.move") and not allowed("perencana", "post.move")
    assert allowed("perencana", "route_plan.save") and not allowed("pimpinan", "route_plan.save")
    assert allowed("perencana", "venue.add") and allowed("perencana", "closure.delete")
    assert allowed("pimpinan", "tps.import") and allowed("perencana", "tps.import")
    assert all(allowed("admin", a) for a in ("user.add", "post.add", "route_plan.save", "x.y"))
    assert not any(allowed(r, "user.add") for r in ("pimpinan", "perencana", "briefing"))
    assert not any(allowed("briefing", a) for a in ("post.add", "venue.add", "tps.delete"))
    assert roles_for("something.new") == {"admin"}  # unknown actions: admin only


def test_forged_write_by_briefing_is_refused_and_nothing_written(
    store: Store, people: dict[str, Store], area: Area
) -> None:
    default = op.ensure_default_operation(people["briefing"], area.places)  # public action
    before = _dump(store)
    viewer = people["briefing"]
    post = op.load_operation(store, default.id).posts[0]
    forged = [
        lambda: op.add_post(
            viewer, default.id, name="Pos palsu", kind="mobile", lon=105.3, lat=-5.1
        ),
        lambda: op.move_post(viewer, post.id, 105.31, -5.11),
        lambda: op.delete_post(viewer, post.id),
        lambda: op.delete_tps(viewer, default.id),
        lambda: op.update_operation(viewer, default.id, strength=1),
        lambda: op.create_operation(viewer, "Operasi palsu"),
        lambda: saved.delete_route_plan(viewer, default.id, "x"),
        lambda: users.add_user(viewer, "penyusup", "admin", PASSWORD),
        lambda: users.set_role(viewer, "uji-briefing", "admin"),
    ]
    for attempt in forged:
        with pytest.raises(AccessDeniedError, match="briefing"):
            attempt()
    assert _dump(store) == before
    denied = audit.list_entries(store, action="access.denied")
    assert len(denied) == len(forged) and {e.actor for e in denied} == {"uji-briefing"}


def test_each_role_writes_only_its_own_data(
    store: Store, people: dict[str, Store], area: Area
) -> None:
    default = op.ensure_default_operation(store, area.places)
    post_id = op.add_post(people["pimpinan"], default.id, name="Pos A", kind="mobile",
                          lon=105.30, lat=-5.11)  # fmt: skip
    with pytest.raises(AccessDeniedError, match=r"perencana.*pimpinan"):
        op.move_post(people["perencana"], post_id, 105.31, -5.11)
    venue_id = op.add_venue(people["perencana"], default.id, name="Lapangan B", lon=105.3, lat=-5.1)
    with pytest.raises(AccessDeniedError):
        op.update_venue(people["pimpinan"], venue_id, risk="khusus")
    with pytest.raises(AccessDeniedError, match="admin"):
        users.add_user(people["pimpinan"], "baru", "briefing", PASSWORD)
    users.add_user(people["admin"], "baru", "briefing", PASSWORD)
    op.move_post(people["admin"], post_id, 105.32, -5.11)  # admin may write everything


def test_disabled_or_demoted_user_is_refused_at_once(
    store: Store, people: dict[str, Store]
) -> None:
    commander = people["pimpinan"]
    opn = op.create_operation(commander, "Operasi Uji")
    users.set_role(people["admin"], "uji-pimpinan", "briefing")
    with pytest.raises(AccessDeniedError, match="briefing"):
        op.update_operation(commander, opn.id, bko=3)  # the handle still says pimpinan
    users.set_role(people["admin"], "uji-pimpinan", "pimpinan")
    users.set_active(people["admin"], "uji-pimpinan", False)
    with pytest.raises(AccessDeniedError, match="dinonaktifkan"):
        op.update_operation(commander, opn.id, bko=3)
    with pytest.raises(AccessDeniedError, match="tidak dikenal"):
        op.update_operation(store.as_user(Actor("hantu", "admin")), opn.id, bko=3)
    with pytest.raises(AccessDeniedError, match="--user"):
        op.update_operation(store.as_user(ANONYMOUS), opn.id, bko=3)
    assert op.get_operation(store, opn.id).bko == 0


def test_last_admin_cannot_be_disabled_or_demoted(store: Store, people: dict[str, Store]) -> None:
    with pytest.raises(op.PlanError, match="admin aktif terakhir"):
        users.set_active(people["admin"], "uji-admin", False)
    with pytest.raises(op.PlanError, match="admin aktif terakhir"):
        users.set_role(people["admin"], "uji-admin", "briefing")


def test_audit_names_the_user_and_keeps_before_and_after(
    store: Store, people: dict[str, Store], area: Area
) -> None:
    default = op.ensure_default_operation(store, area.places)
    post = op.load_operation(store, default.id).posts[0]
    op.move_post(people["pimpinan"], post.id, 105.3111, -5.1222)
    entry = audit.list_entries(store, action="post.move")[0]
    assert entry.actor == "uji-pimpinan" and entry.time.startswith(str(datetime.now(UTC).year))
    (change,) = [c for c in entry.changes if c.table == "posts"]
    assert change.op == "update" and change.row_id == post.id
    assert change.before["lon"] == pytest.approx(post.lon) and change.after["lon"] == 105.3111
    assert set(change.fields) == {"lon", "lat"}
    # the revision bump of the operation alone is not a change worth a line
    assert [c.table for c in entry.changes] == ["posts"]

    op.delete_post(people["pimpinan"], post.id)
    deleted = audit.list_entries(store, action="post.delete")[0].changes[0]
    assert deleted.op == "delete" and deleted.after is None and deleted.before["name"] == post.name

    # passwords never reach the log
    users.set_password(people["admin"], "uji-briefing", "kata-sandi-baru-2")
    text = " ".join(
        f"{c.before} {c.after}"
        for e in audit.list_entries(store, actor="uji-admin")
        for c in e.changes
    )
    assert "argon2" not in text and "kata-sandi" not in text

    # filters and the CSV export
    assert {e.actor for e in audit.list_entries(store, actor="uji-pimpinan")} == {"uji-pimpinan"}
    assert audit.list_entries(store, text=post.name)
    csv_text = audit.to_csv(audit.list_entries(store)).decode("utf-8-sig")
    header = csv_text.splitlines()[0].split(",")
    assert header[:4] == ["id", "waktu_utc", "pengguna", "aksi"] and "sebelum" in header
    assert "uji-pimpinan" in csv_text and "post.move" in csv_text


def test_audit_is_for_admin_and_pimpinan(people: dict[str, Store]) -> None:
    assert audit.list_entries(people["admin"]) and audit.list_entries(people["pimpinan"])
    for role in ("perencana", "briefing"):
        with pytest.raises(AccessDeniedError):
            audit.list_entries(people[role])


def test_csv_export_defuses_formulas(store: Store, people: dict[str, Store]) -> None:
    op.create_operation(people["pimpinan"], '=HYPERLINK("http://x")')
    csv_text = audit.to_csv(audit.list_entries(store, action="operation.create")).decode(
        "utf-8-sig"
    )
    assert ",'=HYPERLINK" in csv_text.replace('"', "")


def test_passwords_are_argon2_and_checked(store: Store, people: dict[str, Store]) -> None:
    (digest,) = store.read("SELECT password_hash FROM users WHERE name = 'uji-perencana'")[0]
    assert digest.startswith("$argon2id$") and PASSWORD not in digest
    user = users.authenticate(store, "UJI-PERENCANA", PASSWORD)  # names are case-insensitive
    assert user.role == "perencana" and user.last_login
    with pytest.raises(users.SignInError, match="salah"):
        users.authenticate(store, "uji-perencana", "bukan-ini-sandinya")
    with pytest.raises(users.SignInError, match="salah"):
        users.authenticate(store, "tidak-ada", PASSWORD)  # same message for an unknown name
    for bad in ("pendek", "x" * 300):
        with pytest.raises(op.PlanError, match="Kata sandi"):
            users.add_user(store, "orang", "briefing", bad)
    for name in ("a", "<script>", "nama dengan spasi", "x" * 40):
        with pytest.raises(op.PlanError, match="Nama pengguna"):
            users.add_user(store, name, "briefing", PASSWORD)
    with pytest.raises(op.PlanError, match="sudah ada"):
        users.add_user(store, "Uji-Admin", "briefing", PASSWORD)
    users.set_active(people["admin"], "uji-perencana", False)
    with pytest.raises(users.SignInError, match="dinonaktifkan"):
        users.authenticate(store, "uji-perencana", PASSWORD)


def test_failed_sign_ins_are_slowed_and_logged(store: Store, people: dict[str, Store]) -> None:
    t0 = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    for i in range(users.FREE_ATTEMPTS):
        with pytest.raises(users.SignInError) as err:
            users.authenticate(store, "uji-briefing", f"salah-{i}-xxxxxx", now=t0)
        assert "coba lagi" not in str(err.value)
    with pytest.raises(users.SignInError, match="coba lagi dalam 5 detik"):
        users.authenticate(store, "uji-briefing", "salah-lagi-xxxxx", now=t0)
    # while waiting, even the right password is not checked
    with pytest.raises(users.SignInError, match="coba lagi"):
        users.authenticate(store, "uji-briefing", PASSWORD, now=t0 + timedelta(seconds=2))
    with pytest.raises(users.SignInError, match="coba lagi dalam 10 detik"):
        users.authenticate(store, "uji-briefing", "salah-lagi-xxxxx", now=t0 + timedelta(seconds=6))
    assert users.backoff_seconds(30) == users.BACKOFF_MAX_S
    user = users.authenticate(store, "uji-briefing", PASSWORD, now=t0 + timedelta(seconds=30))
    assert user.failed_count == 0
    fails = audit.list_entries(store, action="auth.fail")
    assert len(fails) == 6 and {e.actor for e in fails} == {"uji-briefing"}
    assert audit.list_entries(store, action="auth.login")[0].actor == "uji-briefing"


def test_first_start_creates_one_admin_with_a_random_password(tmp_path) -> None:
    store = Store(tmp_path / "baru.sqlite")
    out = io.StringIO()
    password = users.bootstrap_admin(store, out)
    assert password and password in out.getvalue() and len(password) >= 16
    assert users.authenticate(store, "admin", password).role == "admin"
    assert users.bootstrap_admin(store, io.StringIO()) is None  # once only
    other = Store(tmp_path / "lain.sqlite")
    assert users.bootstrap_admin(other, io.StringIO()) != password  # never a fixed password
    (digest,) = store.read("SELECT password_hash FROM users")[0]
    assert password not in digest


def test_concurrent_first_starts_make_one_admin(store_path) -> None:
    path = store_path
    results: list[str | None] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(users.bootstrap_admin(Store(path), io.StringIO()))
        )
        for _ in range(6)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sum(r is not None for r in results) == 1
    assert users.count_users(Store(path)) == 1


def test_triggers_follow_the_schema(store: Store) -> None:
    if store.dialect != "sqlite":
        names = {r[0] for r in store.read("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
        assert {"audit_posts", "audit_users", "audit_route_plans"} <= names
        assert not any("positions" in n for n in names)
        return
    conn = sqlite3.connect(store.path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"audit_posts_update", "audit_users_insert", "audit_route_plans_delete"} <= names
    assert not any("positions" in n for n in names)
    conn.close()
    with store._connection() as c:
        assert audit.install_triggers(c, apply=False) == 0  # reopening changes nothing


def test_plan_versions_list_compare_restore(
    store: Store, people: dict[str, Store], area: Area
) -> None:
    from geo.network import compile_network
    from geo.routing import plan_route

    default = op.ensure_default_operation(store, area.places)
    planner = people["perencana"]
    net = compile_network(area.graph, "convoy")
    first = plan_route(area, net, ["Kantor Polisi Resor Metro", "Lapangan Garuda"])
    second = plan_route(area, net, ["Kantor Polisi Resor Metro", "KPU Kota Metro"], alternatives=2)
    for plan in (first, second):
        saved.save_route_plan(planner, default.id, "Kawal", kind="escort", profile="convoy",
                              request=saved.plan_request(plan), result=saved.plan_result(plan))  # fmt: skip
    versions = saved.list_plan_versions(store, default.id, "Kawal")
    assert [v.version for v in versions] == [2, 1] and {v.actor for v in versions} == {
        "uji-perencana"
    }
    diff = {k: (a, b) for k, a, b in saved.compare_plan_versions(versions[1], versions[0])}
    assert "KPU Kota Metro" in diff["stops"][1] and "Lapangan Garuda" in diff["stops"][0]
    assert diff["main_km"][0] != diff["main_km"][1] and "main_route" in diff
    with pytest.raises(AccessDeniedError):
        saved.restore_plan_version(people["briefing"], default.id, "Kawal", 1)
    saved.restore_plan_version(planner, default.id, "Kawal", 1)
    current = saved.load_route_plan(store, default.id, "Kawal")
    assert current.result == versions[1].result
    latest = saved.list_plan_versions(store, default.id, "Kawal")[0]
    assert latest.version == 3 and "versi 1" in latest.note
    assert audit.list_entries(store, action="route_plan.restore")[0].actor == "uji-perencana"
    with pytest.raises(op.PlanError, match="versi 9"):
        saved.get_plan_version(store, default.id, "Kawal", 9)
    saved.delete_route_plan(planner, default.id, "Kawal")
    assert len(saved.list_plan_versions(store, default.id, "Kawal")) == 3  # history outlives it
