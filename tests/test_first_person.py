"""A claim in the first person is matched as said of its source (annotator/first_person.py):
"I did not share the memos", quoted from Marlowe, denies "Marlowe shared the memos"."""

import pytest
from conftest import rows

from annotator import extract
from annotator.first_person import said_by
from annotator.match_structure import predicates
from annotator.matching import compare, features

DENIAL = "“I did not share the secret budget memos with the press office.”"
CHARGE = "A report shows that Senator Marlowe shared the secret budget memos with the press office."
WE_DENY = "“We did not approve the harbour dredging permits last winter.”"
WE_CHARGE = "Records show the Port Authority approved the harbour dredging permits last winter."


@pytest.fixture(scope="module")
def nlp():
    import spacy

    from annotator.pipeline import resolve_model

    return spacy.load(resolve_model(None))


def parsed(nlp, text, source=(None, None)):
    doc = nlp(text)
    return features(text, [(e.text, e.label_) for e in doc.ents], predicates(doc[:]), source)


def test_i_is_read_as_a_person_source_and_we_as_an_organisation(nlp):
    charge = parsed(nlp, CHARGE)
    assert compare(parsed(nlp, DENIAL), charge)[0] is None  # "I" names no one
    said = parsed(nlp, DENIAL, ("Joan Marlowe", "PERSON"))
    assert ("share", "marlow") in said.subjects and said.speaker == {"marlow"}
    assert compare(said, charge)[0] == compare(charge, said)[0] == "contradicts"
    assert compare(parsed(nlp, DENIAL, ("Tom Reyes", "PERSON")), charge)[0] is None  # someone else
    permits = parsed(nlp, WE_CHARGE)
    assert compare(parsed(nlp, WE_DENY), permits)[0] is None
    assert compare(parsed(nlp, WE_DENY, ("Port Authority", "ORG")), permits)[0] == "contradicts"


def test_only_a_first_person_subject_and_a_named_source_change_the_features(nlp):
    third = parsed(nlp, "“She did not share the secret budget memos with the press office.”")
    assert said_by(third, "Joan Marlowe", "PERSON") is third
    denial = parsed(nlp, DENIAL)
    assert said_by(denial, "officials", None) is denial  # no named identity: no one to compare
    assert said_by(denial, "Port Authority", "ORG") is denial  # an organisation says "we", not "I"
    assert said_by(parsed(nlp, WE_DENY), "Joan Marlowe", "PERSON").subjects == parsed(nlp, WE_DENY).subjects
    said = said_by(denial, "Joan Marlowe", "PERSON")
    assert type(said).from_json(said.to_json()) == said


def test_extract_matches_a_quoted_denial_with_the_charge_it_denies(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "speech.txt").write_text(
        "Senator Joan Marlowe spoke to reporters in Dayton on Tuesday.\n\n"
        f"She said: {DENIAL}\n", encoding="utf-8")
    (docs / "report.txt").write_text(f"{CHARGE}\n", encoding="utf-8")
    db = str(tmp_path / "claims.db")
    extract.run([str(docs)], db, progress=False, match=True)
    found = rows(db, "select a.text as a, b.text as b, a.source_canonical as sa, b.source_canonical as sb, x.relation"
                     " from claim_relations x join claims a on a.id = x.claim_id join claims b on b.id = x.other_id")
    assert [(r["relation"], {r["sa"], r["sb"]}) for r in found] == [("contradicts", {"Joan Marlowe", "report"})], found
