"""annotator/fast_pipes.py: the stand-ins for the model's lemmatizer and attribute ruler give every
token what the components themselves give (the bundled corpus and the ruler's rarer patterns)."""

import spacy
from conftest import CORPUS
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, NORM, POS, TAG

from annotator import fast_pipes
from annotator.pipeline import resolve_model

ATTRS = [TAG, POS, MORPH, LEMMA, DEP, HEAD, NORM]
# the ruler's patterns of two tokens, of a dependency, of a space; base forms; the same words twice
TEXTS = [
    "I'm gonna tell 'em, let's go: there are some things y'all ain't doin' and we gotta fix it.",
    "But she said it was nothin', and I told you  that you'd been wrong; it wasn't me.",
    "They have run, he runs, she ran, running dogs ran faster than the fastest cats.",
    "Prices rose 4.2 percent in 2019 ,  the agency said.\n",
]


def annotations(nlp, texts):
    return [(d.to_array(ATTRS).tolist(), [(t.lemma_, t.pos_, str(t.morph)) for t in d])
            for d in nlp.pipe(texts)]


def test_same_annotations_as_the_model_components():
    texts = TEXTS + [line for f in sorted(CORPUS.glob("*.txt"))[:8]
                     for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    plain = spacy.load(resolve_model())
    fast = spacy.load(resolve_model())
    fast_pipes.speed_up(fast)
    kinds = {type(p).__name__ for _, p in fast.pipeline}
    assert {"Lemmas", "AttributeRules"} <= kinds
    assert annotations(fast, texts) == annotations(plain, texts)
    # and again, answered from the tables this time
    assert annotations(fast, texts) == annotations(plain, texts)


def test_pipeline_uses_them(nlp):
    kinds = {type(p).__name__ for _, p in nlp.pipeline}
    assert {"Lemmas", "AttributeRules"} <= kinds
    assert [t.lemma_ for t in nlp("She was running.")] == ["she", "be", "run", "."]


def test_tables_stay_bounded_and_give_the_same_answers_when_full(monkeypatch):
    texts = TEXTS + TEXTS
    plain = spacy.load(resolve_model())
    fast = spacy.load(resolve_model())
    fast_pipes.speed_up(fast)
    monkeypatch.setattr(fast_pipes, "TABLE_LIMIT", 5)
    assert annotations(fast, texts) == annotations(plain, texts)
    tables = [p.known for _, p in fast.pipeline if isinstance(p, fast_pipes._StandIn)]
    assert len(tables) == 2 and all(0 < len(t) <= 5 for t in tables)
