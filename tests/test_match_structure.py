"""What a claim asserts, read from its parse (annotator/match_structure.py), and how matching uses
it: one event told with different predicates is not the same claim."""

import pytest

from annotator.match_structure import predicates
from annotator.matching import compare, features
from annotator.same_claim import MIN_RUN, WORDS_ENOUGH, is_fragment, longest_run

HOLTZ = ("''This isn't tax reform,'' said Douglas Holtz-Eakin, an economist who served as director of"
         " the Congressional Budget Office and is now president of the American Action Forum.")
RELEASED = "Tulsa police released the video of the shooting of Terence Crutcher on Monday."
DEMANDED = "Protesters have been demanding that Tulsa police release the video of the shooting of Terence Crutcher."


@pytest.fixture(scope="module")
def nlp():
    import spacy

    from annotator.pipeline import resolve_model

    return spacy.load(resolve_model(None))


def parsed(nlp, text):
    doc = nlp(text)
    return features(text, [(e.text, e.label_) for e in doc.ents], predicates(doc[:]))


def words_only(nlp, text):
    doc = nlp(text)
    return features(text, [(e.text, e.label_) for e in doc.ents])


def test_main_predicates_pass_through_cues_and_copulas(nlp):
    said = predicates(nlp("Trump said Obama was the founder of ISIS.")[:])
    assert said["m"] == ["founder"] and ["founder", "obama"] in said["s"]
    assert predicates(nlp("Trump had planned to give remarks at the institute.")[:])["m"] == ["plan", "speech"]


def test_an_apposition_a_wish_and_a_question_are_background(nlp):
    assert predicates(nlp(HOLTZ)[:])["m"] == ["reform"]
    assert {"serv", "presid"} <= set(predicates(nlp(HOLTZ)[:])["b"])
    assert "releas" in predicates(nlp(DEMANDED)[:])["b"]
    assert predicates(nlp("Polls showed whether Clinton had won the debate.")[:])["b"] == ["win"]


def test_denials_are_read_from_the_parse(nlp):
    for text in ("Trump did not pay federal taxes.", "Trump paid no federal income taxes for years."):
        assert predicates(nlp(text)[:])["n"] == ["pay"]
    assert predicates(nlp("Clinton testified that she neither sent nor received classified emails.")[:])["n"] == ["send"]
    assert predicates(nlp("Trump opposed the invasion.")[:])["n"] == ["support"]


def test_one_event_told_with_another_predicate_is_not_the_same_claim(nlp):
    """By their words alone the police video released and demanded are the same claim."""
    assert compare(words_only(nlp, RELEASED), words_only(nlp, DEMANDED))[0] == "same"
    assert compare(parsed(nlp, RELEASED), parsed(nlp, DEMANDED))[0] is None


def test_paraphrases_and_repeated_passages_stay_the_same_claim(nlp):
    assert compare(parsed(nlp, "The jobless rate dropped to 4.2% in March, the Labor Department said."),
                   parsed(nlp, "Unemployment fell to 4.2 percent in March, according to the Labor Department."))[0] == "same"
    quoted = "“Maybe I can, by speaking directly to white people, say, ‘Look, this is not who we are.’"
    told = "“Maybe I can, by speaking directly to white people, say, look, this is not who we are,” she continued."
    assert compare(parsed(nlp, quoted), parsed(nlp, told))[0] == "same"  # a stretch of the other


def test_a_denial_contradicts_only_what_is_said_of_the_same_subject(nlp):
    """A denial is read from the parse: said of a subject both name (a personal pronoun stands
    for a person the claim names), never by the words alone."""
    fell = "The Labor Department said unemployment fell in March."
    denied = "The Labor Department said unemployment did not fall in March."
    assert compare(parsed(nlp, fell), parsed(nlp, denied))[0] == "contradicts"
    assert compare(words_only(nlp, fell), words_only(nlp, denied))[0] is None
    ad = "An ad hits Trump for not paying federal income taxes under Clinton's plan."
    pays = '"Of course, I pay federal income taxes," Trump said at the debate.'
    assert compare(parsed(nlp, pays), parsed(nlp, ad))[0] == "contradicts"
    taxpayers = "Taxpayers would pay federal income taxes at the new rate under Clinton's plan."
    assert compare(parsed(nlp, taxpayers), parsed(nlp, ad))[0] is None


