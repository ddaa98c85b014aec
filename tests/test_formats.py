"""Web pages, PDFs and Word files: what formats.py reads out of them, what corpus.py refuses, and
that extracting them gives the claims the same text gives as .txt (documents.py builds them)."""

import csv
import hashlib
import io
import os
import re
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import datasette.app  # noqa: F401 -- before annotator.review, whose hooks it must load whole
import pytest
from click.testing import CliRunner
from conftest import rows
from documents import (
    BOILERPLATE,
    HEADLINE,
    RUNNING_HEADER,
    SECTIONS,
    docx_plain_text,
    minutes_docx,
    news_page,
    pdf_plain_text,
    plain_text,
    report_pdf,
)

from annotator import corpus, decoding, formats
from annotator import pdf as pdf_text
from annotator.cli import cli
from annotator.review import passages
from annotator.store import check


def markdown(sections=SECTIONS, quotes=lambda s: s, level=2) -> str:
    """The text the readers should give for the article: headings marked, blank-line separated."""
    blocks = ["# " + HEADLINE]
    for heading, paragraphs in sections:
        blocks += ["#" * level + " " + heading, *(quotes(p) for p in paragraphs)]
    return "\n\n".join(blocks)


def latin1(text: str) -> str:
    return text.translate({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"'})


# --- HTML --------------------------------------------------------------------------------------


def test_html_keeps_the_article_its_headings_title_and_canonical_url():
    page = formats.html(news_page())
    assert page.text == markdown()
    assert [b for b in BOILERPLATE if b in page.text] == []
    assert page.title == HEADLINE
    assert page.canonical_url == "https://news.example.org/2014/06/lawmaker-indicted"
    assert formats.html(news_page(canonical=None)).canonical_url is None


BLOG = """<html><head><title>Notes from the count - A blog</title>
<script>var ads = "Buy now";</script></head><body>
<div id="top"><ul class="menu"><li><a href="/">Home</a></li><li><a href="/about">About me</a></li>
<li><a href="/archive">Archive</a></li></ul></div>
<div class="cookie-notice">This site uses cookies. <a href="#">OK, got it</a></div>
<div id="content"><div class="post">
<h2 class="entry-title">Notes from the count</h2>
<div class="entry-content">
{paragraphs}
</div>
<div class="post-meta">Posted in Elections | Tagged vote, count | 3 comments</div>
</div>
<div class="comments"><h3>3 responses</h3>
<div class="comment"><p>Great post, thanks for sharing!</p></div>
<div class="comment"><p>I disagree with everything here.</p></div></div></div>
<div id="sidebar"><h3>Categories</h3><ul><li>Elections</li><li>Travel</li></ul>
<h3>Blogroll</h3><ul><li><a href="#">Friends of the count</a></li></ul></div>
<div id="footer">Powered by WordPress. Theme by Someone.</div>
</body></html>"""

RELEASE = """<html><head><meta charset="windows-1252"><title>Press release</title></head><body>
<div class="breadcrumb"><a href="/">Home</a> &gt; <a href="/news">News</a> &gt; Press releases</div>
<div class="skip"><a href="#main">Skip to main content</a></div>
<div role="main" id="main"><h1>Commission reports on complaints</h1>
{paragraphs}
<table><tr><th>Province</th><th>Complaints</th></tr><tr><td>Kabul</td><td>120</td></tr></table>
</div>
<div class="footer"><p>Contact the press office: press@example.org</p>
<p>Follow us on Twitter and Facebook</p></div></body></html>"""


@pytest.mark.parametrize(
    ("page", "furniture"),
    [
        (BLOG, ["Home", "About me", "This site uses cookies", "Great post", "I disagree",
                "Categories", "Blogroll", "Powered by WordPress", "Buy now", "Posted in"]),
        (RELEASE, ["Skip to main content", "Contact the press office", "Follow us on Twitter"]),
    ],
    ids=["blog-post", "press-release"],
)
def test_html_pages_of_other_shapes_keep_every_paragraph_and_no_furniture(page, furniture):
    paragraphs = SECTIONS[1][1]
    html = page.format(paragraphs="\n".join(f"<p>{p}</p>" for p in paragraphs))
    data = html.encode("cp1252") if "windows-1252" in html else html.encode("utf-8")
    text = formats.html(data, formats.html_encoding(data)).text
    kept = [p for p in paragraphs if p in text.split("\n\n")]
    assert kept == paragraphs
    assert [f for f in furniture if f in text] == []


def test_html_encoding_follows_bom_server_and_meta_charset():
    assert formats.html_encoding(b'<meta charset="iso-8859-1"><p>\xe9</p>') == "cp1252"
    assert formats.html_encoding(b"<p>caf\xc3\xa9</p>") == "utf-8"
    assert formats.html_encoding(b"<p>caf\xe9</p>") == "cp1252"
    assert formats.html_encoding(b"<p>x</p>", "koi8-r") == "koi8-r"
    assert formats.html_encoding(b"\xef\xbb\xbf<p>x</p>", "latin-1") == "utf-8-sig"


# --- PDF ---------------------------------------------------------------------------------------


def _page_texts(data: bytes) -> list[str]:
    import pypdf

    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_pdf_joins_lines_and_hyphens_drops_running_lines_and_marks_pages():
    data = report_pdf()
    raw = _page_texts(data)
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


# --- DOCX --------------------------------------------------------------------------------------


def test_docx_headings_lists_tables_and_title():
    doc = formats.docx(minutes_docx())
    blocks = doc.text.split("\n\n")
    assert blocks[0] == "# " + HEADLINE  # the Title style
    assert "# " + SECTIONS[0][0] in blocks and "# " + SECTIONS[1][0] in blocks  # Heading 1
    assert "- Two counts of conspiracy to solicit bribes." in blocks
    assert blocks[blocks.index("- Six counts of wire fraud.") + 1:][:6] == [
        "Count", "Charge", "2", "Soliciting bribes", "3", "Money laundering"]
    assert all(p in blocks for _, ps in SECTIONS for p in ps)
    assert doc.title == HEADLINE


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"This is plain text saved as .docx\n", ("is not a Word document: a .docx file is a ZIP "
                                               "archive and this is not one")),
     (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "is an old Word 97-2003 file (.doc)"),
     (minutes_docx()[:1000], "is not a Word document"),
     (b"PK\x05\x06" + bytes(18), "is not a readable Word document")],
    ids=["text", "doc", "truncated", "empty-zip"],
)
def test_bad_docx_is_refused_in_one_line(tmp_path, data, reason):
    (tmp_path / "minutes.docx").write_bytes(data)
    refusal = corpus.read_document(tmp_path / "minutes.docx", "minutes.docx")
    assert isinstance(refusal, corpus.Refusal), refusal
    assert reason in refusal.reason and "\n" not in refusal.reason


