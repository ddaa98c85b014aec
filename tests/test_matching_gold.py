"""The matcher on the development gold: PolNeAR sentence pairs judged by hand
(tests/fixtures/matching-gold/SOURCES.md). Skips when ../shared is absent."""

import csv
import functools
import re
from collections import Counter
from pathlib import Path

import pytest

from annotator.first_person import role_sources, said_by
from annotator.match_structure import predicates
from annotator.matching import compare, features, idf

ROOT = Path(__file__).resolve().parent.parent
POLNEAR = ROOT.parent / "shared" / "eval" / "polnear"
PAIRS = Path(__file__).resolve().parent / "fixtures" / "matching-gold" / "pairs.tsv"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not POLNEAR.is_dir(), reason=f"{POLNEAR} is absent"),
]


SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")


def corpus_weight():
    """Inverse document frequencies of the match words over every sentence of PolNeAR train and
    dev, as a database holding those articles would have them."""
    df: Counter = Counter()
    n = 0
    for path in sorted(POLNEAR.glob("*/*.txt")):
        for m in SENTENCE.finditer(path.read_text(encoding="utf-8")):
            df.update(features(m.group(0)).keys())
            n += 1
    return idf(df, n)


def judged_pairs(nlp, pairs: Path) -> tuple[list[dict], list]:
    """The rows of a file of judged pairs (article, start and end of each side), and the match
    features of each side, in order: a, b of the first row, then of the next."""
    rows = list(csv.DictReader(pairs.open(encoding="utf-8"), delimiter="\t"))
    texts: dict[str, str] = {}
    spans = []
    for r in rows:
        for side in ("a", "b"):
            article = r[f"article_{side}"]
            if article not in texts:
                texts[article] = (POLNEAR / article).read_text(encoding="utf-8")
            spans.append(texts[article][int(r[f"start_{side}"]):int(r[f"end_{side}"])])
    assert all(s.strip() for s in spans)
    found = [features(doc.text, [(e.text, e.label_) for e in doc.ents], predicates(doc[:]))
             for doc in nlp.pipe(spans, batch_size=64)]
    places = [(r[f"article_{side}"], int(r[f"start_{side}"])) for r in rows for side in ("a", "b")]
    return rows, [said_by(f, *source_of(texts[article], start)) if first_person(f) else f
                  for f, (article, start) in zip(found, places)]


def first_person(f) -> bool:
    return any(s in ("i", "we") for _p, s in f.subjects)


@functools.cache
def _annotated(text: str) -> list[tuple[int, int, tuple[str | None, str | None, str | None]]]:
    """(start, end, the source each claim speaks for) of the claims the annotator finds in an
    article, as a database of the article holds them (a definite role noun read as the person
    named just before it: first_person.role_sources, as store.relations reads them)."""
    from annotator import corpus, pipeline

    document = corpus.Document("t.txt", "t.txt", text, "0", len(text), "utf-8")
    result = next(pipeline.process(_annotator(), [document]))
    persons: dict[str, list[str]] = {}
    for m in result.mentions:
        if m["label"] == "PERSON":
            persons.setdefault(m["claim_id"], []).append(m["text"])
    rows = sorted(result.claims, key=lambda r: r["start"])
    spoken = role_sources([(r["paragraph_index"], r["source"], r["source_canonical"], r["source_label"],
                            persons.get(r["id"], [])) for r in rows])
    return [(r["start"], r["end"], said) for r, said in zip(rows, spoken)]


@functools.cache
def _annotator():
    from annotator.pipeline import build_nlp

    return build_nlp()


def source_of(text: str, start: int) -> tuple[str | None, str | None, str | None]:
    """The source the claim at ``start`` of an article speaks for (its canonical name and label),
    as a database of the article holds it: what a first-person subject stands for."""
    for claim_start, end, said in _annotated(text):
        if claim_start <= start < end:
            return said
    return None, None, None


def score(nlp, weight=None) -> dict:
    """Recall of same and contradicts, the share of non-matches called same, and the confusion."""
    rows, found = judged_pairs(nlp, PAIRS)
    confusion: Counter = Counter()
    for i, r in enumerate(rows):
        predicted, _ = compare(found[2 * i], found[2 * i + 1], weight)
        confusion[(r["label"], predicted or "none")] += 1
    gold = Counter(r["label"] for r in rows)
    return {
        "same_recall": confusion[("same", "same")] / gold["same"],
        "contradicts_recall": confusion[("contradicts", "contradicts")] / gold["contradicts"],
        "none_called_same": confusion[("none", "same")] / gold["none"],
        "confusion": dict(confusion),
    }


@pytest.fixture(scope="module")
def ner():
    import spacy

    from annotator.pipeline import resolve_model

    return spacy.load(resolve_model(None))  # the parse too: match_structure reads it


def test_matching_gold_targets(ner):
    result = score(ner, corpus_weight())
    print(result)
    assert result["same_recall"] >= 0.80, result
    # The issue asks for 0.50. Two of the seven `contradicts` pairs were relabelled `none` by two
    # independent judges (SOURCES.md); of the five left the matcher finds three: Clinton's "I ...
    # did not send classified material" is found since its source, "The presidential candidate",
    # is read as the one person the claim before it names (first_person.role_sources).
    assert result["contradicts_recall"] >= 0.60, result
    assert result["confusion"].get(("none", "contradicts"), 0) == 0, result
    assert result["none_called_same"] < 0.10, result


def test_gold_pairs_are_the_selected_candidates():
    """pairs.tsv holds select.py's candidates (and the grep-found `topic` pairs), in order."""
    candidates = list(csv.DictReader((PAIRS.parent / "candidates.tsv").open(encoding="utf-8"), delimiter="\t"))
    judged = [r for r in csv.DictReader(PAIRS.open(encoding="utf-8"), delimiter="\t") if r["stratum"] != "topic"]
    assert [{k: r[k] for k in candidates[0]} for r in judged] == candidates[:len(judged)]
    assert {r["label"] for r in judged} <= {"same", "contradicts", "none"}
