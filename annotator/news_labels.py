"""Check-worthiness labels of news claims given as offsets, read against the articles they point into.

A labels file is tab-separated with a header: ``article`` (a file stem), ``start`` and ``end``
(character offsets of the claim in the article, as ``annotator extract`` stores them), ``label``
(``cfs``, ``ufs`` or ``nfs``) and ``set`` (the name the training run reports it under). The
repository holds only these offsets (``data/news-labels/``): the articles (PolNeAR's, in
``../shared/eval/polnear/{train,dev}``) are read at training time. Each article is segmented and
parsed as ``annotator extract`` parses it, and a labelled claim is read as the claim of the
pipeline's own parse at those offsets, in its paragraph, with its source, cue and stance: as it is
scored at extract.
"""

import csv
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Span

from . import checkworthy, checkworthy_features, corpus, pipeline, structure
from .claims import SPANS_KEY
from .labels import CHECKWORTHY
from .train import Example

COLUMNS = ("article", "start", "end", "label", "set")


@dataclass(frozen=True)
class Label:
    article: str
    start: int
    end: int
    label: str
    set: str


def read_labels(path: Path) -> list[Label]:
    """The labels of a file (see the module's docstring); a wrong column or class is an error."""
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path}: the columns must be {', '.join(COLUMNS)}")
        out = [Label(r["article"], int(r["start"]), int(r["end"]), r["label"], r["set"]) for r in reader]
    wrong = sorted({lab.label for lab in out} - set(CHECKWORTHY))
    if wrong:
        raise ValueError(f"{path}: not a check-worthiness class: {', '.join(wrong)}")
    return out


def article_path(articles: Path, article: str) -> Path | None:
    """The article's text in ``articles`` or one of its ``train`` and ``dev`` folders."""
    for folder in (articles, articles / "train", articles / "dev"):
        if (folder / f"{article}.txt").is_file():
            return folder / f"{article}.txt"
    return None


def claim_features(nlp: Language, articles: Path, labels: Sequence[Label]) -> list[np.ndarray | None]:
    """The check-worthiness features of each labelled claim, read in its article as extract reads
    it; where the pipeline no longer makes a claim of those offsets (its claims changed since
    they were labelled), the words there in the paragraph that holds most of them, given the
    attribution of the claim that covers most of them; ``None`` when the article is missing."""
    wanted: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for lab in labels:
        wanted[lab.article].append((lab.start, lab.end))
    documents = []
    for article in sorted(wanted):
        path = article_path(articles, article)
        document = corpus.read_document(path, path.name) if path else None
        if isinstance(document, corpus.Document):
            documents.append((article, document))
    blocks = pipeline.segment_many([d.text for _, d in documents], pipeline.finite_verb_checker(nlp))
    parts = [(article, p) for (article, _), bs in zip(documents, blocks)
             for b in bs if b.kind == structure.PARAGRAPH for p in pipeline.pieces(b)]
    skip = [name for name in nlp.pipe_names if name == "annotator_checkworthy"]
    # each claim's features and how many of its characters they read (the pipeline's claim: all)
    found: dict[tuple[str, int, int], tuple[int, np.ndarray]] = {}
    for doc, (article, part) in zip(nlp.pipe([p.text for _, p in parts], disable=skip), parts):
        claims = {(part.start + c.start_char, part.start + c.end_char): c for c in doc.spans[SPANS_KEY]}
        chosen: dict[tuple[str, int, int], tuple[int, Span]] = {}
        for start, end in wanted[article]:
            cover = min(end, part.end) - max(start, part.start)
            if (start, end) in claims:
                chosen[(article, start, end)] = (end - start + 1, claims[(start, end)])
            elif cover > found.get((article, start, end), (0,))[0]:
                span = doc.char_span(max(start, part.start) - part.start, min(end, part.end) - part.start,
                                     alignment_mode="expand")
                if span is not None and len(span):
                    chosen[(article, start, end)] = (cover, checkworthy.as_claim(span))
        features = checkworthy_features.claim_features([span for _, span in chosen.values()])
        found.update({key: (cover, ids) for (key, (cover, _)), ids in zip(chosen.items(), features)})
        doc.user_data.clear()  # see pipeline._Parsing.add: the components' spans hold the Doc
    return [found[key][1] if key in found else None for key in ((lab.article, lab.start, lab.end) for lab in labels)]


def examples(nlp: Language, articles: Path, paths: Sequence[Path], weight: float,
             echo: Callable[[str], None] = print) -> list[Example]:
    """The labelled claims of ``paths`` as training examples, each group named by its ``set``; none
    (said so) when ``articles`` is not there to read them in."""
    labels = [lab for path in paths for lab in read_labels(path)]
    if not labels:
        return []
    if not articles.is_dir():
        echo(f"{articles} is not there: the {len(labels)} news claims labelled in "
             f"{', '.join(map(str, paths))} are left out")
        return []
    features = claim_features(nlp, articles, labels)
    missing = sum(f is None for f in features)
    if missing:
        echo(f"{missing} labelled news claims left out: their articles are not in {articles}")
    texts: dict[str, str] = {}
    out = []
    for lab, ids in zip(labels, features):
        if ids is not None:
            path = article_path(articles, lab.article)
            text = texts.setdefault(lab.article, path.read_text(encoding="utf-8") if path else "")
            out.append(Example(text[lab.start:lab.end], lab.label, lab.set, weight, ids))
    return out
