"""Real-shaped documents for the format tests, built from the bundled corpus' public-domain texts.

Each builder takes an article (a headline, and sections of paragraphs under subheadings) and
writes it the way newsrooms receive it: a news web page with navigation, a cookie notice, a
sidebar and a footer; a two-page PDF report with a running header and page numbers, its lines
wrapped and hyphenated by fpdf2; a Word file with headings, a bulleted list and a table, built
with python-docx. ``plain_text`` is the same article as the corpus keeps it: one paragraph a line.
"""

import html
import io
import re
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _paragraphs(name: str) -> list[str]:
    return [line for line in (CORPUS / name).read_text(encoding="utf-8").splitlines() if line.strip()]


# The article: VOA reports (public domain, see corpus/SOURCES.md), under subheadings of ours.
HEADLINE = "Lawmaker indicted, Afghan vote disputed"
SECTIONS = [
    ("Bribery charges in Congress", _paragraphs("d02.txt")),
    ("Fraud claims in Afghanistan", _paragraphs("d05.txt")),
]
LIST_ITEMS = ["Two counts of conspiracy to solicit bribes.", "Six counts of wire fraud."]
TABLE = [["Count", "Charge"], ["2", "Soliciting bribes"], ["3", "Money laundering"]]

# Words of the page around the article that must not reach documents.text.
BOILERPLATE = [
    "We use cookies", "Accept all cookies", "Daily Ledger Media Group", "All rights reserved",
    "Privacy policy", "Most read", "Storm hits coast", "Share on Facebook", "Subscribe now",
    "window.dataLayer", "Sign up for our newsletter", "Related stories", "Senate passes budget",
]


def plain_text() -> str:
    """The article as the corpus keeps text: headline and subheadings as lines, one paragraph a line."""
    lines = [HEADLINE]
    for heading, paragraphs in SECTIONS:
        lines += [heading, *paragraphs]
    return "\n".join(lines) + "\n"


def news_page(canonical: str | None = "https://news.example.org/2014/06/lawmaker-indicted") -> bytes:
    """A news article page as a browser saves it: the article amid a site's furniture."""
    body = [f"<h1>{html.escape(HEADLINE)}</h1>",
            '<p class="byline">By staff reporters · <time datetime="2014-06-16">June 16, 2014</time></p>',
            '<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>']
    for i, (heading, paragraphs) in enumerate(SECTIONS):
        body.append(f"<h2>{html.escape(heading)}</h2>")
        for j, p in enumerate(paragraphs):
            body.append(f"<p>{html.escape(p)}</p>")
            if i == 0 and j == 1:
                body.append('<aside class="related"><h3>Related stories</h3><ul>'
                            '<li><a href="/a">Senate passes budget bill</a></li>'
                            '<li><a href="/b">Governor signs new law</a></li></ul></aside>')
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    page = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>{html.escape(HEADLINE)} | Daily Ledger</title>
{link}
<meta property="og:title" content="{html.escape(HEADLINE)}">
<script>window.dataLayer = [{{"page": "article"}}]; function nag() {{ return "Subscribe now"; }}</script>
<style>.cookie-consent {{ position: fixed; }}</style>
</head><body>
<div id="cookie-banner" class="cookie-consent" role="dialog">We use cookies to improve your experience.
By continuing you accept our cookie policy. <button>Accept all cookies</button></div>
<header class="site-header"><a href="/" class="logo">Daily Ledger</a>
<nav class="main-nav"><ul><li><a href="/politics">Politics</a></li><li><a href="/world">World</a></li>
<li><a href="/business">Business</a></li><li><a href="/opinion">Opinion</a></li></ul></nav></header>
<main><article class="story">
{chr(10).join(body)}
</article>
<section class="newsletter"><p>Sign up for our newsletter: the day's news every morning.</p>
<form><input type="email"><button>Subscribe</button></form></section>
</main>
<aside class="sidebar"><h2>Most read</h2><ol><li><a href="/x">Storm hits coast, thousands without power</a></li>
<li><a href="/y">Team wins title after 40 years</a></li></ol></aside>
<footer class="site-footer"><p>© 2014 Daily Ledger Media Group. All rights reserved.</p>
<p><a href="/privacy">Privacy policy</a> · <a href="/terms">Terms of use</a> · <a href="/contact">Contact us</a></p>
</footer>
<script src="/static/app.js"></script>
</body></html>"""
    return page.encode("utf-8")


RUNNING_HEADER = "Daily Ledger - Special report"


def _soft_hyphens(text: str) -> str:
    """Allow a break in the middle of each long word, as a typesetter's hyphenation does."""
    return re.sub(r"\b([a-z]{4})([a-z]{5,})\b", "\\1\u00ad\\2", text)


def report_pdf(page_height: float = 205) -> bytes:
    """A two-page PDF report: running header and "Page N of M" footer on each page, a larger
    headline and subheadings, paragraphs wrapped (and hyphenated) by fpdf2, one of them running
    over the page break."""
    from fpdf import FPDF

    class Report(FPDF):
        def header(self):
            self.set_font("Helvetica", "", 8)
            self.cell(0, 6, RUNNING_HEADER)
            self.ln(10)

        def footer(self):
            self.set_y(-12)
            self.set_font("Helvetica", "", 8)
            self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = Report(unit="mm", format=(148, page_height))
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 7, HEADLINE)
    pdf.ln(3)
    for heading, paragraphs in SECTIONS:
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(0, 6, heading)
        pdf.ln(2)
        pdf.set_font("Helvetica", "", 10)
        for p in paragraphs:
            # The core fonts are Latin-1: the corpus' curly quotes become straight ones there.
            pdf.multi_cell(0, 4.6, _soft_hyphens(latin1(p)))
            pdf.ln(2.5)
    return bytes(pdf.output())


def latin1(text: str) -> str:
    """``text`` with curly quotes made straight, as Latin-1 (the PDF's core fonts) holds them."""
    return text.translate({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"'})


def pdf_plain_text() -> str:
    """``plain_text`` as the PDF can hold it (Latin-1 quotes)."""
    return latin1(plain_text())


def minutes_docx() -> bytes:
    """A Word file: a title, headings, paragraphs, a bulleted list and a table."""
    import io

    import docx

    document = docx.Document()
    document.core_properties.title = HEADLINE
    document.add_heading(HEADLINE, level=0)
    for heading, paragraphs in SECTIONS:
        document.add_heading(heading, level=1)
        for p in paragraphs:
            document.add_paragraph(p)
        if heading == SECTIONS[0][0]:
            for item in LIST_ITEMS:
                document.add_paragraph(item, style="List Bullet")
            table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
            for row, cells in zip(table.rows, TABLE):
                for cell, value in zip(row.cells, cells):
                    cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_plain_text() -> str:
    """The Word file's text as the corpus keeps text: one block a line."""
    lines = [HEADLINE]
    for heading, paragraphs in SECTIONS:
        lines += [heading, *paragraphs]
        if heading == SECTIONS[0][0]:
            lines += LIST_ITEMS + [cell for row in TABLE for cell in row]
    return "\n".join(lines) + "\n"


def markdown(sections=SECTIONS, quotes=lambda s: s, level=2) -> str:
    """The text the readers should give for the article: headings marked, blank-line separated."""
    blocks = ["# " + HEADLINE]
    for heading, paragraphs in sections:
        blocks += ["#" * level + " " + heading, *(quotes(p) for p in paragraphs)]
    return "\n\n".join(blocks)


def pdf_page_texts(data: bytes) -> list[str]:
    """The text pypdf reads on each page of a PDF: what the file holds, before annotator reads it."""
    import pypdf

    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]
