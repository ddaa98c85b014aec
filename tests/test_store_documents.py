"""annotator/store/documents.py: what the store keeps of an extraction of the bundled corpus
(the counts per entity, each claim's entity list)."""

from conftest import rows

from annotator.store import ENTITY_LIST_SQL


def test_entities_are_counted_once_per_text_and_label(corpus_db):
    ents = rows(corpus_db, "select * from entities")
    assert len({(e["text"], e["label"]) for e in ents}) == len(ents)
    (esi,) = [e for e in ents if e["text"] == "Azerbaijan" and e["label"] == "GPE"]
    assert esi["n_mentions"] >= 10 and esi["n_claims"] <= esi["n_mentions"]

def test_claims_keep_their_entity_list_in_step_with_the_mentions(corpus_db):
    got = rows(corpus_db, f"select id, entities, {ENTITY_LIST_SQL} as expected from claims")
    assert any(r["entities"] for r in got)
    assert all(r["entities"] == r["expected"] for r in got)
