"""Field devices on the command line: ``python -m cli devices add|list|remove|refused``.

``devices add --unit UNIT --device ID [--password]`` registers a phone to a unit (the unit is
created when new). ``--password`` alone reads the OwnTracks password from
``$PETA_DEVICE_PASSWORD``, else the first line of standard input (a prompt on a terminal), so it
never shows in the shell history; only its argon2 hash is stored. ``devices list`` prints the
operation's devices; ``devices refused`` the refused reports per device and reason.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from cli.core import command
from cli.coverage import add_store_args
from cli.users import acting_store, open_store
from plan import devices as dv
from plan import operation as op
from plan.operation import PlanError
from plan.store import Store

_ASK = "\0ask"


def _password(value: str | None) -> str | None:
    if value is None:
        return None
    if value != _ASK:
        return value
    env = os.environ.get("PETA_DEVICE_PASSWORD")
    if env is not None:
        return env
    if sys.stdin.isatty():
        return getpass.getpass("kata sandi perangkat: ")
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise PlanError("Kata sandi perangkat kosong (dari $PETA_DEVICE_PASSWORD atau stdin).")
    return line


def _operation(store: Store, spec: str | None) -> op.Operation:
    if spec:
        return op.get_operation(store, spec)
    try:
        return op.get_operation(store, op.DEFAULT_OPERATION)
    except PlanError:  # a new store: create the default operation (loads the area)
        pass
    from geo.area import load_area

    return op.ensure_default_operation(store, load_area().places)


def _device_json(d: dv.Device) -> dict[str, Any]:
    return {"device": d.device_id, "unit": d.unit_id, "password": d.has_secret, "label": d.label}


def run_devices(args: argparse.Namespace) -> dict[str, Any]:
    """Register, list or remove devices, or list refused reports."""
    store = acting_store(args, open_store(args.db))
    operation = _operation(store, args.operation)
    if args.action == "add":
        if not args.unit or not args.device:
            raise PlanError("devices add perlu --unit dan --device.")
        saved = dv.add_device(
            store,
            operation.id,
            unit_id=args.unit,
            device_id=args.device,
            secret=_password(args.password),
            label=args.label,
            replace=args.replace,
        )
        return {"operation": operation.name, "added": _device_json(saved)}
    if args.action == "remove":
        if not args.device:
            raise PlanError("devices remove perlu --device.")
        dv.remove_device(store, args.device)
        return {"operation": operation.name, "removed": args.device}
    if args.action == "refused":
        return {
            "refused": [
                {"device": r.device_id, "reason": r.reason, "protocol": r.protocol,
                 "count": r.count, "last": r.last_seen, "registered": r.registered}
                for r in dv.refusals(store)
            ]
        }  # fmt: skip
    return {
        "operation": operation.name,
        "devices": [_device_json(d) for d in dv.list_devices(store, operation.id)],
    }


@command("devices", "register field devices (Traccar, OwnTracks, ATAK) to units", run_devices)
def _devices_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["add", "list", "remove", "refused"])
    parser.add_argument("--unit", help="unit id (created when new)")
    parser.add_argument(
        "--device", help="Traccar id, OwnTracks user/device, or the CoT uid of an ATAK phone"
    )
    parser.add_argument(
        "--password",
        nargs="?",
        const=_ASK,
        default=None,
        help="OwnTracks password; alone: from $PETA_DEVICE_PASSWORD or standard input",
    )
    parser.add_argument("--label", default="", help="free text: officer, phone")
    parser.add_argument("--replace", action="store_true", help="move a registered device")
    add_store_args(parser)
