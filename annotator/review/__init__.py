"""The review plugin: a queue of unreviewed claims and a page per claim where reviewers record
verdicts, notes, evidence and corrections.

Routes, all under ``/-/annotator/``:

``queue``                 filters, counts and the claims next in line
``next``                  redirect to the next unreviewed claim of a queue, most check-worthy first
``claim/<id>``            the review page
``claim/<id>/review``     POST: append a review (verdict, note, corrections)
``claim/<id>/evidence``   POST: append an evidence link
``claim/<id>/sets``       POST: add the claim to a list claim set or a new one; remove it from one
``sets``                  the claim sets, each with its count and a CSV download
``contradictions``        the claims that contradict each other, grouped by the pair of sources
``export.csv``            the current claims as ``annotator export --format csv`` writes them,
                          with its filters as query parameters (``?set=…&stance=…``), streamed
``sign-in``               the one-time link ``annotator serve`` prints for the local user

and ``/-/login``, where reviewers sign in with their password (see :mod:`.signin`).

Configuration, through ``datasette.plugin_config("annotator")`` (``annotator serve`` writes it, see
:mod:`.config`): ``database`` (default: the first with a ``claims`` table), ``reviewers_file``
(the accounts, read again when they change), ``reviewers`` (more actor ids allowed to write),
``local_user``, ``sign_in_token_sha256`` and ``sign_in_expires`` (for the sign-in link),
``private`` and ``public_read`` (who may read, see :mod:`.access`).
"""

import asyncio
import itertools
import sqlite3
from collections.abc import Mapping
from urllib.parse import quote, urlencode

import sqlite_utils
from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import AsgiStream, BadRequest, Forbidden, NotFound, Response
from markupsafe import Markup

from .. import export, labels, relations, store
from ..store import queries, team
from ..store import sets as claim_sets
from . import access, claims_table, csv_guard, errors, facets, helpers, signin
from .helpers import InvalidInput

PLUGIN = "annotator"
STATIC = "annotator"  # Datasette serves a plugin's static/ under its distribution's name
VERDICT_KEYS = {"true": "t", "false": "f", "misleading": "m", "unverifiable": "u", "not_a_claim": "x"}
CSV_ROWS_PER_CHUNK = 500  # rows read and sent per step of a CSV download
CLAIM = r"claim/(?P<claim_id>[^/]+)"
# The only addresses that take a POST (see errors.request_guard); Datasette's /-/logout is one.
POST_PATHS = (r"^/-/login$", r"^/-/logout$", rf"^/-/annotator/{CLAIM}/(review|evidence|sets)$")


def _config(datasette) -> dict:
    return datasette.plugin_config(PLUGIN) or {}


def _path(datasette, path: str) -> str:
    return datasette.urls.path(f"/-/annotator/{path}")


def _claim_path(datasette, claim_id: str, action: str = "") -> str:
    return _path(datasette, f"claim/{quote(claim_id, safe='')}" + (f"/{action}" if action else ""))


async def _database(datasette):
    name = _config(datasette).get("database")
    if name:
        if name not in datasette.databases:
            raise NotFound(f"The database {name!r} is not open in this Datasette")
        return datasette.get_database(name)
    for db in datasette.databases.values():
        if not db.name.startswith("_") and await db.table_exists("claims"):
            return db
    raise NotFound("No open database has a claims table: run 'annotator extract' first")


async def _check_read(datasette, request, db) -> None:
    await datasette.ensure_permissions(
        request.actor,
        [("view-table", (db.name, "claims")), ("view-database", db.name), "view-instance"],
    )


async def _check_write(datasette, request, db) -> str:
    """The signed-in reviewer's id, or a 403 that says what is missing."""
    who = access.reviewer(_config(datasette), request.actor)
    if who is None:
        raise Forbidden(_why_not_a_reviewer(request.actor, "record reviews"))
    await _check_read(datasette, request, db)
    if not helpers.csrf_was_checked(request.headers):
        raise Forbidden("Send reviews from the review page's form (its CSRF token is missing)")
    return who


def _why_not_a_reviewer(actor: Mapping | None, to: str) -> str:
    who = helpers.actor_id(actor)
    if who is None:
        return f"Sign in as a reviewer to {to}"
    return f"{who} is not a reviewer of this database: sign in as one to {to}"


