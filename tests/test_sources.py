"""Canonical source names: abbreviations, appositions and titles, pronouns, documents' authors."""

import hashlib

import pytest

from annotator import sources
from annotator.corpus import Document
from annotator.pipeline import process


def run(nlp, text):
    doc = Document("t.txt", "t.txt", text, hashlib.sha256(text.encode()).hexdigest(), len(text), "utf-8")
    (result,) = process(nlp, [doc])
    return [(c["source"], c["source_canonical"]) for c in result.claims if c["source"]]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("The European Stability Initiative (ESI) is a think tank.", {"ESI": "European Stability Initiative"}),
        ("ESISC (European Strategic Intelligence and Security Center) published a report.",
         {"ESISC": "European Strategic Intelligence and Security Center"}),
        ("He chairs the Independent National Electoral Commission (INEC) in Abuja.",
         {"INEC": "Independent National Electoral Commission"}),
        ("The parliamentary assembly (Pace) met.", {}),
    ],
)
def test_abbreviations(text, expected):
    assert sources.abbreviations(text) == expected


def test_abbreviation_resolves_to_long_form(nlp):
    got = run(nlp, "The World Health Organization (WHO) met in May.\nWHO said the outbreak was over.")
    assert got == [("WHO", "World Health Organization")]


@pytest.mark.parametrize(
    "text,canonical",
    [
        ("Former Azerbaijani diplomat, Arif Mammadov, alleged that the money was spent.", "Arif Mammadov"),
        ("A former senator, Kraisak Choonhavan, says the blasts were an attempt to undermine him.",
         "Kraisak Choonhavan"),
        ("Electoral Complaints Commission spokesman Naderi Mohsini said the panel received reports.",
         "Naderi Mohsini"),
        ("The public prosecutor of Milan has accused the former leader of accepting bribes.",
         "public prosecutor of Milan"),
        ("Non-governmental organization Transparency International has criticized the deal.",
         "Transparency International"),
    ],
)
def test_titles_and_appositions_dropped(nlp, text, canonical):
    assert run(nlp, text)[0][1] == canonical


def test_pronoun_resolves_to_the_nearest_person(nlp):
    text = ("Analyst Maria Lopez said the plan would fail.\n"
            '"It is obviously a mistake," she said.')
    assert run(nlp, text)[1] == ("she", "Maria Lopez")


def test_a_pronoun_stays_within_its_section(nlp):
    text = ("# Preface\n\nThe interior minister Lena Holm spoke on Sunday.\n\n"
            "She said that the hospital budget doubled in 2023.\n\n"
            "# Health\n\nThe health minister Anna Berg spoke on Monday.\n\n"
            "She said that the hospital budget doubled in 2023.\n")
    assert run(nlp, text) == [("She", "Lena Holm"), ("She", "Anna Berg")]


def test_a_pronoun_reaches_into_the_section_above(nlp):
    text = ("# Health\n\nThe health minister Anna Berg spoke on Monday.\n\n"
            "## Hospitals\n\nShe said that the hospital budget doubled in 2023.\n")
    assert run(nlp, text) == [("She", "Anna Berg")]


def test_a_pronoun_agrees_with_the_gender_a_name_shows(nlp):
    """``she`` is not the man named last: a first name (``lexicons/first_names.tsv``) or the titles
    the text gives a surname show the gender; a name that shows none agrees with any pronoun."""
    text = ("Senator Maria Lopez met the governor, John Brandt, on Monday.\n"
            "Brandt said the budget would pass.\n"
            '"It will not pass," she said.')
    assert run(nlp, text)[-1] == ("she", "Maria Lopez")
    from annotator import gender
    assert gender.of_name("Ruth Bader Ginsburg") == "f" and gender.of_name("Bernie Sanders") == "m"
    assert gender.of_name("Ortiz", "Mrs. Ortiz spoke. Later Ortiz left.") == "f"
    assert gender.of_name("Clinton", "Mrs. Clinton and Mr. Clinton") is None
    assert gender.agrees("he", "Kellyanne Conway") is False and gender.agrees("he", "Kelly Ayotte") is True


