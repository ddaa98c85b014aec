"""A learned model of attribution over the rules' decisions and the other candidate cues.

The dependency rules (``attribution.py``) are precise but narrow: on a news corpus they leave
about one reported statement in six with no source (``Trump tweeted in the early morning hours
that …``, ``…, accusing her of …``, ``leaked documents show he took …``), and about one
attributed claim in ten has a source no annotator gave it. This module scores candidate
attributions of a claim with a linear model over their parse: the words of its sentence whose
lemma was seen as a cue in training (``Model.lemmas``; lemma, tag, dependency, head, how it
relates to the claim's root, where it stands, its subject, quotation marks, the rules' cue
lexicon), and the rules' own attribution (the same features, marked as the rules', and what its
source phrase is like). For a claim the rules left without a source, the best candidate is taken
when it clears ``Model.threshold``; for one they attributed, another candidate replaces theirs
when it scores higher and clears ``Model.switch``, and their attribution is dropped when it
scores below ``Model.veto``, except where the guide asks for what PolNeAR annotates otherwise
(:func:`guide_only`). The source is the cue's subject or agent, found by the rules' own helpers
(a participle or an infinitive speaks for the subject of the verb it hangs on).

The weights come from ``annotator train attribution`` (PolNeAR train; see README) and ship as
``models/attribution.npz``, read without pickle. Scoring costs a dictionary look-up per word and a
few dozen array reads per candidate.
"""

import json
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from spacy.strings import hash_string  # type: ignore[attr-defined]  # not in spaCy's stubs
from spacy.tokens import Span, Token

from . import attribution as rules
from . import cues, lexicon, models
from .claims import text_of
from .quotations import quotation_spans

MODEL_FILE = "attribution.npz"
N_FEATURES = 2**18
CANDIDATE_POS = ("VERB", "NOUN", "ADJ")
# one step up from a subjectless cue to the verb whose subject speaks: "tried …, accusing her of",
# "appeared to suggest", "refuses to … explain"
_UP = ("xcomp", "advcl", "conj", "acl", "pcomp")
REPORTED = lexicon.Cue("", "reported", frozenset({"clause"}), "VERB")


class ModelError(ValueError):
    pass


@dataclass
class Candidate:
    cue: Token
    source: Span
    features: list[str]
    in_guide: bool  # a cue of the whole claim in the guide's scheme


def _source(token: Token) -> Span | None:
    """The speaker of ``token`` read as a cue: its subject, the agent of a passive, the object of
    ``according to``, else the subject of the verb a subjectless participle or infinitive hangs on."""
    if token.lower_ == "according":
        to = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
        head = to if to is not None and to.lower_ == "to" else token
        obj = next((c for c in head.children if c.dep_ == "pobj"), None)
        return cues.span_of(obj) if obj is not None else None
    if any(c.dep_ == "auxpass" for c in token.children):
        agent = next((c for c in token.children if c.dep_ == "agent"), None)
        by = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        return cues.span_of(by) if by is not None else None
    node = token
    for _ in range(3):
        subj = cues.subject_of(node)
        if subj is not None:
            if subj.is_punct or subj.pos_ in ("VERB", "AUX") and not subj.is_title:
                return None
            return cues.span_of(subj)
        if node.dep_ not in _UP or node.head is node:
            return None
        if node.dep_ in ("acl", "pcomp"):  # "a statement saying", "by saying": the clause's verb
            node = node.head.head if node.head.dep_ in ("dobj", "prep", "pobj") else node.head
        else:
            node = node.head
    return None


def guide_cue(token: Token) -> bool:
    """Whether ``token`` may be a cue in the guide's scheme: a word of speech or cognition of the
    rules' lexicon (``according to`` too) in that sense, and not making a request. PolNeAR also attributes requests and acts (``called for patience``, ``warned citizens to
    take precautions``, ``published a report``); the guide does not, and the guide wins."""
    if token.lower_ == "according":
        return True
    cue = cues.lookup(token)
    if cue is None:
        return False
    sense = cues.OTHER_SENSE.get(token.lemma_)
    if sense and any(c.dep_ in ("prep", "dative") and c.lower_ == sense for c in token.children):
        return False
    return not _request(token)


