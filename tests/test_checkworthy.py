"""Check-worthiness: the learned model through the pipeline and its file; claim types on sentences
written for the test. Its training command is tested in test_train.py, ``annotator eval
--sentences`` in test_evaluate.py."""


from dataclasses import replace

import numpy as np
import pytest

from annotator import char_ngrams, checkworthy, checkworthy_features
from annotator.claims import SPANS_KEY


def claim(nlp, text):
    doc = nlp(text)
    return next(iter(doc.spans[SPANS_KEY]))


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Unemployment rose to 7.2 percent in March.", "cfs"),
        ("The company paid $3 million in fines in 2019.", "cfs"),
        ("Police said 14 people were killed in the blast.", "cfs"),
        ("Germany joined the alliance in 1955.", "cfs"),
        ("The senator accused the governor of taking bribes.", "cfs"),
        ("We believe this is the right plan for the country.", "nfs"),
        ("The government should resign.", "nfs"),
        ("I think that is a terrible idea.", "nfs"),
    ],
)
def test_class(nlp, text, expected):
    assert claim(nlp, text)._.annotator_checkworthy == expected


def test_scores_put_checkable_facts_first(nlp):
    texts = [
        "I think that is a terrible idea.",
        "Thank you very much for having me here tonight.",
        "Germany joined the alliance in 1955.",
        "Police said 14 people were killed in the blast on 3 May 2021 in Kabul.",
    ]
    scores = [claim(nlp, t)._.annotator_checkworthy_score for t in texts]
    assert scores[:2] < scores[2:] or max(scores[:2]) < min(scores[2:]), scores
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_a_quoted_accusation_is_not_left_at_the_bottom(nlp):
    """The issue's story: its central accusation scored nfs 0.02 under the rules, below every
    opinion. (Its calibrated score is 0.48 since the character model learned from news-train too,
    35a62af: the prose calibration reads 0.48 as about half cfs; it was 0.51; 0.49 since
    news-train-13 … -16.)"""
    text = ('"We were told the project was on budget, and that was simply not true," said Ana Ruiz, '
            "who chairs the council's finance committee.")
    opinions = ["We believe this is the right plan for the country.", "The government should resign.",
                "I think that is a terrible idea."]
    score = claim(nlp, text)._.annotator_checkworthy_score
    assert score > 0.4 and all(score > claim(nlp, o)._.annotator_checkworthy_score for o in opinions)


def test_a_quoted_accusation_is_classed_cfs(nlp):
    """The guide: accusations are cfs. (Classed nfs at p(cfs) 0.51 until a prose claim was read by
    its content, the quotation, rather than by its reporting frame; nfs again, by a hair, once the
    prose biases were tuned with news-train-13 … -16; cfs, score 0.57, since the model trains on the
    encyclopedia sets.)"""
    text = ('"We were told the project was on budget, and that was simply not true," said Ana Ruiz, '
            "who chairs the council's finance committee.")
    assert claim(nlp, text)._.annotator_checkworthy == "cfs"


def test_a_schedule_is_not_a_confident_cfs(nlp):
    """The issue's story: 'Brandt is expected to address the council on Thursday' scored cfs 0.60
    under the rules; an expectation is a prediction, not a checkable fact."""
    got = claim(nlp, "Brandt is expected to address the council on Thursday.")
    assert got._.annotator_checkworthy != "cfs" and got._.annotator_checkworthy_score < 0.5
    assert got._.annotator_claim_type == "prediction"


def test_the_component_scores_a_batch_as_it_scores_one_document(nlp):
    texts = ["Unemployment rose to 7.2 percent in March.", "The decision was unfair.",
             "The committee met on Tuesday. It is a shameful decision."]

    def labels(docs):
        return [[(c._.annotator_checkworthy, c._.annotator_checkworthy_score) for c in d.spans[SPANS_KEY]]
                for d in docs]

    one = labels([nlp(t) for t in texts])
    assert one == labels(list(nlp.pipe(texts)))
    assert all(cls is not None for doc in one for cls, _ in doc)


def test_features_are_the_same_on_every_parse(nlp):
    a = checkworthy_features.feature_ids(claim(nlp, "Prices fell sharply in May."))
    b = checkworthy_features.feature_ids(claim(nlp, "Prices fell sharply in May."))
    assert len(a) and (a == b).all()
    assert ((0 <= a) & (a < 3 * checkworthy_features.N_FEATURES)).all()  # three readings, see test_claim_features


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Unemployment rose to 7.2 percent in March.", "quantity"),
        ("The new tax will raise prices for families.", "prediction"),
        ("Brandt is expected to address the council on Thursday.", "prediction"),
        ("The vote is scheduled to take place next week.", "prediction"),
        ("I saw the soldiers enter the village.", "personal_experience"),
        ("Smoking causes lung cancer.", "correlation_causation"),
        ("Parliament ratified the treaty on climate.", "laws_rules"),
        ("The band played in the park.", "other"),
        ("Two engineers told the council that the bridge was unsafe.", "other"),
        ("Germany joined the alliance in 1955.", "other"),
        ("Police said 14 people were killed in the blast.", "quantity"),
    ],
)
def test_claim_type(nlp, text, expected):
    assert claim(nlp, text)._.annotator_claim_type == expected


