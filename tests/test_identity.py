"""Claim identity: which claim of a new version of a document is which stored claim."""

import pytest

from annotator import identity


def claims(*spec: str) -> list[dict]:
    """Claim rows in document order from ``"Section: text"`` (no colon: no section)."""
    rows = []
    for item in spec:
        section, _, text = item.rpartition(": ")
        rows.append({"text": text, "section_path": section})
    identity.add_context(rows)
    return rows


@pytest.mark.parametrize(
    ("old", "new", "pairs"),
    [
        pytest.param(("A.", "B.", "C."), ("A.", "B.", "C."), {0: 0, 1: 1, 2: 2}, id="unchanged"),
        pytest.param(("A.", "B.", "C."), ("A.", "B2.", "C."), {0: 0, 2: 2}, id="one edited"),
        pytest.param(("A.", "B.", "C."), ("B.", "C.", "A."), {0: 1, 1: 2, 2: 0},
                     id="moved within a document without sections"),
        # the repro: the same sentence inserted in a new section before the reviewed one
        pytest.param(("Health: Berg spoke.", "Health: She said X."),
                     ("Preface: Holm spoke.", "Preface: She said X.",
                      "Health: Berg spoke.", "Health: She said X."),
                     {2: 0, 3: 1}, id="a copy inserted before"),
        pytest.param(("Health: Berg spoke.", "Health: She said X."),
                     ("Health: Berg spoke.", "Health: She said X.",
                      "Annex: Holm spoke.", "Annex: She said X."),
                     {0: 0, 1: 1}, id="a copy inserted after"),
        # a sentence said twice in one place, each keeps its own
        pytest.param(("X.", "X.", "Y."), ("W.", "X.", "X.", "Y."), {1: 0, 2: 1, 3: 2}, id="a repeat"),
        # two equally good places for one stored claim: neither gets it
        pytest.param(("P.", "X.", "Q."), ("P.", "X.", "R.", "P.", "X.", "S."), {0: 0},
                     id="ambiguous: two copies in the same context"),
        pytest.param(("A: X.", "B: X."), ("C: X.",), {}, id="ambiguous: two stored, one new elsewhere"),
        # nothing of its context left: a different claim that happens to say the same
        pytest.param(("S1: A.", "S2: X."), ("S1: A.", "S3: C.", "S3: X.", "S3: D."), {0: 0},
                     id="same words, nothing else in common"),
        # once one copy is placed by its context, the other pairs with what is left
        pytest.param(("S: X.", "S: Y.", "S: X.", "S: Z."), ("S: X.", "S: Y.", "S: W.", "S: X."),
                     {0: 0, 1: 1, 3: 2}, id="the last copy left"),
    ],
)
def test_pair(old, new, pairs):
    assert identity.pair(claims(*old), claims(*new)) == pairs


def test_assign_keeps_ids_gives_new_ones_that_no_stored_claim_holds():
    stored = [{**row, "id": f"old{i}"} for i, row in enumerate(claims("P.", "X.", "Q."))]
    new = [{**row, "id": f"first{i}"} for i, row in enumerate(claims("P.", "X.", "R.", "P.", "X."))]
    # an older X. from elsewhere, superseded: its id is taken, though it is the first id of X.
    superseded = [{"id": identity.claim_id("d.txt", "X.", 0), "text": "X.", "section_path": "Annex",
                   "context_before": "?", "context_after": "?"}]
    renamed, kept = identity.assign("d.txt", new, stored, superseded,
                                    worked_on=lambda ids: {i for i in ids if i == "old1"})
    assert renamed["first0"] == "old0"  # P. stays
    assert kept == {"old1"}  # X. is ambiguous: the reviewed one is kept, superseded
    fresh = [renamed["first1"], renamed["first4"]]
    assert len(set(fresh)) == 2 and not set(fresh) & {"old0", "old1", superseded[0]["id"]}
    assert [r["id"] for r in new] == [renamed[f"first{i}"] for i in range(5)]


def test_a_new_document_gets_the_first_ids():
    new = [{**row, "id": "?"} for row in claims("A.", "A.", "B.")]
    identity.assign("d.txt", new, [], [], worked_on=lambda ids: set())
    assert [r["id"] for r in new] == [identity.claim_id("d.txt", "A.", 0),
                                      identity.claim_id("d.txt", "A.", 1),
                                      identity.claim_id("d.txt", "B.", 0)]


def test_a_reverted_edit_revives_the_superseded_claim():
    before = claims("P.", "X.", "Q.")
    superseded = [{**before[1], "id": "reviewed"}]
    stored = [{**row, "id": f"old{i}"} for i, row in enumerate(claims("P.", "X2.", "Q."))]
    new = [{**row, "id": f"first{i}"} for i, row in enumerate(claims("P.", "X.", "Q."))]
    _, kept = identity.assign("d.txt", new, stored, superseded, worked_on=lambda ids: set())
    assert [r["id"] for r in new] == ["old0", "reviewed", "old2"] and kept == set()


def test_a_sentence_repeated_hundreds_of_times_pairs_by_its_whole_context():
    spec = [text for k in range(600) for text in (f"S{k}.", "X.")]
    pairs = identity.pair(claims(*spec), claims("Y.", *spec))
    assert pairs == {j + 1: j for j in range(len(spec))}
