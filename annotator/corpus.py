"""Read corpus files and web pages: find them, decode them, hash them, refuse bad input clearly.

Plain text and Markdown are stored as decoded; web pages, PDFs and Word files as the text
:mod:`annotator.formats` reads out of them.
"""

import bisect
import errno
import hashlib
import os
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from . import __version__, decoding, formats, pdf
from .ids import stable_id

# File suffix -> format. Text and Markdown are read as they are; the others through formats.py.
FORMATS = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".pdf": "pdf",
           ".docx": "docx"}
SUFFIXES = tuple(FORMATS)
READERS = {"html": formats.html, "pdf": pdf.read, "docx": formats.docx}
# A corpus folder's attribution file, not a document.
METADATA_FILES = frozenset({"SOURCES.md"})
# Larger files are refused before they are read: 10 MB is some 1.5 million words, and a
# document is parsed and stored in one piece.
MAX_BYTES = 10_000_000
# PDFs and Word files carry pictures and fonts: their limit is on the file, larger.
MAX_PACKAGE_BYTES = 50_000_000


@dataclass(frozen=True)
class Document:
    """A decoded corpus file. ``text`` is exactly what every offset points into."""

    path: str  # relative to the folder it was found in (or the file name, or the URL)
    abspath: str
    text: str
    sha256: str  # of the file's (or the fetched page's) bytes
    size: int
    encoding: str | None  # None for PDF and Word files
    format: str = "txt"  # txt, md, html, pdf, docx
    title: str | None = None  # declared by a web page or a Word file's properties
    url: str | None = None  # where a fetched page came from
    canonical_url: str | None = None  # declared by a web page
    pages: tuple[int, ...] = ()  # PDF: offset in text where each page starts
    warnings: tuple[str, ...] = ()  # what was read with a repair (a stray control character)

    @property
    def id(self) -> str:
        return document_id(self.path)

    def page_at(self, offset: int) -> int | None:
        """The page (1-based) on which the character at ``offset`` is; None without pages."""
        if not self.pages:
            return None
        return max(1, bisect.bisect_right(self.pages, offset))


@dataclass(frozen=True)
class Refusal:
    """A file that could not be read as a document, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{shown(self.path)}: {self.reason}"


def shown(path: str | os.PathLike) -> str:
    """``path`` fit for one line of UTF-8: undecodable bytes and control characters escaped."""
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


def document_id(path: str) -> str:
    """The stable id of a document: its path within the corpus."""
    return stable_id(path)


def find_files(paths: Iterable[str | os.PathLike]) -> Iterator[tuple[Path, str] | Refusal]:
    """Yield ``(file, relative path)`` for every corpus file under ``paths``, in sorted order."""
    for given in paths:
        root = Path(given)
        if root.is_dir():
            yield from _walk(root)
        elif root.is_file():
            yield _named(root, root.name)
        elif root.is_symlink():
            yield Refusal(str(root), _link_problem(root))
        elif root.exists():
            yield Refusal(str(root), f"is {_kind(root)}, not a regular file or folder")
        else:
            yield Refusal(str(root), "does not exist")


def _named(file: Path, rel: str) -> tuple[Path, str] | Refusal:
    """The file with its corpus path, unless that path cannot be stored as text."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return Refusal(str(file), "has a name that is not valid UTF-8; rename it")
    return file, rel


def _link_problem(link: Path) -> str:
    try:
        os.stat(link)
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "is a symbolic link loop"
        try:
            return f"is a broken symbolic link (to {shown(os.readlink(link))})"
        except OSError:
            return f"is a broken symbolic link ({e.strerror or e})"
    return f"is a symbolic link to {_kind(link)}, not to a regular file"


def _kind(path: Path) -> str:
    try:
        mode = path.stat().st_mode
    except OSError:
        return "unreadable"
    for test, what in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return what
    return "not a regular file"


def _walk(root: Path) -> Iterator[tuple[Path, str] | Refusal]:
    seen: set[str] = set()
    stack = [root]
    found: list[tuple[Path, str] | Refusal] = []
    while stack:
        folder = stack.pop()
        try:
            real = os.path.realpath(folder)
            if real in seen:
                found.append(Refusal(str(folder), "leads back to a folder already read "
                                     "(a symbolic link loop); skipped"))
                continue
            seen.add(real)
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as e:
            found.append(Refusal(str(folder), f"cannot be listed ({e.strerror or e})"))
            continue
        for entry in entries:
            p = Path(entry.path)
            rel = p.relative_to(root).as_posix()
            if entry.name.startswith(".") or entry.name in METADATA_FILES:
                continue
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
            except OSError as e:
                reason = _link_problem(p) if entry.is_symlink() else f"cannot be read ({e.strerror or e})"
                found.append(Refusal(str(p), reason))
                continue
            if p.suffix.lower() not in SUFFIXES:
                if is_dir:
                    stack.append(p)
                continue
            if is_dir:
                found.append(Refusal(str(p), "is a folder, not a text file"))
                stack.append(p)
            elif is_file:
                found.append(_named(p, rel))
            elif entry.is_symlink():
                found.append(Refusal(str(p), _link_problem(p)))
            else:
                found.append(Refusal(str(p), f"is {_kind(p)}, not a regular file"))
    found.sort(key=lambda f: f.path if isinstance(f, Refusal) else str(f[0]))
    yield from found


