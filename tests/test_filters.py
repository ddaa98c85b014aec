"""annotator/filters.py: one Filters for ``annotator export``, claim sets, the review queue and the
web export: each filter selects exactly its claims, alone and combined; the same claims for the
same filter everywhere; the same refusal of a mistyped label; values reach SQL only as data."""

import csv
import io
import json
import logging
import re
import sqlite3
from pathlib import Path
from urllib.parse import urlencode

import pytest
from commands import HOSTILE, ids, query, review, run, some_value
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reviewing import Site, add_hostile_document

from annotator import labels
from annotator.export import export_query
from annotator.filters import FilterError, Filters

TYPOS = [
    ("stance", "alledged", labels.STANCES),
    ("checkworthy", "high", labels.CHECKWORTHY),
    ("claim-type", "quantities", labels.CLAIM_TYPES),
    ("verdict", "ture", labels.VERDICTS),
]


@pytest.mark.parametrize(("option", "typo", "known"), TYPOS)
def test_a_mistyped_label_is_a_usage_error_listing_the_labels(small_copy, option, typo, known):
    """``export --stance alledged`` once printed a header and exited 0; then exited 1. A label
    outside the vocabulary is a usage error (status 2) that lists the labels, in export and sets."""
    for command in (["export"], ["sets", "create", "contested"]):
        result = run(*command, "--db", small_copy, f"--{option}", typo, ok=False)
        assert result.exit_code == 2, result.output
        assert repr(typo) in result.output
        assert all(repr(label) in result.output for label in known)
    assert sqlite3.connect(small_copy).execute("select count(*) from claim_sets").fetchone() == (0,)


def test_a_score_outside_0_to_1_is_a_usage_error(small_copy):
    for command in (["export"], ["sets", "create", "contested"]):
        result = run(*command, "--db", small_copy, "--min-score", "7", ok=False)
        assert result.exit_code == 2 and "0<=x<=1" in result.output


def test_labels_are_matched_in_any_case_on_the_command_line(small_copy):
    assert run("export", "--db", small_copy, "--stance", "ALLEGED", "--checkworthy", "Cfs").exit_code == 0


def test_filters_refuse_unknown_labels_listing_the_known_ones():
    with pytest.raises(FilterError, match="choose from asserted, reported, alleged, hedged, denied"):
        Filters.from_dict({"stances": "alledged"})
    assert Filters.from_dict({"stances": ["ALLEGED"]}).stances == ("alleged",)


# --- each filter, through annotator export ---------------------------------------------------


def entity_texts(row: dict) -> list[str]:
    """The entity names of an exported row, lower case, a leading 'the' dropped."""
    names = [e.rsplit(" (", 1)[0].lower() for e in (row["entities"] or "").split("; ") if e]
    return [n.removeprefix("the ") for n in names]


