"""``annotator sets``: named claim sets, saved filters or fixed lists of claims."""

import click

from .common import db_option, filter_options, open_db, plural, pop_filters, user_name


@click.group()
def sets():
    """Named claim sets: saved filters (re-evaluated at every export) or fixed lists of claims.

    Example:


    \b
        annotator sets create esi --source "European Stability Initiative" -d "ESI claims"

    \b
        annotator export --set esi -o esi.csv
    """


def _matching_ids(db, filters):
    from ..store.queries import claim_rows

    return [row["id"] for row in claim_rows(db, filters, ("id",))]


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
    from ..store import sets as claim_sets

    filters = pop_filters(kwargs)
    db = open_db(db_path)
    if filters and claim_ids:
        raise click.ClickException("give filter options or claim ids, not both")
    if fixed:
        if not filters:
            raise click.ClickException("--fixed stores what the filter options match; give some")
        claim_ids, filters = tuple(_matching_ids(db, filters)), None
    info = claim_sets.create_set(db, name, creator=creator or user_name(),
                     description=description, filters=filters or None, claim_ids=claim_ids)
    click.echo(f"created {info['kind']} set {info['name']!r}: {plural(info['n_claims'], 'claim')}")


@sets.command("list")
@db_option
def sets_list(db_path):
    """List the claim sets with their current number of claims.

    Example:


    \b
        annotator sets list
    """
    from ..store import sets as claim_sets

    rows = claim_sets.list_sets(open_db(db_path))
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

    from ..filters import Filters
    from ..store import sets as claim_sets
    from ..store.queries import claim_rows

    db = open_db(db_path)
    info = claim_sets.get_set(db, name)
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
    from ..store import sets as claim_sets

    filters = pop_filters(kwargs)
    db = open_db(db_path)
    ids = list(claim_ids) + (_matching_ids(db, filters) if filters else [])
    if not ids:
        raise click.ClickException("nothing to add: give claim ids or filter options that match")
    n = claim_sets.add_claims(db, name, ids, by=by or user_name())
    click.echo(f"added {plural(n, 'claim')} to {name!r} ({len(ids) - n} already in it)")


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
    from ..store import sets as claim_sets

    filters = pop_filters(kwargs)
    db = open_db(db_path)
    ids = list(claim_ids) + (_matching_ids(db, filters) if filters else [])
    if not ids:
        raise click.ClickException("nothing to remove: give claim ids or filter options")
    n = claim_sets.remove_claims(db, name, ids)
    click.echo(f"removed {plural(n, 'claim')} from {name!r}")


@sets.command("delete")
@click.argument("name")
@db_option
def sets_delete(name, db_path):
    """Delete a set (its claims and their reviews stay).

    Example:


    \b
        annotator sets delete to-check
    """
    from ..store import sets as claim_sets

    claim_sets.delete_set(open_db(db_path), name)
    click.echo(f"deleted set {name!r}")

