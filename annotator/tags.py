"""Cue tags read from the words where the small parser goes astray: a cue right after a closing
quotation mark or a comma (``"…," he said``, ``"…," said X, …``, ``…, police said.``, ``…, campaign
finance records show.``), with the noun phrase that names its speaker.

The small model often hangs such a cue on a word inside the quotation, loses its subject, or reads
the cue as the last noun of the speaker's phrase (``the Saudis state``, ``O'Hara notes``).
"""

from spacy.tokens import Doc, Span, Token

from . import lexicon
from .claims import FINITE_TAGS, has_finite_verb, text_of
from .cue_chain import unsaid
from .cues import QUOTE_MARKS, CueMatch, cue_span, lookup, negated, span_of
from .quotations import quotation_marks

_NAME_POS = ("PROPN", "NOUN", "ADJ", "DET", "NUM", "PRON")


def _noun_chunk(doc: Doc, start: int, end: int) -> Span | None:
    """The noun phrase from ``start``: names, nouns and their modifiers, up to punctuation (a
    title read as a verb before a name too: ``screenwriter Cole Haddon``; words joined by hyphens:
    ``the 43-year-old``)."""
    i = start
    while i < end and (doc[i].pos_ in _NAME_POS or doc[i].tag_ == "POS" or doc[i].text == "."
                       and i > start and len(doc[i - 1]) <= 4 and doc[i - 1].is_title
                       or i == start and doc[i].tag_ == "VB" and i + 1 < end and doc[i + 1].pos_ == "PROPN"
                       # "fundraising documents", "leaked emails": a participle before the noun
                       or i == start and doc[i].tag_ in ("VBG", "VBN") and i + 1 < end
                       and doc[i + 1].pos_ == "NOUN" and lookup(doc[i]) is None
                       or doc[i].dep_ == "amod" and doc[i].head.i > i  # "retired neurosurgeon X"
                       # "Federal Election Commission records show": a noun read as a verb
                       or doc[i].dep_ == "compound" and doc[i].head.i > i and doc[i].is_lower
                       and doc[i].tag_ in ("VBZ", "VBP", "VB")
                       or doc[i].tag_ == "HYPH" and i > start and not doc[i - 1].whitespace_
                       and not doc[i].whitespace_ and i + 1 < end and doc[i + 1].pos_ in _NAME_POS):
        if doc[i].pos_ in ("PRON", "DET") and i > start and doc[i - 1].pos_ in ("NOUN", "PROPN"):
            break  # "a demand the commission rejected": two phrases
        i += 1
    while i > start and doc[i - 1].pos_ in ("DET", "ADJ") and not doc[i - 1].is_title:
        i -= 1
    return doc[start:i] if i > start else None


def _past_apposition(doc: Doc, i: int, end: int) -> int:
    """Past a phrase set off by commas at ``i`` (``, 58,``, ``, a spokesman for X,``) when a finite
    word follows it, else ``i``: the parse did not tie the phrase to the name before it."""
    if i >= end or doc[i].text != ",":
        return i
    close = next((k for k in range(i + 1, min(end, i + 14)) if doc[k].text == ","), None)
    if close is None or close + 1 >= end or has_finite_verb(doc[i + 1:close]) \
            or doc[close + 1].tag_ not in FINITE_TAGS:
        return i
    return close + 1


def _joined(doc: Doc, source: Span, end: int) -> Span:
    """``source`` and the phrase ``and`` joins to it when a closing tag ends the clause there
    (``…, campaign and corporate records show.``, ``…, Grassley and Leahy said.``)."""
    if source.end + 1 >= end or doc[source.end].lower_ != "and":
        return source
    second = _noun_chunk(doc, source.end + 1, end)
    if second is None:
        return source
    rest = doc[second.end:end]
    if all(k.is_punct for k in rest) or lookup(rest[0]) is not None and all(k.is_punct for k in rest[1:]):
        return doc[source.start:second.end]
    return source


def _verb_read_as_noun(token: Token) -> lexicon.Cue | None:
    """The cue a lowercase present-tense verb tagged as a noun stands for (``state``, ``notes``)."""
    if token.pos_ != "NOUN" or not token.is_lower:
        return None
    cues = lexicon.cues()
    return cues.get((token.lower_, "VERB")) or (cues.get((token.lower_[:-1], "VERB"))
                                                 if token.lower_.endswith("s") else None)


def after_quotation(claim: Span) -> CueMatch | None:
    """A cue right after a quotation or a comma: ``"…," he said.``, ``"…," said X, …``,
    ``…, police said.``, ``the permit, his campaign said, had been …``.

    Read from the words, not the parse: the small model often hangs such a cue on a word inside
    the quotation, or loses its subject. After a comma the cue must close the clause (nothing but
    a finite-verb-free tail after it, up to the next comma or the end), so that ``…, and he said
    that …`` stays with the parse.
    """
    doc = claim.doc
    closing = quotation_marks(text_of(doc))[1]
    finite = False  # whether the claim's words before t have a finite verb
    for t in claim:
        finite_before, finite = finite, finite or t.tag_ in FINITE_TAGS
        if t.i + 2 >= claim.end or t.i == claim.start:
            continue
        # a closing mark, or an opening one standing as a closing mark ("“Apparently not,“ he said")
        quote = t.text in QUOTE_MARKS and t.idx + len(t) in closing
        if t.text in QUOTE_MARKS:
            if not quote:
                continue
        elif t.text not in (",", "--", "—", "–") or not (finite_before or _parenthetical(claim, t)):
            continue
        found = tag_at(claim, t, quote)
        if found is not None:
            return found
    return None


