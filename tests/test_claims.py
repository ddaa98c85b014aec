"""Claim spans: sentences, and clauses with their own attribution split apart."""

from attributions import fields, first_claim


def test_two_clauses_with_different_stances_are_two_claims(nlp):
    claims = first_claim(
        nlp, "Officials have said rebels were likely involved, but they have not accused the army.")
    assert len(claims) == 2
    assert fields(claims[0]) == ("Officials", "said", "hedged")
    assert fields(claims[1]) == ("they", "have not accused", "denied")