def test_figures_contradict_only_when_tied_to_one_occasion_and_no_poll(nlp):
    """Two polls differ without contradicting each other; two figures with no month, day or
    figure in common may be of two occasions."""
    march = parsed(nlp, "Unemployment fell to 4.2 percent in March, the Labor Department said.")
    assert compare(march, parsed(nlp, "Unemployment fell to 4.6 percent in March, the Labor Department said."))[0] == "contradicts"
    polls = ("Clinton leads Trump by 46 percent to 42 percent in the latest NBC poll of likely voters.",
             "Clinton leads Trump by 48 percent to 42 percent in the latest Fox poll of likely voters.")
    assert compare(parsed(nlp, polls[0]), parsed(nlp, polls[1]))[0] is None
    ohio = ("Clinton won 55 percent of the vote in Ohio on Tuesday.",
            "Clinton won 51 percent of the vote in Ohio, a state she lost in 2008.")
    assert compare(parsed(nlp, ohio[0]), parsed(nlp, ohio[1]))[0] is None



def test_a_fall_and_a_rise_of_one_figure_contradict(nlp):
    """A fall is a rise denied (lexicons/match_antonyms.tsv): "rose to 5.1" is not the same claim
    as "fell to 5.1" (it was, by their shared words and figure), and contradicts "fell to 4.2"
    (it was related to nothing: the predicates differed); a fall told with other words stays the
    same claim."""
    fell = parsed(nlp, "Unemployment in Ohio fell to 4.2 percent in March.")
    rose = parsed(nlp, "Unemployment in Ohio rose to 5.1 percent in March.")
    assert compare(fell, parsed(nlp, "The jobless rate in Ohio dropped to 4.2% in March."))[0] == "same"
    assert compare(rose, fell)[0] == compare(fell, rose)[0] == "contradicts"
    assert compare(rose, parsed(nlp, "Unemployment in Ohio fell to 5.1 percent in March."))[0] == "contradicts"
    assert compare(rose, parsed(nlp, "Unemployment in Ohio increased to 5.1 percent in March."))[0] == "same"

def test_below_near_verbatim_the_same_claim_shares_a_stretch_of_words_or_a_figure(nlp):
    """Words, names and predicates agree, but the two share no stretch of four words in order and
    no figure: not called the same claim. The price, on this pair: it is one (Scalia died), told
    with different background."""
    a = parsed(nlp, "Justice Antonin Scalia died in February and the vacancy has yet to be filled.")
    b = parsed(nlp, "Justice Antonin Scalia, the longest-serving conservative on the court, died.")
    score = compare(a, b)[1]
    assert score < WORDS_ENOUGH and longest_run(a.sequence, b.sequence) < MIN_RUN
    assert compare(a, b)[0] is None


def test_a_fragment_is_related_to_nothing(nlp):
    piece = "repeatedly pledged to ban all Muslims from entering the U.S. and"
    assert is_fragment(piece) and not is_fragment("repeatedly, he said, they did.")
    whole = "Trump has repeatedly pledged to ban all Muslims from entering the U.S."
    assert compare(parsed(nlp, piece), parsed(nlp, whole))[0] is None
    assert compare(parsed(nlp, piece), parsed(nlp, piece))[0] is None


def test_features_with_their_parse_round_trip_through_json(nlp):
    f = parsed(nlp, "Trump did not pay federal income taxes, the Times reported.")
    assert f.mains and f.denied and f.subjects and f.objects
    assert type(f).from_json(f.to_json()) == f