def read_document(file: Path, rel: str, encoding: str | None = None) -> Document | Refusal:
    """Read one file into a :class:`Document`, or a :class:`Refusal` saying why not.

    ``encoding`` applies to text and Markdown files; a web page says its own.
    """
    fmt = FORMATS.get(file.suffix.lower(), "txt")
    limit = MAX_PACKAGE_BYTES if fmt in ("pdf", "docx") else MAX_BYTES
    try:
        # Non-blocking, so that a named pipe swapped in for a file cannot hang the run.
        with os.fdopen(os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                return Refusal(str(file), "is not a regular file")
            if info.st_size > limit:
                return Refusal(str(file), _too_big(info.st_size, limit))
            data = f.read(limit + 1)
    except OSError as e:
        return Refusal(str(file), f"cannot be read ({e.strerror or e})")
    if len(data) > limit:
        return Refusal(str(file), _too_big(len(data), limit))
    return _document(data, rel, str(file), fmt, encoding)


def _document(data: bytes, path: str, abspath: str, fmt: str, encoding: str | None = None,
              url: str | None = None, charset: str | None = None) -> Document | Refusal:
    """The document in ``data``, read as ``fmt``; ``charset`` is what a web server declared."""
    extracted = formats.Extracted("")
    dropped: list[int] = []
    try:
        if fmt in ("txt", "md"):
            text, used, warnings = decoding.decode(data, encoding)
        else:
            if fmt == "pdf" and b"%PDF-" not in data[:1024]:
                decoding.refuse_binary(data)
                raise ValueError("is not a PDF: it does not start with %PDF-")
            if fmt == "html":
                decoding.refuse_binary(data)
                used = formats.html_encoding(data, charset)
                extracted = formats.html(data, used)
            else:
                used = None
                extracted = READERS[fmt](data)
            text, warnings, dropped = decoding.repair_controls(extracted.text)
            warnings = extracted.warnings + warnings
            decoding.check_lines(text)
    except ValueError as e:
        return Refusal(abspath, str(e))
    # Page starts move back by the characters dropped before them.
    pages = tuple(start - bisect.bisect_left(dropped, start) for start in extracted.pages)
    return Document(
        path=path,
        abspath=abspath,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        encoding=used.replace("utf-8-sig", "utf-8") if used else None,
        format=fmt,
        title=extracted.title,
        url=url,
        canonical_url=urljoin(url, extracted.canonical_url) if url and extracted.canonical_url
        else extracted.canonical_url,
        pages=pages,
        warnings=warnings,
    )


def _too_big(size: int, limit: int = MAX_BYTES) -> str:
    return (f"is {size / 1e6:,.1f} MB, more than the {limit / 1e6:,.0f} MB one document may be; "
            "split it into smaller files")


@dataclass(frozen=True)
class WebPage:
    """A page to fetch (``annotator extract --url URL``)."""

    url: str


# A fetch gives up after this many seconds, whether the server is silent or slow.
FETCH_TIMEOUT = 30.0
USER_AGENT = f"annotator/{__version__} (claim extraction for fact-checkers; Python urllib)"
_WEB_FORMATS = {"text/html": "html", "application/xhtml+xml": "html", "application/pdf": "pdf",
                "text/plain": "txt"}


def fetch(url: str) -> Document | Refusal:
    """Fetch a web page (or a PDF, or plain text) into a :class:`Document`, or say why not.

    The document's path is the URL as given; its hash is that of the bytes fetched.
    """
    import http.client
    import socket
    import urllib.error
    import urllib.parse
    import urllib.request

    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Refusal(url, "is not a web address (http:// or https://)")
    request = urllib.request.Request(url, headers={
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml;q=0.9,application/pdf;q=0.8,text/plain;q=0.7",
    })
    too_slow = f"could not be fetched: no complete answer within {FETCH_TIMEOUT:g} s"
    deadline = time.monotonic() + FETCH_TIMEOUT
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            ctype = response.headers.get_content_type()
            fmt = _WEB_FORMATS.get(ctype)
            if fmt is None:
                return Refusal(url, f"is not a web page: the server sent {ctype}")
            limit = MAX_PACKAGE_BYTES if fmt == "pdf" else MAX_BYTES
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                return Refusal(url, _too_big(int(declared), limit))
            chunks, size = [], 0
            while chunk := response.read1(65536):
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    return Refusal(url, f"is more than the {limit / 1e6:,.0f} MB one document "
                                        "may be (stopped reading there)")
                if time.monotonic() > deadline:
                    return Refusal(url, too_slow)
            charset = response.headers.get_content_charset()
            final = response.geturl()
    except urllib.error.HTTPError as e:
        return Refusal(url, f"could not be fetched: the server answered {e.code} {e.reason}")
    except urllib.error.URLError as e:
        if isinstance(e.reason, (TimeoutError, socket.timeout)):
            return Refusal(url, too_slow)
        reason = e.reason.strerror if isinstance(e.reason, OSError) and e.reason.strerror else e.reason
        return Refusal(url, f"could not be fetched: {reason}")
    except TimeoutError:
        return Refusal(url, too_slow)
    except (OSError, http.client.HTTPException, ValueError) as e:
        return Refusal(url, f"could not be fetched: {type(e).__name__}: {e}")
    return _document(b"".join(chunks), url, url, fmt, url=final, charset=charset)


def read(found: "tuple[Path, str] | WebPage | Refusal", encoding: str | None = None) -> Document | Refusal:
    """The document for what :func:`find_files` found, or a :class:`WebPage` fetched."""
    if isinstance(found, Refusal):
        return found
    if isinstance(found, WebPage):
        return fetch(found.url)
    return read_document(found[0], found[1], encoding)
