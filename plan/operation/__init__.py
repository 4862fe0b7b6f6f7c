"""An operation's posts, venues, TPS, units and positions in the store.

Every change is one ``Store.write`` (one transaction): a bad input raises ``PlanError`` before or
inside it, the transaction rolls back, and nothing already saved changes. Each write bumps the
operation's ``revision``, which the app uses as a cache key.

One topic a module: ``model`` (the entities, kinds, statuses, settings and ``PlanError``),
``operations`` (list, create, update, load, the default operation), ``posts``, ``venues``
(venues and events), ``tps``, ``units`` (units and their positions), ``frames`` (frames for
``geo.coverage``) and ``files`` (JSON export and import); ``_checks`` holds the shared validation.
This package re-exports their public names, so ``from plan.operation import X`` and
``plan.operation.X`` work as before.
"""

from geo.risk import RISK_TIERS
from geo.simulation import SIMULATION_SOURCE
from plan.operation.files import operation_from_file, operation_to_dict
from plan.operation.frames import posts_frame, targets_frame, units_frame
from plan.operation.model import (
    DEFAULT_OPERATION,
    DEFAULT_SETTINGS,
    POLRES_METRO_STRENGTH,
    POST_KIND_LABELS,
    POST_KINDS,
    PROFILE_NAMES,
    SIMULATION_UNIT_PREFIX,
    UNIT_STATUSES,
    Event,
    Operation,
    OperationData,
    PlanError,
    Post,
    Tps,
    Unit,
    UnitPosition,
    Venue,
)
from plan.operation.operations import (
    create_operation,
    ensure_default_operation,
    get_operation,
    list_operations,
    load_operation,
    revision,
    update_operation,
)
from plan.operation.posts import add_post, delete_post, move_post, update_post
from plan.operation.tps import TpsSaved, add_tps, delete_tps, save_tps, tps_codes
from plan.operation.units import (
    add_unit,
    clear_simulation,
    delete_unit,
    iso_utc,
    latest_positions,
    record_positions,
    update_unit,
)
from plan.operation.venues import add_event, add_venue, update_venue

__all__ = [
    "DEFAULT_OPERATION",
    "DEFAULT_SETTINGS",
    "POLRES_METRO_STRENGTH",
    "POST_KINDS",
    "POST_KIND_LABELS",
    "PROFILE_NAMES",
    "RISK_TIERS",
    "SIMULATION_SOURCE",
    "SIMULATION_UNIT_PREFIX",
    "UNIT_STATUSES",
    "Event",
    "Operation",
    "OperationData",
    "PlanError",
    "Post",
    "Tps",
    "TpsSaved",
    "Unit",
    "UnitPosition",
    "Venue",
    "add_event",
    "add_post",
    "add_tps",
    "add_unit",
    "add_venue",
    "clear_simulation",
    "create_operation",
    "delete_post",
    "delete_tps",
    "delete_unit",
    "ensure_default_operation",
    "get_operation",
    "iso_utc",
    "latest_positions",
    "list_operations",
    "load_operation",
    "move_post",
    "operation_from_file",
    "operation_to_dict",
    "posts_frame",
    "record_positions",
    "revision",
    "save_tps",
    "targets_frame",
    "tps_codes",
    "units_frame",
    "update_operation",
    "update_post",
    "update_unit",
    "update_venue",
]
