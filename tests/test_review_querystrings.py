"""annotator/review/querystrings.py: filters from the queue's, the web export's and Datasette's
table query strings, hostile values kept as data, and the download's file name."""

import sqlite3

import pytest

from annotator.export import Filters
from annotator.review import querystrings
from annotator.review.forms import InvalidInput
from annotator.store.queries import conditions


def test_queue_filters_pass_hostile_values_as_parameters():
    hostile = "x' or 1=1; drop table reviews; --"
    filters = querystrings.queue_filters({"doc": hostile, "section": "A_%", "source": hostile,
                                     "checkworthy": "cfs", "set": "s", "ignored": "1"})
    assert "set" not in filters and "ignored" not in filters
    conn = sqlite3.connect(":memory:")
    conn.execute("create table claims (id, doc, document_id, section_path, source, source_canonical,"
                 " source_id, stance, checkworthy, superseded)")
    conn.execute("create table sources (id, canonical, aliases)")
    where, params = conditions(conn, querystrings.queue_export_filters(filters))
    sql = " and ".join(where)
    assert hostile not in sql and "A_%" not in sql
    assert hostile in params.values() and "A\\_\\% > %" in params.values()
    assert conn.execute(f"select count(*) from claims c where {sql}", params).fetchone() == (0,)
    with pytest.raises(InvalidInput, match="unknown stance"):
        querystrings.queue_export_filters({"stance": hostile})

def test_filters_from_table_args():
    args = {"stance__exact": "alleged", "doc": "d01.txt", "_sort": "id", "source_canonical": "ESI"}
    assert querystrings.filters_from_table_args(args) == {"doc": "d01.txt", "source": "ESI",
                                                    "stance": "alleged"}


def test_export_filters_are_the_cli_options():
    args = {"set": ["a", "b"], "doc": ["d.txt"], "section": ["Disputes"], "source": ["ESI"],
            "stance": ["alleged", ""], "checkworthy": ["cfs"], "claim_type": ["quantity"],
            "verdict": ["false"], "entity": ["Azerbaijan"], "search": ["caviar"],
            "min_score": ["0.5"], "unreviewed": ["1"], "_ignored": ["x"]}
    assert querystrings.export_filters(args) == Filters(
        sets=("a", "b"), docs=("d.txt",), sections=("Disputes",), sources=("ESI",),
        stances=("alleged",), checkworthy=("cfs",), claim_types=("quantity",), verdicts=("false",),
        entities=("Azerbaijan",), search="caviar", min_score=0.5, reviewed=False)
    assert querystrings.export_filters({"reviewed": ["1"]}).reviewed is True
    assert querystrings.export_filters({"reviewed": ["0"]}).reviewed is False
    assert querystrings.export_filters({"stance": [""], "search": [" "]}) == Filters()

@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"verdict": ["pants-on-fire"]}, "unknown verdict"),
        ({"min_score": ["high"]}, "min_score must be a number"),
        ({"min_score": ["1", "2"]}, "give min_score once"),
        ({"reviewed": ["maybe"]}, "reviewed is 1 or 0"),
        ({"reviewed": ["1"], "unreviewed": ["1"]}, "not both"),
    ],
)
def test_export_filters_refuse(args, message):
    with pytest.raises(InvalidInput, match=message):
        querystrings.export_filters(args)

def test_export_args_from_table_args():
    found, unmapped = querystrings.export_args_from_table_args({
        "stance__exact": ["alleged"], "doc": ["d01.txt"], "_sort": ["id"], "_facet": ["stance"],
        "checkworthy_score__gte": ["0.5"], "_search": ["caviar"], "superseded": ["0"],
        "text__contains": ["x"], "_where": ["1=1"], "claim_type": ["a", "b"]})
    assert found == {"stance": ["alleged"], "doc": ["d01.txt"], "min_score": ["0.5"],
                     "search": ["caviar"]}
    assert unmapped == ["text__contains", "_where", "claim_type"]
    assert querystrings.export_query_string(found) == (
        "?stance=alleged&doc=d01.txt&min_score=0.5&search=caviar")

def test_export_filename():
    assert querystrings.export_filename(Filters()) == "claims.csv"
    assert querystrings.export_filename(Filters(sets=("Budget / 2024",))) == "claims-Budget-2024.csv"
    assert querystrings.export_filename(Filters(sets=("a",), stances=("alleged",))) == "claims.csv"
    assert querystrings.export_filename(Filters(sets=('"; x=',))) == "claims-x.csv"
