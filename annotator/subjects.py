"""A cue's subject the small parser loses behind phrases set off by commas or dashes.

``GOP front-runner Donald Trump - who previously said … - said at a rally that …``, ``Neil Sroka,
communications director of …, or DFA - which … - said …``, ``Mr. Slinker, whose latest start-up,
Paradata, uses …, said …``: a long parenthetical leads the parser to hang the cue inside it, and
the cue is left without a subject. Read from the words: a clause opening with a noun phrase, then
only set-off phrases (appositions, relative clauses, participles, adverbs), then a finite cue with
no subject of its own: the noun phrase is the cue's subject.
"""

from spacy.tokens import Doc, Span, Token

from .claims import FINITE_TAGS
from .cues import QUOTE_MARKS, CueMatch, complement, cue_span, lookup, negated, span_of, subject_of

WH_TAGS = frozenset({"WDT", "WP", "WP$", "WRB"})
_NOMINAL = frozenset({"PROPN", "NOUN", "ADJ", "DET", "NUM"})
_INTRO_ENTITIES = frozenset({"DATE", "TIME"})


def is_mark(token: Token) -> bool:
    """A comma or a dash setting a phrase off; a hyphen only with spaces (not ``front-runner``)."""
    if token.text in (",", "--", "—", "–", "―"):
        return True
    return token.text == "-" and bool(token.whitespace_) and token.i > 0 and bool(
        token.doc[token.i - 1].whitespace_)


def _noun_phrase(doc: Doc, start: int, end: int) -> bool:
    """``doc[start:end]`` is a noun phrase alone: names, nouns and their modifiers, ``of``."""
    words = [t for t in doc[start:end] if not t.is_space]
    if not words or words[-1].pos_ not in ("PROPN", "NOUN") or words[0].lower_ == "of":
        return False
    for t in words:
        inner_hyphen = t.tag_ == "HYPH" and not t.whitespace_ and t.i > 0 and not doc[t.i - 1].whitespace_
        about = t.pos_ == "ADV" and t.i + 1 < end and doc[t.i + 1].pos_ == "NUM"  # "about two-thirds"
        if not (t.pos_ in _NOMINAL or t.tag_ in ("POS", "PRP$") or inner_hyphen or t.lower_ == "of" or about
                or t.text == "." and t.i > 0 and not doc[t.i - 1].whitespace_):
            return False
    return not all(t.ent_type_ in _INTRO_ENTITIES for t in words if t.pos_ in ("NOUN", "PROPN"))


