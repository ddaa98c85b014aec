"""Who says a claim, and with which words: dependency rules over the parse, cue words as data.

For each claim span the ``annotator_attribution`` component sets ``span._.annotator_source`` and
``span._.annotator_cue`` (spans of the same paragraph, or None), ``span._.annotator_cue_classes``
(the class of every cue in the chain, ``denied`` for a negated one) and
``span._.annotator_content`` (the token heading the attributed content), which the stance
component reads. Rule set: ``annotator.attribution_rules.v2``.

Rules, in order:

0. a cue right after a closing quotation mark or a comma, read from the words (``"…," he said``,
   ``…, police said.``), since the small parser often hangs such a cue inside the quotation;
1. a cue word heading the clause, with a subject and a complement its lexicon frame allows
   (``X said that …``, ``"…", said X``, ``X denied the report``, ``X called it a fraud``), then,
   inside its clausal complement, nested cues: the innermost speaker is the source;
2. a cue in an adverbial or parenthetical clause attached to the head that has its own clausal
   complement (``It began when the paper alleged that …``) or no complement (``…, officials said``);
3. ``be`` + a cue adjective (``Officials are concerned …``);
4. ``according to X`` (also the misspelt ``According X``);
5. an attributing adverb (``reportedly``) with no named source;
6. a quotation with no cue of its own continues the quotation of the sentence before, and into
   the next paragraph when left open there (``quotations.across_paragraphs``, which also gives a
   paragraph ending in ``X added:`` to X).

A claim still without a source goes to the learned cue finder (``attribution_model.py``), when
the component has one (``learned``, the default).
"""

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from . import lexicon
from .claims import FINITE_TAGS, SPANS_KEY, has_finite_verb, headline
from .quotations import FIRST_PERSON, quotation_links, quotation_marks

RULES = "annotator.attribution_rules.v2"
_SUBJ = ("nsubj", "nsubjpass", "csubj")
NEGATION_AFFIRMS = frozenset({"doubt"})
_BLOCKED = ("relcl", "acl", "amod", "compound", "pcomp", "pobj", "advmod", "npadvmod", "appos")
# A cue's other sense, told by a preposition: "exposed the system to risk" reveals nothing.
OTHER_SENSE = {"expose": "to"}


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
class CueMatch:
    cue: lexicon.Cue
    cue_span: Span
    source: Span | None
    content: Token | None  # head of the attributed clause, when the cue takes one
    negated: bool

    @property
    def cls(self) -> str:
        if self.negated:
            # "we do not doubt that …" is certainty; any other negated cue is a denial
            return "reported" if self.cue.lemma in NEGATION_AFFIRMS else "denied"
        return self.cue.cls


@dataclass
class Attribution:
    source: Span | None = None
    cue: Span | None = None
    classes: tuple[str, ...] = ()
    content: Token | None = None


