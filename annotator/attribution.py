"""Who says a claim, and with which words: dependency rules over the parse, cue words as data.

For each claim span the ``annotator_attribution`` component sets ``span._.annotator_source`` and
``span._.annotator_cue`` (spans of the same paragraph, or None), ``span._.annotator_cue_classes``
(the class of every cue in the chain, ``denied`` for a negated one) and
``span._.annotator_content`` (the token heading the attributed content), which the stance
component reads. Rule set: ``annotator.attribution_rules.v2``.

Rules, in order:

0. a cue right after a closing quotation mark or a comma, read from the words (``"…," he said``,
   ``…, police said.``, :mod:`.tags`), since the small parser often hangs such a cue inside the
   quotation;
1. a cue word heading the clause, with a subject and a complement its lexicon frame allows
   (``X said that …``, ``"…", said X``, ``X denied the report``, ``X called it a fraud``), then,
   inside its clausal complement, nested cues: the innermost speaker is the source;
2. a cue in an adverbial or parenthetical clause attached to the head that has its own clausal
   complement (``It began when the paper alleged that …``) or no complement (``…, officials said``);
3. ``be`` + a cue adjective (``Officials are concerned …``);
4. ``according to X`` (also the misspelt ``According X``); a cue whose subject the parse lost
   behind phrases set off by commas or dashes (:func:`.subjects.set_off_cue`: ``X - who … - said``);
5. an attributing adverb (``reportedly``) with no named source;
6. every claim inside a quotation is its speaker's (``quotations.quotation_links``): the speaker
   of the claim whose cue opens or closes it, or one named by words no claim attributes
   (:func:`quotation_speaker`: ``"…?" he said.``), or the speaker of the quotation before it;
   and into the next paragraph when it is left open there or the next paragraph is all quotation
   with no speaker of its own (``quotations.across_paragraphs``, which also gives a paragraph
   ending in ``X added:`` to X).

Then the learned model (``attribution_model.py``), when the component has one (``learned``, the
default), scores every claim's candidate attributions: it attributes a claim still without a
source, may replace the rules' source by a better-scored candidate, and drops a rules' attribution
it scores as very likely wrong (never one the guide asks for and PolNeAR annotates otherwise:
``attribution_model.guide_only``).
"""

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from . import lexicon
from .claims import FINITE_TAGS, SPANS_KEY, headline, text_of
from .cue_chain import chain_from, nested_cue, quoted_by, unsaid
from .cues import (
    QUOTE_MARKS,
    SUBJ,
    CueMatch,
    cue_span,
    lookup,
    negated,
    passive,
    span_of,
    subject_of,
)
from .embedded_claims import piece_cue
from .quotations import FIRST_PERSON, quotation_links, quotation_spans
from .subjects import as_clause_cue, outer_conjunct, set_off_cue, without_dateline
from .tags import after_quotation, tag_at

RULES = "annotator.attribution_rules.v2"
# cues that relay someone's words, whose clause a coordinated clause goes on (:func:`continues`)
RELAYING = frozenset({"say", "tell", "add", "note", "explain", "write", "report", "according", "conclude",
                      "acknowledge", "state", "recall"})


def _register() -> None:
    for name, default in [
        ("annotator_source", None),
        ("annotator_cue", None),
        ("annotator_cue_classes", None),
        ("annotator_content", None),
    ]:
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)


_register()


@dataclass
class Attribution:
    source: Span | None = None
    cue: Span | None = None
    classes: tuple[str, ...] = ()
    content: Token | None = None


@Language.factory("annotator_attribution", default_config={"spans_key": SPANS_KEY, "learned": True, "model": ""})
def make_attribution(nlp: Language, name: str, spans_key: str, learned: bool, model: str):
    """``learned``: let the learned model score the attributions (it attributes what the rules
    leave without a source and drops the rules' unlikely ones);
    ``model``: its weights file (``annotator train attribution``), empty for the shipped one."""
    from . import attribution_model

    return Attributor(spans_key, attribution_model.load_model(model or None) if learned else None)