# --- refusals and repairs common to all formats --------------------------------------------------


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


ARTICLE = (SECTIONS[1][1][0] + " ") * 40  # some 7,000 characters of news


def test_stray_control_characters_in_a_long_text_are_repaired_with_a_warning():
    text = ARTICLE + "Officials said it wasn\x92t so.\n" + ARTICLE + "Caf\x83 prices rose.\x81\n"
    decoded, _, warnings = decoding.decode(text.encode("utf-8"))
    assert decoded == text.replace("\x92", "’").replace("\x83", "ƒ").replace("\x81", "")
    (warning,) = warnings
    assert warning.startswith("held 3 stray control characters (mojibake?): U+0092 at character "
                              f"{len(ARTICLE) + 22:,} read as ’ (Windows-1252);")
    assert warning.endswith(f"U+0081 at character {text.index(chr(0x81)):,} dropped")


@pytest.mark.parametrize(
    ("text", "reason"),
    [("The ministry said the budget rose.\x07\x08\nCritics said it fell.\x1f\n",
      "is not text: it holds the control character U+0007 at character 34"),
     (ARTICLE + "\x00" + ARTICLE, f"is not text: it holds a NUL byte at character {len(ARTICLE)}"),
     ("".join(chr(1 + i % 26) for i in range(2000)), "is not text: it holds the control character")],
    ids=["three-in-a-short-text", "nul", "binary"],
)
def test_many_control_characters_or_a_nul_are_still_not_text(text, reason):
    with pytest.raises(ValueError, match=re.escape(reason)):
        decoding.decode(text.encode("utf-8"))


