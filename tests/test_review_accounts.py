"""annotator/review/accounts.py and ``annotator reviewers``: accounts stored as hashes only."""

import stat

import pytest
from click.testing import CliRunner
from reviewing import PASSWORD

from annotator.cli import cli
from annotator.review import accounts


def test_accounts_store_hashes_only(tmp_path):
    path = tmp_path / "claims.reviewers.json"
    assert accounts.add(path, "alice", PASSWORD, iterations=1_000)
    assert not accounts.add(path, "alice", PASSWORD + "!", iterations=1_000)
    accounts.add(path, "bob", PASSWORD, iterations=1_000)
    text = path.read_text()
    assert PASSWORD not in text and "pbkdf2_sha256$1000$" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(accounts.load(path)) == ["alice", "bob"]
    assert accounts.remove(path, "bob") and not accounts.remove(path, "bob")
    with pytest.raises(accounts.AccountError, match="at least 8"):
        accounts.add(path, "carol", "short")
    with pytest.raises(accounts.AccountError, match="not a usable reviewer name"):
        accounts.add(path, "<carol>", PASSWORD)

def test_reviewers_command(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "claims.db")
    added = runner.invoke(cli, ["reviewers", "add", "alice", "--db", db, "--password-stdin"],
                          input=PASSWORD + "\n", catch_exceptions=False)
    assert added.exit_code == 0, added.output
    assert "Added reviewer alice" in added.output
    stored = (tmp_path / "claims.reviewers.json").read_text()
    assert PASSWORD not in stored and "pbkdf2_sha256$" in stored
    listed = runner.invoke(cli, ["reviewers", "list", "--db", db], catch_exceptions=False)
    assert listed.output.startswith("alice\tadded ")
    short = runner.invoke(cli, ["reviewers", "add", "bob", "--db", db, "--password-stdin"],
                          input="short\n", catch_exceptions=False)
    assert short.exit_code == 1 and "at least 8" in short.output
    removed = runner.invoke(cli, ["reviewers", "remove", "alice", "--db", db], catch_exceptions=False)
    assert removed.exit_code == 0
    again = runner.invoke(cli, ["reviewers", "remove", "alice", "--db", db], catch_exceptions=False)
    assert again.exit_code == 1 and "no reviewer named 'alice'" in again.output
