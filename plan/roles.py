"""Who may write what: the roles, the acting user, and the one table of permissions.

Every write goes through ``plan.store.Store.write`` with an action name (``"post.move"``);
the store asks :func:`check` before anything is written, with the role saved for the user at
that moment (a user disabled or given another role meanwhile is refused at once). An action is
looked up by its full name, then by its first part (``"post"``); an action this table does not
know is refused to everyone but ``admin``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from plan.operation import PlanError

#: The roles, from most to least rights.
ROLES: tuple[str, ...] = ("admin", "pimpinan", "perencana", "briefing")

#: Roles that may write each kind of data besides ``admin``, who may write everything.
#: Keys are an action's full name or its first part; the full name wins.
PERMISSIONS: dict[str, frozenset[str]] = {
    # admin only: users, devices, settings of the application
    "user": frozenset(),
    "settings": frozenset(),
    # the commander: the operation, posts, units, their positions, dispatch
    "operation": frozenset({"pimpinan"}),
    "post": frozenset({"pimpinan"}),
    "unit": frozenset({"pimpinan"}),
    "positions": frozenset({"pimpinan"}),
    "dispatch": frozenset({"pimpinan"}),
    "incident": frozenset({"pimpinan"}),
    "device": frozenset({"pimpinan"}),  # a commander registers a unit's phone (issue 8)
    "tps": frozenset({"pimpinan", "perencana"}),
    # the planner: venues, events, routes, closures, patrols
    "venue": frozenset({"perencana"}),
    "event": frozenset({"perencana"}),
    "route_plan": frozenset({"perencana"}),
    "closure": frozenset({"perencana"}),
    "patrol": frozenset({"perencana"}),
    "road_name": frozenset({"perencana"}),
}

#: Actions any actor may cause, signed in or not: they take no input from the user.
#: ``operation.default`` creates the built-in default operation from the embedded data when it is
#: missing; ``auth.*`` records sign-in, sign-out and failed attempts.
PUBLIC_ACTIONS: frozenset[str] = frozenset(
    {"operation.default", "auth.login", "auth.logout", "auth.fail"}
)

#: What an action changes, for the refusal message (by the action's first part).
SUBJECTS: dict[str, str] = {
    "user": "pengguna",
    "settings": "pengaturan",
    "operation": "operasi",
    "post": "pos",
    "unit": "unit",
    "positions": "posisi unit",
    "dispatch": "pengerahan",
    "incident": "kejadian",
    "device": "perangkat",
    "tps": "TPS",
    "venue": "lokasi kegiatan",
    "event": "kegiatan",
    "route_plan": "rencana rute",
    "closure": "penutupan jalan",
    "patrol": "patroli",
    "road_name": "nama jalan",
}


class AccessDeniedError(PlanError):
    """A write refused because of the acting user's role (message for the user)."""


@dataclass(frozen=True)
class Actor:
    """The user a store handle acts for.

    Attributes
    ----------
    name
        User name as saved (or a bracketed name for the two built-in actors).
    role
        One of :data:`ROLES`, or ``"system"`` for :data:`SYSTEM`.
    """

    name: str
    role: str

    @property
    def is_system(self) -> bool:
        """True for the built-in system actor (migrations, start-up, tests of the store)."""
        return self.role == "system"


#: The built-in actor of a store opened without a user: start-up, migrations, scripts that own
#: the file. No page and no command a person runs acts as it (they bind a signed-in user).
SYSTEM = Actor("(sistem)", "system")

#: Reports from devices (Traccar Client, OwnTracks, ATAK) as the feeds' writer stores them: the
#: audit names them apart from start-up and scripts; each stored row names its ``device_id``.
DEVICES = Actor("(perangkat)", "system")

#: The command line without ``--user``: may read, and write nothing but public actions.
ANONYMOUS = Actor("(tanpa pengguna)", "briefing")


def roles_for(action: str) -> frozenset[str]:
    """Roles that may perform ``action`` (``admin`` always may)."""
    if action in PUBLIC_ACTIONS:
        return frozenset(ROLES)
    allowed = PERMISSIONS.get(action)
    if allowed is None:
        allowed = PERMISSIONS.get(action.split(".", 1)[0], frozenset())
    return allowed | {"admin"}


def allowed(role: str, action: str) -> bool:
    """Whether ``role`` may perform ``action``."""
    return role == "system" or role in roles_for(action)


def refusal(actor: Actor, role: str, action: str) -> AccessDeniedError:
    """The error for an actor whose ``role`` may not perform ``action``."""
    subject = SUBJECTS.get(action.split(".", 1)[0], action)
    who = ", ".join(r for r in ROLES if r in roles_for(action))
    if actor == ANONYMOUS:
        msg = (
            f"Tidak disimpan: mengubah {subject} ({action}) perlu masuk sebagai pengguna "
            f"berperan {who} (--user NAMA, kata sandi dari stdin atau $PETA_PASSWORD)."
        )
    else:
        msg = (
            f"Tidak disimpan: pengguna {actor.name!r} berperan {role} tidak boleh mengubah "
            f"{subject} ({action}); yang boleh: {who}."
        )
    return AccessDeniedError(msg)


def authorize(conn: sqlite3.Connection, actor: Actor, action: str) -> None:
    """Refuse ``action`` unless ``actor``, as saved in ``users`` now, may perform it.

    Called by ``Store.write`` inside its transaction, before the change runs: the role is read
    from the store, not trusted from the handle, so a user disabled or given another role since
    signing in is refused at once.

    Raises
    ------
    AccessDeniedError
        The actor is unknown, disabled, or its role may not perform the action.
    """
    if actor.is_system or action in PUBLIC_ACTIONS:
        return
    row = None
    if actor != ANONYMOUS:
        row = conn.execute(
            "SELECT role, active FROM users WHERE name = ? COLLATE NOCASE", (actor.name,)
        ).fetchone()
    if row is None:
        if actor == ANONYMOUS:
            raise refusal(actor, actor.role, action)
        msg = f"Tidak disimpan: pengguna {actor.name!r} tidak dikenal."
        raise AccessDeniedError(msg)
    if not row[1]:
        msg = f"Tidak disimpan: pengguna {actor.name!r} dinonaktifkan."
        raise AccessDeniedError(msg)
    if not allowed(row[0], action):
        raise refusal(actor, row[0], action)