def test_page_at_counts_from_one_and_skips_pages_without_text():
    document = corpus.Document("r.pdf", "r.pdf", "x" * 30, "", 0, None, format="pdf",
                               pages=(0, 10, 10, 20))
    assert [document.page_at(i) for i in (0, 9, 10, 19, 20, 29)] == [1, 1, 3, 3, 4, 4]
    assert corpus.Document("a.txt", "a.txt", "x", "", 0, "utf-8").page_at(0) is None


def test_claim_link_points_at_the_page_with_a_text_fragment():
    claim = {"text": "Both have the support of warlords, officials said."}
    document = {"canonical_url": "https://news.example.org/story#top", "url": None}
    assert passages.claim_link(document, claim) == (
        "https://news.example.org/story#:~:text=Both%20have%20the%20support%20of%20warlords%2C"
        "%20officials%20said.")
    long = {"text": "In a 94-page indictment handed down by a grand jury in Virginia, the "
                    "government accuses Congressman Jefferson of offenses."}
    assert passages.claim_link({"url": "http://127.0.0.1:8000/a"}, long).endswith(
        "#:~:text=In%20a%2094%2Dpage%20indictment,Congressman%20Jefferson%20of%20offenses.")
    assert passages.claim_link({"url": "javascript:alert(1)"}, claim) is None
    assert passages.claim_link({}, claim) is None


# --- the acceptance corpus, extracted -------------------------------------------------------------


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _formats_corpus(folder: Path) -> None:
    folder.mkdir()
    (folder / "story.html").write_bytes(news_page())
    (folder / "story-html.txt").write_text(plain_text(), encoding="utf-8")
    (folder / "report.pdf").write_bytes(report_pdf())
    (folder / "report-pdf.txt").write_text(pdf_plain_text(), encoding="utf-8")
    (folder / "minutes.docx").write_bytes(minutes_docx())
    (folder / "minutes-docx.txt").write_text(docx_plain_text(), encoding="utf-8")
    (folder / "mojibake.txt").write_text(plain_text().replace("Saturday’s", "Saturday\x92s"),
                                         encoding="utf-8")


@pytest.fixture(scope="module")
def formats_db(tmp_path_factory):
    """The format corpus extracted once: (database, folder, the CLI's result)."""
    tmp = tmp_path_factory.mktemp("formats")
    _formats_corpus(tmp / "in")
    result = invoke("extract", tmp / "in", "--db", tmp / "c.db")
    return tmp / "c.db", tmp / "in", result


def _claims(db, doc):
    return Counter((c["text"], c["source"], c["source_canonical"], c["stance"]) for c in rows(
        db, "select * from claims where doc = ? and superseded = 0", [doc]))


@pytest.mark.slow
@pytest.mark.parametrize("doc", ["story.html", "report.pdf", "minutes.docx"])
def test_each_format_gives_the_claims_of_its_text_as_txt(formats_db, doc):
    db, folder, result = formats_db
    assert result.exit_code == 0, result.output
    stem, fmt = doc.split(".")
    claims = _claims(db, doc)
    assert len(claims) >= 15
    assert claims == _claims(db, f"{stem}-{fmt}.txt")
    (stored,) = rows(db, "select * from documents where path = ?", [doc])
    assert stored["format"] == fmt
    assert stored["sha256"] == hashlib.sha256((folder / doc).read_bytes()).hexdigest()
    assert [b for b in BOILERPLATE + [RUNNING_HEADER, "Page 1 of 2"] if b in stored["text"]] == []
    # Headings found in the file give the sections, as in Markdown.
    sections = {c["section_path"] for c in rows(db, "select section_path from claims where doc = ?",
                                                 [doc])}
    assert {h for h, _ in SECTIONS} <= {s.split(" > ")[-1] for s in sections}
    assert {s.split(" > ")[0] for s in sections} >= {h for h, _ in SECTIONS} if fmt == "docx" \
        else {s.split(" > ")[0] for s in sections} == {HEADLINE}


