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
    ("As several engineers have pointed out, the bridge was never inspected after the flood.",
     "several engineers", "pointed out"),
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