class Attributor:
    def __init__(self, spans_key: str = SPANS_KEY, model=None):
        self.spans_key = spans_key
        self.model = model  # an attribution_model.Model, or None for the rules alone

    def __call__(self, doc: Doc) -> Doc:
        claims = list(doc.spans[self.spans_key])
        found = [attribute(c) for c in claims]
        for i, a in quotation_links(claims, found, lambda a, b: quotation_speaker(doc, a, b)):
            own = found[i]
            # "…I would think that …," she said: her words, with her own hedge
            found[i] = Attribution(a.source, a.cue, a.classes + own.classes, own.content or claims[i].root)
        if self.model is not None:
            found = [self.model.decide(claim, a) for claim, a in zip(claims, found)]
        for i in range(1, len(claims)):
            if found[i].source is None and found[i].cue is None and continues(claims[i - 1], found[i - 1], claims[i]):
                a = found[i - 1]
                found[i] = Attribution(a.source, a.cue, a.classes + found[i].classes, claims[i].root)
        for claim, a in zip(claims, found):
            claim._.annotator_source = without_dateline(a.source)
            claim._.annotator_cue = a.cue
            claim._.annotator_cue_classes = list(a.classes)
            claim._.annotator_content = a.content.i if a.content is not None else None
        return doc


def continues(before: Span, a: Attribution, claim: Span) -> bool:
    """``claim`` was split off ``before``, attributed by ``a``, at a clause the parse coordinated
    with ``a``'s cue or content, and goes on with what the speaker says: ``X said A, but B``,
    ``According to X, A, and B`` (not ``A, he said, but B``: there the cue follows what it tags)."""
    if a.source is None or a.cue is None or a.content is None or claim.start < before.end \
            or claim[0].sent != before[-1].sent or a.source.root.i > before.end:
        return False
    cue, content = a.cue.root, a.content
    # a cue that relays words goes on; after a position or a finding (``Many assumed A, but that
    # wasn't the case``, ``X argued A, while Democrats …``) or a cue denied, B is most often the
    # document's own; so is a B with a cue word of its own
    if cue.lemma_.lower() not in RELAYING or "denied" in a.classes or any(lookup(t) for t in claim):
        return False
    return cue.i < content.i and claim.root.dep_ == "conj" and claim.root.head in (cue, content) \
        and before.start <= cue.i < before.end


def _adjective_cue(claim: Span) -> CueMatch | None:
    """``be`` + cue adjective: ``Officials are concerned (that) …``."""
    doc = claim.doc
    for t in claim:
        if t.lemma_ != "be" or t.i + 1 >= claim.end:
            continue
        adj = doc[t.i + 1]
        cue = lexicon.cues().get((adj.lower_, "ADJ"))
        if cue is None:
            continue
        subj = next((c for c in t.children if c.dep_ in SUBJ), None)
        if subj is None:
            subj = next((c for c in adj.children if c.dep_ in SUBJ), None)
        if subj is None or adj.i + 1 >= claim.end:
            continue
        rest = doc[adj.i + 1:claim.end]
        if rest[0].lower_ in ("about", "by", "with", "for", "at", "of", "in"):
            continue
        return CueMatch(cue, doc[t.i:adj.i + 1], span_of(subj), rest.root, negated(t))
    return None


def _according_to(claim: Span) -> CueMatch | None:
    doc = claim.doc
    for t in claim:
        if t.lower_ != "according":
            continue
        nxt = doc[t.i + 1] if t.i + 1 < claim.end else None
        cue_end = t.i + 2 if nxt is not None and nxt.lower_ == "to" else t.i + 1
        end = cue_end
        depth = 0
        while end < claim.end:
            tok = doc[end]
            depth += tok.text in "([" and 1 or (-1 if tok.text in ")]" else 0)
            if depth <= 0 and (tok.text in ",;:" or tok.pos_ in ("VERB", "AUX") and tok.tag_ in
                               ("VBD", "VBZ", "VBP", "MD")):
                break
            end += 1
        # "According to ESISC the key figure …": without a comma stop after the object's subtree
        obj = next((c for c in (nxt.children if cue_end == t.i + 2 and nxt is not None else t.children)
                    if c.dep_ == "pobj"), None)
        if obj is not None and obj.right_edge.i + 1 < end:
            end = obj.right_edge.i + 1
        if end == cue_end:
            continue
        cue = lexicon.Cue("according to", "reported", frozenset({"clause"}), "ADP")
        content = claim.root if claim.root.i >= end or claim.root.i < t.i else None
        source = _span_of_range(doc, cue_end, end)
        # "according to documents seen by the Westport Gazette": the Gazette's report, its source
        for g in source:
            if g.dep_ == "agent" and g.head.dep_ == "acl" and g.head.head.i < g.i:
                by = next((c for c in g.children if c.dep_ == "pobj"), None)
                if by is not None and by.i < end:
                    source = _span_of_range(doc, by.left_edge.i, min(by.right_edge.i + 1, end))
                    break
        return CueMatch(cue, doc[t.i:cue_end], source, content, False)
    return None