@pytest.mark.slow
def test_offsets_index_the_stored_text_exactly(formats_db):
    db, _, _ = formats_db
    findings = list(check.run(db))
    assert not any(f.failed for f in findings), check.report(db, findings)
    for c in rows(db, "select c.*, d.text as doc_text from claims c join documents d "
                      "on d.id = c.document_id"):
        assert c["doc_text"][c["start"]:c["end"]] == c["text"]
        if c["source"]:
            assert c["doc_text"][c["source_start"]:c["source_end"]] == c["source"]


@pytest.mark.slow
def test_pdf_claims_carry_their_page_and_others_none(formats_db):
    db, folder, _ = formats_db
    pages = [re.sub(r"\s+", " ", re.sub(r"-\n", "", t)) for t in _page_texts(
        (folder / "report.pdf").read_bytes())]
    claims = rows(db, "select * from claims where doc = 'report.pdf'")
    assert {c["page"] for c in claims} == {1, 2}
    for c in claims:
        opening = " ".join(c["text"].split()[:4])
        assert opening in pages[c["page"] - 1], (c["page"], c["text"])
    assert rows(db, "select count(*) n from claims where doc != 'report.pdf' and page is not null"
                )[0]["n"] == 0
    out = invoke("export", "--db", db, "--doc", "report.pdf", "--format", "csv").output
    exported = list(csv.DictReader(io.StringIO(out)))
    assert sorted(int(r["page"]) for r in exported) == sorted(c["page"] for c in claims)
    html = list(csv.DictReader(io.StringIO(invoke("export", "--db", db, "--doc", "story.html").output)))
    assert html and all(r["page"] == "" for r in html)


@pytest.mark.slow
def test_html_document_keeps_title_and_canonical_url(formats_db):
    db, _, _ = formats_db
    (doc,) = rows(db, "select * from documents where path = 'story.html'")
    assert doc["title"] == HEADLINE
    assert doc["canonical_url"] == "https://news.example.org/2014/06/lawmaker-indicted"
    assert doc["url"] is None and doc["pages"] is None


@pytest.mark.slow
def test_stray_control_character_is_a_warning_not_a_refusal(formats_db):
    db, folder, result = formats_db
    (line,) = [x for x in result.stderr.splitlines() if "mojibake.txt" in x]
    assert line.startswith(f"warning: {folder}/mojibake.txt: held 1 stray control character")
    assert "read as ’ (Windows-1252)" in line
    assert _claims(db, "mojibake.txt") == _claims(db, "story-html.txt")


@pytest.mark.slow
def test_review_page_shows_the_pdf_page_and_links_the_web_page(formats_db, tmp_path, monkeypatch):
    import shutil

    from reviewing import Site

    db = tmp_path / "claims.db"  # the review plugin serves the database named claims
    shutil.copy(formats_db[0], db)
    site = Site(db, tmp_path, monkeypatch)
    pdf_claim = rows(db, "select * from claims where doc = 'report.pdf' and page = 2 limit 1")[0]
    page = site.get(f"/-/annotator/claim/{pdf_claim['id']}").text
    assert '<span class="annotator-page">page 2</span>' in page
    assert "annotator-claim-link" not in page
    html_claim = rows(db, "select * from claims where doc = 'story.html' limit 1")[0]
    page = site.get(f"/-/annotator/claim/{html_claim['id']}").text
    link = re.search(r'<a class="annotator-claim-link" href="([^"]+)"', page).group(1)
    assert link.startswith("https://news.example.org/2014/06/lawmaker-indicted#:~:text=")
    assert "annotator-page" not in page


