"""annotator/figures.py: quantities normalized (percentages, money, approximations, number words)."""

import pytest

from annotator.figures import Quantity, dates, dates_conflict, quantities


@pytest.mark.parametrize(("text", "expected"), [
    ("fell to 4.2%", {Quantity(4.2, "pct", "")}),
    ("fell to 4.2 percent", {Quantity(4.2, "pct", "")}),
    ("fell to 4.2 per cent", {Quantity(4.2, "pct", "")}),
    ("cost $2.9 billion", {Quantity(2.9e9, "usd", "")}),
    ("cost nearly $3 billion", {Quantity(3e9, "usd", "~")}),
    ("more than 1,200 people", {Quantity(1200, "", ">")}),
    ("two people", {Quantity(2, "", "")}),
    ("in 2016", set()),  # a year is a date
    ("no figures", set()),
])
def test_quantities_are_normalized(text, expected):
    assert quantities(text.lower())[0] == expected


def test_half_of_is_a_share_but_not_the_first_half_of_a_year():
    assert quantities("half of the voters")[0] == {Quantity(50.0, "pct", "~")}
    assert quantities("in the first half of 2015 the PAC raised money")[0] == set()


def test_a_day_is_in_its_month_and_apart_from_other_days():
    def read(text):
        return frozenset(dates(text)[0])
    assert not dates_conflict(read("on Feb. 9 the court"), read("in February the court"))
    assert dates_conflict(read("on Feb. 9 the court"), read("in March the court"))
    assert dates_conflict(read("on Feb. 9 the court"), read("on Feb. 10 the court"))
    assert not dates_conflict(read("on Feb. 9 the court"), read("on February 9 the court"))