def _queue(conn: sqlite3.Connection, filters: Mapping[str, str], after: str | None = None,
           limit: int = 1, viewer: str | None = None) -> list[dict]:
    """The unreviewed claims of a queue in review order, starting after claim ``after`` (for a
    reviewer with assignments, their assigned claims they have not given a verdict yet)."""
    return queries.queue(conn, helpers.queue_export_filters(filters), filters.get("prior"),
                         after, limit, viewer)


def _queue_counts(conn: sqlite3.Connection, filters: Mapping[str, str],
                  viewer: str | None = None) -> dict:
    return queries.queue_counts(conn, helpers.queue_export_filters(filters), filters.get("prior"),
                                viewer)


def _passage(conn: sqlite3.Connection, claim: Mapping) -> tuple[Markup, bool]:
    """The claim highlighted in its paragraph of the document text its offsets point into, and
    whether that text is known: a superseded claim's is the earlier version it was found in,
    unless it was superseded before those were kept; then the claim alone is shown."""
    marks = helpers.claim_marks(claim)
    if queries.document_sha256(conn, claim["document_id"]) == claim["doc_sha256"]:
        start, end = helpers.passage_window(claim, queries.blocks(conn, claim["document_id"]))
        text = queries.document_slice(conn, claim["document_id"], start, end)
        return helpers.passage_html(text, start, marks), True
    version = queries.document_version(conn, claim["document_id"], claim["doc_sha256"])
    if version is not None and version[claim["start"]:claim["end"]] == claim["text"]:
        start, end = helpers.line_window(claim, version)
        return helpers.passage_html(version[start:end], start, marks), True
    inside = [m for m in marks if claim["start"] <= m.start and m.end <= claim["end"]]
    return helpers.passage_html(claim["text"], claim["start"], inside), False


def _load_claim(conn: sqlite3.Connection, claim_id: str, viewer: str | None = None) -> dict | None:
    """Everything the review page shows about one claim to ``viewer``: their own review is the
    form's; reviewing blind, they see no one else's until they have given their verdict."""
    claim = queries.claim(conn, claim_id)
    if claim is None:
        return None
    passage, version_kept = _passage(conn, claim)
    versions = helpers.similar_claims(claim, queries.versions_of(conn, claim))
    history, evidence = queries.reviews_of(
        conn, [claim_id] + [v["id"] for v in versions if v["superseded"]])
    for item in history + evidence:
        item["earlier_version"] = item["claim_id"] != claim_id
    final = team.final(conn, claim_id)
    blind = team.blind(conn, claim_id, viewer)
    if blind:
        history = [r for r in history if r["reviewer"] == viewer and r["kind"] == "review"]
        final = {**final, "status": None, "review": None, "reviews": []}
    own = team.own_review(conn, claim_id, viewer)
    current = own if own or viewer else final["review"]
    document = queries.document(conn, claim["document_id"])
    matched = queries.has_table(conn, "claim_relations")
    return {
        "matches": relations.matches(conn, claim_id) if matched else [],
        "prior": relations.prior_check(conn, claim_id) if matched else None,
        "claim": claim,
        "document": document or {},
        "claim_link": helpers.claim_link(document, claim) if document else None,
        "passage": passage,
        "version_kept": version_kept,
        "entities": queries.claim_entities(conn, claim_id),
        "history": history,
        "evidence": evidence,
        "current": current,
        "final": final,
        "blind": blind,
        "versions": versions,
    }


def _claim_sets(conn: sqlite3.Connection, claim_id: str) -> dict:
    """The sets holding a claim (list sets by membership, filter sets by matching it now) and the
    list sets it could be added to."""
    member = queries.set_memberships(conn, claim_id)
    holding, others = [], []
    for s in queries.sets_by_name(conn):
        if s["kind"] == "list":
            if s["id"] in member:
                holding.append({**s, **member[s["id"]]})
            else:
                others.append(s)
            continue
        try:
            if queries.matches_filters(conn, claim_id, export.Filters(sets=(s["name"],))):
                holding.append({**s, "added": None, "added_by": None})
        except ValueError:  # a FilterError: the set's filter no longer works
            continue
    return {"member_of": holding, "addable": others}


async def _allow_sets(db) -> bool:
    return await db.table_exists("claim_sets")


# --- routes ------------------------------------------------------------------------------------


