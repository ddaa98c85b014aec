"""Write claims out: CSV for spreadsheets, JSON Lines for pipelines, ClaimReview for the web.

One query serves every format and the Datasette "download CSV" link: the store's
:func:`~annotator.store.queries.export_query` turns a :class:`Filters` into SQL and named
parameters (every filter value is a parameter, never SQL text). Rows are streamed from the
cursor, so memory stays flat however many claims are exported.
"""

import contextlib
import csv
import io
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

from .filters import FilterError, Filters
from .store.queries import COLUMNS, Connection, claim_cursor, claim_rows, count_claims, export_query

__all__ = ["COLUMNS", "FilterError", "Filters", "claim_rows", "count_claims", "export_query"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- CSV ---------------------------------------------------------------------------------------


def guard_formula(value: str) -> str:
    """Prefix a cell a spreadsheet would run as a formula with ``'`` so it is shown as text."""
    return "'" + value if value.startswith(FORMULA_START) else value


def unguard_formula(value: str) -> str:
    """Undo :func:`guard_formula`."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def _guarded(values: Sequence) -> Sequence:
    """``values`` with every cell a spreadsheet would run as a formula prefixed with ``'``.

    None stays None: the csv module writes it as an empty cell.
    """
    if any(v.__class__ is str and v.startswith(FORMULA_START) for v in values):
        return ["'" + v if v.__class__ is str and v.startswith(FORMULA_START) else v for v in values]
    return values


def _cells(row: dict, columns: Sequence[str], formula_guard: bool) -> Sequence:
    values = [row.get(name) for name in columns]
    return _guarded(values) if formula_guard else values


def iter_csv(
    rows: Iterable[dict],
    columns: Sequence[str] = COLUMNS,
    *,
    excel: bool = False,
    formula_guard: bool = True,
) -> Iterator[str]:
    """CSV text (RFC 4180: CRLF, minimal quoting) one row at a time, header first."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")

    def flush() -> str:
        text = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return text

    if excel:
        yield "\ufeff"
    writer.writerow(columns)
    yield flush()
    for row in rows:
        writer.writerow(_cells(row, columns, formula_guard))
        yield flush()


def _write_records(records: Iterable[Sequence], out: IO[str], excel: bool) -> int:
    """The header and ``records`` as CSV, as :func:`iter_csv` writes them; the number of records."""
    n = 0

    def counted() -> Iterator[Sequence]:
        nonlocal n
        for record in records:
            n += 1
            yield record

    if excel:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(counted())
    return n


def write_csv_query(db: Connection, filters: Filters | None,
                    out: IO[str], *, excel: bool = False, formula_guard: bool = True) -> int:
    """:func:`write_csv` of the claims passing ``filters``, straight from the cursor's tuples
    (the same bytes, without a dict per row: a million claims are a million rows)."""
    cursor = claim_cursor(db, filters, COLUMNS)
    return _write_records((_guarded(v) for v in cursor) if formula_guard else cursor, out, excel)


def write_csv(rows: Iterable[dict], out: IO[str], *, excel: bool = False,
              formula_guard: bool = True) -> int:
    """Write rows as CSV, as :func:`iter_csv` would; returns the number of rows (header not counted)."""
    return _write_records((_cells(row, COLUMNS, formula_guard) for row in rows), out, excel)


def write_jsonl(rows: Iterable[dict], out: IO[str]) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps({k: row.get(k) for k in COLUMNS}, ensure_ascii=False) + "\n")
        n += 1
    return n


# --- ClaimReview -------------------------------------------------------------------------------

# verdict -> (textual rating, numeric rating on the 1 (false) .. 3 (true) scale, or None: the
# verdict is not a point on the truth scale and the rating carries text only).
RATINGS: dict[str, tuple[str, int | None]] = {
    "false": ("False", 1),
    "misleading": ("Misleading", 2),
    "true": ("True", 3),
    "unverifiable": ("Unverifiable", None),
    "not_a_claim": ("Not a claim", None),
}
WORST_RATING, BEST_RATING = 1, 3
CLAIMREVIEW_COLUMNS = (*COLUMNS, "source_label", "appearances")
_AUTHOR_TYPES = {"PERSON": "Person", "ORG": "Organization", "NORP": "Organization",
                 "GPE": "Organization"}


def claim_review_id(claim_id: str, base_url: str | None = None) -> str:
    """A stable ``@id`` for the review of a claim: under ``base_url`` when given, else a URN."""
    if base_url:
        return base_url.rstrip("/") + "/" + claim_id
    return f"urn:annotator:claimreview:{claim_id}"


def claim_review(row: Mapping, *, org: str, org_url: str | None = None,
                 base_url: str | None = None) -> dict:
    """The schema.org ClaimReview of one reviewed claim row."""
    textual, value = RATINGS[row["verdict"]]
    rating: dict = {"@type": "Rating", "textualRating": textual, "alternateName": textual}
    if value is not None:
        rating.update(ratingValue=value, worstRating=WORST_RATING, bestRating=BEST_RATING)
    claim: dict = {"@type": "Claim"}
    if row.get("source_canonical"):
        claim["author"] = {"@type": _AUTHOR_TYPES.get(row.get("source_label") or "", "Thing"),
                           "name": row["source_canonical"]}
    claim["appearance"] = {"@type": "CreativeWork", "name": row["doc"]}
    if row.get("appearances"):  # the same claim in other documents (its match group)
        claim["appearance"] = [claim["appearance"], *(
            {"@type": "CreativeWork", "name": doc} for doc in row["appearances"].split("\n"))]
    author: dict = {"@type": "Organization", "name": org}
    if org_url:
        author["url"] = org_url
    review: dict = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "@id": claim_review_id(row["id"], base_url),
    }
    if base_url:
        review["url"] = review["@id"]
    review.update(
        claimReviewed=row["text"],
        itemReviewed=claim,
        reviewRating=rating,
        author=author,
        datePublished=(row.get("reviewed_at") or "")[:10],
    )
    if row.get("note"):
        review["reviewBody"] = row["note"]
    return review


def write_claimreview(rows: Iterable[dict], out: IO[str], *, org: str,
                      org_url: str | None = None, base_url: str | None = None) -> int:
    """Write a JSON array of ClaimReview objects for the rows that carry a verdict."""
    n = 0
    out.write("[")
    for row in rows:
        if not row.get("verdict"):
            continue
        text = json.dumps(claim_review(row, org=org, org_url=org_url, base_url=base_url),
                          ensure_ascii=False, indent=2)
        out.write(("," if n else "") + "\n" + text)
        n += 1
    out.write("\n]\n")
    return n



@contextlib.contextmanager
def atomic_file(path: str | os.PathLike) -> Iterator[IO[str]]:
    """A UTF-8 text file that appears under ``path`` only whole.

    It is written to a hidden temporary file in the same folder (``.NAME.PID.tmp``), flushed to
    the disk and renamed over ``path``. On any error or interruption the temporary file is
    removed and whatever was at ``path`` stays as it was; only a kill that Python cannot catch
    (SIGKILL, a power cut) can leave the temporary file behind, never a part under ``path``.
    A symbolic link is followed (the link stays); a pipe or a device (``/dev/stdout``) is written
    as it is, since there is no file to replace.
    """
    final = Path(os.path.realpath(path))
    if final.exists() and not final.is_file():
        with open(final, "w", encoding="utf-8", newline="") as out:
            yield out
        return
    tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()  # left by a killed process that had this process id
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with open(fd, "w", encoding="utf-8", newline="") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
