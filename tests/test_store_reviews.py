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


def test_a_review_records_the_class_its_reviewer_saw_and_old_reviews_get_the_current_one(small_copy):
    import sqlite3

    db = store.connect(small_copy)
    first = db.execute("select id from claims order by id limit 1").fetchone()[0]
    store.add_review(db, first, "alice", verdict="true")
    seen = db.execute("select checkworthy, checkworthy_score from claims where id = ?", [first]).fetchone()
    assert db.execute("select seen_checkworthy, seen_checkworthy_score from reviews").fetchone() == seen
    db.close()

    # a database reviewed before m014: its reviews are filled with their claim's class as it is now
    conn = sqlite3.connect(small_copy)
    with conn:
        conn.execute("alter table reviews drop column seen_checkworthy")
        conn.execute("alter table reviews drop column seen_checkworthy_score")
        conn.execute("delete from _sqlite_migrations where name = 'm014_review_seen_checkworthy'")
        conn.execute("update claims set checkworthy = 'ufs', checkworthy_score = 0.5 where id = ?", [first])
    conn.close()
    db = store.connect(small_copy)
    assert db.execute("select seen_checkworthy, seen_checkworthy_score from reviews").fetchone() == ("ufs", 0.5)
    db.close()