async def claim_page(request, datasette):
    db = await _database(datasette)
    await _check_read(datasette, request, db)
    claim_id = request.url_vars["claim_id"]
    who = access.reviewer(_config(datasette), request.actor)
    data = await db.execute_fn(lambda conn: _load_claim(conn, claim_id, who))
    if data is None:
        raise NotFound(f"No claim with id {claim_id!r}")
    claim, current = data["claim"], data["current"]
    allow_sets = await _allow_sets(db)
    filters = helpers.queue_filters(request.args, allow_sets)
    sets_data = await db.execute_fn(lambda conn: _claim_sets(conn, claim_id)) if allow_sets else None
    why = None if who else _why_not_a_reviewer(request.actor, "record verdicts.")
    effective = {
        f: (current[f] if current and current[f] is not None else claim.get(f) or "")
        for f in labels.CORRECTABLE
    }
    qs = helpers.query_string(filters)
    context = {
        **data,
        "database": db.name,
        "filters": filters,
        "can_write": why is None and not claim["superseded"],
        "why_not": why,
        "verdicts": [(v, VERDICT_KEYS[v], i + 1) for i, v in enumerate(labels.VERDICTS)],
        "relations": helpers.RELATIONS,
        "choices": helpers.choices(),
        "effective": effective,
        "review_url": _claim_path(datasette, claim_id, "review") + qs,
        "evidence_url": _claim_path(datasette, claim_id, "evidence") + qs,
        "claim_sets": sets_data,
        "sets_url": _claim_path(datasette, claim_id, "sets") + qs,
        "sets_page_url": _path(datasette, "sets"),
        "set_queue_url": lambda name: _path(datasette, "queue") + helpers.query_string({"set": name}),
        "next_url": _path(datasette, "next") + helpers.query_string(filters, after=claim_id),
        "queue_url": _path(datasette, "queue") + qs,
        "disputes_url": _path(datasette, "disputes"),
        "claim_url": lambda cid: _claim_path(datasette, cid),
        "doc_url": datasette.urls.row(db.name, "documents", tilde_encode(claim["document_id"])),
        "entity_url": lambda eid: datasette.urls.row(db.name, "entities", tilde_encode(eid)),
        "script_url": datasette.urls.static_plugins(STATIC, "review.js"),
        "login_url": datasette.urls.path("/-/login"),
    }
    return Response.html(
        await datasette.render_template("annotator_claim.html", context, request=request))


async def review_post(request, datasette):
    if request.method != "POST":
        return Response.text("Send a POST from the review page", status=405)
    db = await _database(datasette)
    reviewer = await _check_write(datasette, request, db)
    claim_id = request.url_vars["claim_id"]
    claim = await _current_claim(db, claim_id)
    form = await request.post_vars()
    shown = await db.execute_fn(lambda conn: _shown_review(conn, claim_id, form.get("shown_review")))
    try:
        row = helpers.parse_review(form, claim, shown)
    except InvalidInput as e:
        raise BadRequest(str(e))

    def write(conn):
        with conn:  # the review first (it takes the write lock), then the one it follows
            review_id = store.add_review(sqlite_utils.Database(conn), claim_id, reviewer, **row)
            return queries.review_before(conn, claim_id, review_id)

    before = await _write(db, write)
    datasette.add_message(request, helpers.saved_message(row))
    if before and (shown is None or before["id"] != shown["id"]):
        datasette.add_message(
            request, f"{before['reviewer']} saved a review of this claim at {before['created']}, after"
            " you opened it (on another page); what you did not change is kept from it (see the"
            " history).", datasette.WARNING)
    filters = helpers.queue_filters(request.args, await _allow_sets(db))
    if row["verdict"] is not store.UNCHANGED and form.get("advance"):
        return Response.redirect(_path(datasette, "next") + helpers.query_string(filters, after=claim_id))
    return Response.redirect(_claim_path(datasette, claim_id) + helpers.query_string(filters))


def _shown_review(conn: sqlite3.Connection, claim_id: str, review_id: str | None) -> dict | None:
    """The review of ``claim_id`` with id ``review_id``: the one its review form was showing."""
    value = (review_id or "").strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        return None
    return queries.review(conn, claim_id, int(value))


async def evidence_post(request, datasette):
    if request.method != "POST":
        return Response.text("Send a POST from the review page", status=405)
    db = await _database(datasette)
    reviewer = await _check_write(datasette, request, db)
    claim_id = request.url_vars["claim_id"]
    await _current_claim(db, claim_id)
    try:
        row = helpers.parse_evidence(await request.post_vars())
    except InvalidInput as e:
        raise BadRequest(str(e))

    def write(conn):
        with conn:
            return store.add_evidence(sqlite_utils.Database(conn), claim_id, reviewer, **row)

    await _write(db, write)
    datasette.add_message(request, f"Added evidence ({row['relation']}): {row['url']}")
    filters = helpers.queue_filters(request.args, await _allow_sets(db))
    return Response.redirect(_claim_path(datasette, claim_id) + helpers.query_string(filters))


