"""What the review plugin's views share: its addresses, its configuration, the database it
serves, who may read and write, and writing through Datasette's write thread."""

import sqlite3
from collections.abc import Mapping
from urllib.parse import quote

from datasette.utils.asgi import BadRequest, Forbidden, NotFound

from ..store import queries
from . import access, helpers

PLUGIN = "annotator"
STATIC = "annotator"  # Datasette serves a plugin's static/ under its distribution's name
CLAIM = r"claim/(?P<claim_id>[^/]+)"
# The only addresses that take a POST (see errors.request_guard); Datasette's /-/logout is one.
POST_PATHS = (r"^/-/login$", r"^/-/logout$", rf"^/-/annotator/{CLAIM}/(review|evidence|sets|adjudicate)$")


def config(datasette) -> dict:
    return datasette.plugin_config(PLUGIN) or {}


def path(datasette, path: str) -> str:
    return datasette.urls.path(f"/-/annotator/{path}")


def claim_path(datasette, claim_id: str, action: str = "") -> str:
    return path(datasette, f"claim/{quote(claim_id, safe='')}" + (f"/{action}" if action else ""))


async def database(datasette):
    name = config(datasette).get("database")
    if name:
        if name not in datasette.databases:
            raise NotFound(f"The database {name!r} is not open in this Datasette")
        return datasette.get_database(name)
    for db in datasette.databases.values():
        if not db.name.startswith("_") and await db.table_exists("claims"):
            return db
    raise NotFound("No open database has a claims table: run 'annotator extract' first")


async def check_read(datasette, request, db) -> None:
    await datasette.ensure_permissions(
        request.actor,
        [("view-table", (db.name, "claims")), ("view-database", db.name), "view-instance"],
    )


async def check_write(datasette, request, db) -> str:
    """The signed-in reviewer's id, or a 403 that says what is missing."""
    who = access.reviewer(config(datasette), request.actor)
    if who is None:
        raise Forbidden(why_not_a_reviewer(request.actor, "record reviews"))
    await check_read(datasette, request, db)
    if not helpers.csrf_was_checked(request.headers):
        raise Forbidden("Send reviews from the review page's form (its CSRF token is missing)")
    return who


def why_not_a_reviewer(actor: Mapping | None, to: str) -> str:
    who = helpers.actor_id(actor)
    if who is None:
        return f"Sign in as a reviewer to {to}"
    return f"{who} is not a reviewer of this database: sign in as one to {to}"


async def allow_sets(db) -> bool:
    return await db.table_exists("claim_sets")


async def current_claim(db, claim_id: str) -> dict:
    found = await db.execute_fn(lambda conn: queries.claim(conn, claim_id))
    if found is None:
        raise NotFound(f"No claim with id {claim_id!r}")
    if found["superseded"]:
        raise BadRequest("This is an older version of a claim whose document changed; "
                         "review its current version instead")
    return found


async def write(db, fn):
    try:
        return await db.execute_write_fn(fn, block=True)
    except sqlite3.IntegrityError as e:
        raise BadRequest(f"Not recorded: {e}")