def test_below_near_verbatim_a_shared_figure_needs_a_predicate_said_alike(nlp):
    """Sharing "1,237 delegates" is not enough when one says what it takes to win and the other
    who is on pace to get them; what it takes, said with *take* and *need*, is."""
    takes = parsed(nlp, "It takes 1,237 delegates to win the Republican nomination for president.")
    pace = parsed(nlp, "He says no one in the race is on pace to get 1,237 delegates, the number needed to"
                       " secure the Republican nomination.")
    assert compare(takes, pace)[0] is None
    needs = parsed(nlp, "A candidate needs 2,383 delegates to win the nomination.")
    democratic = parsed(nlp, "It takes 2,383 delegates to win the Democratic nomination for president.")
    assert compare(needs, democratic)[1] < WORDS_ENOUGH
    assert compare(needs, democratic)[0] == "same"


def test_a_possibility_or_a_condition_is_not_the_claim_of_fact(nlp):
    """A main predicate under *could*, *may*, *might*, *maybe* or an *if* clause, or a question,
    is hedged; a pledge (*would*, *will*) is not."""
    assert predicates(nlp("Clinton could raise taxes on the middle class.")[:])["h"] == 1
    assert predicates(nlp("Trump will lose the nomination if he loses Ohio.")[:])["h"] == 1
    assert predicates(nlp("Did Trump pay federal income taxes?")[:])["h"] == 1
    assert predicates(nlp("I would bring back waterboarding.")[:])["h"] == 0
    assert predicates(nlp("Maybe the old rules of politics still apply.")[:])["h"] == 1
    assert predicates(nlp("The old rules of politics still apply.")[:])["h"] == 0
    fact = parsed(nlp, "Trump would need to win 69 percent of the remaining delegates after March 15.")
    condition = parsed(nlp, "Trump would need to win 69 percent of the remaining delegates if he loses Ohio and Florida.")
    assert fact.hedged is False and condition.hedged is True
    assert compare(fact, condition)[0] is None


def test_counts_contradict_only_when_they_count_the_same_thing(nlp):
    """"Four Americans" and "three security agents" on one night are counts of different things;
    "67 delegates" needed and "71 delegates" needed on one day are of one."""
    assert ["q67", "deleg"] in predicates(nlp("Clinton needs 67 delegates to reach the 2,383 needed to win.")[:])["k"]
    dead = parsed(nlp, "Four Americans were killed in the attack in Benghazi on Sept. 11, 2012, Petraeus said.")
    agents = parsed(nlp, "Three security agents were at the compound in Benghazi on Sept. 11, 2012, Petraeus said.")
    assert compare(dead, agents)[0] is None
    needs = parsed(nlp, "Clinton needs 67 delegates to win the nomination, the AP said on June 4.")
    more = parsed(nlp, "Clinton needs 71 delegates to win the nomination, the AP said on June 4.")
    assert compare(needs, more)[0] == "contradicts"


def test_counts_beside_a_count_both_give_are_of_something_else(nlp):
    """Both give the 2,383 needed: "67 delegates" to reach it and "71 delegates" short of it are
    counts of another day (two judges read this gold pair as no contradiction)."""
    needs = parsed(nlp, "Clinton needs 67 delegates to reach the 2,383 needed to win.")
    short = parsed(nlp, "Clinton is 71 delegates short of the 2,383 needed to win, according to the AP.")
    assert compare(needs, short)[0] is None


def test_a_claim_reported_as_a_claim_or_called_false_contradicts_nothing(nlp):
    """"Trump said Obama was admitting 250,000" against "Obama is not admitting 250,000" is a
    contradiction between sources; a sentence that reports it as an unsupported claim asserts
    none of it."""
    denial = parsed(nlp, "Obama is not admitting 250,000 Syrian refugees.")
    said = parsed(nlp, "Trump said Obama was admitting 250,000 Syrian refugees.")
    assert compare(denial, said)[0] == "contradicts"
    for text in ("Trump claimed without any evidence that Obama was admitting 250,000 Syrian refugees.",
                 "Trump never cited a source for his claim that Obama was admitting 250,000 Syrian refugees."):
        assert compare(denial, parsed(nlp, text))[0] is None


