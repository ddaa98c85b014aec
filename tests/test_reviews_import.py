"""annotator/reviews_import.py and ``annotator import-reviews``: the spreadsheet round trip, and
a file with a bad row rejected whole."""

import csv
import re
from pathlib import Path

import pytest
from commands import jsonl, n_reviews, query, review, run


def _edit(src: Path, dest: Path, edits: dict[int, dict]) -> None:
    """Rewrite an exported CSV (as a spreadsheet would) with cells of some rows changed."""
    with open(src, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    for i, changes in edits.items():
        rows[i].update(changes)
    with open(dest, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def test_spreadsheet_round_trip_records_exactly_the_edited_verdicts(small_copy, all_rows, tmp_path):
    review(small_copy, all_rows[5]["id"], "true", note="=already reviewed")
    exported = tmp_path / "claims.csv"
    run("export", "--db", small_copy, "--excel", "-o", exported)
    edited = tmp_path / "edited.csv"
    _edit(exported, edited, {2: {"verdict": "False", "note": "no such report exists"},
                             7: {"verdict": "misleading"}})
    before = n_reviews(small_copy)
    result = run("import-reviews", edited, "--db", small_copy, "--reviewer", "maria")
    # the two edited rows, and maria's agreeing second opinion of the row ana reviewed
    assert "3 reviews recorded" in result.stdout
    assert n_reviews(small_copy) == before + 3
    latest = {r["id"]: r for r in jsonl(small_copy, "--reviewed")}
    assert latest[all_rows[2]["id"]]["verdict"] == "false"
    assert latest[all_rows[2]["id"]]["note"] == "no such report exists"
    assert latest[all_rows[2]["id"]]["reviewer"] == "maria"
    assert latest[all_rows[7]["id"]]["verdict"] == "misleading"
    assert latest[all_rows[5]["id"]]["note"] == "=already reviewed"  # guard undone
    assert latest[all_rows[5]["id"]]["review_status"] == "agreed"
    again = run("import-reviews", edited, "--db", small_copy, "--reviewer", "maria")
    assert "0 reviews recorded" in again.stdout
    assert n_reviews(small_copy) == before + 3


@pytest.mark.parametrize("bad, message", [
    ({"verdict": "mostly true"}, "unknown verdict 'mostly true'"),
    ({"id": "0000000000000000"}, "unknown claim id '0000000000000000'"),
    ({"text": "Something else entirely."}, "was changed"),
    ({"verdict": "true", "note": "see\x00the annex"}, "the note holds a NUL character"),
])
def test_a_file_with_one_bad_row_is_rejected_whole(small_copy, tmp_path, bad, message):
    exported = tmp_path / "claims.csv"
    run("export", "--db", small_copy, "-o", exported)
    edited = tmp_path / "edited.csv"
    _edit(exported, edited, {0: {"verdict": "true"}, 3: {"verdict": "false"}, 9: bad})
    before = n_reviews(small_copy)
    result = run("import-reviews", edited, "--db", small_copy, ok=False)
    assert result.exit_code == 1
    assert "rejected, nothing written" in result.output
    assert re.search(f"line 11: [^\n]*{re.escape(message)}", result.output)  # header line 1, row 9 line 11
    assert "line 2:" not in result.output and "line 5:" not in result.output
    assert n_reviews(small_copy) == before


def test_an_unterminated_quote_is_a_csv_problem_on_its_line(small_copy, tmp_path):
    """Not "the text of claim … was changed": the quote swallowed the rest of the file."""
    exported = tmp_path / "claims.csv"
    run("export", "--db", small_copy, "-o", exported)
    edited = tmp_path / "edited.csv"
    _edit(exported, edited, {0: {"verdict": "true"}})
    lines = edited.read_bytes().decode("utf-8").split("\r\n")
    lines[10] = '"' + lines[10]  # row 9 (line 11) starts with a quote that never ends properly
    edited.write_bytes("\r\n".join(lines).encode("utf-8"))
    before = n_reviews(small_copy)
    result = run("import-reviews", edited, "--db", small_copy, ok=False)
    assert result.exit_code == 1
    assert "line 11: not well-formed CSV from here" in result.output
    assert "was changed" not in result.output
    assert n_reviews(small_copy) == before


def test_line_numbers_count_multi_line_cells(small_copy, all_rows, tmp_path):
    review(small_copy, all_rows[0]["id"], "true", note="first line\nsecond line\nthird line")
    exported = tmp_path / "claims.csv"
    run("export", "--db", small_copy, "-o", exported)
    edited = tmp_path / "edited.csv"
    _edit(exported, edited, {1: {"verdict": "nonsense"}})
    result = run("import-reviews", edited, "--db", small_copy, ok=False)
    assert "line 5: unknown verdict 'nonsense'" in result.output


def test_import_refuses_rows_reviewed_again_after_the_export(small_copy, all_rows, tmp_path):
    exported = tmp_path / "claims.csv"
    run("export", "--db", small_copy, "-o", exported)
    review(small_copy, all_rows[4]["id"], "true", reviewer="ana", created="2026-03-01T08:00:00+00:00")
    edited = tmp_path / "edited.csv"
    _edit(exported, edited, {4: {"verdict": "false"}})
    result = run("import-reviews", edited, "--db", small_copy, "--reviewer", "ana", ok=False)
    assert "line 6: claim" in result.output and "reviewed by ana" in result.output
    assert n_reviews(small_copy) == 1
    # stale only for ana: another reviewer's file records their own review beside hers
    result = run("import-reviews", edited, "--db", small_copy, "--reviewer", "maria")
    assert "1 review recorded" in result.output
    assert query(small_copy, "select status from final_reviews") == [("disputed",)]


def test_import_refuses_a_file_that_is_not_an_export(small_copy, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,value\nx,1\n", encoding="utf-8")
    result = run("import-reviews", path, "--db", small_copy, ok=False)
    assert "line 1: missing columns id, text, verdict, note" in result.output
