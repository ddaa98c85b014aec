"""The team-review commands of ``annotator``: ``assign``, ``agreement`` and ``learn``."""

import json

import click

from .common import db_option, open_db, training_data, training_data_options, user_name


def _set_claims(db, name: str | None) -> set[str] | None:
    """The ids of the current claims of claim set ``name`` (None: no set given)."""
    from .. import export

    if name is None:
        return None
    return {r["id"] for r in export.claim_rows(db, export.Filters(sets=(name,)), ("id",))}


@click.command()
@db_option
@click.option("--set", "set_name", required=True, metavar="NAME",
              help="The claim set whose claims to assign (see 'annotator sets').")
@click.option("--reviewer", "reviewers", multiple=True, required=True, metavar="NAME",
              help="A reviewer to assign them to; repeat for each (two for double review).")
@click.option("--blind", is_flag=True,
              help="Each reviewer sees no other reviewer's verdict of a claim until they have "
                   "given theirs.")
def assign(db_path, set_name, reviewers, blind):
    """Assign the claims of a set to reviewers: each one's review queue shows their claims.

    Assigning again updates the blind setting; nothing already reviewed changes.

    \b
    Example:
        annotator assign --set budget --reviewer alice --reviewer bob --blind
    """
    from ..store import team

    db = open_db(db_path)
    ids = sorted(_set_claims(db, set_name) or ())
    if not ids:
        raise click.ClickException(f"claim set {set_name!r} has no current claims to assign")
    team.assign(db, ids, list(dict.fromkeys(reviewers)), blind=blind, by=user_name())
    click.echo(f"{len(ids)} claims of {set_name} assigned to {', '.join(dict.fromkeys(reviewers))}"
               f"{' (blind)' if blind else ''}")


@click.command()
@db_option
@click.option("--set", "set_name", default=None, metavar="NAME",
              help="Only the claims of this claim set.")
@click.option("--json", "as_json", is_flag=True, help="Write the figures as JSON.")
def agreement(db_path, set_name, as_json):
    """How far reviewers agree, per field, on the claims two or more of them reviewed.

    Raw agreement, Cohen's kappa (two reviewers) and Krippendorff's alpha (nominal), and the
    claims they disagree on.

    \b
    Example:
        annotator agreement --set budget --json
    """
    from ..agreement import agreement as measure

    db = open_db(db_path)
    found = measure(db, _set_claims(db, set_name))
    if as_json:
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return

    def fmt(x):
        return "-" if x is None else f"{x:.2f}"

    click.echo(f"{'field':<12} {'claims':>6} {'agreement':>9} {'kappa':>6} {'alpha':>6}")
    for field, f in found.items():
        click.echo(f"{field:<12} {f['claims']:>6} {fmt(f['agreement']):>9} {fmt(f['kappa']):>6}"
                   f" {fmt(f['alpha']):>6}")
    for field, f in found.items():
        for d in f["disagreements"]:
            given = ", ".join(f"{r}: {v or '(none)'}" for r, v in sorted(d["values"].items()))
            click.echo(f"{field} differs on {d['claim_id']}: {given}")


@click.command()
@db_option
@training_data_options
@click.option("--review-weight", type=float, default=None,
              help="Weight of a reviewed claim against a ClaimBuster sentence (default: --gold-weight).")
@click.option("--force", is_flag=True, help="Use the new model even if it is worse beyond noise.")
@click.option("--model", default=None, help="spaCy model package (as for extract).")
def learn(db_path, data, gold_files, gold_weight, review_weight, force, model):
    """Retrain check-worthiness on the shipped training data plus this database's reviews.

    A 'not_a_claim' verdict and a corrected check-worthiness are labels (a verdict without a
    correction keeps the machine's class). The model is stored beside the database as a new
    version; about 30% of the reviewed documents are held out, and the model in use and the new
    one are compared on them and on ClaimBuster's held-out sentences (texts nobody reviewed). If
    the new model is not worse beyond noise on either (or with --force), it re-scores the stored
    claims now and scores those of the next extract; else it is kept unused and the command fails.

    \b
    Example:
        annotator learn --db db/claims.db
    """
    from .. import pipeline
    from ..learn import learn as run

    claimbuster, gold = training_data(data, gold_files)
    db = open_db(db_path)
    nlp = pipeline.build_nlp(model)
    run(db, db_path, nlp, claimbuster, gold, gold_weight, review_weight, force, echo=click.echo)
