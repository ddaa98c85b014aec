"""Cue words in the parse: which word attributes, its span, its subject, the clause it takes.

Token-level reading for the attribution rules (:mod:`.attribution`) and the learned attribution model
(:mod:`.attribution_model`): a word is a cue by the lexicon (``lexicons/cues.tsv``) and its frame;
:func:`cue_match` reads one word heading a clause (:mod:`.cue_chain` the chain of cues from a claim's
head inward).
"""

from dataclasses import dataclass

from spacy.tokens import Span, Token

from . import lexicon
from .claims import FINITE_TAGS, text_of
from .quotations import quotation_marks

SUBJ = ("nsubj", "nsubjpass", "csubj")
NEGATION_AFFIRMS = frozenset({"doubt"})
_BLOCKED = ("relcl", "acl", "amod", "compound", "pcomp", "pobj", "advmod", "npadvmod", "appos")
# A cue's other sense, told by a preposition: "exposed the system to risk" reveals nothing.
OTHER_SENSE = {"expose": "to"}
CLOSING_QUOTES = frozenset({'"', "”", "''", "’’", "»"})
OPENING_QUOTES = frozenset({'"', "“", "``", "‘‘", "«"})
QUOTE_MARKS = CLOSING_QUOTES | OPENING_QUOTES


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




def lookup(token: Token) -> lexicon.Cue | None:
    cues = lexicon.cues()
    if token.pos_ in ("VERB", "AUX"):
        found = cues.get((token.lemma_.lower(), "VERB"))
        if found:
            return found
    if token.pos_ in ("ADJ", "VERB"):
        return cues.get((token.lower_, "ADJ"))
    # "But Trump claims that he …": a cue verb the parse tagged as a noun, with a subject and a clause
    if token.pos_ == "NOUN" and token.is_lower and any(c.dep_ == "nsubj" for c in token.children) \
            and any(c.dep_ == "ccomp" for c in token.children):
        return cues.get((token.lemma_.lower(), "VERB"))
    return None


def negated(token: Token) -> bool:
    return any(c.dep_ == "neg" for c in token.children)


def cue_span(token: Token) -> Span:
    """The cue word with its particle, and with its auxiliaries and negation when negated."""
    doc = token.doc
    start, end = token.i, token.i + 1
    for c in token.children:
        if c.dep_ == "prt" and c.i == end:
            end = c.i + 1
    if negated(token):
        before = [c.i for c in token.children if c.dep_ in ("aux", "neg", "auxpass") and c.i < token.i]
        if before:
            start = min(before)
    return doc[start:end]


def subject_of(token: Token) -> Token | None:
    near = _set_off_subject(token)
    if near is not None:
        return near
    for c in token.children:
        if c.dep_ in SUBJ:
            if c.pos_ in ("VERB", "AUX"):  # "X reports, Y has denied": the parse took the verb
                nouns = [g for g in c.children if g.dep_ in ("npadvmod", "dobj") and g.i > c.i]
                if nouns:
                    return nouns[0]
                # a name read as a verb: "Your Baby Can", "Trump defended …" (a bare word opening the sentence)
                return c if c.is_title and (c.i > 0 or c.tag_ == "VB" and all(
                    g.dep_ in ("cc", "conj", "compound") for g in c.children)) else None
            return c
    if token.dep_ == "conj" and token.head.pos_ in ("VERB", "AUX"):
        return subject_of(token.head)
    # "Trump took to Twitter to accuse …", "he went on to say …": the head's subject speaks
    if token.dep_ in ("xcomp", "advcl") and token.tag_ == "VB" and token.head.lemma_.lower() in \
            lexicon.words("say_through.txt"):
        head = token.head.head if token.head.dep_ == "acomp" else token.head
        return subject_of(head)
    return None


def _set_off_subject(token: Token) -> Token | None:
    """Of two subjects the parse gave ``token``, the one of its own clause where the other is the
    sentence's (``Hawaii, as one of his advisers pointed out, …``) or a place or time ending an
    opening phrase (``Speaking in Salem, New Hampshire, Trump went after …``); else None."""
    doc = token.doc
    subjects = [c for c in token.children if c.dep_ in SUBJ and c.i < token.i and c.is_alpha]
    if len(subjects) < 2:
        return None
    far, near = subjects[-2], subjects[-1]
    before = doc[near.left_edge.i - 1] if near.left_edge.i > 0 else None
    if before is not None and (before.lower_ == "as" and before.i > 0 and doc[before.i - 1].is_punct
                               or before.text == "," and far.ent_type_ in (
            "GPE", "LOC", "DATE", "TIME")):
        return near
    return None


def _balanced(text: str) -> bool:
    return text.count('"') % 2 == 0 and all(
        text.count(a) == text.count(b) for a, b in ("“”", "«»", "()", "[]"))


def span_of(token: Token) -> Span:
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
    while end > start and (doc[end - 1].is_punct and doc[end - 1].text not in ")]%"
                           or doc[end - 1].is_space):
        end -= 1
    return doc[start:end]


