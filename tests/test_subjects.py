"""A cue's subject behind phrases set off by commas or dashes (``annotator/subjects.py``).

Sentences written for the test after the shapes of PolNeAR train sentences the small parser
misreads: each fails without the rule (the parse hangs the cue inside the set-off phrase)."""

import pytest
from attributions import fields, first_claim, same

CASES = [
    # a relative clause with a comma inside, then an apposition, then the cue
    (("Mr. Ortiz, whose newest company, Brightline, uses satellite data to help farmers plan harvests, "
     "said Mr. Lee was a candidate very much in the spirit of the valley."), "Mr. Ortiz", "said"),
    # an apposition between dashes of another kind; the cue after its auxiliary and adverb
    (("Several prominent Democrats, like John Smith, Mary Brown and Paul Green ― three former state "
     "officials ― have also said they are backing the mayor."), "Several prominent Democrats", "said"),
    # a participle and its clause, set off by dashes and commas
    (("Mr. Park, later claiming - again wrongly - that the mayor wanted to close 40 schools, said he "
     "would sue the city."), "Mr. Park", "said"),
    # the subject right before the cue after intro phrases, where the parse made it an apposition
    (("In an interview with radio hosts Tom Baker and Jane Moss, the Republican presidential candidate "
     "stated that the mayor's \"reckless\" and \"short-sighted\" plans do not \"fit with what I thought "
     "I knew about him.\""), "the Republican presidential candidate", "stated"),
    ("Among likely Democratic primary voters, about two-thirds, 64 percent, say they will vote for Smith.",
     "about two-thirds", "say"),
    # after a quotation: a speaker whose apposition holds a verb and a comma
    (("''We would have lost everything,'' Mr. Haas, now 74 and retired in Tucson, Ariz., said by "
     "telephone on Monday."), "Mr. Haas", "said"),
]


@pytest.mark.parametrize("text,source,cue", CASES)
def test_subject_past_set_off_phrases(nlp, text, source, cue):
    got_source, got_cue, _ = fields(first_claim(nlp, text)[0])
    assert same(got_source, source), (got_source, source)
    assert same(got_cue, cue), (got_cue, cue)


def test_a_clause_before_the_phrases_is_no_subject(nlp):
    """``Trump won Iowa, lost Ohio, and …``: the cue's subject must be a noun phrase alone."""
    from annotator.subjects import subject_before

    doc = nlp("The senator won Iowa, a state he loved, said aides who were there.")
    said = next(t for t in doc if t.lower_ == "said")
    assert subject_before(doc[:], said) is None


@pytest.mark.parametrize("text,source,cue", [
    # the same cue again, coordinated with the outer one
    (('He said the office immediately "went into crisis mode to find out what was happening to the '
     'staff" and said the rescue was always a priority.'), "He", "said"),
    # a past-tense cue after the present-tense content: the outer speaker's second verb
    (("Senator Ann Ruiz, also campaigning in Iowa, said Smith is ultimately responsible for what happens "
     'at his rallies and accused him of "stirring up anger that I think is very dangerous."'),
     "Senator Ann Ruiz", "said"),
])
def test_a_cue_coordinated_with_the_outer_cue_is_the_outer_speakers(nlp, text, source, cue):
    """The parse hangs the second verb on the reported clause, giving it that clause's subject."""
    got_source, got_cue, _ = fields(first_claim(nlp, text)[0])
    assert same(got_source, source), (got_source, source)
    assert same(got_cue, cue), (got_cue, cue)


@pytest.mark.parametrize("text,source,cue", [
    ("As the mayor told the Daily Herald, tax relief is given in exchange for creating jobs.", "the mayor",
     "told"),
    ("However, as the Tribune has reported, cases that led to charges involved aggravating circumstances.",
     "the Tribune", "reported"),
    ("As reported by the Gazette, the governor was made aware of her duty to protect the files.",
     "the Gazette", "reported"),
])
def test_an_as_clause_before_the_head_attributes_the_clause(nlp, text, source, cue):
    got_source, got_cue, _ = fields(first_claim(nlp, text)[0])
    assert same(got_source, source), (got_source, source)
    assert same(got_cue, cue), (got_cue, cue)
