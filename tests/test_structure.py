"""Structure: headings, lists, titles and paragraphs, with offsets and section paths."""

import pytest

from annotator import structure
from annotator.structure import HEADING, LIST_ITEM, PARAGRAPH, TITLE


def fake_finite(lines):
    """A stand-in for the tagger in pure structure tests: a verb from a small list."""
    verbs = {"is", "was", "are", "were", "has", "said", "met"}
    return [any(w.strip(".").lower() in verbs for w in line.split()) for line in lines]


def kinds(text, finite=fake_finite):
    return [(b.kind, b.text) for b in structure.segment(text, finite)]


def test_offsets_point_into_the_text():
    text = "\n  Intro line is here.  \r\nSecond paragraph was long.\n\nThird.\n"
    for b in structure.segment(text, fake_finite):
        assert text[b.start:b.end] == b.text
        assert b.text == b.text.strip()


@pytest.mark.parametrize(
    "line,kind",
    [
        ("Diplomatic relations.", HEADING),
        ("ESISC report.", HEADING),
        ("The minister said nothing.", PARAGRAPH),
        ("# Background", HEADING),
        ("## Early life ##", HEADING),
    ],
)
def test_headings(line, kind):
    assert kinds("Some paragraph was here.\n" + line + "\nAnother paragraph was here.")[1][0] == kind


def test_runs_of_short_unpunctuated_lines_are_lists():
    got = kinds("Members are:\nAsDB\nBSEC\nISO (correspondent)\nWTrO(observer)\nThe end was near.")
    assert [k for k, _ in got] == [PARAGRAPH, LIST_ITEM, LIST_ITEM, LIST_ITEM, LIST_ITEM, PARAGRAPH]


def test_a_lone_short_unpunctuated_line_is_a_title():
    assert kinds("Thaksin Denies Involvement\nThe minister said nothing.")[0][0] == TITLE


def test_markdown_bullets():
    got = kinds("- apples\n- pears\n- The harvest was large this year.")
    assert got[0] == (LIST_ITEM, "apples")
    assert got[2] == (PARAGRAPH, "The harvest was large this year.")


def test_section_paths_nest_consecutive_headings():
    text = "Intro was here.\nDisputes.\nNagorno-Karabakh/Azerbaijan.\nA war was fought.\nCaviar diplomacy.\nBribes were paid."
    blocks = structure.segment(text, fake_finite)
    paths = {b.text: b.section_path for b in blocks if b.kind == PARAGRAPH}
    assert paths["Intro was here."] == ""
    assert paths["A war was fought."] == "Disputes > Nagorno-Karabakh/Azerbaijan"
    assert paths["Bribes were paid."] == "Disputes > Caviar diplomacy"


def test_markdown_levels():
    text = "# A\npara is here.\n## B\npara is here.\n# C\npara is here."
    paths = [b.section_path for b in structure.segment(text) if b.kind == PARAGRAPH]
    assert paths == ["A", "A > B", "C"]


def test_paragraph_indexes_count_paragraphs_only():
    blocks = structure.segment("One is here.\nHeading.\nTwo is here.", fake_finite)
    assert [b.paragraph_index for b in blocks] == [0, None, 1]


def test_without_a_tagger_no_line_becomes_a_heading():
    assert kinds("Diplomatic relations.", finite=None) == [(PARAGRAPH, "Diplomatic relations.")]


def test_crlf_line_ends():
    text = "First was here.\r\nSecond was here.\r\n"
    blocks = structure.segment(text, fake_finite)
    assert [b.text for b in blocks] == ["First was here.", "Second was here."]
    assert all(text[b.start:b.end] == b.text for b in blocks)


def test_a_run_of_verbless_lines_does_not_nest_without_limit():
    """20,000 lines like ``a0.`` once nested 20,000 deep: 6.8 GB and a failed store."""
    text = "".join(f"a{i}.\n" for i in range(2_000)) + "The end was near.\n"
    blocks = structure.segment(text, fake_finite)
    assert all(b.kind == HEADING for b in blocks[:-1])
    assert max(len(b.section) for b in blocks) == 2
    assert blocks[-1].section_path == "a0 > a1999"


@pytest.mark.parametrize(
    "text,expected",
    [
        # two plain headings in a row: the second is a subsection of the first; no deeper
        ("Part one.\nChapter one.\nSection one.\nIt was here.", "Part one > Section one"),
        # alternating headings and content never go deeper than one level below the first
        ("A.\nB.\nx is.\nC.\nD.\ny is.\nE.\nF.\nz is.", "A > F"),
        # below Markdown levels, plain headings add one level at most
        ("# A\n## B\nx is.\nC.\nD.\nE.\ny is.", "A > C > E"),
    ],
)
def test_plain_headings_nest_one_level_at_most(text, expected):
    blocks = structure.segment(text, fake_finite)
    assert blocks[-1].kind == PARAGRAPH and blocks[-1].section_path == expected


def test_section_names_are_cut_to_a_bounded_length():
    text = "# " + "x" * 50_000 + "\nIt was here."
    (path,) = [b.section_path for b in structure.segment(text, fake_finite) if b.kind == PARAGRAPH]
    assert len(path) <= 200 and path.endswith("…")