async def sets_post(request, datasette):
    if request.method != "POST":
        return Response.text("Send a POST from the review page", status=405)
    db = await _database(datasette)
    adder = await _check_write(datasette, request, db)
    claim_id = request.url_vars["claim_id"]
    await _current_claim(db, claim_id)
    if not await _allow_sets(db):
        raise BadRequest("This database has no claim sets yet: open it once with a current "
                         "'annotator' (any command) to add them")
    try:
        choice = helpers.parse_set_form(await request.post_vars())
    except InvalidInput as e:
        raise BadRequest(str(e))

    def write(conn):
        with conn:
            db_ = sqlite_utils.Database(conn)
            if choice["remove"]:
                return claim_sets.remove_claims(db_, choice["name"], [claim_id])
            if choice["new"]:
                claim_sets.create_set(db_, choice["name"], creator=adder,
                                      description=choice["description"], claim_ids=[claim_id])
                return 1
            return claim_sets.add_claims(db_, choice["name"], [claim_id], by=adder)

    try:
        added = await _write(db, write)
    except claim_sets.SetError as e:
        raise BadRequest(str(e))
    name = choice["name"]
    if choice["remove"]:
        datasette.add_message(request, f"Removed from the claim set “{name}”." if added
                              else f"Not in the claim set “{name}”.",
                              datasette.INFO if added else datasette.WARNING)
    elif choice["new"]:
        datasette.add_message(request, f"Created the claim set “{name}” with this claim.")
    elif added:
        datasette.add_message(request, f"Added to the claim set “{name}”.")
    else:
        datasette.add_message(request, f"Already in the claim set “{name}”.", datasette.WARNING)
    filters = helpers.queue_filters(request.args, True)
    return Response.redirect(_claim_path(datasette, claim_id) + helpers.query_string(filters))


async def _current_claim(db, claim_id: str) -> dict:
    found = await db.execute_fn(lambda conn: queries.claim(conn, claim_id))
    if found is None:
        raise NotFound(f"No claim with id {claim_id!r}")
    if found["superseded"]:
        raise BadRequest("This is an older version of a claim whose document changed; "
                         "review its current version instead")
    return found


async def _write(db, fn):
    try:
        return await db.execute_write_fn(fn, block=True)
    except sqlite3.IntegrityError as e:
        raise BadRequest(f"Not recorded: {e}")


async def next_page(request, datasette):
    db = await _database(datasette)
    await _check_read(datasette, request, db)
    filters = helpers.queue_filters(request.args, await _allow_sets(db))
    after = request.args.get("after") or None
    try:
        who = access.reviewer(_config(datasette), request.actor)
        found = await db.execute_fn(lambda conn: _queue(conn, filters, after, viewer=who))
    except (InvalidInput, export.FilterError) as e:
        raise BadRequest(str(e))
    if found:
        return Response.redirect(_claim_path(datasette, found[0]["id"])
                                 + helpers.query_string(filters))
    return Response.redirect(_path(datasette, "queue") + helpers.query_string(filters, done="1"))


async def queue_page(request, datasette):
    db = await _database(datasette)
    await _check_read(datasette, request, db)
    filters = helpers.queue_filters(request.args, await _allow_sets(db))

    who = access.reviewer(_config(datasette), request.actor)

    def read(conn):
        return {"counts": _queue_counts(conn, filters, who),
                "upcoming": _queue(conn, filters, limit=20, viewer=who),
                "choices": queries.queue_choices(conn),
                "assigned": queries.has_assignments(conn, who)}

    try:
        data = await db.execute_fn(read)
    except (InvalidInput, export.FilterError) as e:
        raise BadRequest(str(e))
    context = {
        **data,
        "database": db.name,
        "filters": filters,
        "download_url": _path(datasette, "export.csv") + helpers.query_string(filters),
        "sets_page_url": _path(datasette, "sets") if await _allow_sets(db) else None,
        "done": bool(request.args.get("done")),
        "next_url": _path(datasette, "next"),
        "claim_url": lambda cid: _claim_path(datasette, cid) + helpers.query_string(filters),
        "queue_url": _path(datasette, "queue"),
        "script_url": datasette.urls.static_plugins(STATIC, "review.js"),
        "labels": {"doc": "Document", "section": "Section", "source": "Source", "stance": "Stance",
                   "checkworthy": "Check-worthiness", "set": "Claim set",
                   "prior": "Checked elsewhere"},
        "contradictions_url": _path(datasette, "contradictions"),
    }
    return Response.html(
        await datasette.render_template("annotator_queue.html", context, request=request))


