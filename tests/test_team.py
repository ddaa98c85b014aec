"""Reviewing as a team: each reviewer's own review, the final verdict, agreement, assignments."""

import csv
import json
import random
import sqlite3
from pathlib import Path

import krippendorff
import numpy as np
import pytest
import sqlite_utils
from click.testing import CliRunner
from sklearn.metrics import cohen_kappa_score

from annotator import store
from annotator.store import schema, team
from annotator.cli import cli
from annotator.labels import STANCES, VERDICTS


def run(*args, ok: bool = True):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def query(db: Path, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def final(db: Path, claim_id: str) -> tuple:
    return query(db, "select f.status, r.verdict, r.reviewer from final_reviews f"
                     " left join reviews r on r.id = f.review_id where f.claim_id = ?",
                 [claim_id])[0]


def exported(db: Path, *args) -> dict[str, dict]:
    out = run("export", "--db", db, "--format", "jsonl", *args).stdout
    return {r["id"]: r for r in map(json.loads, out.splitlines())}


def test_two_reviewers_spreadsheets_give_the_reference_agreement(small_copy, tmp_path):
    """Alice and Bob export the same claims at the same time, each fills in verdicts and stances
    (agreeing on some, not on others), and imports: every row of both is recorded, agreeing or
    not, and 'annotator agreement --json' equals kappa and alpha computed from the two files."""
    sheet = tmp_path / "claims.csv"
    run("export", "--db", small_copy, "-o", sheet)
    rows = read_csv(sheet)[:40]
    rng = random.Random(15)
    sheets, given = {}, {}
    base = [rng.choice(VERDICTS) for _ in rows]
    stance_base = [rng.choice(STANCES) for _ in rows]
    for reviewer in ("alice", "bob"):
        edited = []
        for i, row in enumerate(rows):
            verdict = base[i] if rng.random() < 0.7 else rng.choice(VERDICTS)
            stance = stance_base[i] if rng.random() < 0.8 else rng.choice(STANCES)
            edited.append({**row, "verdict": verdict, "note": f"{reviewer} {i}",
                           "corrected_stance": stance})
        given[reviewer] = edited
        sheets[reviewer] = tmp_path / f"{reviewer}.csv"
        write_csv(sheets[reviewer], edited)
    for reviewer in ("alice", "bob"):
        result = run("import-reviews", sheets[reviewer], "--db", small_copy, "--reviewer", reviewer)
        assert f"{len(rows)} reviews recorded" in result.output
    assert query(small_copy, "select count(*) from reviews")[0][0] == 2 * len(rows)

    figures = json.loads(run("agreement", "--db", small_copy, "--json").stdout)
    a, b = given["alice"], given["bob"]
    verdicts = [r["verdict"] for r in a], [r["verdict"] for r in b]
    stances = [r["corrected_stance"] for r in a], [r["corrected_stance"] for r in b]
    for field, (x, y) in (("verdict", verdicts), ("stance", stances)):
        labels = sorted(set(x) | set(y))
        matrix = np.array([[labels.index(v) for v in x], [labels.index(v) for v in y]], float)
        reference = {
            "claims": len(rows),
            "agreement": sum(p == q for p, q in zip(x, y)) / len(rows),
            "kappa": cohen_kappa_score(x, y),
            "alpha": krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"),
        }
        got = figures[field]
        assert got["claims"] == reference["claims"]
        for name in ("agreement", "kappa", "alpha"):
            assert got[name] == pytest.approx(reference[name], abs=0.01), (field, name)
        assert len(got["disagreements"]) == sum(p != q for p, q in zip(x, y))
        assert 0 < got["agreement"] < 1  # the data tests something
    # nobody corrected the source: both hold the machine's sources, in full agreement
    assert figures["source"]["agreement"] == figures["source"]["alpha"] == 1.0

    # every review is in the database and in the export, one row per review
    all_reviews = run("export", "--db", small_copy, "--all-reviews", "--format", "jsonl").stdout
    logged = [json.loads(line) for line in all_reviews.splitlines()]
    assert len(logged) == 2 * len(rows)
    assert {(r["reviewer"], r["claim_id"], r["verdict"], r["note"]) for r in logged} == {
        (who, row["id"], row["verdict"], row["note"]) for who in given for row in given[who]}
    # the claim's final verdict: the verdict both gave, or none while they differ
    claims = exported(small_copy)
    for x, y in zip(a, b):
        if x["verdict"] == y["verdict"]:
            assert claims[x["id"]]["verdict"] == x["verdict"]
            assert claims[x["id"]]["review_status"] == "agreed"
        else:
            assert claims[x["id"]]["verdict"] is None
            assert claims[x["id"]]["review_status"] == "disputed"

    # a set narrows the figures to its claims
    run("sets", "create", "firstten", "--db", small_copy, *[r["id"] for r in rows[:10]])
    narrowed = json.loads(run("agreement", "--db", small_copy, "--set", "firstten", "--json").stdout)
    assert narrowed["verdict"]["claims"] == 10


def test_the_final_verdict_rule(small_copy):
    """One reviewer: theirs. Two who agree: agreed. Two who differ: disputed (no verdict in the
    export, no ClaimReview). An adjudication: final, whatever came before
    or after; the reviews stay."""
    db = store.connect(small_copy)
    claim_id = db.execute("select id from claims order by id limit 1").fetchone()[0]
    store.add_review(db, claim_id, "alice", "false", "the budget says 4%")
    assert final(small_copy, claim_id) == ("single", "false", "alice")
    store.add_review(db, claim_id, "bob", "false")
    assert final(small_copy, claim_id) == ("agreed", "false", "bob")
    assert exported(small_copy)[claim_id]["note"] is None  # bob's review is final and has no note
    store.add_review(db, claim_id, "bob", note="on second thought")  # bob keeps his verdict
    assert final(small_copy, claim_id) == ("agreed", "false", "bob")
    store.add_review(db, claim_id, "bob", "misleading")
    assert final(small_copy, claim_id) == ("disputed", None, None)
    claims = exported(small_copy)
    assert claims[claim_id]["verdict"] is None and claims[claim_id]["review_status"] == "disputed"
    assert claim_id in exported(small_copy, "--unreviewed")  # no final verdict yet
    review = run("export", "--db", small_copy, "--format", "claimreview", "--org", "X").stdout
    assert claim_id not in review
    assert [d["id"] for d in team.disputes(db)] == [claim_id]

    team.adjudicate(db, claim_id, "carol", "misleading", "the 4% is of the total budget")
    assert final(small_copy, claim_id) == ("adjudicated", "misleading", "carol")
    store.add_review(db, claim_id, "alice", "true")  # a later review does not undo it
    assert final(small_copy, claim_id) == ("adjudicated", "misleading", "carol")
    assert team.disputes(db) == []
    review = json.loads(run("export", "--db", small_copy, "--format", "claimreview", "--org", "X").stdout)
    assert [r["reviewRating"]["textualRating"] for r in review] == ["Misleading"]
    logged = json.loads("[" + ",".join(run(
        "export", "--db", small_copy, "--all-reviews", "--format", "jsonl").stdout.splitlines()) + "]")
    assert [(r["reviewer"], r["kind"], r["verdict"], r["is_final"]) for r in logged] == [
        ("alice", "review", "false", 0), ("bob", "review", "false", 0),
        ("bob", "review", "false", 0), ("bob", "review", "misleading", 0),
        ("carol", "adjudication", "misleading", 1), ("alice", "review", "true", 0)]
    with pytest.raises(ValueError, match="unknown verdict"):
        team.adjudicate(db, claim_id, "carol", "partly")


def test_import_takes_corrected_columns(small_copy, tmp_path):
    """corrected_source, corrected_cue, corrected_stance and corrected_checkworthy are stored as
    the review page's corrections are: a value differing from the machine's, '-' for "there is
    none", an empty cell or the machine's value for no correction; an unknown label is refused."""
    sheet = tmp_path / "claims.csv"
    run("export", "--db", small_copy, "-o", sheet)
    rows = read_csv(sheet)
    with_source = next(r for r in rows if r["source"] and r["cue"])
    other = next(r for r in rows if r is not with_source)
    other_stance = next(s for s in STANCES if s != other["stance"])
    edits = {
        with_source["id"]: {"verdict": "true", "corrected_source": "-",
                            "corrected_cue": with_source["cue"],  # the machine's: no correction
                            "corrected_stance": "", "corrected_checkworthy": "nfs"},
        other["id"]: {"verdict": "", "corrected_source": "The Ministry",
                      "corrected_stance": other_stance.upper()},
    }
    edited = [{**r, "corrected_source": "", "corrected_cue": "", "corrected_stance": "",
               "corrected_checkworthy": "", **edits.get(r["id"], {})} for r in rows]
    path = tmp_path / "edited.csv"
    write_csv(path, edited)
    result = run("import-reviews", path, "--db", small_copy, "--reviewer", "maria")
    assert "2 reviews recorded" in result.output
    got = {r[0]: r[1:] for r in query(
        small_copy, "select claim_id, verdict, source, cue, stance, checkworthy from reviews")}
    assert got[with_source["id"]] == ("true", "", None, None,
                                      None if with_source["checkworthy"] == "nfs" else "nfs")
    assert got[other["id"]] == (None, "The Ministry", None, other_stance, None)
    assert "0 reviews recorded" in run("import-reviews", path, "--db", small_copy,
                                       "--reviewer", "maria").output
    edited[3]["corrected_stance"] = "sort of"
    write_csv(path, edited)
    refused = run("import-reviews", path, "--db", small_copy, "--reviewer", "maria", ok=False)
    assert "line 5: unknown stance 'sort_of' in corrected_stance" in refused.output


def test_an_old_database_upgrades_and_keeps_its_reviews(small_copy):
    """A database reviewed before team review (migrations up to m010) upgrades: every review
    stays, each is its reviewer's, and the latest verdict of a single reviewer is final."""
    conn = sqlite3.connect(small_copy)
    claim_ids = [r[0] for r in conn.execute("select id from claims order by id limit 2")]
    with conn:  # back to the schema before m011
        conn.execute("drop trigger reviews_final")
        for view in ("claim_verdicts", "final_review_calc", "reviewer_reviews"):
            conn.execute(f"drop view {view}")
        conn.execute("drop table final_reviews")
        conn.execute("drop table assignments")
        conn.execute("drop index idx_reviews_claim_id_reviewer_id")
        conn.execute("alter table reviews drop column kind")
        conn.execute("delete from _sqlite_migrations where name = 'm011_team_review'")
        schema.m003_claim_verdicts(sqlite_utils.Database(conn))  # the view as it was
        for i, (who, verdict) in enumerate([("ana", "true"), ("ana", "false"), ("ben", "true")]):
            conn.execute("insert into reviews (claim_id, verdict, note, reviewer, created)"
                         " values (?, ?, ?, ?, ?)",
                         [claim_ids[0] if i < 2 else claim_ids[1], verdict, f"note {i}", who,
                          f"2026-01-0{i + 1}T00:00:00+00:00"])
    conn.close()
    db = store.connect(small_copy)  # migrates
    assert query(small_copy, "select count(*) from reviews where kind = 'review'") == [(3,)]
    assert final(small_copy, claim_ids[0]) == ("single", "false", "ana")
    assert final(small_copy, claim_ids[1]) == ("single", "true", "ben")
    assert query(small_copy, "select verdict, review_status from claim_verdicts where id = ?",
                 [claim_ids[0]]) == [("false", "single")]
    db.close()


def test_assign_gives_each_reviewer_their_queue(small_copy):
    ids = [r[0] for r in query(small_copy, "select id from claims where superseded = 0"
                                        " order by id limit 3")]
    run("sets", "create", "pair", "--db", small_copy, *ids)
    result = run("assign", "--db", small_copy, "--set", "pair", "--reviewer", "alice",
                 "--reviewer", "bob", "--blind")
    assert "3 claims of pair assigned to alice, bob (blind)" in result.output
    assert query(small_copy, "select count(*), sum(blind) from assignments") == [(6, 6)]
    missing = run("assign", "--db", small_copy, "--set", "nope", "--reviewer", "x", ok=False)
    assert "nope" in missing.output
    db = sqlite_utils.Database(small_copy)
    assert team.blind(db.conn, ids[0], "alice") and not team.blind(db.conn, ids[0], "carol")
    store.add_review(db, ids[0], "alice", "true")
    assert not team.blind(db.conn, ids[0], "alice") and team.blind(db.conn, ids[0], "bob")


def test_the_disputes_and_agreement_pages(small_copy, tmp_path, monkeypatch):
    """The disputes page lists a disputed claim with both verdicts; an adjudication posted from it
    is final; a bad verdict is refused; the agreement page shows the figures."""
    from test_review import Site

    site = Site(small_copy, tmp_path, monkeypatch)
    db = store.connect(small_copy)
    claim_id = db.execute("select id from claims order by id limit 1").fetchone()[0]
    store.add_review(db, claim_id, "alice", "true", "as the report says")
    store.add_review(db, claim_id, "bob", "false")
    page = site.get("/-/annotator/disputes").text
    assert f'id="dispute-{claim_id}"' in page and "as the report says" in page
    cookies, token = site.form(claim_id, site.actor("alice"))
    bad = site.post(f"/-/annotator/claim/{claim_id}/adjudicate", cookies=cookies,
                    data={"csrftoken": token, "verdict": "pants-on-fire"})
    assert bad.status_code == 400 and "unknown verdict" in bad.text
    done = site.post(f"/-/annotator/claim/{claim_id}/adjudicate", cookies=cookies,
                     data={"csrftoken": token, "verdict": "misleading", "note": "both half right"})
    assert done.status_code == 302
    assert final(small_copy, claim_id) == ("adjudicated", "misleading", "alice")
    assert "No disputed claims" in site.get("/-/annotator/disputes").text
    agreement = site.get("/-/annotator/agreement").text
    assert '<tr data-field="verdict">' in agreement and claim_id in agreement