def _request(token: Token) -> bool:
    """A request rather than a statement: ``called for …``, ``called on X to …``, ``warned their
    citizens to take …``, ``asked X to …``."""
    for c in token.children:
        if c.dep_ == "prep" and c.lower_ in ("for", "on", "upon") and c.i == token.i + 1:
            return True
        if c.dep_ == "xcomp" and c.i > token.i and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children):
            return True
    return False


def _relation(token: Token, root: Token) -> str:
    if token is root:
        return "root"
    if root.head is token:
        return "head"
    if token.is_ancestor(root):
        return "anc"
    if root.is_ancestor(token):
        return "desc"
    return "other"


def _sets_off_claim(token: Token) -> bool:
    """A cue inside the claim, below its root, that attributes the whole claim (``As experts have
    pointed out, …``, ``…, he said, …``), not only a part of it: a relative clause (``X, who has
    argued …, welcomed …``), a participle (``…, accusing her of …``) or a concessive clause
    (``Although X has admitted …, …``) attribute their own words; the claim is the document's."""
    if token.dep_ == "parataxis":
        return True
    return token.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in token.children)


def _bucket(n: int) -> str:
    return str(n) if n < 4 else "4-7" if n < 8 else "8-15" if n < 16 else "16+"


def _features(t: Token, source: Span, claim: Span, quotes: Sequence[tuple[int, int]]) -> list[str]:
    """Parse features of ``t`` read as ``claim``'s cue with ``source`` as its speaker."""
    doc = claim.doc
    root = claim.root
    lemma = t.lemma_.lower()
    rel = _relation(t, root)
    inq = any(a < t.idx < b for a, b in quotes)
    where = "in" if claim.start <= t.i < claim.end else "before" if t.i < claim.start else "after"
    dist = _bucket(claim.start - t.i if t.i < claim.start else max(0, t.i - claim.end + 1))
    cue = cues.lookup(t)
    s = source.root
    src_where = "in" if claim.start <= s.i < claim.end else "out"
    f = [
        "bias", f"l={lemma}", f"ld={lemma}|{t.dep_}", f"lt={lemma}|{t.tag_}", f"d={t.dep_}",
        f"t={t.tag_}", f"hd={t.head.lemma_.lower()}|{t.dep_}", f"hdd={t.head.dep_}|{t.dep_}",
        f"rel={rel}", f"lrel={lemma}|{rel}", f"w={where}", f"lw={lemma}|{where}",
        f"dist={where}|{dist}", f"q={inq}", f"lq={lemma}|{inq}", f"qw={inq}|{where}",
        f"cue={cue.cls if cue else '-'}|{rel}", f"sp={s.pos_}|{s.ent_type_}", f"sd={s.dep_}",
        f"sw={src_where}", f"lsp={lemma}|{s.pos_}", f"slow={s.lower_ if s.pos_ == 'PRON' else '-'}",
        f"neg={cues.negated(t)}", f"prev={doc[t.i - 1].lower_ if t.i else '^'}",
        f"next={doc[t.i + 1].lower_ if t.i + 1 < len(doc) else '$'}",
        f"lnext={lemma}|{doc[t.i + 1].lower_ if t.i + 1 < len(doc) else '$'}",
        f"croot={root.dep_}|{root.pos_}",
    ]
    for c in t.children:
        f.append(f"k={c.dep_}")
        f.append(f"lk={lemma}|{c.dep_}")
        if c.dep_ in ("prep", "prt", "dative"):
            f.append(f"lp={lemma}|{c.lower_}")
    return f


def _rule_features(cue: Token, source: Span, claim: Span, quotes: Sequence[tuple[int, int]]) -> list[str]:
    """The features of the rules' own attribution of ``claim``: those of a candidate, each also
    marked as the rules' (so the model learns how far to trust each kind of rule decision), and
    what the source phrase is like."""
    base = _features(cue, source, claim, quotes)
    sent = claim[0].sent
    s = source.root
    ents = sorted({t.ent_type_ for t in source if t.ent_type_}) or ["-"]
    extra = [
        f"same_sent={sent.start <= cue.i < sent.end}", f"slen={_bucket(len(source))}",
        f"sprop={any(t.pos_ == 'PROPN' for t in source)}", f"sent={'|'.join(ents)}",
        f"stitle={source[0].is_title}", f"sdet={source[0].lower_ if source[0].pos_ == 'DET' else '-'}",
        f"squote={any(a < source.start_char < b for a, b in quotes)}",
        f"cquote={any(ch in text_of(claim.doc)[claim.start_char:claim.end_char] for ch in QUOTE_CHARS)}",
        f"cq={any(a <= claim.start_char and claim.end_char <= b for a, b in quotes)}",
        f"slemma={s.lemma_.lower() if s.pos_ in ('NOUN', 'PRON') else s.pos_}",
    ]
    return ["R"] + [f"R|{x}" for x in base + extra] + base + extra


