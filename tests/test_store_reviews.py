"""annotator/store/reviews.py: the review log, each reviewer's review carried forward."""

from annotator import store


def test_add_review_carries_forward_what_it_is_not_given(small_copy):
    db = store.connect(small_copy)
    claim_id = db.execute("select id from claims order by id limit 1").fetchone()[0]
    store.add_review(db, claim_id, "alice", verdict="true", note="the budget says 4%", stance="alleged")
    store.add_review(db, claim_id, "bob", verdict="unverifiable")
    store.add_review(db, claim_id, "alice", note=None)
    log = [dict(zip(("verdict", "note", "stance", "reviewer"), r)) for r in db.execute(
        "select verdict, note, stance, reviewer from reviews where claim_id = ? order by id", [claim_id])]
    assert log == [  # each reviewer's review carries forward only their own
        {"verdict": "true", "note": "the budget says 4%", "stance": "alleged", "reviewer": "alice"},
        {"verdict": "unverifiable", "note": None, "stance": None, "reviewer": "bob"},
        {"verdict": "true", "note": None, "stance": "alleged", "reviewer": "alice"},
    ]
