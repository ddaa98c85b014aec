"""Text out of web pages, PDFs and Word files, with headings and list items marked as in Markdown.

Each reader takes a file's bytes and returns the text that is stored as ``documents.text`` (and
that every offset points into): one block a line, blocks separated by a blank line, a heading as
``## Heading``, a list item as ``- item``, so that :mod:`annotator.structure` finds headings,
sections and lists exactly as it does in a Markdown file. A reader refuses what it cannot read
with a ``ValueError`` whose message completes "FILE ...".
"""

import io
import itertools
import logging
import re
import statistics
import zipfile
from dataclasses import dataclass, field

# pypdf reports what it repairs in a damaged file through logging, which Python would print to
# standard error line by line; a file is either read or refused with one line of our own.
logging.getLogger("pypdf").setLevel(logging.ERROR)

_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?:;…][\"'”’»)\]]*$")


@dataclass(frozen=True)
class Extracted:
    """The text read out of a file, with what the file says about itself."""

    text: str
    title: str | None = None
    canonical_url: str | None = None
    pages: tuple[int, ...] = ()  # offset in ``text`` where each page (1, 2, ...) starts
    warnings: tuple[str, ...] = ()


def _one_line(s: str) -> str:
    return _SPACE.sub(" ", s).strip()


def _join_blocks(blocks: list[str]) -> str:
    return "\n\n".join(b for b in blocks if b)


# --- HTML --------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Labels that browsers read as Windows-1252 (WHATWG Encoding Standard).
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii", "windows-1252"}


def html_encoding(data: bytes, declared: str | None = None) -> str:
    """The encoding a browser would read the page in: byte-order mark, then the server's
    ``charset`` (``declared``), then the page's ``<meta charset>``, then UTF-8 when the bytes
    are valid UTF-8, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    found = _META_CHARSET.search(data[:4096])
    for label in (declared, found.group(1).decode("ascii") if found else None):
        if not label:
            continue
        label = label.strip().lower()
        if label in _AS_CP1252:
            return "cp1252"
        try:
            "".encode(label)
        except LookupError:
            continue
        return label
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def html(data: bytes, encoding: str | None = None) -> Extracted:
    """The article of a web page (trafilatura): no navigation, scripts, footers or cookie notices.

    The page's title (``og:title``, else ``<title>``) and canonical URL (``<link
    rel="canonical">``, else ``og:url``) are kept when it declares them.
    """
    import trafilatura
    from lxml import etree

    tree = trafilatura.load_html(data.decode(encoding or html_encoding(data), "replace"))
    if tree is None:
        raise ValueError("has no article text: it is empty or not HTML")
    # Read before extracting: trafilatura prunes the tree it is given.
    declared = _declared(tree, '//meta[@property="og:title"]/@content', "//title/text()",
                         '//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content')
    found = trafilatura.extract(tree, output_format="xml", include_comments=False,
                                include_tables=True, include_images=False,
                                include_formatting=False, include_links=False)
    blocks: list[str] = []
    if found:
        root = etree.fromstring(found.encode("utf-8"))
        main = root.find("main")
        for child in (main if main is not None else root):
            _html_blocks(child, blocks)
    text = _join_blocks(blocks)
    if not text.strip():
        raise ValueError("has no article text: the page holds only navigation, scripts or "
                         "boilerplate, or nothing at all (is it a web page?)")
    return Extracted(text, title=declared[0] or declared[1], canonical_url=declared[2] or declared[3])


def _declared(tree, *paths: str) -> list[str | None]:
    """The first value found at each XPath, on one line, or None."""
    out: list[str | None] = []
    for path in paths:
        values = [_one_line(str(v)) for v in tree.xpath(path)]
        out.append(next((v for v in values if v), None))
    return out


def _inline(elem) -> str:
    """An element's text on one line, its line breaks (``<br>``) kept as line ends."""
    parts = [elem.text or ""]
    for child in elem:
        parts.append("\n" if child.tag == "lb" else _inline(child))
        parts.append(child.tail or "")
    return "\n".join(_one_line(line) for line in "".join(parts).split("\n") if line.strip())


