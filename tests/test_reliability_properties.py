"""Properties over arbitrary input: nothing raises, and every span is the text at its offsets.

Texts mix sentences of the bundled corpus (so that there are claims, sources and cues to check)
with arbitrary Unicode, broken-off sentences and awkward separators.
"""

import hashlib
import itertools
import re

import pytest
from conftest import CORPUS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator import corpus, decoding, pipeline, store, structure
from annotator.store import check

SENTENCES = sorted({s for f in CORPUS.glob("*.txt")
                    for s in re.split(r"(?<=[.!?”])\s+", f.read_text(encoding="utf-8")) if s.strip()})
SEPARATORS = ["\n", "\n\n", "\r\n", "\r", " ", "\t", "\u2028", "\x0c", "\u00a0", "# ", "\n## ",
              "\n- ", "\n1. ", "“", "”", "\u200d", "\U0001F91D", "\u05e9\u05dc\u05d5\u05dd",
              "\u202e", "e\u0301", " said ", ", ", "; ", " -- ", "?"]

pieces = st.one_of(
    st.sampled_from(SENTENCES),
    st.sampled_from(SENTENCES).flatmap(lambda s: st.integers(0, len(s)).map(lambda i: s[:i])),
    st.sampled_from(SEPARATORS),
    st.text(max_size=30),  # any code point but lone surrogates, controls included
)
texts = st.lists(pieces, max_size=14).map("".join)

# Hypothesis runs a test many times within one function-scoped fixture; these fixtures (the
# session's pipeline, a folder for databases) are safe to share between examples.
SHARED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def document(text: str, path: str = "p.txt") -> corpus.Document:
    data = text.encode("utf-8", "surrogatepass")
    return corpus.Document(path=path, abspath=path, text=text, sha256=hashlib.sha256(data).hexdigest(),
                           size=len(data), encoding="utf-8")


def assert_blocks(text: str, blocks: list[structure.Block]) -> None:
    end, n_paragraphs = 0, 0
    for b in blocks:
        assert text[b.start:b.end] == b.text
        assert b.text and b.text == b.text.strip()
        assert "\n" not in b.text and "\r" not in b.text
        assert b.start >= end
        end = b.end
        if b.kind == structure.PARAGRAPH:
            assert b.paragraph_index == n_paragraphs
            n_paragraphs += 1
    assert [b.index for b in blocks] == sorted({b.index for b in blocks})


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(texts, st.text()), finite=st.sampled_from([None, True, False]))
def test_segment_never_raises_and_blocks_are_the_text_at_their_offsets(text, finite):
    check_verbs = None if finite is None else (lambda lines: [finite] * len(lines))
    assert_blocks(text, structure.segment(text, check_verbs))


@settings(max_examples=60, deadline=None, suppress_health_check=SHARED)
@given(text=texts)
def test_pipeline_never_raises_and_every_span_is_the_text_at_its_offsets(nlp, text):
    (result,) = list(pipeline.process(nlp, [document(text)]))
    assert_blocks(text, result.blocks)
    paragraphs = [b for b in result.blocks if b.kind == structure.PARAGRAPH]
    ids = [c["id"] for c in result.claims]
    assert len(ids) == len(set(ids))
    for c in result.claims:
        assert c["text"] and text[c["start"]:c["end"]] == c["text"]
        assert any(b.start <= c["start"] and c["end"] <= b.end for b in paragraphs)
        for span in ("source", "cue"):
            if c[f"{span}_start"] is not None:
                assert text[c[f"{span}_start"]:c[f"{span}_end"]] == c[span]
    for m in result.mentions:
        assert text[m["start"]:m["end"]] == m["text"]


_n = itertools.count()


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=SHARED)
@given(before=texts, after=texts)
def test_stored_then_edited_documents_pass_check(nlp, tmp_path, before, after):
    """Store a text, then an edit of it (claims move, change, vanish): the database checks clean."""
    path = tmp_path / f"{next(_n)}.db"
    db = store.connect(path)
    for text in (before, after):
        run_id = store.start_run(db, {})
        for result in pipeline.process(nlp, [document(text)]):
            store.save_document(db, result, run_id)
        store.refresh_counts(db)
        store.finish_run(db, run_id, {})
        db.execute("insert into reviews (claim_id, verdict, reviewer, created) "
                   "select id, 'true', 'ann', 'now' from claims where superseded = 0 limit 1")
    db.close()
    findings = list(check.run(path))
    assert not any(f.failed for f in findings), check.report(path, findings)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300), encoding=st.sampled_from([None, "latin-1", "utf-16", "cp1252"]))
def test_decode_any_bytes_gives_text_or_a_reason(data, encoding):
    try:
        text, _, warnings = decoding.decode(data, encoding)
    except ValueError as e:
        assert str(e) and "\n" not in str(e)
    else:
        assert not decoding._CONTROL.search(text)
        assert all("\n" not in w for w in warnings)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200))
def test_utf8_text_decodes_to_itself_or_is_refused_for_a_control_character(text):
    try:
        decoded, _, warnings = decoding.decode(text.encode("utf-8"))
    except ValueError as e:
        assert decoding._CONTROL.search(text) or text.encode("utf-8")[:4] in (b"%PDF", b"GIF8")
        assert "is not text" in str(e)
    else:
        # A stray control character (one per 1,000 characters) is repaired, with a warning.
        assert decoded == decoding.repair_controls(text.removeprefix("\ufeff"))[0]
        assert bool(warnings) == bool(decoding._CONTROL.search(text))
