"""annotator/review/passages.py: a claim's paragraph as HTML with its claim, source and cue
marked, the window of blocks it is shown in, and the reworded versions of a claim."""

import pytest

from annotator.review import passages
from annotator.review.passages import Mark


@pytest.mark.parametrize(
    ("text", "offset", "marks", "expected"),
    [
        ("He said it rained.", 0, [Mark(8, 18, "claim")],
         'He said <mark class="annotator-claim">it rained.</mark>'),
        ("Bob said it rained.", 100,
         [Mark(100, 119, "claim"), Mark(100, 103, "source"), Mark(104, 108, "cue")],
         ('<mark class="annotator-claim"><span class="annotator-source" title="source">Bob</span> '
          '<span class="annotator-cue" title="cue">said</span> it rained.</mark>')),
        # a source outside the claim, and a cue crossing the claim's edge, split at the edge
        ("Bob: it rained, said he", 0,
         [Mark(5, 14, "claim"), Mark(0, 3, "source"), Mark(12, 20, "cue")],
         ('<span class="annotator-source" title="source">Bob</span>: <mark class="annotator-claim">'
          'it rain<span class="annotator-cue" title="cue">ed</span></mark>'
          '<span class="annotator-cue" title="cue">, said</span> he')),
        ("a <script>x()</script> b", 0, [Mark(2, 22, "claim")],
         'a <mark class="annotator-claim">&lt;script&gt;x()&lt;/script&gt;</mark> b'),
        # marks reaching past the window are clipped; empty ones ignored
        ("abc", 10, [Mark(5, 12, "claim"), Mark(11, 11, "cue")],
         '<mark class="annotator-claim">ab</mark>c'),
    ],
)
def test_passage_html(text, offset, marks, expected):
    assert str(passages.passage_html(text, offset, marks)) == expected

def test_passage_window_takes_the_blocks_of_claim_source_and_cue():
    blocks = [{"start": 0, "end": 10}, {"start": 11, "end": 30}, {"start": 31, "end": 50}]
    claim = {"start": 12, "end": 20, "source_start": 2, "source_end": 5, "cue_start": None,
             "cue_end": None}
    assert passages.passage_window(claim, blocks) == (0, 30)
    assert passages.passage_window({**claim, "source_start": None, "source_end": None}, blocks) == (11, 30)

def test_similar_claims_finds_reworded_versions():
    claim = {"id": "new", "text": "Taxes rose by 5% in 2023, the minister said."}
    others = [
        {"id": "old", "text": "Taxes rose by 4% in 2023, the minister said."},
        {"id": "other", "text": "The weather was fine."},
        {"id": "new", "text": claim["text"]},
    ]
    assert [c["id"] for c in passages.similar_claims(claim, others)] == ["old"]


def test_claim_link_points_at_the_page_with_a_text_fragment():
    claim = {"text": "Both have the support of warlords, officials said."}
    document = {"canonical_url": "https://news.example.org/story#top", "url": None}
    assert passages.claim_link(document, claim) == (
        "https://news.example.org/story#:~:text=Both%20have%20the%20support%20of%20warlords%2C"
        "%20officials%20said.")
    long = {"text": "In a 94-page indictment handed down by a grand jury in Virginia, the "
                    "government accuses Congressman Jefferson of offenses."}
    assert passages.claim_link({"url": "http://127.0.0.1:8000/a"}, long).endswith(
        "#:~:text=In%20a%2094%2Dpage%20indictment,Congressman%20Jefferson%20of%20offenses.")
    assert passages.claim_link({"url": "javascript:alert(1)"}, claim) is None
    assert passages.claim_link({}, claim) is None