def _single_filters(rows: list[dict], db: Path) -> list[tuple[list[str], set[str]]]:
    """(CLI arguments, the ids expected) for every filter, the expectation computed in Python."""
    doc = some_value(rows, "doc")
    stance = some_value(rows, "stance")
    cw = some_value(rows, "checkworthy")
    ctype = some_value(rows, "claim_type")
    section = next(r["section_path"].split(" > ")[0] for r in rows if " > " in (r["section_path"] or ""))
    canonical, aliases = next(
        (c, json.loads(a)) for c, a in query(db, "select canonical, aliases from sources "
                                                 "order by n_claims desc, canonical")
        if any(x != c for x in json.loads(a)))
    alias = next(x for x in aliases if x != canonical)
    entity = some_value([{"e": t} for r in rows for t in entity_texts(r)], "e")
    words = re.findall(r"\w+", rows[0]["text"].lower())[:2]
    scores = sorted(r["checkworthy_score"] for r in rows)
    threshold = scores[len(scores) // 2]

    def where(pred) -> set[str]:
        return {r["id"] for r in rows if pred(r)}

    def has_words(r):
        return set(words) <= set(re.findall(r"\w+", r["text"].lower()))

    def source_is(name):
        return lambda r: (r["source_canonical"] or "").lower() == canonical.lower() or (
            (r["source"] or "").lower() == name.lower())

    return [
        (["--doc", doc], where(lambda r: r["doc"] == doc)),
        (["--section", section.upper()], where(
            lambda r: r["section_path"] == section or r["section_path"].startswith(section + " > "))),
        (["--source", canonical], where(source_is(canonical))),
        (["--source", alias.lower()], where(source_is(alias))),
        (["--stance", stance], where(lambda r: r["stance"] == stance)),
        (["--checkworthy", cw], where(lambda r: r["checkworthy"] == cw)),
        (["--claim-type", ctype], where(lambda r: r["claim_type"] == ctype)),
        (["--entity", entity.upper()], where(lambda r: entity in entity_texts(r))),
        (["--entity", "The " + entity], where(lambda r: entity in entity_texts(r))),
        (["--search", " ".join(words)], where(has_words)),
        (["--min-score", str(threshold)], where(lambda r: r["checkworthy_score"] >= threshold)),
    ]


def test_each_filter_alone_selects_exactly_the_matching_claims(small_copy, all_rows):
    everything = {r["id"] for r in all_rows}
    for args, expected in _single_filters(all_rows, small_copy):
        assert expected and expected < everything, args
        assert ids(small_copy, *args) == expected, args


def test_review_filters(small_copy, all_rows):
    a, b, c, d = (r["id"] for r in all_rows[:4])
    review(small_copy, a, "false")
    review(small_copy, b, "true")
    review(small_copy, c, "true")
    review(small_copy, c, "misleading", created="2026-01-16T09:00:00+00:00")  # latest row counts
    review(small_copy, d, None, note="a note, no verdict yet")
    everything = {r["id"] for r in all_rows}
    assert ids(small_copy, "--verdict", "false") == {a}
    assert ids(small_copy, "--verdict", "true") == {b}
    assert ids(small_copy, "--verdict", "misleading", "--verdict", "false") == {a, c}
    assert ids(small_copy, "--reviewed") == {a, b, c}
    assert ids(small_copy, "--unreviewed") == everything - {a, b, c}


def test_filters_combine_as_and_and_repeated_values_as_or(small_copy, all_rows):
    singles = _single_filters(all_rows, small_copy)
    by_option = {args[0]: (args, expected) for args, expected in reversed(singles)}
    combos = [("--doc", "--stance"), ("--stance", "--min-score"), ("--checkworthy", "--claim-type"),
              ("--doc", "--checkworthy", "--min-score"), ("--source", "--min-score")]
    nonempty = 0
    for combo in combos:
        args = [a for option in combo for a in by_option[option][0]]
        expected = set.intersection(*(by_option[option][1] for option in combo))
        assert ids(small_copy, *args) == expected, args
        nonempty += bool(expected)
    assert nonempty >= 2
    docs = sorted({r["doc"] for r in all_rows})[:2]
    assert ids(small_copy, "--doc", docs[0], "--doc", docs[1]) == {
        r["id"] for r in all_rows if r["doc"] in docs}


def test_unknown_verdict_and_unknown_set_are_clear_errors(small_copy):
    result = run("export", "--db", small_copy, "--verdict", "maybe", ok=False)
    assert result.exit_code == 2 and "'maybe' is not one of 'true', 'false'" in result.output
    result = run("export", "--db", small_copy, "--set", "nope", ok=False)
    assert result.exit_code == 1 and "no claim set named 'nope'" in result.output


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("option", ["--doc", "--section", "--source", "--stance", "--checkworthy",
                                    "--claim-type", "--entity", "--search"])
def test_hostile_filter_values_are_only_data(small_copy, all_rows, option, value):
    before = query(small_copy, "select count(*) from claims")[0][0]
    if option in ("--stance", "--checkworthy", "--claim-type"):  # labels: refused, not searched
        result = run("export", "--db", small_copy, option, value, ok=False)
        assert result.exit_code == 2 and "is not one of" in result.output
    else:
        expected = set()
        if option == "--search":  # searched for as words, whatever their punctuation
            words = set(re.findall(r"\w+", value.lower()))
            expected = {r["id"] for r in all_rows
                        if words and words <= set(re.findall(r"\w+", r["text"].lower()))}
        assert ids(small_copy, option, value) == expected
    assert query(small_copy, "select count(*) from claims")[0][0] == before


def test_labels_match_in_any_case(small_copy, all_rows):
    assert ids(small_copy, "--checkworthy", "CFS", "--stance", "Alleged") == {
        r["id"] for r in all_rows if r["checkworthy"] == "cfs" and r["stance"] == "alleged"}


def test_filter_values_reach_sql_only_as_parameters(small_db):
    conn = sqlite3.connect(small_db)
    filters = Filters(docs=(HOSTILE[0],), sources=(HOSTILE[1],), search=HOSTILE[2], min_score=0.5)
    sql, params = export_query(conn, filters)
    for value in HOSTILE[:2]:
        assert value not in sql and value in params.values()
    assert list(conn.execute(sql, params)) == []
    conn.close()


# --- hostile values, as properties -----------------------------------------------------------

HOSTILE_VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["' OR 1=1 --", "x'); DROP TABLE claims; --", '" OR ""="', "%", "_", "\\",
                     "NEAR(a b)", "*", "a OR b", "-x", "^x", "col:x", '"', "'", ";", "\x00",
                     "claims_fts", "1e309", "NaN"]),
)


