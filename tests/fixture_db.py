"""A small claims database for the tests where the NLP output is not what is tested.

:func:`build` writes four short news documents (19 current claims) into a real SQLite file through
the store's own write functions, as ``annotator extract`` does, but with the claims, sources,
cues, labels and entity mentions written out here instead of found by spaCy: a run, the
documents with their blocks (``structure.segment``), claims and mentions
(``store.save_document``), the counts (``store.refresh_counts``). So the schema, the migrations,
the ids, the sources table with its aliases and the search index are the real ones, and a test
knows exactly which claims there are.

The claims cover every filter: three documents with nested sections, every stance, the three
check-worthiness classes, five claim types, sources named by several spellings (``City Council``
as "The council" and "the city council"; ``minister`` as "he"), entities with and without a
leading "the", and one claim of over 400 characters.

With ``reviewed=True`` the database also holds a review history (``REVIEWED``): reviews by two
reviewers (agreed, disputed, adjudicated, a note without a verdict), evidence, a list set, and a
reviewed claim superseded by an edit of its document.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from annotator import identity, store, structure
from annotator.corpus import Document
from annotator.pipeline import DocumentResult
from annotator.store import sets


@dataclass(frozen=True)
class Claim:
    """A claim as the pipeline would find it; ``source`` and ``cue`` are words of ``text``."""

    text: str
    stance: str = "asserted"
    checkworthy: str = "ufs"
    score: float = 0.3
    claim_type: str = "other"
    source: str | None = None
    canonical: str | None = None
    label: str | None = None
    cue: str | None = None
    entities: tuple[tuple[str, str], ...] = ()  # (words of text, label)


# A document: markdown headings, and paragraphs as lists of claims.
Blocks = list[str | list[Claim]]

DOCUMENTS: dict[str, Blocks] = {
    "budget.md": [
        "# City budget",
        [Claim("Maria Lopez, the council's finance chief, said the city will spend 2.4 billion "
               "euros in 2024.", "reported", "cfs", 0.93, "quantity", "Maria Lopez", "Maria Lopez",
               "PERSON", "said", (("Maria Lopez", "PERSON"), ("2.4 billion euros", "MONEY"),
                                  ("2024", "DATE"))),
         Claim("The budget is the largest the city has passed.", "asserted", "cfs", 0.71)],
        "## Roads",
        [Claim("The council said that spending on roads rose by 12% last year.", "reported", "cfs",
               0.88, "quantity", "The council", "City Council", "ORG", "said",
               (("12%", "PERCENT"), ("last year", "DATE"))),
         Claim("Residents claimed that repairs on the ring road had stopped in March.", "alleged",
               "cfs", 0.64, "other", "Residents", "residents", None, "claimed",
               (("March", "DATE"),))],
        [Claim("Lopez denied that any road project had been cancelled.", "denied", "ufs", 0.41,
               "other", "Lopez", "Maria Lopez", "PERSON", "denied", (("Lopez", "PERSON"),))],
        "## Schools",
        [Claim("The city will probably hire 300 teachers by 2026, according to the education "
               "office.", "hedged", "cfs", 0.77, "prediction", "the education office",
               "education office", "ORG", "according to", (("300", "CARDINAL"), ("2026", "DATE"))),
         Claim("Classes start at eight.", "asserted", "nfs", 0.08)],
    ],
    "health.md": [
        "# Hospital waits",
        "## Emergency care",
        [Claim("Waiting times at the central hospital fell by a third after the new ward opened, "
               "the city council said.", "reported", "cfs", 0.9, "correlation_causation",
               "the city council", "City Council", "ORG", "said", (("a third", "CARDINAL"),)),
         Claim("Nurses alleged that the figures left out patients treated in corridors.",
               "alleged", "cfs", 0.69, "other", "Nurses", "nurses", None, "alleged")],
        [Claim("The health ministry is said to be reviewing the data.", "hedged", "ufs", 0.35,
               entities=(("health ministry", "ORG"),))],
        "## Staffing",
        [Claim("A law passed in 2019 requires one nurse for every four patients.", "asserted",
               "cfs", 0.81, "laws_rules", entities=(("2019", "DATE"), ("four", "CARDINAL"))),
         Claim("Dr Amal Haddad said she was proud of her team.", "reported", "nfs", 0.12,
               "personal_experience", "Dr Amal Haddad", "Amal Haddad", "PERSON", "said",
               (("Amal Haddad", "PERSON"),))],
    ],
    "interview.md": [
        "# Interview with the minister",
        [Claim("The minister said that exports to the European Union, which fell sharply during "
               "the pandemic when ports closed and shipping costs tripled, had recovered to 14 "
               "billion euros in 2023, that the trade deficit had narrowed for the third year in "
               "a row, that food prices had stopped rising in every region except the north, and "
               "that the government expected growth of 2.1% next year if energy prices stayed at "
               "their current level.", "reported", "cfs", 0.95, "quantity", "The minister",
               "minister", None, "said",
               (("the European Union", "ORG"), ("14 billion euros", "MONEY"), ("2023", "DATE"),
                ("third", "ORDINAL"), ("2.1%", "PERCENT"), ("next year", "DATE"))),
         Claim("\u201cWe have never been stronger,\u201d he said.", "reported", "nfs", 0.2,
               source="he", canonical="minister", cue="said")],
        [Claim("Opposition leaders denied that exports had recovered.", "denied", "cfs", 0.58,
               "other", "Opposition leaders", "opposition leaders", None, "denied")],
    ],
    "trade.txt": [
        "# Port traffic",
        [Claim("Shipping through the port doubled between 2020 and 2023, the port authority "
               "reported.", "reported", "cfs", 0.84, "quantity", "the port authority",
               "Port Authority", "ORG", "reported", (("2020", "DATE"), ("2023", "DATE")))],
        [Claim("The European Union may tighten rules on imports of steel.", "hedged", "ufs", 0.47,
               "laws_rules", entities=(("The European Union", "ORG"),)),
         Claim("Dock workers alleged that overtime was not paid.", "alleged", "ufs", 0.52,
               "other", "Dock workers", "dock workers", None, "alleged"),
         Claim("Ships arrive daily.", "asserted", "nfs", 0.05)],
    ],
}

# The edit of a document that supersedes a reviewed claim (``reviewed=True``): a sentence gone.
EDITED = ("health.md", "Nurses alleged that the figures left out patients treated in corridors.")


def text_of(blocks: Blocks) -> str:
    """A document's text: one block a line, blank lines between."""
    return "\n\n".join(b if isinstance(b, str) else " ".join(c.text for c in b) for b in blocks) + "\n"


