"""Read verdicts and notes back from a CSV that ``annotator export`` wrote and a reviewer edited.

Every row is checked before anything is written: a file with one bad row is rejected whole, and
each problem is reported with the line it starts on. The file is one reviewer's: a row appends a
review by them where its verdict, note or corrections differ from their own review of the claim
(whatever other reviewers said, agreeing or not), so importing the same file twice records
nothing new. A row is stale only when its reviewer reviewed the claim again after the export.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from . import store
from .errors import AnnotatorError
from .export import unguard_formula
from .labels import CHECKWORTHY, CLAIM_TYPES, STANCES, VERDICTS
from .store import queries, team

REQUIRED = ("id", "text", "verdict", "note")
# Optional columns ``corrected_<field>``: the reviewer's value of a field the machine found, as the
# review page's corrections. Empty (or the machine's value): no correction; ``-`` for a source or
# cue: there is none.
CORRECTED = {f"corrected_{f}": f for f in store.CORRECTED_FIELDS}
LABELS = {"stance": STANCES, "checkworthy": CHECKWORTHY, "claim_type": CLAIM_TYPES}
NONE_MARK = "-"


class ImportRejected(AnnotatorError, ValueError):
    """The file has problems; ``errors`` lists them as ``line N: ...``."""

    def __init__(self, path: str, errors: list[str]):
        self.errors = errors
        super().__init__(f"{path}: rejected, nothing written ({len(errors)} problem"
                         f"{'' if len(errors) == 1 else 's'}):\n  " + "\n  ".join(errors))


@dataclass
class ImportResult:
    n_rows: int = 0
    n_unchanged: int = 0
    reviews: list[dict] = field(default_factory=list)


def _verdict(cell: str) -> str | None:
    value = cell.strip().lower().replace(" ", "_").replace("-", "_")
    return value or None


def _note(cell: str) -> str | None:
    return unguard_formula(cell) if cell.strip() else None


def _same_text(cell: str, text: str) -> bool:
    def norm(s: str) -> str:
        return s.replace("\r\n", "\n")

    return norm(text) in (norm(cell), norm(unguard_formula(cell)))


class CsvProblem(ValueError):
    """The file is not well-formed CSV from ``line`` on."""

    def __init__(self, line: int, problem: str):
        self.line = line
        super().__init__(f"line {line}: not well-formed CSV from here ({problem}); a cell that"
                         ' starts with " must end with ", and a " inside it is written ""')


def _records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line the record starts on, cells), the header included; the delimiter is sniffed.

    Read strictly: an unterminated quote would otherwise swallow the rest of the file into one
    cell. Raises :class:`CsvProblem` naming the line the bad record starts on.
    """
    with open(path, encoding="utf-8-sig", newline="") as f:
        first = f.readline()
        delimiter = max((",", ";", "\t"), key=first.count)
        f.seek(0)
        reader = csv.reader(f, delimiter=delimiter, strict=True)
        start = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                raise CsvProblem(start, str(e)) from None
            yield start, cells
            start = reader.line_num + 1


def _corrections(cells: list[str], col: dict[str, int], machine: dict) -> tuple[dict, list[str]]:
    """The row's corrected fields (field -> value or None) and its problems."""
    found: dict = {}
    problems = []
    for column, name in CORRECTED.items():
        if column not in col:
            continue
        value: str | None = unguard_formula(cells[col[column]].strip()) if cells[col[column]].strip() else ""
        if name in LABELS:
            value = value.lower().replace(" ", "_").replace("-", "_") if value else ""
            if value and value not in LABELS[name]:
                problems.append(f"unknown {name} {value!r} in {column}; use one of "
                                f"{', '.join(LABELS[name])} or leave it empty")
                continue
        if value == NONE_MARK and name in ("source", "cue"):
            value = ""
        elif not value or value == (machine.get(name) or ""):
            value = None
        found[name] = value
    return found, problems


