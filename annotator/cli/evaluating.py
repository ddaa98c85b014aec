"""``eval`` and ``annotator train``: how good the machine is, and training its learned parts."""

import click

from .common import db_option, training_data, training_data_options


@click.command(name="eval")
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

    from .. import evaluate, store
    from ..store import queries

    if sentences:
        if gold or reviews:
            raise click.UsageError("--sentences scores sentences alone: give no GOLD file or --reviews")
        _eval_sentences(sentences, model, as_json)
        return
    if bool(gold) == reviews:
        raise click.UsageError("give a GOLD file, --reviews or --sentences (one of them)")
    db = store.connect(db_path, create=False)
    if reviews:
        gold_rows, pred = evaluate.reviewed_gold(db)
        if not pred:
            raise click.ClickException(f"{db_path}: no reviewed claims yet")
    else:
        gold_rows, pred = evaluate.load_gold(gold), queries.predictions(db)
    results = evaluate.by_document(gold_rows, pred)
    if reviews:  # which check-worthiness model scored the claims: annotator learn's latest, if any
        from ..checkworthy import FEATURES
        from ..store import learned

        latest = learned.current(db, db_path, FEATURES)
        scored_by = latest["name"] if latest else "shipped"
        for figures in results.values():
            figures["checkworthy_model"] = scored_by
    if as_json:
        click.echo(json.dumps(results))
        return
    if reviews:
        click.echo(f"check-worthiness scored by the model: {scored_by}")
    names = list(results)
    width = max(len(n) for n in names)
    click.echo(" " * 24 + "  ".join(n.rjust(width) for n in names))
    for metric in evaluate.METRICS:
        click.echo(metric.ljust(24) + "  ".join(str(results[n][metric]).rjust(width) for n in names))


def _eval_sentences(path, model, as_json):
    import json

    from .. import checkworthy, evaluate, pipeline

    rows = evaluate.load_sentences(path)
    nlp = pipeline.build_nlp(model)
    got = checkworthy.classify_texts(nlp, [r["text"] for r in rows])
    result = evaluate.checkworthy_scores([r["checkworthy"] for r in rows], [c for c, _ in got],
                                         [s for _, s in got])
    click.echo(json.dumps(result) if as_json else evaluate.format_checkworthy(result))


@click.group()
def train():
    """Train the annotator's learned parts."""


@train.command("checkworthy")
@training_data_options
@click.option("--heldout", type=click.Path(dir_okay=False), default="db/claimbuster-heldout.jsonl",
              show_default=True, help="Where to write the held-out ClaimBuster sentences.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Where to write the model (default: the package's models/checkworthy.npz).")
@click.option("--model", default=None, help="spaCy model package (as for extract).")
@click.option("--news", "news_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="News claims labelled as offsets into articles (article, start, end, label, set), "
              "trained on (repeatable; e.g. data/news-labels/train.tsv; the shipped model is trained "
              "without them, see the README).")
@click.option("--news-test", "news_test", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="The same, only measured (repeatable; default: data/news-labels/test.tsv).")
@click.option("--news-tune", "news_tune", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="The same, tuning the prose class biases and calibration with the gold sets and "
              "training the character n-gram model only (repeatable; default, without --news: "
              "data/news-labels/train.tsv).")
@click.option("--news-weight", default=1.0, show_default=True,
              help="Weight of a labelled news claim against a ClaimBuster sentence.")
@click.option("--articles", type=click.Path(file_okay=False), default="../shared/eval/polnear",
              show_default=True, help="Where the labelled news claims' articles are (NAME.txt, here "
              "or in train/ or dev/); without it they are left out.")
def train_checkworthy(data, gold_files, gold_weight, heldout, output, model, news_files, news_test,
                      news_tune, news_weight, articles):
    """Train the check-worthiness model and measure it, with a baseline, in the same run.

    A fixed fifth of the ClaimBuster sentences is held out and written to --heldout, for
    'annotator eval --sentences'. News claims labelled as offsets (--news-test, by default
    data/news-labels/test.tsv) are measured, read in their articles (--articles); those of
    --news-tune (by default data/news-labels/train.tsv) tune the class biases and the calibration
    of the score for prose, and train the character n-gram model (not the words-and-parse one). Deterministic: the same data gives the same model.

    Example:

    \b
        annotator train checkworthy --data ../shared/eval/claimbuster
        annotator train checkworthy --news data/news-labels/train.tsv -o /tmp/news.npz
    """
    from pathlib import Path

    from .. import checkworthy, pipeline
    from ..news_labels import examples
    from ..train import train_checkworthy as run

    claimbuster, gold = training_data(data, gold_files)
    target = Path(output) if output else Path(checkworthy.__file__).parent / "models" / checkworthy.MODEL_FILE
    nlp = pipeline.build_nlp(model)

    def labelled(files, default, weight):
        paths = [Path(f) for f in files] or [p for p in (Path(default),) if default and p.is_file()]
        return examples(nlp, Path(articles), paths, weight, click.echo)

    run(nlp, claimbuster, gold, target, Path(heldout), gold_weight, echo=click.echo,
        extra=labelled(news_files, "", news_weight),
        measured=labelled(news_test, "data/news-labels/test.tsv", 1.0),
        tuning=labelled(news_tune, "" if news_files else "data/news-labels/train.tsv", 1.0))



@train.command("attribution")
@click.option("--data", type=click.Path(exists=True, file_okay=False), default="../shared/eval/polnear/train",
              show_default=True, help="Folder of NAME.txt articles with NAME.ann attributions (BRAT standoff, "
              "as PolNeAR's train split).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Where to write the model (default: the package's models/attribution.npz).")
@click.option("--model", default=None, help="spaCy model package (as for extract).")
def train_attribution(data, output, model):
    """Train the attribution model: it finds a cue for claims the rules leave without a source,
    and scores the rules' own attributions (replacing or dropping the unlikely ones).

    A fixed fifth of the articles is held out; the run prints on it the rules alone and the rules
    with the model. Deterministic: the same data gives the same model (about 6 minutes on
    PolNeAR train).

    Example:

    \b
        annotator train attribution --data ../shared/eval/polnear/train
    """
    from pathlib import Path

    import spacy

    from .. import attribution_model, pipeline
    from ..train_attribution import train_attribution as run

    target = Path(output) if output else Path(attribution_model.__file__).parent / "models" / attribution_model.MODEL_FILE
    nlp = spacy.load(pipeline.resolve_model(model))
    nlp.add_pipe("annotator_claims")
    nlp.add_pipe("annotator_attribution", config={"learned": False})
    try:
        run(nlp, Path(data), target, echo=click.echo)
    except ValueError as e:
        raise click.ClickException(str(e)) from None
