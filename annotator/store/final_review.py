"""A claim's current review, defined once: its final review.

Every reviewer's reviews are kept (see :mod:`.reviews`); the rule below says which one has the
last word, and :mod:`.schema` keeps its result in the table ``final_reviews`` (a trigger on every
new review). :data:`CURRENT_REVIEW` joins that review as ``r`` to the claims ``c``; the export,
the queue, the evaluation, the import, the claims table and the ``claim_verdicts`` view all read
it through here.
"""


# A claim's current review is its final review (the rule is FINAL_REVIEW_VIEW, below, kept in
# the table final_reviews; see the ``claim_verdicts`` view and :mod:`.queries`): this is its one
# definition.
def latest_review_id(claim: str) -> str:
    """SQL for the id of the current (final) review of the claim whose id is the SQL ``claim``:
    None while it has none (unreviewed, or disputed)."""
    return f"(select fr.review_id from final_reviews fr where fr.claim_id = {claim})"


def review_status(claim: str) -> str:
    """SQL for a claim's review status: single, agreed, disputed, adjudicated, or None while no
    reviewer has given it a verdict."""
    return f"(select fr.status from final_reviews fr where fr.claim_id = {claim})"


CURRENT_REVIEW = f"left join reviews r on r.id = {latest_review_id('c.id')}"


# Each reviewer's latest review of a claim (adjudications apart): theirs, whatever others say.
REVIEWER_REVIEWS_VIEW = """
CREATE VIEW reviewer_reviews AS
SELECT r.* FROM reviews r
WHERE r.kind = 'review' AND r.id = (
  SELECT max(r2.id) FROM reviews r2
  WHERE r2.claim_id = r.claim_id AND r2.reviewer = r.reviewer AND r2.kind = 'review')"""

# The final review of each reviewed claim, by the one rule (README, "Reviewing as a team"):
# its latest adjudication; else, when every verdict its reviewers gave is the same (one reviewer,
# or all agree), the latest of their reviews with a verdict ('single' or 'agreed'); else none
# ('disputed', until someone adjudicates). A claim whose reviews carry no verdict yet has its
# latest review and no status. Kept in final_reviews by a trigger on every new review.
FINAL_REVIEW_VIEW = """
CREATE VIEW final_review_calc AS
SELECT claim_id,
  CASE WHEN adj IS NOT NULL THEN adj WHEN n_verdicts <= 1 THEN pick END AS review_id,
  CASE WHEN adj IS NOT NULL THEN 'adjudicated' WHEN n_verdicts = 0 THEN NULL
       WHEN n_verdicts = 1 AND n_given = 1 THEN 'single' WHEN n_verdicts = 1 THEN 'agreed'
       ELSE 'disputed' END AS status,
  n_reviewers
FROM (
  SELECT c.claim_id,
    (SELECT max(a.id) FROM reviews a
     WHERE a.claim_id = c.claim_id AND a.kind = 'adjudication') AS adj,
    (SELECT count(DISTINCT v.verdict) FROM reviewer_reviews v WHERE v.claim_id = c.claim_id)
      AS n_verdicts,
    (SELECT count(v.verdict) FROM reviewer_reviews v WHERE v.claim_id = c.claim_id) AS n_given,
    (SELECT count(*) FROM reviewer_reviews v WHERE v.claim_id = c.claim_id) AS n_reviewers,
    (SELECT v.id FROM reviewer_reviews v WHERE v.claim_id = c.claim_id
     ORDER BY v.verdict IS NULL, v.id DESC LIMIT 1) AS pick
  FROM (SELECT DISTINCT claim_id FROM reviews) c)"""


# The columns of the claim_verdicts view over a claim ``c`` and its review ``r`` (the view of
# m003, then of m011 with the review status added).
CLAIM_VERDICT_COLUMNS = """c.id, c.doc, c.section_path, c.start, c."end", c.text,
  c.source, c.source_canonical, c.cue, c.stance, c.checkworthy, c.checkworthy_score,
  c.claim_type,
  r.verdict, r.note, r.reviewer, r.created AS reviewed_at,
  r.source AS corrected_source, r.source_canonical AS corrected_source_canonical,
  r.cue AS corrected_cue, r.stance AS corrected_stance,
  r.checkworthy AS corrected_checkworthy, r.claim_type AS corrected_claim_type,
  (SELECT count(*) FROM evidence e WHERE e.claim_id = c.id) AS evidence"""

CLAIM_VERDICTS_VIEW = f"""
CREATE VIEW claim_verdicts AS
SELECT {CLAIM_VERDICT_COLUMNS},
  f.status AS review_status, f.n_reviewers AS reviewers
FROM claims c
LEFT JOIN final_reviews f ON f.claim_id = c.id
LEFT JOIN reviews r ON r.id = f.review_id
WHERE c.superseded = 0"""