QUOTE_CHARS = '"“”'


def candidates(claim: Span, lemmas: Container[str], guide: bool = True) -> Iterator[Candidate]:
    """The words of ``claim``'s sentences that may be its cue, each with a source and features;
    with ``guide``, only those that are cues of the whole claim in the guide's scheme
    (:func:`guide_cue`, :func:`_sets_off_claim`). Training sees them all (``guide=False``)."""
    doc = claim.doc
    start, end = claim[0].sent.start, claim[-1].sent.end
    root = claim.root
    quotes = None
    for t in doc[start:end]:
        lemma = t.lemma_.lower()
        if lemma not in lemmas or not (t.pos_ in CANDIDATE_POS or t.lower_ == "according"):
            continue
        rel = _relation(t, root)
        in_guide = guide_cue(t) and (rel != "desc" or _sets_off_claim(t))
        if guide and not in_guide:
            continue
        source = _source(t)
        if source is None or source.start <= t.i < source.end:
            continue
        if quotes is None:
            quotes = quotation_spans(text_of(doc))
        yield Candidate(t, source, _features(t, source, claim, quotes), in_guide)


def rule_candidate(claim: Span, found: "rules.Attribution") -> Candidate | None:
    """The rules' attribution of ``claim`` as a candidate, when it has a source and a cue."""
    if found.source is None or found.cue is None:
        return None
    return Candidate(found.cue.root, found.source,
                     _rule_features(found.cue.root, found.source, claim, quotation_spans(text_of(claim.doc))), True)


def guide_only(claim: Span, cue: Span) -> bool:
    """The rules' attribution is one the guide asks for and PolNeAR annotates otherwise, which the
    model must not drop: a nested speaker (``X said Y denied …``: Y, the innermost; PolNeAR gives
    X; ``Reuters quoted the minister as saying …``: the minister), a belief stated with ``be`` + a
    cue adjective or participle (``Officials are concerned …``, ``X was accused of …``), a cue of three
    words or more (``did not say``) and a direct quotation (:func:`_closes_quotation`, :func:`_opens_quotation`)."""
    if cue[0].lemma_ == "be" or any(t.pos_ == "ADJ" for t in cue) or len(cue) > 2 \
            or _closes_quotation(claim, cue) or _opens_quotation(cue):
        return True
    return any(claim.start <= a.i < claim.end and cues.lookup(a) is not None for a in cue.root.ancestors)


def _closes_quotation(claim: Span, cue: Span) -> bool:
    """``"…," said X`` and ``"…," X said``: the cue follows the claim's words after a comma or a
    closing mark, with at most the speaker's name between (the guide's direct quotation, even
    where a stray mark leaves the quotation open)."""
    doc = claim.doc
    i = cue.start - 1
    while i > claim.start and cue.start - i <= 8 and doc[i].text not in _CLOSING:
        i -= 1
    return i > claim.start + 1 and doc[i].text in _CLOSING


_CLOSING = cues.QUOTE_MARKS | {","}


def _opens_quotation(cue: Span) -> bool:
    """``… by saying, "…"``, ``X interjected to say: "…"``: a comma or colon and an opening mark
    right after the cue (the guide's direct quotation)."""
    doc = cue.doc
    i = cue.end
    return i + 1 < len(doc) and doc[i].text in (",", ":") and doc[i + 1].text in cues.QUOTE_MARKS


def _same(a: Candidate, b: Candidate) -> bool:
    return a.cue.i == b.cue.i and a.source.root.i == b.source.root.i


def alternatives(claim: Span, rule: Candidate, lemmas: Container[str], guide: bool = True) -> Iterator[Candidate]:
    """Other candidates for a claim the rules attributed; in the guide's scheme never an outer
    speaker of the rules' nested one (``X said Y denied …``: Y, the innermost)."""
    for c in candidates(claim, lemmas, guide):
        if _same(c, rule):
            continue
        if guide and c.cue.is_ancestor(rule.cue):
            continue
        yield c


