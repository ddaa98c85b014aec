"""annotator/store/sets.py and ``annotator sets``: list sets and filter sets, used as export filters."""

import re

import fixture_db
from commands import HOSTILE, ids, jsonl, query, run, some_value
from fixture_db import Claim


def test_list_and_filter_sets(small_copy, all_rows):
    first, second = all_rows[0]["id"], all_rows[1]["id"]
    run("sets", "create", "picked", first, second, "--db", small_copy, "-d", "two claims")
    stance = some_value(all_rows, "stance")
    run("sets", "create", "by-stance", "--stance", stance, "--db", small_copy)
    assert ids(small_copy, "--set", "picked") == {first, second}
    assert ids(small_copy, "--set", "by-stance") == ids(small_copy, "--stance", stance)
    assert ids(small_copy, "--set", "picked", "--set", "by-stance") == (
        {first, second} | ids(small_copy, "--stance", stance))


def test_hostile_set_name_is_just_a_name(small_copy, all_rows):
    result = run("export", "--db", small_copy, "--set", HOSTILE[0], ok=False)
    assert f"no claim set named {HOSTILE[0]!r}" in result.output
    run("sets", "create", HOSTILE[1], all_rows[0]["id"], "--db", small_copy)
    assert ids(small_copy, "--set", HOSTILE[1]) == {all_rows[0]["id"]}


def test_filter_set_grows_when_new_matching_claims_are_stored(small_copy):
    run("sets", "create", "zanzibar", "--search", "zanzibar", "--db", small_copy,
        "-d", "claims about Zanzibar", "--creator", "maria")
    run("sets", "create", "zanzibar-now", "--search", "zanzibar", "--fixed", "--db", small_copy)
    assert ids(small_copy, "--set", "zanzibar") == set()
    fixture_db.save(small_copy, {"d99.txt": [
        [Claim("Zanzibar exported 40,000 tonnes of cloves in 2019, the ministry said.")],
        [Claim("Officials in Zanzibar denied that the harvest had failed.", "denied")]]})
    grown = jsonl(small_copy, "--set", "zanzibar")
    assert len(grown) == 2 and all("Zanzibar" in r["text"] and r["doc"] == "d99.txt" for r in grown)
    assert ids(small_copy, "--set", "zanzibar-now") == set()
    listing = run("sets", "list", "--db", small_copy).stdout
    assert re.search(r"zanzibar\s+filter\s+2\s+\S+\s+maria\s+claims about Zanzibar", listing)


def test_sets_commands(small_copy, all_rows):
    a, b, c = (r["id"] for r in all_rows[:3])
    assert "created list set 'todo': 0 claims" in run("sets", "create", "todo", "--db", small_copy).stdout
    assert "added 2 claims" in run("sets", "add", "todo", a, b, "--db", small_copy).stdout
    assert "added 1 claim to 'todo' (1 already in it)" in run(
        "sets", "add", "todo", b, c, "--db", small_copy).stdout
    assert "removed 1 claim from 'todo'" in run("sets", "remove", "todo", a, "--db", small_copy).stdout
    assert ids(small_copy, "--set", "todo") == {b, c}
    shown = run("sets", "show", "todo", "--db", small_copy).stdout
    assert "kind:        list" in shown and "claims:      2" in shown and b in shown

    result = run("sets", "create", "todo", "--db", small_copy, ok=False)
    assert "already exists" in result.output
    result = run("sets", "add", "todo", "no-such-claim", "--db", small_copy, ok=False)
    assert "no such claim: no-such-claim" in result.output
    run("sets", "create", "high", "--min-score", "0.6", "--db", small_copy)
    result = run("sets", "add", "high", a, "--db", small_copy, ok=False)
    assert "defined by a filter" in result.output
    shown = run("sets", "show", "high", "--db", small_copy).stdout
    assert 'filter:      {"min_score": 0.6}' in shown

    run("sets", "create", "high-todo", "--set", "high", "--set", "todo", "--db", small_copy)
    result = run("sets", "delete", "todo", "--db", small_copy, ok=False)
    assert "used by the filter of high-todo" in result.output
    run("sets", "delete", "high-todo", "--db", small_copy)
    run("sets", "delete", "todo", "--db", small_copy)
    assert query(small_copy, "select count(*) from claim_set_members")[0][0] == 0
    assert "todo" not in run("sets", "list", "--db", small_copy).stdout
