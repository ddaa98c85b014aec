"""A claim in the first person is matched as said of its source (annotator/first_person.py):
"I did not share the memos", quoted from Marlowe, denies "Marlowe shared the memos"."""

import pytest
from conftest import rows

from annotator import extract
from annotator.first_person import role_sources, said_by
from annotator.match_structure import predicates
from annotator.match_words import name_words, stems
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
    # read from a role noun in the claim: its words name the speaker, and give way to the name
    told = parsed(nlp, f"The presidential candidate repeated: {DENIAL}")
    role = set(stems(name_words("presidential candidate")))
    assert role <= told.terms
    assert said_by(told, "Joan Marlowe", "PERSON", "presidential candidate").terms == (told.terms - role) | {"joan", "marlow"}
    assert said_by(told, "Joan Marlowe", "PERSON").terms == told.terms | {"joan", "marlow"}


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


def test_a_definite_role_noun_speaks_for_the_one_person_named_just_before_it():
    claims = [(3, None, None, None, ["Joan Marlowe", "Marlowe"]),  # names one person
              (3, "The senator", "senator", None, []),  # -> Marlowe
              (3, "the spokesman", "spokesman", None, []),  # speaks for someone else: as it is
              (4, "The senator", "senator", None, []),  # another paragraph: as it is
              (4, None, None, None, ["Tom Reyes", "Marlowe"]),
              (4, "the senator", "senator", None, []),  # two persons before it: as it is
              (4, "officials", "officials", None, []),  # no role noun of one person
              (5, None, None, None, ["bona"]),  # "bona fides": no name
              (5, "The Texas senator", "Texas senator", None, [])]
    assert role_sources(claims) == [
        (None, None, None), ("Joan Marlowe", "PERSON", "senator"), ("spokesman", None, None),
        ("senator", None, None), (None, None, None), ("senator", None, None), ("officials", None, None),
        (None, None, None), ("Texas senator", None, None)]


def test_extract_reads_a_role_noun_source_as_the_person_named_before_it(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "speech.txt").write_text(
        "Joan Marlowe spoke to reporters in Dayton on Tuesday about the budget. "
        f"The candidate repeated: {DENIAL}\n", encoding="utf-8")
    (docs / "report.txt").write_text(f"{CHARGE}\n", encoding="utf-8")
    db = str(tmp_path / "claims.db")
    extract.run([str(docs)], db, progress=False, match=True)
    found = rows(db, "select a.source_canonical as sa, b.source_canonical as sb, x.relation from claim_relations x"
                     " join claims a on a.id = x.claim_id join claims b on b.id = x.other_id")
    assert [(r["relation"], {r["sa"], r["sb"]}) for r in found] == [("contradicts", {"candidate", "report"})], found
