"""Clause-level claims at an embedded cue: a sentence that holds a second attribution in one of
its subordinate clauses is split there, so that each clause is a claim with its own source and cue.

The guide allows clause-level claims and asks for two claims where two clauses have different
sources or stances. A sentence's claim has one source, the speaker of its main statement; a cue
in a subordinate clause with a speaker of its own is a second statement:

- a participle or a coordinated verb after a main clause attributed by another cue: ``X said A,
  adding that B`` (``adding that B``, X's), ``X admitted A, but said B``;
- a relative clause opened by ``where``, ``when`` or a preposition and ``which``, with its own
  subject: ``Patriot chose to file in Richmond, Va., where restructuring experts say some judges
  …`` (``restructuring experts say some judges …``);
- an adverbial clause with its own subject, after the main clause (``…, while Cruz said that …``)
  or before it (``Although Weiner admitted that A, he claimed B``).

Only where the cue has a speaker and a clause or quotation its lexicon frame allows, and where
both pieces keep a finite verb: a piece is a clause with its reporting structure, never a
fragment. The clause split off is never longer than the main clause left: the guide's gold keeps
such a sentence whole with its main clause's attribution (``Khartoum denies A and says B``), and
its scorer reads the claim that overlaps a gold claim most. The
relative or subordinating word is left out of the piece (it belongs to neither statement). A
relative clause whose relative word is a part of what is said (``a bill which critics said was
discriminatory``, ``moves that he said improved …``) is not split: its content has a gap. Nor is
a clause inside the sentence with words of the main clause after it: claims are contiguous.
"""

from spacy.tokens import Span, Token

from .claims import FINITE_TAGS, has_finite_verb, text_of, trim
from .cues import (
    QUOTE_MARKS,
    CueMatch,
    complement,
    cue_match,
    cue_span,
    lookup,
    negated,
    span_of,
)
from .quotations import quotation_spans
from .subjects import WH_TAGS

# a subordinate clause's first words that belong to neither statement: "where", "in which", "while"
_OPENERS = frozenset({"advmod", "prep", "pobj", "mark", "cc", "punct"})
_EMBEDDED = frozenset({"relcl", "advcl", "conj"})  # the relations of a subordinate or added clause
_EDGE = frozenset({",", ";", "--", "—", "–", "-", ":"})
_NOT_STATEMENT_MARKS = frozenset({"as", "if", "unless", "whether", "because", "so", "than", "until"})


def _own_subject(verb: Token) -> Token | None:
    """``verb``'s own nominal subject: not a relative pronoun (``who said …``), not a clause."""
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None or subj.tag_ in WH_TAGS or subj.lower_ in ("that", "which", "who") \
            or subj.pos_ not in ("PROPN", "NOUN", "PRON", "NUM", "DET", "ADJ"):
        return None
    return subj


def _says_a_clause(verb: Token) -> tuple[bool, Token | None]:
    """``verb``, a cue, takes a clause or a quotation its lexicon frame allows (not an act with
    its object: ``after official returns show X``), and the clause has no gap (``claims that the
    report could not corroborate``); with the clause's head, when it has one."""
    cue = lookup(verb)
    ok, content = complement(verb, cue) if cue is not None else (False, None)
    nxt = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    if nxt is not None and nxt.lower_ == "that" and nxt.dep_ != "mark":
        return False, None
    return ok and (content is not None or _quoted(verb)), content


def embedded_cue(verb: Token) -> CueMatch | None:
    """``verb`` as the cue of a subordinate clause with a speaker: its own subject, or for a
    participle or coordinated verb without one, the subject of the clause it hangs on when that
    clause has a cue of its own. None otherwise."""
    cue = lookup(verb)
    if cue is None or verb.dep_ not in _EMBEDDED or any(
            c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        return None
    ok, content = _says_a_clause(verb)
    if not ok or _in_statement(verb):
        return None
    subj = _own_subject(verb) if verb.dep_ != "conj" else None  # a conjunct's own: claims.split_clauses
    if subj is not None:
        if verb.dep_ == "relcl" and not _relative_opener(verb, subj):
            return None
        if verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _NOT_STATEMENT_MARKS
                                        for c in verb.children):
            return None
        if not (verb.tag_ in FINITE_TAGS or any(c.dep_ == "aux" and c.tag_ in FINITE_TAGS for c in verb.children)):
            return None
        return CueMatch(cue, cue_span(verb), span_of(subj), content, negated(verb))
    if verb.dep_ == "relcl" or any(c.dep_ in ("nsubj", "csubj", "expl") for c in verb.children):
        return None
    # "X said A, adding that B", "X admitted A, but said B": the head's speaker, another cue
    head = verb.head
    outer = cue_match(head)
    if outer is None or outer.source is None or outer.cue_span.root == verb:
        return None
    if verb.dep_ == "advcl" and verb.tag_ != "VBG":
        return None
    # a conjunct joined by "and" or "but": after a comma alone it is a noun misread ("…, claims that")
    if verb.dep_ == "conj" and not any(c.dep_ == "cc" and c.i < verb.i for c in head.children):
        return None
    return CueMatch(cue, cue_span(verb), outer.source, content, negated(verb))