def _html_blocks(elem, blocks: list[str]) -> None:
    tag = elem.tag
    if tag == "head":
        level = int(m.group(1)) if (m := re.fullmatch(r"h([1-6])", elem.get("rend", ""))) else 2
        blocks.append("#" * level + " " + _one_line("".join(elem.itertext())))
    elif tag == "list":
        for item in elem.iterchildren("item"):
            own = item.text or ""
            nested = []
            for child in item:
                if child.tag == "list":
                    nested.append(child)
                else:
                    own += _inline(child) + (child.tail or "")
            if _one_line(own):
                blocks.append("- " + _one_line(own))
            for sub in nested:
                _html_blocks(sub, blocks)
    elif tag == "table":
        for cell in elem.iter("cell"):
            blocks.append(_one_line(" ".join(cell.itertext())))
    elif tag in ("quote", "div", "main") and len(elem):
        if (elem.text or "").strip():
            blocks.append(_one_line(elem.text))
        for child in elem:
            _html_blocks(child, blocks)
    elif tag != "graphic":
        blocks.append(_inline(elem))


# --- PDF ---------------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"(?i)^\W*(?:page|p\.)?\s*\d+(?:\s*(?:of|/)\s*\d+)?\W*$")
_HYPHENATED = re.compile(r"[^\W\d_]-$")


@dataclass
class _Line:
    text: str
    y: float
    size: float


def pdf(data: bytes) -> Extracted:
    """The text of a PDF with a text layer (pypdf), page by page in the order it was written.

    Lines are joined into paragraphs where the line spacing says so, a word hyphenated at a
    line end is joined, lines that repeat at the top or bottom of every page (running headers,
    footers, page numbers) are dropped, and a line in a larger type than the body is a heading.
    """
    import pypdf
    from pypdf.errors import FileNotDecryptedError, PyPdfError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileNotDecryptedError("password")
        pages = [_pdf_lines(page) for page in reader.pages]
    except FileNotDecryptedError:
        raise ValueError("is an encrypted PDF that needs a password; save a copy without the "
                         "password and extract that") from None
    except PyPdfError as e:
        raise ValueError(f"is not a readable PDF ({_one_line(str(e)) or type(e).__name__})") from None
    except Exception as e:  # noqa: BLE001 -- a damaged file can fail pypdf anywhere; one line
        raise ValueError(f"is not a readable PDF: pypdf failed with {type(e).__name__}: "
                         f"{_one_line(str(e))[:200]}") from None
    if not pages:
        raise ValueError("is a PDF without pages")
    _drop_running_lines(pages)
    if not any(pages):
        raise ValueError("has no text layer (a scanned PDF?): annotator does not read images; "
                         "run it through OCR first (e.g. ocrmypdf) and extract the result")
    warnings = []
    empty = [str(i + 1) for i, lines in enumerate(pages) if not lines]
    if empty:
        many = len(empty) > 1
        warnings.append(f"page{'s' if many else ''} {', '.join(empty)} of {len(pages)} "
                        f"hold{'' if many else 's'} no text (scanned?) and {'were' if many else 'was'} "
                        "left out")
    text, starts = _pdf_text(pages)
    return Extracted(text, pages=tuple(starts), warnings=tuple(warnings))


def _mult(m: list[float], n: list[float]) -> list[float]:
    return [m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3],
            m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3],
            m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5]]


