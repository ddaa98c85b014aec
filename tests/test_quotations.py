"""Quotations: every sentence of a quotation has its speaker, across sentences and paragraphs."""

import pytest
from attributions import document_claims, fields, first_claim

from annotator.claims import SPANS_KEY


def test_a_quotation_continues_the_previous_speaker(nlp):
    claims = first_claim(nlp, '"We are ready," the coach said. "The team has trained hard for a month."')
    assert len(claims) == 2
    assert fields(claims[1]) == ("the coach", "said", "reported")


@pytest.mark.parametrize(
    "text,attributed",
    [
        ('"We are ready. We will win," he said.', [True, True]),
        ('He said: "The plan is dead. Nobody wants it."', [True, True]),
        ('"Nothing is settled," he said. "Talks continue. We hope."', [True, True, True]),
        ('He walked in. "Nothing is settled," he said.', [False, True]),
        ('"You say that there was a class. It is not true," he said.', [True, True]),
        ('"Nothing is settled," he said. Rain fell on the city.', [True, False]),
        # another speaker's words between: the quotation they hold is not his
        (('"Nothing is settled," he said. The mayor said it "says whatever it likes about the budget and '
         'the roads."'), [True, False]),
        # marks of two styles in one quotation, as news often has them
        ('“The roads are crumbling," he said. "Families lose power. The sewers are a century old.”',
         [True, True, True]),
        ('“Apparently not,“ he said. “The party has not changed its ways.”', [True, True]),
        # a cue inside the quotation is the quoted speaker's words, not a new speaker
        ('"She is always calling me a liar. I admit she is taller," he said on Sunday.', [True, True]),
    ],
)
def test_every_sentence_of_a_quotation_has_its_speaker(nlp, text, attributed):
    claims = first_claim(nlp, text)
    assert [fields(c)[0] == "he" or fields(c)[0] == "He" for c in claims] == attributed


@pytest.mark.parametrize(
    "text,claim,speaker",
    [
        # a question, which is no claim, between the tag and the next quotation
        ('"What would the label accomplish? What would it change?" he said. "The answer is none."',
         '"The answer is none."', "he"),
        # the tag opens a question, which is no claim
        ('Trump tweeted Sunday: "Is he going to mention the words? If he does not, he should resign!"',
         'If he does not, he should resign!"', "Trump"),
        # a sentence cut inside a quotation: its head word is quoted, the tag closes the next one
        ("The plan for a new bridge over the river “was dead. Nobody wanted it” by then, Smith said.",
         "The plan for a new bridge over the river “was dead.", "Smith"),
        # a tag before the mark past a phrase, a tag sentence before the quotation, a relative tag
        ("Kelly responded pointedly, with a smile: “It can happen when you are 45.”",
         "Kelly responded pointedly, with a smile: “It can happen when you are 45.”", "Kelly"),
        ("Sam Lau, the party's spokesman, said in a statement. “There are no ballots. The count is over.”",
         "The count is over.”", "Sam Lau, the party's spokesman"),
        ('It was a tweet from Rikkie Wells, who tweeted, "Staff never pay attention. They break the rules."',
         'They break the rules."', "Rikkie Wells"),
        # a title the parse read as a verb; words joined by hyphens
        ('"We are ready," the 43-year-old mayor said.', '"We are ready," the 43-year-old mayor said.',
         "the 43-year-old mayor"),
        ('"Just saw the tweet. I am impressed by his ability," screenwriter Cole Haddon wrote on Twitter.',
         '"Just saw the tweet.', "screenwriter Cole Haddon"),
        # a comma after the closing mark; the sentence cut at an opening mark by the parse
        ("People should not wave around words like “maybe” and “perhaps”, he told reporters.",
         "People should not wave around words like “maybe” and “", "he"),
        ("People should not wave around words like “maybe” and “perhaps”, he told reporters.",
         "perhaps”, he told reporters.", "he"),
    ],
)
def test_a_quotation_speaker_named_outside_any_claim(nlp, text, claim, speaker):
    got = {c.text: fields(c)[0] for c in first_claim(nlp, text)}
    assert got[claim] == speaker


def test_a_cue_and_colon_ending_a_paragraph_attributes_the_next(nlp):
    """``Limbaugh added:`` then the quoted paragraph, without quotation marks (PolNeAR dev)."""
    text = ("Limbaugh spoke on Monday.\n\nLimbaugh added:\n\nThis is a sign of fear. She can't beat this guy "
            "without stacking the deck.\n\nThe debate is on Monday.\n")
    rows = document_claims(nlp, text)
    got = {r["text"]: (r["source"], r["cue"], r["stance"]) for r in rows}
    assert got["This is a sign of fear."] == ("Limbaugh", "added", "reported")
    assert got["She can't beat this guy without stacking the deck."] == ("Limbaugh", "added", "reported")
    assert got["The debate is on Monday."] == (None, None, "asserted")


@pytest.mark.parametrize("text, sources", [
    pytest.param('"We will not give up," she said. "The roads are crumbling.\n\n'
                 '"Families endure blackouts. We must act."\n\nThe rally ended at noon.\n',
                 {'"Families endure blackouts.': "she", 'We must act."': "she",
                  "The rally ended at noon.": None}, id="a quotation left open"),
    pytest.param('"He has small hands," Rubio said on Sunday.\n\n"Which is why I do not trust him. '
                 'Nobody does."\n\n"We are ready," Smith said.\n\nThe rally ended at noon.\n',
                 {'"Which is why I do not trust him.': "Rubio", 'Nobody does."': "Rubio",
                  '"We are ready," Smith said.': "Smith", "The rally ended at noon.": None},
                 id="a paragraph of quotation with no speaker"),
    pytest.param('"He hit my hands. Nobody has ever hit my hands. Are they small hands?" Trump said.\n\n'
                 '"If they are small, something else must be small. I guarantee you there is no problem."\n\n'
                 'The debate ended at ten.\n',
                 {'I guarantee you there is no problem."': "Trump", "The debate ended at ten.": None},
                 id="a tag split off a question"),
])
def test_a_quotation_goes_on_in_the_next_paragraph_with_its_speaker(nlp, text, sources):
    got = {r["text"]: r["source"] for r in document_claims(nlp, text)}
    assert {claim: got[claim] for claim in sources} == sources


def test_unbalanced_quotation_marks_do_not_fail(nlp):
    for text in ['"He said it was over.', 'It was over," he said "', "«Nothing “ is ‘ settled", '"""']:
        doc = nlp(text)
        for claim in doc.spans[SPANS_KEY]:
            fields(claim)
