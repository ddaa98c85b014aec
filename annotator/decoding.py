"""Bytes to text: the encoding (UTF-8 unless told, a byte-order mark honoured), binary files
refused, stray control characters repaired or refused, over-long lines refused. Every refusal is
a ``ValueError`` whose message completes "FILE ..."."""

import codecs
import re

# Each line is parsed as one spaCy doc, which needs about 1 GB of memory per 100,000 characters.
MAX_LINE = 100_000
# A file is text when it decodes and holds none of these: NUL, the C0 controls other than tab,
# newline, vertical tab, form feed, carriage return and escape; DEL; the C1 controls (in a
# legacy file read as Latin-1 they betray Windows-1252); lone surrogates.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f\ud800-\udfff]")
# A few such characters in a long text are strays (mojibake: U+0092 for a Windows-1252
# apostrophe), read as their Windows-1252 character or dropped with a warning; more than one per
# STRAY_PER characters (or any NUL or lone surrogate) and the file is not text.
STRAY_PER = 1_000
_NEVER_STRAY = re.compile("[\x00\ud800-\udfff]")
_NOT_BREAK = re.compile("[^\r\n]+")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: it starts with the UTF-16 LE mark
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or an Office document)",
    b"\x1f\x8b": "a gzip archive",
}


def check_encoding(encoding: str) -> str:
    """``encoding`` if Python can decode text with it; ``ValueError`` otherwise."""
    try:
        b"a".decode(encoding, "ignore")  # LookupError for unknown and bytes-to-bytes codecs
    except LookupError:
        raise ValueError(f"unknown text encoding {encoding!r} (try utf-8, latin-1, cp1252 or utf-16)")
    return encoding


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str, tuple[str, ...]]:
    """Decode ``data`` as UTF-8 (or ``encoding``), dropping a byte-order mark.

    Returns the text, the encoding used, and warnings about stray control characters read as
    their Windows-1252 characters or dropped (see :func:`repair_controls`). Raises ``ValueError``
    with a reason a person can act on.
    """
    refuse_binary(data)
    if encoding is None:
        encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), "utf-8")
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        legacy = ("utf-16" if _looks_utf16(data) else
                  "cp1252" if re.search(b"[\x80-\x9f]", data) else "latin-1")
        raise ValueError(
            f"is not valid {e.encoding.upper().replace('-SIG', '')}: byte 0x{data[e.start]:02x} at "
            f"offset {e.start} cannot be decoded (pass --encoding, e.g. --encoding {legacy}, "
            "to read a legacy file on purpose)"
        ) from None
    except LookupError:
        raise ValueError(f"names an unknown encoding {encoding!r}") from None
    if text.startswith("\ufeff") and encoding not in ("utf-8-sig", "utf-16", "utf-32"):
        text = text[1:]  # a mark the codec kept (utf-16-le, ...); those three drop their own
    found = list(_CONTROL.finditer(text))
    if found:
        never = _NEVER_STRAY.search(text)
        if never is not None or len(found) > max(1, len(text) // STRAY_PER):
            bad = never or found[0]
            raise ValueError(f"is not text: it holds {_describe(bad.group())} at character "
                             f"{bad.start()}{_hint(bad.group(), data, encoding)}")
    text, warnings, _ = repair_controls(text)
    check_lines(text)
    return text, encoding.replace("utf-8-sig", "utf-8"), warnings


def refuse_binary(data: bytes) -> None:
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise ValueError(f"is not text: it looks like {what}")


def check_lines(text: str) -> None:
    longest = max((m.end() - m.start() for m in _NOT_BREAK.finditer(text)), default=0)
    if longest > MAX_LINE:
        raise ValueError(
            f"has a line of {longest:,} characters, more than the {MAX_LINE:,} one paragraph may "
            "hold; break it into paragraphs (one a line)"
        )


def repair_controls(text: str) -> tuple[str, tuple[str, ...], list[int]]:
    """``text`` with each control character read as its Windows-1252 character (U+0092 is
    ``’``) or, where it has none, dropped.

    Returns the text, a warning saying what changed (none when nothing did) and the offsets
    (into the given text) of the characters dropped.
    """
    found = list(_CONTROL.finditer(text))
    if not found:
        return text, (), []
    parts: list[str] = []
    dropped: list[int] = []
    said: list[str] = []
    last = 0
    for m in found:
        ch = m.group()
        try:
            new = bytes([ord(ch)]).decode("cp1252") if "\x80" <= ch <= "\x9f" else ""
        except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d: nothing in Windows-1252
            new = ""
        parts.append(text[last:m.start()] + new)
        last = m.end()
        if not new:
            dropped.append(m.start())
        if len(said) < 3:
            said.append(f"U+{ord(ch):04X} at character {m.start():,} "
                        + (f"read as {new} (Windows-1252)" if new else "dropped"))
    parts.append(text[last:])
    more = f" and {len(found) - len(said)} more" if len(found) > len(said) else ""
    n = len(found)
    warning = (f"held {n} stray control character{'s' if n > 1 else ''} (mojibake?): "
               f"{'; '.join(said)}{more}")
    return "".join(parts), (warning,), dropped


def _describe(ch: str) -> str:
    if ch == "\0":
        return "a NUL byte"
    if 0xD800 <= ord(ch) <= 0xDFFF:
        return f"a lone surrogate U+{ord(ch):04X}"
    return f"the control character U+{ord(ch):04X}"


def _hint(ch: str, data: bytes, encoding: str) -> str:
    """What a legacy file with this character probably is."""
    if ch == "\0" and not encoding.startswith("utf-16") and _looks_utf16(data):
        return "; it may be UTF-16 without a byte-order mark (pass --encoding utf-16)"
    if "\x80" <= ch <= "\x9f" and codecs.lookup(encoding).name == "iso8859-1":
        return "; it may be Windows-1252 (pass --encoding cp1252)"
    return ""


def _looks_utf16(data: bytes) -> bool:
    head = data[:400]
    return head.count(0) * 3 >= len(head) > 0
