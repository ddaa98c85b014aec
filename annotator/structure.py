"""Lines → headings, paragraphs and lists, every block with character offsets into the document.

The plain-text corpus has one paragraph a line. A short line that ends in a period and has no
finite verb is a heading (``Diplomatic relations.``), as is a Markdown ``#`` line; a run of short
lines without sentence punctuation is a list; a lone short unpunctuated line is a title. Only
paragraphs hold claims, and no sentence crosses a line, because each paragraph is parsed alone.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

PARAGRAPH = "paragraph"
HEADING = "heading"
LIST_ITEM = "list_item"
TITLE = "title"

HEADING_MAX_WORDS = 10
LIST_MAX_WORDS = 8
SECTION_SEPARATOR = " > "

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")
_MD_HEADING = re.compile(r"#{1,6}(?=\s)")
_MD_BULLET = re.compile(r"(?:[-*+]|\d{1,3}[.)])\s+")
_CLOSERS = "\"'”’»)]*_`"
_SENTENCE_END = ".!?:;…"


@dataclass
class Block:
    """One non-blank line of a document, classified."""

    kind: str
    start: int  # offsets of the stripped content into the document
    end: int
    text: str
    index: int  # order among the document's blocks
    level: int = 0  # heading level (1 = top)
    section: tuple[str, ...] = field(default_factory=tuple)
    paragraph_index: int | None = None  # order among the document's paragraphs

    @property
    def section_path(self) -> str:
        return SECTION_SEPARATOR.join(self.section)


def lines(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each line's stripped content; blank lines are left out."""
    out = []
    for m in _LINE.finditer(text):
        raw = m.group(0).rstrip("\r\n")
        if not raw.strip():
            if m.end() >= len(text):
                break
            continue
        lead = len(raw) - len(raw.lstrip())
        out.append((m.start() + lead, m.start() + len(raw.rstrip())))
        if m.end() >= len(text):
            break
    return out


def _words(s: str) -> int:
    return len(s.split())


def _punctuated(s: str) -> bool:
    return s.rstrip(_CLOSERS).endswith(tuple(_SENTENCE_END))


def _heading_candidate(s: str) -> bool:
    """Short, one sentence, ending in a period."""
    core = s.rstrip(_CLOSERS)
    if not s.endswith(".") and not core.endswith("."):
        return False
    if _words(s) > HEADING_MAX_WORDS or core.endswith(".."):
        return False
    body = core[:-1]
    return not re.search(r"[.!?]\s+[A-Z\"“]", body)


def segment(
    text: str,
    has_finite_verb: Callable[[Sequence[str]], Sequence[bool]] | None = None,
) -> list[Block]:
    """Split ``text`` into classified blocks with section paths.

    ``has_finite_verb`` answers, for a batch of short lines ending in a period, which contain a
    finite verb (the pipeline asks the spaCy tagger); without it every such line is a paragraph.
    """
    blocks: list[Block] = []
    for i, (start, end) in enumerate(lines(text)):
        s = text[start:end]
        md = _MD_HEADING.match(s)
        if md:
            content = s[md.end():].strip().rstrip("#").strip()
            if content:
                off = start + s.index(content, md.end())
                blocks.append(Block(HEADING, off, off + len(content), content, i, level=md.end()))
                continue
        bullet = _MD_BULLET.match(s)
        if bullet and s[bullet.end():].strip():
            start += bullet.end()
            s = text[start:end]
            blocks.append(Block(PARAGRAPH if _punctuated(s) else LIST_ITEM, start, end, s, i))
            continue
        blocks.append(Block(PARAGRAPH, start, end, s, i))

    _mark_lists(blocks)
    _mark_headings(blocks, has_finite_verb)
    _assign_sections(blocks)
    return blocks


def _short_unpunctuated(b: Block) -> bool:
    return b.kind in (PARAGRAPH, LIST_ITEM) and _words(b.text) <= LIST_MAX_WORDS and not _punctuated(b.text)


def _mark_lists(blocks: list[Block]) -> None:
    i = 0
    while i < len(blocks):
        if not _short_unpunctuated(blocks[i]):
            i += 1
            continue
        j = i
        while j < len(blocks) and _short_unpunctuated(blocks[j]):
            j += 1
        kind = LIST_ITEM if j - i >= 2 or blocks[i].kind == LIST_ITEM else TITLE
        for b in blocks[i:j]:
            b.kind = kind
        i = j


def _mark_headings(
    blocks: list[Block], has_finite_verb: Callable[[Sequence[str]], Sequence[bool]] | None
) -> None:
    if has_finite_verb is None:
        return
    cands = [b for b in blocks if b.kind == PARAGRAPH and _heading_candidate(b.text)]
    if not cands:
        return
    for b, finite in zip(cands, has_finite_verb([b.text for b in cands])):
        if not finite:
            b.kind = HEADING


def _assign_sections(blocks: list[Block]) -> None:
    """Give every block the path of the headings above it.

    Markdown headings carry their level. A plain heading right after another heading opens a
    subsection of it; a plain heading after content is a sibling of the deepest open section.
    """
    stack: list[tuple[int, str]] = []
    previous: Block | None = None
    n_paragraphs = 0
    for b in blocks:
        if b.kind == HEADING:
            name = b.text.rstrip(".").strip().strip("\"“”") or b.text
            if b.level:  # Markdown
                while stack and stack[-1][0] >= b.level:
                    stack.pop()
                level = b.level
            elif previous is not None and previous.kind == HEADING:
                level = stack[-1][0] + 1 if stack else 1
            else:
                level = stack[-1][0] if stack else 1
                while stack and stack[-1][0] >= level:
                    stack.pop()
            b.level = level
            stack.append((level, name))
        elif b.kind == PARAGRAPH:
            b.paragraph_index = n_paragraphs
            n_paragraphs += 1
        b.section = tuple(name for _, name in stack)
        previous = b