def test_they_stands_for_no_one_person(nlp):
    text = ("The union sent a letter to the mayor.\n"
            "Mayor John Brandt said the city could not pay.\n"
            '"We will strike," they said.')
    assert run(nlp, text)[-1][1] != "John Brandt"


def test_it_resolves_to_the_organization_just_named(nlp):
    text = ("The minister spoke first.\n"
            'Standard Chartered said it "strongly rejects" the charges.')
    assert run(nlp, text)[-1] == ("it", "Standard Chartered")


def test_surname_resolves_to_full_name(nlp):
    text = "Opposition leader Viktor Yushchenko called on his supporters to protest.\nYushchenko said the count was a fraud."
    assert run(nlp, text)[0] == ("Yushchenko", "Viktor Yushchenko")


def test_report_resolves_to_its_publisher(nlp):
    text = ("Amnesty International published a report on prisons in 2019.\n"
            "The report revealed that hundreds of inmates had died.")
    assert run(nlp, text)[0] == ("The report", "Amnesty International")


def test_definite_description_resolves_to_titled_person(nlp):
    text = ("Officials such as General Achiravit Supanpasat say the attacks were planned.\n"
            "The general tells journalists the bombings were intended to discredit the police.")
    assert run(nlp, text)[1] == ("The general", "Achiravit Supanpasat")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Officials said the bridge was closed for repairs.", "officials"),
        ("The bridge was closed for repairs, officials said.", "officials"),
        ("Local officials said the bridge was closed for repairs.", "local officials"),
        ("Reuters said the bridge was closed for repairs.", "Reuters"),
        ("Thai officials said the bridge was closed for repairs.", "Thai officials"),
        ("Officials and engineers said the bridge was closed for repairs.", "officials and engineers"),
    ],
)
def test_a_capital_that_only_starts_the_sentence_is_not_part_of_the_name(nlp, text, canonical):
    """"Officials said …" and "…, officials said" are one source, one facet value."""
    assert [c for _, c in run(nlp, text)] == [canonical]


def test_generic_sources_are_qualified_by_what_the_text_ties_them_to(nlp):
    got = run(nlp, "Thai police arrested two men on Monday.\n"
                   "Thai officials said the men had entered the country illegally.\n"
                   "Officials said both would be deported.")
    assert got == [("Thai officials", "Thai officials"), ("Officials", "Thai officials")]


def test_according_to_documents_seen_by_a_newspaper_is_the_newspaper(nlp):
    got = run(nlp, "According to documents seen by the Westport Gazette, the council spent $2 million "
                   "on the bridge.")
    assert got == [("the Westport Gazette", "Westport Gazette")]


def test_generic_sources_are_never_merged_across_documents(tmp_path):
    """One canonical "officials" once covered Thai police, the U.S. Justice Department and Afghan
    officials in three documents; only a named source may group claims of several documents."""
    import sqlite3

    from annotator import extract

    texts = {
        "thai.txt": "Thai police arrested a man at the airport.\nOfficials said he had a false passport.\n"
                    "Reuters said the man was British.\n",
        "doj.txt": "The Justice Department opened an inquiry.\nOfficials said the inquiry would take a year.\n"
                   "Two people said they had been questioned. Both said they had done nothing wrong.\n"
                   "Reuters reported that the inquiry began in May.\n",
        "kabul.txt": "A bomb exploded in Kabul on Monday.\nOfficials said 12 people had died.\n"
                     "Two people said they heard two blasts.\n",
    }
    for name, text in texts.items():
        (tmp_path / "c").mkdir(exist_ok=True)
        (tmp_path / "c" / name).write_text(text, encoding="utf-8")
    db = tmp_path / "s.db"
    extract.run([str(tmp_path / "c")], str(db), progress=False)
    conn = sqlite3.connect(db)
    shared = conn.execute("select canonical, label from sources where n_documents > 1").fetchall()
    assert shared == [("Reuters", "ORG")]
    officials = conn.execute(
        "select count(distinct source_id), count(distinct doc) from claims "
        "where lower(source) = 'officials'").fetchone()
    assert officials == (3, 3)
    assert conn.execute("select count(distinct source_id) from claims where source = 'Two people'"
                        ).fetchone() == (2,)