def complement(token: Token, cue: lexicon.Cue) -> tuple[bool, Token | None]:
    """Whether ``token`` has a complement its frames allow, and the clause head if clausal."""
    kids = list(token.children)
    if "clause" in cue.frames or "predicative" in cue.frames:
        for c in kids:
            # "says Trump's flurry … was “unhinged …”": a clause whose predicate the parse made its head
            # (or a small clause: "a survey found both men largely unknown")
            # "said Obama's words and actions “amount to …”": a verb read as a noun, its subject as a modifier
            if c.dep_ in ("ccomp", "parataxis") and (c.pos_ in ("VERB", "AUX") or c.i > token.i and any(
                    g.dep_ in SUBJ and g.i < c.i for g in c.children) or c.dep_ == "ccomp" and c.pos_ == "NOUN"
                    and c.i > token.i + 1 and any(g.dep_ == "nmod" and g.i < c.i for g in c.children)):
                return True, c
    if "clause" in cue.frames:
        # "Limbaugh added:", "Trump said Friday: …", "Kelly responded pointedly, with a smile: …"
        doc = token.doc
        i = token.i + 1
        phrases = {k.i for c in kids if c.dep_ in ("prt", "advmod", "npadvmod", "prep") and c.i > token.i
                   for k in c.subtree if k.text != ":"}
        while i < len(doc) and (i in phrases or doc[i].text == "," or doc[i].dep_ == "pobj" and doc[i].head.head == token):
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
                and doc[j + 1].idx in quotation_marks(text_of(doc))[0]:
            return True, None
        # "X asserted that …", "X told the meeting that …" even where the parse lost the clause
        after = [token.i + 1] + [c.right_edge.i + 1 for c in kids if c.dep_ in ("dobj", "dative", "prep")
                                 and c.i > token.i]
        # "said in an oral history of the … years that …": the first "that" before another verb
        i, skip = token.i + 1, False  # skip: inside ", where he is …," after the cue's phrase
        while i < min(len(doc), token.i + 24):
            if doc[i].text == "," and i + 1 < len(doc) and (skip or doc[i + 1].tag_ in ("WDT", "WP", "WRB")):
                skip, i = not skip, i + 1
            if not skip and (doc[i].lower_ == "that" or doc[i].tag_ in FINITE_TAGS or doc[i].text in ",;:"):
                after.append(i)
                break
            i += 1
        for i in after:
            nxt = doc[i] if i < len(doc) else None
            if nxt is not None and nxt.lower_ == "that" and nxt.dep_ == "mark" and nxt.head != token \
                    and nxt.head.i > token.i:
                return True, nxt.head
            # "writes in The Atlantic that Trump exhibits …": the clause's verb read as a noun
            # "tweeted in the early morning hours that Machado was …": the clause read as adverbial
            if nxt is not None and nxt.lower_ == "that" and nxt.head.head == token and (
                    nxt.head.dep_ == "ccomp" or nxt.head.dep_ == "advcl" and nxt.head.i > nxt.i
                    and any(g.dep_ in SUBJ for g in nxt.head.children)):
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
    # "A recent survey found 90 percent support for …": a finding's object, its subject a document
    if "finding_object" in cue.frames \
            and any(c.dep_ == "dobj" and c.lower_ not in ("that", "this", "it") for c in kids) \
            and any(c.dep_ == "nsubj" and c.lower_ in lexicon.words("document_nouns.txt") for c in kids):
        return True, None
    return False, None


def _quoted_predicate(obj: Token) -> bool:
    """A quotation opens right after a noun of ``obj``'s phrase (``the use of executive orders "…"``;
    ``Merkel “The Chancellor …”``, where the parse made the quoted words the object)."""
    doc = obj.doc
    opening = quotation_marks(text_of(doc))[0]
    for i in range(obj.left_edge.i + 1, min(obj.right_edge.i + 2, len(doc))):
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
    if guilty is None or subj is None or not (negated(token) or negated(guilty) or guilty.lower_ == "innocent"):
        return None
    end = max([guilty.i] + [c.i for c in guilty.children if c.dep_ == "neg"]) + 1
    return CueMatch(PLEA, token.doc[token.i:end], span_of(subj), None, False)


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
    return CueMatch(cue, token.doc[start:verb.i + 1], span_of(obj), content,
                    negated(token) or negated(verb))


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
        return passive(token, cue)
    ok, content = complement(token, cue)
    subj = subject_of(token)
    if ok and subj is None and token.tag_ in ("VBD", "VBZ") and token.dep_ in ("ROOT", "ccomp"):
        name = _name_before(token)  # "Jolly said he has worked …": the parse read the name as an adverb
        if name is not None:
            return CueMatch(cue, cue_span(token), name, content, negated(token))
    if not ok or subj is None:
        return None
    source = span_of(subj)
    if subj.is_punct and subj.pos_ == "PUNCT" or not _balanced(subj.doc[subj.left_edge.i:subj.right_edge.i + 1].text):
        source = _noun_phrase_before(token) or source
    return CueMatch(cue, cue_span(token), source, content, negated(token))


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


def passive(token: Token, cue: lexicon.Cue) -> CueMatch | None:
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
    return CueMatch(cue, cue_span, span_of(by) if by is not None else None, content, negated(token))