def feature_ids(features: list[str]) -> np.ndarray:
    return np.fromiter((hash_string(s) % N_FEATURES for s in features), dtype=np.int64, count=len(features))


@dataclass
class Model:
    """A logistic regression over hashed candidate features, and the words it considers.

    ``threshold``: the probability a candidate needs to attribute a claim the rules left without a
    source. For a claim the rules attributed, their attribution is scored too: another candidate
    replaces it when it scores higher and at least ``switch``; it is dropped (the claim is left in
    the document's voice) when it scores below ``veto``."""

    coef: np.ndarray  # (N_FEATURES,)
    intercept: float
    threshold: float
    lemmas: frozenset[str]
    meta: dict
    switch: float = 2.0  # never, for a model trained before rule attributions were scored
    veto: float = 0.0

    def probability(self, features: list[str]) -> float:
        z = float(self.coef[feature_ids(features)].sum()) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def best(self, claim: Span) -> tuple[Candidate, float] | None:
        """The highest-scoring candidate cue of ``claim`` and its probability, or None."""
        return self._best(candidates(claim, self.lemmas))

    def _best(self, found: Iterator[Candidate]) -> tuple[Candidate, float] | None:
        best = None
        for c in found:
            p = self.probability(c.features)
            if best is None or p > best[1]:
                best = (c, p)
        return best

    def attribute(self, claim: Span) -> "rules.Attribution | None":
        """An attribution for a claim the rules left without a source, when the model is sure enough."""
        found = self.best(claim)
        if found is None or found[1] < self.threshold:
            return None
        return self._attribution(claim, found[0])

    def decide(self, claim: Span, found: "rules.Attribution") -> "rules.Attribution":
        """``claim``'s attribution: the rules' (``found``), another candidate's, or none."""
        rule = rule_candidate(claim, found)
        if rule is None:
            return (self.attribute(claim) or found) if found.source is None else found
        p_rule = self.probability(rule.features)
        if self.switch <= 1.0:
            other = self._best(alternatives(claim, rule, self.lemmas))
            if other is not None and other[1] >= self.switch and other[1] > p_rule:
                return self._attribution(claim, other[0])
        if p_rule < self.veto and found.cue is not None and not guide_only(claim, found.cue):
            return rules.Attribution(content=found.content)
        return found

    @staticmethod
    def _attribution(claim: Span, c: Candidate) -> "rules.Attribution":
        cue = cues.lookup(c.cue) or REPORTED
        _, content = cues.complement(c.cue, cue) if cue is not REPORTED else (False, None)
        if content is None:
            content = next((k for k in c.cue.children if k.dep_ in ("ccomp", "parataxis")), None)
        if content is None or not (claim.start <= content.i < claim.end):
            content = claim.root
        negated = cues.negated(c.cue)
        cls = ("reported" if cue.lemma in cues.NEGATION_AFFIRMS else "denied") if negated else cue.cls
        return rules.Attribution(c.source, cues.cue_span(c.cue), (cls,), content)

    def save(self, path: str | Path) -> None:
        np.savez_compressed(path, coef=self.coef.astype(np.float16), intercept=np.array(self.intercept),
                            threshold=np.array(self.threshold), lemmas=np.array(sorted(self.lemmas)),
                            switch=np.array(self.switch), veto=np.array(self.veto),
                            meta=np.array(json.dumps(self.meta)))


def read_model(path: str | Path) -> Model:
    """A weights file, read without pickle."""
    try:
        with np.load(path, allow_pickle=False) as z:
            model = Model(coef=z["coef"].astype(np.float32), intercept=float(z["intercept"]),
                          threshold=float(z["threshold"]), lemmas=frozenset(str(s) for s in z["lemmas"]),
                          meta=json.loads(str(z["meta"])),
                          switch=float(z["switch"]) if "switch" in z else 2.0,
                          veto=float(z["veto"]) if "veto" in z else 0.0)
    except (OSError, KeyError, ValueError) as e:
        raise ModelError(f"{path}: not an attribution model ({e})") from None
    if model.coef.shape != (N_FEATURES,):
        raise ModelError(f"{path}: a model for other features than this version's")
    return model


@cache
def load_model(path: str | None = None) -> Model:
    """The model at ``path``, or the one shipped in ``annotator/models``."""
    return models.load(path, MODEL_FILE, read_model)
