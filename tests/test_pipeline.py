"""annotator/pipeline.py on the bundled corpus extracted with the real model: every claim's offsets,
headings and list items, provenance, search; paragraphs parsed in pieces; headlines.
(Extraction runs: test_extract.py; what the store keeps of them: test_store_documents.py.)"""

import json

from conftest import CORPUS, SEED, rows

from annotator.structure import HEADING, LIST_ITEM


def test_offset_invariant_on_every_stored_claim(corpus_db):
    claims = rows(corpus_db, "select c.*, d.text as doc_text from claims c join documents d on d.id = c.document_id")
    assert len(claims) > 80
    for c in claims:
        assert c["doc_text"][c["start"]:c["end"]] == c["text"]
        if c["source"]:
            assert c["doc_text"][c["source_start"]:c["source_end"]] == c["source"]
        if c["cue"]:
            assert c["doc_text"][c["cue_start"]:c["cue_end"]] == c["cue"]
    mentions = rows(corpus_db, "select ce.*, d.text as doc_text from claim_entities ce "
                    "join claims c on c.id = ce.claim_id join documents d on d.id = c.document_id")
    assert mentions
    for m in mentions:
        assert m["doc_text"][m["start"]:m["end"]] == m["text"]


def test_seed_headings_and_list_items_never_become_claims(corpus_db):
    blocks = rows(corpus_db, "select b.* from blocks b join documents d on d.id = b.document_id "
                  "where d.path = ?", [SEED.name])
    headings = [b for b in blocks if b["kind"] == HEADING]
    items = [b for b in blocks if b["kind"] == LIST_ITEM]
    assert [h["text"] for h in headings] == [
        "Diplomatic relations.", "International organizations.", "Disputes.",
        "Nagorno-Karabakh/Azerbaijan.", "Caviar diplomacy.", "ESISC report.",
    ]
    assert len(items) == 45 and items[0]["text"] == "AsDB" and items[-1]["text"] == "WTrO(observer)"
    claims = rows(corpus_db, "select c.start, c.end from claims c where c.doc = ?", [SEED.name])
    for b in headings + items:
        assert not any(c["start"] < b["end"] and b["start"] < c["end"] for c in claims), b["text"]


def test_provenance_and_section_paths(corpus_db):
    (c,) = rows(corpus_db, "select * from claims where text like 'In 1992 a war broke out%'")
    assert c["section_path"] == "Disputes > Nagorno-Karabakh/Azerbaijan"
    assert c["doc"] == SEED.name and len(c["doc_sha256"]) == 64
    assert c["paragraph_index"] is not None and c["sentence_index"] == 2
    (run,) = rows(corpus_db, "select * from runs where id = ?", [c["run_id"]])
    assert run["status"] == "done" and run["model"] and run["model_version"] and run["spacy_version"]
    assert json.loads(run["config"])["pipeline"][-1] == "annotator_checkworthy"
    assert run["n_claims"] == len(rows(corpus_db, "select id from claims"))


def test_full_text_search(corpus_db):
    hits = rows(corpus_db, "select c.text from claims c join claims_fts f on f.rowid = c.rowid "
                "where claims_fts match ?", ["caviar"])
    assert hits and all("caviar" in h["text"].lower() for h in hits)


def _document(text, path="p.txt"):
    import hashlib

    from annotator.corpus import Document

    return Document(path=path, abspath=path, text=text, sha256=hashlib.sha256(text.encode()).hexdigest(),
                    size=len(text.encode()), encoding="utf-8")


def test_an_over_long_paragraph_is_parsed_in_pieces_with_exact_offsets(nlp, monkeypatch):
    from annotator import pipeline

    sentences = [line.strip() for line in (CORPUS / "d03.txt").read_text(encoding="utf-8").splitlines()
                 if len(line.split()) > 8]
    text = "Intro.\n" + " ".join(sentences) + "\nThe end was near.\n"
    (whole,) = pipeline.process(nlp, [_document(text)])
    monkeypatch.setattr(pipeline, "PARSE_MAX_CHARS", 600)
    (cut,) = pipeline.process(nlp, [_document(text)])
    assert len(text.splitlines()[1]) > 3 * 600
    for c in cut.claims:
        assert text[c["start"]:c["end"]] == c["text"]
        if c["source"]:
            assert text[c["source_start"]:c["source_end"]] == c["source"]
    for m in cut.mentions:
        assert text[m["start"]:m["end"]] == m["text"]
    long = [c for c in cut.claims if c["paragraph_index"] == 0]
    assert [c["sentence_index"] for c in long] == sorted(c["sentence_index"] for c in long)
    assert len({c["sentence_index"] for c in long}) > 5  # numbered on across the pieces
    # cut after sentence ends, the paragraph yields the claims it yields whole
    assert [(c["start"], c["end"]) for c in cut.claims] == [(c["start"], c["end"]) for c in whole.claims]


def test_pieces_cut_after_a_sentence_else_at_a_space_else_anywhere(monkeypatch):
    from annotator import pipeline, structure

    monkeypatch.setattr(pipeline, "PARSE_MAX_CHARS", 20)
    for text in ("One is here. Two is there. Three.", "aaaa bbbb cccc dddd eeee ffff gggg",
                 "x" * 50, "Ends here.   " + "y" * 30):
        block = structure.Block(structure.PARAGRAPH, 7, 7 + len(text), text, 3, paragraph_index=2)
        parts = pipeline.pieces(block)
        assert all(0 < len(p.text) <= 20 and p.paragraph_index == 2 for p in parts)
        assert all(text[p.start - 7:p.end - 7] == p.text for p in parts)
        assert "".join(p.text for p in parts).replace(" ", "") == text.replace(" ", "")
    block = structure.Block(structure.PARAGRAPH, 0, 33, "One is here. Two is there. Three.", 0)
    assert [p.text for p in pipeline.pieces(block)] == ["One is here.", "Two is there. Three."]


def test_a_headline_that_states_something_is_a_claim_and_a_title_that_names_is_not(nlp):
    """The guide: a claim is a declarative sentence; titles and verbless fragments are not."""
    from annotator import pipeline

    text = ("City council accused of hiding budget report\n"
            "The council met on Monday.\n")
    (result,) = pipeline.process(nlp, [_document(text)])
    headline = result.claims[0]
    assert (headline["text"], headline["cue"], headline["source"], headline["stance"]) == (
        "City council accused of hiding budget report", "accused", None, "alleged")
    (result,) = pipeline.process(nlp, [_document("Thaksin Denies Involvement\nThe minister said nothing.\n")])
    assert [(c["text"], c["source"], c["stance"]) for c in result.claims][0] == (
        "Thaksin Denies Involvement", "Thaksin", "denied")
    (result,) = pipeline.process(nlp, [_document("Cash-for-questions affair\nThe affair was a scandal.\n")])
    assert result.blocks[0].kind == "title"
    assert [c["text"] for c in result.claims] == ["The affair was a scandal."]
    # a verb with no object or complement may be a plural noun misread: "claims of fraud"
    (result,) = pipeline.process(nlp, [_document("Fraud claims in Afghanistan\nThe vote was close.\n")])
    assert [c["text"] for c in result.claims] == ["The vote was close."]
