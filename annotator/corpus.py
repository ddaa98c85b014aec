"""Read corpus files: find them, decode them, hash them, refuse bad input clearly."""

import codecs
import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".txt", ".md")
# A corpus folder's attribution file, not a document.
METADATA_FILES = frozenset({"SOURCES.md"})
# A file is text when it decodes and holds none of these (NUL, and C0 controls other than
# tab, newline, vertical tab, form feed, carriage return and escape).
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\x0b", "\x0c", "\r", "\x1b"}
_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or an Office document)",
    b"\x1f\x8b": "a gzip archive",
}


@dataclass(frozen=True)
class Document:
    """A decoded corpus file. ``text`` is exactly what every offset points into."""

    path: str  # relative to the folder it was found in (or the file name)
    abspath: str
    text: str
    sha256: str
    size: int
    encoding: str

    @property
    def id(self) -> str:
        return document_id(self.path)


@dataclass(frozen=True)
class Refusal:
    """A file that could not be read as a document, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def document_id(path: str) -> str:
    """The stable id of a document: its path within the corpus."""
    return hashlib.sha1(path.encode("utf-8")).hexdigest()[:16]


def find_files(paths: Iterable[str | os.PathLike]) -> Iterator[tuple[Path, str] | Refusal]:
    """Yield ``(file, relative path)`` for every corpus file under ``paths``, in sorted order."""
    for given in paths:
        root = Path(given)
        if root.is_dir():
            yield from _walk(root)
        elif root.is_file():
            yield root, root.name
        elif root.is_symlink():
            yield Refusal(str(root), "is a broken or looping symbolic link")
        elif root.exists():
            yield Refusal(str(root), "is not a regular file or folder")
        else:
            yield Refusal(str(root), "does not exist")


def _walk(root: Path) -> Iterator[tuple[Path, str] | Refusal]:
    seen: set[str] = set()
    stack = [root]
    found: list[tuple[Path, str] | Refusal] = []
    while stack:
        folder = stack.pop()
        try:
            real = os.path.realpath(folder)
            if real in seen:
                found.append(Refusal(str(folder), "is a symbolic link loop; skipped"))
                continue
            seen.add(real)
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as e:
            found.append(Refusal(str(folder), f"cannot be listed ({e.strerror or e})"))
            continue
        for entry in entries:
            p = Path(entry.path)
            rel = p.relative_to(root).as_posix()
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
            except OSError as e:
                found.append(Refusal(str(p), f"cannot be read ({e.strerror or e})"))
                continue
            if entry.name.startswith(".") or entry.name in METADATA_FILES:
                continue
            if not p.suffix.lower() in SUFFIXES:
                if is_dir:
                    stack.append(p)
                continue
            if is_dir:
                found.append(Refusal(str(p), "is a folder, not a text file"))
                stack.append(p)
            elif is_file:
                found.append((p, rel))
            elif entry.is_symlink():
                found.append(Refusal(str(p), "is a broken or looping symbolic link"))
            else:
                found.append(Refusal(str(p), "is not a regular file"))
    found.sort(key=lambda f: f.path if isinstance(f, Refusal) else str(f[0]))
    yield from found


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode ``data`` as UTF-8 (or ``encoding``), dropping a byte-order mark; return text, encoding.

    Raises ``ValueError`` with a reason a person can act on.
    """
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise ValueError(f"is not text: it looks like {what}")
    if encoding is None:
        if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
            encoding = "utf-16"
        else:
            encoding = "utf-8"
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        raise ValueError(
            f"is not valid {e.encoding.upper().replace('-SIG', '')}: byte 0x{data[e.start]:02x} at "
            f"offset {e.start} cannot be decoded (pass --encoding, e.g. --encoding latin-1, "
            "to read a legacy file on purpose)"
        ) from None
    except LookupError:
        raise ValueError(f"names an unknown encoding {encoding!r}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    bad = next((i for i, ch in enumerate(text) if ch in _CONTROL), None)
    if bad is not None:
        what = "a NUL byte" if text[bad] == "\0" else f"the control character U+{ord(text[bad]):04X}"
        raise ValueError(f"is not text: it holds {what} at character {bad}")
    return text, encoding.replace("utf-8-sig", "utf-8")


def read_document(file: Path, rel: str, encoding: str | None = None) -> Document | Refusal:
    """Read one file into a :class:`Document`, or a :class:`Refusal` saying why not."""
    try:
        data = file.read_bytes()
    except OSError as e:
        return Refusal(str(file), f"cannot be read ({e.strerror or e})")
    try:
        text, used = decode(data, encoding)
    except ValueError as e:
        return Refusal(str(file), str(e))
    return Document(
        path=rel,
        abspath=str(file),
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        encoding=used,
    )


def read_corpus(
    paths: Iterable[str | os.PathLike], encoding: str | None = None
) -> Iterator[Document | Refusal]:
    """Yield a :class:`Document` or a :class:`Refusal` for every corpus file under ``paths``."""
    for found in find_files(paths):
        if isinstance(found, Refusal):
            yield found
        else:
            yield read_document(found[0], found[1], encoding)