def _headline_cue(claim: Span) -> CueMatch | None:
    """``City council accused of hiding …``: a headline's passive cue, its auxiliary left out."""
    if not headline(claim):
        return None
    participle = next((c for c in claim.root.children if c.dep_ == "acl" and c.tag_ == "VBN"), None)
    cue = lookup(participle) if participle is not None else None
    return passive(participle, cue) if participle is not None and cue is not None else None


def _span_of_range(doc: Doc, start: int, end: int) -> Span:
    while end > start and doc[end - 1].is_punct and doc[end - 1].text not in ")]":
        end -= 1
    return doc[start:end]


def _adverb(head: Token) -> Token | None:
    adverbs = lexicon.table("adverbs.tsv")
    for c in head.children:
        if c.dep_ == "advmod" and c.lower_ in adverbs:
            return c
    return None


def quotation_speaker(doc: Doc, q_start: int, q_end: int) -> Attribution | None:
    """The speaker of the quotation at ``doc``'s characters ``q_start:q_end`` named by words no
    claim attributes: a cue right after its closing mark (``"…?" he said.``, ``…’” Sexton said in
    an interview.``, a sentence of its own where the parse split it), or the nearest cue before
    its opening mark and a comma or colon, nothing finite between (``X tweeted Sunday: "Is …?``, a
    question, which is no claim; ``X responded pointedly, with a smile: “…``; a participle speaking
    for its head's subject: ``X went on the attack, saying, "Is …? …"``), or a sentence that
    is only a tag right before it (``X said in a statement. “…``)."""
    close = doc.char_span(q_end - 1, q_end, alignment_mode="expand")
    opening = doc.char_span(q_start, q_start + 1, alignment_mode="expand")
    if close is None or opening is None:
        return None
    t, o = close[-1], opening[0]
    if t.i > o.i and t.i + 2 < len(doc):  # "…," after the mark
        m = tag_at(doc[o.i:doc[t.i + 1].sent.end], t, True)
        if m is not None and m.source is not None:
            return Attribution(m.source, m.cue_span, (m.cls,))
    if o.i == 0 or doc[o.i - 1].text not in (",", ":", "."):
        return None
    words = range(o.i - 1, max(o.sent.start, o.i - 12) - 1, -1)
    if doc[o.i - 1].text == ".":  # "X said in a statement. “…": a sentence that is only a tag
        sent = doc[o.i - 1].sent
        if sent.end != o.i or any(c.dep_ in ("ccomp", "xcomp", "advcl", "conj") for c in sent.root.children) \
                or any(t.text in QUOTE_MARKS for t in sent):
            return None
        words = range(sent.root.i, sent.root.i - 1, -1)
    quoted = quotation_spans(text_of(doc))
    for k in (doc[j] for j in words):
        cue = lookup(k)
        subject = subject_of(k) if cue is not None and "clause" in cue.frames else None
        if cue is not None and subject is None and k.tag_ in ("VBG", "VB"):
            subject = _speaker_above(k)
        if cue is not None and subject is not None and subject.i < k.i and subject.dep_ != "nsubjpass" \
                and not any(a <= subject.idx < b for a, b in quoted):
            if subject.tag_ in ("WDT", "WP") and k.dep_ == "relcl":  # "Rikkie Wells, who tweeted, “…"
                return Attribution(doc[k.head.left_edge.i:k.head.i + 1], cue_span(k), (cue.cls,))
            return Attribution(span_of(subject), cue_span(k), (cue.cls,))
        if k.tag_ in FINITE_TAGS:
            break
    return None


