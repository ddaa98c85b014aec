"""annotator/extract.py and ``annotator extract``, with the real model: a re-run over an unchanged
corpus changes nothing, a changed document is replaced whole, bad files are refused and the rest
stored, and the CLI's output pipes into ``annotator export``."""

import json

from click.testing import CliRunner
from conftest import CORPUS, rows

from annotator import extract
from annotator.cli import cli


def test_second_run_over_unchanged_corpus_changes_nothing(corpus_copy, tmp_path):
    db = tmp_path / "c.db"
    first = extract.run([str(corpus_copy)], str(db), progress=False)
    before = rows(db, "select * from claims order by id")
    second = extract.run([str(corpus_copy)], str(db), progress=False)
    assert second.n_extracted == 0 and second.n_unchanged == first.n_documents
    assert rows(db, "select * from claims order by id") == before
    assert len(rows(db, "select * from runs")) == 2

def test_changed_document_is_replaced_whole(corpus_copy, tmp_path):
    db = tmp_path / "c.db"
    extract.run([str(corpus_copy)], str(db), progress=False)
    other_before = rows(db, "select * from claims where doc != 'd02.txt' order by id")
    path = corpus_copy / "d02.txt"
    path.write_text("\nThe committee met on Tuesday in Paris.\nIt approved the budget, officials said.\n",
                    encoding="utf-8")
    summary = extract.run([str(corpus_copy)], str(db), progress=False)
    assert summary.n_extracted == 1
    texts = [c["text"] for c in rows(db, "select text from claims where doc = 'd02.txt' order by start")]
    assert texts == ["The committee met on Tuesday in Paris.", "It approved the budget, officials said."]
    assert rows(db, "select * from claims where doc != 'd02.txt' order by id") == other_before
    (doc,) = rows(db, "select * from documents where path = 'd02.txt'")
    assert doc["text"] == path.read_text(encoding="utf-8")

def test_bad_files_are_refused_and_the_rest_stored(corpus_copy, tmp_path):
    (corpus_copy / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (corpus_copy / "latin1.txt").write_bytes("Caf\xe9 au lait was served.".encode("latin-1"))
    result = CliRunner().invoke(cli, ["extract", str(corpus_copy), "--db", str(tmp_path / "c.db")],
                                catch_exceptions=False)
    assert result.exit_code == 1
    assert "image.txt: is not text: it looks like a PNG image" in result.output
    assert "latin1.txt: is not valid UTF-8" in result.output
    docs = {d["path"] for d in rows(tmp_path / "c.db", "select path from documents")}
    assert docs == {p.name for p in CORPUS.glob("*.txt")}

def test_bom_and_crlf_keep_offsets_consistent(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bom.txt").write_bytes("\ufeffThe mayor said taxes would fall.\r\nPrices rose by 3 percent.\r\n"
                                     .encode("utf-8"))
    extract.run([str(folder)], str(tmp_path / "c.db"), progress=False)
    (doc,) = rows(tmp_path / "c.db", "select * from documents")
    assert not doc["text"].startswith("\ufeff")
    claims = rows(tmp_path / "c.db", "select * from claims order by start")
    assert [c["text"] for c in claims] == ["The mayor said taxes would fall.", "Prices rose by 3 percent."]
    assert all(doc["text"][c["start"]:c["end"]] == c["text"] for c in claims)

def test_cli_extract_and_export_in_a_pipe(corpus_copy, tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "c.db")
    result = runner.invoke(cli, ["extract", str(corpus_copy), "--db", db], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output.count("\n") == 1 and "7 documents: 7 extracted" in result.output
    out = runner.invoke(cli, ["export", "--db", db, "--format", "jsonl"], catch_exceptions=False)
    first = json.loads(out.output.splitlines()[0])
    for col in ("doc", "start", "end", "text", "source", "source_canonical", "cue", "stance", "checkworthy",
                "section_path", "paragraph_index", "sentence_index", "doc_sha256", "run_id"):
        assert col in first

def test_unknown_model_is_a_clear_error(corpus_copy, tmp_path):
    result = CliRunner().invoke(cli, ["extract", str(corpus_copy), "--db", str(tmp_path / "c.db"),
                                      "--model", "en_core_web_nonexistent"])
    assert result.exit_code == 1
    assert "the spaCy model 'en_core_web_nonexistent' is not installed" in result.output
