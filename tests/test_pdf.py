"""annotator/pdf.py: text out of a PDF's text layer (lines joined, hyphens mended, running
headers and page numbers dropped, where each page starts), and the PDFs it refuses."""

import io
import os
import re

import pytest
from documents import RUNNING_HEADER, latin1, markdown, pdf_page_texts, report_pdf

from annotator import corpus
from annotator import pdf as pdf_text


def test_pdf_joins_lines_and_hyphens_drops_running_lines_and_marks_pages():
    data = report_pdf()
    raw = pdf_page_texts(data)
    # The file is what the test needs: two pages, each with the running header and page number,
    # lines hyphenated at their ends, a paragraph (and a word) running over the page break.
    assert len(raw) == 2
    assert all(RUNNING_HEADER in t and f"Page {i + 1} of 2" in t for i, t in enumerate(raw))
    assert re.search(r"[a-z]-\n[a-z]", raw[0] + raw[1])
    assert re.search(r"[a-z]-\nPage 1 of 2$", raw[0])

    pdf = pdf_text.read(data)
    assert pdf.text == markdown(quotes=latin1)  # headline and subheadings by their type size
    assert RUNNING_HEADER not in pdf.text and "Page 1" not in pdf.text
    first, second = pdf.pages
    assert first == 2  # after "# "
    # Page 2 starts inside the word hyphenated over the break: "cand-" | "idates".
    assert pdf.text[second - 4:second + 6] == "candidates"
    assert raw[1].split("\n")[1].startswith(pdf.text[second:second + 6])

def _pdf_with(pages: list[str | None], password: str | None = None, owner_only=False) -> bytes:
    """A PDF of one page per entry: that text, or no text layer at all (None)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        if text is None:
            pdf.rect(20, 20, 100, 60, style="F")  # a picture, as a scanner leaves it
        else:
            pdf.multi_cell(0, 6, text)
    data = bytes(pdf.output())
    if password is None:
        return data
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password="" if owner_only else password, owner_password=password,
                   algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

SENTENCE = "The ministry said the budget rose by four percent in 2023."

@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (_pdf_with([None, None]), ("has no text layer (a scanned PDF?): annotator does not read "
                                   "images; run it through OCR first")),
        (_pdf_with(["Page 1 of 2", "Page 2 of 2"]), "has no text layer (a scanned PDF?)"),
        (_pdf_with([SENTENCE], password="secret"), "is an encrypted PDF that needs a password"),
        (_pdf_with([SENTENCE])[:300], "is not a readable PDF"),
        (b"%PDF-1.7\n" + os.urandom(2000), "is not a readable PDF"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "is not text: it looks like a PNG image"),
        (b"Just some text, not a PDF.\n", "is not a PDF: it does not start with %PDF-"),
    ],
    ids=["scanned", "page-numbers-only", "encrypted", "truncated", "garbage", "png", "text"],
)
def test_bad_pdfs_are_refused_in_one_line(tmp_path, data, reason):
    (tmp_path / "report.pdf").write_bytes(data)
    refusal = corpus.read_document(tmp_path / "report.pdf", "report.pdf")
    assert isinstance(refusal, corpus.Refusal), refusal
    assert reason in refusal.reason and "\n" not in refusal.reason

def test_pdf_locked_only_against_editing_is_read():
    pdf = pdf_text.read(_pdf_with([SENTENCE], password="owner", owner_only=True))
    assert pdf.text == SENTENCE

def test_pdf_with_some_scanned_pages_is_read_with_a_warning():
    pdf = pdf_text.read(_pdf_with([SENTENCE, None, "Critics said it fell."]))
    assert pdf.text == f"{SENTENCE}\n\nCritics said it fell."
    assert pdf.pages == (0, len(SENTENCE) + 2, len(SENTENCE) + 2)
    assert pdf.warnings == ("page 2 of 3 holds no text (scanned?) and was left out",)

@pytest.mark.parametrize(
    ("a", "b", "joined"),
    [("the inves-", "tigation began", "the investigation began"),
     ("a two-year-", "long probe", "a two-year-long probe"),
     ("soft\u00ad", "ware", "software"),
     ("in 2023-", "2024", "in 2023- 2024"),
     ("the EU-", "Turkey deal", "the EU- Turkey deal"),
     ("it rose.", "Then", "it rose. Then")],
)
def test_lines_of_a_paragraph_are_joined(a, b, joined):
    assert pdf_text._join_lines(a, b) == joined
