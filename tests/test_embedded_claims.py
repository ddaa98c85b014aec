"""Clause-level claims at an embedded cue: a subordinate clause with a cue and speaker of its own
is a claim of its own, where the main clause stays the sentence's larger claim."""

import pytest
from attributions import fields, first_claim

SPLIT = [
    # a second cue of the same speaker: a participle, a coordinated verb
    ("Trump told reporters that the wall would be built quickly, adding that Mexico would pay.",
     [("Trump told reporters that the wall would be built quickly", ("Trump", "told", "reported")),
      ("adding that Mexico would pay.", ("Trump", "adding", "reported"))]),
    ("Carson admitted that the course name in his book was inaccurate, but said his campaign had found the article.",
     [("Carson admitted that the course name in his book was inaccurate", ("Carson", "admitted", "reported")),
      ("said his campaign had found the article.", ("Carson", "said", "reported"))]),
    # another speaker: a relative clause opened by "where", a clause opened by "while"
    ("The company chose to file its second case in Richmond, Virginia, the state capital, where experts say judges are fast.",
     [("The company chose to file its second case in Richmond, Virginia, the state capital", ("", "", "asserted")),
      ("experts say judges are fast.", ("experts", "say", "reported"))]),
    ("Clinton denied the allegations in a statement released by her campaign on Sunday, while her opponent said that she had lied.",
     [("Clinton denied the allegations in a statement released by her campaign on Sunday", ("Clinton", "denied", "denied")),
      ("her opponent said that she had lied.", ("her opponent", "said", "reported"))]),
    # before the main clause: the subordinating word belongs to neither claim
    ("Although Weiner admitted that they had met, he claimed in a long interview with the newspaper that they had never been close.",
     [("Weiner admitted that they had met", ("Weiner", "admitted", "reported")),
      ("he claimed in a long interview with the newspaper that they had never been close.", ("he", "claimed", "alleged"))]),
    # the main clause does not take the cue split off from it
    (("The smaller of the two planes owned by the campaign was grounded for several days last week, while the agency "
      "said that its registration had expired."),
     [("The smaller of the two planes owned by the campaign was grounded for several days last week", ("", "", "asserted")),
      ("the agency said that its registration had expired.", ("the agency", "said", "reported"))]),
]


@pytest.mark.parametrize("text,want", SPLIT, ids=[t[:40] for t, _ in SPLIT])
def test_a_clause_with_its_own_cue_is_a_claim(nlp, text, want):
    claims = first_claim(nlp, text)
    assert [(c.text, fields(c)) for c in claims] == want
    for c in claims:  # character offsets exact
        assert text[c.start_char:c.end_char] == c.text


WHOLE = [
    # the added statement is the longer part: the sentence stays one claim, its main cue (the
    # guide's gold keeps "Khartoum denies A and says B" whole, with "denies")
    ("Khartoum denies it is behind that rebellion and says Sudan is ready to fight rebels it says are backed by Chad.",
     ("Khartoum", "denies", "denied")),
    ("Chad is threatening to sever relations with Sudan after the military says it beat back an assault by rebels.", None),
    # the relative word is part of what is said: a gap, no clause of its own
    ("Last week the governor vetoed a long and much debated bill on school bathrooms, which critics said was discriminatory.",
     ("", "", "asserted")),
    # a clause inside what another cue introduces is that speaker's words
    ("Benford says he knew little about Sanders before he announced his presidential bid.",
     ("Benford", "says", "reported")),
    # a participle after a clause with no cue of its own attributes the whole sentence, as before
    ("Police released a statement on Friday, saying that the suspect had fled.", ("Police", "saying", "reported")),
    # no finite verb in the participle's part: a fragment, not split; a characterisation after a
    # clause with no cue of its own speaks for that clause's subject (the guide's cue "described")
    ("The union pushed back against the proposal on Monday, calling it an insult to every worker in the plant.",
     ("The union", "calling", "reported")),
    ("The ferry company cut its winter timetable, blaming the rising price of fuel.",
     ("The ferry company", "blaming", "alleged")),
    # inside a quotation: the quoted speaker's words
    ('"We went to file the case in Richmond, where experts say the judges are fast," he said.', ("he", "said", "reported")),
]


@pytest.mark.parametrize("text,want", WHOLE, ids=[t[:40] for t, _ in WHOLE])
def test_no_split_without_a_clause_of_its_own(nlp, text, want):
    claims = first_claim(nlp, text)
    assert len(claims) == 1, [c.text for c in claims]
    assert want is None or fields(claims[0]) == want
