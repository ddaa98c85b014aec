"""Check-worthiness classes, score order and claim types, on sentences written for the test."""

import pytest

from annotator.claims import SPANS_KEY


def claim(nlp, text):
    doc = nlp(text)
    return next(iter(doc.spans[SPANS_KEY]))


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Unemployment rose to 7.2 percent in March.", "cfs"),
        ("The company paid $3 million in fines in 2019.", "cfs"),
        ("The mayor was arrested on corruption charges last week.", "cfs"),
        ("Police said 14 people were killed in the blast.", "cfs"),
        ("Germany joined the alliance in 1955.", "cfs"),
        ("The senator accused the governor of taking bribes.", "cfs"),
        ("The Republic of Azerbaijan is a member of the United Nations.", "cfs"),
        ("The committee met on Tuesday.", "ufs"),
        ("The festival is known as the Feast of Lights.", "ufs"),
        ("John Smith is the head of the school's music department.", "ufs"),
        ("The ministry is based in the capital.", "ufs"),
        ("The researchers examined the records of 4,000 patients over ten years.", "ufs"),
        ("The survey asked 1,200 adults about their spending in March.", "ufs"),
        ("The study found that 40 percent of the patients improved.", "cfs"),
        ("The researchers took into account what the participants ate.", "ufs"),
        ("Prices fell sharply in May.", "cfs"),
        ("Police found a list naming other officials involved in the scheme.", "cfs"),
        ("The former official pleaded guilty to two counts of fraud in 2016.", "cfs"),
        ("The decision was unfair.", "nfs"),
        ("We believe this is the right plan for the country.", "nfs"),
        ("The new law will make the streets safer.", "nfs"),
        ("The government should resign.", "nfs"),
        ("It is a shameful decision.", "nfs"),
        ("The attacks were intended to spread fear.", "nfs"),
        ('ESI published a report titled "Disgraced: the end of monitoring as we know it" in 2013.', "cfs"),
    ],
)
def test_class(nlp, text, expected):
    assert claim(nlp, text)._.annotator_checkworthy == expected


def test_scores_put_checkable_facts_first(nlp):
    texts = [
        "It is a shameful decision.",
        "The committee met on Tuesday.",
        "Germany joined the alliance in 1955.",
        "Police said 14 people were killed in the blast on 3 May 2021 in Kabul.",
    ]
    scores = [claim(nlp, t)._.annotator_checkworthy_score for t in texts]
    assert scores == sorted(scores)
    assert all(0.0 <= s <= 1.0 for s in scores)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Unemployment rose to 7.2 percent in March.", "quantity"),
        ("The new tax will raise prices for families.", "prediction"),
        ("I saw the soldiers enter the village.", "personal_experience"),
        ("Smoking causes lung cancer.", "correlation_causation"),
        ("Parliament ratified the treaty on climate.", "laws_rules"),
        ("The band played in the park.", "other"),
    ],
)
def test_claim_type(nlp, text, expected):
    assert claim(nlp, text)._.annotator_claim_type == expected
