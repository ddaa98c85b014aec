"""What the check-worthiness model reads of a claim: its content and the guide's kinds of
non-factual content, on sentences written for the test; and the two readings of one claim."""

from annotator import checkworthy_features
from annotator.claim_features import content_span, judgement
from annotator.claims import SPANS_KEY


def claim(nlp, text):
    doc = nlp(text)
    return next(iter(doc.spans[SPANS_KEY]))


def test_a_reported_explanation_is_read_by_its_content(nlp):
    got = claim(nlp, "Officials say the attacks were aimed at creating panic.")
    assert content_span(got).text == "the attacks were aimed at creating panic"
    features = judgement(got)
    assert "stance reported" in features and "cue class reported" in features
    assert "category attributed explanation" in features


def test_a_claim_in_the_documents_voice_is_read_whole(nlp):
    got = claim(nlp, "Germany joined the alliance in 1955.")
    assert content_span(got) == got
    assert "category own plain" in judgement(got) and "stance asserted" in judgement(got)


def test_modal_words_count_only_as_modal_verbs(nlp):
    assert "category prediction" in judgement(claim(nlp, "The new tax will raise prices."))
    assert "category prediction" not in judgement(claim(nlp, "She signed her will in 2019."))


def test_a_claim_has_a_debate_reading_of_its_words_and_a_prose_reading_of_its_content(nlp):
    got = claim(nlp, "Police said 14 people were killed in the blast.")
    ids = checkworthy_features.feature_ids(got)
    assert (checkworthy_features.debate_ids(ids) == checkworthy_features.span_features([got])[0]).all()
    content = checkworthy_features.span_features([content_span(got)])[0]
    prose = checkworthy_features.prose_ids(ids)
    assert (prose[:len(content)] == content).all()  # then the symbolic features, then the prose copies
    assert len(prose) == 2 * (len(content) + len(judgement(got)))
