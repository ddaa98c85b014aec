"""annotator/corpus.py: files over their size limit refused before they are read, a web page
without article text refused, and the page a character of a PDF is on."""

import pytest

from annotator import corpus


@pytest.mark.parametrize(("name", "limit"), [("big.pdf", "50 MB"), ("big.docx", "50 MB"),
                                             ("big.html", "10 MB"), ("big.txt", "10 MB")])
def test_file_over_its_size_limit_is_refused_before_it_is_read(tmp_path, name, limit):
    with open(tmp_path / name, "wb") as f:
        f.truncate(60_000_000)  # sparse: nothing is written, and nothing may be read
    refusal = corpus.read_document(tmp_path / name, name)
    assert isinstance(refusal, corpus.Refusal)
    assert f"is 60.0 MB, more than the {limit} one document may be" in refusal.reason

def test_html_page_without_article_text_is_refused(tmp_path):
    (tmp_path / "nav.html").write_text(
        "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<footer>© 2024 Example</footer></body></html>", encoding="utf-8")
    refusal = corpus.read_document(tmp_path / "nav.html", "nav.html")
    assert isinstance(refusal, corpus.Refusal)
    assert refusal.reason.startswith("has no article text")

def test_page_at_counts_from_one_and_skips_pages_without_text():
    document = corpus.Document("r.pdf", "r.pdf", "x" * 30, "", 0, None, format="pdf",
                               pages=(0, 10, 10, 20))
    assert [document.page_at(i) for i in (0, 9, 10, 19, 20, 29)] == [1, 1, 3, 3, 4, 4]
    assert corpus.Document("a.txt", "a.txt", "x", "", 0, "utf-8").page_at(0) is None