@Language.factory("annotator_attribution", default_config={"spans_key": SPANS_KEY, "learned": True, "model": ""})
def make_attribution(nlp: Language, name: str, spans_key: str, learned: bool, model: str):
    """``learned``: let the learned cue finder attribute what the rules leave without a source;
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
        for i, j in quotation_links(claims, found):
            a, own = found[j], found[i]
            # "…I would think that …," she said: her words, with her own hedge
            found[i] = Attribution(a.source, a.cue, a.classes + own.classes, own.content or claims[i].root)
        if self.model is not None:
            for i, (claim, a) in enumerate(zip(claims, found)):
                if a.source is None:
                    found[i] = self.model.attribute(claim) or a
        for claim, a in zip(claims, found):
            claim._.annotator_source = a.source
            claim._.annotator_cue = a.cue
            claim._.annotator_cue_classes = list(a.classes)
            claim._.annotator_content = a.content.i if a.content is not None else None
        return doc


# --- cue words -------------------------------------------------------------------------------


def lookup(token: Token) -> lexicon.Cue | None:
    cues = lexicon.cues()
    if token.pos_ in ("VERB", "AUX"):
        found = cues.get((token.lemma_.lower(), "VERB"))
        if found:
            return found
    if token.pos_ in ("ADJ", "VERB"):
        return cues.get((token.lower_, "ADJ"))
    return None


def _negated(token: Token) -> bool:
    return any(c.dep_ == "neg" for c in token.children)


def _cue_span(token: Token) -> Span:
    """The cue word with its particle, and with its auxiliaries and negation when negated."""
    doc = token.doc
    start, end = token.i, token.i + 1
    for c in token.children:
        if c.dep_ == "prt" and c.i == end:
            end = c.i + 1
    if _negated(token):
        before = [c.i for c in token.children if c.dep_ in ("aux", "neg", "auxpass") and c.i < token.i]
        if before:
            start = min(before)
    return doc[start:end]


def subject_of(token: Token) -> Token | None:
    for c in token.children:
        if c.dep_ in _SUBJ:
            if c.pos_ in ("VERB", "AUX"):  # "X reports, Y has denied": the parse took the verb
                nouns = [g for g in c.children if g.dep_ in ("npadvmod", "dobj") and g.i > c.i]
                if nouns:
                    return nouns[0]
                return c if c.is_title and c.i > 0 else None  # a name read as a verb: "Your Baby Can"
            return c
    if token.dep_ == "conj" and token.head.pos_ in ("VERB", "AUX"):
        return subject_of(token.head)
    # "Trump took to Twitter to accuse …", "he went on to say …": the head's subject speaks
    if token.dep_ in ("xcomp", "advcl") and token.tag_ == "VB" and token.head.lemma_.lower() in \
            lexicon.words("say_through.txt"):
        head = token.head.head if token.head.dep_ == "acomp" else token.head
        return subject_of(head)
    return None


def _balanced(text: str) -> bool:
    return text.count('"') % 2 == 0 and all(
        text.count(a) == text.count(b) for a, b in ("“”", "«»", "()", "[]"))


def _span_of(token: Token) -> Span:
    """The phrase ``token`` heads, without edge punctuation; only its name when the parse ran wild."""
    doc = token.doc
    start, end = token.left_edge.i, token.right_edge.i + 1
    if not _balanced(doc[start:end].text):
        start, end = token.i, token.i + 1
        while start > 0 and doc[start - 1].head == token and doc[start - 1].dep_ in (
                "compound", "amod", "det", "nmod", "poss", "nummod") or \
                start > 0 and doc[start - 1].dep_ == "case" and doc[start - 1].head.head == token:
            start -= 1
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct and doc[end - 1].text not in ")]"
                           or doc[end - 1].is_space):
        end -= 1
    return doc[start:end]


def complement(token: Token, cue: lexicon.Cue) -> tuple[bool, Token | None]:
    """Whether ``token`` has a complement its frames allow, and the clause head if clausal."""
    kids = list(token.children)
    if "clause" in cue.frames or "predicative" in cue.frames:
        for c in kids:
            if c.dep_ in ("ccomp", "parataxis") and c.pos_ in ("VERB", "AUX"):
                return True, c
    if "clause" in cue.frames:
        # "Limbaugh added:", "Trump said Friday: …": what follows the colon is what was said
        doc = token.doc
        i = token.i + 1
        while i < len(doc) and (doc[i].head == token and doc[i].dep_ in ("prt", "advmod", "npadvmod")
                                or doc[i].dep_ == "pobj" and doc[i].head.head == token):
            i += 1
        if i < len(doc) and doc[i].text == ":":
            return True, None
        # "told Matt Boyle, “Hillary's slogan …”": a quotation after the cue's objects
        ends = [token.i] + [c.right_edge.i for c in kids if c.dep_ in ("dobj", "dative", "npadvmod")
                            and c.i > token.i]
        j = max(ends) + 1
        while j - 1 > token.i and doc[j - 1].is_punct:  # the parse hung the comma and the mark on the object
            j -= 1
        if j + 1 < len(doc) and doc[j].text in (",", ":") and doc[j + 1].text in ('"', "“", "''") \
                and doc[j + 1].idx in quotation_marks(doc.text)[0]:
            return True, None
        # "X asserted that …", "X told the meeting that …" even where the parse lost the clause
        after = [token.i + 1] + [c.right_edge.i + 1 for c in kids if c.dep_ in ("dobj", "dative", "prep")
                                 and c.i > token.i]
        # "said in an oral history of the … years that …": the first "that" before another verb
        for i in range(token.i + 1, min(len(doc), token.i + 16)):
            if doc[i].lower_ == "that" or doc[i].tag_ in FINITE_TAGS or doc[i].text in ",;:":
                after.append(i)
                break
        for i in after:
            nxt = doc[i] if i < len(doc) else None
            if nxt is not None and nxt.lower_ == "that" and nxt.dep_ == "mark" and nxt.head != token \
                    and nxt.head.i > token.i:
                return True, nxt.head
        for dobj in (c for c in kids if c.dep_ == "dobj"):  # "told the meeting that …" read as a clause of "meeting"
            for clause in dobj.children:
                if clause.dep_ == "acl" and any(g.dep_ == "mark" and g.lower_ == "that" for g in clause.children):
                    return True, clause
    if "predicative" in cue.frames and not any(
        c.dep_ == "prep" and c.lower_ in ("on", "for", "upon") for c in kids
    ):
        # "called the count a fraud", "judged Azerbaijan to be …", "described it as …";
        # not "called on X to act"
        if any(c.dep_ == "oprd" or c.dep_ == "xcomp" and (c.lemma_ == "be" or c.pos_ in ("ADJ", "NOUN"))
               for c in kids):
            return True, None
        if any(c.dep_ == "prep" and c.lower_ == "as" for c in kids) and any(c.dep_ == "dobj" for c in kids):
            return True, None
        # "described the attack as "a sobering reminder"": the parse hung "as" on the object
        if any(c.dep_ == "dobj" and c.i > token.i and any(g.dep_ == "prep" and g.lower_ == "as" and g.i > c.i
                                                            for g in c.children) for c in kids):
            return True, None
        # "called Trump's statements "childish."": the quoted predicate the parse hung on the object
        obj = next((c for c in kids if c.dep_ == "dobj"), None)
        if obj is not None and any(g.dep_ == "appos" and g.i > obj.i and token.doc[g.i - 1].text
                                   in ('"', "“") for g in obj.children):
            return True, None
        # "called the use of executive orders "quite dangerous."": a quotation right after the
        # object's last noun, wherever the parse hung it
        if obj is not None and obj.i > token.i and _quoted_predicate(obj):
            return True, None
    if "object" in cue.frames or "active_object" in cue.frames and not any(
            c.dep_ == "auxpass" for c in kids):
        for c in kids:
            if c.dep_ in ("dobj", "xcomp") or (c.dep_ == "prep" and c.lower_ in ("of", "with")):
                return True, None
    return False, None


def _quoted_predicate(obj: Token) -> bool:
    """A quotation opens right after a noun of ``obj``'s phrase (``the use of executive orders "…"``)."""
    doc = obj.doc
    opening = quotation_marks(doc.text)[0]
    for i in range(obj.i + 1, min(obj.right_edge.i + 2, len(doc))):
        if doc[i].idx in opening and doc[i - 1].pos_ in ("NOUN", "PROPN", "PRON") \
                and i - 1 >= obj.left_edge.i:
            return True
    return False