def _pdf_lines(page) -> list[_Line]:
    """A page's lines as pypdf extracts them, each with its baseline height and type size."""
    lines = [_Line("", 0.0, 0.0)]
    placed = [False]

    def visit(text, cm, tm, font, size):
        m = _mult(list(tm), list(cm))
        for i, part in enumerate(text.split("\n")):
            if i:
                lines.append(_Line("", 0.0, 0.0))
                placed.append(False)
            if part.strip() and not placed[-1]:
                lines[-1].y, lines[-1].size = m[5], abs(size * (m[3] or m[1] or 1))
                placed[-1] = True
            lines[-1].text += part

    page.extract_text(visitor_text=visit)
    out = []
    for line in lines:
        line.text = _one_line(line.text.replace("\x00", ""))
        if line.text:
            out.append(line)
    return out


def _running_key(line: _Line) -> str:
    return re.sub(r"\d+", "#", line.text.casefold())


def _drop_running_lines(pages: list[list[_Line]]) -> None:
    """Drop page numbers, and lines at the top or bottom of every page that say the same thing
    (numbers aside) on each: running headers and footers."""
    with_text = [lines for lines in pages if lines]
    repeated: set[str] = set()
    if len(with_text) >= 2:
        edge_keys = [{_running_key(x) for x in lines[:2] + lines[-2:]} for lines in with_text]
        repeated = set.intersection(*edge_keys)
    for lines in pages:
        n = len(lines)
        edges = set(range(min(2, n))) | set(range(max(0, n - 2), n))
        lines[:] = [x for i, x in enumerate(lines)
                    if i not in edges or (_running_key(x) not in repeated
                                          and not _PAGE_NUMBER.match(x.text))]


def _join_lines(a: str, b: str) -> str:
    """Two lines of one paragraph: a word hyphenated at the end of the first is joined."""
    if a.endswith("\u00ad"):
        return a[:-1] + b
    if _HYPHENATED.search(a) and b[:1].islower():
        word = a.rsplit(" ", 1)[-1]
        return a + b if "-" in word[:-1] else a[:-1] + b  # "two-year-" + "long" keeps its hyphen
    return a + " " + b


@dataclass
class _Paragraph:
    text: str
    page: int
    level: int = 0  # a heading's level; 0 for a paragraph
    # Pages that begin inside the paragraph: (page index, offset into text).
    breaks: list[tuple[int, int]] = field(default_factory=list)


def _pdf_text(pages: list[list[_Line]]) -> tuple[str, list[int]]:
    """The pages' paragraphs as text, and where each page starts in it."""
    sizes = [round(x.size, 1) for lines in pages for x in lines for _ in x.text]
    body = statistics.mode(sizes) if sizes else 0.0
    gaps = [a.y - b.y for lines in pages for a, b in itertools.pairwise(lines)
            if abs(a.size - body) < 0.5 and abs(b.size - body) < 0.5 and a.y > b.y]
    spacing = statistics.median(gaps) if gaps else body * 1.2
    bigger = sorted({round(x.size, 1) for lines in pages for x in lines if x.size > body * 1.15},
                    reverse=True)
    levels = {size: min(i + 1, 6) for i, size in enumerate(bigger)}

    paragraphs: list[_Paragraph] = []
    for p, lines in enumerate(pages):
        previous = None
        for line in lines:
            level = levels.get(round(line.size, 1), 0) if len(line.text.split()) <= 12 else 0
            last = paragraphs[-1] if paragraphs else None
            if previous is None:  # the first line of a page may go on with the page before's
                goes_on = (last is not None and not level and not last.level
                           and not _SENTENCE_END.search(last.text))
            else:  # same type, and no more than the usual space between lines
                goes_on = (last is not None and level == last.level
                           and abs(line.size - previous.size) < 0.5
                           and 0 < previous.y - line.y <= spacing * (2 if level else 1.3))
            if goes_on and last is not None:
                last.text = _join_lines(last.text, line.text)
                if previous is None:
                    last.breaks.append((p, len(last.text) - len(line.text)))
            else:
                paragraphs.append(_Paragraph(line.text, p, level))
            previous = line

    parts: list[str] = []
    starts: list[int | None] = [None] * len(pages)
    offset = 0
    for para in paragraphs:
        prefix = "#" * para.level + " " if para.level else ""
        offset += 2 if parts else 0  # the blank line between blocks
        if starts[para.page] is None:
            starts[para.page] = offset + len(prefix)
        for q, at in para.breaks:
            starts[q] = offset + len(prefix) + at
        parts.append(prefix + para.text)
        offset += len(parts[-1])
    text = "\n\n".join(parts)
    following = len(text)
    for p in range(len(pages) - 1, -1, -1):  # a page without text starts where the next one does
        start = starts[p]
        following = following if start is None else start
        starts[p] = following
    return text, [s or 0 for s in starts]