def result_of(path: str, blocks: Blocks) -> DocumentResult:
    """What the pipeline would hand the store for a document: its blocks, claim rows and
    entity mentions, offsets into its text."""
    text = text_of(blocks)
    data = text.encode("utf-8")
    document = Document(path=path, abspath=path, text=text, sha256=hashlib.sha256(data).hexdigest(),
                        size=len(data), encoding="utf-8", format=Path(path).suffix[1:])
    segmented = structure.segment(text)
    paragraphs = [b for b in segmented if b.kind == structure.PARAGRAPH]
    claims_of = [b for b in blocks if not isinstance(b, str)]
    assert len(paragraphs) == len(claims_of), f"{path}: a paragraph was read as something else"
    result = DocumentResult(document, segmented, n_words=len(text.split()))
    for block, claims in zip(paragraphs, claims_of):
        start = block.start
        for i, claim in enumerate(claims):
            start = text.index(claim.text, start)
            result.claims.append(_row(claim, text, start, block, i, path))
            for words, label in claim.entities:
                at = text.index(words, start, start + len(claim.text))
                result.mentions.append({"claim_id": result.claims[-1]["id"], "start": at,
                                        "end": at + len(words), "text": words, "label": label})
            start += len(claim.text)
    return result


def _row(claim: Claim, text: str, start: int, block: structure.Block, sentence: int,
         path: str) -> dict:
    def span(name: str, words: str | None) -> dict:
        if words is None:
            return {name: None, f"{name}_start": None, f"{name}_end": None}
        at = text.index(words, start, start + len(claim.text))
        return {name: words, f"{name}_start": at, f"{name}_end": at + len(words)}

    return {
        "id": identity.claim_id(path, claim.text, 0),  # the store may keep a stored one
        "start": start, "end": start + len(claim.text), "text": claim.text,
        "section_path": block.section_path, "paragraph_index": block.paragraph_index,
        "sentence_index": sentence, "clause_index": 0,
        **span("source", claim.source), "source_canonical": claim.canonical,
        "source_label": claim.label, **span("cue", claim.cue),
        "stance": claim.stance, "checkworthy": claim.checkworthy,
        "checkworthy_score": claim.score, "claim_type": claim.claim_type,
    }


def save(db_path: Path, documents: dict[str, Blocks]) -> None:
    """Store ``documents`` as one run of ``annotator extract`` would."""
    db = store.connect(db_path)
    run_id = store.start_run(db, {"model": "fixture_db", "config": "{}"})
    results = [result_of(path, blocks) for path, blocks in documents.items()]
    for result in results:
        with store.writing(db):
            store.save_document(db, result, run_id)
    store.refresh_counts(db)
    store.finish_run(db, run_id, {
        "n_documents": len(results), "n_extracted": len(results), "n_unchanged": 0, "n_refused": 0,
        "n_claims": sum(len(r.claims) for r in results),
        "n_words": sum(r.n_words for r in results), "refused": "[]"})
    db.close()


def claim_id(db_path: Path, text: str) -> str:
    """The id of the current claim whose text starts with ``text``."""
    db = store.connect(db_path)
    try:
        (found,) = db.execute("select id from claims where superseded = 0 and text like ? || '%'",
                              [text]).fetchall()
    finally:
        db.close()
    return found[0]


# The review history of ``reviewed=True``: (reviewer, start of the claim's text, verdict, note).
REVIEWED = [
    ("alice", "The council said", "true", None),
    ("bob", "The council said", "true", "matches the budget book"),  # agreed
    ("alice", "Maria Lopez", "false", "the budget says 2.1 billion"),
    ("bob", "Maria Lopez", "misleading", None),  # disputed ...
    ("alice", "Waiting times", None, "ask the hospital for its figures"),  # a note, no verdict yet
    ("alice", "Nurses alleged", "unverifiable", None),  # ... and superseded by an edit
]


def build(path: Path, *, reviewed: bool = False) -> Path:
    """Write the small database at ``path`` (see the module's docstring); returns ``path``."""
    save(path, DOCUMENTS)
    if reviewed:
        db = store.connect(path)
        for reviewer, text, verdict, note in REVIEWED:
            store.add_review(db, claim_id(path, text), reviewer, verdict, note)
        disputed = claim_id(path, "Maria Lopez")
        store.add_review(db, disputed, "carol", "false", "checked the budget book",
                         kind="adjudication")
        store.add_evidence(db, disputed, "carol", "https://example.org/budget-2024.pdf",
                           relation="refutes")
        sets.create_set(db, "to check", creator="alice", description="Numbers to check",
                        claim_ids=[claim_id(path, "A law passed"), claim_id(path, "Shipping")])
        db.close()
        name, gone = EDITED
        edited = [b if isinstance(b, str) else [c for c in b if c.text != gone]
                  for b in DOCUMENTS[name]]
        save(path, {name: edited})
    return path