PLEA = lexicon.Cue("plead", "denied", frozenset({"object"}), "VERB")


def _plea(token: Token) -> CueMatch | None:
    """``X pleaded not guilty to …``: X denies the charge. (``pleaded guilty`` states a fact.)"""
    if token.lemma_.lower() != "plead" or token.pos_ != "VERB":
        return None
    guilty = next((c for c in token.children if c.lower_ in ("guilty", "innocent")), None)
    subj = subject_of(token)
    if guilty is None or subj is None or not (_negated(token) or _negated(guilty) or guilty.lower_ == "innocent"):
        return None
    end = max([guilty.i] + [c.i for c in guilty.children if c.dep_ == "neg"]) + 1
    return CueMatch(PLEA, token.doc[token.i:end], _span_of(subj), None, False)


def _quoted_as_saying(token: Token) -> CueMatch | None:
    """``Reuters quoted the minister as saying …``: the quoted person is the source."""
    if token.lemma_.lower() not in ("quote", "cite"):
        return None
    obj = next((c for c in token.children if c.dep_ in ("dobj", "nsubjpass")), None)
    prep = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "as"), None)
    verb = next((c for c in prep.children if c.dep_ in ("pcomp", "pobj")), None) if prep else None
    cue = lookup(verb) if verb is not None else None
    if obj is None or verb is None or cue is None:
        return None
    content = next((c for c in verb.children if c.dep_ in ("ccomp", "parataxis")), None)
    start = token.i if obj.dep_ == "dobj" else min(
        [c.i for c in token.children if c.dep_ in ("auxpass", "aux")] + [token.i])
    return CueMatch(cue, token.doc[start:verb.i + 1], _span_of(obj), content,
                    _negated(token) or _negated(verb))


