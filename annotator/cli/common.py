"""What the commands share: the database option, opening it, the filter options, small words."""

import click

from .. import labels

DEFAULT_DB = "db/claims.db"
db_option = click.option(
    "--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
    help="SQLite database file.",
)



def open_db(db_path):
    from .. import store

    return store.connect(db_path, create=False)


def user_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "unknown"


def plural(n: int, word: str) -> str:
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


def pop_filters(kwargs):
    """Pop the filter options out of a command's keyword arguments into a Filters."""
    from ..filters import Filters

    return Filters.from_dict({k: kwargs.pop(k) for k in FILTER_KEYS})


# The gold files the check-worthiness model trains on by default (those that exist), each a gold set:
# the guide's seed and dev gold, the blind-annotated extra sets, the encyclopedia claims labelled blind.
DEFAULT_GOLD = ("../shared/eval/gold-seed.jsonl", "../shared/eval/dev/gold.jsonl",
                "tests/fixtures/extra-eval*/gold.jsonl", "data/encyclopedia-labels/enc-*.jsonl")


def training_data_options(f):
    """``--data``, ``--gold`` and ``--gold-weight``: what the check-worthiness model is trained on
    (``train checkworthy``, ``learn``); read them with :func:`training_data`."""
    f = click.option("--gold-weight", default=3.0, show_default=True,
                     help="Weight of a gold (or reviewed) claim against a ClaimBuster sentence.")(f)
    f = click.option("--gold", "gold_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
                     help="Gold files in the guide's format whose claims are trained on too (repeatable; "
                     "default: the guide's seed and dev gold, tests/fixtures/extra-eval*/gold.jsonl and "
                     "data/encyclopedia-labels/enc-*.jsonl).")(f)
    return click.option("--data", type=click.Path(exists=True, file_okay=False),
                        default="../shared/eval/claimbuster", show_default=True,
                        help="Folder with ClaimBuster's train.jsonl.")(f)


def training_data(data: str, gold_files: tuple[str, ...]):
    """ClaimBuster's ``train.jsonl`` in ``data``, and the gold files (the defaults that exist)."""
    import glob
    from pathlib import Path

    claimbuster = Path(data) / "train.jsonl"
    if not claimbuster.is_file():
        raise click.ClickException(f"{data}: no train.jsonl (ClaimBuster's labelled sentences) in it")
    names = gold_files or [p for pattern in DEFAULT_GOLD for p in sorted(glob.glob(pattern))]
    return claimbuster, [Path(g) for g in names]
