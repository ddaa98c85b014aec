"""How far reviewers agree: raw agreement, Cohen's kappa and Krippendorff's alpha, per field.

For each field, a claim counts when two or more reviewers gave it a value: for ``verdict``, each
reviewer's own review (their latest, adjudications apart) with a verdict; for a corrected field
(source, cue, stance, check-worthiness), the value each reviewer with a review holds it has: their
correction, or the machine's value when they left it as it was. Raw agreement is the share of
those claims on which all their reviewers agree; Cohen's kappa is given when exactly two reviewers
reviewed them (scikit-learn's ``cohen_kappa_score``), Krippendorff's alpha (nominal, the
``krippendorff`` package) for any number, missing values allowed. A figure that is undefined (no
claims, or a single value throughout) is None.
"""

import math
import sqlite3

import krippendorff
import numpy as np
import sqlite_utils
from sklearn.metrics import cohen_kappa_score

from .store import team

Conn = sqlite3.Connection | sqlite_utils.Database

FIELDS = ("verdict", "source", "cue", "stance", "checkworthy")


def values(conn: Conn, field: str, claim_ids: set[str] | None = None) -> dict[str, dict[str, str]]:
    """claim id -> reviewer -> the value they gave ``field``, for claims with two or more."""
    if field not in FIELDS:
        raise ValueError(f"no agreement on {field!r}; fields: {', '.join(FIELDS)}")
    found: dict[str, dict[str, str]] = {}
    for claim_id, reviewer, value in team.reviewer_values(conn, field):
        if claim_ids is None or claim_id in claim_ids:
            found.setdefault(claim_id, {})[reviewer] = value
    return {c: by for c, by in found.items() if len(by) >= 2}


def _figure(x: float) -> float | None:
    return None if x is None or math.isnan(x) else round(float(x), 4)


def field_agreement(by_claim: dict[str, dict[str, str]]) -> dict:
    """``claims``, ``agreement``, ``kappa``, ``alpha``, ``reviewers`` and ``disagreements`` (the
    claims whose reviewers differ, each with their values)."""
    claims = sorted(by_claim)
    reviewers = sorted({r for by in by_claim.values() for r in by})
    result: dict = {"claims": len(claims), "reviewers": reviewers, "agreement": None,
                    "kappa": None, "alpha": None}
    disagreements = [{"claim_id": c, "values": by_claim[c]} for c in claims
                     if len(set(by_claim[c].values())) > 1]
    result["disagreements"] = disagreements
    if not claims:
        return result
    result["agreement"] = round(1 - len(disagreements) / len(claims), 4)
    labels = sorted({v for by in by_claim.values() for v in by.values()})
    if len(labels) < 2:  # one value throughout: chance agreement is total, kappa/alpha undefined
        return result
    if len(reviewers) == 2:
        a, b = reviewers
        result["kappa"] = _figure(cohen_kappa_score([by_claim[c][a] for c in claims],
                                                    [by_claim[c][b] for c in claims]))
    code = {label: i for i, label in enumerate(labels)}
    matrix = np.array([[code[by_claim[c][r]] if r in by_claim[c] else np.nan for c in claims]
                       for r in reviewers], dtype=float)
    result["alpha"] = _figure(krippendorff.alpha(reliability_data=matrix,
                                                 level_of_measurement="nominal"))
    return result


def agreement(conn: Conn, claim_ids: set[str] | None = None) -> dict[str, dict]:
    """Every field's :func:`field_agreement`, over ``claim_ids`` (None: all current claims)."""
    return {field: field_agreement(values(conn, field, claim_ids)) for field in FIELDS}
