"""annotator/formats.py: what it reads out of web pages and Word files; and that extracting a web
page, a PDF and a Word file gives the claims their text gives as .txt (documents.py builds them).
(PDFs: test_pdf.py; refusals by size or for no article text: test_corpus.py.)"""

import csv
import hashlib
import io
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
    markdown,
    minutes_docx,
    news_page,
    pdf_page_texts,
    pdf_plain_text,
    plain_text,
    report_pdf,
)

from annotator import corpus, formats
from annotator.cli import cli
from annotator.review import passages
from annotator.store import check

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
    pages = [re.sub(r"\s+", " ", re.sub(r"-\n", "", t)) for t in pdf_page_texts(
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