async def sets_page(request, datasette):
    db = await _database(datasette)
    await _check_read(datasette, request, db)
    allow_sets = await _allow_sets(db)
    found = await db.execute_fn(claim_sets.list_sets) if allow_sets else []
    context = {
        "database": db.name,
        "sets": found,
        "allow_sets": allow_sets,
        "queue_url": _path(datasette, "queue"),
        "all_url": _path(datasette, "export.csv"),
        "download_url": lambda name: _path(datasette, "export.csv") + helpers.query_string({"set": name}),
        "set_queue_url": lambda name: _path(datasette, "queue") + helpers.query_string({"set": name}),
    }
    return Response.html(
        await datasette.render_template("annotator_sets.html", context, request=request))


async def contradictions_page(request, datasette):
    db = await _database(datasette)
    await _check_read(datasette, request, db)
    found = await db.execute_fn(
        lambda conn: relations.contradictions(conn) if queries.has_table(conn, "claim_relations") else [])
    context = {
        "database": db.name,
        "groups": found,
        "queue_url": _path(datasette, "queue"),
        "claim_url": lambda cid: _claim_path(datasette, cid),
    }
    return Response.html(
        await datasette.render_template("annotator_contradictions.html", context, request=request))


async def export_csv(request, datasette):
    """The current claims as CSV, exactly as ``annotator export --format csv`` writes them.

    One query on a connection of its own, read in steps of :data:`CSV_ROWS_PER_CHUNK` rows on
    Datasette's query threads and sent as it is read: one consistent snapshot, memory flat.
    """
    db = await _database(datasette)
    await _check_read(datasette, request, db)
    args = {name: request.args.getlist(name) for name in request.args}
    try:
        filters = helpers.export_filters(args)
        options = helpers.export_options(args)
    except InvalidInput as e:
        raise BadRequest(str(e))
    if filters.sets and not await _allow_sets(db):
        raise BadRequest("This database has no claim sets")
    loop = asyncio.get_running_loop()

    async def in_thread(fn):
        if datasette.executor is None:
            return fn()
        return await loop.run_in_executor(datasette.executor, fn)

    conn = db.connect()
    conn.execute(f"PRAGMA busy_timeout = {store.BUSY_TIMEOUT_MS}")

    def start():
        rows = export.claim_rows(conn, filters)
        return export.iter_csv(rows, excel=options["excel"], formula_guard=options["formula_guard"])

    try:
        lines = await in_thread(start)
    except export.FilterError as e:
        conn.close()
        raise BadRequest(str(e)) from None
    except BaseException:
        conn.close()
        raise

    async def stream(writer):
        try:
            while True:
                chunk = await in_thread(
                    lambda: "".join(itertools.islice(lines, CSV_ROWS_PER_CHUNK)))
                if not chunk:
                    break
                await writer.write(chunk)
        finally:
            lines.close()
            conn.close()

    filename = helpers.export_filename(filters)
    return AsgiStream(stream, content_type="text/csv; charset=utf-8",
                      headers={"content-disposition": f'attachment; filename="{filename}"'})


# --- hooks -------------------------------------------------------------------------------------


@hookimpl(tryfirst=True)  # first, so that /-/login is ours even beside datasette-auth-passwords
def register_routes():
    return [
        (r"^/-/annotator/queue$", queue_page),
        (r"^/-/annotator/next$", next_page),
        (rf"^/-/annotator/{CLAIM}$", claim_page),
        (rf"^/-/annotator/{CLAIM}/review$", review_post),
        (rf"^/-/annotator/{CLAIM}/evidence$", evidence_post),
        (rf"^/-/annotator/{CLAIM}/sets$", sets_post),
        (r"^/-/annotator/sets$", sets_page),
        (r"^/-/annotator/contradictions$", contradictions_page),
        (r"^/-/annotator/export\.csv$", export_csv),
        (r"^/-/annotator/sign-in$", signin.sign_in),
        (r"^/-/login$", signin.login),
        (r"^/-/password-tool$", signin.no_password_tool),
    ]


@hookimpl
def permission_allowed(datasette, actor, action, resource):
    """With private reads, nothing is read by anyone but a current reviewer."""
    if action in access.READ_ACTIONS and not access.may_read(_config(datasette), actor):
        return False
    return None


