"""Text out of a PDF's text layer: lines in the order they were written, joined into paragraphs
where the line spacing says so, hyphenated words joined, running headers, footers and page
numbers dropped, and where each page starts. A file it cannot read is refused with a
``ValueError`` whose message completes "FILE ..."."""

import io
import itertools
import logging
import re
import statistics
from dataclasses import dataclass, field

from .formats import Extracted, one_line

# pypdf reports what it repairs in a damaged file through logging, which Python would print to
# standard error line by line; a file is either read or refused with one line of our own.
logging.getLogger("pypdf").setLevel(logging.ERROR)

SENTENCE_END = re.compile(r"[.!?:;…][\"'”’»)\]]*$")

_PAGE_NUMBER = re.compile(r"(?i)^\W*(?:page|p\.)?\s*\d+(?:\s*(?:of|/)\s*\d+)?\W*$")
_HYPHENATED = re.compile(r"[^\W\d_]-$")


@dataclass
class _Line:
    text: str
    y: float
    size: float


def read(data: bytes) -> Extracted:
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
        raise ValueError(f"is not a readable PDF ({one_line(str(e)) or type(e).__name__})") from None
    except Exception as e:  # noqa: BLE001 -- a damaged file can fail pypdf anywhere; one line
        raise ValueError(f"is not a readable PDF: pypdf failed with {type(e).__name__}: "
                         f"{one_line(str(e))[:200]}") from None
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
        line.text = one_line(line.text.replace("\x00", ""))
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
                           and not SENTENCE_END.search(last.text))
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
