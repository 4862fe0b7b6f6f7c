"""The command line acts as a named user, and manages users: ``python -m cli users …``.

Every command that opens the store takes ``--user NAME``; the password comes from
``$PETA_PASSWORD``, else the first line of standard input (a prompt on a terminal). Without
``--user`` a command may read, and the store refuses any change (``plan.roles``).

``users add --name NAME --role ROLE`` reads the new user's password from standard input (the
line after the acting user's password, when that too comes from standard input);
``users list``; ``users disable NAME``; ``users enable NAME``; ``users password NAME``;
``users role NAME ROLE``. On a store without users, ``users add --role admin`` needs no
``--user``: it creates the first admin.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from cli.core import command
from plan import users
from plan.operation import PlanError
from plan.roles import ANONYMOUS, ROLES, SYSTEM
from plan.store import Store, default_path, is_url

_STDIN_LINES: list[str] = []  # lines already read from standard input, in order


def add_user_arg(parser: argparse.ArgumentParser) -> None:
    """Add ``--user`` (the acting user; password from ``$PETA_PASSWORD`` or standard input)."""
    parser.add_argument(
        "--user",
        default=os.environ.get("PETA_USER"),
        help="act as this user (default: $PETA_USER); password from $PETA_PASSWORD, "
        "else the first line of standard input",
    )


def read_secret(prompt: str) -> str:
    """The next line of standard input (without its line end), or a prompt on a terminal."""
    if sys.stdin is None:
        msg = f"{prompt}: tidak ada masukan standar untuk kata sandi."
        raise PlanError(msg)
    if sys.stdin.isatty():
        return getpass.getpass(f"{prompt}: ")
    line = sys.stdin.readline()
    if not line:
        msg = f"{prompt}: masukan standar kosong (beri kata sandi satu per baris)."
        raise PlanError(msg)
    _STDIN_LINES.append(line)
    return line.rstrip("\r\n")


def open_store(db: str | None) -> Store:
    """The store of ``--db`` (a file or a ``postgresql://`` URL), else ``$PETA_DB`` or the default.

    Raises
    ------
    PlanError
        If the file named is a folder.
    """
    target = db or os.environ.get("PETA_DB")
    if is_url(target):
        return Store(target)
    path = Path(target) if target else default_path()
    if path.is_dir():
        msg = f"--db {path}: sebuah folder, bukan berkas penyimpanan."
        raise PlanError(msg)
    return Store(path)


def _open(args: argparse.Namespace) -> Store:
    return open_store(getattr(args, "db", None))


def acting_store(args: argparse.Namespace, store: Store | None = None) -> Store:
    """The store (``--db``) bound to the user of ``--user``, signed in; anonymous without it.

    Raises
    ------
    plan.users.SignInError
        Wrong name or password, disabled user, or waiting after failed attempts.
    """
    store = store or _open(args)
    name = getattr(args, "user", None)
    if not name:
        return store.as_user(ANONYMOUS)
    password = os.environ.get("PETA_PASSWORD")
    if password is None:
        password = read_secret(f"kata sandi {name}")
    user = users.authenticate(store, name, password)
    return store.as_user(user.actor)


def _user_json(u: users.User) -> dict[str, Any]:
    return {
        "name": u.name,
        "role": u.role,
        "active": u.active,
        "created": u.created,
        "last_login": u.last_login,
        "failed_count": u.failed_count,
    }


def run_users(args: argparse.Namespace) -> dict[str, Any]:
    """Add, list, disable, enable users, set a password or a role."""
    action = args.users_command
    base = _open(args)
    if action == "list":
        return {"users": [_user_json(u) for u in users.list_users(base)]}
    first = action == "add" and users.count_users(base) == 0 and not args.user
    if first:
        if args.role != "admin":
            msg = "Penyimpanan belum punya pengguna: yang pertama harus berperan admin."
            raise PlanError(msg)
        store = base.as_user(SYSTEM)  # the first admin of a fresh store
    else:
        store = acting_store(args, base)
    if action == "add":
        password = read_secret(f"kata sandi baru untuk {args.name}")
        user = users.add_user(store, args.name, args.role, password)
        return {"added": _user_json(user), "by": store.user.name}
    if action in ("disable", "enable"):
        users.set_active(store, args.name, action == "enable")
    elif action == "password":
        users.set_password(store, args.name, read_secret(f"kata sandi baru untuk {args.name}"))
    elif action == "role":
        users.set_role(store, args.name, args.role)
    user = users.get_user(base, args.name)
    return {action: _user_json(user) if user else args.name, "by": store.user.name}


@command("users", "manage users: add, list, disable, enable, password, role", run_users)
def _users_args(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="users_command", required=True)
    children = {
        "add": sub.add_parser("add", help="add a user (password from standard input)"),
        "list": sub.add_parser("list", help="list users"),
        "disable": sub.add_parser("disable", help="disable a user (no sign-in, no writes)"),
        "enable": sub.add_parser("enable", help="enable a disabled user"),
        "password": sub.add_parser("password", help="set a password (from standard input)"),
        "role": sub.add_parser("role", help="give a user another role"),
    }
    children["add"].add_argument("--name", required=True, help="user name")
    children["add"].add_argument("--role", required=True, choices=ROLES)
    for name in ("disable", "enable", "password", "role"):
        children[name].add_argument("name", help="user name")
    children["role"].add_argument("role", choices=ROLES)
    for child in children.values():
        child.add_argument("--db", default=None, help="store file (default: $PETA_DB)")
        add_user_arg(child)
        child.add_argument("--json", action="store_true", help="print one JSON object")
