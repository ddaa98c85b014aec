"""The review plugin's pages and forms (see the routes in :mod:`annotator.review`)."""

import asyncio
import itertools

import sqlite_utils
from datasette.utils import tilde_encode
from datasette.utils.asgi import AsgiStream, BadRequest, NotFound, Response

from .. import export, labels, store
from ..store import queries, related
from ..store import sets as claim_sets
from . import access, forms, pages, querystrings, site
from .forms import InvalidInput

VERDICT_KEYS = {"true": "t", "false": "f", "misleading": "m", "unverifiable": "u", "not_a_claim": "x"}
CSV_ROWS_PER_CHUNK = 500  # rows read and sent per step of a CSV download


def _not_a_post() -> Response:
    return Response.text("Send a POST from the review page", status=405)


async def _posted_for(request, datasette) -> tuple:
    """The database, the signed-in reviewer and the current claim a review page form was sent
    for; a 403, 404 or 400 that says why when there is none."""
    db = await site.database(datasette)
    reviewer = await site.check_write(datasette, request, db)
    return db, reviewer, await site.current_claim(db, request.url_vars["claim_id"])


async def _back_to_claim(request, datasette, db, claim_id: str) -> Response:
    """Back to the claim's page, in the queue the reviewer came from."""
    filters = querystrings.queue_filters(request.args, await site.allow_sets(db))
    return Response.redirect(site.claim_path(datasette, claim_id) + querystrings.query_string(filters))


async def claim_page(request, datasette):
    db = await site.database(datasette)
    await site.check_read(datasette, request, db)
    claim_id = request.url_vars["claim_id"]
    who = access.reviewer(site.config(datasette), request.actor)
    data = await db.execute_fn(lambda conn: pages.load_claim(conn, claim_id, who))
    if data is None:
        raise NotFound(f"No claim with id {claim_id!r}")
    claim, current = data["claim"], data["current"]
    allow_sets = await site.allow_sets(db)
    filters = querystrings.queue_filters(request.args, allow_sets)
    sets_data = await db.execute_fn(lambda conn: pages.claim_sets(conn, claim_id)) if allow_sets else None
    why = None if who else site.why_not_a_reviewer(request.actor, "record verdicts.")
    effective = {
        f: (current[f] if current and current[f] is not None else claim.get(f) or "")
        for f in labels.CORRECTABLE
    }
    qs = querystrings.query_string(filters)
    context = {
        **data,
        "database": db.name,
        "filters": filters,
        "can_write": why is None and not claim["superseded"],
        "why_not": why,
        "verdicts": [(v, VERDICT_KEYS[v], i + 1) for i, v in enumerate(labels.VERDICTS)],
        "relations": forms.RELATIONS,
        "choices": forms.choices(),
        "correctable": labels.CORRECTABLE,
        "effective": effective,
        "review_url": site.claim_path(datasette, claim_id, "review") + qs,
        "evidence_url": site.claim_path(datasette, claim_id, "evidence") + qs,
        "claim_sets": sets_data,
        "sets_url": site.claim_path(datasette, claim_id, "sets") + qs,
        "sets_page_url": site.path(datasette, "sets"),
        "set_queue_url": lambda name: site.path(datasette, "queue") + querystrings.query_string({"set": name}),
        "next_url": site.path(datasette, "next") + querystrings.query_string(filters, after=claim_id),
        "queue_url": site.path(datasette, "queue") + qs,
        "disputes_url": site.path(datasette, "disputes"),
        "claim_url": lambda cid: site.claim_path(datasette, cid),
        "doc_url": datasette.urls.row(db.name, "documents", tilde_encode(claim["document_id"])),
        "entity_url": lambda eid: datasette.urls.row(db.name, "entities", tilde_encode(eid)),
        "script_url": datasette.urls.static_plugins(site.STATIC, "review.js"),
        "login_url": datasette.urls.path("/-/login"),
    }
    return Response.html(
        await datasette.render_template("annotator_claim.html", context, request=request))


async def review_post(request, datasette):
    if request.method != "POST":
        return _not_a_post()
    db, reviewer, claim = await _posted_for(request, datasette)
    claim_id = claim["id"]
    form = await request.post_vars()
    shown = await db.execute_fn(lambda conn: pages.shown_review(conn, claim_id, form.get("shown_review")))
    try:
        row = forms.parse_review(form, claim, shown)
    except InvalidInput as e:
        raise BadRequest(str(e))

    def write(conn):
        with conn:  # the review first (it takes the write lock), then the one it follows
            review_id = store.add_review(sqlite_utils.Database(conn), claim_id, reviewer, **row)
            return queries.review_before(conn, claim_id, review_id)

    before = await site.write(db, write)
    datasette.add_message(request, forms.saved_message(row))
    if before and (shown is None or before["id"] != shown["id"]):
        datasette.add_message(
            request, f"{before['reviewer']} saved a review of this claim at {before['created']}, after"
            " you opened it (on another page); what you did not change is kept from it (see the"
            " history).", datasette.WARNING)
    filters = querystrings.queue_filters(request.args, await site.allow_sets(db))
    if row["verdict"] is not store.UNCHANGED and form.get("advance"):
        return Response.redirect(site.path(datasette, "next") + querystrings.query_string(filters, after=claim_id))
    return Response.redirect(site.claim_path(datasette, claim_id) + querystrings.query_string(filters))