# --- the model file ------------------------------------------------------------------------------


def test_the_shipped_model_loads_without_pickle_and_says_what_it_was_trained_on():
    model = checkworthy.load_model()
    assert model.classes == checkworthy.CLASSES
    assert model.meta["trained_on"]["claimbuster"] > 6000
    assert model.meta["heldout"]["macro_f1"] > model.meta["baseline"]["macro_f1"]


def test_a_file_that_is_not_a_model_is_refused_naming_it(tmp_path):
    bad = tmp_path / "model.npz"
    bad.write_bytes(b"not a model")
    with pytest.raises(checkworthy.ModelError, match="model.npz: not a check-worthiness model"):
        checkworthy.read_model(bad)


def test_prose_and_debate_choose_their_class_with_their_own_biases_and_calibration():
    """Same probabilities, two genres: each row takes the class biases and the score calibration of
    the genre it reads as."""
    n, k = checkworthy_features.N_FEATURES, len(checkworthy.CLASSES)
    model = checkworthy.Model(
        classes=checkworthy.CLASSES, idf=np.ones(n), coef=np.zeros((k, n)), intercept=np.zeros(k),
        bias=np.array([0.0, 0.0, 1.0]), calibration=(1.0, 0.0), meta={},
        genre_coef=np.zeros(n), genre_intercept=0.0, prose_bias=np.array([1.0, 0.0, 0.0]),
        prose_calibration=(1.0, -1.0),
    )
    p = np.array([[0.4, 0.2, 0.4], [0.4, 0.2, 0.4]])
    classes, scores = model.decide(p, np.array([False, True]))
    assert classes == ["nfs", "cfs"]
    assert scores[0] == pytest.approx(0.4)  # the probability, not shifted by the class biases
    assert scores[1] == pytest.approx(1 / (1 + np.exp(-(np.log(0.4 / 0.6) - 1.0))))


def test_only_a_prose_claim_mixes_in_its_character_ngram_model():
    """The character n-gram model's probabilities are averaged into a prose claim's, with the
    model's weight; a debate sentence is read by its words and parse alone."""
    n, k, m = checkworthy_features.N_FEATURES, len(checkworthy.CLASSES), char_ngrams.N_COLUMNS
    plain = checkworthy.Model(
        classes=checkworthy.CLASSES, idf=np.ones(n), coef=np.zeros((k, n)), intercept=np.zeros(k),
        bias=np.zeros(k), calibration=(1.0, 0.0), meta={}, genre_coef=np.zeros(n), genre_intercept=0.0,
        prose_bias=np.zeros(k), prose_calibration=(1.0, 0.0),
    )
    text_coef = np.zeros((k, m))
    text_coef[checkworthy.CLASSES.index("nfs")] = 5.0  # every n-gram says nfs
    mixed = replace(plain, text_idf=np.ones(m), text_coef=text_coef, text_weight=0.7)
    features = [np.array([1, n + 1, 2 * n + 3, 2 * n + 7])] * 2
    prose = np.array([False, True])
    assert np.allclose(plain.probabilities(features, prose), 1 / 3)  # no text model: weight 1
    p = mixed.probabilities(features, prose)
    assert np.allclose(p[0], 1 / 3)
    q = np.exp(5.0 * np.sqrt(2) * (text_coef[:, 0] > 0))  # two n-grams, each 1/sqrt(2) of the row
    assert np.allclose(p[1], 0.7 / 3 + 0.3 * q / q.sum())


def test_character_ngrams_of_a_batch_are_each_texts_own():
    texts = ["Ab c.", "The  senator LIED.", "", "x"]
    batch = char_ngrams.ngram_ids(texts)
    assert [len(ids) for ids in batch] == [18, sum(len(" the senator lied. ") - n + 1 for n in (2, 3, 4, 5)), 1, 3]
    for text, ids in zip(texts, batch):
        assert (np.sort(char_ngrams.ngram_ids([text])[0]) == np.sort(ids)).all()
    assert (np.sort(batch[1]) == np.sort(char_ngrams.ngram_ids(["the senator lied."])[0])).all()  # case, spaces
    assert ((0 <= batch[1]) & (batch[1] < char_ngrams.N_COLUMNS)).all()
