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

This module holds the Datasette hooks; the pages and forms are in :mod:`.views`, the data they
show in :mod:`.pages` (read through :mod:`annotator.store.queries`), and what they share (the
addresses, the configured database, who may read and write) in :mod:`.site`.
"""

from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import BadRequest, Response
from markupsafe import Markup

from .. import store
from . import access, claims_table, csv_guard, errors, facets, querystrings, signin, site, views
from .site import CLAIM, POST_PATHS, STATIC

# --- hooks -------------------------------------------------------------------------------------


@hookimpl(tryfirst=True)  # first, so that /-/login is ours even beside datasette-auth-passwords
def register_routes():
    from . import team_views

    return [
        (r"^/-/annotator/agreement$", team_views.agreement_page),
        (r"^/-/annotator/disputes$", team_views.disputes_page),
        (rf"^/-/annotator/{CLAIM}/adjudicate$", team_views.adjudicate_post),
        (r"^/-/annotator/queue$", views.queue_page),
        (r"^/-/annotator/next$", views.next_page),
        (rf"^/-/annotator/{CLAIM}$", views.claim_page),
        (rf"^/-/annotator/{CLAIM}/review$", views.review_post),
        (rf"^/-/annotator/{CLAIM}/evidence$", views.evidence_post),
        (rf"^/-/annotator/{CLAIM}/sets$", views.sets_post),
        (r"^/-/annotator/sets$", views.sets_page),
        (r"^/-/annotator/contradictions$", views.contradictions_page),
        (r"^/-/annotator/export\.csv$", views.export_csv),
        (r"^/-/annotator/sign-in$", signin.sign_in),
        (r"^/-/login$", signin.login),
        (r"^/-/password-tool$", signin.no_password_tool),
    ]


@hookimpl
def permission_allowed(datasette, actor, action, resource):
    """With private reads, nothing is read by anyone but a current reviewer."""
    if action in access.READ_ACTIONS and not access.may_read(site.config(datasette), actor):
        return False
    return None


@hookimpl
def forbidden(datasette, request, message):
    """A visitor who may not read a page is sent to sign in, and back to the page afterwards."""
    config = site.config(datasette)
    if (request.method == "GET" and not request.path.endswith((".json", ".csv", "/sign-in"))
            and access.reads_are_private(config) and access.reviewer(config, request.actor) is None):
        return Response.redirect(
            datasette.urls.path("/-/login") + "?" + urlencode({"next": request.full_path}))
    return None


@hookimpl
def menu_links(datasette, actor):
    if actor is None and access.team(site.config(datasette)):
        return [{"href": datasette.urls.path("/-/login"), "label": "Sign in"}]
    return None


@hookimpl
def asgi_wrapper(datasette):
    if not site.config(datasette):  # a Datasette that 'annotator serve' did not configure
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
    store.wait_for_locks(conn)


@hookimpl
def startup(datasette):
    errors.quiet_tracebacks()
    name = site.config(datasette).get("database")
    if name and name not in datasette.databases:
        raise ValueError(f"annotator: the configured database {name!r} is not open")


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.static_plugins(STATIC, "review.css")]


@hookimpl
def table_actions(datasette, database, table, request):
    if table not in ("claims", "claim_verdicts"):
        return None
    configured = site.config(datasette).get("database")
    if configured and configured != database:
        return None
    args = request.args if request else {}
    filters = querystrings.filters_from_table_args(args)
    download, unmapped = querystrings.export_args_from_table_args(
        {name: (args.getlist(name) if hasattr(args, "getlist") else [args[name]]) for name in args})
    if unmapped:
        label = f"Download claims as CSV (without the filter {', '.join(unmapped)})"
    else:
        label = "Download these claims as CSV" if download else "Download all claims as CSV"
    return [{
        "href": datasette.urls.path("/-/annotator/next") + querystrings.query_string(filters),
        "label": "Review the next unreviewed claim" + (" of these" if filters else ""),
    }, {
        "href": datasette.urls.path("/-/annotator/export.csv") + querystrings.export_query_string(download),
        "label": label,
    }]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    configured = site.config(datasette).get("database")
    if configured and configured != database or not isinstance(value, str):
        return None
    if table == "claims" and column == "text" and row is not None and "id" in row.keys():  # noqa: SIM118 (a sqlite3.Row)
        return Markup('<a class="annotator-review-link" href="{}" title="Review this claim">{}</a>').format(
            site.claim_path(datasette, row["id"]), value)
    if (table == "claim_verdicts" and column == "id") or (table is None and column == "review"):
        return Markup('<a class="annotator-review-link" href="{}" title="Review this claim">{}</a>').format(
            site.claim_path(datasette, value), value)
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
    if access.reviewer(site.config(datasette), actor) is None:
        return None
    if action in ROOT_ONLY or (action == "view-database" and resource == "_internal"):
        return False
    return None


@hookimpl
def extra_template_vars(view_name, database, table, datasette):
    configured = site.config(datasette).get("database")
    if view_name != "table" or table != "claims" or (configured and configured != database):
        return None

    async def arrange(columns, rows):
        return await claims_table.arrange(datasette.get_database(database), columns, rows)

    return {"annotator_claims_table": arrange}