async def evidence_post(request, datasette):
    if request.method != "POST":
        return _not_a_post()
    db, reviewer, claim = await _posted_for(request, datasette)
    claim_id = claim["id"]
    try:
        row = forms.parse_evidence(await request.post_vars())
    except InvalidInput as e:
        raise BadRequest(str(e))

    def write(conn):
        with conn:
            return store.add_evidence(sqlite_utils.Database(conn), claim_id, reviewer, **row)

    await site.write(db, write)
    datasette.add_message(request, f"Added evidence ({row['relation']}): {row['url']}")
    return await _back_to_claim(request, datasette, db, claim_id)


async def sets_post(request, datasette):
    if request.method != "POST":
        return _not_a_post()
    db, adder, claim = await _posted_for(request, datasette)
    claim_id = claim["id"]
    if not await site.allow_sets(db):
        raise BadRequest("This database has no claim sets yet: open it once with a current "
                         "'annotator' (any command) to add them")
    try:
        choice = forms.parse_set_form(await request.post_vars())
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
        added = await site.write(db, write)
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
    return await _back_to_claim(request, datasette, db, claim_id)



async def next_page(request, datasette):
    db = await site.database(datasette)
    await site.check_read(datasette, request, db)
    filters = querystrings.queue_filters(request.args, await site.allow_sets(db))
    after = request.args.get("after") or None
    try:
        who = access.reviewer(site.config(datasette), request.actor)
        found = await db.execute_fn(lambda conn: pages.queue(conn, filters, after, viewer=who))
    except (InvalidInput, export.FilterError) as e:
        raise BadRequest(str(e))
    if found:
        return Response.redirect(site.claim_path(datasette, found[0]["id"])
                                 + querystrings.query_string(filters))
    return Response.redirect(site.path(datasette, "queue") + querystrings.query_string(filters, done="1"))


async def queue_page(request, datasette):
    db = await site.database(datasette)
    await site.check_read(datasette, request, db)
    filters = querystrings.queue_filters(request.args, await site.allow_sets(db))

    who = access.reviewer(site.config(datasette), request.actor)

    def read(conn):
        return {"counts": pages.queue_counts(conn, filters, who),
                "upcoming": pages.queue(conn, filters, limit=20, viewer=who),
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
        "download_url": site.path(datasette, "export.csv") + querystrings.query_string(filters),
        "sets_page_url": site.path(datasette, "sets") if await site.allow_sets(db) else None,
        "done": bool(request.args.get("done")),
        "next_url": site.path(datasette, "next"),
        "claim_url": lambda cid: site.claim_path(datasette, cid) + querystrings.query_string(filters),
        "queue_url": site.path(datasette, "queue"),
        "script_url": datasette.urls.static_plugins(site.STATIC, "review.js"),
        "labels": {"doc": "Document", "section": "Section", "source": "Source", "stance": "Stance",
                   "checkworthy": "Check-worthiness", "set": "Claim set",
                   "prior": "Checked elsewhere"},
        "contradictions_url": site.path(datasette, "contradictions"),
        "disputes_url": site.path(datasette, "disputes"),
        "agreement_url": site.path(datasette, "agreement"),
    }
    return Response.html(
        await datasette.render_template("annotator_queue.html", context, request=request))


async def sets_page(request, datasette):
    db = await site.database(datasette)
    await site.check_read(datasette, request, db)
    allow_sets = await site.allow_sets(db)
    found = await db.execute_fn(claim_sets.list_sets) if allow_sets else []
    context = {
        "database": db.name,
        "sets": found,
        "allow_sets": allow_sets,
        "queue_url": site.path(datasette, "queue"),
        "all_url": site.path(datasette, "export.csv"),
        "download_url": lambda name: site.path(datasette, "export.csv") + querystrings.query_string({"set": name}),
        "set_queue_url": lambda name: site.path(datasette, "queue") + querystrings.query_string({"set": name}),
    }
    return Response.html(
        await datasette.render_template("annotator_sets.html", context, request=request))


async def contradictions_page(request, datasette):
    db = await site.database(datasette)
    await site.check_read(datasette, request, db)
    found = await db.execute_fn(
        lambda conn: related.contradictions(conn) if queries.has_table(conn, "claim_relations") else [])
    context = {
        "database": db.name,
        "groups": found,
        "queue_url": site.path(datasette, "queue"),
        "claim_url": lambda cid: site.claim_path(datasette, cid),
    }
    return Response.html(
        await datasette.render_template("annotator_contradictions.html", context, request=request))


async def export_csv(request, datasette):
    """The current claims as CSV, exactly as ``annotator export --format csv`` writes them.

    One query on a connection of its own, read in steps of :data:`CSV_ROWS_PER_CHUNK` rows on
    Datasette's query threads and sent as it is read: one consistent snapshot, memory flat.
    """
    db = await site.database(datasette)
    await site.check_read(datasette, request, db)
    args = {name: request.args.getlist(name) for name in request.args}
    try:
        filters = querystrings.export_filters(args)
        options = querystrings.export_options(args)
    except InvalidInput as e:
        raise BadRequest(str(e))
    if filters.sets and not await site.allow_sets(db):
        raise BadRequest("This database has no claim sets")
    loop = asyncio.get_running_loop()

    async def in_thread(fn):
        if datasette.executor is None:
            return fn()
        return await loop.run_in_executor(datasette.executor, fn)

    conn = db.connect()
    store.wait_for_locks(conn)

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

    filename = querystrings.export_filename(filters)
    return AsgiStream(stream, content_type="text/csv; charset=utf-8",
                      headers={"content-disposition": f'attachment; filename="{filename}"'})

