"""annotator/review/forms.py: what a reviewer's form may record (a review, evidence, a claim set),
and what it refuses."""

import pytest

from annotator.review import forms
from annotator.review.forms import InvalidInput
from annotator.store import UNCHANGED

MACHINE = {"source": "Bob", "source_canonical": "Bob Smith", "cue": "said", "stance": "reported",
           "checkworthy": "cfs", "claim_type": "quantity"}

def test_parse_review_keeps_only_real_corrections():
    form = {"verdict": "false", "note": "  checked the budget  ", **MACHINE, "stance": "alleged",
            "cue": ""}
    row = forms.parse_review(form, MACHINE)
    assert row == {"verdict": "false", "note": "checked the budget", "source": UNCHANGED,
                   "source_canonical": UNCHANGED, "cue": "", "stance": "alleged",
                   "checkworthy": UNCHANGED, "claim_type": UNCHANGED}

SHOWN = {"id": 7, "verdict": "false", "note": "the budget says 4%", "source": None,
         "source_canonical": None, "cue": None, "stance": "alleged", "checkworthy": None,
         "claim_type": None}

@pytest.mark.parametrize(
    ("form", "expected"),
    [
        # a verdict key with the form as shown: only the verdict changes, the note is kept
        ({"verdict": "unverifiable", "note": SHOWN["note"], **MACHINE, "stance": "alleged"},
         {"verdict": "unverifiable"}),
        # "save" (no verdict) with a new note: the verdict is kept
        ({"verdict": "", "note": "see p. 4", **MACHINE, "stance": "alleged"}, {"note": "see p. 4"}),
        # emptying the shown note clears it
        ({"verdict": "", "note": " ", **MACHINE, "stance": "alleged"}, {"note": None}),
        # setting the stance back to the machine's clears the correction
        ({"verdict": "true", "note": SHOWN["note"], **MACHINE}, {"verdict": "true", "stance": None}),
    ],
)
def test_parse_review_changes_only_what_the_reviewer_changed(form, expected):
    row = forms.parse_review(form, MACHINE, SHOWN)
    assert {k: v for k, v in row.items() if v is not UNCHANGED} == expected

def test_parse_review_without_the_shown_review_never_clears_the_note():
    """A form that does not say what it showed (not the review page's) cannot clear a note."""
    assert forms.parse_review({"verdict": "true", "note": ""}, MACHINE)["note"] is UNCHANGED

@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"verdict": "maybe"}, "unknown verdict 'maybe'"),
        ({"verdict": "true", "stance": "furious"}, "unknown stance 'furious'"),
        ({"verdict": "", "note": " "}, "nothing to record"),
        ({"note": "x" * 10_001}, "longer than"),
    ],
)
def test_parse_review_refuses(form, message):
    with pytest.raises(InvalidInput, match=message):
        forms.parse_review(form, MACHINE)

def test_parse_review_note_without_verdict():
    assert forms.parse_review({"note": "look again"}, MACHINE)["verdict"] is UNCHANGED

@pytest.mark.parametrize(
    ("form", "ok"),
    [
        ({"url": "https://example.org/a", "relation": "refutes"}, True),
        ({"url": "http://example.org"}, True),
        ({"url": "javascript:alert(1)"}, False),
        ({"url": "example.org/a"}, False),
        ({"url": "https://example.org", "relation": "proves"}, False),
    ],
)
def test_parse_evidence(form, ok):
    if ok:
        assert forms.parse_evidence(form)["url"] == form["url"]
    else:
        with pytest.raises(InvalidInput):
            forms.parse_evidence(form)


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ({"set": " budget "}, {"name": "budget", "new": False, "description": None, "remove": False}),
        ({"set": "", "new_set": "to check", "description": "for Monday"},
         {"name": "to check", "new": True, "description": "for Monday", "remove": False}),
        ({"remove": " budget "}, {"name": "budget", "new": False, "description": None, "remove": True}),
        ({"remove": "budget", "set": "other"}, "not both"),
        ({"set": "a", "new_set": "b"}, "not both"),
        ({"set": "", "new_set": " "}, "choose a claim set"),
        ({"set": "a", "description": "x"}, "a description is for a new claim set"),
    ],
)
def test_parse_set_form(form, expected):
    if isinstance(expected, str):
        with pytest.raises(InvalidInput, match=expected):
            forms.parse_set_form(form)
    else:
        assert forms.parse_set_form(form) == expected