def cue_match(token: Token) -> CueMatch | None:
    """``token`` as a cue with a subject and an allowed complement, or None."""
    special = _quoted_as_saying(token) or _plea(token)
    if special is not None:
        return special
    cue = lookup(token)
    if cue is None or token.dep_ in _BLOCKED or token.tag_ == "VBG" and token.dep_ == "advcl":
        return None
    sense = OTHER_SENSE.get(token.lemma_)
    if sense and any(c.dep_ in ("prep", "dative") and c.lower_ == sense for c in token.children):
        return None
    if any(c.dep_ == "auxpass" for c in token.children):
        return _passive(token, cue)
    ok, content = complement(token, cue)
    subj = subject_of(token)
    if ok and subj is None and token.tag_ in ("VBD", "VBZ") and token.dep_ in ("ROOT", "ccomp"):
        name = _name_before(token)  # "Jolly said he has worked …": the parse read the name as an adverb
        if name is not None:
            return CueMatch(cue, _cue_span(token), name, content, _negated(token))
    if not ok or subj is None:
        return None
    source = _span_of(subj)
    if subj.is_punct or not _balanced(subj.doc[subj.left_edge.i:subj.right_edge.i + 1].text):
        source = _noun_phrase_before(token) or source
    return CueMatch(cue, _cue_span(token), source, content, _negated(token))


def _set_off(token: Token) -> bool:
    """``token``'s phrase stands between commas or dashes: ``The vote, officials said, was …``."""
    doc = token.doc
    left, right = token.left_edge.i, token.right_edge.i
    marks = (",", "--", "—", "–")
    before = doc[left].text in marks or left > 0 and doc[left - 1].text in marks
    # "In other words, he said, ''the era … is over.''": the comma may come before a quotation mark
    while right > left and doc[right].text in CLOSING_QUOTES | OPENING_QUOTES:
        right -= 1
    after = doc[right].text in marks or right + 1 < len(doc) and doc[right + 1].text in marks
    return before and after


def _noun_phrase_before(token: Token) -> Span | None:
    """The names and nouns right before ``token``, where the parse lost the subject."""
    doc = token.doc
    end = token.i
    while end > 0 and doc[end - 1].dep_ in ("aux", "neg", "advmod"):
        end -= 1
    start = end
    while start > 0 and doc[start - 1].pos_ in ("PROPN", "NOUN") and doc[start - 1].ent_type_ not in (
            "DATE", "TIME", "CARDINAL"):
        start -= 1
    return doc[start:end] if end > start else None


