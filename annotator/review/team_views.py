"""The review plugin's team pages: reviewer agreement, and the disputes a reviewer adjudicates."""

import sqlite_utils
from datasette.utils.asgi import BadRequest, Response

from .. import agreement as measuring
from .. import export, labels
from ..store import queries, team
from . import site
from .forms import MAX_NOTE, InvalidInput, _clean


def _set_claims(conn, name: str | None) -> set[str] | None:
    if not name:
        return None
    return {r["id"] for r in queries.claim_rows(conn, export.Filters(sets=(name,)), ("id",))}


async def agreement_page(request, datasette):
    """Agreement per field (claims, raw agreement, kappa, alpha) and the disagreements."""
    db = await site.database(datasette)
    await site.check_read(datasette, request, db)
    set_name = request.args.get("set") or None

    def read(conn):
        return measuring.agreement(conn, _set_claims(conn, set_name)), \
            queries.set_names(conn) if queries.has_table(conn, "claim_sets") else []

    try:
        figures, set_names = await db.execute_fn(read)
    except export.FilterError as e:
        raise BadRequest(str(e))
    context = {
        "database": db.name,
        "figures": figures,
        "set_name": set_name,
        "set_names": set_names,
        "queue_url": site.path(datasette, "queue"),
        "disputes_url": site.path(datasette, "disputes"),
        "claim_url": lambda cid: site.claim_path(datasette, cid),
    }
    return Response.html(
        await datasette.render_template("annotator_agreement.html", context, request=request))


async def disputes_page(request, datasette):
    """The disputed claims, each with its reviewers' verdicts and a form for the final one."""
    db = await site.database(datasette)
    await site.check_read(datasette, request, db)
    found = await db.execute_fn(lambda conn: team.disputes(conn))
    context = {
        "database": db.name,
        "disputes": found,
        "verdicts": labels.VERDICTS,
        "queue_url": site.path(datasette, "queue"),
        "agreement_url": site.path(datasette, "agreement"),
        "claim_url": lambda cid: site.claim_path(datasette, cid),
        "adjudicate_url": lambda cid: site.claim_path(datasette, cid, "adjudicate"),
    }
    return Response.html(
        await datasette.render_template("annotator_disputes.html", context, request=request))


async def adjudicate_post(request, datasette):
    """Record a claim's final verdict (an adjudication); the reviewers' reviews stay."""
    if request.method != "POST":
        return Response.text("Send a POST from the disputes page", status=405)
    db = await site.database(datasette)
    reviewer = await site.check_write(datasette, request, db)
    claim_id = request.url_vars["claim_id"]
    await site.current_claim(db, claim_id)
    form = await request.post_vars()
    try:
        verdict, note = _clean(form.get("verdict")), _clean(form.get("note"), MAX_NOTE) or None
    except InvalidInput as e:
        raise BadRequest(str(e))
    if verdict not in labels.VERDICTS:
        raise BadRequest(f"unknown verdict {verdict!r}; use one of: {', '.join(labels.VERDICTS)}")

    def write(conn):
        with conn:
            return team.adjudicate(sqlite_utils.Database(conn), claim_id, reviewer, verdict, note)

    await site.write(db, write)
    datasette.add_message(request, f"Final verdict “{verdict.replace('_', ' ')}” recorded for "
                                   f"claim {claim_id}")
    back = form.get("back")
    return Response.redirect(site.claim_path(datasette, claim_id) if back == "claim"
                             else site.path(datasette, "disputes"))