def _in_statement(verb: Token) -> bool:
    """``verb``'s clause is a part of what another cue of its sentence introduces (``X says he
    knew little before he announced …``, ``noting her comments in which she said …``): the outer
    speaker's words; not a clause beside the cue's (``X said A, adding B``, ``while Y said B``)."""
    child = verb
    for a in verb.ancestors:
        # "Rubio suggested A, while Cruz said B": a clause beside the cue's, not inside it
        if lookup(a) is not None and child.dep_ not in ("advcl", "conj"):
            return True
        child = a
    return False


def _relative_opener(verb: Token, subj: Token) -> bool:
    """The relative clause opens with ``where``, ``when`` or ``in which``: the relative word is no
    part of what is said (not ``which critics said was …``)."""
    doc = verb.doc
    words = [t for t in doc[verb.left_edge.i:subj.left_edge.i] if not t.is_punct and not t.is_space]
    wh = [t for t in words if t.tag_ in WH_TAGS]
    return len(wh) == 1 and all(
        t.head == verb and (t.tag_ == "WRB" or t.dep_ == "prep" or t.dep_ == "advmod")
        or t.dep_ == "pobj" and t.head.dep_ == "prep" and t.head.head == verb for t in words) and (
        wh[0].lower_ in ("where", "when") or wh[0].dep_ == "pobj")


def _quoted(verb: Token) -> bool:
    """A quotation opens right after the cue and a comma or colon (``adding, "…"``)."""
    doc = verb.doc
    i = verb.i + 1
    return i + 1 < len(doc) and doc[i].text in (",", ":") and doc[i + 1].text in QUOTE_MARKS


def _piece_start(verb: Token, m: CueMatch) -> int | None:
    """Where the piece of ``verb``'s clause starts: its subject, or the verb (with its adverbs)."""
    doc = verb.doc
    own = m.source is not None and m.source.root.head == verb
    first = m.source.start if own and m.source is not None else verb.i
    if not own:
        while first > verb.left_edge.i and doc[first - 1].dep_ in ("advmod", "aux", "neg", "npadvmod") \
                and doc[first - 1].head == verb:
            first -= 1
    if any(not (t.is_punct or t.is_space or t.dep_ in _OPENERS or t.tag_ in WH_TAGS)
           for t in doc[verb.left_edge.i:first]):
        return None
    return first


def _quoted_word(token: Token) -> bool:
    """``token`` stands inside a quotation: its speaker's words, whoever they name."""
    i = token.idx
    return any(a < i < b for a, b in quotation_spans(text_of(token.doc)))


def _ends_at(token: Token, end: int) -> bool:
    """``token``'s subtree runs to ``end``, closing punctuation aside."""
    doc = token.doc
    last = token.right_edge.i + 1
    return last == end or last < end and all(t.is_punct or t.is_space for t in doc[last:end])


def _left(span: Span, end: int) -> Span | None:
    doc = span.doc
    while end > span.start and (doc[end - 1].text in _EDGE or doc[end - 1].dep_ == "cc" or doc[end - 1].is_space):
        end -= 1
    piece = trim(doc[span.start:end]) if end > span.start else None
    return piece if piece is not None and has_finite_verb(piece) else None


def split(claim: Span) -> list[Span]:
    """``claim`` as clause-level claims at embedded cues, or ``[claim]``. The clause split off is
    never longer than the main clause left: the sentence's claim stays its main statement."""
    root = claim.root
    doc = claim.doc
    for verb in claim:
        if verb.dep_ not in _EMBEDDED or verb.pos_ not in ("VERB", "AUX") or lookup(verb) is None:
            continue
        m = embedded_cue(verb)
        if m is None:
            continue
        start = _piece_start(verb, m)
        if start is None or _quoted_word(verb):
            continue
        if verb.i > root.i and start > claim.start and _ends_at(verb, claim.end):  # after the main clause, to its end
            piece = trim(doc[start:claim.end])
            left = _left(claim, verb.left_edge.i)
            if piece is None or left is None or not has_finite_verb(piece):
                continue
            pieces = [*split(left), piece]
        elif verb.i < root.i and verb.dep_ == "advcl" and verb.head == root:  # "Although X said A, Y …"
            after = verb.right_edge.i + 1
            if after >= claim.end or doc[after].text != "," or any(
                    not (t.is_punct or t.is_space or t.dep_ in _OPENERS) for t in doc[claim.start:verb.left_edge.i]):
                continue
            piece = _left(doc[start:after], after)
            rest = trim(doc[after + 1:claim.end])
            if piece is None or rest is None or not has_finite_verb(rest):
                continue
            pieces = [piece, *split(rest)]
        else:
            continue
        main = next(p for p in pieces if p.start <= root.i < p.end)
        if len(piece.text) <= len(main.text):
            return pieces
    return [claim]


def piece_cue(claim: Span) -> CueMatch | None:
    """The attribution of a piece :func:`split` made: its head is an embedded cue whose clause
    hangs on words outside the piece."""
    head = claim.root
    if claim.start <= head.head.i < claim.end or head.head == head:
        return None
    return embedded_cue(head)