# --- fetching pages --------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    agents: ClassVar[list[str]] = []

    def log_message(self, *args):  # keep the test output clean
        pass

    def _send(self, status, ctype, body, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for name, value in headers:
            self.send_header(name, value)
        if not any(name == "Content-Length" for name, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        _Handler.agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/story":
            self._send(200, "text/html; charset=utf-8", news_page(canonical=None))
        elif self.path == "/moved":
            self._send(301, "text/html", b"", [("Location", "/story")])
        elif self.path == "/relative":
            self._send(200, "text/html", news_page(canonical="/canonical/story"))
        elif self.path == "/report":
            self._send(200, "application/pdf", report_pdf())
        elif self.path == "/slow":
            time.sleep(2.5)
            self._send(200, "text/html", news_page())
        elif self.path == "/huge":
            self._send(200, "text/html", b"", [("Content-Length", "20000000")])
        elif self.path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(400):  # 400 x 64 KB, with no length announced
                    self.wfile.write(b"<p>" + b"x" * 65_000 + b"</p>")
            except OSError:
                pass
        elif self.path == "/logo":
            self._send(200, "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64))
        elif self.path == "/menu":
            self._send(200, "text/html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
        else:
            self._send(404, "text/html", b"<h1>Not found</h1>")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that gave up (the slow page) is what the test wants


@pytest.fixture
def web():
    """A web server on 127.0.0.1 for the test alone; its base URL."""
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Handler.agents = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_extract_url_fetches_stores_and_refuses_each_failure_in_one_line(web, tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "FETCH_TIMEOUT", 1.0)
    db = tmp_path / "c.db"
    port = _closed_port()
    result = invoke("extract", "--db", db, *(f"--url={web}{p}" for p in (
        "/story", "/moved", "/relative", "/report", "/missing", "/slow", "/huge", "/endless", "/logo", "/menu")),
        f"--url=http://127.0.0.1:{port}/", "--url=ftp://example.org/file.html")
    assert result.exit_code == 1, result.stderr
    refused = dict(line.removeprefix("refused: ").split(": ", 1) for line in result.stderr.splitlines())
    assert refused == {
        f"{web}/missing": "could not be fetched: the server answered 404 Not Found",
        f"{web}/slow": "could not be fetched: no complete answer within 1 s",
        f"{web}/huge": "is 20.0 MB, more than the 10 MB one document may be; split it into "
                       "smaller files",
        f"{web}/endless": "is more than the 10 MB one document may be (stopped reading there)",
        f"{web}/logo": "is not a web page: the server sent image/png",
        f"{web}/menu": "has no article text: the page holds only navigation, scripts or "
                       "boilerplate, or nothing at all (is it a web page?)",
        f"http://127.0.0.1:{port}/": "could not be fetched: Connection refused",
        "ftp://example.org/file.html": "is not a web address (http:// or https://)",
    }
    assert all(agent.startswith("annotator/") for agent in _Handler.agents)

    docs = {d["path"]: d for d in rows(db, "select * from documents")}
    assert set(docs) == {f"{web}/story", f"{web}/moved", f"{web}/relative", f"{web}/report"}
    story = docs[f"{web}/story"]
    assert story["sha256"] == hashlib.sha256(news_page(canonical=None)).hexdigest()
    assert story["url"] == f"{web}/story" and story["format"] == "html"
    assert story["title"] == HEADLINE and story["canonical_url"] is None
    assert docs[f"{web}/moved"]["url"] == f"{web}/story"  # where the bytes came from
    assert docs[f"{web}/relative"]["canonical_url"] == f"{web}/canonical/story"
    assert docs[f"{web}/report"]["format"] == "pdf"
    claims = _claims(db, f"{web}/story")
    assert len(claims) >= 15 and claims == _claims(db, f"{web}/moved")
    findings = list(check.run(db))
    assert not any(f.failed for f in findings), check.report(db, findings)
    # The claim page links a fetched page's claims to the address it came from.
    claim = rows(db, "select id from claims where doc = ?", [f"{web}/story"])[0]
    assert passages.claim_link(story, {"text": "Both have the support of warlords."}).startswith(
        f"{web}/story#:~:text=Both")
    assert claim

    again = invoke("extract", "--db", db, f"--url={web}/story")
    assert again.exit_code == 0 and "0 extracted, 1 unchanged" in again.output
