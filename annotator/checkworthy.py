"""How worth checking a claim is: ClaimBuster's cfs/ufs/nfs, a score in [0, 1], Full Fact's type.

Features of the claim (numbers, money, dates, named entities, words of accusation, evaluative
words, first person, predictions, explanations of intent, procedure and naming) give a class and
a score; sorting by score puts the claims a fact-checker would check first. The
``annotator_checkworthy`` component sets ``span._.annotator_checkworthy``,
``span._.annotator_checkworthy_score`` and ``span._.annotator_claim_type``.
"""

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

from spacy.language import Language
from spacy.tokens import Doc, Span

from . import lexicon
from .claims import SPANS_KEY

CLASSES = ("cfs", "ufs", "nfs")
CLAIM_TYPES = (
    "quantity",
    "correlation_causation",
    "laws_rules",
    "prediction",
    "personal_experience",
    "other",
    "not_a_claim",
)
QUANTITY_LABELS = {"CARDINAL", "MONEY", "PERCENT", "QUANTITY"}
TIME_LABELS = {"DATE", "TIME"}
NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW"}
FIRST_PERSON = {"i", "we", "my", "our", "me", "us"}
CAUSAL = {"cause", "because", "lead", "result", "due", "trigger", "prompt", "spark", "blame"}
LAW_WORDS = {"law", "act", "bill", "rule", "regulation", "treaty", "constitution", "legal",
             "illegal", "ban", "ratify", "court", "statute", "decree", "privilege", "libel"}
FUTURE = {"will", "would", "shall", "'ll"}