def _parenthetical(claim: Span, t: Token) -> bool:
    """``Democrats, Frank notes, applaud …``, ``In particular, Will wrote, Christie can …``: a name
    and a finite cue set off by the comma ``t`` and the next one, a clause with a finite verb after
    whose head is no cue of its own (``CNN, Cruz said, called it …``: CNN, the innermost speaker)."""
    doc = claim.doc
    if lookup(claim.root) is not None:
        return False
    name = _noun_chunk(doc, t.i + 1, claim.end)
    if name is None or name.end + 2 >= claim.end:
        return False
    verb, comma = doc[name.end], doc[name.end + 1]
    cue = lookup(verb)
    return cue is not None and "clause" in cue.frames and verb.tag_ in ("VBD", "VBZ", "VBP") \
        and comma.text == "," and has_finite_verb(doc[comma.i + 1:claim.end])


def tag_at(claim: Span, t: Token, quote: bool) -> CueMatch | None:
    """The cue and speaker right after ``t``, a closing mark (``quote``) or a comma of ``claim``."""
    doc = claim.doc
    if quote and t.i + 3 < claim.end and doc[t.i + 1].text == ",":
        t = doc[t.i + 1]  # "… “perhaps”, he told reporters": the comma after the mark
    nxt = doc[t.i + 1]
    cue = lookup(nxt)
    # "…," said X (not "…," told X: the object of "tell" is the hearer)
    if cue is not None and "clause" in cue.frames and nxt.lemma_ != "tell":
        source = _noun_chunk(doc, nxt.i + 1, claim.end)
        verb: Token | None = nxt
    else:  # "…," X said
        source = _noun_chunk(doc, t.i + 1, claim.end)
        if source is None:
            return None
        source = _joined(doc, source, claim.end)
        # "…," Melanne Verveer, a State Department official, wrote: the parse's subject
        subject = next((k for k in doc[source.start:min(claim.end, source.end + 30)]
                        if k.dep_ in ("nsubj",) and k.left_edge.i == t.i + 1
                        and lookup(k.head) is not None), None)
        if subject is not None and source.end < subject.head.i:
            source = span_of(subject)
        i = source.end
        if subject is None:
            i = _past_apposition(doc, i, claim.end)  # "…," Ramos, 58, told AFP
        while i < claim.end and (doc[i].dep_ in ("advmod", "aux", "neg") and doc[i].pos_ != "VERB"
                                 or doc[i].is_space  # "the judge\xa0said"
                                 or subject is not None and doc[i].is_punct and i < subject.head.i):
            if doc[i].text in QUOTE_MARKS:  # "“… the emails, the foundation, all the …,” said X": X's tag
                return None
            i += 1
        verb = doc[i] if i < claim.end else None
        cue = lookup(verb) if verb is not None else None
        ends = all(k.is_punct for k in doc[source.end:claim.end])  # "…, campaign records show."
        if cue is None and (quote and doc[t.i - 1].text in (",", "?", "!") or ends) and len(source) >= 2 \
                and any(k.pos_ in ("NOUN", "PROPN", "PRON") for k in source[:-1]):
            # "…," the Saudis state in the paper, "…, O'Keefe notes.": the parse read the verb as the
            # phrase's noun
            verb, cue = source[-1], _verb_read_as_noun(source[-1])
            source = source[:-1]
        if cue is None or "clause" not in cue.frames:
            return None
    assert verb is not None  # the word a cue was found on
    if source is None or verb.tag_ not in FINITE_TAGS | {"VBN"} and _verb_read_as_noun(verb) is None:
        return None
    if not quote:
        after = max(verb.i, source.end - 1) + 1
        stop = next((k for k in range(after, claim.end) if doc[k].text in (",", "--", "—", "–")),
                    claim.end)
        # a clause the cue takes (after "…, X said" only after it: the one before is what X said)
        # (``…, his aide told The Huffington Post.``: the object of ``tell`` is the hearer)
        if has_finite_verb(doc[after:stop]) or any(c.dep_ in ("ccomp", "dobj") and (
                c.i > verb.i or verb.i == t.i + 1) and not (c.dep_ == "dobj" and verb.lemma_ == "tell")
                for c in verb.children) or t.i < claim.start + 3 and not _parenthetical(claim, t) or unsaid(verb) \
                or verb.dep_ in ("relcl", "acl"):  # "…, a plan announced earlier this year"
            return None
    inside = doc[claim.start:t.i].root  # the quotation's own head: its hedges, nested cues
    if not quote and not has_finite_verb(doc[claim.start:t.i]):
        inside = claim.root  # a parenthetical tag: what it tags is the clause after it
    return CueMatch(cue, cue_span(verb), source, inside, negated(verb))
