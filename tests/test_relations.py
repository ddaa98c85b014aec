"""Relations across documents in a real database: found by extract, kept when documents change,
redone by ``annotator match``, exported, shown to reviewers."""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from conftest import rows
from test_review import Site

from annotator import extract, store
from annotator.cli import cli
from annotator.store import relations

MATCHING = Path(__file__).resolve().parent / "fixtures" / "matching"
JOBLESS = "The jobless rate dropped to 4.2%%"
UNEMPLOYMENT = "Unemployment fell to 4.2 percent%"
ROSE = "Unemployment rose to 4.5 percent%"


@pytest.fixture(scope="session")
def matching_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("matching") / "claims.db"
    extract.run([str(MATCHING)], str(path), progress=False, match=True)
    return path


@pytest.fixture
def db_path(matching_db, tmp_path) -> Path:
    dest = tmp_path / "claims.db"
    with sqlite3.connect(matching_db) as src, sqlite3.connect(dest) as out:
        src.backup(out)
    return dest


def matched_copy(tmp_path) -> tuple[Path, str]:
    """A copy of the matching documents that the test may change, extracted with matching on."""
    folder = tmp_path / "docs"
    shutil.copytree(MATCHING, folder)
    db = str(tmp_path / "claims.db")
    extract.run([str(folder)], db, progress=False, match=True)
    return folder, db


def claim_id(path, like: str) -> str:
    return rows(path, "select id from claims where superseded = 0 and text like ?", [like])[0]["id"]


def relation_set(path) -> set[tuple[str, str, str]]:
    return {(r["a"], r["b"], r["relation"]) for r in rows(
        path, "select a.doc || ':' || a.text as a, b.doc || ':' || b.text as b, x.relation"
              " from claim_relations x join claims a on a.id = x.claim_id join claims b on b.id = x.other_id")}


def implied_set(path) -> set[tuple[frozenset[str], str]]:
    """The relations of every claim, each claim standing for those worded as it is (store/wordings.py)."""
    label = {r["id"]: f"{r['doc']}:{r['text']}" for r in rows(path, "select id, doc, text from claims")}
    worded = {r["claim_id"]: r["wording"] for r in rows(path, "select claim_id, wording from claim_match_keys")}
    members: dict[str, set[str]] = {}
    for c, w in worded.items():
        members.setdefault(w or c, set()).add(c)
    return {(frozenset((label[x], label[y])), r["relation"]) for r in rows(path, "select * from claim_relations")
            for x in members[worded[r["claim_id"]] or r["claim_id"]] for y in members[worded[r["other_id"]] or r["other_id"]] if x != y}


def test_extract_finds_the_same_claim_and_contradictions(db_path):
    a, b, c = (claim_id(db_path, t) for t in (JOBLESS, UNEMPLOYMENT, ROSE))
    found = {(r["claim_id"], r["other_id"]): r["relation"] for r in rows(db_path, "select * from claim_relations")}
    assert found[tuple(sorted((a, b)))] == "same"
    assert found[tuple(sorted((a, c)))] == "contradicts"
    assert found[tuple(sorted((b, c)))] == "contradicts"
    esi = claim_id(db_path, "The European Stability Initiative said%")
    esisc = claim_id(db_path, "%rejected by ESISC%")
    assert found[tuple(sorted((esi, esisc)))] == "contradicts"
    # "$2.9 billion" and "nearly $3 billion" are neither; claims of one document are never paired
    assert len(found) == 4
    assert all(k[0] < k[1] for k in found)  # one row per unordered pair
    groups = rows(db_path, "select claim_id, match_group from claim_match_keys where match_group is not null")
    assert {g["claim_id"] for g in groups} == {a, b} and {g["match_group"] for g in groups} == {min(a, b)}