LABELS = {"stances": labels.STANCES, "checkworthy": labels.CHECKWORTHY,
          "claim_types": labels.CLAIM_TYPES}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.fixed_dictionaries({}, optional={
    name: st.lists(HOSTILE_VALUES, min_size=1, max_size=3)
    for name in ("sets", "docs", "sections", "sources", "entities")
} | {
    name: st.lists(st.sampled_from([*known, known[0].upper()]) | HOSTILE_VALUES, min_size=1, max_size=3)
    for name, known in LABELS.items()
} | {"search": HOSTILE_VALUES.filter(lambda s: "\x00" not in s), "reviewed": st.booleans()}))
def test_hostile_filter_values_are_data_never_sql(small_db, values):
    conn = sqlite3.connect(f"file:{small_db}?mode=ro", uri=True)
    try:
        before = conn.execute("select count(*) from claims").fetchone()[0]
        try:
            sql, params = export_query(conn, Filters.from_dict(values))
        except FilterError as e:  # an unknown claim set or label: a clear error, not a query
            assert str(e).startswith(("no claim set named", "unknown "))
            return
        # The SQL is that of harmless values of the same shape: the values are parameters only.
        harmless = {k: ([LABELS[k][0]] * len(v) if k in LABELS else [f"v{i}" for i in range(len(v))])
                    if isinstance(v, list) else v for k, v in values.items()}
        if "search" in values:
            harmless["search"] = "v" if values["search"].split() else " "
        assert sql == export_query(conn, Filters.from_dict(harmless))[0]
        conn.execute(sql, params).fetchall()
        assert conn.execute("select count(*) from claims").fetchone()[0] == before
    finally:
        conn.close()


def test_a_nul_character_in_a_search_separates_words_and_never_fails(small_db):
    """FTS5's parser would stop at a NUL: it is read as a space, and a search of NULs is none."""
    conn = sqlite3.connect(f"file:{small_db}?mode=ro", uri=True)

    def found(search: str) -> list:
        sql, params = export_query(conn, Filters(search=search))
        return conn.execute(sql, params).fetchall()

    try:
        assert found("budget\x00") == found("budget") != []
        assert found("spending\x00roads") == found("spending roads") != []
        assert found("\x00") == [] and found("\x00 \x00") == []
    finally:
        conn.close()


# --- the same claims in the queue, the web export and annotator export ---------------------------


@pytest.fixture
def site(small_copy, tmp_path, monkeypatch):
    add_hostile_document(small_copy)
    return Site(small_copy, tmp_path, monkeypatch)


@pytest.mark.parametrize(("arg", "typo", "known"), [
    ("stance", "alledged", labels.STANCES), ("checkworthy", "high", labels.CHECKWORTHY),
    ("claim_type", "quantities", labels.CLAIM_TYPES), ("verdict", "ture", labels.VERDICTS),
])
def test_a_mistyped_label_on_the_web_is_a_400_with_the_labels_and_no_traceback(
        site, caplog, capsys, arg, typo, known):
    caplog.set_level(logging.DEBUG)
    paths = ["/-/annotator/export.csv?" + urlencode({arg: typo})]
    if arg in ("stance", "checkworthy"):  # the queue's filters
        paths += ["/-/annotator/queue?" + urlencode({arg: typo}),
                  "/-/annotator/next?" + urlencode({arg: typo})]
    for path in paths:
        response = site.get(path)
        assert response.status_code == 400, path
        text = response.text.replace("&#39;", "'")
        assert typo in text and ", ".join(known) in text, path
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err + caplog.text


def _csv_ids(text: str) -> list[str]:
    return [row["id"] for row in csv.DictReader(io.StringIO(text))]


def _export_ids(db, args: list[str]) -> list[str]:
    return _csv_ids(run("export", "--db", db, "--format", "csv", *args).output)


def _same_claims(site, query: dict, args: list[str]) -> int:
    """The claims ``annotator export args`` gives, the web export of ``query`` gives, and the
    queue of ``query`` counts (all unreviewed here) and lists: the same ones. Their number."""
    expected = _export_ids(site.db_path, args)
    web = site.get("/-/annotator/export.csv?" + urlencode(query))
    assert web.status_code == 200 and _csv_ids(web.text) == expected
    page = site.get("/-/annotator/queue?" + urlencode(query))
    assert page.status_code == 200
    assert f"of {len(expected)} claims" in page.text
    listed = set(re.findall(r'href="/-/annotator/claim/([0-9a-f]+)', page.text))
    assert listed <= set(expected) and (len(listed) > 0) == (len(expected) > 0)
    return len(expected)


def test_queue_web_csv_and_export_select_the_same_claims(site):
    conn = sqlite3.connect(site.db_path)
    canonical, alias = conn.execute(
        "select s.canonical, a.value from sources s, json_each(s.aliases) a "
        "where lower(a.value) != lower(s.canonical) order by s.n_claims desc limit 1").fetchone()
    # a section whose claims are all in its subsections: only they can make its count
    section = conn.execute(
        "select section_path from claims where section_path like '% > %' and superseded = 0 "
        "and substr(section_path, 1, instr(section_path, ' > ') - 1) not in "
        "(select section_path from claims) limit 1").fetchone()[0]
    conn.close()
    parent = section.split(" > ")[0]
    cases = [
        ({"source": alias.lower()}, ["--source", alias.lower()]),  # an alias, in another case
        ({"source": canonical.upper()}, ["--source", canonical.upper()]),
        ({"section": parent.swapcase()}, ["--section", parent.swapcase()]),  # and its subsections
        ({"section": parent, "stance": "Reported"}, ["--section", parent, "--stance", "Reported"]),
    ]
    counts = [_same_claims(site, query, args) for query, args in cases]
    assert all(counts[:3]), counts
