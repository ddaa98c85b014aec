"""annotator/filters.py: one Filters for ``annotator export``, claim sets, the review queue and the
web export: the same claims for the same filter, and the same refusal of a mistyped label."""

import csv
import io
import logging
import re
import sqlite3
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from reviewing import add_hostile_document
from test_review import Site

from annotator import labels
from annotator.cli import cli
from annotator.filters import FilterError, Filters

TYPOS = [
    ("stance", "alledged", labels.STANCES),
    ("checkworthy", "high", labels.CHECKWORTHY),
    ("claim-type", "quantities", labels.CLAIM_TYPES),
    ("verdict", "ture", labels.VERDICTS),
]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize(("option", "typo", "known"), TYPOS)
def test_a_mistyped_label_is_a_usage_error_listing_the_labels(small_copy, option, typo, known):
    """``export --stance alledged`` once printed a header and exited 0; then exited 1. A label
    outside the vocabulary is a usage error (status 2) that lists the labels, in export and sets."""
    for command in (["export"], ["sets", "create", "contested"]):
        result = run(*command, "--db", small_copy, f"--{option}", typo)
        assert result.exit_code == 2, result.output
        assert repr(typo) in result.output
        assert all(repr(label) in result.output for label in known)
    assert sqlite3.connect(small_copy).execute("select count(*) from claim_sets").fetchone() == (0,)


def test_a_score_outside_0_to_1_is_a_usage_error(small_copy):
    for command in (["export"], ["sets", "create", "contested"]):
        result = run(*command, "--db", small_copy, "--min-score", "7")
        assert result.exit_code == 2 and "0<=x<=1" in result.output


def test_labels_are_matched_in_any_case_on_the_command_line(small_copy):
    assert run("export", "--db", small_copy, "--stance", "ALLEGED", "--checkworthy", "Cfs").exit_code == 0


def test_filters_refuse_unknown_labels_listing_the_known_ones():
    with pytest.raises(FilterError, match="choose from asserted, reported, alleged, hedged, denied"):
        Filters.from_dict({"stances": "alledged"})
    assert Filters.from_dict({"stances": ["ALLEGED"]}).stances == ("alleged",)


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
    result = run("export", "--db", db, "--format", "csv", *args)
    assert result.exit_code == 0, result.output
    return _csv_ids(result.output)


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
    section = conn.execute("select section_path from claims where section_path like '% > %' "
                           "and superseded = 0 limit 1").fetchone()[0]
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