def test_extract_stores_what_each_claim_asserts_from_its_documents_parse(db_path):
    """The predicates come from the parse extract made (the claims table has no column for
    them); ``annotator match`` parses the stored text again and finds the same main predicates."""
    def mains():
        return {r["text"]: r["m"] for r in rows(
            db_path, "select c.text, json_extract(k.features, '$.x.m') as m from claim_match_keys k"
                     " join claims c on c.id = k.claim_id")}
    found = mains()
    jobless = rows(db_path, "select text from claims where text like ?", [JOBLESS])[0]["text"]
    assert json.loads(found[jobless]) == ["increas"]  # "fell": a rise denied (lexicons/match_antonyms.tsv)
    assert rows(db_path, "select json_extract(k.features, '$.x.n') as n from claim_match_keys k join claims c"
                         " on c.id = k.claim_id where c.text = ?", [jobless])[0]["n"] == '["increas"]'
    assert "match_structure" not in {c["name"] for c in rows(db_path, "select name from pragma_table_info('claims')")}
    CliRunner().invoke(cli, ["match", "--db", str(db_path)], catch_exceptions=False)
    assert mains() == found


def test_match_redoes_what_extract_found(db_path):
    before = relation_set(db_path)
    result = CliRunner().invoke(cli, ["match", "--db", str(db_path)], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output == "1 pair of the same claim in 1 group (2 claims); 3 contradictions\n"
    assert relation_set(db_path) == before


def test_relations_follow_the_documents(tmp_path):
    folder, db = matched_copy(tmp_path)
    a = claim_id(db, JOBLESS)
    # d02's figure changes: its claim is no longer the same as d01's, and now contradicts it
    d02 = folder / "d02.txt"
    d02.write_text(d02.read_text().replace("4.2 percent", "4.9 percent"))
    extract.run([str(folder)], db, progress=False, match=True)
    b = claim_id(db, "Unemployment fell to 4.9 percent%")
    kinds = {(r["claim_id"], r["other_id"]): r["relation"] for r in rows(db, "select * from claim_relations")}
    assert kinds[tuple(sorted((a, b)))] == "contradicts"
    assert not any(r == "same" for r in kinds.values())
    assert rows(db, "select count(*) as n from claim_match_keys where match_group is not null")[0]["n"] == 0
    # no relation or key outlives its claim, and the incremental result is the full one
    assert rows(db, "select count(*) as n from claim_relations where claim_id not in (select id from claims"
                    " where superseded = 0) or other_id not in (select id from claims where superseded = 0)")[0]["n"] == 0
    assert rows(db, "select count(*) as n from claim_match_keys where claim_id not in"
                    " (select id from claims where superseded = 0)")[0]["n"] == 0
    incremental = relation_set(db)
    relations.match_all(store.connect(db))
    assert relation_set(db) == incremental
    # changed back: the group is there again
    d02.write_text(d02.read_text().replace("4.9 percent", "4.2 percent"))
    extract.run([str(folder)], db, progress=False, match=True)
    groups = rows(db, "select count(distinct match_group) as n from claim_match_keys")[0]["n"]
    assert groups == 1


def test_match_from_scratch_finds_what_extract_found_in_either_order(tmp_path):
    """40 documents with one claim each, said of four plants at three costs, so that each claim
    has more candidates than it compares (relations.CANDIDATES), stored in two batches in one
    order and in the other: ``annotator match`` redoes what ``extract --match`` found either way
    (it compared each document with those stored before it, in the order they were stored).
    Matching every document with all the others found 100 pairs here where extract found 173."""
    places, extra = ["Riverton", "Oakdale", "Lakeside", "Millbrook"], ["after long delays", "despite protests",
                                                                        "with federal money", "over budget", ""]
    for k in range(40):
        batch = tmp_path / "docs" / ("odd" if k % 2 else "even")
        batch.mkdir(parents=True, exist_ok=True)
        (batch / f"d{k:02d}.txt").write_text(
            f"Senator Alvarez said the {places[k % 4]} water treatment plant cost ${[250, 300, 410][k % 3]} million"
            f" to build {extra[k % 5]}, according to the state auditor.\n\nThe weather was mild.\n")
    found = {}
    for order in (("even", "odd"), ("odd", "even")):
        db = str(tmp_path / f"{order[0]}-first.db")
        for batch in order:
            extract.run([str(tmp_path / "docs" / batch)], db, progress=False, match=True)
        found[order] = relation_set(db)
        assert len(found[order]) > relations.CANDIDATES * 10
        relations.match_all(store.connect(db))
        assert relation_set(db) == found[order]


def test_relations_and_groups_are_the_same_whatever_order_documents_arrive_in(tmp_path):
    """Wire copy: two sentences on one plant, at two costs, each repeated word for word in 14
    documents, and paraphrases, stored in three batches in three orders: the paraphrase "said on
    Monday" shares more rare words with the other cost's copies than with its own claim's. Claims worded alike stand
    for one another (store/wordings.py): a copy is not matched again, and a claim's candidates
    are distinct wordings, so the copies stored before it do not fill its places
    (relations.CANDIDATES); the relations are stored on each wording's smallest claim id. Before,
    what each claim was compared with depended on what was stored before it: here 276 pairs in
    one order and 253 in the others, and the paraphrases in the $250 million group or not."""
    texts = ["Senator Alvarez said the Riverton water treatment plant cost $250 million to build, according to the state auditor.",
             "Senator Alvarez said on Monday the Riverton water treatment plant cost $410 million to build, the state auditor reported.",
             "The Riverton water treatment plant cost $250 million to build, Senator Alvarez said on Monday, the state auditor reported.",
             "Building the Riverton water treatment plant cost $250 million, the state auditor told Senator Alvarez.",
             "Senator Alvarez said the Riverton water treatment plant cost $410 million to build, according to the state auditor."]
    for k in range(36):
        text = texts[k % 2] if k < 28 else texts[2 + k % 3]
        batch = tmp_path / "docs" / "abc"[k % 3]
        batch.mkdir(parents=True, exist_ok=True)
        (batch / f"d{k:02d}.txt").write_text(f"{text}\n\nThe weather was mild.\n")
    found, groups = {}, {}
    for order in ("abc", "cba", "bca"):
        db = str(tmp_path / f"{order}.db")
        for batch in order:
            extract.run([str(tmp_path / "docs" / batch)], db, progress=False, match=True)
        found[order] = relation_set(db)
        groups[order] = {frozenset(r["members"].split("|")) for r in rows(
            db, "select group_concat(c.doc, '|') as members from claim_match_keys k join claims c on c.id = k.claim_id"
                " where k.match_group is not null group by k.match_group")}
        relations.match_all(store.connect(db))
        assert relation_set(db) == found[order]
    assert found["abc"] == found["cba"] == found["bca"]
    assert groups["abc"] == groups["cba"] == groups["bca"]
    assert sorted(len(g) for g in groups["abc"]) == [17, 19]  # $410 million: 14 copies and 3 paraphrases
    # the documents holding each wording's smallest claim id change: the rows move to the next
    # smallest (and its postings with them), and what is left is what a full match finds
    db = str(tmp_path / "bca.db")
    smallest = {r["doc"] for r in rows(db, "select c.doc from claim_match_keys k join claims c on c.id = k.claim_id"
                                           " where k.claim_id = (select min(claim_id) from claim_match_keys w where w.wording = k.wording)")}
    assert smallest
    for doc in smallest:
        path = next((tmp_path / "docs").glob(f"*/{doc}"))
        path.write_text(path.read_text().replace("Riverton", "Lakeside"))
    extract.run([str(tmp_path / "docs")], db, progress=False, match=True)
    incremental, kept = relation_set(db), rows(db, "select claim_id, match_group from claim_match_keys order by claim_id")
    assert rows(db, "select count(*) as n from claim_match_postings p join claim_match_keys k on k.id = p.key_id"
                    " where k.wording is not null and k.id != (select min(id) from claim_match_keys w where w.wording = k.wording)")[0]["n"] == 0
    assert rows(db, "select count(distinct k.wording) as n from claim_match_keys k where k.wording is not null and not exists"
                    " (select 1 from claim_match_postings p where p.key_id = k.id)"
                    " and k.id = (select min(id) from claim_match_keys w where w.wording = k.wording)")[0]["n"] == 0
    relations.match_all(store.connect(db))
    assert relation_set(db) == incremental
    assert rows(db, "select claim_id, match_group from claim_match_keys order by claim_id") == kept


def test_a_new_documents_pairs_join_groups_as_a_full_regroup_would(db_path):
    """extract joins the groups a new document's ``same`` pairs link without reading the other
    relations; the groups are those of the recursive recompute over every relation."""
    db = store.connect(db_path)
    ids = sorted(r["id"] for r in rows(db_path, "select id from claims where superseded = 0"))[:8]
    a, b, c, d, e, f, g, h = ids
    db.execute("delete from claim_relations")
    db.execute("update claim_match_keys set match_group = null")
    old = [(a, h), (c, d), (d, e)]  # two groups before: {a, h} and {c, d, e}
    new = [(b, h), (b, e), (f, g)]  # b joins both; f and g (both new) make a third
    for x, y in old + new:
        db.execute("insert into claim_relations values (?, ?, 'same', 1)", [min(x, y), max(x, y)])
    relations._regroup(db, [x for pair in old for x in pair])
    relations._join_groups(db, new, [b, f, g])
    joined = rows(db_path, "select claim_id, match_group from claim_match_keys order by claim_id")
    assert {r["match_group"] for r in joined if r["claim_id"] in (a, b, c, d, e, h)} == {a}
    assert {r["match_group"] for r in joined if r["claim_id"] in (f, g)} == {f}
    relations._regroup(db, ids)
    assert rows(db_path, "select claim_id, match_group from claim_match_keys order by claim_id") == joined


def test_features_stored_by_an_older_matcher_are_redone_before_matching_again(tmp_path):
    folder, db = matched_copy(tmp_path)
    before = relation_set(db)
    # the first matcher's shape: no version, no names, negations as one flat list of words
    with sqlite3.connect(db) as conn:
        conn.execute("update claim_match_keys set features = json_remove(json_set(features, '$.n',"
                     " json('[]')), '$.v', '$.w')")
    assert relations.stale(store.connect(db))
    (folder / "d09.txt").write_text("The city council approved the new budget on Tuesday.\n")
    extract.run([str(folder)], db, progress=False, match=True)  # read the old rows: a KeyError once
    assert not relations.stale(store.connect(db))
    assert relation_set(db) == before


def test_a_database_matched_with_the_fts5_index_upgrades_and_matches_the_same(tmp_path):
    """A database matched before m013 (candidates from an FTS5 index) gets the index of which
    claims hold each word, filled from its match keys, and later documents are matched as before."""
    folder, db = matched_copy(tmp_path)
    before = implied_set(db)
    with sqlite3.connect(db) as conn:  # back to the schema before m013
        conn.execute("drop table claim_match_postings")
        for trigger in ("insert", "delete"):
            conn.execute(f"drop trigger claim_match_postings_{trigger}")
        conn.execute("delete from _sqlite_migrations where name = 'm013_claim_match_postings'")
        conn.execute("drop index claim_match_keys_wording")  # and before m016 (claims worded alike)
        conn.execute("alter table claim_match_keys drop column wording")
        conn.execute("delete from _sqlite_migrations where name = 'm016_claim_match_wordings'")
    sqlite_utils.Database(db).table("claim_match_keys").enable_fts(["keys"], fts_version="FTS5", create_triggers=True)
    upgraded = store.connect(db)  # migrates
    assert not upgraded["claim_match_keys_fts"].exists()
    assert rows(db, "select count(*) as n from claim_match_postings")[0]["n"] == rows(
        db, "select count(*) as n from claim_match_keys k, json_each(k.keys)")[0]["n"] > 0
    shutil.copy(folder / "d02.txt", folder / "d04.txt")  # a new document repeating d02
    extract.run([str(folder)], db, progress=False, match=True)
    d04 = {(frozenset(x.replace("d02.txt", "d04.txt") for x in pair), r) for pair, r in before
           if any("d02.txt" in x for x in pair)}
    found = implied_set(db)  # d04's claims stand for d02's, and d02's for them
    assert before <= found and d04 <= found


def test_a_reviewed_claim_that_changes_keeps_its_review_and_loses_its_matches(tmp_path):
    folder, db = matched_copy(tmp_path)
    b = claim_id(db, UNEMPLOYMENT)
    store.add_review(store.connect(db), b, "maria", "false")
    d02 = folder / "d02.txt"
    d02.write_text(d02.read_text().replace("Unemployment fell", "Joblessness fell"))
    extract.run([str(folder)], db, progress=False, match=True)
    assert rows(db, "select superseded from claims where id = ?", [b])[0]["superseded"] == 1
    assert not rows(db, "select * from claim_relations where ? in (claim_id, other_id)", [b])
    # the new wording is matched afresh
    new = claim_id(db, "Joblessness fell%")
    assert rows(db, "select relation from claim_relations where ? in (claim_id, other_id) and relation = 'same'",
                [new])


def test_export_has_match_group_and_prior_verdict(db_path, tmp_path):
    a, b = claim_id(db_path, JOBLESS), claim_id(db_path, UNEMPLOYMENT)
    store.add_review(store.connect(db_path), a, "maria", "false")
    out = tmp_path / "claims.jsonl"
    CliRunner().invoke(cli, ["export", "--db", str(db_path), "--format", "jsonl", "-o", str(out)],
                       catch_exceptions=False)
    exported = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert exported[a]["match_group"] == exported[b]["match_group"] == min(a, b)
    assert exported[b]["prior_verdict"] == "false"
    assert exported[a]["prior_verdict"] is None  # its own verdict is not a prior one
    others = [r for cid, r in exported.items() if cid not in (a, b)]
    assert all(r["match_group"] is None and r["prior_verdict"] is None for r in others)
    header = CliRunner().invoke(cli, ["export", "--db", str(db_path)]).output.splitlines()[0]
    assert header.endswith(",evidence_urls,match_group,prior_verdict,review_status")


def test_claimreview_lists_the_groups_appearances(db_path):
    a = claim_id(db_path, JOBLESS)
    store.add_review(store.connect(db_path), a, "maria", "false")
    result = CliRunner().invoke(cli, ["export", "--db", str(db_path), "--format", "claimreview",
                                      "--org", "Test Fact Check"],
                                catch_exceptions=False)
    (review,) = json.loads(result.output)
    assert review["itemReviewed"]["appearance"] == [
        {"@type": "CreativeWork", "name": "d01.txt"}, {"@type": "CreativeWork", "name": "d02.txt"}]


# --- the review pages --------------------------------------------------------------------------


@pytest.fixture
def site(db_path, tmp_path, monkeypatch):
    return Site(db_path, tmp_path, monkeypatch)


def test_claim_page_shows_matches_and_the_prior_verdict(site, db_path):
    a, b = claim_id(db_path, JOBLESS), claim_id(db_path, UNEMPLOYMENT)
    html = site.get(f"/-/annotator/claim/{b}").text
    assert "annotator-prior-verdict" not in html  # nobody checked it yet
    assert 'id="annotator-matches"' in html and "d01.txt" in html and "contradicts it" in html
    store.add_review(store.connect(db_path), a, "maria", "false")
    html = site.get(f"/-/annotator/claim/{b}").text
    assert "already checked:" in html
    prior = html[html.index('id="annotator-prior-verdict"'):]
    prior = prior[:prior.index("</dd>")]
    assert ">false</span>" in prior and ">d01.txt</a>, by maria)" in prior


def test_queue_skips_or_keeps_claims_checked_elsewhere(site, db_path):
    a, b = claim_id(db_path, JOBLESS), claim_id(db_path, UNEMPLOYMENT)
    store.add_review(store.connect(db_path), a, "maria", "false")
    skip = site.get("/-/annotator/queue?prior=skip").text
    only = site.get("/-/annotator/queue?prior=only").text
    assert b not in skip and b in only
    assert only.count("<tr>") == 2  # the header and b
    assert site.get("/-/annotator/next?prior=only").headers["location"].endswith(f"/claim/{b}?prior=only")


def test_contradictions_page_groups_pairs_by_their_sources(site):
    html = site.get("/-/annotator/contradictions").text
    groups = html.split('class="annotator-contradiction-group"')[1:]
    headings = [g[g.index("<h2>"):g.index("</h2>")] for g in groups]
    assert any("ESISC" in h and "European Stability Initiative" in h for h in headings)
    esi = next(g for g in groups if "ESISC" in g)
    assert "<strong>ESISC</strong> denies:" in esi
    assert "<strong>European Stability Initiative</strong> says:" in esi
    labor = next(g for g in groups if "Labor Department" in g)
    assert labor.count('class="annotator-contradiction"') == 2