def _name_before(token: Token) -> Span | None:
    """Capitalized names right before a subjectless cue (``Jolly said …``), or None."""
    doc = token.doc
    end = token.i
    while end > 0 and doc[end - 1].dep_ in ("aux", "neg"):
        end -= 1
    start = end
    while start > 0 and doc[start - 1].is_title and doc[start - 1].pos_ in ("PROPN", "NOUN", "ADV", "ADJ") \
            and doc[start - 1].ent_type_ not in ("DATE", "TIME", "CARDINAL", "ORDINAL"):
        start -= 1
    if end == start or start > 0 and not (doc[start - 1].is_punct or doc[start - 1].is_space):
        return None
    return doc[start:end]


def _passive(token: Token, cue: lexicon.Cue) -> CueMatch | None:
    """``X is accused of …``, ``It is alleged that …``, ``The claims were denied by Y``."""
    subj = next((c for c in token.children if c.dep_ == "nsubjpass"), None)
    ok, content = complement(token, cue)
    if subj is not None and subj.lower_ == "it":
        if not ok or content is None:
            return None
    elif "object" not in cue.frames:
        return None
    agent = next((c for c in token.children if c.dep_ == "agent"), None)
    by = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
    aux = [c.i for c in token.children if c.dep_ in ("auxpass", "aux", "neg") and c.i < token.i]
    cue_span = token.doc[min(aux, default=token.i):token.i + 1]
    return CueMatch(cue, cue_span, _span_of(by) if by is not None else None, content, _negated(token))


# --- the chain of cues -----------------------------------------------------------------------


def chain_from(head: Token) -> list[CueMatch]:
    """Cues heading ``head``'s clause, then nested ones inside each clausal complement."""
    chain: list[CueMatch] = []
    node: Token | None = head
    while node is not None:
        m = cue_match(node) or _attached_cue(node) if not chain else _nested_cue(node)
        if m is None:
            break
        chain.append(m)
        node = m.content
    return chain


def _nested_cue(node: Token) -> CueMatch | None:
    m = cue_match(node)
    if m is not None:
        return m
    for c in node.children:  # "Al-Fayed had approached the paper and accused Greer of ..."
        if c.dep_ == "conj":
            m = cue_match(c)
            if m is not None and m.cue.cls != "hedged":
                return m
    return None


def _attached_cue(head: Token) -> CueMatch | None:
    for c in head.children:
        # "X reconstructed the skull and hypothesised that …": a coordinated cue, same subject
        if c.dep_ == "conj" and c.pos_ == "VERB" and not any(g.dep_ in _SUBJ for g in c.children):
            m = cue_match(c)
            if m is not None and m.content is not None:
                return m
        if c.dep_ == "advcl" and c.i < head.i + 50:
            m = cue_match(c)
            if m is not None and m.content is not None:
                return m
            # "Police released a statement, saying that …": the participle's subject is the head's
            cue = lookup(c)
            subj = subject_of(head)
            if cue and c.tag_ == "VBG" and subj is not None and head.i < c.i:
                ok, content = complement(c, cue)
                if ok and content is not None:
                    return CueMatch(cue, _cue_span(c), _span_of(subj), content, _negated(c))
        # "Trump took to Twitter to accuse …", "Sexton was quick to point out …"
        for through in [c] + [g for g in c.children if c.dep_ == "acomp"]:
            if through.dep_ == "xcomp" and c.dep_ in ("xcomp", "acomp"):
                m = cue_match(through)
                if m is not None:
                    return m
        # "X released a statement saying …", "X responded by saying …": the participle speaks for X
        for said in _participles(head, c):
            cue = lookup(said)
            subj = subject_of(head)
            if cue is not None and subj is not None:
                ok, content = complement(said, cue)
                if ok and content is not None:
                    return CueMatch(cue, _cue_span(said), _span_of(subj), content, _negated(said))
        if c.dep_ in ("parataxis", "ccomp") and c.i > head.i or c.dep_ == "parataxis" and _set_off(c):
            cue = lookup(c)
            subj = subject_of(c)
            ok, inner = complement(c, cue) if cue else (False, None)
            # "…, he said, ''the era … is over.''": the quotation the cue opens is the head's clause
            if cue and subj is not None and (not ok or inner is None and head.i > c.right_edge.i):
                return CueMatch(cue, _cue_span(c), _span_of(subj), head, _negated(c))
    return None