def check_file(db: sqlite_utils.Database, path: str | Path, reviewer: str) -> ImportResult:
    """Validate every row; the reviews ``reviewer`` appends, or :class:`ImportRejected` with all
    problems."""
    path = Path(path)
    errors: list[str] = []
    result = ImportResult()
    seen: dict[str, int] = {}
    try:
        records = list(_records(path))
    except UnicodeDecodeError as e:
        problem = f"not UTF-8 text ({e.reason} at byte {e.start}); save it as 'CSV UTF-8'"
        raise ImportRejected(str(path), [problem]) from None
    except CsvProblem as e:
        raise ImportRejected(str(path), [str(e)]) from None
    except csv.Error as e:
        raise ImportRejected(str(path), [f"not a readable CSV file ({e})"]) from None
    if not records:
        problem = "line 1: empty file; expected the header of 'annotator export'"
        raise ImportRejected(str(path), [problem])
    header = [h.strip() for h in records[0][1]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        problem = (f"line 1: missing column{'s' if len(missing) > 1 else ''} "
                   f"{', '.join(missing)}; import a CSV written by 'annotator export'")
        raise ImportRejected(str(path), [problem])
    col = {name: header.index(name) for name in header if name}
    for line, cells in records[1:]:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            errors.append(f"line {line}: {len(cells)} cells, the header has {len(header)}")
            continue
        cells += [""] * (len(header) - len(cells))
        result.n_rows += 1
        claim_id = cells[col["id"]].strip()
        if not claim_id:
            errors.append(f"line {line}: no claim id")
            continue
        if claim_id in seen:
            errors.append(f"line {line}: claim {claim_id} again (first on line {seen[claim_id]})")
            continue
        seen[claim_id] = line
        claim = queries.claim(db, claim_id)
        if claim is None:
            errors.append(f"line {line}: unknown claim id {claim_id!r}")
            continue
        if claim["superseded"]:
            errors.append(f"line {line}: claim {claim_id} was superseded by a later extraction "
                          "(its document changed); export again")
            continue
        if not _same_text(cells[col["text"]], claim["text"]):
            errors.append(f"line {line}: the text of claim {claim_id} was changed; claim text "
                          "cannot be edited here (restore it, or review it in Datasette)")
            continue
        verdict = _verdict(cells[col["verdict"]])
        if verdict is not None and verdict not in VERDICTS:
            errors.append(f"line {line}: unknown verdict {cells[col['verdict']].strip()!r}; "
                          f"use one of {', '.join(VERDICTS)} or leave it empty")
            continue
        if "\0" in cells[col["note"]]:
            errors.append(f"line {line}: the note holds a NUL character (\\0), which is not text;"
                          " remove it")
            continue
        note = _note(cells[col["note"]])
        corrections, problems = _corrections(cells, col, claim)
        if problems:
            errors += [f"line {line}: {p}" for p in problems]
            continue
        own = team.own_review(db, claim_id, reviewer) or {}
        row = {"verdict": verdict, "note": note, **corrections}
        if all(own.get(k) == v for k, v in row.items()):
            result.n_unchanged += 1
            continue
        exported = cells[col["reviewed_at"]].strip() if "reviewed_at" in col else None
        if own and exported is not None and own["created"] > exported:
            errors.append(f"line {line}: claim {claim_id} was reviewed by {reviewer} at "
                          f"{own['created']}, after this file was exported; export again")
            continue
        result.reviews.append({"claim_id": claim_id, **row})
    if errors:
        raise ImportRejected(str(path), errors)
    return result


def import_reviews(db: sqlite_utils.Database, path: str | Path, *, reviewer: str) -> ImportResult:
    """Check the file, then append its changed rows as reviews by ``reviewer`` in one transaction
    (each keeps the corrections of their review before it that the file has no column for)."""
    result = check_file(db, path, reviewer)
    with db.atomic():
        for review in result.reviews:
            store.add_review(db, reviewer=reviewer, **review)
    return result