@hookimpl
def forbidden(datasette, request, message):
    """A visitor who may not read a page is sent to sign in, and back to the page afterwards."""
    config = _config(datasette)
    if (request.method == "GET" and not request.path.endswith((".json", ".csv", "/sign-in"))
            and access.reads_are_private(config) and access.reviewer(config, request.actor) is None):
        return Response.redirect(
            datasette.urls.path("/-/login") + "?" + urlencode({"next": request.full_path}))
    return None


@hookimpl
def menu_links(datasette, actor):
    if actor is None and access.team(_config(datasette)):
        return [{"href": datasette.urls.path("/-/login"), "label": "Sign in"}]
    return None


@hookimpl
def asgi_wrapper(datasette):
    if not _config(datasette):  # a Datasette that 'annotator serve' did not configure
        return lambda app: app
    return lambda app: errors.request_guard(app, POST_PATHS)


@hookimpl
def handle_exception(datasette, request, exception):
    errors.as_bad_request(exception)


@hookimpl
def filters_from_request(request, database, table, datasette):
    """No filter: refuses facets by columns the table does not have, before Datasette tries."""
    args = {k: request.args.getlist(k) for k in request.args if k.startswith("_facet")}
    if not args:
        return None

    async def check():
        columns = await datasette.get_database(database).table_columns(table)
        unknown = errors.unknown_facet_columns(args, columns)
        if unknown:
            raise BadRequest(f"{table} has no column {unknown[0]!r} to facet by")

    return check


@hookimpl
def prepare_connection(conn):
    conn.execute(f"PRAGMA busy_timeout = {store.BUSY_TIMEOUT_MS}")


@hookimpl
def startup(datasette):
    errors.quiet_tracebacks()
    name = _config(datasette).get("database")
    if name and name not in datasette.databases:
        raise ValueError(f"annotator: the configured database {name!r} is not open")


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.static_plugins(STATIC, "review.css")]


@hookimpl
def table_actions(datasette, database, table, request):
    if table not in ("claims", "claim_verdicts"):
        return None
    configured = _config(datasette).get("database")
    if configured and configured != database:
        return None
    args = request.args if request else {}
    filters = helpers.filters_from_table_args(args)
    download, unmapped = helpers.export_args_from_table_args(
        {name: (args.getlist(name) if hasattr(args, "getlist") else [args[name]]) for name in args})
    if unmapped:
        label = f"Download claims as CSV (without the filter {', '.join(unmapped)})"
    else:
        label = "Download these claims as CSV" if download else "Download all claims as CSV"
    return [{
        "href": datasette.urls.path("/-/annotator/next") + helpers.query_string(filters),
        "label": "Review the next unreviewed claim" + (" of these" if filters else ""),
    }, {
        "href": datasette.urls.path("/-/annotator/export.csv") + helpers.export_query_string(download),
        "label": label,
    }]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    configured = _config(datasette).get("database")
    if configured and configured != database or not isinstance(value, str):
        return None
    if table == "claims" and column == "text" and row is not None and "id" in row.keys():  # noqa: SIM118 (a sqlite3.Row)
        return Markup('<a class="annotator-review-link" href="{}" title="Review this claim">{}</a>').format(
            _claim_path(datasette, row["id"]), value)
    if (table == "claim_verdicts" and column == "id") or (table is None and column == "review"):
        return Markup('<a class="annotator-review-link" href="{}" title="Review this claim">{}</a>').format(
            _claim_path(datasette, value), value)
    return None


@hookimpl
def register_facet_classes():
    return [facets.CountedColumnFacet]


@hookimpl(specname="asgi_wrapper")
def guard_csv_downloads(datasette):
    return csv_guard.wrap


# What Datasette lets the actor "root" do and a reviewer needs not: the debug pages and menu,
# and the _internal database. A reviewer whose login name is root is no Datasette root.
ROOT_ONLY = {"debug-menu", "permissions-debug"}


@hookimpl(specname="permission_allowed")
def reviewers_are_not_root(datasette, actor, action, resource):
    if access.reviewer(_config(datasette), actor) is None:
        return None
    if action in ROOT_ONLY or (action == "view-database" and resource == "_internal"):
        return False
    return None


@hookimpl
def extra_template_vars(view_name, database, table, datasette):
    configured = _config(datasette).get("database")
    if view_name != "table" or table != "claims" or (configured and configured != database):
        return None

    async def arrange(columns, rows):
        return await claims_table.arrange(datasette.get_database(database), columns, rows)

    return {"annotator_claims_table": arrange}
