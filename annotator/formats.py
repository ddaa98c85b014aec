"""Text out of web pages and Word files (PDFs: :mod:`annotator.pdf`), with headings and list items marked as in Markdown.

Each reader takes a file's bytes and returns the text that is stored as ``documents.text`` (and
that every offset points into): one block a line, blocks separated by a blank line, a heading as
``## Heading``, a list item as ``- item``, so that :mod:`annotator.structure` finds headings,
sections and lists exactly as it does in a Markdown file. A reader refuses what it cannot read
with a ``ValueError`` whose message completes "FILE ...".
"""

import io
import re
import zipfile
from dataclasses import dataclass

SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Extracted:
    """The text read out of a file, with what the file says about itself."""

    text: str
    title: str | None = None
    canonical_url: str | None = None
    pages: tuple[int, ...] = ()  # offset in ``text`` where each page (1, 2, ...) starts
    warnings: tuple[str, ...] = ()


def one_line(s: str) -> str:
    return SPACE.sub(" ", s).strip()


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
        values = [one_line(str(v)) for v in tree.xpath(path)]
        out.append(next((v for v in values if v), None))
    return out


def _inline(elem) -> str:
    """An element's text on one line, its line breaks (``<br>``) kept as line ends."""
    parts = [elem.text or ""]
    for child in elem:
        parts.append("\n" if child.tag == "lb" else _inline(child))
        parts.append(child.tail or "")
    return "\n".join(one_line(line) for line in "".join(parts).split("\n") if line.strip())


def _html_blocks(elem, blocks: list[str]) -> None:
    tag = elem.tag
    if tag == "head":
        level = int(m.group(1)) if (m := re.fullmatch(r"h([1-6])", elem.get("rend", ""))) else 2
        blocks.append("#" * level + " " + one_line("".join(elem.itertext())))
    elif tag == "list":
        for item in elem.iterchildren("item"):
            own = item.text or ""
            nested = []
            for child in item:
                if child.tag == "list":
                    nested.append(child)
                else:
                    own += _inline(child) + (child.tail or "")
            if one_line(own):
                blocks.append("- " + one_line(own))
            for sub in nested:
                _html_blocks(sub, blocks)
    elif tag == "table":
        for cell in elem.iter("cell"):
            blocks.append(one_line(" ".join(cell.itertext())))
    elif tag in ("quote", "div", "main") and len(elem):
        if (elem.text or "").strip():
            blocks.append(one_line(elem.text))
        for child in elem:
            _html_blocks(child, blocks)
    elif tag != "graphic":
        blocks.append(_inline(elem))


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
        title = one_line(document.core_properties.title or "") or None
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise ValueError(f"is not a readable Word document ({one_line(str(e))[:200]})") from None
    except Exception as e:  # noqa: BLE001 -- a damaged file can fail python-docx anywhere; one line
        raise ValueError(f"is not a readable Word document: python-docx failed with "
                         f"{type(e).__name__}: {one_line(str(e))[:200]}") from None
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
        text = "\n".join(one_line(s) for s in item.text.split("\n") if s.strip())
        if not text:
            continue
        # The style by its id in the XML: python-docx's paragraph.style looks up the default
        # style anew for each paragraph, which made reading a file four times slower.
        ppr = item._p.pPr
        name = styles.get(ppr.pStyle.val, "") if ppr is not None and ppr.pStyle is not None else ""
        level = _docx_heading_level(name, ppr)
        if level:
            blocks.append("#" * level + " " + one_line(text))
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