# --- DOCX --------------------------------------------------------------------------------------

# A .docx is a ZIP archive; more than this uncompressed is a compression bomb, not minutes.
MAX_DOCX_UNZIPPED = 500_000_000


def docx(data: bytes) -> Extracted:
    """The body of a Word file (python-docx): headings, list items, paragraphs and the text of
    table cells, in document order; the title from the document's properties."""
    import docx as python_docx
    from docx.opc.exceptions import PackageNotFoundError

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValueError("is an old Word 97-2003 file (.doc), not .docx; save it as .docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unzipped = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        raise ValueError("is not a Word document: a .docx file is a ZIP archive and this is not "
                         "one") from None
    if unzipped > MAX_DOCX_UNZIPPED:
        raise ValueError(f"unzips to {unzipped / 1e6:,.0f} MB, more than the "
                         f"{MAX_DOCX_UNZIPPED / 1e6:,.0f} MB a Word document may hold")
    try:
        document = python_docx.Document(io.BytesIO(data))
        blocks: list[str] = []
        styles = {style.style_id: style.name or "" for style in document.styles}
        _docx_blocks(document, blocks, styles)
        title = _one_line(document.core_properties.title or "") or None
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise ValueError(f"is not a readable Word document ({_one_line(str(e))[:200]})") from None
    except Exception as e:  # noqa: BLE001 -- a damaged file can fail python-docx anywhere; one line
        raise ValueError(f"is not a readable Word document: python-docx failed with "
                         f"{type(e).__name__}: {_one_line(str(e))[:200]}") from None
    return Extracted(_join_blocks(blocks), title=title)


def _docx_blocks(container, blocks: list[str], styles: dict[str, str]) -> None:
    """Append the blocks of a document body or a table cell; ``styles`` maps style ids to names."""
    from docx.table import Table

    for item in container.iter_inner_content():
        if isinstance(item, Table):
            seen: dict[int, object] = {}  # holding the elements keeps their ids unique
            for row in item.rows:
                for cell in row.cells:
                    if id(cell._tc) not in seen:  # a merged cell is listed once per grid column
                        seen[id(cell._tc)] = cell._tc
                        _docx_blocks(cell, blocks, styles)
            continue
        text = "\n".join(_one_line(s) for s in item.text.split("\n") if s.strip())
        if not text:
            continue
        # The style by its id in the XML: python-docx's paragraph.style looks up the default
        # style anew for each paragraph, which made reading a file four times slower.
        ppr = item._p.pPr
        name = styles.get(ppr.pStyle.val, "") if ppr is not None and ppr.pStyle is not None else ""
        level = _docx_heading_level(name, ppr)
        if level:
            blocks.append("#" * level + " " + _one_line(text))
        elif name.startswith("List") or (ppr is not None and ppr.numPr is not None):
            blocks.append("- " + text)
        else:
            blocks.append(text)


def _docx_heading_level(style: str, ppr) -> int:
    from docx.oxml.ns import qn

    if style == "Title":
        return 1
    if m := re.fullmatch(r"Heading ([1-9])", style):
        return min(int(m.group(1)), 6)
    outline = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
    value = outline.get(qn("w:val")) if outline is not None else None
    if value is not None and value.isdigit() and int(value) < 9:  # 9 is "body text"
        return min(int(value) + 1, 6)
    return 0