def _participles(head: Token, child: Token) -> list[Token]:
    """Participles under ``child`` that report for ``head``'s subject: ``a statement saying``
    (on the object), ``by saying`` (on a preposition)."""
    if child.dep_ == "dobj" and child.i > head.i:
        return [g for g in child.children if g.dep_ == "acl" and g.tag_ == "VBG"]
    if child.dep_ == "prep" and child.lower_ in ("by", "in") and child.i > head.i:
        return [g for g in child.children if g.dep_ == "pcomp" and g.tag_ == "VBG"]
    return []


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
        subj = next((c for c in t.children if c.dep_ in _SUBJ), None)
        if subj is None:
            subj = next((c for c in adj.children if c.dep_ in _SUBJ), None)
        if subj is None or adj.i + 1 >= claim.end:
            continue
        rest = doc[adj.i + 1:claim.end]
        if rest[0].lower_ in ("about", "by", "with", "for", "at", "of", "in"):
            continue
        return CueMatch(cue, doc[t.i:adj.i + 1], _span_of(subj), rest.root, _negated(t))
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
    return _passive(participle, cue) if participle is not None and cue is not None else None


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


CLOSING_QUOTES = frozenset({'"', "”", "''", "’’", "»"})
OPENING_QUOTES = frozenset({'"', "“", "``", "‘‘", "«"})
_NAME_POS = ("PROPN", "NOUN", "ADJ", "DET", "NUM", "PRON")


def _noun_chunk(doc: Doc, start: int, end: int) -> Span | None:
    """The noun phrase from ``start``: names, nouns and their modifiers, up to punctuation."""
    i = start
    while i < end and (doc[i].pos_ in _NAME_POS or doc[i].tag_ == "POS" or doc[i].text == "."
                       and i > start and len(doc[i - 1]) <= 4 and doc[i - 1].is_title):
        if doc[i].pos_ in ("PRON", "DET") and i > start and doc[i - 1].pos_ in ("NOUN", "PROPN"):
            break  # "a demand the commission rejected": two phrases
        i += 1
    while i > start and doc[i - 1].pos_ in ("DET", "ADJ") and not doc[i - 1].is_title:
        i -= 1
    return doc[start:i] if i > start else None


def _verb_read_as_noun(token: Token) -> lexicon.Cue | None:
    """The cue a lowercase present-tense verb tagged as a noun stands for (``state``, ``notes``)."""
    if token.pos_ != "NOUN" or not token.is_lower:
        return None
    cues = lexicon.cues()
    return cues.get((token.lower_, "VERB")) or (cues.get((token.lower_[:-1], "VERB"))
                                                 if token.lower_.endswith("s") else None)