def test_two_polls_margins_of_error_are_not_one_claim_unless_one_poll_is_named(nlp):
    """Near-verbatim, but of two polls (which?): not the same claim; named alike, it is."""
    national = parsed(nlp, "The poll has a margin of error of 3 percentage points.")
    states = parsed(nlp, "The margin of error for the two state polls was plus or minus 3 percentage points.")
    assert compare(national, states)[1] >= WORDS_ENOUGH
    assert compare(national, states)[0] is None
    named = ("The Quinnipiac poll has a margin of error of plus or minus 3 percentage points.",
             "The Quinnipiac University poll has a margin of error of plus or minus 3 percentage points.")
    assert compare(parsed(nlp, named[0]), parsed(nlp, named[1]))[0] == "same"


def test_without_denies_what_it_bears_on(nlp):
    """"Pay for it without raising taxes" and "would not raise taxes" both deny the raise."""
    assert "rais" in predicates(nlp("Clinton will pay for the plan without raising taxes on the middle class.")[:])["n"]
    a = parsed(nlp, "Clinton said she will pay for the plan without raising taxes on the middle class.")
    b = parsed(nlp, "Clinton said she would not raise taxes on the middle class.")
    assert compare(a, b)[0] is None


def test_a_month_both_name_does_not_tie_a_denial_to_one_occasion(nlp):
    """"A rally against the Iran deal" in September denies nothing another sentence about that
    rally says; a figure both give would tie them (test_a_claim_reported_as_a_claim...)."""
    a = parsed(nlp, "Mark Levin was an organizer of the September rally against the Iran nuclear deal in Washington.")
    b = parsed(nlp, "In September, Mark Levin spoke at a rally in Washington on the Iran nuclear deal.")
    assert a.negations and a.dates & b.dates
    assert compare(a, b)[0] is None


def test_a_denial_of_what_a_pronoun_stands_for_denies_nothing_named(nlp):
    """ "I don't like it" denies liking something the sentence does not name: no contradiction of
    what another sentence says is liked (the matcher's wrong contradiction of the blind sample
    `w16p-4`: "I'd like to punch him in the face" against "I don't like it")."""
    praised = parsed(nlp, "Mayor Joan Marlowe praised the harbour dredging plan for Dayton on Tuesday.")
    denied = parsed(nlp, "Mayor Joan Marlowe did not praise the harbour dredging plan for Dayton on Tuesday.")
    rally = parsed(nlp, "Asked on Tuesday about the rally over the harbour dredging plan for Dayton,"
                        " Mayor Joan Marlowe did not praise it.")
    assert rally.vague == {"prais"} and not denied.vague
    assert compare(praised, denied)[0] == "contradicts"
    assert compare(praised, rally)[0] is None and compare(rally, praised)[0] is None


def test_a_chance_or_a_plan_is_said_of_what_its_clause_says(nlp):
    """A light verb's noun ("has a chance", "made no attempt") is the predicate; what it is a
    chance of is its clause: "no chance of winning the nomination" does not deny "a chance to
    take every delegate of Nevada" (the matcher's wrong contradiction of the blind sample
    `w16p-8`), but does deny "a chance of winning the nomination"."""
    none = parsed(nlp, "Senator Marlowe has no chance of ever winning enough delegates to capture the nomination.")
    some = parsed(nlp, "Senator Marlowe has won most of the delegates in Nevada, and he has a chance to take them all.")
    same = parsed(nlp, "Senator Marlowe has a chance of winning enough delegates to capture the nomination.")
    assert ("chanc", "win") in none.objects and ("chanc", "take") in some.objects
    assert compare(none, some)[0] is None and compare(some, none)[0] is None
    assert compare(none, same)[0] == "contradicts"