def _speaker_above(verb: Token, depth: int = 2) -> Token | None:
    """The subject a participle or an infinitive with no subject speaks for: that of the verb it
    hangs on (``X went on the attack, saying, "…``, ``X interjected to say: "…``), of the verb whose
    object it qualifies (``his campaign sent out a text message to supporters saying: "…``) or whose
    preposition it follows (``X appeared to assert his plans by saying, "…``); a name it qualifies
    (``O'Malley, who …, interjected to say: "…``, where the parse hung the verb on the name)."""
    node = verb.head
    if verb.dep_ in ("advcl", "xcomp"):
        found = subject_of(node)
        return found if found is not None or depth == 0 else _speaker_above(node, depth - 1)
    if verb.dep_ == "acl" and node.dep_ in ("ROOT", "nsubj") and node.pos_ == "PROPN":
        return node
    if verb.dep_ not in ("acl", "pcomp"):
        return None
    while node.dep_ in ("dobj", "pobj", "dative", "prep") and node.head is not node:
        node = node.head
    return subject_of(node) if node.pos_ in ("VERB", "AUX") else None


def attribute(claim: Span) -> Attribution:
    """The source, cue, cue classes and content head of one claim."""
    head = claim.root
    if head.is_punct and all(t.is_upper or t.is_punct for t in claim.doc[claim.start:head.i]):
        # "WASHINGTON ― The administration announced …": a dateline's dash read as the root
        head = next((c for c in head.children if c.pos_ in ("VERB", "AUX") and c.i > head.i), head)
    embedded = piece_cue(claim)  # a clause split off at its own cue: "adding that B"
    quoted = after_quotation(claim) if embedded is None else None
    chain = [] if quoted is not None or embedded is not None else chain_from(head)
    if chain and not claim.start <= chain[0].cue_span.root.i < claim.end:
        chain = []  # the cue of a clause split off the claim at it (embedded_claims) is that clause's
    if not chain:
        extra = embedded or quoted or _according_to(claim) or _adjective_cue(claim) or _headline_cue(claim) \
            or set_off_cue(claim) or as_clause_cue(head)
        if extra is not None:
            chain = [extra]
            if extra.content is not None:
                nested = nested_cue(extra.content)
                if nested is not None and nested.source is not None:
                    chain.append(nested)
    if not chain:
        adverb = _adverb(head)
        if adverb is not None:
            cls = lexicon.table("adverbs.tsv")[adverb.lower_]
            return Attribution(None, claim.doc[adverb.i:adverb.i + 1], (cls,), head)
        return Attribution(content=head)
    # "He said the base went … and said …": a cue coordinated with the outer one ends the chain
    chain = chain[:next((k for k in range(1, len(chain)) if outer_conjunct(chain[k - 1], chain[k])), len(chain))]
    speaker = chain[0]
    for m in chain[1:]:
        # an inner belief verb with a pronoun subject is the outer speaker's hedge, not a new source;
        # a cue inside a quotation is the quoted speaker's words ("…told him we would win," he said)
        if m.cue.cls == "hedged" and (m.source is None or m.source.root.pos_ == "PRON") or quoted:
            continue
        # He added: "I told you …": the outer speaker speaking of themselves
        if m.source is not None and m.source.text.lower() in FIRST_PERSON:
            continue
        # "advisers said he had rejected the idea": an inner cue with no clause of its own is
        # part of what the outer speaker says, not a new speaker
        if m.content is None and m.source is not None and m.cue.cls in ("factive", "reported"):
            continue
        if quoted_by(speaker, m) or unsaid(m.cue_span.root):
            continue
        speaker = m
    content = chain[-1].content or head
    classes = [m.cls for m in chain]
    # "the hacker allegedly told Keys that …": an attributing adverb on a cue or on the content
    for token in [m.cue_span.root for m in chain] + [content]:
        adverb = _adverb(token)
        if adverb is not None:
            classes.append(lexicon.table("adverbs.tsv")[adverb.lower_])
    return Attribution(speaker.source, speaker.cue_span, tuple(classes), content)
