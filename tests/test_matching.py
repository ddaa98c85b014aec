"""The matching rules: normalization of dates, entities, polarity; the pair decision (quantities:
test_figures.py)."""

import pytest

from annotator.matching import compare, features

LABOR = [("the Labor Department", "ORG")]


def test_years_and_days_are_dates():
    assert features("The vote was on Sept. 27, 2016.").dates == {"m9d27", "y2016"}
    assert features("Taxes may rise.").dates == frozenset()  # the modal verb is no month


@pytest.mark.parametrize(("a", "b", "expected"), [
    # paraphrases with little word overlap: synonyms folded, numbers normalized
    ("The jobless rate dropped to 4.2% in March, the Labor Department said.",
     "Unemployment fell to 4.2 percent in March, according to the Labor Department.", "same"),
    # the same figure, another cue
    ("The Labor Department reported that unemployment fell to 4.2 percent in March.",
     "The Labor Department said unemployment fell to 4.2% in March.", "same"),
    # a different figure for the same quantity
    ("Unemployment fell to 4.2 percent in March, the Labor Department said.",
     "Unemployment fell to 4.6 percent in March, the Labor Department said.", "contradicts"),
    # one asserts what the other denies: by the words alone, nothing (a denial is read from the
    # parse: test_match_structure)
    ("The Labor Department said unemployment fell in March.",
     "The Labor Department said unemployment did not fall in March.", None),
    # nearly 3 billion is not 2.9 billion, and does not contradict it either
    ("The Labor Department spent $2.9 billion on training.",
     "The Labor Department spent nearly $3 billion on training.", None),
    # another month: another fact
    ("Unemployment fell to 4.2 percent in March, the Labor Department said.",
     "Unemployment fell to 4.2 percent in June, the Labor Department said.", None),
    # another subject altogether
    ("The Labor Department said unemployment fell to 4.2 percent.",
     "The Labor Department opened a new office in Denver.", None),
])
def test_pairs(a, b, expected):
    relation, _score = compare(features(a, LABOR), features(b, LABOR))
    assert relation == expected
    assert compare(features(b, LABOR), features(a, LABOR))[0] == expected  # symmetric


def test_people_are_matched_by_surname_and_told_apart():
    a = features("Hillary Clinton said she would raise the minimum wage.", [("Hillary Clinton", "PERSON")])
    b = features("Clinton said she would raise the minimum wage.", [("Clinton", "PERSON")])
    c = features("Sanders said he would raise the minimum wage.", [("Sanders", "PERSON")])
    assert compare(a, b)[0] == "same"
    assert compare(a, c)[0] is None


def test_features_round_trip_through_json():
    f = features("Unemployment fell to 4.2 percent in March 2016, not 5%.", LABOR)
    assert type(f).from_json(f.to_json()) == f


KAINE = [("Tim Kaine", "PERSON"), ("Democratic", "NORP")]


@pytest.mark.parametrize(("a", "b", "entities", "expected"), [
    # names, titles and roles alone say nothing of what is claimed of the person
    ("They were joined by Democratic vice presidential nominee Tim Kaine on Friday.",
     "Republicans slammed Democratic vice presidential nominee Tim Kaine on Friday.", KAINE, None),
    # a negation elsewhere in the sentence does not deny what both say
    ("Nobody knows why, but the Labor Department said unemployment fell to 4.2 percent in March.",
     "The Labor Department said unemployment fell to 4.2 percent in March.", LABOR, "same"),
    # two negations of the same thing agree
    ("The FBI did not recommend charges against Clinton over her private email server.",
     "The FBI decided not to recommend charges against Clinton over her private email server.",
     [("FBI", "ORG"), ("Clinton", "PERSON")], "same"),
])
def test_what_is_claimed_must_agree(a, b, entities, expected):
    assert compare(features(a, entities), features(b, entities))[0] == expected


def test_an_age_is_no_figure():
    assert features("Officer Betty Shelby shot a 40-year-old man.").quantities == frozenset()
    assert features("He was forty years old.").quantities == frozenset()


def test_a_short_sentence_inside_a_long_one_is_not_the_same_claim():
    """Every word of the short sentence is in the long one (overlap 1), but the long one says much
    more (Dice below MIN_DICE): a part of what it says, not the same claim. Called `same` before."""
    short = "Clinton said the tax code is too complicated for the middle class."
    long_ = ("Experts told the Senate finance committee on Tuesday that Clinton's plan to raise taxes on the "
             "rich and to give targeted breaks to the middle class would leave a tax code already too "
             "complicated for most families even harder to file, and that accountants expect the change to "
             "cost small firms thousands of dollars in fees every spring, while lobbyists for builders, "
             "farmers and retailers warned of layoffs across several western states.")
    clinton = [("Clinton", "PERSON")]
    assert compare(features(short, clinton), features(long_, clinton))[0] is None
    # the same short claim inside a sentence that adds little still is
    assert compare(features(short, clinton),
                   features("Clinton said on Tuesday that the tax code is too complicated for the middle class.",
                            clinton))[0] == "same"
