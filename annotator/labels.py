"""The label vocabulary: one definition of each set of labels, importable without spaCy.

The stages that assign labels (stance, checkworthy), the store's constraints, the filters, the
review forms and the evaluation all read them from here.
"""

# How firmly a claim is put, from the firmest to the weakest; the weakest commitment wins.
STANCES = ("asserted", "reported", "alleged", "hedged", "denied")
# ClaimBuster's classes: check-worthy factual, unimportant factual, not factual.
CHECKWORTHY = ("cfs", "ufs", "nfs")
# Full Fact's claim typology.
CLAIM_TYPES = (
    "quantity",
    "correlation_causation",
    "laws_rules",
    "prediction",
    "personal_experience",
    "other",
    "not_a_claim",
)
# A reviewer's verdict on a claim.
VERDICTS = ("true", "false", "misleading", "unverifiable", "not_a_claim")
# The fields of a claim a reviewer may correct; a review row holds each, NULL where unchanged.
CORRECTABLE = ("source", "source_canonical", "cue", "stance", "checkworthy", "claim_type")
