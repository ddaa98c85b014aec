"""The one place that touches SQLite.

:mod:`.schema` (the migrations), :mod:`.connection` (opening a database, write transactions),
the writes: :mod:`.documents` (what an extraction found), :mod:`.reviews` (the review log and
evidence), :mod:`.sets` (claim sets); the reads: :mod:`.queries` (every SELECT of claims, reviews
and sets, and the one definition of a claim's current review) over :mod:`.filters` (which
claims); and :mod:`.check` (is a database whole?).
"""

from .connection import (
    BUSY_TIMEOUT_MS,
    connect,
    open_existing,
    relaxed_sync,
    wait_for_locks,
    writing,
)
from .documents import (
    entity_list,
    facet_counts_current,
    finish_run,
    refresh_counts,
    refresh_facet_counts,
    save_document,
    start_run,
    stored_hash,
)
from .reviews import CORRECTED_FIELDS, REVIEW_FIELDS, UNCHANGED, Unchanged, add_evidence, add_review
from .schema import ALL_CLAIMS, ENTITY_LIST_SQL, FACET_COLUMNS, migrations

__all__ = [
    "ALL_CLAIMS", "BUSY_TIMEOUT_MS", "CORRECTED_FIELDS", "ENTITY_LIST_SQL", "FACET_COLUMNS",
    "REVIEW_FIELDS", "UNCHANGED", "Unchanged", "add_evidence", "add_review", "connect", "entity_list",
    "facet_counts_current", "finish_run", "migrations", "open_existing", "refresh_counts",
    "refresh_facet_counts", "relaxed_sync", "save_document", "start_run", "stored_hash",
    "wait_for_locks", "writing",
]