for _name in ("annotator_checkworthy", "annotator_checkworthy_score", "annotator_claim_type"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


@dataclass
class Features:
    quantities: int = 0
    dates: int = 0
    names: int = 0
    accusation: int = 0
    opinion: int = 0  # weighted evaluative, intention, cognition and obligation words
    first_person: bool = False
    prediction: bool = False
    procedure: bool = False
    method: bool = False  # how a study was done: "the researchers looked at 12 groups"
    description: bool = False  # "X is the main challenger", "Y was a scandal of the 1990s"
    causal: bool = False
    law: bool = False


@Language.factory("annotator_checkworthy", default_config={"spans_key": SPANS_KEY})
def make_checkworthy(nlp: Language, name: str, spans_key: str):
    return CheckworthyTagger(spans_key)


class CheckworthyTagger:
    def __init__(self, spans_key: str = SPANS_KEY):
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        for claim in doc.spans[self.spans_key]:
            f = features(claim)
            stance = claim._.get("annotator_stance") if Span.has_extension("annotator_stance") else None
            cls, score = classify(f, stance)
            claim._.annotator_checkworthy = cls
            claim._.annotator_checkworthy_score = score
            claim._.annotator_claim_type = claim_type(f)
        return doc


TITLE_CUES = {"titled", "entitled", "called", "named", "title", "headlined"}
QUOTES = "\"“”«»"
REFUSALS = {"comment", "elaborate", "respond", "confirm"}  # negated: no statement was made
MEMBERSHIP = {"member", "part", "one", "party", "signatory"}


def _words(tokens: list) -> list:
    """The tokens, less quoted titles (``a report titled "…"``)."""
    out, skipping = [], False
    for i, t in enumerate(tokens):
        if t.text in QUOTES:
            if skipping:
                skipping = False
            elif i > 0 and tokens[i - 1].lower_ in TITLE_CUES:
                skipping = True
            continue
        if not skipping:
            out.append(t)
    return out


VERDICTS = {"guilty", "innocent", "liable"}
VERDICT_VERBS = {"plead", "find", "declare", "rule", "judge", "prove"}
SUBJECTIVE = 0.645  # TextBlob's subjectivity (0 objective … 1 subjective) from which a word is opinion


def _subjective_predicate(t, root) -> int:
    """An evaluative adjective said of something (``the accusations were unbelievable``): 2 when
    it is the claim's main predicate, 1 deeper down, 0 when the word is not evaluative."""
    if t.pos_ != "ADJ" or not (t.dep_ in ("acomp", "oprd") or t.dep_ == "amod" and t.head.dep_ == "attr"
                               or t.dep_ == "conj" and t.head.dep_ == "acomp"):
        return 0
    if _subjectivity().get(t.lower_, 0.0) < SUBJECTIVE:
        return 0
    if t.lower_ in VERDICTS and t.head.lemma_ in VERDICT_VERBS:
        return 0  # "pleaded guilty", "was found not guilty": a court's record, not an opinion
    head = t.head.head if t.dep_ in ("amod", "conj") else t.head
    main = head == root or head.dep_ == "ccomp" and head.head == root
    return 2 if main else 1


@cache
def _subjectivity() -> dict[str, float]:
    """TextBlob's subjectivity lexicon (the Pattern project's 2,900 rated adjective senses),
    averaged over each adjective's senses as TextBlob does; read from its XML without importing
    TextBlob, whose import (NLTK with it) would cost half a second in every worker."""
    spec = importlib.util.find_spec("textblob")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("textblob is not installed: pip install textblob")
    path = Path(next(iter(spec.submodule_search_locations))) / "en" / "en-sentiment.xml"
    senses: dict[str, list[float]] = {}
    for word in ElementTree.parse(path).getroot().findall("word"):
        if word.get("pos") == "JJ":
            senses.setdefault(word.get("form", "").lower(), []).append(float(word.get("subjectivity", 0)))
    return {form: sum(v) / len(v) for form, v in senses.items()}


def features(claim: Span) -> Features:
    f = Features()
    for ent in claim.ents:
        if ent.label_ in QUANTITY_LABELS:
            f.quantities += 1
        elif ent.label_ in TIME_LABELS:
            f.dates += 1
        elif ent.label_ in NAME_LABELS:
            f.names += 1
    tokens = list(claim)
    if not f.quantities:
        f.quantities = sum(1 for t in tokens if t.like_num and t.ent_type_ not in TIME_LABELS)
    words = _words(tokens)
    # each string attribute once per token: spaCy looks them up anew on every access
    lower = [t.lower_ for t in tokens]
    lemma = {t.i: t.lemma_.lower() for t in tokens}
    pos = {t.i: t.pos_ for t in tokens}
    word_lower = {t.lower_ for t in words}
    word_lemmas = {lemma[t.i] for t in words}
    keys = word_lower | word_lemmas
    f.accusation = len(keys & lexicon.words("accusation.txt"))
    weights = lexicon.weights("opinion.tsv")
    for t in words:
        if pos[t.i] == "PROPN" or t.ent_type_ in TIME_LABELS:
            continue  # "in May", "Hope Street": names and dates are not evaluative words
        kind, weight = weights.get(t.lower_) or weights.get(lemma[t.i]) or ("", 0)
        if kind == "cognition":
            # a passive cognition verb states a schedule or a fact ("results are not expected until …")
            if any(c.dep_ == "auxpass" for c in t.children):
                continue
            if pos[t.i] == "VERB" and t.dep_ in ("ROOT", "ccomp"):
                weight += 1  # the claim is about a state of mind: "he hoped …", "officials expect …"
        f.opinion += weight
    root = claim.root
    f.opinion += min(2, max((_subjective_predicate(t, root) for t in words if pos[t.i] == "ADJ"), default=0))
    f.first_person = not word_lower.isdisjoint(FIRST_PERSON)
    f.prediction = any(t.lower_ in FUTURE and t.tag_ == "MD" for t in words)
    procedure = lexicon.grouped("procedure.txt")
    if any(lemma[t.i] in REFUSALS and any(c.dep_ == "neg" for c in t.children) for t in tokens):
        f.procedure = True  # "would not comment", "did not elaborate"
    for n, t in enumerate(tokens):
        # the clause's own verbs: "a list naming cyclists" names no one
        followers = procedure.get(lemma[t.i]) if pos[t.i] == "VERB" and t.dep_ not in ("acl", "relcl") else None
        if followers and ("*" in followers or not followers.isdisjoint(lower[n + 1:])):
            f.procedure = True
            break
    method = lexicon.grouped("method.txt")
    if root.lemma_.lower() in method.get("verb", ()):
        f.method = any(c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in method.get("subject", ())
                       for c in root.children)
    attr = next((c for c in root.children if c.dep_ == "attr"), None)
    if root.lemma_ == "be" and attr is not None and attr.pos_ in ("NOUN", "PROPN"):
        f.description = attr.lemma_.lower() not in MEMBERSHIP
    f.causal = any(lemma[t.i] in CAUSAL and (pos[t.i] == "VERB" or t.lower_ in ("because", "due"))
                   for t in words)
    f.law = bool(keys & LAW_WORDS)
    return f


def classify(f: Features, stance: str | None = None) -> tuple[str, float]:
    """The class and a score: higher for claims a fact-checker should check first."""
    opinion = f.opinion + 2 * f.first_person + 2 * f.prediction
    factual = 2 * f.quantities + f.dates + min(f.names, 3) + 2 * f.accusation
    accuses = stance in ("alleged", "denied")  # accusations and denials are for checking
    if (f.procedure and not f.quantities or f.method) and not f.accusation and opinion < 3:
        cls = "ufs"
    elif accuses and opinion < 3:
        cls = "cfs"
    elif opinion >= 2 or (opinion == 1 and factual <= 2):
        cls = "nfs"
    elif f.description and not f.accusation and not f.quantities:
        cls = "ufs"
    else:
        cls = "cfs"
    strength = min(1.0, 0.1 * factual + (0.15 if stance in ("alleged", "denied") else 0.0))
    base, width = {"cfs": (0.5, 0.5), "ufs": (0.2, 0.3), "nfs": (0.0, 0.2)}[cls]
    return cls, round(base + width * strength, 3)


def claim_type(f: Features) -> str:
    """Full Fact's claim typology, by the strongest feature."""
    if f.first_person:
        return "personal_experience"
    if f.prediction:
        return "prediction"
    if f.quantities:
        return "quantity"
    if f.causal:
        return "correlation_causation"
    if f.law:
        return "laws_rules"
    return "other"