def _set_off(phrase: Span, relative: bool) -> bool:
    """A phrase between marks that can stand between a subject and its verb."""
    finite = [t for t in phrase if t.tag_ in FINITE_TAGS]
    # "a director of …", "or DFA", "later alleging", "now 81 and retired in …" (no subject of its own)
    if not finite or relative or not any(t.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") for t in phrase):
        return True
    # "who previously said …", "a Manafort rival whom Trump fired …", "in a line that seemed …"
    return any(t.tag_ in WH_TAGS for t in phrase if t.i < finite[0].i)


def _intro(phrase: Span) -> bool:
    """``Last month,``, ``On CNN Tuesday,``: a phrase opening the clause before its subject."""
    if any(t.tag_ in FINITE_TAGS for t in phrase):
        return False
    first = next((t for t in phrase if not t.is_space), None)
    return first is not None and (first.pos_ == "ADP" or first.ent_type_ in _INTRO_ENTITIES)


def _opening(claim: Span, before: int) -> tuple[int, Token | None]:
    """Where the clause holding a cue at ``before`` opens, and the head of a quotation closed there:
    after ``"…,"`` (``"…," Mr. Haas, now 74 and retired in …, said``), after a colon (``Voter
    participation: Sanders, whose …, said``), after ``But``."""
    doc = claim.doc
    start, quotation = claim.start, None
    for k in range(claim.start + 1, before):
        if doc[k].text == ":" or doc[k].text in QUOTE_MARKS and doc[k - 1].text in (",", "?", "!"):
            start = k + 1
            quotation = doc[claim.start:k - 1].root if doc[k].text != ":" else None
    while start < before and (doc[start].pos_ == "CCONJ" or doc[start].is_space):
        start += 1
    return start, quotation


def subject_before(claim: Span, verb: Token) -> tuple[Span, Token | None] | None:
    """The noun phrase opening ``verb``'s clause in ``claim``, its subject past set-off phrases,
    and the head of a quotation before it (see :func:`_opening`); or None.

    ``verb`` follows a mark directly (adverbs and auxiliaries aside: ``- have also said``), or the
    noun phrase itself after intro phrases (``In an interview with X, Y and Z, the candidate
    stated …``, where the parse made the phrase an apposition of Z).
    """
    doc = claim.doc
    i = verb.i - 1
    while i > claim.start and not is_mark(doc[i]) and doc[i].dep_ in ("advmod", "aux", "neg") \
            and doc[i].pos_ in ("ADV", "AUX", "PART"):
        i -= 1
    if i <= claim.start:
        return None
    start, quotation = _opening(claim, i)
    marks = [k for k in range(start, i + 1) if is_mark(doc[k])]
    pieces = [doc[a + 1:b] for a, b in zip([start - 1] + marks, marks)]
    if not is_mark(doc[i]):
        last = doc[(marks[-1] + 1 if marks else start):i + 1]
        if pieces and all(_intro(p) for p in pieces) and _noun_phrase(doc, last.start, last.end):
            return last, quotation
        return None
    # the subject: the first piece that is a noun phrase, after intro phrases ("Last month,")
    n = 0
    while n < len(pieces) - 1 and not _noun_phrase(doc, pieces[n].start, pieces[n].end) and _intro(pieces[n]):
        n += 1
    subject, rest = pieces[n], pieces[n + 1:]
    if not rest or not _noun_phrase(doc, subject.start, subject.end):
        return None
    relative = participle = False
    for phrase in rest:
        if not len(phrase):
            return None
        # "later alleging - again falsely - that …": the participle's clause
        if not (phrase[0].lower_ == "that" and participle or _set_off(phrase, relative)):
            return None
        relative = relative or phrase[0].lower_ == "that" or any(t.tag_ in WH_TAGS for t in phrase)
        participle = participle or any(t.tag_ in ("VBG", "VBN") for t in phrase)
    return subject, quotation


def set_off_cue(claim: Span) -> CueMatch | None:
    """A finite cue right after a set-off phrase, with :func:`subject_before` as its source."""
    for t in claim:
        cue = lookup(t)
        if cue is None or not (t.tag_ in FINITE_TAGS or t.tag_ == "VBN" and any(
                c.dep_ == "aux" and c.tag_ in FINITE_TAGS for c in t.children)):
            continue
        found = subject_before(claim, t) if {"clause", "predicative"} & cue.frames else None
        if found is None:
            continue
        subject, quotation = found
        if quotation is not None and "clause" in cue.frames:  # "…," X, …, said: the quotation
            return CueMatch(cue, cue_span(t), subject, quotation, negated(t))
        ok, content = complement(t, cue)
        if ok:
            return CueMatch(cue, cue_span(t), subject, content, negated(t))
    return None


def _present(verb: Token) -> bool:
    return verb.tag_ in ("VBZ", "VBP") or any(c.dep_ == "aux" and c.tag_ in ("VBZ", "VBP") for c in verb.children)


def outer_conjunct(outer: CueMatch, inner: CueMatch) -> bool:
    """Whether ``inner``, a cue the parse coordinated with ``outer``'s content and gave that
    content's subject, coordinates with ``outer`` itself: ``He said the base went … and said …``
    (the same cue again), ``Clinton said Trump is … and accused him …`` (past after present),
    ``strategists fear that Clinton has missed … and warn that …`` (a plural verb, a singular
    subject). Then it is the outer speaker's, not the content's subject's."""
    verb, node = inner.cue_span.root, outer.content
    if node is None or verb.dep_ != "conj" or verb.head != node or any(
            c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return False
    subject = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    disagrees = subject is not None and (verb.tag_ == "VBP" and subject.tag_ in ("NN", "NNP")
                                         or verb.tag_ == "VBZ" and subject.tag_ in ("NNS", "NNPS"))
    return verb.lemma_ == outer.cue_span.root.lemma_ or verb.tag_ == "VBD" and _present(node) or disagrees


def as_clause_cue(head: Token) -> CueMatch | None:
    """``As Clinton told the Daily News, tax relief is …``, ``As POLITICO has reported, …``, ``As
    reported by X, …``: an ``as`` clause before the head whose cue attributes the head's clause."""
    for c in head.children:
        cue = lookup(c)
        if c.dep_ != "advcl" or c.i > head.i or cue is None or "clause" not in cue.frames or not any(
                m.dep_ == "mark" and m.lower_ == "as" for m in c.children) or any(
                g.dep_ in ("ccomp", "xcomp") for g in c.children):
            continue
        agent = next((g for g in c.children if g.dep_ == "agent"), None)
        subject = next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None \
            else subject_of(c)
        if subject is not None and subject.lower_ not in ("it", "which", "that", "you", "i", "we"):
            return CueMatch(cue, cue_span(c), span_of(subject), head, negated(c))
    return None


def _dash(token: Token) -> bool:
    """A dash setting a dateline off (a hyphen only with spaces: not ``(I-Vt.)``)."""
    return token.text != "," and is_mark(token)


def _dateline(words: Span) -> bool:
    """``words`` open a paragraph as a dateline does: capitals (a place, not an organisation) or a
    news agency in brackets, names and numbers only (``WASHINGTON``, ``Dec 29 (Reuters)``)."""
    names = [t for t in words if not t.is_punct]
    agency = any(t.text == "(" for t in words) and words[-1].text == ")"
    capitals = any(t.is_upper and len(t) > 2 for t in names) and not any(t.ent_type_ == "ORG" for t in names)
    return bool(names) and (agency or capitals) and all(t.pos_ in ("PROPN", "NUM") or t.is_upper for t in names)


def without_dateline(source: Span | None) -> Span | None:
    """``source`` without a dateline the parse took into it (``WASHINGTON -- President Obama``,
    ``Dec 29 (Reuters) - U.S. Democratic presidential candidate Hillary Clinton``), or the subject
    after the dateline where the parse took the dateline for the subject (``SPRINGFIELD, Ill. — Gov.
    X … blamed``): words opening the paragraph up to its one dash (not ``NATO -- the alliance --``)."""
    if source is None or source.start != 0:
        return source
    doc = source.doc
    if source.end < len(doc) and _dash(doc[source.end]) and _dateline(source):
        after = next((c for c in source.root.head.children if c.dep_ in ("nsubj", "nsubjpass")
                      and c.i > source.end), None)
        return span_of(after) if after is not None and source.root.dep_ in ("nsubj", "nsubjpass") else source
    dashes = [t.i for t in source if _dash(t) and t.i > source.start]
    dash = dashes[0] if len(dashes) == 1 and dashes[0] < 12 else None
    if dash is not None and dash + 1 < source.end and _dateline(doc[source.start:dash]):
        return doc[dash + 1:source.end]
    return source