def _after_quotation(claim: Span) -> CueMatch | None:
    """A cue right after a quotation or a comma: ``"…," he said.``, ``"…," said X, …``,
    ``…, police said.``, ``the permit, his campaign said, had been …``.

    Read from the words, not the parse: the small model often hangs such a cue on a word inside
    the quotation, or loses its subject. After a comma the cue must close the clause (nothing but
    a finite-verb-free tail after it, up to the next comma or the end), so that ``…, and he said
    that …`` stays with the parse.
    """
    doc = claim.doc
    closing = quotation_marks(doc.text)[1]
    for t in claim:
        if t.i + 2 >= claim.end or t.i == claim.start:
            continue
        # a closing mark, or an opening one standing as a closing mark ("“Apparently not,“ he said")
        quote = t.text in CLOSING_QUOTES | OPENING_QUOTES and t.idx + len(t) in closing
        if t.text in CLOSING_QUOTES | OPENING_QUOTES:
            if not quote:
                continue
        elif t.text not in (",", "--", "—", "–") or not has_finite_verb(doc[claim.start:t.i]):
            continue
        nxt = doc[t.i + 1]
        cue = lookup(nxt)
        if cue is not None and "clause" in cue.frames:  # "…," said X
            source = _noun_chunk(doc, nxt.i + 1, claim.end)
            verb: Token | None = nxt
        else:  # "…," X said
            source = _noun_chunk(doc, t.i + 1, claim.end)
            if source is None:
                continue
            # "…," Melanne Verveer, a State Department official, wrote: the parse's subject
            subject = next((k for k in doc[source.end:min(claim.end, source.end + 30)]
                            if k.dep_ in ("nsubj",) and k.left_edge.i == t.i + 1
                            and lookup(k.head) is not None), None)
            if subject is not None and source.end < subject.head.i:
                source = _span_of(subject)
            i = source.end
            while i < claim.end and (doc[i].dep_ in ("advmod", "aux", "neg") and doc[i].pos_ != "VERB"
                                     or doc[i].is_space):  # "the judge\xa0said"
                i += 1
            verb = doc[i] if i < claim.end else None
            cue = lookup(verb) if verb is not None else None
            if cue is None and quote and doc[t.i - 1].text in (",", "?", "!") and len(source) >= 2 \
                    and any(k.pos_ in ("NOUN", "PROPN", "PRON") for k in source[:-1]):
                # "…," the Saudis state in the paper: the parse read the verb as the phrase's noun
                verb, cue = source[-1], _verb_read_as_noun(source[-1])
                source = source[:-1]
            if cue is None or "clause" not in cue.frames:
                continue
        assert verb is not None  # the word a cue was found on
        if source is None or verb.tag_ not in FINITE_TAGS | {"VBN"} and _verb_read_as_noun(verb) is None:
            continue
        if not quote:
            after = max(verb.i, source.end - 1) + 1
            stop = next((k for k in range(after, claim.end) if doc[k].text in (",", "--", "—", "–")),
                        claim.end)
            if has_finite_verb(doc[after:stop]) or any(
                    c.dep_ in ("ccomp", "dobj") for c in verb.children) or t.i < claim.start + 3 \
                    or verb.dep_ == "relcl":
                continue
        inside = doc[claim.start:t.i].root  # the quotation's own head: its hedges, nested cues
        return CueMatch(cue, _cue_span(verb), source, inside, _negated(verb))
    return None


def attribute(claim: Span) -> Attribution:
    """The source, cue, cue classes and content head of one claim."""
    head = claim.root
    quoted = _after_quotation(claim)
    chain = [] if quoted is not None else chain_from(head)
    if not chain:
        extra = quoted or _according_to(claim) or _adjective_cue(claim) or _headline_cue(claim)
        if extra is not None:
            chain = [extra]
            if extra.content is not None:
                nested = _nested_cue(extra.content)
                if nested is not None and nested.source is not None:
                    chain.append(nested)
    if not chain:
        adverb = _adverb(head)
        if adverb is not None:
            cls = lexicon.table("adverbs.tsv")[adverb.lower_]
            return Attribution(None, claim.doc[adverb.i:adverb.i + 1], (cls,), head)
        return Attribution(content=head)
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
        speaker = m
    content = chain[-1].content or head
    classes = [m.cls for m in chain]
    # "the hacker allegedly told Keys that …": an attributing adverb on a cue or on the content
    for token in [m.cue_span.root for m in chain] + [content]:
        adverb = _adverb(token)
        if adverb is not None:
            classes.append(lexicon.table("adverbs.tsv")[adverb.lower_])
    return Attribution(speaker.source, speaker.cue_span, tuple(classes), content)
