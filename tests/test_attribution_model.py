"""The learned cue finder: its shipped weights, and a sentence the rules leave without a source.

The sentences are written for these tests (PolNeAR's texts stay in ../shared).
"""

import pytest
from spacy.tokens import Span

from annotator import attribution_model
from annotator.claims import SPANS_KEY


def test_the_shipped_model_loads_without_pickle_and_says_what_it_was_trained_on():
    model = attribution_model.load_model()
    assert model.coef.shape == (attribution_model.N_FEATURES,)
    assert "PolNeAR train" in model.meta["trained_on"]
    assert {"say", "tell", "accord"} & model.lemmas
    assert 0.5 < model.threshold < 1.0
    right, wrong = model.meta["heldout_added"]
    assert right > 3 * wrong  # on the held-out articles, the attributions it adds are mostly right


def test_a_file_that_is_not_a_model_is_refused_naming_it(tmp_path):
    bad = tmp_path / "attribution.npz"
    bad.write_bytes(b"not a model")
    with pytest.raises(attribution_model.ModelError, match="attribution.npz: not an attribution model"):
        attribution_model.read_model(bad)


def _attributions(nlp, text: str) -> list[tuple[str, str]]:
    doc = nlp(text)
    return [(c._.annotator_source.text if c._.annotator_source is not None else "",
             c._.annotator_cue.text if c._.annotator_cue is not None else "") for c in doc.spans[SPANS_KEY]]


# Written for the test: attributions the dependency rules leave without a source.
MISSED_BY_RULES = [
    ("In her 2009 memoir, the senator noted the reactor's earlier leaks.", "the senator", "noted"),
]


@pytest.mark.parametrize("text, source, cue", MISSED_BY_RULES)
def test_the_model_attributes_what_the_rules_leave_without_a_source(nlp, text, source, cue):
    pipe = nlp.get_pipe("annotator_attribution")
    model = pipe.model
    assert model is not None
    try:
        pipe.model = None
        assert _attributions(nlp, text) == [("", "")]
    finally:
        pipe.model = model
    assert _attributions(nlp, text) == [(source, cue)]


@pytest.mark.parametrize("text", [
    "The mayor called for patience after the flood.",  # a request: not a claim's attribution (guide)
    "Several airlines have warned their passengers to expect delays.",
    "Although the minister has admitted using the fund, she does not defend it.",  # a part, not the claim
])
def test_the_model_keeps_to_the_guide(nlp, text):
    assert _attributions(nlp, text) == [("", "")]


def test_a_model_file_without_switch_and_veto_never_replaces_or_drops_the_rules(tmp_path):
    """A model trained before rule attributions were scored (coef, threshold, lemmas only)."""
    import json

    import numpy as np

    path = tmp_path / "old.npz"
    np.savez_compressed(path, coef=np.zeros(attribution_model.N_FEATURES, dtype=np.float16),
                        intercept=np.array(0.0), threshold=np.array(0.9), lemmas=np.array(["say"]),
                        meta=np.array(json.dumps({})))
    model = attribution_model.read_model(path)
    assert model.switch > 1.0 and model.veto == 0.0


def test_switch_threshold_is_where_replacing_the_rules_gains_most():
    from annotator.train_attribution import choose_switch

    # (rules' probability, rules right, other's probability, other right, may be dropped)
    gains = [(0.2, False, 0.9 - i / 100, True, True) for i in range(12)]
    losses = [(0.3, True, 0.7 - i / 100, False, True) for i in range(20)]
    assert choose_switch(gains + losses, min_gain=0.0) == pytest.approx(0.79)
    assert choose_switch(losses, min_gain=0.0) == 2.0  # nothing to gain: never
    assert choose_switch(gains + losses, min_gain=0.5) == 2.0  # 12 of 32 is not worth scoring them all


def test_veto_threshold_drops_only_where_wrong_sources_outweigh_right_ones_lost():
    from annotator.train_attribution import choose_veto

    wrong = [(0.05 + i / 1000, False, -1.0, False, True) for i in range(15)]
    right = [(0.5 + i / 100, True, -1.0, False, True) for i in range(40)]
    veto = choose_veto(wrong + right, switch=2.0)
    assert 0.064 < veto < 0.5
    assert choose_veto(right, switch=2.0) == 0.0
    nested = [d[:4] + (False,) for d in wrong]  # the guide's own attributions are never dropped
    assert choose_veto(nested + right, switch=2.0) == 0.0


# Written for the test: attributions the rules give and the model drops as very likely wrong
# (a question of how someone will act; a pronoun "that" as the source of "shows").
DROPPED = [
    "The real question is how the governor will respond to the protests.",
    "That shows how hard it will be for the mayor to win the northern districts.",
]


@pytest.mark.parametrize("text", DROPPED)
def test_the_model_drops_a_rule_attribution_it_scores_as_very_likely_wrong(nlp, text):
    pipe = nlp.get_pipe("annotator_attribution")
    model = pipe.model
    try:
        pipe.model = None
        assert _attributions(nlp, text)[0][0] != ""  # the rules attribute it
    finally:
        pipe.model = model
    assert _attributions(nlp, text) == [("", "")]


@pytest.mark.parametrize("text, expected", [
    ("The senator said the minister denied the report.", ("the minister", "denied")),  # innermost speaker
    ("Officials are concerned the storm could damage the harbour.", ("Officials", "are concerned")),
    ('"We are ready," the coach said.', ("the coach", "said")),
])
def test_the_model_keeps_the_guides_own_attributions(nlp, text, expected):
    assert _attributions(nlp, text) == [expected]
