"""``serve`` and ``annotator reviewers``: the review server and its reviewer accounts."""

import sys

import click

from .common import db_option, open_db

reviewers_file_option = click.option(
    "--reviewers-file", "reviewers_path", type=click.Path(dir_okay=False), default=None,
    help="Reviewer accounts file  [default: next to the database, e.g. db/claims.reviewers.json]",
)


def _reviewers_path(db_path, reviewers_path):
    from ..review import accounts

    return reviewers_path or str(accounts.default_path(db_path))




@click.command()
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
    import io
    import json
    import os

    from datasette.cli import serve as datasette_serve

    from ..review import config

    server = config.prepare(db_path, _reviewers_path(db_path, reviewers_path), host, port,
                            local_user, public_read)
    for line in server.greeting:
        click.echo(line)
    ctx = click.get_current_context()
    # No suggested facets: Datasette tries one per column, up to 50 ms each, on every table page
    # (three seconds over a million claims); the shipped metadata names the facets worth having.
    # DATASETTE_SECRET signs the session cookies; without it each start makes a new secret,
    # which signs everybody out.
    ctx.invoke(datasette_serve, files=[db_path], host=host, port=port,
               metadata=io.StringIO(json.dumps(server.metadata)), settings=(("suggest_facets", False),),
               secret=os.environ.get("DATASETTE_SECRET") or None)


@click.group()
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
    from ..review import accounts

    path = _reviewers_path(db_path, reviewers_path)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    new = accounts.add(path, name, password)
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
    from ..review import accounts

    path = _reviewers_path(db_path, reviewers_path)
    team = accounts.load(path)
    if not team:
        click.echo(f"No reviewer accounts in {path}", err=True)
    for name in sorted(team):
        click.echo(f"{name}\tadded {team[name].get('added') or '?'}")


@reviewers.command("set")
@click.argument("name")
@db_option
@click.option("--blind/--not-blind", required=True,
              help="Review every claim blind: no one else's verdict, note or correction of a claim, "
                   "nor its final verdict, shows until they have given their own.")
def reviewers_set(name, db_path, blind):
    """Set how a reviewer reviews (kept in the database; it applies at once).

    Example:


    \b
        annotator reviewers set alice --blind --db db/claims.db
    """
    from ..store import team

    db = open_db(db_path)
    team.set_blind(db, name, blind)
    db.close()
    click.echo(f"{name} reviews {'blind' if blind else 'seeing the other reviews'}")


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
    from ..review import accounts

    path = _reviewers_path(db_path, reviewers_path)
    accounts.load(path)
    if not accounts.remove(path, name):
        raise click.ClickException(f"no reviewer named {name!r} in {path}")
    click.echo(f"Removed reviewer {name} from {path}; their reviews stay")

