"""``export`` and ``import-reviews``: claims out to files, and reviews back in from a spreadsheet."""

import dataclasses
import json
import signal
import sys

import click

from .common import db_option, filter_options, open_db, plural, pop_filters, user_name


@click.command()
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
    import io

    from .. import export as exporting

    if fmt == "claimreview" and not (org or "").strip():
        raise click.ClickException(
            "ClaimReview names the organisation that publishes the reviews: add --org "
            "\"Your Fact Check\" (and --org-url), or set ANNOTATOR_ORG")
    filters = pop_filters(kwargs)
    db = open_db(db_path)
    if all_reviews:
        return _export_reviews(db, filters, fmt, output, excel, not no_formula_guard)
    if fmt == "claimreview":
        filters = dataclasses.replace(filters, reviewed=True)
    columns = exporting.CLAIMREVIEW_COLUMNS if fmt == "claimreview" else exporting.COLUMNS
    # bad filter values fail here, before an output file is opened; CSV runs its own query
    if fmt == "csv":
        exporting.export_query(db, filters, columns)
    else:
        rows = exporting.claim_rows(db, filters, columns)

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


def _export_reviews(db, filters, fmt, output, excel, formula_guard):
    """``export --all-reviews``: every review of the claims passing ``filters``."""
    from .. import export as exporting
    from ..store import team

    if fmt == "claimreview":
        raise click.ClickException("--all-reviews writes CSV or JSON Lines, not ClaimReview "
                                   "(which has one final review per claim)")
    ids = {r["id"] for r in exporting.claim_rows(db, filters, ("id",))} if filters else None
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


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)



@click.command("import-reviews")
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
    from ..reviews_import import import_reviews as importing

    result = importing(open_db(db_path), path, reviewer=reviewer or user_name())
    click.echo(f"{plural(len(result.reviews), 'review')} recorded from {path} "
               f"({result.n_unchanged} of {result.n_rows} rows unchanged)")

